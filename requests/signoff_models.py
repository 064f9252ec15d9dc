"""Sign-offs: one row per transfer the chain took, signed off once with its best result.

Imported at the end of ``requests/models.py`` so that Django registers the model with the app.
A sign-off is a unit of work like a request: an explicit status, claimed with a conditional
UPDATE and a lease before the endpoint is called (requests/services/signoffs.py). The row is
keyed by the transfer's request id at the endpoint (``public_id``), not by the request row: a
retried request is a new transfer with a new id, and each transfer is signed off once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from requests.work_unit_models import WorkUnit


class SignoffStatus(models.TextChoices):
    PENDING = "pending", _("To sign off")  # a task signs it off at the endpoint
    DONE = "done", _("Signed off")
    REFUSED = "refused", _("Sign-off refused")  # the endpoint said no (it lost the session)
    FAILED = "failed", _("Sign-off failed")  # given up after transient failures


class RequestSignoff(WorkUnit):
    # SET_NULL: a request deleted before its sign-off went out is still signed off.
    request = models.ForeignKey(
        "oso_requests.TransferRequest",
        verbose_name=_("request"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="signoffs",
    )
    public_id = models.UUIDField(_("request id"), unique=True)
    session_id = models.CharField(_("session"), max_length=100)
    result = models.CharField(_("result"), max_length=20)  # requests.client.SignoffResult
    status = models.CharField(
        _("status"), max_length=20, choices=SignoffStatus.choices, default=SignoffStatus.PENDING
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        indexes = [models.Index(fields=["status", "claimed_until"], name="signoff_due")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.get_status_display()}"
