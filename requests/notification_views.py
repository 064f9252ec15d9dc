"""The chain's callback: a file we wait for is released (requests/services/notifications.py).

Machine to machine: no login, no session, no CSRF token; the HMAC signature under the shared
secret is the authentication. Every refusal is a 4xx that changed nothing. The log line names
the delivery id and counts only: a callback carries request ids, never a BSN.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from requests.client.notifications import (
    MAX_CALLBACK_BYTES,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CallbackRejected,
)
from requests.services.notifications import notification_callback_receive

logger = logging.getLogger(__name__)

_XML = "application/xml; charset=utf-8"


def _answer(status: int, code: str) -> HttpResponse:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<notificationsAck version="1" result="{code}"/>'
    )
    return HttpResponse(body.encode(), status=status, content_type=_XML)


@method_decorator(csrf_exempt, name="dispatch")
class NotificationCallbackView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_CALLBACK_BYTES:
            return _answer(413, "too_large")  # refused before the body is read
        try:
            outcome = notification_callback_receive(
                body=request.body,
                timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
                signature=request.headers.get(SIGNATURE_HEADER, ""),
            )
        except CallbackRejected as exc:
            logger.warning("notification refused: %s (%d)", exc.code, exc.status)
            return _answer(exc.status, exc.code)
        return _answer(200, "fetching" if outcome.fetching else "nothing_to_fetch")
