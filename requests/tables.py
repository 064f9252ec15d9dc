"""The table of the requests overview (*Overstapdossier opvragen*)."""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import format_html

from common import page_text as text
from common.dates import DATE_CELL_ATTRS
from requests.models import RequestMode, RequestStatus, TransferRequest
from students.tables import (
    RowsInPython,
    SelectColumn,
    date_cell,
    pupil_state_cell,
    select_cell,
    student_link_cell,
    text_cell,
)


class CountedPaginator(Paginator):
    """A paginator told its number of rows by a query the page runs anyway."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count


class TransferRequestTable(RowsInPython, tables.Table):
    select = SelectColumn(
        name="request_ids",
        row_label=lambda r: f"{r.student.student_number} {r.student.full_name}",
    )
    status = tables.Column(verbose_name=text.STATUS)
    last_activity_at = tables.DateTimeColumn(
        verbose_name=text.LAST_ACTIVITY, format="d-m-Y H:i", attrs=DATE_CELL_ATTRS
    )
    created_at = tables.DateColumn(
        verbose_name=text.REQUESTED_ON, format="d-m-Y", attrs=DATE_CELL_ATTRS
    )
    mode = tables.Column(verbose_name=text.MODE, orderable=False)
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
            "mode",
        )
        template_name = "tables/table.html"
        attrs = {"class": "data-table", "id": "request-table"}
        empty_text = text.NO_REQUESTS
        order_by = ("-last_activity_at",)

    def render_status(self, record):
        return render_to_string("includes/request_status.html", {"request": record})

    def render_mode(self, record):
        return render_to_string("includes/request_mode.html", {"request": record})

    def render_surname(self, value, record):
        # The pupil state, not a request status: a pupil signed up without a file yet.
        has_file = getattr(record, "student_has_file", True)
        return render_to_string(
            "includes/name_with_state.html", {"name": value, "has_file": has_file}
        )

    def render_remarks(self, record):
        return render_to_string("includes/request_remarks.html", {"request": record})

    # --- The body rows in Python (RowsInPython) ---------------------------------------
    # The rows checked before a refused action, so the selection survives the refusal.
    checked_ids: frozenset[int] = frozenset()

    def cell_select(self, request: TransferRequest) -> str:
        student = request.student
        label = f"{student.student_number} {student.full_name}"
        template = self.page_text(text.SELECT_ROW)
        cell = select_cell(name="request_ids", value=request.pk, label=label, template=template)
        if request.pk in self.checked_ids:
            cell = cell.replace(" />", " checked />")
        return cell

    def cell_status(self, request: TransferRequest) -> str:
        # includes/request_status.html, without a template per row.
        cell = str(
            format_html(
                '<span class="status status--{}">{}</span>',
                request.status,
                self.choice_label(RequestStatus, request.status),
            )
        )
        # When the pipeline asks the primary school again (its own schedule field); a wait
        # with a known reason says so in its remark already, with the same moment.
        waiting = request.status == RequestStatus.WAITING and not request.wait_reason
        if waiting and request.next_attempt_at:
            when = date_cell(request.next_attempt_at, "d-m-Y H:i")
            template = self.page_text(text.ASKED_AGAIN)
            cell += str(
                format_html(' <span class="next-ask muted">{}</span>', template % {"when": when})
            )
        return cell

    def cell_last_activity_at(self, request: TransferRequest) -> str:
        return date_cell(request.last_activity_at, "d-m-Y H:i")

    def cell_created_at(self, request: TransferRequest) -> str:
        return date_cell(request.created_at, "d-m-Y")

    def cell_mode(self, request: TransferRequest) -> str:
        # Actueel, or Mutaties vanaf with its date: with the history shown, two rows of one
        # pupil differ by this.
        cell = text_cell(self.choice_label(RequestMode, request.mode))
        if request.changed_since:
            cell += f' <span class="date">{date_cell(request.changed_since, "d-m-Y")}</span>'
        return cell

    def cell_student_number(self, request: TransferRequest) -> str:
        return student_link_cell(request.student.student_number)

    def cell_given_name(self, request: TransferRequest) -> str:
        return text_cell(request.student.given_name)

    def cell_prefix(self, request: TransferRequest) -> str:
        return text_cell(request.student.prefix)

    def cell_surname(self, request: TransferRequest) -> str:
        cell = text_cell(request.student.surname)
        if getattr(request, "student_has_file", True):
            return cell
        return f"{cell} {pupil_state_cell()}"

    def cell_remarks(self, request: TransferRequest) -> str:
        return self.render_remarks(request)
