"""The audit trail (who did what, when, to which student) and failed-login counters.

Audit rows are written only through ``audit.services`` and are never changed or
deleted: the admin is read-only and triggers refuse UPDATE and DELETE, on
PostgreSQL and on SQLite (see ``audit/immutability.py``). That is why an entry
holds the student's id and student number as plain values and not a foreign key:
deleting a student must not touch (UPDATE) its audit rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    DOSSIER_IMPORTED = "dossier_imported", _("Dossier imported")
    CORRECTION_RECORDED = "correction_recorded", _("Correction recorded")
    CORRECTION_RELEASED = "correction_released", _("Correction released")
    REQUEST_ADDED = "request_added", _("Request added")
    REQUEST_SENT = "request_sent", _("Request sent")
    REQUEST_RETRIED = "request_retried", _("Request retried")
    REQUEST_DELETED = "request_deleted", _("Request deleted")
    # A request the worker ended without a file to merge (a refusal, an error,
    # "not changed since"); a merged file is on record as dossier_imported.
    REQUEST_FINISHED = "request_finished", _("Request finished")
    STUDENT_CHANGED = "student_changed", _("Student changed")
    SIGNUP_CREATED = "signup_created", _("Pupil signed up")
    SIGNUP_UNDONE = "signup_undone", _("Signup undone")
    STUDENT_MOVED = "student_moved", _("Student moved to another signup group")
    REQUEST_STOPPED = "request_stopped", _("Request stopped")
    STUDENT_DELETED = "student_deleted", _("Student deleted")
    STUDENT_PURGED = "student_purged", _("Student removed (retention period)")
    # A dossier that failed before it matched a student, removed by the purge.
    DOSSIER_PURGED = "dossier_purged", _("Dossier without a student removed (retention period)")
    BSN_REVEALED = "bsn_revealed", _("Citizen service number revealed")
    EXPORT_MADE = "export_made", _("Export made")
    LOGIN_BLOCKED = "login_blocked", _("Login blocked")


# The actor of work that no person started (Celery workers, beat, the ELK feed).
SYSTEM_ACTOR = "system"


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.CharField(_("who"), max_length=150, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    # Plain values, no foreign key: see the module docstring.
    student_id = models.BigIntegerField(_("student id"), null=True, blank=True, db_index=True)
    student_number = models.CharField(
        _("student number"), max_length=10, blank=True, default="", db_index=True
    )
    # Plain data (names of fields, counts, masked numbers); never a full BSN.
    summary = models.TextField(_("summary"), blank=True, default="")
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["action", "-at"], name="auditentry_action_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()}"


class LoginFailure(models.Model):
    """One failed login; the throttle counts recent rows per username and per address.

    A table instead of Django's cache so that every web process sees the same
    counts on SQLite and PostgreSQL without an extra set-up command. Rows older
    than the throttle window are deleted when a new failure is written, and a
    superuser can delete rows in the admin to let a locked-out user in again.
    """

    at = models.DateTimeField(_("when"), default=timezone.now)
    # Lower-cased, so that "Demo" and "demo" count together.
    username = models.CharField(_("username"), max_length=150)
    client_address = models.CharField(_("client address"), max_length=45)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["username", "at"], name="loginfailure_username_at"),
            models.Index(fields=["client_address", "at"], name="loginfailure_address_at"),
            models.Index(fields=["at"], name="loginfailure_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.client_address}"
