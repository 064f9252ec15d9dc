"""Admin of the audit app: the audit log is read-only for everyone, superusers included."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AuditEntry, LoginFailure
from audit.summaries import summary_text


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    # The summary in the admin's language, as the audit page shows it; never the stored codes.
    list_display = ("at", "actor", "action", "student_number", "summary_in_language")
    list_filter = ("action",)
    search_fields = ("student_number", "actor", "summary")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    readonly_fields = (
        "at",
        "actor",
        "action",
        "student_id",
        "student_number",
        "summary_in_language",
        "details",
    )
    show_full_result_count = False

    @admin.display(description=AuditEntry._meta.get_field("summary").verbose_name)
    def summary_in_language(self, entry: AuditEntry) -> str:
        return summary_text(action=entry.action, details=entry.details, summary=entry.summary)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Recent failed logins. Deleting a user's rows lets a locked-out user in again."""

    list_display = ("at", "username", "client_address")
    search_fields = ("username", "client_address")
    ordering = ("-at",)
    readonly_fields = ("at", "username", "client_address")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
