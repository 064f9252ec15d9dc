"""Admin for requests, batches and ELK feed reads: to look, and to act through the services.

The pipeline owns a request's state, so every field is read-only here; the actions
call the same services as the staff pages. The beat schedules are django-celery-beat's
own *Periodic tasks* (pause or retime them there; see common/schedules.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from oso_format.version_package import VersionPackageError
from requests.models import (
    ElkFeedRead,
    InstalledOsoVersion,
    NotificationDelivery,
    NotificationRegistration,
    RequestBatch,
    RequestMode,
    RequestSignoff,
    TransferRequest,
)
from requests.services import (
    transfer_requests_delete,
    transfer_requests_retry,
    transfer_requests_send,
)
from requests.services.oso_versions import oso_version_install


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class KeptRecordAdmin(ReadOnlyAdmin):
    """A record the background work relies on (a sign-off, a registration, a delivery seen):
    deleted by hand, a request could be registered again or a replayed callback accepted."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TransferRequest)
class TransferRequestAdmin(ReadOnlyAdmin):
    list_display = (
        "status",
        "last_activity_at",
        "created_at",
        "student_number",
        "student_name",
        "mode",
        "changed_since",
        "attempts",
        "next_attempt_at",
        "batch",
    )
    list_filter = ("status", "mode", "student__signup_group", "created_by")
    search_fields = ("student__student_number", "student__surname", "=public_id")
    list_select_related = ("student", "batch")
    date_hierarchy = "created_at"
    ordering = ("-last_activity_at", "-id")
    actions = ("send_current", "retry_failed", "delete_ready")
    readonly_fields = (
        "public_id",
        "student",
        "batch",
        "status",
        "mode",
        "changed_since",
        "created_at",
        "created_by",
        "last_activity_at",
        "sent_at",
        "attempts",
        "polls",
        "next_attempt_at",
        "claimed_until",
        "claim_token",
        "completed_at",
        "session_id",
        "wait_reason",
        "waiting_since",
        "error",
        "remark_list",
        "changed_fields_text",
        "dossier",
    )

    @admin.display(description=_("remarks"))
    def remark_list(self, obj: TransferRequest) -> str:
        return "\n".join(obj.remark_texts) or "-"

    @admin.display(description=_("changed fields"))
    def changed_fields_text(self, obj: TransferRequest) -> str:
        return obj.changed_fields_text or "-"

    @admin.display(description=_("student number"), ordering="student__student_number")
    def student_number(self, obj: TransferRequest) -> str:
        return obj.student.student_number

    @admin.display(description=_("name"), ordering="student__surname")
    def student_name(self, obj: TransferRequest) -> str:
        return obj.student.full_name

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting goes through the action, which removes ready requests only.
        return False

    def has_act_permission(self, request) -> bool:
        """The actions are what the portal's pages do: for those who may use the portal."""
        return request.user.has_perm("students.use_portal")

    @admin.action(description=_("Send (current file)"), permissions=["act"])
    def send_current(self, request, queryset) -> None:
        batch = transfer_requests_send(
            request_ids=list(queryset.values_list("id", flat=True)),
            mode=RequestMode.CURRENT,
            changed_since=None,
            user=request.user.get_username(),
        )
        count = batch.requests.count() if batch else 0
        self.message_user(
            request,
            ngettext("%(count)d request sent.", "%(count)d requests sent.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_("Retry failed requests"), permissions=["act"])
    def retry_failed(self, request, queryset) -> None:
        count = transfer_requests_retry(
            request_ids=list(queryset.values_list("id", flat=True)),
            user=request.user.get_username(),
        )
        self.message_user(
            request,
            ngettext("%(count)d request sent again.", "%(count)d requests sent again.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_("Delete ready requests"), permissions=["act"])
    def delete_ready(self, request, queryset) -> None:
        count = transfer_requests_delete(
            request_ids=list(queryset.values_list("id", flat=True)),
            user=request.user.get_username(),
        )
        self.message_user(
            request,
            ngettext("%(count)d request deleted.", "%(count)d requests deleted.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )


@admin.register(RequestBatch)
class RequestBatchAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "created_by",
        "mode",
        "changed_since",
        "signup_group",
        "request_count",
        "submitted_at",
        "finished_at",
    )
    list_filter = ("mode", "signup_group", "created_by")
    # The batch number as shown in messages and the audit log ("batch 12"), who
    # sent it, or the signup group it was for.
    search_fields = ("=id", "created_by", "signup_group__name")
    list_select_related = ("signup_group",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "created_by",
        "mode",
        "changed_since",
        "signup_group",
        "submitted_at",
        "finished_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(request_total=Count("requests"))

    @admin.display(description=_("requests"), ordering="request_total")
    def request_count(self, batch: RequestBatch) -> int:
        return batch.request_total  # type: ignore[attr-defined]  # annotated by get_queryset

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ElkFeedRead)
class ElkFeedReadAdmin(ReadOnlyAdmin):
    list_display = ("read_at", "as_of", "placements", "changed", "blue_dots", "requests_sent")
    list_filter = ("read_at",)
    search_fields = ("error",)
    readonly_fields = (
        "read_at",
        "as_of",
        "placements",
        "changed",
        "blue_dots",
        "requests_sent",
        "error",
    )


class OsoVersionUploadForm(forms.Form):
    package = forms.FileField(
        label=_("Version package (.zip)"),
        help_text=_(
            "The .zip that Edustandaard publishes for a gegevensset version: one "
            "OSO_gegevensset_<version>.xsd and ValideerOverstapprofielen.xsl with its includes."
        ),
    )


@admin.register(InstalledOsoVersion)
class InstalledOsoVersionAdmin(admin.ModelAdmin):
    """The installed versions; *Add* is an upload of the version's .zip (no shell needed)."""

    list_display = ("version", "namespace", "installed_at", "installed_by")
    fields = readonly_fields = (
        "version",
        "namespace",
        "xsd_file",
        "stylesheet_file",
        "installed_at",
        "installed_by",
    )
    add_form_template = "admin/oso_requests/installedosoversion/upload.html"

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Files of that version may be archived already: a version stays installed.
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OsoVersionUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            row = self._install(request, form.cleaned_data["package"], form)
            if row is not None:
                messages.success(
                    request,
                    _("Version %(version)s added: %(namespace)s")
                    % {"version": row.version, "namespace": row.namespace},
                )
                return redirect("admin:oso_requests_installedosoversion_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": _("Add an OSO version"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.add_form_template, context)

    def _install(self, request, upload, form):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "package.zip"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                return oso_version_install(source=path, installed_by=request.user.get_username())
            except VersionPackageError as error:
                form.add_error("package", error.message)
                return None


@admin.register(RequestSignoff)
class RequestSignoffAdmin(KeptRecordAdmin):
    """Which transfers were signed off at the chain, and how (requests/services/signoffs.py)."""

    list_display = ("public_id", "status", "result", "attempts", "signed_off_at", "failure_code")
    list_filter = ("status", "result")
    search_fields = ("=public_id", "=session_id")
    ordering = ("-id",)
    readonly_fields = (
        "request",
        "public_id",
        "session_id",
        "result",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "created_at",
        "signed_off_at",
        "failure_code",
    )


@admin.register(NotificationRegistration)
class NotificationRegistrationAdmin(KeptRecordAdmin):
    """Which waiting requests the chain will call back on (requests/services/notifications.py)."""

    list_display = ("request", "status", "attempts", "registered_at", "notified_at", "failure_code")
    list_filter = ("status",)
    search_fields = ("=request__public_id",)
    ordering = ("-id",)
    readonly_fields = (
        "request",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "created_at",
        "registered_at",
        "notified_at",
        "failure_code",
    )


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(KeptRecordAdmin):
    """The chain's callbacks the portal took (kept a while, so that a replay is refused)."""

    list_display = ("delivery_id", "received_at", "request_count", "fetched_count")
    search_fields = ("=delivery_id",)
    ordering = ("-received_at",)
    readonly_fields = ("delivery_id", "received_at", "request_count", "fetched_count")
