"""``manage.py request_status``: the group's latest request per pupil, as status lines, sending
nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from requests.models import RequestStatus, TransferRequest
from tests.factories import SignupGroupFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _request(student, status: str) -> TransferRequest:
    return TransferRequest.objects.create(student=student, status=status)


def _run(*args: str) -> list[str]:
    out = StringIO()
    call_command("request_status", *args, stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_every_status_with_the_latest_request_of_each_pupil(
    django_capture_on_commit_callbacks,
):
    group = SignupGroupFactory(name="Groep 8", school_year="2021-2022")
    other = SignupGroupFactory(name="Andere groep", school_year="2021-2022")
    first, second, third = (StudentFactory(signup_group=group) for _ in range(3))
    _request(first, RequestStatus.FAILED)
    _request(first, RequestStatus.PROCESSED)  # the latest counts, not the failed one
    _request(second, RequestStatus.WAITING)
    _request(third, RequestStatus.NOT_CHANGED)
    _request(StudentFactory(signup_group=other), RequestStatus.FAILED)
    StudentFactory(signup_group=group)  # no request: not counted

    with django_capture_on_commit_callbacks() as queued:
        lines = _run("--signup-group", "Groep 8")

    assert lines == [
        "Klaar om op te vragen: 0",
        "Aangevraagd: 0",
        "Wacht op basisschool: 1",
        "Verwerkt: 1",
        "Verwerkt met opmerkingen: 0",
        "Leerlinginfo niet gewijzigd: 1",
        "Mislukt: 0",
    ]
    assert queued == []  # nothing sent
    assert TransferRequest.objects.count() == 5  # nothing added


def test_its_lines_are_the_format_of_request_dossiers_wait():
    from requests.management.commands import request_dossiers, request_status

    assert request_dossiers.status_lines is request_status.status_lines


def test_an_unknown_group_stops_in_dutch():
    with pytest.raises(CommandError, match="Onbekende aanmeldingsgroep: Bestaat niet"):
        _run("--signup-group", "Bestaat niet")
