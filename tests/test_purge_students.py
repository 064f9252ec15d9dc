"""purge_students: a school year's pupils go with all their data, on record; a dry run keeps all."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import AuditAction, AuditEntry
from requests.models import RequestStatus, TransferRequest
from students.models import (
    FinalTestResult,
    NawCorrection,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
    bsn_from_seed,
)

pytestmark = pytest.mark.django_db


def _pupil(group, *, number: str, elk_status: str = "") -> Student:
    """A student with everything a purge must remove: card, test, correction, dossier, request."""
    student = StudentFactory(student_number=number, signup_group=group, elk_status=elk_status)
    dossier = ReceivedDossier.objects.create(
        student=student,
        raw_xml=f"<dossier><bsn>{student.bsn}</bsn><document>...</document></dossier>",
        sha256=f"{int(number):064d}",
        collection_date=dt.date(2022, 5, 10),
        outcome="processed",
        attachments=[{"filename": "cet_uitslag.png", "description": "uitslag"}],
    )
    card = PriorEducationFactory(student=student, last_dossier=dossier)
    FinalTestResult.objects.create(prior_education=card, test_type_code="0013", standard_score=88)
    NawCorrection.objects.create(
        student=student,
        field="surname",
        value="Hoff",
        corrected_by="marieke",
        corrected_at=timezone.now(),
    )
    TransferRequestFactory(student=student, dossier=dossier)
    return student


@pytest.fixture
def school():
    old = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    other_old_group = SignupGroupFactory(name="Groep 8 - Zaanlands", school_year="2021-2022")
    new = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2022-2023")
    return {
        "placed": _pupil(old, number="1000000001", elk_status="geplaatst"),
        "not_placed": _pupil(old, number="1000000002"),
        "not_placed_other_group": _pupil(other_old_group, number="1000000003"),
        "next_year": _pupil(new, number="1000000004"),
    }


def _failed_dossier(*, received_at: dt.datetime, source_name: str = "") -> ReceivedDossier:
    """A file that failed before it matched a student: kept whole, with no student."""
    bsn = bsn_from_seed(int(received_at.timestamp()))
    dossier = ReceivedDossier.objects.create(
        student=None,
        raw_xml=f"<dossier><bsn>{bsn}</bsn><naam>Hof</naam></dossier>",
        sha256=f"{int(received_at.timestamp()):064d}",
        outcome="failed",
        remarks=["Geen leerling gevonden met dit BSN/onderwijsnummer en deze geboortedatum."],
        source_name=source_name or f"{bsn}.xml",
    )
    # received_at is set on insert; put it where the test needs it.
    ReceivedDossier.objects.filter(pk=dossier.pk).update(received_at=received_at)
    return dossier


def _local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def failed_dossiers():
    """Student-less failed files around the end of school year 2021-2022 (31 July 2022)."""
    return {
        "years_ago": _failed_dossier(received_at=_local(2020, 3, 2, 9, 0)),
        "this_year": _failed_dossier(received_at=_local(2022, 3, 15, 10, 0)),
        "last_minute": _failed_dossier(received_at=_local(2022, 7, 31, 23, 59)),
        "next_year": _failed_dossier(received_at=_local(2022, 8, 1, 0, 0)),
    }


def _counts() -> dict[str, int]:
    models = [Student, PriorEducation, FinalTestResult, NawCorrection, ReceivedDossier]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["TransferRequest"] = TransferRequest.objects.count()
    counts["AuditEntry"] = AuditEntry.objects.count()
    return counts


def _purge(*args: str) -> str:
    out = StringIO()
    with translation.override("nl"):
        call_command("purge_students", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_every_pupil_of_the_year_with_all_their_data(school):
    output = _purge("--school-year", "2021-2022")

    assert output.splitlines() == [
        "1000000001: verwijderd",
        "1000000002: verwijderd",
        "1000000003: verwijderd",
        "0 dossiers zonder leerling (ontvangen tot en met 31-07-2022) verwijderd.",
        "Totaal: 3 leerlingen verwijderd.",
    ]
    assert list(Student.objects.values_list("student_number", flat=True)) == ["1000000004"]
    remaining = school["next_year"]
    assert list(ReceivedDossier.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert list(PriorEducation.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert FinalTestResult.objects.count() == 1
    assert list(NawCorrection.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert list(TransferRequest.objects.values_list("student_id", flat=True)) == [remaining.pk]


def test_purge_writes_one_audit_entry_per_pupil_without_bsn(school):
    _purge("--school-year", "2021-2022", "--user", "beheerder")

    entries = AuditEntry.objects.filter(action=AuditAction.STUDENT_PURGED).order_by(
        "student_number"
    )
    assert [(e.student_number, e.student_id, e.actor) for e in entries] == [
        (school[key].student_number, school[key].pk, "beheerder")
        for key in ("placed", "not_placed", "not_placed_other_group")
    ]
    everything = " ".join(f"{e.summary} {e.details}" for e in AuditEntry.objects.all())
    for student in school.values():
        assert student.bsn not in everything
    assert entries[0].details["school_year"] == "2021-2022"
    assert entries[0].details["elk_status"] == "geplaatst"


def test_not_placed_removes_only_pupils_without_elk_status(school):
    output = _purge("--school-year", "2021-2022", "--not-placed")

    assert output.splitlines() == [
        "1000000002: verwijderd",
        "1000000003: verwijderd",
        "0 dossiers zonder leerling (ontvangen tot en met 31-07-2022) verwijderd.",
        "Totaal: 2 leerlingen verwijderd.",
    ]
    assert set(Student.objects.values_list("student_number", flat=True)) == {
        "1000000001",
        "1000000004",
    }
    assert AuditEntry.objects.filter(action=AuditAction.STUDENT_PURGED).count() == 2


def test_dry_run_lists_what_would_go_and_changes_nothing(school):
    before = _counts()

    output = _purge("--school-year", "2021-2022", "--not-placed", "--dry-run")

    assert output.splitlines() == [
        "1000000002: zou worden verwijderd",
        "1000000003: zou worden verwijderd",
        "0 dossiers zonder leerling (ontvangen tot en met 31-07-2022) zouden worden verwijderd.",
        "Totaal: 2 leerlingen zouden worden verwijderd (proefdraai: er is niets gewijzigd).",
    ]
    assert _counts() == before
    assert not AuditEntry.objects.exists()


def test_a_single_pupil_is_counted_in_the_singular(school):
    school["not_placed_other_group"].delete()
    school["placed"].delete()

    output = _purge("--school-year", "2021-2022")

    assert output.splitlines()[-1] == "Totaal: 1 leerling verwijderd."


@pytest.mark.parametrize("school_year", ["2021-2023", "21-22", "2021/2022", ""])
def test_a_malformed_school_year_is_refused_in_dutch_and_changes_nothing(school, school_year):
    before = _counts()

    with pytest.raises(CommandError, match="Vul een lesperiode in als JJJJ-JJJJ"):
        _purge("--school-year", school_year)

    assert _counts() == before


def test_a_school_year_without_signup_groups_is_refused_in_dutch(school):
    before = _counts()

    with pytest.raises(
        CommandError, match=r"Er zijn geen aanmeldingsgroepen in lesperiode 2019-2020\."
    ):
        _purge("--school-year", "2019-2020")

    assert _counts() == before


def test_purge_never_loads_the_dossier_xml(school, failed_dossiers):
    with CaptureQueriesContext(connection) as queries:
        _purge("--school-year", "2021-2022")

    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert selects, "the purge reads what it removes"
    assert not any("raw_xml" in sql for sql in selects)


def test_purge_leaves_no_row_pointing_at_a_removed_student(school):
    removed = {school[key].pk for key in ("placed", "not_placed", "not_placed_other_group")}

    _purge("--school-year", "2021-2022")

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete and field.related_model is Student:
                pointing = model.objects.filter(**{f"{field.name}_id__in": removed})
                assert not pointing.exists(), f"{model.__name__}.{field.name}"


def test_purge_removes_dossiers_without_a_student_received_up_to_31_july_of_the_second_year(
    school, failed_dossiers
):
    output = _purge("--school-year", "2021-2022")

    assert output.splitlines()[-2:] == [
        "3 dossiers zonder leerling (ontvangen tot en met 31-07-2022) verwijderd.",
        "Totaal: 3 leerlingen verwijderd.",
    ]
    without_student = ReceivedDossier.objects.filter(student__isnull=True)
    assert list(without_student.values_list("pk", flat=True)) == [failed_dossiers["next_year"].pk]


def test_not_placed_removes_the_dossiers_without_a_student_too(school, failed_dossiers):
    output = _purge("--school-year", "2021-2022", "--not-placed")

    assert "3 dossiers zonder leerling (ontvangen tot en met 31-07-2022) verwijderd." in output
    assert ReceivedDossier.objects.filter(student__isnull=True).count() == 1


def test_each_removed_dossier_without_a_student_is_on_record_without_bsn(school, failed_dossiers):
    bsns = {dossier.source_name[:9] for dossier in failed_dossiers.values()}

    _purge("--school-year", "2021-2022", "--user", "beheerder")

    entries = AuditEntry.objects.filter(action=AuditAction.DOSSIER_PURGED).order_by("pk")
    removed = [failed_dossiers[key] for key in ("years_ago", "this_year", "last_minute")]
    assert sorted(e.details["dossier_id"] for e in entries) == sorted(d.pk for d in removed)
    assert {(e.actor, e.student_id, e.student_number) for e in entries} == {("beheerder", None, "")}
    assert {e.details["school_year"] for e in entries} == {"2021-2022"}
    everything = " ".join(f"{e.summary} {e.details}" for e in AuditEntry.objects.all())
    assert not [bsn for bsn in bsns if bsn in everything]


def test_dry_run_counts_the_dossiers_without_a_student_and_keeps_them(school, failed_dossiers):
    before = _counts()

    output = _purge("--school-year", "2021-2022", "--dry-run")

    assert output.splitlines()[-2] == (
        "3 dossiers zonder leerling (ontvangen tot en met 31-07-2022) zouden worden verwijderd."
    )
    assert _counts() == before
    assert not AuditEntry.objects.exists()


def test_one_dossier_without_a_student_is_counted_in_the_singular(school, failed_dossiers):
    failed_dossiers["years_ago"].delete()
    failed_dossiers["this_year"].delete()

    output = _purge("--school-year", "2021-2022")

    assert "1 dossier zonder leerling (ontvangen tot en met 31-07-2022) verwijderd." in output


def test_a_dossier_without_a_student_that_a_request_points_at_is_removed_and_the_request_kept(
    school, failed_dossiers
):
    # The endpoint sent a file for someone else: the request failed, the file has no student.
    request = TransferRequestFactory(
        student=school["next_year"],
        status=RequestStatus.FAILED,
        dossier=failed_dossiers["this_year"],
    )

    _purge("--school-year", "2021-2022")

    request.refresh_from_db()
    assert request.dossier is None
