"""``manage.py request_dossiers``: options, bad input, and the seven status lines.

The run with a real worker (``--wait`` to the end) is in tests/test_request_worker.py.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from tests.factories import PriorEducationFactory, SignupGroupFactory, StudentFactory

pytestmark = pytest.mark.django_db

STATUS_LINES = [
    "Klaar om op te vragen",
    "Aangevraagd",
    "Wacht op basisschool",
    "Verwerkt",
    "Verwerkt met opmerkingen",
    "Leerlinginfo niet gewijzigd",
    "Mislukt",
]


@pytest.fixture
def group():
    group = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    for _ in range(3):
        PriorEducationFactory(
            student=StudentFactory(signup_group=group), last_dossier_date=dt.date(2021, 3, 1)
        )
    return group


def _run(*args: str) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    try:
        call_command("request_dossiers", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return out.getvalue(), err.getvalue(), code


def _counts(output: str) -> dict[str, int]:
    pairs = [line.rsplit(": ", 1) for line in output.splitlines()]
    return {label: int(count) for label, count in pairs}


def test_it_sends_every_student_of_the_group_and_prints_all_seven_statuses(group):
    StudentFactory(signup_group=SignupGroupFactory(name="Andere groep"))

    out, _err, code = _run("--signup-group", group.name)

    assert code == 0
    assert [line.rsplit(": ", 1)[0] for line in out.splitlines()] == STATUS_LINES
    assert _counts(out)["Aangevraagd"] == 3
    assert sum(_counts(out).values()) == 3
    batch = RequestBatch.objects.get()
    assert batch.signup_group == group
    assert set(batch.requests.values_list("mode", "changed_since")) == {(RequestMode.CURRENT, None)}


def test_changed_since_asks_every_request_for_changes_since_that_date(group):
    _run("--signup-group", group.name, "--changed-since", "2021-02-01")

    requests = TransferRequest.objects.filter(student__signup_group=group)
    assert set(requests.values_list("mode", "changed_since")) == {
        (RequestMode.CHANGES_SINCE, dt.date(2021, 2, 1))
    }


def test_a_student_with_a_request_under_way_is_followed_not_sent_again(group):
    student = group.students.first()
    TransferRequest.objects.create(student=student, status=RequestStatus.WAITING)

    out, _err, _code = _run("--signup-group", group.name)

    assert _counts(out)["Wacht op basisschool"] == 1
    assert _counts(out)["Aangevraagd"] == 2
    assert student.transfer_requests.count() == 1


@pytest.mark.parametrize("value", ["01-02-2021", "2021-2-1", "2021-02-30", "gisteren"])
def test_a_bad_date_is_refused_in_dutch_and_changes_nothing(group, value):
    with pytest.raises(CommandError, match="Ongeldige datum"):
        call_command("request_dossiers", "--signup-group", group.name, "--changed-since", value)

    assert not TransferRequest.objects.exists()


def test_a_changed_since_date_in_the_future_is_refused_in_dutch_and_changes_nothing(group):
    with pytest.raises(
        CommandError, match=r"^De datum voor mutaties vanaf mag niet in de toekomst liggen\.$"
    ):
        call_command(
            "request_dossiers", "--signup-group", group.name, "--changed-since", "2099-01-01"
        )

    assert not TransferRequest.objects.exists()
    assert not RequestBatch.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_unknown_group_is_refused_in_dutch_and_changes_nothing(group):
    with pytest.raises(CommandError, match="Onbekende aanmeldingsgroep: Groep 9"):
        call_command("request_dossiers", "--signup-group", "Groep 9")

    assert not TransferRequest.objects.exists()


def test_a_bad_timeout_is_refused_in_dutch(group):
    with pytest.raises(CommandError, match="Ongeldige wachttijd"):
        call_command("request_dossiers", "--signup-group", group.name, "--timeout", "nul")

    assert not TransferRequest.objects.exists()


def test_waiting_without_a_worker_times_out_with_exit_code_1(group):
    out, err, code = _run("--signup-group", group.name, "--wait", "--timeout", "0.5")

    assert code == 1
    assert "Tijdslimiet" in err
    assert _counts(out)["Aangevraagd"] == 3
