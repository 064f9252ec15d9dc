"""*Wacht op basisschool*: which wait it is, when it is asked again, and when it ends.

The chain answers a request whose file cannot be given yet with a result code: nothing
released (*LeerlinginfoNietBeschikbaar*) or the parents have not seen the file yet
(*LeerlinginfoNietOpvraagbaar*). The row keeps which (``wait_reason``), since when
(``waiting_since``), and a remark that says both the wait and the moment it is asked again.
A wait has an end: ``OSO_WAIT_MAX_DAYS`` after it began, an answer that is still a wait ends
the request *Mislukt* with the reason; *Opnieuw proberen* starts a new wait.

Called by the poll step (requests/services/pipeline.py) on a row it holds; it only sets
fields, the step records them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, JSONField, Value, When

from portal_text import messages_to_json
from requests.client import RequestResult
from requests.models import RequestStatus, TransferRequest, WaitReason
from requests.services import texts
from requests.services.backoff import pending_delay

# The fields this module sets (the step's bulk write lists them too).
WAIT_FIELDS = ("wait_reason", "waiting_since")


def wait_limit() -> timedelta:
    return timedelta(days=settings.OSO_WAIT_MAX_DAYS)


def request_wait(row: TransferRequest, result: RequestResult, *, now: datetime) -> bool:
    """Record a wait on ``row``; False when the wait is over its limit (the caller fails it).

    The next question comes after the usual growing pause, but never after the wait's end:
    the last question is asked when the limit is reached.
    """
    reason = str(result.wait_reason or WaitReason.NOT_AVAILABLE)
    row.wait_reason = reason
    if row.waiting_since is None:
        row.waiting_since = now
    ends_at = row.waiting_since + wait_limit()
    if now >= ends_at:
        return False
    row.status = RequestStatus.WAITING
    row.attempts = 0
    row.error = ""
    row.next_attempt_at = min(now + timedelta(seconds=pending_delay(row.polls)), ends_at)
    row.remarks = messages_to_json(
        [
            texts.WAITING(
                reason=reason, next_at=row.next_attempt_at.replace(microsecond=0).isoformat()
            )
        ]
    )
    row.claim_token = None
    row.claimed_until = None  # free: poll_due_requests asks again when it is due
    row.last_activity_at = now
    return True


def wait_expired_text(row: TransferRequest):
    """Why a wait that reached its limit ended the request."""
    return texts.WAIT_EXPIRED(
        reason=row.wait_reason or WaitReason.NOT_AVAILABLE, days=settings.OSO_WAIT_MAX_DAYS
    )


def waiting_remarks_at(next_at: datetime) -> Case:
    """For an UPDATE that moves waiting rows' next question to ``next_at`` (the notification
    fallback): each row's remark says its own wait and that moment. One expression."""
    moment = next_at.replace(microsecond=0).isoformat()
    return Case(
        *(
            When(
                wait_reason=reason,
                then=Value(
                    messages_to_json([texts.WAITING(reason=reason, next_at=moment)]),
                    output_field=JSONField(),
                ),
            )
            for reason in WaitReason.values
        ),
        default=F("remarks"),
        output_field=JSONField(),
    )
