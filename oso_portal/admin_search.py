"""The admin's search never keeps a BSN in a URL.

The changelist search is a GET form: what is typed goes into the URL, and from there
into the browser history and every log on the way. The student admin does not even
search on BSN (the portal's own search posts it). A search holding a BSN or an
education number is answered with a redirect to the same list without it, and a
message that says where to search instead; ``static/js/bsn_search_guard.js`` stops
such a search in the browser before it is sent at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from common import page_text as text
from common.security import find_identifiers


class AdminSearchWithoutIdentifiersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get(SEARCH_VAR, "")
        if (
            query
            and request.method == "GET"
            and request.path.startswith(reverse("admin:index"))
            and find_identifiers(query)
        ):
            params = request.GET.copy()
            del params[SEARCH_VAR]
            messages.warning(request, text.ADMIN_SEARCH_NO_BSN)
            target = f"{request.path}?{params.urlencode()}" if params else request.path
            return HttpResponseRedirect(target)
        return self.get_response(request)
