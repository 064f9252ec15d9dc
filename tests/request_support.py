"""Set-ups the request tests share: sign up one of the mock's waiting pupils, press *Aanvragen*."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from elk_mock.dataset import demo_signup_pupils
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from requests.services import transfer_requests_add, transfer_requests_send
from students.models import SignupGroup, SignupSource, Student
from students.services.signup_rows import SignupIn
from students.services.signups import signups_create


def demo_sign_up(key: str, **changes: Any) -> Student:
    """Sign up the demo signup list's pupil ``key`` (e.g. ``aanm-08``) as the form does;
    ``changes`` replace what staff typed (a misspelt name, another BRIN...)."""
    pupil = {p.key: p for p in demo_signup_pupils()}[key]
    values: dict[str, Any] = {
        "bsn": pupil.bsn,
        "education_number": pupil.education_number,
        "birth_date": pupil.birth_date,
        "surname": pupil.surname,
        "prefix": pupil.prefix,
        "given_name": pupil.given_name,
        "primary_school_brin": pupil.primary_school_brin,
    }
    values.update(changes)
    group = SignupGroup.objects.get_or_create(name="Aanmeldingen", school_year="2021-2022")[0]
    result = signups_create(
        signups=[SignupIn(**values)], signup_group=group, source=SignupSource.FORM, user="anna"
    )
    return Student.objects.get(pk=result.student_ids[0])


def requests_send(
    students: Iterable[Student],
    *,
    mode: str = RequestMode.CURRENT,
    changed_since: dt.date | None = None,
) -> RequestBatch:
    """What the Aanvragen button does: add the pupils' requests, then send the ready ones as
    one batch (its tasks are queued on commit)."""
    students = list(students)
    transfer_requests_add(student_ids=[s.pk for s in students], user="anna")
    ready = TransferRequest.objects.filter(student__in=students, status=RequestStatus.READY)
    batch = transfer_requests_send(
        request_ids=list(ready.values_list("id", flat=True)),
        mode=mode,
        changed_since=changed_since,
        user="anna",
    )
    assert batch is not None
    return batch
