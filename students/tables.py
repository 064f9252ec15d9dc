"""The result table of *Leerlingen zoeken*."""

from __future__ import annotations

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils.html import format_html

from common import page_text as text
from students.models import Student


class SelectColumn(tables.CheckBoxColumn):
    """A row checkbox with an accessible name, and a header checkbox for the page.

    static/js/portal.js wires the header checkbox (data-select-page) to the row
    checkboxes of the same table (data-select-row).
    """

    def __init__(self, *, name: str, row_label, **kwargs):
        attrs = {
            "th__input": {"data-select-page": name, "aria-label": text.SELECT_PAGE},
            "td__input": {
                "name": name,
                "data-select-row": name,
                "aria-label": lambda record: text.SELECT_ROW % {"name": row_label(record)},
            },
            "th": {"class": "col-select"},
            "td": {"class": "col-select"},
        }
        super().__init__(attrs=attrs, accessor="pk", verbose_name=text.SELECT, **kwargs)


def render_elk(record: Student) -> str:
    return render_to_string("includes/elk_status.html", {"student": record})


class StudentTable(tables.Table):
    select = SelectColumn(
        name="student_ids", row_label=lambda s: f"{s.student_number} {s.full_name}"
    )
    student_number = tables.Column(
        verbose_name=text.STUDENT_NUMBER_COLUMN,
        linkify=("students:detail", {"student_number": tables.A("student_number")}),
    )
    given_name = tables.Column(verbose_name=text.GIVEN_NAME)
    prefix = tables.Column(verbose_name=text.PREFIX)
    surname = tables.Column(verbose_name=text.SURNAME)
    birth_date = tables.DateColumn(verbose_name=text.BIRTH_DATE, format="d-m-Y")
    sex = tables.Column(verbose_name=text.SEX)
    signup_group = tables.Column(
        verbose_name=text.GROUP, accessor="signup_group__name", order_by=("signup_group__name",)
    )
    primary_school = tables.Column(
        verbose_name=text.PRIMARY_SCHOOL,
        accessor="primary_school__name",
        order_by=("primary_school__name",),
    )
    elk_status = tables.Column(
        verbose_name=text.ELK_STATUS, order_by=("elk_status", "elk_dot"), empty_values=()
    )

    class Meta:
        model = Student
        fields = ()
        sequence = (
            "select",
            "student_number",
            "given_name",
            "prefix",
            "surname",
            "birth_date",
            "sex",
            "signup_group",
            "primary_school",
            "elk_status",
        )
        template_name = "tables/table.html"
        attrs = {"class": "data-table", "id": "student-table"}
        empty_text = text.NO_STUDENTS_FOUND
        order_by = ("student_number",)

    def render_sex(self, value, record):
        short = text.SEX_SHORT.get(record.sex)
        if short is None:
            return "—"
        return format_html('<abbr title="{}">{}</abbr>', record.get_sex_display(), short)

    def render_elk_status(self, record):
        return render_elk(record)
