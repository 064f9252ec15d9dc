"""OSO transfer-file requests: one row per student per request, grouped in batches.

Each row carries its own explicit status so that workers can claim it with a
conditional UPDATE, and a redelivered task finds nothing left to do.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal_text import Message, legacy, render, render_all
from students.models import ReceivedDossier, SignupGroup, Student, changed_fields_text


class RequestStatus(models.TextChoices):
    READY = "ready", _("Ready to request")
    REQUESTED = "requested", _("Requested")
    WAITING = "waiting", _("Waiting for primary school")
    PROCESSED = "processed", _("Processed")
    PROCESSED_WITH_REMARKS = "processed_with_remarks", _("Processed with remarks")
    NOT_CHANGED = "not_changed", _("Student info not changed")
    FAILED = "failed", _("Failed")


# DOMAIN.md: a request is open while ready, requested or waiting; the rest are final.
OPEN_STATUSES: tuple[str, ...] = (
    RequestStatus.READY,
    RequestStatus.REQUESTED,
    RequestStatus.WAITING,
)
FINAL_STATUSES: tuple[str, ...] = (
    RequestStatus.PROCESSED,
    RequestStatus.PROCESSED_WITH_REMARKS,
    RequestStatus.NOT_CHANGED,
    RequestStatus.FAILED,
)


class WaitReason(models.TextChoices):
    """Why a request waits for the primary school (the chain's result code in brackets)."""

    # LeerlinginfoNietBeschikbaar
    NOT_AVAILABLE = "not_available", _("The primary school has not released a file yet")
    # LeerlinginfoNietOpvraagbaar
    NOT_INSPECTED = "not_inspected", _("The parents have not seen the file yet")


class RequestMode(models.TextChoices):
    CURRENT = "current", _("Current")
    CHANGES_SINCE = "changes_since", _("Changes since")


class RequestBatch(models.Model):
    """One send action: the requests that staff sent together."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True, default="")
    mode = models.CharField(
        _("mode"), max_length=20, choices=RequestMode.choices, default=RequestMode.CURRENT
    )
    # With mode changes_since: None means each student's own last dossier date.
    changed_since = models.DateField(_("changes since"), null=True, blank=True)
    signup_group = models.ForeignKey(
        SignupGroup,
        verbose_name=_("signup group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set once every request of the batch has been handed to the endpoint.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("request batch")
        verbose_name_plural = _("request batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        # Local time, day first: staff read this in the admin.
        return f"#{self.pk} {timezone.localtime(self.created_at):%d-%m-%Y %H:%M}"


class TransferRequest(models.Model):
    # Our request id at the endpoint (its idempotency key). Never the integer pk:
    # the endpoint remembers ids, and a new database restarts its sequences.
    public_id = models.UUIDField(_("request id"), default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="transfer_requests",
    )
    batch = models.ForeignKey(
        RequestBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RequestStatus.choices,
        default=RequestStatus.READY,
        db_index=True,
    )
    mode = models.CharField(
        _("mode"), max_length=20, choices=RequestMode.choices, default=RequestMode.CURRENT
    )
    changed_since = models.DateField(_("changes since"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True, default="")
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # A worker that claims the row sets this; a sweeper frees rows whose claim went stale.
    # With claim_token empty it is a reservation: a task for the row is queued and
    # nobody else should queue one before then.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    # How often the endpoint was asked for the result (the poll backoff grows with it).
    polls = models.PositiveIntegerField(_("result polls"), default=0)
    # How often the request was handed to the endpoint again because the endpoint had
    # lost it (a restart, a lost session): bounded by OSO_REQUEST_MAX_RESUBMITS.
    resubmits = models.PositiveIntegerField(_("resubmits"), default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The session the chain opened for this transfer when it took the request ("" before,
    # or when the endpoint gave none): a finished request with one is signed off.
    session_id = models.CharField(_("session"), max_length=100, blank=True, default="")
    # While waiting for the primary school: which wait, and since when (the wait has an end,
    # OSO_WAIT_MAX_DAYS after it began).
    wait_reason = models.CharField(
        _("waiting because"), max_length=20, choices=WaitReason.choices, blank=True, default=""
    )
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # Why it failed, or the last transient error while it waits for a retry:
    # {"code": ..., "params": {...}} (portal_text), rendered by ``error``. Null: none.
    failure = models.JSONField(_("error"), null=True, blank=True, default=None)
    # [{"code": ..., "params": {...}}], as the merge stored them on the dossier.
    remarks = models.JSONField(_("remarks"), default=list, blank=True)
    # The ChangedField keys the file applied changed (information, not a remark).
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)
    dossier = models.ForeignKey(
        ReceivedDossier,
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transfer_requests",
    )

    class Meta:
        verbose_name = _("transfer file request")
        verbose_name_plural = _("transfer file requests")
        ordering = ["-last_activity_at", "-id"]
        constraints = [
            # At most one open request per student: a double click adds nothing.
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(status__in=["ready", "requested", "waiting"]),
                name="transferrequest_one_open_per_student",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="request_due")]

    def __str__(self) -> str:
        return f"{self.student.student_number} {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def error(self) -> str:
        """The failure reason in the active language ("" when there is none)."""
        return render(self.failure)

    @error.setter
    def error(self, value: Message | str | None) -> None:
        # A plain text (typed in a test or an old caller) is kept as it is written.
        if isinstance(value, Message):
            self.failure = value.as_json()
        else:
            self.failure = legacy(value).as_json() if value else None

    @property
    def remark_texts(self) -> list[str]:
        return render_all(self.remarks)

    @property
    def changed_fields_text(self) -> str:
        return changed_fields_text(self.changed_fields)


class ElkFeedRead(models.Model):
    """One read of the ELK feed: where the next read continues, and what it found."""

    read_at = models.DateTimeField(_("read at"), auto_now_add=True)
    # The feed's own "as of" moment (the endpoint's clock); the next read asks since then.
    as_of = models.DateTimeField(_("feed as of"), null=True, blank=True)
    placements = models.PositiveIntegerField(_("placements"), default=0)
    changed = models.PositiveIntegerField(_("changed pupils"), default=0)
    blue_dots = models.PositiveIntegerField(_("blue dots"), default=0)
    requests_sent = models.PositiveIntegerField(_("requests sent"), default=0)
    error = models.TextField(_("error"), blank=True, default="")

    class Meta:
        verbose_name = _("ELK feed read")
        verbose_name_plural = _("ELK feed reads")
        ordering = ["-read_at", "-id"]

    def __str__(self) -> str:
        return f"{self.read_at:%Y-%m-%d %H:%M:%S}"


class InstalledOsoVersion(models.Model):
    """An OSO gegevensset version that staff installed (the built-in 2019.1 is not a row).

    The files live under ``settings.OSO_VERSIONS_DIR/<version>/`` with a manifest
    that every process reads at start-up; this row records who added it and when.
    """

    version = models.CharField(_("version"), max_length=20, unique=True)
    namespace = models.CharField(_("namespace"), max_length=255, unique=True)
    xsd_file = models.CharField(_("XSD"), max_length=255)
    stylesheet_file = models.CharField(_("validation stylesheet"), max_length=255)
    installed_at = models.DateTimeField(_("installed at"), auto_now_add=True)
    installed_by = models.CharField(_("installed by"), max_length=150, blank=True, default="")

    class Meta:
        verbose_name = _("OSO version")
        verbose_name_plural = _("OSO versions")
        ordering = ["version"]

    def __str__(self) -> str:
        return f"OSO {self.version}"


# Registered here so that Django finds them with the app's models.
from requests.notification_models import (  # noqa: E402, F401
    NotificationDelivery,
    NotificationRegistration,
    NotificationStatus,
)
from requests.signoff_models import RequestSignoff, SignoffStatus  # noqa: E402, F401
