"""The result table of *Leerlingen zoeken*."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import quote

import django_tables2 as tables
from django.db import models
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import dateformat, timezone, translation
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from common import page_text as text
from common.dates import DATE_CELL_ATTRS
from students.models import ElkDot, ElkStatus, Student

EMPTY = "—"  # django-tables2's default for an empty cell


class RowsInPython:
    """A table whose body rows are rendered in Python, not cell by cell by django-tables2.

    django-tables2 renders each cell through its bound row and column objects (an
    ``inspect.signature`` per cell, a template compiled per date cell): for a page of 50
    rows that was most of the page's time (BENCHMARKS.md, pages). A table with this mixin
    names one ``cell_<column>(record) -> str`` (HTML) per column; ``tables/table.html``
    renders ``body_html`` instead of the cell loop. Headers, ordering and pagination stay
    django-tables2's. ``tests/test_table_rows.py`` holds each cell to what django-tables2
    itself renders.
    """

    rows_in_python = True

    def page_text(self, lazy: object) -> str:
        """A lazy translation as str, resolved once for the page."""
        cache = self.__dict__.setdefault("_page_text", {})
        if id(lazy) not in cache:
            cache[id(lazy)] = str(lazy)
        return cache[id(lazy)]

    def choice_label(self, choices: type[models.TextChoices], value: str) -> str:
        """The label of a choice, resolved once for the page (its labels are lazy)."""
        labels = self.__dict__.setdefault("_choice_labels", {})
        if choices not in labels:
            labels[choices] = {key: str(label) for key, label in choices.choices}
        return labels[choices].get(value, value)

    def body_html(self) -> SafeString:
        columns = list(self.columns)  # type: ignore[attr-defined]
        cells: list[tuple[str, Callable[[object], str]]] = [
            (column.attrs["td"].as_html(), getattr(self, f"cell_{column.name}"))
            for column in columns
        ]
        rows = []
        for row in self.paginated_rows:  # type: ignore[attr-defined]
            record = row.record
            tds = "".join(f"<td {attrs}>{cell(record)}</td>" for attrs, cell in cells)
            rows.append(f"<tr {row.attrs.as_html()}>{tds}</tr>")
        if not rows and self.empty_text:  # type: ignore[attr-defined]
            empty = conditional_escape(self.empty_text)  # type: ignore[attr-defined]
            rows.append(f'<tr><td colspan="{len(columns)}">{empty}</td></tr>')
        tbody = self.attrs.get("tbody", {})  # type: ignore[attr-defined]
        attrs = tables.utils.AttributeDict(tbody).as_html()
        return mark_safe(f"<tbody {attrs}>{''.join(rows)}</tbody>")  # noqa: S308 (escaped)


def text_cell(value: str | None) -> str:
    """A plain value as django-tables2 shows it: escaped, or the dash when empty."""
    if value is None or value == "":
        return EMPTY
    return str(conditional_escape(value))


# The formats the tables use, as strftime: Django's dateformat is ten times slower.
_STRFTIME = {"d-m-Y": "%d-%m-%Y", "d-m-Y H:i": "%d-%m-%Y %H:%M"}


def date_cell(value: date | datetime | None, fmt: str) -> str:
    """What ``{{ value|date:fmt }}`` (django-tables2's date columns) gives, without a template."""
    if value is None:
        return EMPTY
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if fmt in _STRFTIME:
        return value.strftime(_STRFTIME[fmt])
    return str(conditional_escape(dateformat.format(value, fmt)))


def student_link_cell(student_number: str) -> str:
    # reverse() costs more than the rest of the row: build the URL from one reversed once.
    url = _student_url_prefix(get_script_prefix()) + quote(student_number, safe=_PATH_SAFE) + "/"
    return f'<a href="{escape(url)}">{escape(student_number)}</a>'


# What reverse() leaves unquoted in a path argument (django.urls.resolvers).
_PATH_SAFE = "/~:@!$&'()*+,;="


@functools.lru_cache(maxsize=8)
def _student_url_prefix(script_prefix: str) -> str:
    marker = "0"
    url = reverse("students:detail", kwargs={"student_number": marker})
    return url[: -len(marker) - 1]


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


def elk_cell(student: Student, labels: ElkLabels) -> str:
    """includes/elk_status.html in Python, for the search table's 50 rows a page."""
    parts = ['<span class="elk">']
    if student.elk_status:
        status = escape(labels.statuses.get(student.elk_status, student.elk_status))
        when = ""
        if student.elk_status_date:
            when = f' <span class="muted">{date_cell(student.elk_status_date, "d-m-Y")}</span>'
        parts.append(f'<span class="elk__status">{status}{when}</span>')
    dot = labels.dots.get(student.elk_dot)
    if dot:
        parts.append(dot)
    elif not student.elk_status:
        parts.append(f'<span class="muted">{EMPTY}</span>')
    parts.append("</span>")
    return "".join(parts)


class ElkLabels:
    """The ELK texts of one page, translated once (lazy translations cost a lookup each)."""

    def __init__(self) -> None:
        self.statuses = {value: str(label) for value, label in ElkStatus.choices}
        self.dots: dict[str, str] = {
            dot: str(
                format_html(
                    '<span class="dot dot--{}" title="{}"><span class="dot__mark" '
                    'aria-hidden="true"></span>{}</span>',
                    dot,
                    title,
                    gettext(dot),
                )
            )
            for dot, title in (
                (ElkDot.GREEN, text.DOT_GREEN_TEXT),
                (ElkDot.BLUE, text.DOT_BLUE_TEXT),
            )
        }


def select_cell(*, name: str, value: object, label: str, template: str) -> str:
    """SelectColumn's row checkbox, attribute for attribute; ``template`` is SELECT_ROW as str."""
    aria = escape(template % {"name": label})
    return (
        f'<input type="checkbox" name="{name}" value="{escape(value)}" '
        f'data-select-row="{name}" aria-label="{aria}" />'
    )


@functools.cache
def _pupil_state_in(language: str | None) -> str:
    return render_to_string("includes/pupil_state.html").rstrip("\n")


def pupil_state_cell() -> str:
    """includes/pupil_state.html, rendered once per language: a pupil without a file yet."""
    return _pupil_state_in(translation.get_language())


class StudentTable(RowsInPython, tables.Table):
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
    birth_date = tables.DateColumn(
        verbose_name=text.BIRTH_DATE, format="d-m-Y", attrs=DATE_CELL_ATTRS
    )
    sex = tables.Column(verbose_name=text.SEX)
    # The pupil state ("Signed up, no file yet") shows with the group: it is about the signup.
    signup_group = tables.Column(
        verbose_name=text.GROUP,
        accessor="signup_group__name",
        order_by=("signup_group__name",),
        empty_values=(),
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

    def render_signup_group(self, value, record):
        return render_to_string(
            "includes/signup_group_cell.html",
            {"group": value, "has_file": getattr(record, "has_file", True)},
        )

    def render_elk_status(self, record):
        return render_elk(record)

    # --- The body rows in Python (RowsInPython) ---------------------------------------
    def cell_select(self, student: Student) -> str:
        label = f"{student.student_number} {student.full_name}"
        template = self.page_text(text.SELECT_ROW)
        return select_cell(name="student_ids", value=student.pk, label=label, template=template)

    def cell_student_number(self, student: Student) -> str:
        return student_link_cell(student.student_number)

    def cell_given_name(self, student: Student) -> str:
        return text_cell(student.given_name)

    def cell_prefix(self, student: Student) -> str:
        return text_cell(student.prefix)

    def cell_surname(self, student: Student) -> str:
        return text_cell(student.surname)

    def cell_birth_date(self, student: Student) -> str:
        return date_cell(student.birth_date, "d-m-Y")

    def cell_sex(self, student: Student) -> str:
        # The labels are lazy translations: render each kind once a page, not once a row.
        if not hasattr(self, "_sex_cells"):
            self._sex_cells: dict[str, str] = {}
        if student.sex not in self._sex_cells:
            self._sex_cells[student.sex] = str(self.render_sex(None, student))
        return self._sex_cells[student.sex]

    def cell_signup_group(self, student: Student) -> str:
        group = student.signup_group
        # As includes/signup_group_cell.html renders it, without a template per row.
        cell = text_cell(group.name) if group else '<span class="muted">—</span>'
        if getattr(student, "has_file", True):
            return cell
        return f"{cell} {pupil_state_cell()}"

    def cell_primary_school(self, student: Student) -> str:
        school = student.primary_school
        return text_cell(school.name if school else None)

    def cell_elk_status(self, student: Student) -> str:
        if not hasattr(self, "_elk_labels"):
            self._elk_labels = ElkLabels()
        return elk_cell(student, self._elk_labels)
