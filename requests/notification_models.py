"""Notifications from the chain: one registration per waiting request, one row per callback.

Imported at the end of ``requests/models.py`` so that Django registers these models with the
app. A registration is a unit of work like a request: an explicit status, claimed with a
conditional UPDATE and a lease before the endpoint is called (requests/services/notifications.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from requests.work_unit_models import WorkUnit


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("To register")  # a task registers it at the endpoint
    REGISTERED = "registered", _("Registered")  # the endpoint calls back on release
    NOTIFIED = "notified", _("Notified")  # the callback came; the file is fetched
    FAILED = "failed", _("Failed")  # the endpoint refused it, or we gave up: polling only


class NotificationRegistration(WorkUnit):
    request = models.OneToOneField(
        "oso_requests.TransferRequest",
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="notification",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification registration")
        verbose_name_plural = _("notification registrations")
        indexes = [
            models.Index(fields=["status", "claimed_until"], name="notification_due"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.get_status_display()}"


class NotificationDelivery(models.Model):
    """A callback the portal accepted: its delivery id is unique, so a replay is refused."""

    delivery_id = models.CharField(_("delivery id"), max_length=64, unique=True)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    request_count = models.PositiveIntegerField(_("requests"), default=0)
    fetched_count = models.PositiveIntegerField(_("fetched"), default=0)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.delivery_id
