"""Security headers that Django 5.2 does not set by itself.

``SecurityHeadersMiddleware`` adds, to every response that does not set them
already:

- ``Content-Security-Policy`` from ``settings.CONTENT_SECURITY_POLICY``: only
  files from our own origin, no inline script or style, no frames, no plugins.
  Templates therefore use no ``<script>`` without ``src``, no ``style=""``, no
  ``on...=""`` handlers and no ``hx-on`` (see docs/SECURITY.md);
- ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY``: no camera,
  microphone, location and the like;
- ``Cache-Control: no-store`` on responses to a logged-in user: pages full of
  pupils' data stay out of shared and browser caches.

Django's SecurityMiddleware sets HSTS, nosniff, Referrer-Policy and COOP; the
clickjacking middleware sets X-Frame-Options.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy(directives: Mapping[str, Sequence[str]]) -> str:
    """{"default-src": ["'self'"], ...} -> "default-src 'self'; ..." in the given order."""
    return "; ".join(
        " ".join([name, *values]) if values else name for name, values in directives.items()
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.content_security_policy = build_policy(settings.CONTENT_SECURITY_POLICY)
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's technical 404 and 500 pages (DEBUG only, never in production)
        # are built with inline style and script; they stay readable for developers.
        technical_page = settings.DEBUG and response.status_code in (404, 500)
        if not technical_page:
            response.headers.setdefault("Content-Security-Policy", self.content_security_policy)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
