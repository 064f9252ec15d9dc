"""Staff pages of the students app: search and select, the student page,
signup groups and the dossier upload. Views stay thin: reads come from
``students.selectors``, writes from the services of students/ and requests/.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from audit.models import AuditAction
from audit.services import actor_for, audit_record
from common import page_text as text
from common.access import PortalAccessMixin
from common.upload_limit import upload_refused_pop
from oso_format.reader import dossier_attachment_file
from oso_format.types import DossierError
from portal_text import messages_to_json, render_all
from portal_text import render as text_render
from students.dossier_uploads import RefusedFile, dossier_upload_entries
from students.filters import StudentSearchFilter
from students.forms import DossierImportForm
from students.models import (
    NAW_FIELDS,
    DossierOutcome,
    Student,
    changed_fields_text,
    mask_identifier,
)
from students.selectors import dossier_fields
from students.selectors import dossiers as dossier_selectors
from students.selectors import students as student_selectors
from students.services.corrections import naw_correction_release
from students.services.dossier_merge import DossierIn, MergeResult, dossiers_merge
from students.services.dossier_merge.texts import NO_STUDENT
from students.signup_forms import MoveToGroupForm
from students.tables import StudentTable
from students.validators import display_postcode

SEARCH_PER_PAGE = 50
# Parameters of the result list that are not search fields.
LIST_PARAMS = frozenset({"page", "sort", "per_page"})

# --- BSN search without a BSN in any URL or session ------------------------------------------
# The search form is posted. A BSN in it is resolved at once to the students it
# matches; the session keeps only their ids (and the number masked, to show what
# was searched) under a random reference, and the result URL (paging, sorting,
# "select all") carries only that reference. No full BSN is stored or echoed.
BSN_SESSION_KEY = "student_search_bsn"
BSN_REFS_KEPT = 5


def remember_bsn_search(session, digits: str) -> str:
    ids = student_selectors.student_ids_with_identifier(digits)
    shown = mask_identifier(digits) if len(digits) == 9 else f"…{digits[-4:]}"
    ref = secrets.token_urlsafe(9)
    refs = dict(list(session.get(BSN_SESSION_KEY, {}).items())[-(BSN_REFS_KEPT - 1) :])
    refs[ref] = {"ids": ids, "shown": shown}
    session[BSN_SESSION_KEY] = refs
    return ref


@dataclass
class StudentSearch:
    """A search as a result URL gives it: the filter, plus a BSN search kept in the session."""

    filterset: StudentSearchFilter
    bsn_ids: list[int] | None = None
    bsn_shown: str | None = None

    @classmethod
    def from_params(cls, request, params: QueryDict) -> StudentSearch:
        data = params.copy()
        data.pop("bsn", None)  # never from a URL
        bound = any(key not in LIST_PARAMS for key in params)
        filterset = StudentSearchFilter(
            data if bound else None,
            queryset=student_selectors.student_search_queryset(),
            request=request,
        )
        ref = params.get("bsn_ref")
        if not ref:
            return cls(filterset)
        kept = request.session.get(BSN_SESSION_KEY, {}).get(ref)
        if kept is None:
            messages.warning(request, text.SEARCH_EXPIRED)
            return cls(filterset, bsn_ids=[])
        return cls(filterset, bsn_ids=kept["ids"], bsn_shown=kept["shown"])

    @property
    def is_bound(self) -> bool:
        return self.filterset.is_bound

    def results(self) -> QuerySet[Student]:
        if not self.filterset.is_valid():
            return Student.objects.none()
        queryset = self.filterset.qs
        if self.bsn_ids is not None:
            queryset = queryset.filter(pk__in=self.bsn_ids)
        return queryset


class StudentSearchView(PortalAccessMixin, View):
    template_name = "students/search.html"

    def get(self, request):
        search = StudentSearch.from_params(request, request.GET)
        table = None
        # A refused field shows only its error, not "0 students found" below it.
        if search.is_bound and search.filterset.is_valid():
            table = StudentTable(search.results())
            RequestConfig(request, paginate={"per_page": SEARCH_PER_PAGE}).configure(table)
        search_query = QueryDict(mutable=True)
        for key, values in request.GET.lists():
            if key not in LIST_PARAMS:
                search_query.setlist(key, values)
        return self.render(request, search.filterset, table, search.bsn_shown, search_query)

    def post(self, request):
        filterset = StudentSearchFilter(
            request.POST, queryset=student_selectors.student_search_queryset(), request=request
        )
        form = filterset.form
        if not form.is_valid():
            return self.render(request, filterset, None, None, QueryDict())
        params = []
        for name in form.fields:
            if name in ("bsn", "in_signup_group"):
                continue
            value = request.POST.get(name, "").strip()
            if value:
                params.append((name, value))
        params.append(
            ("in_signup_group", "on" if form.cleaned_data["in_signup_group"] else "false")
        )
        if bsn := form.cleaned_data["bsn"]:
            params.append(("bsn_ref", remember_bsn_search(request.session, bsn)))
        return HttpResponseRedirect(f"{reverse('students:search')}?{urlencode(params)}")

    def render(self, request, filterset, table, bsn_shown, search_query: QueryDict):
        form = filterset.form
        extra = StudentSearchFilter.EXTRA_FIELDS
        context = {
            "nav": "search",
            "filter": filterset,
            "table": table,
            "search_query": search_query.urlencode(),
            "bsn_shown": bsn_shown,
            "extra_fields": [form[name] for name in extra],
            "extra_active": any(form[name].value() for name in extra) or form.errors,
            # Not required in HTML: the same form element also adds to the requests.
            "move_form": MoveToGroupForm(auto_id="move_%s", use_required_attribute=False),
        }
        return render(request, self.template_name, context)


# --- Leerlingpagina ---------------------------------------------------------------------------


def _shown(name: str, value):
    """A NAW value as the page shows it: the postcode as "1506 EG"."""
    return display_postcode(value) if name == "postcode" and value else value


# Which NAW fields each secret flag of the last file covers (the card says so).
_SECRET_OF_FIELD = {
    **dict.fromkeys(
        ("street", "house_number", "house_number_suffix", "postcode", "town"), "address_secret"
    ),
    "phone": "phone_secret",
    "email": "email_secret",
}


def _secret_text(student: Student, name: str) -> str:
    """ "Adres geheim" in place of an empty value the last file keeps secret, else "".

    A real value kept from before is shown as it is (the mark above the table says
    the file keeps it secret).
    """
    flag = _SECRET_OF_FIELD.get(name)
    if not flag or not getattr(student, flag):
        return ""
    group = [field for field, its_flag in _SECRET_OF_FIELD.items() if its_flag == flag]
    if any(getattr(student, field) for field in group):
        return ""
    return str(text.SECRET_TEXTS[flag])


class StudentDetailView(PortalAccessMixin, TemplateView):
    template_name = "students/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = student_selectors.student_page(student_number=self.kwargs["student_number"])
        context.update(
            nav="search",
            page=page,
            student=page.student,
            naw_rows=self.naw_rows(page),
            can_change=self.request.user.is_staff
            and self.request.user.has_perm("students.change_student"),
        )
        context.update(self.diff_context(page))
        return context

    @staticmethod
    def naw_rows(page):
        student = page.student
        return [
            {
                "field": name,
                "label": text.NAW_FIELD_LABELS[name],
                "value": _shown(name, getattr(student, name)),
                "correction": page.corrections.get(name),
                "dossier_value": _shown(name, (student.dossier_values or {}).get(name)),
                "secret": _secret_text(student, name),
            }
            for name in NAW_FIELDS
        ]

    def diff_context(self, page):
        """A diff between two received versions, picked with ?older=&newer=."""
        ids = {d.pk for d in page.dossiers}
        try:
            older_id = int(self.request.GET.get("older", ""))
            newer_id = int(self.request.GET.get("newer", ""))
        except ValueError:
            return {"diff": None}
        if older_id not in ids or newer_id not in ids or older_id == newer_id:
            return {"diff": None}
        sn = page.student.student_number
        older = dossier_selectors.student_dossier(student_number=sn, dossier_id=older_id)
        newer = dossier_selectors.student_dossier(student_number=sn, dossier_id=newer_id)
        return {
            "diff": dossier_selectors.dossier_diff(older=older, newer=newer),
            "diff_fields": dossier_fields.dossier_field_changes(older=older, newer=newer),
            "diff_older": older,
            "diff_newer": newer,
        }


class CorrectionReleaseView(PortalAccessMixin, View):
    def post(self, request, student_number: str, field: str):
        student = get_object_or_404(Student, student_number=student_number)
        if field not in NAW_FIELDS or not student.corrections.filter(field=field).exists():
            messages.error(request, text.NOT_CORRECTED)
        else:
            naw_correction_release(student=student, field=field, user=request.user.get_username())
            messages.success(request, text.RELEASED % {"field": text.NAW_FIELD_LABELS[field]})
        return redirect("students:detail", student_number=student.student_number)


class DossierAttachmentView(PortalAccessMixin, View):
    """Download one attachment (a scanned report) from a received dossier."""

    def get(self, request, student_number: str, dossier_id: int, index: int):
        dossier = dossier_selectors.student_dossier(
            student_number=student_number, dossier_id=dossier_id
        )
        if index not in {a.get("index") for a in dossier.attachments or []}:
            raise Http404
        try:
            filename, content = dossier_attachment_file(
                raw=dossier_selectors.dossier_raw_bytes(dossier), index=index
            )
        except DossierError as exc:
            messages.error(request, str(exc))
            return redirect("students:detail", student_number=student_number)
        filename = filename or f"bijlage-{index + 1}"
        # A pupil's document leaves the portal: on record like every export.
        audit_record(
            actor=actor_for(request.user),
            action=AuditAction.EXPORT_MADE,
            student_id=dossier.student_id,
            student_number=student_number,
            summary=f"dossier attachment {index + 1}: {filename}",
            details={
                "export": "dossier_attachment",
                "dossier_id": dossier.pk,
                "index": index,
                "filename": filename,
            },
        )
        response = HttpResponse(content, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        return response


# --- Aanmeldingsgroepen -----------------------------------------------------------------------


class SignupGroupListView(PortalAccessMixin, TemplateView):
    template_name = "students/signup_groups.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["nav"] = "groups"
        context["rows"] = student_selectors.signup_group_counts()
        return context


# --- Dossier inlezen --------------------------------------------------------------------------

IMPORT_RESULTS_KEY = "dossier_import_results"


class DossierImportView(PortalAccessMixin, View):
    template_name = "students/dossier_import.html"

    def get(self, request):
        results = request.session.pop(IMPORT_RESULTS_KEY, None)
        refused = upload_refused_pop(request)
        form = DossierImportForm(
            initial={"signup_group": student_selectors.signup_group_for_new_students()}
        )
        return self.render(request, form, results, upload_refused=refused)

    def post(self, request):
        form = DossierImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form, None)
        signup_group = form.cleaned_data["signup_group"]
        # Each file on its own: a refused one (too large, unsafe in a ZIP) is named in the
        # report and the others are still merged, all through the one merge service.
        entries = dossier_upload_entries(
            files=form.cleaned_data["files"],
            max_file_bytes=settings.OSO_DOSSIER_MAX_BYTES,
            max_total_bytes=settings.OSO_UPLOAD_MAX_TOTAL_BYTES,
            max_files=settings.OSO_UPLOAD_MAX_FILES,
        )
        items = [entry for entry in entries if isinstance(entry, DossierIn)]
        merged = iter(
            dossiers_merge(
                items=items,
                signup_group=signup_group,
                received_by=request.user.get_username(),
            )
        )
        rows = [
            refused_row(entry) if isinstance(entry, RefusedFile) else merged_row(next(merged))
            for entry in entries
        ]
        request.session[IMPORT_RESULTS_KEY] = rows
        if signup_group is None:
            unknown = sum((row["reason"] or {}).get("code") == NO_STUDENT.code for row in rows)
            if unknown:
                messages.warning(request, text.SIGNUP_GROUP_NONE_CHOSEN % {"count": unknown})
        return redirect("students:dossier_import")

    def render(self, request, form, results, upload_refused=None):
        if results:
            labels = dict(DossierOutcome.choices)
            for row in results:
                row["outcome_label"] = labels.get(row["outcome"], row["outcome"])
                row["remarks"] = render_all(row.get("remarks"))
                row["reason"] = text_render(row.get("reason"))
                row["changed"] = changed_fields_text(row.get("changed_fields"))
        return render(
            request,
            self.template_name,
            {
                "nav": "import",
                "form": form,
                "results": results,
                "upload_refused": upload_refused,
            },
        )


def merged_row(result: MergeResult) -> dict[str, Any]:
    return {
        "source_name": result.source_name,
        "outcome": str(result.outcome),
        "student_number": result.student_number,
        # Codes, not text: the page renders them in the language it is read in.
        "remarks": messages_to_json(result.remark_messages),
        "reason": result.reason_message.as_json() if result.reason_message else None,
        "changed_fields": list(result.changed_fields),
        "meldingen": list(result.meldingen),
    }


def refused_row(entry: RefusedFile) -> dict[str, Any]:
    return {
        "source_name": entry.source_name,
        "outcome": str(DossierOutcome.FAILED),
        "student_number": None,
        "remarks": [],
        "reason": entry.reason.as_json(),
        "changed_fields": [],
        "meldingen": [],
    }
