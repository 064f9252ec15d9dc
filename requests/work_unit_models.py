"""The fields every unit of background work beside the requests carries (a sign-off, a
notification registration): how often it was tried, when next, who holds it until when, and
the last failure. The services that claim, answer and sweep them: requests/services/work_units.py.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkUnit(models.Model):
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # As on TransferRequest: a claim (token and lease) or, without a token, a reservation.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A short English tag of the last failure (refusal code, timeout, http_503...): no BSN.
    failure_code = models.CharField(_("error"), max_length=50, blank=True, default="")

    class Meta:
        abstract = True
