"""The request actions posted from the students pages: views of the requests app.

*Toevoegen aan overstapdossier-aanvragen* on *Leerlingen zoeken* and *Opnieuw
aanvragen* on *Aanmeldingsgroepen* queue requests, which this app owns; students
never imports it. The project's URLs serve them under the students namespace,
beside the pages that post them (``oso_portal/urls.py``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views import View

from common import page_text as text
from common.access import PortalAccessMixin
from requests.services.transfer_requests import signup_group_rerequest, transfer_requests_add
from students.models import SignupGroup
from students.views import StudentSearch


class AddToRequestsView(PortalAccessMixin, View):
    """*Toevoegen aan overstapdossier-aanvragen*: the checked rows, or every result."""

    def post(self, request):
        if request.POST.get("select_all") == "1":
            search = StudentSearch.from_params(request, QueryDict(request.POST.get("query", "")))
            if not search.is_bound or not search.filterset.is_valid():
                messages.error(request, text.SEARCH_INVALID)
                return redirect("students:search")
            student_ids = search.results().order_by().values_list("pk", flat=True)
        else:
            student_ids = [int(v) for v in request.POST.getlist("student_ids") if v.isdigit()]
        if not student_ids:
            messages.error(request, text.NOTHING_SELECTED)
            back = request.POST.get("query", "")
            return HttpResponseRedirect(f"{reverse('students:search')}?{back}")
        result = transfer_requests_add(student_ids=student_ids, user=request.user.get_username())
        messages.success(request, text.ADDED_TO_REQUESTS % {"count": result.added})
        if result.skipped_open:
            messages.info(request, text.ALREADY_OPEN % {"count": result.skipped_open})
        return redirect("oso_requests:overview")


class SignupGroupRerequestView(PortalAccessMixin, View):
    """Queue and send a request for every student of the group that needs one."""

    def post(self, request, group_id: int):
        group = get_object_or_404(SignupGroup, pk=group_id)
        batch = signup_group_rerequest(signup_group_id=group.pk, user=request.user.get_username())
        if batch is None:
            messages.info(request, text.REREQUEST_NOTHING % {"group": group})
            return redirect("students:signup_groups")
        count = batch.requests.count()
        messages.success(request, text.REREQUEST_SENT % {"count": count, "group": group})
        return redirect(f"{reverse('oso_requests:overview')}?{urlencode({'batch': batch.pk})}")


# Served under the students namespace (oso_portal/urls.py): the names the pages use.
student_page_actions = [
    path("students/add-to-requests/", AddToRequestsView.as_view(), name="add_to_requests"),
    path(
        "signup-groups/<int:group_id>/rerequest/",
        SignupGroupRerequestView.as_view(),
        name="signup_group_rerequest",
    ),
]
