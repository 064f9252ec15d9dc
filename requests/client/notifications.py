"""The portal's side of notifications on the wire: the registration's answer and the callback.

Protocol: elk_mock/README.md (*Notifications*). A callback is trusted only when all of these
hold, checked in this order and each refused with its own 4xx:

1. ``X-OSO-Signature`` is ``sha256=<hex>`` of HMAC-SHA256 under the shared secret over
   ``"<X-OSO-Timestamp>." + body`` (compared in constant time): else 401;
2. the timestamp is within ``max_age`` seconds of now, either way: else 401 (an old, captured
   callback cannot be sent again later);
3. the body is a ``<notifications version="1" deliveryId="...">`` with request ids: else 400.

The delivery id is then remembered (requests/services/notifications.py), so the same signed
callback sent again inside the window is refused too (409).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from lxml import etree

from oso_format.parsers import thread_parser

PROTOCOL_VERSION = "1"
TIMESTAMP_HEADER = "X-OSO-Timestamp"
SIGNATURE_HEADER = "X-OSO-Signature"
MAX_CALLBACK_BYTES = 1024 * 1024  # 1,000 request ids of at most 100 characters, and room
MAX_REQUEST_IDS = 1000
_DELIVERY_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


@dataclass(frozen=True)
class NotificationAck:
    """The endpoint's answer to one registration."""

    request_id: str
    accepted: bool
    code: str  # the refusal code ("" when accepted): unknown_request, ...


@dataclass(frozen=True)
class Callback:
    delivery_id: str
    request_ids: tuple[str, ...]


class CallbackRejected(Exception):
    """The callback is not trusted or not readable: answer ``status`` and change nothing."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code  # a short English tag for the answer and the log line


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-OSO-Signature`` value for a timestamp and body (the mock signs the same way)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def callback_verify(
    *, body: bytes, timestamp: str, signature: str, secret: str, now: float, max_age: float
) -> Callback:
    """The trusted content of a callback, or ``CallbackRejected``."""
    if not secret:
        raise CallbackRejected(503, "no_secret")
    if len(body) > MAX_CALLBACK_BYTES:
        raise CallbackRejected(413, "too_large")
    if not timestamp.isdigit() or len(timestamp) > 12 or not signature.startswith("sha256="):
        raise CallbackRejected(401, "unsigned")
    if not hmac.compare_digest(sign(secret, timestamp, body).encode(), signature.encode()):
        raise CallbackRejected(401, "bad_signature")
    if abs(now - int(timestamp)) > max_age:
        raise CallbackRejected(401, "stale_timestamp")
    return _parse(body)


def _parse(body: bytes) -> Callback:
    try:
        root = etree.fromstring(body, thread_parser())
    except etree.XMLSyntaxError as exc:
        raise CallbackRejected(400, "malformed") from exc
    if root.tag != "notifications" or root.get("version") != PROTOCOL_VERSION:
        raise CallbackRejected(400, "malformed")
    delivery_id = root.get("deliveryId") or ""
    ids = [element.get("requestId") or "" for element in root.iterfind("notification")]
    if not _DELIVERY_ID.match(delivery_id) or not ids or len(ids) > MAX_REQUEST_IDS:
        raise CallbackRejected(400, "malformed")
    if not all(_REQUEST_ID.match(request_id) for request_id in ids):
        raise CallbackRejected(400, "malformed")
    return Callback(delivery_id=delivery_id, request_ids=tuple(dict.fromkeys(ids)))
