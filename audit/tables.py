"""The audit log table on the staff page."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.summaries import actor_label, summary_text
from common.dates import DATE_CELL_ATTRS


class AuditEntryTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("When"), format="d-m-Y H:i:s", attrs=DATE_CELL_ATTRS)
    actor = tables.Column(verbose_name=_("Who"))
    action = tables.Column(verbose_name=_("Action"))
    student_number = tables.Column(verbose_name=_("Student number"), empty_values=())
    summary = tables.Column(verbose_name=_("Summary"), orderable=False, empty_values=())

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "action", "student_number", "summary")
        order_by = ("-at",)
        # The portal's table template (templates/tables/table.html): accessible sort headers.
        template_name = "tables/table.html"
        attrs = {"class": "data-table", "id": "audit-table"}
        empty_text = _("No audit entries match.")

    def render_actor(self, value: str) -> str:
        return actor_label(value)

    def render_summary(self, record: AuditEntry) -> str:
        return summary_text(action=record.action, details=record.details, summary=record.summary)
