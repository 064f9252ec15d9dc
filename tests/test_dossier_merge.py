"""The merge rule (DOMAIN.md) on parsed dossiers: outcomes, remarks, corrections, chunks.

These tests feed the merge typed values as the reader returns them, so each
rule is shown on its own; tests/test_dossier_merge_examples.py runs the same
service on the official XML files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from oso_format.types import (
    DossierError,
    FinalTest,
    NawValues,
    ParsedDossier,
    ReferenceLevel,
    SchoolRef,
)
from students.models import (
    DossierOutcome,
    FinalTestResult,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from students.services.corrections import naw_correction_record, naw_correction_release
from students.services.dossier_merge import DossierIn, dossiers_merge_parsed
from students.services.students import student_save
from tests.factories import SignupGroupFactory, StudentFactory, bsn_from_seed
from tests.merge_snapshot import snapshot

pytestmark = pytest.mark.django_db

BSN = bsn_from_seed(424242)
BIRTH = dt.date(2009, 5, 14)


def make_parsed(**changes) -> ParsedDossier:
    """A ParsedDossier like the reader returns; naw_* keys change single NAW values."""
    naw = {
        "given_name": "Noor",
        "prefix": "van 't",
        "surname": "Hof",
        "street": "Westzijde",
        "house_number": "100",
        "house_number_suffix": "",
        "postcode": "1506 EG",
        "town": "Zaandam",
        "phone": "0612345678",
        "email": "",
    }
    for key in list(changes):
        if key.startswith("naw_"):
            naw[key[4:]] = changes.pop(key)
    values: dict[str, Any] = {
        "sha256": "",
        "collection_date": dt.date(2021, 3, 1),
        "transfer_kind": "POVO",
        "school": SchoolRef(brin="12AB", branch="00", name="OBS De Vuurtoren"),
        "bsn": BSN,
        "education_number": "",
        "birth_date": BIRTH,
        "first_names": "Noor Anna",
        "initials": "N.A.",
        "sex": "1",
        "naw": NawValues(**naw),
        "address_secret": False,
        "advice_code": "40",
        "parents_wish_code": "42",
        "pupil_wish_code": "50",
        "revised_advice_code": "",
        "revised_advice_motivation": "",
        "inspection_agreed": True,
        "inspection_disagreement_reason": "",
        "final_tests": (),
        "attachments": (),
        "notices": (),
    }
    values.update(changes)
    if not values["sha256"]:
        content = repr(sorted((k, repr(v)) for k, v in values.items()))
        values["sha256"] = hashlib.sha256(content.encode()).hexdigest()
    return ParsedDossier(**values)


IEP = FinalTest(
    test_type_code="0013",
    test_name="IEP Eindtoets",
    test_level="",
    date=dt.date(2021, 4, 20),
    standard_score=88,
    test_advice="havo/vwo",
    reference_levels=(ReferenceLevel(code="8001", name="Rekenen", level="04"),),
)


def merge(*parsed, group=None, expected_student_id=None):
    items = [
        DossierIn(
            raw=f"<dossier n='{i}'/>".encode(),
            source_name=f"file{i}.xml",
            expected_student_id=expected_student_id,
        )
        for i in range(len(parsed))
    ]
    return dossiers_merge_parsed(items=items, parsed=list(parsed), signup_group=group)


@pytest.fixture
def group():
    return SignupGroupFactory()


@pytest.fixture
def imported(group) -> Student:
    [result] = merge(make_parsed(), group=group)
    assert result.outcome == DossierOutcome.CREATED
    return Student.objects.get(pk=result.student_id)


# --- Creating and matching -------------------------------------------------------------


def test_unknown_pupil_with_signup_group_becomes_new_student_in_that_group(group, settings):
    settings.STUDENT_NUMBER_START = 1000000001

    [result] = merge(make_parsed(final_tests=(IEP,)), group=group)

    student = Student.objects.get(pk=result.student_id)
    assert result.outcome == DossierOutcome.CREATED
    assert result.student_number == student.student_number == "1000000001"
    assert student.signup_group == group
    assert (student.given_name, student.prefix, student.surname) == ("Noor", "van 't", "Hof")
    assert student.postcode == "1506EG"
    assert student.first_names == "Noor Anna"
    assert student.primary_school.brin == "12AB"
    assert student.dossier_values["postcode"] == "1506 EG"
    card = student.prior_education
    assert card.advice_code == "40"
    assert card.last_dossier_date == dt.date(2021, 3, 1)
    assert card.last_dossier_id == result.dossier_id
    assert [t.standard_score for t in card.final_tests.all()] == [88]
    archived = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert archived.student == student
    assert archived.outcome == DossierOutcome.CREATED


def test_new_student_numbers_continue_after_the_highest_existing_number(group, settings):
    settings.STUDENT_NUMBER_START = 1000000001
    StudentFactory(student_number="1000000041", bsn=bsn_from_seed(1))

    results = merge(
        make_parsed(bsn=bsn_from_seed(2)), make_parsed(bsn=bsn_from_seed(3)), group=group
    )

    assert [r.student_number for r in results] == ["1000000042", "1000000043"]


def test_unknown_pupil_without_signup_group_fails_and_changes_nothing():
    before = snapshot()

    [result] = merge(make_parsed())

    assert result.outcome == DossierOutcome.FAILED
    assert result.reason == (
        "Geen leerling gevonden met dit BSN/onderwijsnummer en deze geboortedatum."
    )
    assert result.student_id is None
    assert snapshot() == before
    archived = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert archived.outcome == DossierOutcome.FAILED and archived.student is None


def test_same_bsn_with_another_birth_date_is_not_a_match():
    StudentFactory(bsn=BSN, birth_date=dt.date(2010, 1, 1))

    [result] = merge(make_parsed())

    assert result.outcome == DossierOutcome.FAILED


OTHER_BIRTH_DATE_REASON = (
    "Er bestaat al een leerling met dit BSN/onderwijsnummer, met een andere geboortedatum. "
    "Controleer de geboortedatum; is die van de leerling onjuist, corrigeer die dan in beheer "
    "en lees het bestand opnieuw in."
)


@pytest.mark.parametrize("identifier", ["bsn", "education_number"])
def test_same_number_with_another_birth_date_and_a_signup_group_fails_without_a_second_pupil(
    group, identifier
):
    number = {"bsn": BSN, "education_number": "101010103"}[identifier]
    known = {"bsn": "", "education_number": ""} | {identifier: number}
    StudentFactory(**known, birth_date=dt.date(2010, 1, 1))

    [result] = merge(make_parsed(**known), group=group)

    assert (result.outcome, result.reason) == (DossierOutcome.FAILED, OTHER_BIRTH_DATE_REASON)
    assert Student.objects.filter(**{identifier: number}).count() == 1


def test_two_files_with_one_bsn_and_two_birth_dates_in_one_chunk_make_one_pupil(group):
    first, second = merge(
        make_parsed(), make_parsed(birth_date=dt.date(2010, 1, 1), sha256="b"), group=group
    )

    assert first.outcome == DossierOutcome.CREATED
    assert (second.outcome, second.reason) == (DossierOutcome.FAILED, OTHER_BIRTH_DATE_REASON)
    assert Student.objects.filter(bsn=BSN).count() == 1


def test_pupil_is_matched_by_education_number_and_birth_date():
    student = StudentFactory(bsn="", education_number="101010103", birth_date=BIRTH)

    [result] = merge(make_parsed(bsn="", education_number="101010103"))

    # The student had no file yet (a signup): the first one fills the card as for a new pupil.
    assert result.outcome == DossierOutcome.CREATED
    assert result.student_id == student.pk


def test_file_for_a_requested_student_must_be_that_students_file():
    requested = StudentFactory(bsn=bsn_from_seed(7), birth_date=BIRTH)
    StudentFactory(bsn=BSN, birth_date=BIRTH)
    before = snapshot()

    [result] = merge(make_parsed(), expected_student_id=requested.pk)

    assert result.outcome == DossierOutcome.FAILED
    assert "hoort niet bij deze leerling" in result.reason
    assert snapshot() == before
    # Another child's file never shows up among this student's dossiers.
    assert not ReceivedDossier.objects.filter(student=requested).exists()


def test_the_identity_the_applied_file_gave_is_remembered(imported):
    assert imported.dossier_identity == {
        "bsn": BSN,
        "education_number": "",
        "birth_date": "2009-05-14",
    }


@pytest.mark.parametrize("requested", [False, True])
def test_a_later_file_still_matches_a_student_whose_birth_date_staff_changed(imported, requested):
    imported.birth_date = dt.date(2009, 5, 15)
    student_save(student=imported, changed_fields=["birth_date"], user="beheer")

    [result] = merge(
        make_parsed(collection_date=dt.date(2021, 5, 10), naw_street="Dam"),
        expected_student_id=imported.pk if requested else None,
    )

    assert result.outcome == DossierOutcome.PROCESSED
    assert result.student_id == imported.pk
    imported.refresh_from_db()
    assert (imported.street, imported.birth_date) == ("Dam", BIRTH)
    assert Student.objects.count() == 1


def test_the_answer_to_a_request_matches_the_bsn_of_the_last_applied_file(imported):
    imported.bsn = bsn_from_seed(987654)
    student_save(student=imported, changed_fields=["bsn"], user="beheer")

    [result] = merge(
        make_parsed(collection_date=dt.date(2021, 5, 10)), expected_student_id=imported.pk
    )

    assert result.outcome == DossierOutcome.PROCESSED
    imported.refresh_from_db()
    assert imported.bsn == BSN


# --- Updating --------------------------------------------------------------------------


def test_newer_file_updates_card_and_naw_without_remarks(imported):
    newer = make_parsed(
        collection_date=dt.date(2021, 5, 10),
        revised_advice_code="50",
        revised_advice_motivation="Hoge toetsscore.",
        final_tests=(IEP,),
        naw_street="Dam",
        naw_house_number="1",
    )

    [result] = merge(newer)

    assert result.outcome == DossierOutcome.PROCESSED
    assert result.remarks == []
    imported.refresh_from_db()
    assert (imported.street, imported.house_number) == ("Dam", "1")
    card = PriorEducation.objects.get(student=imported)
    assert card.revised_advice_code == "50"
    assert card.revised_advice_motivation == "Hoge toetsscore."
    assert card.last_dossier_date == dt.date(2021, 5, 10)
    assert card.final_tests.get().test_type_code == "0013"


def test_final_tests_are_replaced_by_the_files_set(imported):
    merge(make_parsed(collection_date=dt.date(2021, 4, 1), final_tests=(IEP,)))
    route8 = dataclasses.replace(IEP, test_type_code="0012", test_name="Route 8")

    merge(make_parsed(collection_date=dt.date(2021, 5, 1), final_tests=(route8,)))

    tests = FinalTestResult.objects.filter(prior_education__student=imported)
    assert [t.test_type_code for t in tests] == ["0012"]


def test_corrected_surname_stays_and_a_remark_names_both_values(imported):
    naw_correction_record(student=imported, field="surname", value="Hof-Jansen", user="anna")

    [result] = merge(
        make_parsed(
            collection_date=dt.date(2021, 5, 10),
            revised_advice_code="50",
            revised_advice_motivation="Hoog.",
        )
    )

    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS
    assert result.remarks == [
        "Achternaam is lokaal gecorrigeerd: 'Hof-Jansen' behouden, dossier geeft 'Hof'."
    ]
    imported.refresh_from_db()
    assert imported.surname == "Hof-Jansen"
    assert imported.dossier_values["surname"] == "Hof"
    assert imported.prior_education.revised_advice_code == "50"


def test_correction_equal_to_the_file_makes_no_remark(imported):
    naw_correction_record(student=imported, field="town", value="Zaandam", user="anna")

    [result] = merge(make_parsed(collection_date=dt.date(2021, 5, 10)))

    assert result.outcome == DossierOutcome.PROCESSED
    assert result.remarks == []


def test_released_correction_follows_the_next_file(imported):
    naw_correction_record(student=imported, field="surname", value="Hof-Jansen", user="anna")
    naw_correction_release(student=imported, field="surname", user="anna")
    imported.refresh_from_db()
    assert imported.surname == "Hof"  # restored from the last file at once

    [result] = merge(make_parsed(collection_date=dt.date(2021, 5, 10), naw_surname="Hof-Smit"))

    assert result.outcome == DossierOutcome.PROCESSED
    imported.refresh_from_db()
    assert imported.surname == "Hof-Smit"


def test_older_file_changes_nothing_and_says_why(imported):
    merge(make_parsed(collection_date=dt.date(2021, 5, 10)))
    before = snapshot()

    [result] = merge(make_parsed(collection_date=dt.date(2021, 2, 1), naw_surname="Anders"))

    assert result.outcome == DossierOutcome.NOT_CHANGED
    assert result.remarks == [
        "Dit dossier (datum 01-02-2021) is ouder dan het laatst verwerkte dossier "
        "(datum 10-05-2021); er is niets gewijzigd."
    ]
    assert snapshot() == before
    assert ReceivedDossier.objects.get(pk=result.dossier_id).outcome == DossierOutcome.NOT_CHANGED


def test_same_file_twice_is_not_changed_without_remarks(imported):
    before = snapshot()

    [result] = merge(make_parsed())

    assert result.outcome == DossierOutcome.NOT_CHANGED
    assert result.remarks == []
    assert snapshot() == before


def test_other_file_with_the_same_date_changes_nothing_and_says_so(imported):
    before = snapshot()

    [result] = merge(make_parsed(naw_surname="Anders"))

    assert result.outcome == DossierOutcome.NOT_CHANGED
    assert "dezelfde datum" in result.remarks[0]
    assert snapshot() == before


def test_values_the_file_does_not_supply_keep_the_existing_data(imported):
    secret = make_parsed(
        collection_date=dt.date(2021, 5, 10),
        address_secret=True,
        naw_street=None,
        naw_house_number=None,
        naw_house_number_suffix=None,
        naw_postcode=None,
        naw_town=None,
        naw_phone=None,
        naw_email=None,
        phone_secret=True,
        email_secret=True,
    )

    [result] = merge(secret)

    imported.refresh_from_db()
    assert (imported.street, imported.postcode, imported.phone) == (
        "Westzijde",
        "1506EG",
        "0612345678",
    )
    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS
    # A real address and phone were kept against the placeholders; no e-mail was stored.
    assert result.remarks == [
        "Adres is geheim in het dossier (adresgeheim): het bestaande adres is behouden.",
        "Telefoonnummer is geheim in het dossier: het bestaande nummer is behouden.",
    ]
    assert imported.dossier_values["street"] == "Westzijde"
    assert (imported.address_secret, imported.phone_secret, imported.email_secret) == (
        True,
        True,
        True,
    )


def test_value_too_long_for_its_field_is_kept_out_with_a_remark(imported):
    [result] = merge(make_parsed(collection_date=dt.date(2021, 5, 10), naw_town="X" * 150))

    imported.refresh_from_db()
    assert imported.town == "Zaandam"
    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS
    assert result.remarks[0].startswith("Woonplaats uit het dossier is te lang (150 tekens")


def test_reader_error_fails_with_its_message_and_changes_nothing(imported):
    before = snapshot()

    [result] = merge(DossierError("Het veld 'advies' bevat een waarde buiten codelijst 2."))

    assert result.outcome == DossierOutcome.FAILED
    assert result.reason == "Het veld 'advies' bevat een waarde buiten codelijst 2."
    assert snapshot() == before


def test_oversized_file_is_archived_as_a_note_not_as_its_content(settings):
    settings.OSO_DOSSIER_MAX_BYTES = 1000
    item = DossierIn(raw=b"<x>" + b"A" * 5000 + b"</x>", source_name="big.xml")

    [result] = dossiers_merge_parsed(items=[item], parsed=[DossierError("Te groot.")])

    archived = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert "AAAA" not in archived.raw_xml
    assert "5007" in archived.raw_xml
    assert archived.sha256 == hashlib.sha256(item.raw).hexdigest()


# --- Chunks ------------------------------------------------------------------------------


def test_results_keep_the_order_of_the_files(group):
    StudentFactory(bsn=bsn_from_seed(11), birth_date=BIRTH)
    files = [
        make_parsed(bsn=bsn_from_seed(10)),
        DossierError("Kapot."),
        make_parsed(bsn=bsn_from_seed(11)),
    ]

    results = merge(*files, group=group)

    assert [r.source_name for r in results] == ["file0.xml", "file1.xml", "file2.xml"]
    assert [r.outcome for r in results] == [
        DossierOutcome.CREATED,
        DossierOutcome.FAILED,
        DossierOutcome.CREATED,  # an existing student's first file
    ]


def test_two_versions_of_one_pupil_in_one_chunk_apply_in_order(group):
    first = make_parsed(collection_date=dt.date(2021, 3, 1))
    second = make_parsed(
        collection_date=dt.date(2021, 5, 10),
        revised_advice_code="50",
        revised_advice_motivation="Hoog.",
    )
    stale = make_parsed(collection_date=dt.date(2021, 4, 1))

    results = merge(first, second, stale, group=group)

    assert [r.outcome for r in results] == [
        DossierOutcome.CREATED,
        DossierOutcome.PROCESSED,
        DossierOutcome.NOT_CHANGED,
    ]
    assert Student.objects.count() == 1
    card = PriorEducation.objects.get()
    assert card.revised_advice_code == "50"
    assert card.last_dossier_date == dt.date(2021, 5, 10)


# SQLite caps a statement at 999 parameters (Django's limit for it), so a bulk INSERT of
# more than about 35 students is split there: the larger chunk stays under that cap.
LARGE_CHUNK = 50 if connection.vendor == "postgresql" else 30


def _count_queries(files, group) -> int:
    with CaptureQueriesContext(connection) as context:
        results = merge(*files, group=group)
    assert all(r.outcome != DossierOutcome.FAILED for r in results)
    return len(context.captured_queries)


def test_queries_for_a_chunk_of_new_pupils_do_not_grow_with_its_size(group):
    def chunk(offset, size):
        return [make_parsed(bsn=bsn_from_seed(offset + i), final_tests=(IEP,)) for i in range(size)]

    merge(*chunk(1, 1), group=group)  # the school and the number counter now exist

    small = _count_queries(chunk(1000, 10), group)
    large = _count_queries(chunk(2000, LARGE_CHUNK), group)

    assert small == large
    assert Student.objects.count() == 11 + LARGE_CHUNK


def test_queries_for_a_chunk_of_updates_do_not_grow_with_its_size(group):
    def chunk(offset, size, when):
        return [
            make_parsed(bsn=bsn_from_seed(offset + i), collection_date=when, final_tests=(IEP,))
            for i in range(size)
        ]

    merge(*chunk(1000, 10, dt.date(2021, 3, 1)), group=group)
    merge(*chunk(2000, 50, dt.date(2021, 3, 1)), group=group)
    for student in Student.objects.all()[:5]:
        naw_correction_record(student=student, field="surname", value="Lokaal", user="anna")

    small = _count_queries(chunk(1000, 10, dt.date(2021, 5, 1)), group)
    large = _count_queries(chunk(2000, LARGE_CHUNK, dt.date(2021, 5, 1)), group)

    assert small == large
    assert PriorEducation.objects.filter(last_dossier_date=dt.date(2021, 5, 1)).count() == (
        10 + LARGE_CHUNK
    )


def test_a_large_call_is_split_and_still_applies_each_pupils_files_in_order(group, monkeypatch):
    monkeypatch.setattr("students.services.dossier_merge.MAX_SUB_CHUNK", 2)
    files = [
        make_parsed(bsn=bsn_from_seed(21)),
        make_parsed(bsn=bsn_from_seed(22)),
        make_parsed(bsn=bsn_from_seed(21), collection_date=dt.date(2021, 5, 1), naw_town="Edam"),
        make_parsed(bsn=bsn_from_seed(23)),
        make_parsed(bsn=bsn_from_seed(21), collection_date=dt.date(2021, 4, 1), naw_town="Oost"),
    ]

    results = merge(*files, group=group)

    assert [r.outcome for r in results] == [
        DossierOutcome.CREATED,
        DossierOutcome.CREATED,
        DossierOutcome.PROCESSED,
        DossierOutcome.CREATED,
        DossierOutcome.NOT_CHANGED,
    ]
    assert Student.objects.get(bsn=bsn_from_seed(21)).town == "Edam"


def test_every_file_leaves_an_audit_entry_without_the_bsn(group):
    from audit.models import AuditAction, AuditEntry

    results = merge(make_parsed(), DossierError("Kapot."), group=group)

    entries = list(AuditEntry.objects.filter(action=AuditAction.DOSSIER_IMPORTED).order_by("pk"))
    assert [e.details["outcome"] for e in entries] == ["created", "failed"]
    assert entries[0].student_number == results[0].student_number
    assert entries[1].student_id is None
    assert all(BSN not in f"{e.summary} {e.details}" for e in entries)
