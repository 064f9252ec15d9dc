"""Export of the requests overview to CSV and Excel, BSN masked.

Rows are read with ``iterator()`` so that an export of 10,000 requests does
not hold every model instance at once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from common import page_text as text
from common.exports import spreadsheet_safe, xlsx_table
from common.security import redact_identifiers
from requests.models import TransferRequest

ITERATOR_CHUNK = 2000


def export_headers() -> list[str]:
    return [
        str(h)
        for h in (
            text.STATUS,
            text.LAST_ACTIVITY,
            text.REQUESTED_ON,
            text.STUDENT_NUMBER,
            text.GIVEN_NAME,
            text.PREFIX,
            text.SURNAME,
            text.BSN_OR_EDUCATION_NUMBER,
            text.SIGNUP_GROUP,
            text.REMARKS,
        )
    ]


def export_rows(queryset: QuerySet[TransferRequest]) -> Iterator[list]:
    """One list of plain values per request; identifiers masked."""
    rows = queryset.select_related("student__signup_group").iterator(chunk_size=ITERATOR_CHUNK)
    for request in rows:
        student = request.student
        remarks = [request.error] if request.error else []
        remarks.extend(request.remark_texts)
        # Errors and remarks are masked where they are made; this export is a default one,
        # so it masks again whatever an older row or a future message might hold.
        remarks = [redact_identifiers(remark) for remark in remarks]
        yield [
            request.get_status_display(),
            timezone.localtime(request.last_activity_at).replace(tzinfo=None),
            timezone.localtime(request.created_at).date(),
            student.student_number,
            student.given_name,
            student.prefix,
            student.surname,
            student.bsn_masked or student.education_number_masked or "",
            student.signup_group.name if student.signup_group else "",
            "; ".join(remarks),
        ]


def _safe_cell(value) -> str:
    """Plain text for CSV (dates as d-m-Y); formula-like text quoted by ``spreadsheet_safe``."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return (
            value.strftime("%d-%m-%Y %H:%M")
            if hasattr(value, "hour")
            else value.strftime("%d-%m-%Y")
        )
    return spreadsheet_safe(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def requests_csv(queryset: QuerySet[TransferRequest]) -> Iterable[str]:
    """CSV lines (semicolon-separated, as Dutch Excel expects), streamed."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so Excel reads UTF-8
    yield writer.writerow(export_headers())
    for row in export_rows(queryset):
        yield writer.writerow([_safe_cell(v) for v in row])


def requests_xlsx(queryset: QuerySet[TransferRequest]) -> bytes:
    """The same columns as a workbook: real dates shown dd-mm-jjjj, column widths, a
    frozen header row with an auto-filter (as the card exports)."""
    return xlsx_table(
        title=str(text.EXPORT_SHEET_TITLE), headers=export_headers(), rows=export_rows(queryset)
    )
