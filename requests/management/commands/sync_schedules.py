"""Write the beat schedules of common/schedules.py into the database (django-celery-beat)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from requests.services.beat import periodic_tasks_sync


class Command(BaseCommand):
    help = "Create the periodic tasks defined in code; keep what staff paused or retimed."

    def handle(self, *args, **options) -> None:
        result = periodic_tasks_sync()
        for name in result.created:
            self.stdout.write(_("Created: %(name)s") % {"name": name})
        for name in result.updated:
            self.stdout.write(_("Updated: %(name)s") % {"name": name})
        for name in result.disabled:
            self.stdout.write(_("Disabled (no longer in the code): %(name)s") % {"name": name})
