"""Template tags of the audit app.

``{% bsn_field student %}`` shows the masked BSN (or education number) and, for
users with ``students.reveal_bsn``, a button that posts to ``audit:reveal_bsn``
with htmx and swaps the full number in: one student at a time, on record.
"""

from __future__ import annotations

from django import template

from audit.services import REVEAL_BSN_PERMISSION
from audit.summaries import actor_label

register = template.Library()


@register.filter(name="actor_label")
def actor_label_filter(actor: str) -> str:
    """``{{ batch.created_by|actor_label }}``: a process (the ELK feed) by its name, not its id."""
    return actor_label(actor) if actor else actor


@register.inclusion_tag("audit/_bsn_field.html", takes_context=True)
def bsn_field(context, student):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "student": student,
        "masked": student.bsn_masked or student.education_number_masked,
        "can_reveal": bool(user and user.has_perm(REVEAL_BSN_PERMISSION)),
        "csrf_token": context.get("csrf_token"),
    }
