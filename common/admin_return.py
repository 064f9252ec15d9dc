"""Back to the portal page the admin was opened from, once the change is saved.

The student page opens the admin with ``?_return_to=<its own path>``. The admin's
form posts to its own address, query string included, so the value is still there
on save. Only a path on this host is followed (``url_has_allowed_host_and_scheme``):
the parameter is in a link anyone could forge.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

RETURN_TO = "_return_to"


def return_to_url(request: HttpRequest) -> str | None:
    """The page to go back to, when the request names one on this host; else None."""
    url = request.GET.get(RETURN_TO) or request.POST.get(RETURN_TO) or ""
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return url


def link_with_return_to(url: str, return_to: str) -> str:
    """``url`` with ``_return_to`` added to its query string."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({RETURN_TO: return_to})}"


class ReturnToPortalAdminMixin:
    """For a ModelAdmin: *Opslaan* goes back to the page the admin was opened from.

    *Opslaan en opnieuw bewerken* stays in the admin and keeps the way back.
    """

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        response = super().response_change(request, obj)  # type: ignore[misc]
        target = return_to_url(request)
        if target is None or not isinstance(response, HttpResponseRedirect):
            return response
        if "_continue" in request.POST:
            return HttpResponseRedirect(link_with_return_to(response["Location"], target))
        if "_addanother" in request.POST or "_saveasnew" in request.POST:
            return response
        return HttpResponseRedirect(target)
