"""Reads of the audit trail."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEntry


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_search(
    *,
    query: str = "",
    action: str = "",
    actor: str = "",
    student_number: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries matching every given criterion, newest first.

    ``query`` looks for a part of the actor, the student number or the summary;
    ``actor`` and ``student_number`` match exactly; the dates are whole days in
    the portal's time zone, both inclusive.
    """
    entries = AuditEntry.objects.all()
    if query := query.strip():
        entries = entries.filter(
            Q(summary__icontains=query)
            | Q(student_number__icontains=query)
            | Q(actor__icontains=query)
        )
    if action:
        entries = entries.filter(action=action)
    if actor := actor.strip():
        entries = entries.filter(actor=actor)
    if student_number := student_number.strip():
        entries = entries.filter(student_number=student_number)
    if date_from:
        entries = entries.filter(at__gte=_start_of_day(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of_day(date_to + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")
