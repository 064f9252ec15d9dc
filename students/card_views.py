"""*Exporteren* and *Afdrukken* of pupils' cards: a signup group, or the search page's filter.

CSV and Excel hold the cards with the BSN masked; the zip holds the OSO files
themselves (full BSNs) and needs ``students.export_dossiers``. Every export is on
record; the print view is a page like any other (masked BSN, nothing leaves).
Views stay thin: rows from ``students.selectors.cards``, files from
``students.card_exports``, the zip and the audit from ``students.services.card_exports``.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views import View

from audit.services import actor_for
from common import page_text as text
from common.access import PortalAccessMixin
from students.card_exports import cards_csv, cards_xlsx, export_rows
from students.models import SignupGroup, Student
from students.selectors.cards import card_rows
from students.services.card_exports import (
    EXPORT_DOSSIERS_PERMISSION,
    cards_export_record,
    dossiers_zip_export,
)
from students.views import LIST_PARAMS, StudentSearch

EXPORT_FORMATS = ("csv", "xlsx", "zip")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A zip is built in memory up to this size, then in a temporary file.
ZIP_IN_MEMORY = 20 * 1024 * 1024


def _search_filters(search: StudentSearch) -> dict[str, str]:
    """The search as plain text for the audit log (names, not only ids; never a BSN)."""
    filters = {}
    for name, value in search.filterset.form.cleaned_data.items():
        if value in (None, "") or name == "bsn":
            continue
        filters[name] = str(value) if not hasattr(value, "pk") else f"{value} (#{value.pk})"
    if search.bsn_shown:
        filters["bsn"] = search.bsn_shown
    return filters


def _file_name(kind: str, scope: str, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{kind}-{slugify(scope) or 'zoekresultaat'}-{stamp}.{extension}"


def cards_response(
    request,
    *,
    students: QuerySet[Student],
    export_format: str,
    scope: str,
    signup_group: SignupGroup | None = None,
    filters: dict[str, str] | None = None,
) -> HttpResponseBase:
    """The export as a download, on record first."""
    actor = actor_for(request.user)
    if export_format == "zip":
        if not request.user.has_perm(EXPORT_DOSSIERS_PERMISSION):
            raise PermissionDenied
        out = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)  # noqa: SIM115 - the response closes it
        dossiers_zip_export(
            students=students, out=out, actor=actor, signup_group=signup_group, filters=filters
        )
        out.seek(0)
        return FileResponse(
            out,
            as_attachment=True,
            filename=_file_name("oso-dossiers", scope, "zip"),
            content_type="application/zip",
        )
    rows = export_rows(students=students)
    cards_export_record(
        actor=actor,
        export_format=export_format,
        rows=len(rows),
        signup_group=signup_group,
        filters=filters,
    )
    name = _file_name("leerlingkaarten", scope, export_format)
    if export_format == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            cards_csv(rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(cards_xlsx(rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _group_students(group: SignupGroup) -> QuerySet[Student]:
    return Student.objects.filter(signup_group=group)


class SignupGroupCardsExportView(PortalAccessMixin, View):
    def get(self, request, group_id: int, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(str(text.EXPORT_FORMAT_INVALID))
        group = get_object_or_404(SignupGroup, pk=group_id)
        return cards_response(
            request,
            students=_group_students(group),
            export_format=fmt,
            scope=group.name,
            signup_group=group,
        )


def _bound_search(request) -> StudentSearch | None:
    search = StudentSearch.from_params(request, request.GET)
    if not search.is_bound or not search.filterset.is_valid():
        messages.error(request, text.SEARCH_INVALID)
        return None
    return search


class SearchCardsExportView(PortalAccessMixin, View):
    """The search page's current filter (all its results, not only the page shown)."""

    def get(self, request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(str(text.EXPORT_FORMAT_INVALID))
        search = _bound_search(request)
        if search is None:
            return HttpResponseRedirect(reverse("students:search"))
        return cards_response(
            request,
            students=search.results(),
            export_format=fmt,
            scope="",
            filters=_search_filters(search),
        )


PRINT_TEMPLATE = "students/cards_print.html"
# Alphabetical, as a class-formation meeting goes through them.
PRINT_ORDER = ("surname", "prefix", "given_name", "student_number")


class SignupGroupCardsPrintView(PortalAccessMixin, View):
    def get(self, request, group_id: int):
        group = get_object_or_404(SignupGroup, pk=group_id)
        rows = card_rows(students=_group_students(group), order_by=PRINT_ORDER, with_remarks=True)
        return render(
            request,
            PRINT_TEMPLATE,
            {
                "nav": "groups",
                "title": str(group),
                "rows": rows,
                "back_url": reverse("students:signup_groups"),
                "printed_at": timezone.localtime(),
            },
        )


class SearchCardsPrintView(PortalAccessMixin, View):
    def get(self, request):
        search = _bound_search(request)
        if search is None:
            return HttpResponseRedirect(reverse("students:search"))
        rows = card_rows(students=search.results(), order_by=PRINT_ORDER, with_remarks=True)
        query = request.GET.copy()
        for key in LIST_PARAMS:
            query.pop(key, None)
        return render(
            request,
            PRINT_TEMPLATE,
            {
                "nav": "search",
                "title": None,
                "rows": rows,
                "back_url": f"{reverse('students:search')}?{query.urlencode()}",
                "printed_at": timezone.localtime(),
            },
        )
