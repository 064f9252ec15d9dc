"""The zip of OSO files (dossiers_zip_export): byte for byte, on record."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from audit.models import AuditAction, AuditEntry
from students.models import DossierOutcome, ReceivedDossier, Student
from students.selectors.dossiers import archived_bytes
from students.services.card_exports import dossier_file_name, dossiers_zip_export
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory, StudentFactory
from tests.oso_dossier_edit import dossier_edit

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return SignupGroupFactory()


def _merge(group, *files: tuple[str, bytes]):
    results = dossiers_merge(
        items=[DossierIn(raw=raw, source_name=name) for name, raw in files],
        signup_group=group,
        received_by="test",
    )
    assert all(r.outcome != DossierOutcome.FAILED for r in results), [r.reason for r in results]
    return results


def _zip(group, actor="anna") -> tuple[dict[str, bytes], object]:
    out = io.BytesIO()
    result = dossiers_zip_export(
        students=Student.objects.filter(signup_group=group),
        out=out,
        actor=actor,
        signup_group=group,
    )
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}, result


def test_the_zip_holds_every_official_example_byte_for_byte(oso_examples, group):
    results = _merge(group, *((path.name, path.read_bytes()) for path in oso_examples))

    files, result = _zip(group)

    expected = {}
    for path, merged in zip(oso_examples, results, strict=True):
        student = Student.objects.get(pk=merged.student_id)
        expected[f"{student.student_number}_{student.surname}.xml"] = path.read_bytes()
    assert files == expected
    assert result.files == 8 and result.unavailable == []


def test_the_zip_holds_the_latest_applied_file_not_an_older_one(oso_examples, group):
    example = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    march = dossier_edit(example, collection_date=dt.date(2021, 3, 1), final_test=False)
    may = dossier_edit(
        example,
        collection_date=dt.date(2021, 5, 10),
        revised_advice="60",
        motivation="Hoger dan verwacht.",
    )
    older = dossier_edit(example, collection_date=dt.date(2021, 4, 1))
    _merge(group, ("march.xml", march))
    _merge(group, ("may.xml", may))
    [not_applied] = _merge(group, ("older.xml", older))
    assert not_applied.outcome == DossierOutcome.NOT_CHANGED

    files, _result = _zip(group)

    assert list(files.values()) == [may]


def test_a_file_in_another_encoding_comes_back_in_that_encoding(oso_examples, group):
    example = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    text = dossier_edit(example, surname="Müller-Étienne").decode("utf-8")
    declaration, body = text.split("?>", 1)
    latin = declaration.replace("UTF-8", "ISO-8859-1").replace("utf-8", "ISO-8859-1") + "?>" + body
    raw = latin.encode("iso-8859-1")
    assert b"ISO-8859-1" in raw[:100]
    _merge(group, ("latin.xml", raw))

    files, _result = _zip(group)

    [(name, content)] = files.items()
    assert name.endswith("_Müller-Étienne.xml")
    assert content == raw


def test_pupils_without_a_file_are_left_out(oso_examples, group):
    _merge(group, (oso_examples[0].name, oso_examples[0].read_bytes()))
    StudentFactory(student_number="2000000001", signup_group=group)  # no file yet

    files, result = _zip(group)

    assert len(files) == 1 and result.files == 1


def test_every_zip_is_on_record_with_who_which_group_and_how_many_files(oso_examples, group):
    _merge(group, *((path.name, path.read_bytes()) for path in oso_examples[:3]))

    _zip(group, actor="anna")

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert entry.actor == "anna"
    assert entry.details["export"] == "dossiers_zip"
    assert entry.details["signup_group"] == str(group)
    assert entry.details["signup_group_id"] == group.pk
    assert entry.details["files"] == 3
    assert "3 files" in entry.summary


def test_an_archive_that_no_longer_matches_its_hash_is_left_out_and_named(oso_examples, group):
    [merged] = _merge(group, (oso_examples[0].name, oso_examples[0].read_bytes()))
    dossier = ReceivedDossier.objects.get(pk=merged.dossier_id)
    ReceivedDossier.objects.filter(pk=dossier.pk).update(raw_xml=dossier.raw_xml + " ")

    files, result = _zip(group)

    assert files == {}
    assert result.unavailable == [merged.student_number]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert entry.details["unavailable"] == [merged.student_number]


def test_archived_bytes_are_proven_by_the_hash():
    import hashlib

    raw = "<?xml version='1.0' encoding='windows-1252'?><a>café</a>".encode("cp1252")
    text = raw.decode("cp1252")

    assert archived_bytes(text, hashlib.sha256(raw).hexdigest()) == raw
    assert archived_bytes(text, hashlib.sha256(b"other").hexdigest()) is None


@pytest.mark.parametrize(
    ("surname", "expected"),
    [
        ("Berg", "1000000001_Berg.xml"),
        ("El Amrani", "1000000001_El Amrani.xml"),
        ("D'Hondt", "1000000001_D'Hondt.xml"),
        ("a/b\\c:d", "1000000001_a_b_c_d.xml"),
        ("..", "1000000001__.xml"),
    ],
)
def test_file_names_are_student_number_and_surname(surname, expected):
    assert dossier_file_name(student_number="1000000001", surname=surname) == expected
