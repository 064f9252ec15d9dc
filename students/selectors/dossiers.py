"""Reads of the archived OSO files: a pupil's versions, their diff, their exact bytes."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet, Subquery
from django.shortcuts import get_object_or_404
from lxml import etree

from common.security import redact_identifiers
from oso_format.parsers import hardened_parser
from students.models import (
    ReceivedDossier,
    Student,
    mask_identifier,
)

# --- Dossier versions and their diff -----------------------------------------------------


def student_dossiers(*, student: Student):
    """The dossiers received for a student, newest first, without their (large) XML."""
    return (
        ReceivedDossier.objects.filter(student=student)
        .defer("raw_xml")
        .order_by("-received_at", "-pk")
    )


# Long text (base64 attachments) is shown as its size and hash so a diff stays readable
# and still shows that an attachment changed.
_LONG_TEXT = 200
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

# The elements of an OSO dossier that hold the pupil's national identifiers. Their
# text is masked whatever it holds (a failed file may carry a number with a wrong
# check digit); anywhere else a valid BSN or education number is masked too.
_IDENTIFIER_ELEMENTS = frozenset({"bsn", "onderwijsnummer"})
_IDENTIFIER_TEXT = re.compile(
    r"(<(?:[\w.-]+:)?(?:bsn|onderwijsnummer)(?:\s[^>]*)?>)([^<]*)(</)", re.IGNORECASE
)


def _identifier_masked(text: str) -> str:
    value = text.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return mask_identifier(value) or ""


def _masked_raw(raw_xml: str) -> str:
    """Text that does not parse as XML, identifiers masked as well as a regex can."""
    masked = _IDENTIFIER_TEXT.sub(
        lambda m: m.group(1) + _identifier_masked(m.group(2)) + m.group(3), raw_xml
    )
    return redact_identifiers(masked)


def dossier_pretty_xml(raw_xml: str) -> str:
    """The dossier indented one element a line, long text abbreviated, identifiers masked.

    The BSN and education number show as ``*****4382`` (the elements that hold
    them, and any valid number elsewhere: text, attributes, comments), so every
    page and admin screen that shows a dossier can show this to anyone allowed to
    see the dossier. The full number is shown only by the audited reveal.
    Text that is not XML comes back as it is, identifiers masked.
    """
    parser = hardened_parser(remove_blank_text=True)
    # The archive holds text; its declaration may name another encoding than UTF-8.
    body = _XML_DECLARATION.sub("", raw_xml, count=1)
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return _masked_raw(raw_xml)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions: masked below
        if element.text and etree.QName(element).localname.lower() in _IDENTIFIER_ELEMENTS:
            element.text = _identifier_masked(element.text)
        elif element.text and len(element.text) > _LONG_TEXT:
            digest = hashlib.sha256(element.text.encode("utf-8")).hexdigest()[:12]
            element.text = f"[{len(element.text)} tekens, sha256 {digest}…]"
    etree.indent(root, space="  ")
    return redact_identifiers(etree.tostring(root, encoding="unicode"))


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: op is "hunk", "context", "added" or "removed"."""

    op: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


def dossier_diff(
    *, older: ReceivedDossier, newer: ReceivedDossier, context: int = 3
) -> list[DiffLine]:
    """A readable line diff of two dossier versions (pretty-printed XML, not escaped).

    Identifiers are masked as in ``dossier_pretty_xml``.
    """
    old_lines = dossier_pretty_xml(older.raw_xml).splitlines()
    new_lines = dossier_pretty_xml(newer.raw_xml).splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(
            DiffLine(
                "hunk",
                f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@",
            )
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset, text in enumerate(old_lines[i1:i2]):
                    lines.append(DiffLine("context", text, i1 + offset + 1, j1 + offset + 1))
                continue
            if tag in ("replace", "delete"):
                for offset, text in enumerate(old_lines[i1:i2]):
                    lines.append(DiffLine("removed", text, old_number=i1 + offset + 1))
            if tag in ("replace", "insert"):
                for offset, text in enumerate(new_lines[j1:j2]):
                    lines.append(DiffLine("added", text, new_number=j1 + offset + 1))
    return lines


def student_dossier(*, student_number: str, dossier_id: int) -> ReceivedDossier:
    """One received dossier of this student, raw XML included (for diff and attachments)."""
    return get_object_or_404(
        ReceivedDossier.objects.select_related("student"),
        pk=dossier_id,
        student__student_number=student_number,
    )


def dossier_raw_bytes(dossier: ReceivedDossier) -> bytes:
    """The archived XML as bytes for the reader.

    The archive holds decoded text; its declaration may still name the file's
    original encoding, so it is dropped before encoding as UTF-8.
    """
    return _XML_DECLARATION.sub("", dossier.raw_xml, count=1).encode("utf-8")


# --- The OSO files themselves -----------------------------------------------------------


@dataclass(frozen=True)
class AppliedDossier:
    student_number: str
    surname: str
    received_at: datetime
    # The file as it was received, or None when the archive cannot give it back
    # byte for byte (checked against the SHA-256 taken on arrival).
    raw: bytes | None


_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def archived_bytes(raw_xml: str, sha256: str) -> bytes | None:
    """The received file's exact bytes from the archived text, or None if they cannot be had.

    The archive keeps the file as text: decoded as UTF-8, or else in the encoding
    its declaration names. Encoding it back the same way gives the original bytes;
    the hash taken on arrival decides which way was taken, and proves the result.
    """
    candidates = [("utf-8", raw_xml)]
    match = _XML_ENCODING.match(raw_xml)
    if match and match.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        candidates.append((match.group(1), raw_xml))
    for encoding, text in candidates:
        try:
            data = text.encode(encoding)
        except (LookupError, UnicodeEncodeError):
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            return data
    return None


def applied_dossiers(*, students: QuerySet[Student]) -> Iterator[AppliedDossier]:
    """The latest applied OSO file of each pupil that has one, by student number: one query.

    Streamed a few files at a time (files can be megabytes with their attachments).
    """
    last_ids = students.order_by().values("prior_education__last_dossier_id")
    rows = (
        ReceivedDossier.objects.filter(pk__in=Subquery(last_ids), student__isnull=False)
        .order_by("student__student_number")
        .values_list(
            "student__student_number", "student__surname", "received_at", "raw_xml", "sha256"
        )
        .iterator(chunk_size=20)
    )
    for number, surname, received_at, raw_xml, sha256 in rows:
        yield AppliedDossier(
            student_number=number,
            surname=surname,
            received_at=received_at,
            raw=archived_bytes(raw_xml, sha256),
        )
