"""The client's messages as codes (portal_text), for rows that keep a failure reason.

The client hands staff-ready text (``message``) with every refusal, result error
and failed call, and the code that stands for it. A stored reason keeps the code
and renders the same text anew, in the language of the page that shows it.
"""

from __future__ import annotations

from typing import Any

from portal_text import Message, define
from requests.client import messages
from requests.client.types import EndpointError, RequestResult, SubmitAck


def _int(value: Any) -> int:
    return int(value or 0)


_REFUSAL_CODES = (
    messages.MALFORMED,
    messages.UNKNOWN_SCHOOL,
    messages.UNKNOWN_PUPIL,
    messages.NO_RELATION,
    messages.NAME_MISMATCH,
    messages.REFUSED,
    messages.UNKNOWN_REQUEST,
)
_RESULT_CODES = (
    messages.INVALID_DOSSIER,
    messages.CHECKSUM_MISMATCH,
    messages.MISSING_RESULT,
    messages.UNKNOWN_STATE,
)

REFUSAL = define(
    "client.refusal",
    renderer=lambda p: messages.refusal_message(str(p.get("code", ""))),
    variants=[{"code": code} for code in _REFUSAL_CODES],
)
RESULT_ERROR = define(
    "client.result_error",
    renderer=lambda p: messages.result_error_message(str(p.get("code", ""))),
    variants=[{"code": code} for code in _RESULT_CODES],
)
TOO_LARGE = define(
    "client.too_large", renderer=lambda p: messages.too_large_message(_int(p.get("limit")))
)
TIMEOUT = define("client.timeout", renderer=lambda p: messages.timeout_message(), variants=[{}])
CONNECT = define("client.connect", renderer=lambda p: messages.connect_message(), variants=[{}])
BROKEN = define(
    "client.connection_broken",
    renderer=lambda p: messages.connection_broken_message(),
    variants=[{}],
)
TRUNCATED = define(
    "client.truncated", renderer=lambda p: messages.truncated_message(), variants=[{}]
)
UNREADABLE = define(
    "client.unreadable", renderer=lambda p: messages.unreadable_message(), variants=[{}]
)
SERVER_ERROR = define(
    "client.server_error", renderer=lambda p: messages.server_error_message(_int(p.get("status")))
)
CALL_REFUSED = define(
    "client.call_refused",
    renderer=lambda p: messages.call_refused_message(_int(p.get("status")), str(p.get("code", ""))),
)

_CALL_FAILURES = {
    "timeout": TIMEOUT,
    "connect": CONNECT,
    "connection_broken": BROKEN,
    "transport": BROKEN,
    "truncated": TRUNCATED,
}


def refusal_text(ack: SubmitAck) -> Message:
    return REFUSAL(code=ack.refusal_code or "")


def result_error_text(result: RequestResult, *, max_dossier_bytes: int | None) -> Message:
    if result.error_code == messages.DOSSIER_TOO_LARGE and max_dossier_bytes:
        return TOO_LARGE(limit=max_dossier_bytes)
    return RESULT_ERROR(code=result.error_code or "")


def endpoint_error_text(exc: EndpointError) -> Message:
    """The code of a failed call, as the client chose its message."""
    if exc.code in _CALL_FAILURES:
        return _CALL_FAILURES[exc.code]()
    if exc.status is not None:
        if exc.transient:
            return SERVER_ERROR(status=exc.status)
        code = "" if exc.code == f"http_{exc.status}" else exc.code
        return CALL_REFUSED(status=exc.status, code=code)
    return UNREADABLE()
