"""What changed: the merge records which fields each applied file changed, beside the outcome."""

from __future__ import annotations

import datetime as dt

import pytest

from students.models import DossierOutcome, ReceivedDossier, Student, changed_fields_text
from tests.factories import SignupGroupFactory
from tests.test_dossier_merge import IEP, make_parsed, merge

MAY = dt.date(2021, 5, 10)

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(db) -> Student:
    """A pupil created from a first file (the merge tests' standard pupil)."""
    [result] = merge(make_parsed(), group=SignupGroupFactory())
    assert result.outcome == DossierOutcome.CREATED
    return Student.objects.get(pk=result.student_id)


def _dossier(result) -> ReceivedDossier:
    return ReceivedDossier.objects.get(pk=result.dossier_id)


def test_a_moved_address_lists_the_address_and_stays_processed(imported):
    [result] = merge(
        make_parsed(
            collection_date=MAY,
            naw_street="Dam",
            naw_house_number="1",
            naw_postcode="1012 JS",
            naw_town="Amsterdam",
        )
    )

    assert result.outcome == DossierOutcome.PROCESSED  # information, not a remark
    assert result.remarks == []
    assert result.changed_fields == ("address",)
    assert _dossier(result).changed_fields == ["address"]


def test_a_new_final_test_lists_the_final_test(imported):
    [result] = merge(make_parsed(collection_date=MAY, final_tests=(IEP,)))

    assert result.outcome == DossierOutcome.PROCESSED
    assert result.changed_fields == ("final_test",)
    assert _dossier(result).changed_fields == ["final_test"]


def test_a_revised_advice_lists_the_revised_advice(imported):
    [result] = merge(
        make_parsed(
            collection_date=MAY,
            revised_advice_code="50",
            revised_advice_motivation="De eindtoets viel hoger uit.",
        )
    )

    assert result.outcome == DossierOutcome.PROCESSED
    assert result.changed_fields == ("revised_advice",)


def test_several_changes_are_listed_in_a_fixed_order_and_read_in_dutch(imported):
    [result] = merge(
        make_parsed(
            collection_date=MAY,
            naw_town="Amsterdam",
            naw_phone="0687654321",
            revised_advice_code="50",
            revised_advice_motivation="Hoger.",
            final_tests=(IEP,),
        )
    )

    assert result.changed_fields == ("address", "phone", "revised_advice", "final_test")
    assert (
        changed_fields_text(result.changed_fields) == "adres, telefoon, herzien advies, eindtoets"
    )


def test_the_same_test_again_is_no_change(imported):
    merge(make_parsed(collection_date=dt.date(2021, 4, 1), final_tests=(IEP,)))

    [result] = merge(make_parsed(collection_date=MAY, final_tests=(IEP,), naw_email="a@b.nl"))

    assert result.changed_fields == ("email",)


def test_a_file_that_changes_nothing_lists_nothing(imported):
    [result] = merge(make_parsed(collection_date=MAY))

    assert (result.outcome, result.changed_fields) == (DossierOutcome.PROCESSED, ())


def test_a_corrected_field_that_keeps_its_value_is_not_changed(imported):
    from students.services.corrections import naw_correction_record

    naw_correction_record(student=imported, field="town", value="Zaandijk", user="anna")

    [result] = merge(make_parsed(collection_date=MAY, naw_town="Amsterdam"))

    assert result.outcome == DossierOutcome.PROCESSED_WITH_REMARKS  # the remark, not the change
    assert result.changed_fields == ()


def test_a_file_not_applied_lists_nothing(imported):
    [result] = merge(make_parsed(collection_date=dt.date(2021, 1, 1), naw_town="Amsterdam"))

    assert (result.outcome, result.changed_fields) == (DossierOutcome.NOT_CHANGED, ())


def test_a_first_file_lists_nothing_the_outcome_says_the_card_is_new(db):
    [result] = merge(make_parsed(), group=SignupGroupFactory())

    assert result.outcome == DossierOutcome.CREATED
    assert result.changed_fields == ()
    assert _dossier(result).changed_fields == []
