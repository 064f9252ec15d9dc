"""Revealing one pupil's full BSN: a students page's action, recorded by the audit log."""

from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.views import View

from audit.services import REVEAL_BSN_PERMISSION, bsn_reveal
from students.models import Student

PORTAL_PERMISSION = "students.use_portal"


class BsnRevealView(PermissionRequiredMixin, View):
    """POST only: one student's full BSN as a small HTML fragment (for an htmx swap).

    The number never appears in a URL, and the response is never cached.
    """

    permission_required = (PORTAL_PERMISSION, REVEAL_BSN_PERMISSION)
    http_method_names = ["post"]

    def post(self, request, pk: int, *args, **kwargs):
        student = get_object_or_404(Student, pk=pk)
        number = bsn_reveal(student=student, user=request.user)
        response = render(
            request,
            "audit/_bsn_revealed.html",
            {
                "student": student,
                "number": number,
                "is_bsn": bool(student.bsn),
            },
        )
        response["Cache-Control"] = "no-store"
        return response
