"""Every periodic task of OSO Portal, in one place.

``manage.py sync_schedules`` (run by ``make run``/``run_all`` and the Docker
entrypoint) writes these into django-celery-beat, where staff see them in the
admin (*Periodic tasks*) and may pause or retime them. The sync creates a missing
schedule with the interval below and afterwards updates only what the code owns
(the task it runs, its arguments, its description): ``enabled`` and the interval
stay as staff left them (requests/services/beat.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Schedule:
    name: str  # the PeriodicTask name staff see; never rename (the sync finds it by name)
    task: str  # the registered Celery task name
    every_seconds: int  # the interval a new schedule starts with
    # Stored in Dutch (the portal's language) by the sync: staff read it in the admin.
    description: str | Promise


def code_schedules() -> list[Schedule]:
    return [
        Schedule(
            name="oso-poll-due-requests",
            task="oso_requests.poll_due_requests",
            every_seconds=settings.OSO_POLL_DUE_INTERVAL_SECONDS,
            description=_(
                "Asks the endpoint again for every request 'Aangevraagd' or 'Wacht op "
                "basisschool' whose next attempt is due."
            ),
        ),
        Schedule(
            name="oso-sweep-stuck-requests",
            task="oso_requests.sweep_stuck_requests",
            every_seconds=settings.OSO_SWEEP_INTERVAL_SECONDS,
            description=_(
                "Queues again the requests whose worker died or whose queued task was lost "
                "(their claim expired)."
            ),
        ),
        Schedule(
            name="oso-read-elk-feed",
            task="oso_requests.read_elk_feed",
            every_seconds=settings.OSO_ELK_FEED_INTERVAL_SECONDS,
            description=_(
                "Reads ELK's placements and blue dots, and sends a 'Mutaties vanaf' request "
                "for every student with a blue dot."
            ),
        ),
    ]
