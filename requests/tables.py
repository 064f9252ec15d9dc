"""The table of the requests overview (*Overstapdossier opvragen*)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string

from common import page_text as text
from requests.models import TransferRequest
from students.tables import SelectColumn


class TransferRequestTable(tables.Table):
    select = SelectColumn(
        name="request_ids",
        row_label=lambda r: f"{r.student.student_number} {r.student.full_name}",
    )
    status = tables.Column(verbose_name=text.STATUS)
    last_activity_at = tables.DateTimeColumn(verbose_name=text.LAST_ACTIVITY, format="d-m-Y H:i")
    created_at = tables.DateColumn(verbose_name=text.REQUESTED_ON, format="d-m-Y")
    student_number = tables.Column(
        verbose_name=text.STUDENT_NUMBER,
        accessor="student__student_number",
        order_by=("student__student_number",),
        linkify=("students:detail", {"student_number": tables.A("student__student_number")}),
    )
    given_name = tables.Column(
        verbose_name=text.GIVEN_NAME,
        accessor="student__given_name",
        order_by=("student__given_name",),
    )
    prefix = tables.Column(verbose_name=text.PREFIX, accessor="student__prefix", orderable=False)
    surname = tables.Column(
        verbose_name=text.SURNAME, accessor="student__surname", order_by=("student__surname",)
    )
    remarks = tables.Column(verbose_name=text.REMARKS, orderable=False, empty_values=())

    class Meta:
        model = TransferRequest
        fields = ()
        sequence = (
            "select",
            "status",
            "last_activity_at",
            "created_at",
            "student_number",
            "given_name",
            "prefix",
            "surname",
            "remarks",
        )
        template_name = "tables/table.html"
        attrs = {"class": "data-table", "id": "request-table"}
        empty_text = text.NO_REQUESTS
        order_by = ("-last_activity_at",)

    def render_status(self, record):
        return render_to_string("includes/request_status.html", {"request": record})

    def render_remarks(self, record):
        return render_to_string("includes/request_remarks.html", {"request": record})
