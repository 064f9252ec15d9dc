"""Property: a BSN planted in any element the reader reads never leaves the portal.

A primary school's system may put the pupil's BSN where it does not belong (as the
advice code, the sex, a name, an attachment's file name). Whatever the element, the
number must not reach a stored error or remark, the student's values, the audit log,
the merge result or a log line. The elements are the leaves of an official example
whose names the reader asks for (recorded by running the reader on that example).
"""

from __future__ import annotations

import logging
from typing import cast

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from audit.models import AuditEntry
from common.security import find_identifiers
from oso_format import reader
from oso_format.versions import OsoVersion
from students.models import FinalTestResult, PriorEducation, ReceivedDossier, SignupGroup, Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory
from tests.test_dossier_reader import example

pytestmark = pytest.mark.django_db

EXAMPLE = "POVO_full"
PUPIL_BSN = "269326728"  # the example's own pupil
OTHER_BSN = "111222333"  # a valid BSN of nobody in the file
IDENTITY_ELEMENTS = {"bsn", "onderwijsnummer"}  # read as they are, on purpose


def _names_the_reader_asks_for() -> set[str]:
    asked: set[str] = set()
    original = OsoVersion.tag

    def recording(self, local_name):
        asked.add(local_name)
        return original(self, local_name)

    OsoVersion.tag = recording  # type: ignore[method-assign]
    try:
        reader.dossier_read(raw=example(EXAMPLE))
    finally:
        OsoVersion.tag = original  # type: ignore[method-assign]
    return asked


def _read_leaves() -> list[str]:
    """The XPath of each leaf of the example whose element name the reader reads."""
    asked = _names_the_reader_asks_for() - IDENTITY_ELEMENTS
    tree = etree.fromstring(example(EXAMPLE)).getroottree()
    return [
        tree.getpath(element)
        for element in tree.getroot().iter()
        if isinstance(element.tag, str) and len(element) == 0
        and etree.QName(element).localname in asked
    ]  # fmt: skip


READ_LEAVES = _read_leaves()


def _planted(path: str, value: str) -> bytes:
    root = etree.fromstring(example(EXAMPLE))
    found = root.getroottree().xpath(path)
    assert isinstance(found, list) and isinstance(found[0], etree._Element)
    found[0].text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _everything_shown_or_stored(results, caplog) -> str:
    parts: list[str] = []
    for result in results:
        parts += [result.source_name, result.reason, *result.remarks]
    for dossier in ReceivedDossier.objects.all():
        parts += [dossier.source_name, repr(dossier.remarks), repr(dossier.attachments)]
    for student in Student.objects.all():
        values = model_to_dict(student, exclude=["id", "bsn", "dossier_identity"])
        parts.append(repr(values))
    parts += [repr(model_to_dict(row)) for row in PriorEducation.objects.all()]
    parts += [repr(model_to_dict(row)) for row in FinalTestResult.objects.all()]
    parts += [f"{entry.summary} {entry.details}" for entry in AuditEntry.objects.all()]
    parts += [record.getMessage() for record in caplog.records]
    return "\n".join(parts)


class _Rollback(Exception):
    pass


def _import_and_collect(raw: bytes, caplog) -> str:
    try:
        with transaction.atomic():
            results = dossiers_merge(
                items=[DossierIn(raw=raw, source_name="leerling.xml")],
                signup_group=cast(SignupGroup, SignupGroupFactory()),
                received_by="tester",
            )
            seen = _everything_shown_or_stored(results, caplog)
            raise _Rollback  # every planting starts from an empty database
    except _Rollback:
        pass
    return seen


def test_the_planted_elements_include_codes_names_and_file_names():
    # Guards the property below against testing nothing.
    tree = etree.fromstring(example(EXAMPLE)).getroottree()
    names = {etree.QName(tree.xpath(path)[0]).localname for path in READ_LEAVES}

    assert {"advies", "geslacht", "achternaam", "straat", "bestandsnaam", "toetssoort"} <= names
    assert len(READ_LEAVES) > 100


@pytest.mark.parametrize("path", READ_LEAVES)
def test_the_pupils_bsn_planted_in_a_read_element_never_leaves(path, caplog):
    caplog.set_level(logging.DEBUG)

    seen = _import_and_collect(_planted(path, PUPIL_BSN), caplog)

    assert find_identifiers(seen) == [], path


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(READ_LEAVES),
    bsn=st.sampled_from([PUPIL_BSN, OTHER_BSN]),
    written=st.sampled_from(["{}", "{} ", "x{}x", "code {}", "{}.xml", "dotted"]),
)
def test_a_bsn_in_any_form_planted_in_any_read_element_never_leaves(path, bsn, written, caplog):
    value = f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}" if written == "dotted" else written.format(bsn)
    caplog.clear()

    seen = _import_and_collect(_planted(path, value), caplog)

    assert find_identifiers(seen) == [], (path, value)
