"""Beat schedules: defined in common/schedules.py, synced into django-celery-beat without
undoing what staff changed in the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from common.schedules import code_schedules
from oso_portal.celery import app
from requests.services.beat import periodic_tasks_sync

pytestmark = pytest.mark.django_db

NAMES = {"oso-poll-due-requests", "oso-sweep-stuck-requests", "oso-read-elk-feed"}


def test_every_schedule_runs_a_registered_task():
    app.loader.import_default_modules()

    assert {schedule.name for schedule in code_schedules()} == NAMES
    for schedule in code_schedules():
        assert schedule.task in app.tasks, schedule.task


def test_sync_creates_the_schedules_enabled_with_the_code_intervals(settings):
    settings.OSO_ELK_FEED_INTERVAL_SECONDS = 120

    result = periodic_tasks_sync()

    assert set(result.created) == NAMES
    feed = PeriodicTask.objects.get(name="oso-read-elk-feed")
    assert feed.enabled
    assert feed.task == "oso_requests.read_elk_feed"
    assert (feed.interval.every, feed.interval.period) == (120, IntervalSchedule.SECONDS)


def test_sync_keeps_a_schedule_staff_paused_or_retimed():
    periodic_tasks_sync()
    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.HOURS)
    feed = PeriodicTask.objects.get(name="oso-read-elk-feed")
    feed.enabled = False
    feed.interval = hourly
    feed.save()

    result = periodic_tasks_sync()

    feed.refresh_from_db()
    assert not feed.enabled
    assert feed.interval == hourly
    assert result.created == [] and result.updated == []


def test_sync_puts_back_what_the_code_owns():
    periodic_tasks_sync()
    PeriodicTask.objects.filter(name="oso-sweep-stuck-requests").update(
        task="oso_requests.old_name", description="edited"
    )

    result = periodic_tasks_sync()

    sweep = PeriodicTask.objects.get(name="oso-sweep-stuck-requests")
    assert result.updated == ["oso-sweep-stuck-requests"]
    assert sweep.task == "oso_requests.sweep_stuck_requests"
    assert sweep.description != "edited"


def test_a_code_owned_schedule_the_code_dropped_is_disabled_not_deleted():
    every_minute, _ = IntervalSchedule.objects.get_or_create(
        every=60, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(name="oso-retired-job", task="x", interval=every_minute)
    PeriodicTask.objects.create(name="staff-own-job", task="y", interval=every_minute)

    result = periodic_tasks_sync()

    assert result.disabled == ["oso-retired-job"]
    assert not PeriodicTask.objects.get(name="oso-retired-job").enabled
    assert PeriodicTask.objects.get(name="staff-own-job").enabled


def test_the_sync_command_reports_in_dutch():
    out = StringIO()

    call_command("sync_schedules", stdout=out)

    assert "Aangemaakt: oso-read-elk-feed" in out.getvalue()
