"""No URL keeps a BSN: not the admin's search, nor any portal page's GET form.

The changelist search and the portal's filters (the overview's *Naam of stamnummer*,
the audit log's search, the search page's fields after its redirect) are GET forms:
what is typed goes into the URL, and from there into the browser history and every
log on the way. The student admin does not even search on BSN (the portal's own
search posts it). A GET whose parameters hold a BSN or an education number is
answered with a redirect to the same page without those parameters, and a message
that says where to search instead; ``static/js/bsn_search_guard.js`` stops such an
admin or overview search in the browser before it is sent at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from common import page_text as text
from common.security import find_identifiers


class NoIdentifiersInUrlMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.GET:
            holding = [
                key
                for key, values in request.GET.lists()
                if any(find_identifiers(value) for value in values)
            ]
            if holding:
                params = request.GET.copy()
                for key in holding:
                    del params[key]
                messages.warning(request, text.ADMIN_SEARCH_NO_BSN)
                target = f"{request.path}?{params.urlencode()}" if params else request.path
                return HttpResponseRedirect(target)
        return self.get_response(request)
