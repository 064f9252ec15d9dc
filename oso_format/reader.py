"""The OSO dossier reader: safe parsing, XSD validation, business rules, typed values.

Public functions (all pure: no database, no network):

- ``dossier_read(raw=...)`` -> ParsedDossier, or raises DossierError with one Dutch
  sentence naming the field;
- ``dossier_validate_many(raws=...)`` -> one ParsedDossier or DossierError per input,
  in order (the merge validates a whole chunk before it writes);
- ``dossier_attachment(raw=..., index=...)`` -> (file name, base64-decoded content)
  of the index-th <document>; ``dossier_attachment_file`` also unpacks the ZIP that
  OSO wraps every attachment in;
- ``dossier_sha256(raw)``.

Steps: size, emptiness, encoding family and DOCTYPE on the bytes; a hardened lxml
parse; root element and namespace (which names the OSO version); the version's XSD,
compiled once per process; the official validation stylesheet (XSLT 2.0, through
Saxon, on the parsed tree); the portal's own rules the stylesheet does not cover; then
the mapping. A *fout* melding refuses the file; a *waarschuwing* becomes a remark.
"""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import io
import logging
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from lxml import etree

from oso_format import schema
from oso_format.identifiers import redact_identifiers
from oso_format.mapping import moved_fields, to_parsed
from oso_format.melding_classes import dossier_meldingen
from oso_format.official_rules import FOUT, Melding, OfficialRulesError, saxon_warm_up
from oso_format.paths import ROOT_NAME
from oso_format.rules import check_rules
from oso_format.safe_xml import read_root
from oso_format.types import DossierError, ParsedDossier
from oso_format.values import text
from oso_format.versions import (
    BUILT_IN_VERSIONS,
    OSO_VERSIONS,
    OsoVersion,
    oso_version_for_namespace,
)

logger = logging.getLogger(__name__)

# An unpacked attachment may be larger than the dossier that carried it, within reason.
ATTACHMENT_EXPANSION_LIMIT = 4

__all__ = [
    "DossierError",
    "ParsedDossier",
    "dossier_attachment",
    "dossier_attachment_file",
    "dossier_check",
    "dossier_read",
    "dossier_sha256",
    "dossier_validate_many",
]


def dossier_sha256(raw: bytes) -> str:
    """The hex SHA-256 of the file exactly as received (the 'same content' test)."""
    return hashlib.sha256(raw).hexdigest()


def dossier_read(
    *, raw: bytes, today: date | None = None, parsed: etree._Element | None = None
) -> ParsedDossier:
    """Read one dossier; raise DossierError (one Dutch sentence) if it cannot be used.

    ``today`` is the date the collection date is checked against (default: the local
    date); a caller with its own clock may pass it. ``parsed``: the tree
    ``safe_xml.parse_tree`` already made of ``raw`` (the endpoint client's), so that
    the bytes are parsed once; every other check runs as for the bytes alone.
    """
    root, version = _root_and_version(raw, parsed=parsed)
    schema.validate(root, version)
    meldingen = official_meldingen(root, version)
    faults = [melding for melding in meldingen if melding.severity == FOUT]
    try:
        check_rules(root, version, today=today or timezone.localdate())
    except DossierError as error:
        raise error.with_meldingen(meldingen) from None
    if faults:
        raise DossierError(official_fault_message(faults), meldingen=meldingen, official=True)
    values = to_parsed(root, version, sha256=dossier_sha256(raw))
    # Each *waarschuwing* becomes a remark, quoting it, when the file is merged.
    moved: tuple[str, ...] = ()
    if version.version not in BUILT_IN_VERSIONS:
        # The mapping was written for the built-in version; an installed one may move a field.
        moved = tuple(moved_fields(root, version))
    return dataclasses.replace(values, meldingen=meldingen, notices=(*values.notices, *moved))


def dossier_values(*, raw: bytes) -> ParsedDossier:
    """The values of a stored file, without the checks (to compare two archived versions).

    The file was checked when it arrived. Raises DossierError for a file that cannot
    be parsed; one the checks refused may also lack a block the mapping reads
    (AttributeError, TypeError or ValueError).
    """
    root, version = _root_and_version(raw)
    return to_parsed(root, version, sha256=dossier_sha256(raw))


def dossier_check(*, raw: bytes) -> tuple[Melding, ...]:
    """The official check of one file, refusing nothing: its meldingen, each with its class.

    Raises DossierError when the file cannot be read at all: not XML, hostile, of an
    unknown version, or not valid against its version's XSD.
    """
    root, version = _root_and_version(raw)
    schema.validate(root, version)
    return official_meldingen(root, version)


