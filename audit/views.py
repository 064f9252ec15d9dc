"""Staff pages of the audit app: search and export the log, and reveal one BSN.

Every view needs a logged-in user with ``students.use_portal`` (the Toelating
group) plus its own permission; anonymous users are sent to the login page and
logged-in users without the permissions get 403, before anything else happens.
"""

from __future__ import annotations

import csv
import json

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from audit.forms import AuditSearchForm
from audit.models import AuditAction, AuditEntry
from audit.selectors import audit_search
from audit.services import actor_for, audit_record
from audit.tables import AuditEntryTable
from common.exports import spreadsheet_safe

PORTAL_PERMISSION = "students.use_portal"
VIEW_AUDIT_PERMISSION = "audit.view_auditentry"
AUDIT_PAGE_SIZE = 50


class _AuditAccessMixin(PermissionRequiredMixin):
    permission_required = (PORTAL_PERMISSION, VIEW_AUDIT_PERMISSION)


def _search_form(request) -> AuditSearchForm:
    return AuditSearchForm(request.GET or None)


def _entries_for(form: AuditSearchForm):
    if form.is_bound and form.is_valid():
        return audit_search(**form.search_arguments())
    if form.is_bound:
        return AuditEntry.objects.none()
    return audit_search()


class AuditLogView(_AuditAccessMixin, TemplateView):
    template_name = "audit/auditentry_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = _search_form(self.request)
        table = AuditEntryTable(_entries_for(form))
        RequestConfig(self.request, paginate={"per_page": AUDIT_PAGE_SIZE}).configure(table)
        export_query = self.request.GET.copy()
        for key in ("page", "sort"):
            export_query.pop(key, None)
        context.update(
            form=form,
            table=table,
            export_query=export_query.urlencode(),
            nav="audit",
        )
        return context


class _Echo:
    """A write-only buffer: csv.writer hands each row to the streaming response."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    return spreadsheet_safe("" if value is None else str(value))


class AuditExportView(_AuditAccessMixin, View):
    """The current search as CSV. The export itself is written to the audit log."""

    def get(self, request, *args, **kwargs):
        form = _search_form(request)
        entries = _entries_for(form)
        filters = (
            {key: str(value) for key, value in form.search_arguments().items() if value}
            if form.is_bound and form.is_valid()
            else {}
        )
        audit_record(
            actor=actor_for(request.user),
            action=AuditAction.EXPORT_MADE,
            summary=f"audit log, {entries.count()} rows",
            details={"export": "audit_log", "format": "csv", "filters": filters},
        )
        writer = csv.writer(_Echo())
        header = [_("When"), _("Who"), _("Action"), _("Student number"), _("Summary"), _("Details")]
        tz = timezone.get_current_timezone()

        def rows():
            yield writer.writerow(header)
            for entry in entries.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        _cell(timezone.localtime(entry.at, tz).strftime("%Y-%m-%d %H:%M:%S")),
                        _cell(entry.actor),
                        _cell(entry.get_action_display()),
                        _cell(entry.student_number),
                        _cell(entry.summary),
                        _cell(json.dumps(entry.details, ensure_ascii=False, sort_keys=True)),
                    ]
                )

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="auditlog-{stamp}.csv"'
        response["Cache-Control"] = "no-store"
        return response
