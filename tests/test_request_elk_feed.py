"""ELK's feed: placement status, the green and blue dot, and the re-requests a blue dot sets off."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEntry
from requests.client import ChangedPupil, Feed, Placement
from requests.models import ElkFeedRead, RequestMode, RequestStatus, TransferRequest
from requests.services.elk_feed import (
    ELK_FEED_USER,
    elk_blue_dots_rerequest,
    elk_feed_apply,
    elk_feed_read,
    elk_feed_sync,
)
from students.models import ElkDot, ElkStatus
from tests.factories import PriorEducationFactory, StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.django_db

AFTER_MAY = dt.date(2021, 5, 11)
MAY_FILES = {f"demo-{n:02d}" for n in (1, 2, 4, 5, 6, 7, 8, 10, 11, 13, 14, 15, 16)}


def _dots(demo_students) -> dict[str, str]:
    return {
        key: type(student).objects.get(pk=student.pk).elk_dot
        for key, student in demo_students.items()
    }


def test_the_first_read_sets_placements_and_green_dots_for_fetched_files(elk_mock, demo_students):
    read = elk_feed_read()

    assert read.error == ""
    demo_01 = type(demo_students["demo-01"]).objects.get(pk=demo_students["demo-01"].pk)
    assert (demo_01.elk_status, demo_01.elk_status_date) == (ElkStatus.PLACED, dt.date(2021, 3, 12))
    assert demo_01.elk_dot == ElkDot.GREEN
    # Placed later than the clock: not in the feed yet.
    demo_04 = type(demo_01).objects.get(pk=demo_students["demo-04"].pk)
    assert demo_04.elk_status == ""
    assert read.blue_dots == 0


def test_files_published_after_the_last_read_turn_the_dot_blue(elk_mock, demo_students):
    elk_feed_read()
    elk_mock.set_clock(AFTER_MAY)

    read = elk_feed_read()

    dots = _dots(demo_students)
    assert {key for key, dot in dots.items() if dot == ElkDot.BLUE} == MAY_FILES
    assert dots["demo-03"] == ElkDot.GREEN  # its file did not change
    assert read.blue_dots == len(MAY_FILES)
    demo_04 = type(demo_students["demo-04"]).objects.get(pk=demo_students["demo-04"].pk)
    assert demo_04.elk_status == ElkStatus.PLACED_GUIDED


def test_each_read_continues_where_the_last_one_ended(elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)
    first = elk_feed_read()
    second = elk_feed_read()

    assert first.changed == len(MAY_FILES)
    assert second.changed == 0
    assert second.as_of == first.as_of
    assert ElkFeedRead.objects.count() == 2


def test_a_change_the_feed_repeats_does_not_turn_a_fetched_file_blue_again():
    student = PriorEducationFactory(last_dossier_date=dt.date(2021, 3, 1)).student
    changed = ChangedPupil(
        bsn=student.bsn, education_number="", changed_at=datetime(2021, 5, 10, tzinfo=UTC)
    )
    feed = Feed(as_of=datetime(2021, 5, 11, tzinfo=UTC), placements=(), changed=(changed,))
    elk_feed_apply(feed=feed)
    student.refresh_from_db()
    assert student.elk_dot == ElkDot.BLUE
    student.elk_dot = ElkDot.GREEN  # the file was fetched (what the pipeline does)
    student.save(update_fields=["elk_dot"])

    elk_feed_apply(feed=feed)

    student.refresh_from_db()
    assert student.elk_dot == ElkDot.GREEN


def test_a_change_older_than_the_file_we_hold_gives_no_blue_dot():
    student = PriorEducationFactory(last_dossier_date=dt.date(2021, 5, 10)).student
    changed = ChangedPupil(
        bsn=student.bsn, education_number="", changed_at=datetime(2021, 5, 10, tzinfo=UTC)
    )
    placed = Placement(
        bsn=student.bsn, education_number="", status="Geplaatst", date=dt.date(2021, 3, 12)
    )

    elk_feed_apply(
        feed=Feed(as_of=datetime(2021, 5, 11, tzinfo=UTC), placements=(placed,), changed=(changed,))
    )

    student.refresh_from_db()
    assert student.elk_dot == ElkDot.GREEN
    assert student.elk_status == ElkStatus.PLACED


def test_a_feed_with_unknown_pupils_changes_nobody():
    student = StudentFactory()
    stranger = ChangedPupil(
        bsn="111222333", education_number="", changed_at=datetime(2021, 5, 10, tzinfo=UTC)
    )

    read = elk_feed_apply(
        feed=Feed(as_of=datetime(2021, 5, 11, tzinfo=UTC), placements=(), changed=(stranger,))
    )

    student.refresh_from_db()
    assert (student.elk_dot, read.blue_dots) == ("", 0)


def test_a_blue_dot_queues_and_sends_a_changes_since_request_with_the_students_own_date(
    elk_mock, demo_students, django_capture_on_commit_callbacks
):
    elk_feed_read()
    elk_mock.set_clock(AFTER_MAY)

    with django_capture_on_commit_callbacks() as callbacks:
        read = elk_feed_sync()

    requests = TransferRequest.objects.filter(created_by=ELK_FEED_USER)
    assert {r.student_id for r in requests} == {demo_students[key].pk for key in MAY_FILES}
    assert {r.status for r in requests} == {RequestStatus.REQUESTED}
    assert {r.mode for r in requests} == {RequestMode.CHANGES_SINCE}
    demo_01 = requests.get(student=demo_students["demo-01"])
    assert demo_01.changed_since == demo_students["demo-01"].prior_education.last_dossier_date
    assert read.requests_sent == len(MAY_FILES)
    assert [c.task.name for c in callbacks] == ["oso_requests.submit_requests"]


def test_a_blue_dot_with_a_request_under_way_or_a_fresh_failure_is_not_requested_again():
    busy = StudentFactory(elk_dot=ElkDot.BLUE)
    TransferRequestFactory(student=busy, status=RequestStatus.WAITING)
    failed = StudentFactory(elk_dot=ElkDot.BLUE)
    TransferRequestFactory(student=failed, status=RequestStatus.FAILED, completed_at=timezone.now())
    failed_long_ago = StudentFactory(elk_dot=ElkDot.BLUE)
    TransferRequestFactory(
        student=failed_long_ago,
        status=RequestStatus.FAILED,
        completed_at=timezone.now() - timedelta(days=3),
    )

    batch = elk_blue_dots_rerequest()

    assert set(batch.requests.values_list("student_id", flat=True)) == {failed_long_ago.pk}
    assert busy.transfer_requests.count() == 1


def test_an_unreachable_feed_is_recorded_and_raises_nothing(settings, db):
    settings.OSO_ENDPOINT_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.OSO_ENDPOINT_CONNECT_TIMEOUT = 0.5

    read = elk_feed_read()

    assert read.error
    assert read.as_of is None


def test_a_blue_dot_rerequest_is_on_record_as_added_and_sent_by_the_elk_feed():
    student = StudentFactory(elk_dot=ElkDot.BLUE)
    PriorEducationFactory(student=student, last_dossier_date=dt.date(2021, 3, 20))

    batch = elk_blue_dots_rerequest()

    entries = AuditEntry.objects.filter(student_id=student.pk)
    assert sorted(entries.values_list("action", "actor")) == [
        (AuditAction.REQUEST_ADDED, ELK_FEED_USER),
        (AuditAction.REQUEST_SENT, ELK_FEED_USER),
    ]
    sent = entries.get(action=AuditAction.REQUEST_SENT)
    assert sent.student_number == student.student_number
    assert (sent.details["batch_id"], sent.details["changed_since"]) == (batch.pk, "2021-03-20")
    assert student.bsn not in sent.summary + str(sent.details)


def test_a_file_released_a_week_after_its_collection_date_is_no_blue_dot_once_fetched(
    elk_mock, demo_students
):
    from requests.services import transfer_requests_add, transfer_requests_send
    from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit

    late = demo_students["demo-12"]  # collected 10 May, released 25 May
    elk_mock.set_clock(dt.date(2021, 5, 24))
    elk_feed_read()  # the feed has been read before the release
    elk_mock.set_clock(dt.date(2021, 5, 26))
    transfer_requests_add(student_ids=[late.pk], user="anna")
    ready = list(TransferRequest.objects.filter(student=late).values_list("id", flat=True))
    batch = transfer_requests_send(
        request_ids=ready, mode=RequestMode.CURRENT, changed_since=None, user="anna"
    )
    ids = list(batch.requests.values_list("id", flat=True))
    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)
    assert TransferRequest.objects.get(id=ids[0]).status == RequestStatus.PROCESSED

    read = elk_feed_sync()

    late.refresh_from_db()
    assert late.elk_dot == ElkDot.GREEN
    assert late.elk_changed_at == datetime(2021, 5, 25, tzinfo=UTC)
    # The other pupils' May files were news to that feed; this one's was fetched already.
    assert not TransferRequest.objects.filter(student=late).exclude(id__in=ids).exists()
    assert read.blue_dots == 0
