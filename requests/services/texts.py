"""The pipeline's own failure reasons, as codes (portal_text)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal_text import date_param, define, render

NOT_PREPARED = define(
    "request.not_prepared",
    gettext_noop("The request could not be prepared: %(reason)s"),
    formats={"reason": render},
)
REFUSED = define("request.refused", gettext_noop("The endpoint refused the request."))
NO_ANSWER = define(
    "request.no_answer", gettext_noop("The endpoint gave no answer for this request.")
)
EMPTY_FILE = define("request.empty_file", gettext_noop("The endpoint sent an empty file."))
GIVEN_UP = define(
    "request.given_up",
    gettext_noop("Given up after %(attempts)d attempts: %(reason)s"),
    formats={"reason": render},
)
NOT_SIGNED_UP = define(
    "request.not_signed_up",
    gettext_noop("Not sent: the pupil is not signed up in a signup group."),
)
STOPPED_WITHDRAWN = define(
    "request.stopped_withdrawn",
    gettext_noop("Stopped: ELK withdrew the placement. The pupil stays in the portal."),
)


def _wait_reason(value: object) -> str:
    from requests.models import WaitReason

    try:
        return str(WaitReason(str(value)).label)
    except ValueError:
        return str(WaitReason.NOT_AVAILABLE.label)


def _moment(value: object) -> tuple[str, str]:
    """An ISO moment as the active language writes its day, and its local time."""
    from datetime import datetime

    from django.utils import timezone

    moment = timezone.localtime(datetime.fromisoformat(str(value)))
    return date_param(moment.date().isoformat()), moment.strftime("%H:%M")


def _waiting(params) -> str:
    reason = _wait_reason(params.get("reason"))
    if not params.get("next_at"):
        return f"{reason}."
    day, time = _moment(params["next_at"])
    return _("%(reason)s. Asked again on %(day)s at %(time)s.") % {
        "reason": reason,
        "day": day,
        "time": time,
    }


def _wait_expired(params) -> str:
    reason = _wait_reason(params.get("reason"))
    return _("Stopped after %(days)d days of waiting: %(reason)s. Try again later.") % {
        "days": int(params.get("days") or 0),
        "reason": reason[:1].lower() + reason[1:],
    }


# While *Wacht op basisschool*: which wait it is (the chain's result code) and when the
# endpoint is asked again. ``next_at`` is an ISO moment (the stored dates keep only the day).
WAITING = define("request.waiting", renderer=_waiting)
WAIT_EXPIRED = define("request.wait_expired", renderer=_wait_expired)
