"""Notifications: the mock calls the school back when a file it waits for is released.

A school registers a request it submitted (``POST /oso/notify``). When that pupil's primary
school releases a file (the clock moves past ``published_on``, or it already had at
registration), the mock POSTs one signed callback naming the request id, never the pupil:

    POST <callback url>
    Content-Type: application/xml; charset=utf-8
    X-OSO-Timestamp: 1620604800                  (Unix seconds when the call was signed)
    X-OSO-Signature: sha256=<hex>                (HMAC-SHA256 over "<timestamp>." + body)

    <notifications version="1" deliveryId="8d0c..." clock="2021-05-10">
      <notification requestId="7f3c9a..."/>
    </notifications>

A registration is used once: after its callback is delivered it is gone (register again to
hear of the next release). Requests released at the same moment share one callback of at
most ``batch_size`` ids. A delivery that fails (connection error, 5xx, 408, 429) is tried
again with the same ``deliveryId`` and a fresh timestamp and signature, with backoff, at most
``max_tries`` times; any other 4xx ends it (409 means the school already had it).

This module imports nothing from the portal. It holds no pupil data: only request ids.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

logger = logging.getLogger("elk_mock")

PROTOCOL_VERSION = "1"
# The demo's shared secret: the portal's default outside production is the same text.
DEMO_SECRET = "demo-notification-secret-never-use-in-production"  # noqa: S105 (the demo only)
SECRET_ENV = "ELK_MOCK_NOTIFY_SECRET"  # noqa: S105 (a variable name)
TIMESTAMP_HEADER = "X-OSO-Timestamp"
SIGNATURE_HEADER = "X-OSO-Signature"
_RETRY_STATUSES = {408, 429}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a new address: a signed POST is never re-sent as a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The value of ``X-OSO-Signature`` for this timestamp and body."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def callback_body(delivery_id: str, clock: date, request_ids: list[str]) -> bytes:
    root = etree.Element(
        "notifications", version=PROTOCOL_VERSION, deliveryId=delivery_id, clock=clock.isoformat()
    )
    for request_id in request_ids:
        etree.SubElement(root, "notification", requestId=request_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@dataclass
class _Delivery:
    delivery_id: str
    url: str
    request_ids: list[str]
    clock: date
    tries: int = 0
    next_try: float = 0.0


@dataclass
class NotificationHub:
    """Registrations and the one thread that delivers their callbacks.

    ``is_released(request_id)`` says whether the pupil of a registered request has a
    released file at the clock now (the hub asks the endpoint's state); ``count`` adds to
    the server's counters (``callback_calls``, ``callback_items``, ``callback_retries``,
    ``callback_failures``).
    """

    is_released: Callable[[str], bool]
    clock: Callable[[], date]
    count: Callable[..., None]
    url: str = ""
    secret: str = DEMO_SECRET
    batch_size: int = 500
    max_tries: int = 8
    retry_base: float = 0.5
    retry_cap: float = 30.0
    timeout: float = 10.0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _registered: dict[str, str] = field(default_factory=dict)  # request id -> callback url
    _deliveries: list[_Delivery] = field(default_factory=list)
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    # -- configuration -------------------------------------------------------------------
    def configure(self, *, url: str | None = None, secret: str | None = None) -> None:
        with self._lock:
            if url is not None:
                self.url = url
            if secret is not None:
                self.secret = secret

    @property
    def registered(self) -> int:
        with self._lock:
            return len(self._registered)

    @property
    def queued(self) -> int:
        with self._lock:
            return sum(len(d.request_ids) for d in self._deliveries)

    # -- registrations -------------------------------------------------------------------
    def register(self, request_id: str, *, callback_url: str = "") -> bool:
        """Remember the request; False when no callback URL is known for it."""
        with self._lock:
            url = callback_url or self.url
            if not url:
                return False
            self._registered[request_id] = url
        return True

    def forget(self) -> None:
        with self._lock:
            self._registered.clear()
            self._deliveries.clear()

    def kick(self) -> None:
        """Look now for released files (after a registration or a move of the clock)."""
        self._wake.set()

    # -- the delivery thread -------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="elk-mock-notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._next_wait())
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self._collect_released()
                self._deliver_due()
            except Exception:  # the thread must outlive one bad delivery
                logger.exception("notification delivery failed")

    def _next_wait(self) -> float:
        with self._lock:
            if not self._deliveries:
                return 1.0
            return max(0.0, min(d.next_try for d in self._deliveries) - time.monotonic())

    def _collect_released(self) -> None:
        with self._lock:
            candidates = list(self._registered.items())
        released = [(rid, url) for rid, url in candidates if self.is_released(rid)]
        if not released:
            return
        clock = self.clock()
        by_url: dict[str, list[str]] = {}
        with self._lock:
            for request_id, url in released:
                if self._registered.pop(request_id, None) is not None:
                    by_url.setdefault(url, []).append(request_id)
            for url, ids in by_url.items():
                for start in range(0, len(ids), self.batch_size):
                    self._deliveries.append(
                        _Delivery(
                            uuid.uuid4().hex, url, ids[start : start + self.batch_size], clock
                        )
                    )

    def _deliver_due(self) -> None:
        now = time.monotonic()
        with self._lock:
            due = [d for d in self._deliveries if d.next_try <= now]
        for delivery in due:
            done = self._post(delivery)
            with self._lock:
                if done or delivery.tries >= self.max_tries:
                    if not done:
                        self.count(callback_failures=1)
                        logger.warning(
                            "callback %s given up after %d tries",
                            delivery.delivery_id,
                            delivery.tries,
                        )
                    self._deliveries.remove(delivery)
                else:
                    self.count(callback_retries=1)
                    delay = min(self.retry_cap, self.retry_base * 2 ** (delivery.tries - 1))
                    delivery.next_try = time.monotonic() + delay

    def _post(self, delivery: _Delivery) -> bool:
        """One try; True when the delivery is over (delivered, or refused for good)."""
        delivery.tries += 1
        body = callback_body(delivery.delivery_id, delivery.clock, delivery.request_ids)
        timestamp = str(int(time.time()))
        with self._lock:
            secret = self.secret
        request = urllib.request.Request(  # noqa: S310 (the school's configured callback URL)
            delivery.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/xml; charset=utf-8",
                TIMESTAMP_HEADER: timestamp,
                SIGNATURE_HEADER: sign(secret, timestamp, body),
            },
        )
        self.count(callback_calls=1, callback_items=len(delivery.request_ids))
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                response.read()
            return True
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
            if status >= 500 or status in _RETRY_STATUSES:
                return False
            if status != 409:  # 409: the school had this delivery already
                self.count(callback_refused=1)
                logger.warning("callback %s refused: %d", delivery.delivery_id, status)
            return True
        except (OSError, urllib.error.URLError):
            return False
