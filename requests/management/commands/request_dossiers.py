"""``python manage.py request_dossiers --signup-group NAME [--changed-since YYYY-MM-DD] [--wait]
[--timeout SECONDS]``: request the transfer file of every student of a signup group.

The same services as the *Aanvragen* button: every student gets a request (one with
an open request keeps that one), and the ready ones go out as one batch, handled by
the Celery workers. Without ``--changed-since`` the whole current file is asked for;
with it, only what changed since that date. With ``--wait`` the command waits until
every request is final or *Wacht op basisschool* (at most ``--timeout`` seconds,
600 by default). It then prints every status in flow order as ``<status>: <count>``,
one a line, and exits 0 when none is *Mislukt* and it did not time out, else 1.
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from requests.management.status_lines import OUTPUT_LANGUAGE, find_signup_group, status_lines
from requests.models import OPEN_STATUSES, RequestMode, RequestStatus, TransferRequest
from requests.selectors import request_status_counts, requests_unsettled_count
from requests.services import transfer_requests_add, transfer_requests_send
from students.models import SignupGroup


class Command(BaseCommand):
    help = "Request the transfer files of every student of a signup group."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--signup-group", required=True, help="name of the signup group")
        parser.add_argument(
            "--changed-since",
            help="only what changed since this date (YYYY-MM-DD, not after today)",
        )
        parser.add_argument("--wait", action="store_true", help="wait until every request is done")
        parser.add_argument("--timeout", default="600", help="seconds to wait at most (600)")
        parser.add_argument("--user", default="request_dossiers", help="recorded as the sender")

    def handle(self, *args, **options) -> None:
        with translation.override(OUTPUT_LANGUAGE):
            changed_since = _parse_date(options["changed_since"])
            timeout = _parse_timeout(options["timeout"])
            group = find_signup_group(options["signup_group"])
            try:
                # One transaction: a send the service refuses (a date in the
                # future) leaves no requests added either.
                with transaction.atomic():
                    request_ids = self._send(
                        group, changed_since=changed_since, user=options["user"]
                    )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            timed_out = False
            if options["wait"]:
                timed_out = not _wait(request_ids, timeout=timeout)
            counts = request_status_counts(request_ids=request_ids)
            for line in status_lines(counts):
                self.stdout.write(line)
            if timed_out:
                self.stderr.write(
                    _("Timed out after %(seconds)s seconds; not every request is done.")
                    % {"seconds": options["timeout"]}
                )
            if timed_out or counts[RequestStatus.FAILED]:
                raise SystemExit(1)

    def _send(self, group: SignupGroup, *, changed_since: dt.date | None, user: str) -> list[int]:
        """Add and send; return the requests to follow: this batch and any already under way."""
        student_ids = list(group.students.values_list("id", flat=True))
        transfer_requests_add(student_ids=student_ids, user=user)
        ready = TransferRequest.objects.filter(
            student_id__in=student_ids, status=RequestStatus.READY
        ).values_list("id", flat=True)
        batch = transfer_requests_send(
            request_ids=list(ready),
            mode=RequestMode.CHANGES_SINCE if changed_since else RequestMode.CURRENT,
            changed_since=changed_since,
            user=user,
            signup_group=group,
        )
        under_way = TransferRequest.objects.filter(
            student_id__in=student_ids, status__in=OPEN_STATUSES
        ).exclude(status=RequestStatus.READY)
        ids = set(under_way.values_list("id", flat=True))
        if batch is not None:
            ids |= set(batch.requests.values_list("id", flat=True))
            self.stderr.write(
                _("Batch %(batch)s: %(count)d requests sent.")
                % {"batch": batch.pk, "count": batch.requests.count()}
            )
        return sorted(ids)


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Invalid date %(value)s: use YYYY-MM-DD, for example 2021-02-01.") % {"value": value}
        ) from None


def _parse_timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1
    if seconds <= 0:
        raise CommandError(
            _("Invalid timeout %(value)s: give a number of seconds above 0.") % {"value": value}
        )
    return seconds


def _wait(request_ids: list[int], *, timeout: float) -> bool:
    """Until every request is final or waiting for the primary school; False on timeout."""
    deadline = time.monotonic() + timeout
    while requests_unsettled_count(request_ids=request_ids):
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(1.0, max(0.1, deadline - time.monotonic())))
    return True
