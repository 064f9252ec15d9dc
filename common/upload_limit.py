"""One upload may not exceed ``OSO_UPLOAD_MAX_TOTAL_BYTES``, refused before it is read.

Django reads a multipart body as soon as anything asks for ``request.POST`` (the CSRF
check does, before any view), spooling every file to disk, and the import page then
holds every file in memory. So the cap is checked here, in a middleware before the
CSRF check, on the size the client announces: a larger POST is answered without a
byte of its body read. To the import page the answer is a redirect back to it, which
shows the refusal in Dutch (through the session: the messages framework is not set
up yet at this point); any other URL answers 413.

Too many files (``DATA_UPLOAD_MAX_NUMBER_FILES``, set from ``OSO_UPLOAD_MAX_FILES``) is
found only while the body is parsed: for the import page the parse is done here, so that
it too is answered with the page and a Dutch refusal instead of a bare 400.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse

from common import page_text as text

REFUSED_KEY = "upload_refused_bytes"
REFUSED_FILES_KEY = "upload_refused_files"


def announced_size(request: HttpRequest) -> int:
    """The body size the client announced (0 when it did not say)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def upload_too_large_message(size: int) -> str:
    return text.UPLOAD_TOO_LARGE % {
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.OSO_UPLOAD_MAX_TOTAL_BYTES),
    }


def upload_refused_pop(request: HttpRequest) -> str | None:
    """The Dutch refusal of the last upload that was too large or held too many files, once."""
    size = request.session.pop(REFUSED_KEY, None)
    too_many = request.session.pop(REFUSED_FILES_KEY, None)
    if isinstance(size, int):
        return upload_too_large_message(size)
    if too_many:
        return text.TOO_MANY_FILES % {"limit": settings.OSO_UPLOAD_MAX_FILES}
    return None


def _is_dossier_import(request: HttpRequest) -> bool:
    try:
        return request.path == reverse("students:dossier_import")
    except NoReverseMatch:
        # A URLconf without the students app (some tests mount only their own views).
        return False


def _close_after(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Ask the server to close the connection: the client may still be sending the body.

    gunicorn honours ``Connection: close`` from the application. wsgiref, under
    runserver (``make run``), refuses any hop-by-hop header from it with a 500, and drains
    the unread body itself: there the header is left out.
    """
    if not request.META.get("SERVER_SOFTWARE", "").startswith("WSGIServer/"):
        response["Connection"] = "close"
    return response


class UploadTotalLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        size = announced_size(request)
        if request.method == "POST" and size > settings.OSO_UPLOAD_MAX_TOTAL_BYTES:
            # The body stays unread; the connection is closed so that a client
            # still sending it does not have it taken for the next request.
            if _is_dossier_import(request):
                request.session[REFUSED_KEY] = size
                response: HttpResponse = HttpResponseRedirect(request.path)
            else:
                response = HttpResponse(
                    upload_too_large_message(size), status=413, content_type="text/plain"
                )
            return _close_after(response, request)
        if request.method == "POST" and _is_dossier_import(request):
            try:
                request.FILES  # noqa: B018 - parsed here, where too many files can be answered
            except TooManyFilesSent:
                request.session[REFUSED_FILES_KEY] = True
                return _close_after(HttpResponseRedirect(request.path), request)
        return self.get_response(request)
