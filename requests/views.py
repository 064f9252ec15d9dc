"""Staff pages of the requests app: the overview (*Overstapdossier opvragen*),
its actions (send, retry, delete), the export and the batch progress fragment.

Views stay thin: reads from ``requests.selectors``, writes
through ``requests.services``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import QuerySet
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django_tables2 import RequestConfig

from audit.models import AuditAction
from audit.services import actor_for, audit_record
from common import page_text as text
from common.access import PortalAccessMixin
from requests import exports
from requests.filters import OPEN, TransferRequestFilter
from requests.forms import SendForm
from requests.models import OPEN_STATUSES, RequestBatch, RequestStatus, TransferRequest
from requests.selectors import (
    batch_progress,
    batch_to_follow,
    overview_status_counts,
    requests_overview_queryset,
)
from requests.services.rerequest import transfer_requests_rerequest
from requests.services.transfer_requests import (
    transfer_requests_delete,
    transfer_requests_retry,
    transfer_requests_send,
)
from requests.tables import CountedPaginator, TransferRequestTable

OVERVIEW_PER_PAGE = 50
PER_PAGE_CHOICES = (25, 50, 100, 250)
LIST_PARAMS = frozenset({"page", "sort", "per_page"})


def overview_filterset(params: QueryDict) -> TransferRequestFilter:
    data = QueryDict(mutable=True)
    for key, values in params.lists():
        if key not in LIST_PARAMS:
            data.setlist(key, values)
    return TransferRequestFilter(data, queryset=requests_overview_queryset())


def filtered_requests(
    params: QueryDict, *, filterset: TransferRequestFilter | None = None
) -> QuerySet[TransferRequest]:
    """The overview's rows for ``params``; none when the filters do not validate."""
    filterset = filterset or overview_filterset(params)
    if filterset.is_valid():
        return filterset.qs
    assert filterset.queryset is not None  # overview_filterset always gives one
    return filterset.queryset.none()


def rows_counted(cleaned: dict, counts: dict[str, int]) -> int:
    """How many rows the overview shows: the status counts beside it already say so.

    The counts are taken over the filter without its status choice (one query), so
    the table needs no COUNT of its own (at 16,000 requests that scan was a third of
    the page's database time).
    """
    status = cleaned.get("status")
    if not status:
        return sum(counts.values())
    if status == OPEN:
        return sum(counts.get(value, 0) for value in OPEN_STATUSES)
    return counts.get(status, 0)


def per_page_from(params: QueryDict) -> int:
    """The page size asked for, if it is one of the choices; else the default."""
    value = params.get("per_page", "")
    return int(value) if value.isdigit() and int(value) in PER_PAGE_CHOICES else OVERVIEW_PER_PAGE


def paginate(table: TransferRequestTable, *, params: QueryDict, per_page: int, count: int) -> None:
    """Paginate as RequestConfig does (a wrong page number shows the first or last page)."""
    try:
        table.paginate(
            paginator_class=CountedPaginator,
            count=count,
            per_page=per_page,
            page=params.get("page", 1),
        )
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        table.page = table.paginator.page(table.paginator.num_pages)


def overview_url(query: str = "") -> str:
    url = reverse("oso_requests:overview")
    return f"{url}?{query}" if query else url


# After a refused action (or a send form with errors) the mode, the date and the
# selection are kept for one page view: the overview, reached again by redirect,
# shows them as they were, with the errors beside the fields.
SEND_FORM_KEY = "request_send_form"
KEPT_FIELDS = ("mode", "changed_since", "select_all")


def keep_choices(request) -> None:
    """Remember the posted mode, date and selection for the next view of the overview."""
    kept = {key: request.POST.get(key, "") for key in KEPT_FIELDS}
    kept["request_ids"] = [v for v in request.POST.getlist("request_ids") if v.isdigit()][:1000]
    request.session[SEND_FORM_KEY] = kept


