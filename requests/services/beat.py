"""Write the code's beat schedules (common/schedules.py) into django-celery-beat.

Who owns what, so that a sync never undoes what staff did in the admin:

* the code owns a schedule's name, the task it runs, its arguments and description;
* staff own whether it is enabled and how often it runs: a new schedule starts with
  the code's interval, and the sync never touches ``enabled`` or the interval again;
* a code-owned schedule (name starting with ``oso-``) that the code no longer
  defines is disabled, not deleted, so its history stays visible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from common.schedules import code_schedules

CODE_OWNED_PREFIX = "oso-"


@dataclass
class ScheduleSyncResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)


def periodic_tasks_sync() -> ScheduleSyncResult:
    result = ScheduleSyncResult()
    schedules = code_schedules()
    # The descriptions are stored in the portal's language whichever one this process has.
    with translation.override(settings.LANGUAGE_CODE):
        descriptions = {schedule.name: str(schedule.description) for schedule in schedules}
    with transaction.atomic():
        for schedule in schedules:
            existing = PeriodicTask.objects.filter(name=schedule.name).first()
            if existing is None:
                interval, _ = IntervalSchedule.objects.get_or_create(
                    every=schedule.every_seconds, period=IntervalSchedule.SECONDS
                )
                PeriodicTask.objects.create(
                    name=schedule.name,
                    task=schedule.task,
                    interval=interval,
                    args="[]",
                    kwargs="{}",
                    enabled=True,
                    description=descriptions[schedule.name],
                )
                result.created.append(schedule.name)
                continue
            wanted = {
                "task": schedule.task,
                "args": "[]",
                "kwargs": "{}",
                "description": descriptions[schedule.name],
            }
            changed = [name for name, value in wanted.items() if getattr(existing, name) != value]
            if changed:
                for name in changed:
                    setattr(existing, name, wanted[name])
                # save() (not update()) so that a running beat notices the change.
                existing.save(update_fields=changed)
                result.updated.append(schedule.name)
        names = {schedule.name for schedule in schedules}
        for stale in PeriodicTask.objects.filter(
            name__startswith=CODE_OWNED_PREFIX, enabled=True
        ).exclude(name__in=names):
            stale.enabled = False
            stale.save(update_fields=["enabled"])
            result.disabled.append(stale.name)
    return result
