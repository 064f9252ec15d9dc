"""The Dutch-facing texts of the retention purge.

``students/services/retention.py`` and the ``purge_students`` command use these.
They live here, in the audit app's catalog (audit/locale), because retention is
part of the privacy work of this app and each area keeps its own catalog.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

NO_SIGNUP_GROUPS = _("There are no signup groups in school year %(school_year)s.")
STUDENT_REMOVED = _("%(student_number)s: removed")
STUDENT_WOULD_BE_REMOVED = _("%(student_number)s: would be removed")
HELP_SCHOOL_YEAR = _("The school year (YYYY-YYYY) whose signup groups are purged.")
HELP_NOT_PLACED = _("Only students without an ELK placement status.")
HELP_DRY_RUN = _("Only show what would be removed; change nothing.")
HELP_USER = _("The name written to the audit log (default: system).")


def dossiers_line(count: int, *, received_until: date, dry_run: bool) -> str:
    """How many dossiers without a student went (or would go), received up to which day."""
    if dry_run:
        text = ngettext(
            "%(count)d dossier without a student (received up to and including %(date)s) "
            "would be removed.",
            "%(count)d dossiers without a student (received up to and including %(date)s) "
            "would be removed.",
            count,
        )
    else:
        text = ngettext(
            "%(count)d dossier without a student (received up to and including %(date)s) removed.",
            "%(count)d dossiers without a student (received up to and including %(date)s) removed.",
            count,
        )
    return text % {"count": count, "date": received_until.strftime("%d-%m-%Y")}


def total_line(count: int, *, dry_run: bool) -> str:
    if dry_run:
        text = ngettext(
            "Total: %(count)d student would be removed (dry run: nothing was changed).",
            "Total: %(count)d students would be removed (dry run: nothing was changed).",
            count,
        )
    else:
        text = ngettext(
            "Total: %(count)d student removed.",
            "Total: %(count)d students removed.",
            count,
        )
    return text % {"count": count}