def official_meldingen(root: etree._Element, version: OsoVersion) -> tuple[Melding, ...]:
    """The version's official stylesheet on the parsed tree (never the raw bytes)."""
    try:
        return dossier_meldingen(root=root, stylesheet=version.stylesheet_path)
    except OfficialRulesError:
        logger.exception("The official OSO stylesheet of version %s failed", version.version)
        raise DossierError.of(
            gettext_noop(
                "The official OSO check of version {version} could not run; the file was "
                "not read. Reinstall the version with: python manage.py oso_version_add PATH"
            ),
            version=version.version,
        ) from None


def official_check_warm_up() -> None:
    """Make this process's Saxon processor and compile every version's stylesheet."""
    saxon_warm_up([version.stylesheet_path for version in OSO_VERSIONS.values()])


def official_fault_message(faults: list[Melding]) -> str:
    """The reason of a file the official rules refuse: the first fout, and how many more."""
    first = faults[0]
    message = _("Official OSO rule at {location}: {text}").format(
        location=first.location, text=first.text
    )
    if len(faults) > 1:
        message += " " + ngettext(
            "(and {count} more error)", "(and {count} more errors)", len(faults) - 1
        ).format(count=len(faults) - 1)
    return message


def dossier_validate_many(
    *,
    raws: Sequence[bytes],
    today: date | None = None,
    parsed: Sequence[etree._Element | None] | None = None,
) -> list[ParsedDossier | DossierError]:
    """Read every file; failures come back as DossierError values, in input order.

    ``parsed``: for each raw, the tree ``safe_xml.parse_tree`` made of it, or None.
    """
    today = today or timezone.localdate()
    trees = list(parsed) if parsed is not None else [None] * len(raws)
    if len(trees) != len(raws):
        raise ValueError("raws and parsed must have the same length")
    results: list[ParsedDossier | DossierError] = []
    for raw, tree in zip(raws, trees, strict=True):
        try:
            results.append(dossier_read(raw=raw, today=today, parsed=tree))
        except DossierError as error:
            results.append(error)
    return results


def dossier_attachment(*, raw: bytes, index: int) -> tuple[str, bytes]:
    """File name and base64-decoded content of the index-th <document> (document order).

    OSO sends every attachment as a base64 ZIP, so the content is usually a ZIP
    archive; ``dossier_attachment_file`` unpacks it.
    """
    root, version = _root_and_version(raw)
    documents = list(root.iter(version.tag("document")))
    if not 0 <= index < len(documents):
        raise DossierError.of(
            gettext_noop("Attachment {number} does not exist in the dossier."), number=index + 1
        )
    document = documents[index]
    # Shown and sent as a download name: a BSN in it is masked like everywhere else.
    filename = redact_identifiers(text(document.find(version.tag("bestandsnaam"))))
    content = text(document.find(version.tag("bestandsinhoud")))
    try:
        return filename, binascii.a2b_base64(content, strict_mode=False)
    except binascii.Error:
        raise DossierError.of(
            gettext_noop("Attachment {name}: the content is not valid base64."), name=filename
        ) from None


def dossier_attachment_file(*, raw: bytes, index: int) -> tuple[str, bytes]:
    """The attachment as the user wants it: the one file inside its ZIP, unpacked.

    A ZIP with one file gives (bestandsnaam, that file). Anything else is given as
    it came: a ZIP with several files as "<bestandsnaam>.zip", content that is not a
    ZIP under its own name.
    """
    filename, content = dossier_attachment(raw=raw, index=index)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError, OSError):
        return filename, content
    if len(members) != 1:
        zip_name = filename if filename.lower().endswith(".zip") else f"{filename}.zip"
        return zip_name, content
    limit = settings.OSO_DOSSIER_MAX_BYTES * ATTACHMENT_EXPANSION_LIMIT
    try:
        with archive.open(members[0]) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise DossierError.of(
            gettext_noop("Attachment {name}: the ZIP archive is damaged."), name=filename
        ) from None
    if len(data) > limit:
        raise DossierError.of(
            gettext_noop("Attachment {name}: the unpacked file is too large."), name=filename
        )
    return filename or PurePosixPath(members[0].filename).name, data


def _root_and_version(
    raw: bytes, *, parsed: etree._Element | None = None
) -> tuple[etree._Element, OsoVersion]:
    root = read_root(raw, parsed=parsed)
    qname = etree.QName(root)
    version = oso_version_for_namespace(qname.namespace or "")
    if version is None:
        raise DossierError.of(
            gettext_noop(
                "The file is not an OSO dossier: unknown namespace '{namespace}' "
                "(supported: OSO {versions}). A newer OSO version is added with: "
                "python manage.py oso_version_add PATH (or in the admin, under OSO versions)."
            ),
            namespace=(qname.namespace or "")[:100],
            versions=", ".join(sorted(OSO_VERSIONS)),
        )
    if qname.localname != ROOT_NAME:
        raise DossierError.of(
            gettext_noop(
                "The file is not an OSO dossier: the root element is '{name}', not 'dossier'."
            ),
            name=qname.localname[:50],
        )
    return root, version
