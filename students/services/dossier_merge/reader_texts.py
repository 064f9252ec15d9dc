"""The dossier reader's sentences as codes, so its notices and reasons read in the page's language.

The reader hands its notices and errors over as Dutch text (the format package
knows nothing of stored codes). The merge reads each one back into its code here
(``portal_text.text_to_message``): the templates are the reader's own msgids, so
they are translated from the reader's catalogue and are not marked for extraction
a second time. A sentence that is not listed (the XSD's detailed problems) keeps
the code ``legacy`` and reads in Dutch, as the reader wrote it.
"""

from __future__ import annotations

from django.utils import translation

from portal_text import Message, date_param, define, text_to_message

# The language the reader writes in (the merge runs it with Dutch active).
READER_LANGUAGE = "nl"

_SENTENCES = {
    "reader.phone_secret": "Phone number is secret in the dossier: the existing number was kept.",
    "reader.email_secret": (
        "E-mail address is secret in the dossier: the existing address was kept."
    ),
    "reader.address_secret": (
        "Address is secret in the dossier (adresgeheim): the existing address was kept."
    ),
    "reader.attachment_missing": "Attachment {number} does not exist in the dossier.",
    "reader.attachment_base64": "Attachment {name}: the content is not valid base64.",
    "reader.attachment_zip": "Attachment {name}: the ZIP archive is damaged.",
    "reader.attachment_too_large": "Attachment {name}: the unpacked file is too large.",
    "reader.namespace": (
        "The file is not an OSO dossier: unknown namespace '{namespace}' "
        "(supported: OSO {versions})."
    ),
    "reader.root": "The file is not an OSO dossier: the root element is '{name}', not 'dossier'.",
    "reader.transfer_kind": (
        "Field {field}: an overstapdossier must be a POPO, POVO or VOVO transfer."
    ),
    "reader.codelist": "Field {field}: code '{code}' is not in codelist {number} ({name}).",
    "reader.no_identifier": "Field {field}: the dossier has neither a BSN nor an education number.",
    "reader.nine_digits": "Field {field}: the number must consist of 9 digits.",
    "reader.education_number_prefix": "Field {field}: an education number starts with 10.",
    "reader.check_digit": "Field {field}: the check digit is wrong.",
    "reader.birth_after_collection": (
        "Field {field}: the birth date lies after the collection date of the dossier."
    ),
    "reader.revised_needs_motivation": "Field {field}: a revised advice needs its motivation.",
    "reader.motivation_without_revised": (
        "Field {field}: there is a motivation but no revised advice."
    ),
    "reader.povo_needs_advice": "Field {field}: a POVO transfer needs a school advice.",
    "reader.final_test_result_missing": (
        "Field {field}: the pupil took the final test, but the result is missing."
    ),
    "reader.final_test_advice_missing": (
        "Field {field}: the pupil took the final test, but the test advice is missing."
    ),
    "reader.too_large": "The dossier is too large ({size}); the limit is {limit}.",
    "reader.empty": "The dossier is empty.",
    "reader.not_utf8": "The dossier is not valid XML: only UTF-8 encoded files are accepted.",
    "reader.doctype": (
        "The dossier contains a DOCTYPE declaration, which is not allowed (no DTDs or entities)."
    ),
    "reader.huge_text": (
        "The dossier has a text field that is too large (line {line}), such as an attachment "
        "over 7 MB."
    ),
    "reader.not_xml_line": "The dossier is not valid XML (line {line}): {detail}.",
    "reader.not_xml": "The dossier is not valid XML: {detail}.",
    "reader.xsd": "The dossier does not match the XSD.",
}

for _code, _template in _SENTENCES.items():
    define(_code, _template, style="format")

define(
    "reader.future_collection_date",
    "Field {field}: the collection date {date} lies in the future.",
    style="format",
    formats={"date": date_param},
)


def reader_text(text: str) -> Message:
    """One of the reader's Dutch sentences as its code (or ``legacy`` when it is not listed)."""
    with translation.override(READER_LANGUAGE):
        return text_to_message(text)
