"""The merge service on real OSO files: the official examples and versions made from them."""

from __future__ import annotations

import datetime as dt

import pytest

from students.models import (
    DossierOutcome,
    NawCorrection,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from students.services.corrections import naw_correction_release
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.admin_forms import admin_correct
from tests.factories import SignupGroupFactory, UserFactory, bsn_from_seed
from tests.merge_snapshot import snapshot
from tests.oso_dossier_edit import dossier_edit

pytestmark = pytest.mark.django_db

MARCH = dt.date(2021, 3, 1)
MAY = dt.date(2021, 5, 10)


def full_example(oso_examples):
    return next(path for path in oso_examples if path.name == "Voorbeelddossier_OV_POVO_full.xml")


def merge_one(raw: bytes, *, group=None, name="dossier.xml", expected_student_id=None):
    [result] = dossiers_merge(
        items=[DossierIn(raw=raw, source_name=name, expected_student_id=expected_student_id)],
        signup_group=group,
        received_by="test",
    )
    return result


@pytest.fixture
def group():
    return SignupGroupFactory()


@pytest.fixture
def march_file(oso_examples) -> bytes:
    """An early file: the school advice, no final test yet."""
    return dossier_edit(full_example(oso_examples), collection_date=MARCH, final_test=False)


@pytest.fixture
def student(march_file, group) -> Student:
    result = merge_one(march_file, group=group)
    assert result.outcome == DossierOutcome.CREATED, result.reason
    return Student.objects.get(pk=result.student_id)


def test_all_eight_official_examples_import_as_new_students(oso_examples, group):
    items = [DossierIn(raw=path.read_bytes(), source_name=path.name) for path in oso_examples]

    results = dossiers_merge(items=items, signup_group=group)

    assert [(r.source_name, r.outcome, r.reason) for r in results] == [
        (path.name, DossierOutcome.CREATED, "") for path in oso_examples
    ]
    assert Student.objects.filter(signup_group=group).count() == 8
    berg = Student.objects.get(pk=results[0].student_id)
    assert (berg.given_name, berg.prefix, berg.surname) == ("Daan", "van de", "Berg")
    assert berg.prior_education.last_dossier_date == dt.date(2016, 1, 2)
    full = [r for r in results if r.source_name.endswith("_full.xml")]
    for result in full:
        card = PriorEducation.objects.get(student_id=result.student_id)
        assert card.final_tests.get().standard_score == 525
        assert ReceivedDossier.objects.get(pk=result.dossier_id).attachments


@pytest.fixture
def admin_client_for_staff(client):
    user = UserFactory(username="anna", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_revised_advice_does_not_touch_corrected_surname(
    student, oso_examples, admin_client_for_staff
):
    admin_correct(admin_client_for_staff, student, surname="Berg-Jansen")
    correction = NawCorrection.objects.get(student=student)
    assert (correction.field, correction.value, correction.corrected_by) == (
        "surname",
        "Berg-Jansen",
        "anna",
    )
    may_file = dossier_edit(
        full_example(oso_examples),
        collection_date=MAY,
        revised_advice="50",
        motivation="De eindtoets was hoger dan het advies.",
    )

    result = merge_one(may_file)

    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS
    assert result.remarks == [
        "Achternaam is lokaal gecorrigeerd: 'Berg-Jansen' behouden, dossier geeft 'Berg'."
    ]
    student.refresh_from_db()
    assert student.surname == "Berg-Jansen"
    card = PriorEducation.objects.get(student=student)
    assert card.revised_advice_code == "50"
    assert card.revised_advice_motivation == "De eindtoets was hoger dan het advies."
    assert card.final_tests.get().standard_score == 525
    assert card.last_dossier_date == MAY


def test_a_normal_later_file_is_processed_without_remarks(student, oso_examples):
    may_file = dossier_edit(full_example(oso_examples), collection_date=MAY, street="Dam")

    result = merge_one(may_file)

    assert (result.outcome, result.remarks) == (DossierOutcome.PROCESSED, [])
    student.refresh_from_db()
    assert student.street == "Dam"


def test_released_correction_follows_the_next_file(student, oso_examples, admin_client_for_staff):
    admin_correct(admin_client_for_staff, student, surname="Berg-Jansen")
    naw_correction_release(student=student, field="surname", user="anna")
    may_file = dossier_edit(full_example(oso_examples), collection_date=MAY, surname="Bergsma")

    result = merge_one(may_file)

    assert (result.outcome, result.remarks) == (DossierOutcome.PROCESSED, [])
    student.refresh_from_db()
    assert student.surname == "Bergsma"
    assert not NawCorrection.objects.filter(student=student).exists()


def test_older_file_changes_nothing_and_says_why(student, oso_examples):
    merge_one(dossier_edit(full_example(oso_examples), collection_date=MAY))
    before = snapshot()
    older = dossier_edit(
        full_example(oso_examples), collection_date=dt.date(2021, 4, 1), surname="Anders"
    )

    result = merge_one(older)

    assert result.outcome == DossierOutcome.NOT_CHANGED
    assert result.remarks == [
        "Dit dossier (datum 01-04-2021) is ouder dan het laatst verwerkte dossier "
        "(datum 10-05-2021); er is niets gewijzigd."
    ]
    assert snapshot() == before


def test_same_file_twice_gives_not_changed(march_file, student):
    before = snapshot()

    result = merge_one(march_file)

    assert (result.outcome, result.remarks) == (DossierOutcome.NOT_CHANGED, [])
    assert result.student_id == student.pk
    assert snapshot() == before
    assert ReceivedDossier.objects.filter(student=student).count() == 2


def test_secret_address_and_placeholders_never_overwrite_real_data(student, oso_examples):
    before = (student.street, student.postcode, student.town, student.phone, student.email)
    assert before == ("Adelaarslaan", "7331GJ", "Apeldoorn", "0235257739", "leerling@leerling.nl")
    secret = dossier_edit(
        full_example(oso_examples),
        collection_date=MAY,
        address_secret=True,
        secret_phone_and_email=True,
    )

    result = merge_one(secret)

    student.refresh_from_db()
    assert (student.street, student.postcode, student.town, student.phone, student.email) == before
    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS
    # The address, the phone and the e-mail each say why; the official rules add two
    # warnings (the example keeps its addresses, which a secret address forbids),
    # quoted as remarks.
    own = [r for r in result.remarks if not r.startswith("Officiële OSO-controle")]
    official = [r for r in result.remarks if r.startswith("Officiële OSO-controle")]
    assert len(own) == 3
    assert len(official) == 2
    assert student.prior_education.last_dossier_date == MAY


BAD_FILES = {
    "xsd_error": (
        lambda base: base.replace(b"<geboortedatum>2003-03-17", b"<geboortedatum>17-03-2003"),
        "geboortedatum",
    ),
    "value_outside_codelist": (
        lambda base: dossier_edit(base, advice="99"),
        "advies",
    ),
    "broken_business_rule": (
        lambda base: dossier_edit(base, revised_advice="50"),
        "motivatie",
    ),
    "external_entity": (
        lambda base: base.replace(
            b"<dossier ",
            b'<!DOCTYPE dossier [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<dossier ',
            1,
        ).replace(b"<achternaam>Berg</achternaam>", b"<achternaam>&x;</achternaam>", 1),
        "DOCTYPE",
    ),
    "entity_expansion": (
        lambda base: base.replace(
            b"<dossier ",
            b'<!DOCTYPE dossier [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">'
            b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<dossier ',
            1,
        ).replace(b"<achternaam>Berg</achternaam>", b"<achternaam>&c;</achternaam>", 1),
        "DOCTYPE",
    ),
    "not_xml": (lambda base: base[: len(base) // 2], "XML"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_invalid_file_fails_with_a_reason_and_changes_nothing(kind, student, oso_examples):
    make, named = BAD_FILES[kind]
    base = dossier_edit(full_example(oso_examples), collection_date=MAY)
    bad = make(base)
    before = snapshot()

    result = merge_one(bad)

    assert result.outcome == DossierOutcome.FAILED
    assert named.lower() in result.reason.lower(), result.reason
    assert snapshot() == before
    archived = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert archived.outcome == DossierOutcome.FAILED
    assert archived.student is None


def test_oversized_file_fails_changes_nothing_and_is_not_stored(student, oso_examples, settings):
    big = dossier_edit(full_example(oso_examples), collection_date=MAY)
    settings.OSO_DOSSIER_MAX_BYTES = len(big) - 1
    before = snapshot()

    result = merge_one(big)

    assert result.outcome == DossierOutcome.FAILED
    assert "groot" in result.reason
    assert snapshot() == before
    archived = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert len(archived.raw_xml) < 200


def test_a_request_answered_with_another_pupils_file_fails(student, oso_examples):
    other = dossier_edit(full_example(oso_examples), collection_date=MAY, bsn=bsn_from_seed(5))
    before = snapshot()

    result = merge_one(other, expected_student_id=student.pk)

    assert result.outcome == DossierOutcome.FAILED
    assert snapshot() == before


def test_a_request_answered_with_the_students_file_is_processed(student, oso_examples):
    may_file = dossier_edit(
        full_example(oso_examples), collection_date=MAY, revised_advice="50", motivation="Hoog."
    )

    result = merge_one(may_file, expected_student_id=student.pk)

    assert result.outcome == DossierOutcome.PROCESSED
    assert PriorEducation.objects.get(student=student).revised_advice_code == "50"
