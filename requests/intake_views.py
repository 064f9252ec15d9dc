"""The signup pages: *Leerling aanmelden*, *Aanmeldingen inlezen* (preview, then import or
not), and *Aanmelding ongedaan maken*. Thin: the intake services of students/ sign pupils
up, ``signups_request_first`` gives each new signup its first request.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from common import page_text as text
from common.access import PortalAccessMixin
from requests.services.first_requests import FirstRequests, signups_request_first
from students.models import SignupImport, SignupImportStatus, SignupSource, mask_identifier
from students.services.signup_table import SignupTableError
from students.services.signups import (
    signup_import_undo,
    signup_list_preview,
    signup_preview_discard,
    signup_preview_import,
    signup_preview_load,
    signups_create,
)
from students.signup_forms import SignupForm, SignupImportForm, SignupUploadForm

# The imports listed under the upload form, newest first, for undo.
RECENT_IMPORTS = 10


def _after_requests(request, first: FirstRequests) -> HttpResponseRedirect:
    """Say what happened to the first requests and go where they can be followed."""
    if first.batch is not None:
        count = first.batch.requests.count()
        messages.success(request, text.REQUESTS_SENT % {"count": count})
        query = urlencode({"batch": first.batch.pk})
        return HttpResponseRedirect(f"{reverse('oso_requests:overview')}?{query}")
    if first.added:
        messages.info(request, text.REQUESTS_READY % {"count": first.added})
    return redirect("oso_requests:overview")


class SignupCreateView(PortalAccessMixin, View):
    """*Leerling aanmelden*: one pupil, and the request for the first file."""

    template_name = "requests/signup_form.html"

    def get(self, request):
        return self.render(request, SignupForm(initial={"send_now": True}))

    def post(self, request):
        form = SignupForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        user = request.user.get_username()
        result = signups_create(
            signups=[form.signup],
            signup_group=form.chosen_group(),
            source=SignupSource.FORM,
            user=user,
        )
        if not result.student_ids:
            form.add_error(None, text.ALREADY_SIGNED_UP_ONE)
            return self.render(request, form)
        student = result.signup_import.students.get()
        messages.success(
            request,
            text.SIGNED_UP_ONE % {"name": student.full_name, "number": student.student_number},
        )
        first = signups_request_first(
            student_ids=result.student_ids, user=user, send_now=form.cleaned_data["send_now"]
        )
        messages.info(request, text.REQUEST_SENT if first.batch else text.REQUEST_READY)
        return redirect("students:detail", student_number=student.student_number)

    def render(self, request, form):
        return render(request, self.template_name, {"nav": "signup", "form": form})


class SignupUploadView(PortalAccessMixin, View):
    """*Aanmeldingen inlezen*: upload a signup list; the preview comes next."""

    template_name = "requests/signup_upload.html"

    def get(self, request):
        return self.render(request, SignupUploadForm())

    def post(self, request):
        form = SignupUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form)
        upload = form.cleaned_data["file"]
        try:
            preview = signup_list_preview(
                raw=upload.read(), file_name=upload.name, user=request.user.get_username()
            )
        except SignupTableError as error:
            form.add_error("file", error.message)
            return self.render(request, form)
        return redirect("signups:preview", signup_import_id=preview.signup_import.pk)

    def render(self, request, form):
        imports = (
            SignupImport.objects.exclude(
                status__in=(SignupImportStatus.PREVIEW, SignupImportStatus.DISCARDED)
            )
            .select_related("signup_group")
            .order_by("-created_at", "-id")[:RECENT_IMPORTS]
        )
        return render(
            request,
            self.template_name,
            {"nav": "signups", "form": form, "imports": imports, "undone": SignupImportStatus},
        )


class SignupPreviewView(PortalAccessMixin, View):
    """The preview: one line per refused row; then import the valid rows, or none."""

    template_name = "requests/signup_preview.html"

    def get(self, request, signup_import_id: int):
        return self._show(request, signup_import_id, SignupImportForm(initial={"send_now": True}))

    def post(self, request, signup_import_id: int):
        if request.POST.get("action") == "discard":
            if signup_preview_discard(signup_import_id=signup_import_id):
                messages.info(request, text.NOTHING_IMPORTED)
            else:
                messages.warning(request, text.PREVIEW_GONE)
            return redirect("signups:upload")
        form = SignupImportForm(request.POST)
        if not form.is_valid():
            return self._show(request, signup_import_id, form)
        user = request.user.get_username()
        try:
            result = signup_preview_import(
                signup_import_id=signup_import_id, signup_group=form.chosen_group(), user=user
            )
        except SignupImport.DoesNotExist:
            messages.warning(request, text.PREVIEW_GONE)
            return redirect("signups:upload")
        except SignupTableError as error:
            messages.error(request, error.message)
            return redirect("signups:upload")
        done = result.signup_import
        messages.success(
            request,
            text.IMPORTED
            % {
                "signed_up": done.signed_up,
                "already": done.already_signed_up,
                "errors": done.refused,
            },
        )
        first = signups_request_first(
            student_ids=result.student_ids, user=user, send_now=form.cleaned_data["send_now"]
        )
        return _after_requests(request, first)

    def _show(self, request, signup_import_id: int, form):
        try:
            preview = signup_preview_load(signup_import_id=signup_import_id)
        except SignupImport.DoesNotExist:
            messages.warning(request, text.PREVIEW_GONE)
            return redirect("signups:upload")
        except SignupTableError as error:
            messages.error(request, error.message)
            return redirect("signups:upload")
        rows = [
            {
                "line": line,
                "identifier": mask_identifier(signup.bsn or signup.education_number),
                "signup": signup,
            }
            for line, signup in preview.check.valid
        ]
        return render(
            request,
            self.template_name,
            {
                "nav": "signups",
                "form": form,
                "preview": preview,
                "upload": preview.signup_import,
                "rows": rows,
                "refused": sorted(preview.check.refused, key=lambda row: row.line),
                "already": preview.check.already,
            },
        )


class SignupUndoView(PortalAccessMixin, View):
    """*Aanmelding ongedaan maken*: remove one import's signups that have no file yet."""

    def post(self, request, signup_import_id: int):
        try:
            count = signup_import_undo(
                signup_import_id=signup_import_id, user=request.user.get_username()
            )
        except SignupImport.DoesNotExist:
            messages.warning(request, text.UNDO_GONE)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text.UNDONE % {"count": count})
        return redirect("signups:upload")
