"""audit_search: every criterion narrows the result, dates are whole local days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from audit.selectors import audit_search
from audit.services import audit_record

pytestmark = pytest.mark.django_db


def _entry(*, actor="joost", action=AuditAction.REQUEST_SENT, number="", summary="", at=None):
    if at is None:
        return audit_record(actor=actor, action=action, student_number=number, summary=summary)
    # Placed in the past: the service always writes "now", and no row can be updated.
    return AuditEntry.objects.create(
        at=at, actor=actor, action=action, student_number=number, summary=summary
    )


def test_without_criteria_every_entry_comes_newest_first():
    first = _entry(summary="first")
    second = _entry(summary="second")

    assert list(audit_search()) == [second, first]


def test_query_finds_part_of_the_summary_student_number_or_actor():
    by_summary = _entry(summary="surname Hof -> Hoff")
    by_number = _entry(number="1000000042")
    by_actor = _entry(actor="marieke")
    _entry(summary="nothing to see")

    assert list(audit_search(query="hoff")) == [by_summary]
    assert list(audit_search(query="00042")) == [by_number]
    assert list(audit_search(query="MARIEKE")) == [by_actor]


def test_action_actor_and_student_number_match_exactly():
    reveal = _entry(action=AuditAction.BSN_REVEALED, actor="marieke", number="1000000001")
    _entry(action=AuditAction.REQUEST_SENT, actor="marieke", number="1000000001")
    _entry(action=AuditAction.BSN_REVEALED, actor="marieke2", number="1000000001")
    _entry(action=AuditAction.BSN_REVEALED, actor="marieke", number="1000000002")

    found = audit_search(action="bsn_revealed", actor="marieke", student_number="1000000001")

    assert list(found) == [reveal]


def test_date_range_includes_both_whole_days_in_local_time():
    tz = timezone.get_current_timezone()

    def at(day, hour, minute=0):
        return dt.datetime(2026, 3, day, hour, minute, tzinfo=tz)

    before = _entry(summary="before", at=at(9, 23, 59))
    start = _entry(summary="start", at=at(10, 0, 0))
    end = _entry(summary="end", at=at(12, 23, 59))
    after = _entry(summary="after", at=at(13, 0, 0))

    found = set(audit_search(date_from=dt.date(2026, 3, 10), date_to=dt.date(2026, 3, 12)))

    assert found == {start, end}
    assert before not in found and after not in found
