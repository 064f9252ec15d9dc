"""The reader's refusals are stored as a code with parameters and read in the page's language."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from oso_format.reader import dossier_read
from oso_format.types import DossierError
from portal_text import message_from_json, render
from requests.models import RequestStatus
from students.models import DossierOutcome
from students.services.dossier_merge import DossierIn, dossiers_merge
from students.services.dossier_merge.texts import dossier_error_text
from tests.factories import SignupGroupFactory, TransferRequestFactory, bsn_from_seed
from tests.test_dossier_reader import PUPIL, crafted

pytestmark = pytest.mark.django_db

NOT_XML = b"<dossier>\n<leerling>\n</dossier>"
BSN = bsn_from_seed(31337)


def _failed(raw: bytes):
    [result] = dossiers_merge(items=[DossierIn(raw=raw, source_name="a.xml")])
    assert result.outcome == DossierOutcome.FAILED
    return result.reason_message


def _both(message) -> tuple[str, str]:
    # As a page reads it: from the stored JSON.
    stored = message_from_json(message.as_json())
    with translation.override("nl"):
        dutch = render(stored)
    with translation.override("en"):
        english = render(stored)
    return dutch, english


def test_an_empty_dossier_is_refused_in_the_readers_language():
    reason = _failed(b"  \n")

    assert reason.code == "reader.text"
    assert _both(reason) == ("Het dossier is leeg.", "The dossier is empty.")


def test_a_file_that_is_not_xml_names_its_line_in_either_language():
    reason = _failed(NOT_XML)

    template = "The dossier is not valid XML (line {line}, column {column})."
    assert reason.params["template"] == template
    dutch, english = _both(reason)
    line, column = reason.params["params"]["line"], reason.params["params"]["column"]
    assert dutch == f"Het dossier is geen geldige XML (regel {line}, kolom {column})."
    assert english == f"The dossier is not valid XML (line {line}, column {column})."


def test_the_dutch_reason_is_the_text_the_reader_gave_before():
    with translation.override("nl"), pytest.raises(DossierError) as refused:
        dossier_read(raw=NOT_XML)
    dutch, _english = _both(_failed(NOT_XML))

    assert dutch == refused.value.message


def test_a_bsn_in_a_parameter_is_stored_masked():
    raw = f"<dossier xmlns='urn:leerling:{BSN}'/>".encode()

    reason = _failed(raw)

    assert reason.code == "reader.text"
    stored = str(reason.as_json())
    assert BSN not in stored
    assert "*****" + BSN[-4:] in reason.params["params"]["namespace"]
    dutch, english = _both(reason)
    assert BSN not in dutch and BSN not in english
    assert "unknown namespace" in english


def test_an_error_of_plain_text_stays_as_written():
    error = DossierError(f"Iets ging mis met {BSN}.")

    assert error.template == ""
    message = dossier_error_text(error)
    assert message.code == "legacy"
    assert BSN not in render(message)


def test_the_english_overview_shows_the_english_reason(portal_client):
    request = TransferRequestFactory(status=RequestStatus.FAILED)
    request.error = _failed(b"")
    request.save()
    url = reverse("oso_requests:overview")

    def page(language: str) -> str:
        portal_client.post(reverse("set_language"), {"language": language, "next": url})
        return html.unescape(portal_client.get(url).content.decode())

    english, dutch = page("en"), page("nl")

    assert "The dossier is empty." in english
    assert "Het dossier is leeg." not in english
    assert "Het dossier is leeg." in dutch


def _reader_refusal(raw: bytes) -> str:
    with translation.override("nl"), pytest.raises(DossierError) as refused:
        dossier_read(raw=raw)
    return refused.value.message


def test_an_xsd_refusal_reads_wholly_in_english_and_as_before_in_dutch():
    raw = crafted("POVO_full", lambda d: d.set("huidigeschool/brincode", "12ab"))

    dutch, english = _both(_failed(raw))

    assert dutch == _reader_refusal(raw)
    assert dutch.startswith("Veld huidigeschool/brincode (regel ")
    assert english.startswith("Field huidigeschool/brincode (line ")
    assert english.endswith(
        "does not match the XSD: the value '12ab' does not have the required format "
        "([0-9][0-9][A-Z][A-Z])."
    )


def test_a_hidden_birth_date_is_hidden_in_either_language():
    raw = crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/geboortedatum", "2003-02-30"))

    dutch, english = _both(_failed(raw))

    assert dutch == _reader_refusal(raw)
    assert "2003-02-30" not in dutch + english
    assert "(hidden)" in english and "(hidden)" not in dutch


def test_a_broken_rule_names_its_field_in_either_language():
    raw = crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/geboortedatum", "2016-02-01"))

    reason = _failed(raw)
    dutch, english = _both(reason)

    assert reason.params["params"]["field"] == "leerling/geboortedatum"
    assert dutch == (
        "Veld leerling/geboortedatum: de geboortedatum ligt na de aanmaakdatum van het dossier."
    )
    assert english == (
        "Field leerling/geboortedatum: the birth date lies after the collection date of the "
        "dossier."
    )


def test_dossier_inlezen_in_english_gives_the_readers_reason_in_english(portal_client):
    group = SignupGroupFactory()
    url = reverse("students:dossier_import")
    portal_client.post(reverse("set_language"), {"language": "en", "next": url})
    empty = SimpleUploadedFile("leeg.xml", b"", content_type="text/xml")
    junk = SimpleUploadedFile("notes.xml", NOT_XML, content_type="text/xml")

    response = portal_client.post(
        url, {"files": [empty, junk], "signup_group": group.pk}, follow=True
    )

    empty_row, junk_row = response.context["results"]
    assert empty_row["reason"] == "The dossier is empty."
    assert junk_row["reason"].startswith("The dossier is not valid XML (line ")