class RequestOverviewView(PortalAccessMixin, View):
    template_name = "requests/overview.html"

    def get(self, request):
        kept = request.session.pop(SEND_FORM_KEY, None)
        send_form = SendForm(kept) if kept else SendForm()
        if kept:
            send_form.is_valid()
        filterset = overview_filterset(request.GET)
        valid = filterset.is_valid()
        if valid:
            queryset = filterset.qs
            counts = overview_status_counts(filterset.faceted_qs)
            cleaned = filterset.form.cleaned_data
        else:
            assert filterset.queryset is not None  # overview_filterset always gives one
            queryset = filterset.queryset.none()
            counts = dict.fromkeys(RequestStatus.values, 0)
            cleaned = {}
        batch_id = cleaned.get("batch")
        batch = batch_to_follow(batch_id=int(batch_id) if batch_id else None)
        # The kind of request tells a pupil's rows apart only when the history is shown.
        table = TransferRequestTable(queryset, exclude=() if cleaned.get("history") else ("mode",))
        if kept:
            table.checked_ids = frozenset(int(v) for v in kept.get("request_ids", []))
        RequestConfig(request, paginate=False).configure(table)
        per_page = per_page_from(request.GET)
        paginate(table, params=request.GET, per_page=per_page, count=rows_counted(cleaned, counts))
        chip_query = filterset.data.copy()
        for key in ("status", "batch"):
            chip_query.pop(key, None)
        if per_page != OVERVIEW_PER_PAGE:
            chip_query["per_page"] = str(per_page)
        context = {
            "nav": "requests",
            "filter": filterset,
            "table": table,
            "filter_query": filterset.data.urlencode(),
            "chip_query": chip_query.urlencode(),
            "send_form": send_form,
            "select_all_kept": bool(kept and kept.get("select_all") == "1"),
            "per_page": per_page,
            "per_page_choices": PER_PAGE_CHOICES,
            "status_counts": [
                {"status": value, "label": label, "count": counts.get(value, 0)}
                for value, label in RequestStatus.choices
            ],
            "progress": progress_context(batch) if batch else None,
        }
        return render(request, self.template_name, context)


def progress_context(batch: RequestBatch) -> dict:
    """The progress panel: settled (final or waiting for the primary school) out of all.

    Waiting requests are settled (nothing happens without the primary school, so the
    panel stops polling) but not done: the panel says how many wait instead of
    "finished, 100%".
    """
    progress = batch_progress(batch_id=batch.pk)
    counts = progress["counts"]
    waiting = counts.get(RequestStatus.WAITING, 0)
    total = progress["total"]
    return {
        "batch": batch,
        "total": total,
        "settled": progress["settled"],
        "done": progress["done"],
        "waiting": waiting,
        "percent": progress["percent"] if not waiting else round(100 * progress["done"] / total),
        "finished": progress["finished"],
        "counts": [
            {"status": value, "label": label, "count": counts.get(value, 0)}
            for value, label in RequestStatus.choices
            if counts.get(value)
        ],
    }


class BatchProgressView(PortalAccessMixin, View):
    """The progress fragment that htmx polls every 2 s while the batch runs.

    Once the batch is finished the fragment comes back without its polling
    trigger, so htmx stops; the HX-Trigger header tells the page to reload
    its table once.
    """

    def get(self, request, batch_id: int):
        batch = get_object_or_404(RequestBatch, pk=batch_id)
        context = progress_context(batch)
        response = render(request, "includes/batch_progress.html", {"progress": context})
        if context["finished"] and request.headers.get("HX-Request"):
            response["HX-Trigger"] = "batch-finished"
        return response


# The id of the send options on the overview (templates/requests/overview.html).
SEND_OPTIONS_ID = "send-options"


class SelectedRequestsMixin:
    """The rows an action applies to: the checked ones, or every row of the filter."""

    def selected_ids(self, request):
        if request.POST.get("select_all") == "1":
            params = QueryDict(request.POST.get("query", ""))
            return list(filtered_requests(params).order_by().values_list("pk", flat=True))
        return [int(v) for v in request.POST.getlist("request_ids") if v.isdigit()]

    def send_choice(self, request) -> tuple[list[int], dict[str, Any]] | None:
        """The selected rows and the valid mode and date of *Aanvragen* or *Opnieuw aanvragen*.

        ``None`` when there is nothing to send: the choices are kept for the page, and an
        empty selection is said.
        """
        form = SendForm(request.POST)
        ids = self.selected_ids(request)
        if not form.is_valid():
            keep_choices(request)
            # The error is told at the send options, below the fold at 1366x768: land there.
            self.fragment = SEND_OPTIONS_ID
            return None
        if not ids:
            self.refused(request, text.NOTHING_SELECTED, level=messages.ERROR)
            return None
        return ids, form.cleaned_data

    def refused(self, request, message, *, level: int = messages.WARNING) -> HttpResponseRedirect:
        """Nothing was done: say why, and keep the mode, date and selection for the page."""
        keep_choices(request)
        messages.add_message(request, level, message)
        return self.back(request)

    def to_batch(self, batch: RequestBatch) -> HttpResponseRedirect:
        """The overview of the batch just sent."""
        return HttpResponseRedirect(overview_url(urlencode({"batch": batch.pk})))

    def back(self, request, **extra) -> HttpResponseRedirect:
        query = QueryDict(request.POST.get("query", ""), mutable=True)
        for key, value in extra.items():
            query[key] = value
        url = overview_url(query.urlencode())
        fragment = getattr(self, "fragment", "")
        return HttpResponseRedirect(f"{url}#{fragment}" if fragment else url)


class SendRequestsView(PortalAccessMixin, SelectedRequestsMixin, View):
    """*Aanvragen*: send the selected ready requests as one batch."""

    def post(self, request):
        chosen = self.send_choice(request)
        if chosen is None:
            return self.back(request)
        ids, choice = chosen
        batch = transfer_requests_send(
            request_ids=ids,
            mode=choice["mode"],
            changed_since=choice["changed_since"],
            user=request.user.get_username(),
        )
        if batch is None:
            return self.refused(request, text.NOTHING_TO_SEND_HOW)
        messages.success(request, text.SENT % {"count": batch.requests.count()})
        return self.to_batch(batch)


class RerequestRequestsView(PortalAccessMixin, SelectedRequestsMixin, View):
    """*Opnieuw aanvragen*: a new request for each selected finished row's pupil, sent at once."""

    def post(self, request):
        chosen = self.send_choice(request)
        if chosen is None:
            return self.back(request)
        ids, choice = chosen
        result = transfer_requests_rerequest(
            request_ids=ids,
            mode=choice["mode"],
            changed_since=choice["changed_since"],
            user=request.user.get_username(),
        )
        if result.batch is None:
            return self.refused(
                request,
                text.NOTHING_TO_REREQUEST_OPEN
                if result.students
                else text.NOTHING_TO_REREQUEST_NOT_FINISHED,
            )
        messages.success(request, text.REREQUESTED % {"count": result.sent})
        if result.skipped_open:
            messages.info(request, text.ALREADY_OPEN % {"count": result.skipped_open})
        return self.to_batch(result.batch)


class RetryRequestsView(PortalAccessMixin, SelectedRequestsMixin, View):
    def post(self, request):
        ids = self.selected_ids(request)
        if not ids:
            return self.refused(request, text.NOTHING_SELECTED, level=messages.ERROR)
        count = transfer_requests_retry(request_ids=ids, user=request.user.get_username())
        if not count:
            return self.refused(request, text.NOTHING_TO_RETRY_HOW)
        messages.success(request, text.RETRIED % {"count": count})
        return self.back(request)


class DeleteRequestsView(PortalAccessMixin, SelectedRequestsMixin, View):
    def post(self, request):
        ids = self.selected_ids(request)
        if not ids:
            return self.refused(request, text.NOTHING_SELECTED, level=messages.ERROR)
        count = transfer_requests_delete(request_ids=ids, user=request.user.get_username())
        if not count:
            return self.refused(request, text.NOTHING_TO_DELETE_HOW)
        messages.success(request, text.DELETED % {"count": count})
        return self.back(request)


def export_filters(filterset: TransferRequestFilter) -> dict[str, str]:
    """The filter of an export as plain text for the audit log (names, not ids only)."""
    if not filterset.is_valid():
        return {"invalid": "1"}
    filters = {}
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, ""):
            continue
        filters[name] = str(value) if not hasattr(value, "pk") else f"{value} (#{value.pk})"
    return filters


EXPORT_FORMATS = ("csv", "xlsx")


class ExportRequestsView(PortalAccessMixin, View):
    """*Exporteren*: the current filter as CSV or Excel; BSN masked; the export is on record."""

    def get(self, request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            return HttpResponseBadRequest(str(text.EXPORT_FORMAT_INVALID))
        filterset = overview_filterset(request.GET)
        queryset = filtered_requests(request.GET, filterset=filterset)
        row_count = queryset.count()
        audit_record(
            actor=actor_for(request.user),
            action=AuditAction.EXPORT_MADE,
            summary=f"requests, {row_count} rows",
            details={
                "export": "requests",
                "format": fmt,
                "filters": export_filters(filterset),
                "rows": row_count,
            },
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{text.EXPORT_FILENAME}-{stamp}"
        if fmt == "csv":
            stream = StreamingHttpResponse(
                exports.requests_csv(queryset), content_type="text/csv; charset=utf-8"
            )
            stream["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return stream
        response = HttpResponse(
            exports.requests_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
