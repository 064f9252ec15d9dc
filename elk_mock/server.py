"""The HTTP side of the mock endpoint: routes, XML envelopes (lxml), faults, stats.

The protocol is described in elk_mock/README.md. Stdlib ``ThreadingHTTPServer`` with HTTP/1.1
keep-alive; every body is XML. Nothing here logs a BSN: access lines show method, path (which
holds request ids and dates only) and status.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree

from elk_mock import faults
from elk_mock.dataset import SECONDARY_SCHOOLS
from elk_mock.faults import FaultPlan, break_xml
from elk_mock.notifications import DEMO_SECRET, NotificationHub
from elk_mock.state import Ack, EndpointState, ResultState, SignoffItem, SubmitItem

PROTOCOL_VERSION = "1"
MAX_ITEMS = 1000
MAX_BODY_BYTES = 10 * 1024 * 1024

logger = logging.getLogger("elk_mock")

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class ProtocolError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8")


def error_body(code: str, message: str) -> bytes:
    element = etree.Element("error", code=code, version=PROTOCOL_VERSION)
    element.text = message
    return _xml(element)


def _parse(body: bytes, root_tag: str) -> etree._Element:
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ProtocolError(400, "bad_request", f"The body is not well-formed XML: {exc}") from exc
    if root.tag != root_tag:
        raise ProtocolError(400, "bad_request", f"Expected a <{root_tag}> element.")
    return root


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text.strip()) if text and text.strip() else None


def _child_text(element: etree._Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def parse_submit(body: bytes) -> list[SubmitItem]:
    root = _parse(body, "submitRequest")
    items = []
    for element in root.findall("item"):
        problem = ""
        try:
            birth_date = _date(_child_text(element, "birthDate"))
            changed_since = _date(_child_text(element, "changedSince"))
        except ValueError:
            birth_date = changed_since = None
            problem = "date"
        items.append(
            SubmitItem(
                request_id=(element.get("requestId") or "").strip(),
                school_brin=_child_text(element, "schoolBrin"),
                bsn=_child_text(element, "bsn"),
                education_number=_child_text(element, "educationNumber"),
                birth_date=birth_date,
                surname=_child_text(element, "surname"),
                primary_school_brin=_child_text(element, "primarySchoolBrin"),
                changed_since=changed_since,
                problem=problem,
            )
        )
    if len(items) > MAX_ITEMS:
        raise ProtocolError(413, "too_many_items", f"At most {MAX_ITEMS} items per call.")
    return items


def parse_notify(body: bytes) -> list[tuple[str, str]]:
    """``(request id, callback url)`` per ``<request>`` of a ``notifyRequest``."""
    root = _parse(body, "notifyRequest")
    pairs = [
        ((e.get("requestId") or "").strip(), (e.get("callbackUrl") or "").strip())
        for e in root.findall("request")
    ]
    if len(pairs) > MAX_ITEMS:
        raise ProtocolError(413, "too_many_items", f"At most {MAX_ITEMS} request ids per call.")
    return pairs


def parse_results(body: bytes) -> list[str]:
    root = _parse(body, "resultsRequest")
    ids = [(element.get("requestId") or "").strip() for element in root.findall("request")]
    if len(ids) > MAX_ITEMS:
        raise ProtocolError(413, "too_many_items", f"At most {MAX_ITEMS} request ids per call.")
    return ids


def parse_signoff(body: bytes) -> list[SignoffItem]:
    root = _parse(body, "signoffRequest")
    items = [
        SignoffItem(
            request_id=(element.get("requestId") or "").strip(),
            session_id=(element.get("sessionId") or "").strip(),
            result=(element.get("result") or "").strip(),
        )
        for element in root.findall("signoff")
    ]
    if len(items) > MAX_ITEMS:
        raise ProtocolError(413, "too_many_items", f"At most {MAX_ITEMS} sign-offs per call.")
    return items


class MockServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address,
        state: EndpointState,
        plan: FaultPlan,
        *,
        dataset: str,
        notify_url: str = "",
        notify_secret: str = DEMO_SECRET,
    ) -> None:
        super().__init__(address, Handler)
        self.state = state
        self.plan = plan
        self.dataset = dataset
        self.stopping = threading.Event()
        self.stats: Counter[str] = Counter()
        self.stats_lock = threading.Lock()
        # Callbacks to the school when a registered request's file is released.
        self.notifications = NotificationHub(
            is_released=state.is_released_for,
            clock=lambda: state.clock,
            count=self.count,
            url=notify_url,
            secret=notify_secret,
        )
        self.notifications.start()

    def count(self, **increments: int) -> None:
        with self.stats_lock:
            for name, amount in increments.items():
                self.stats[name] += amount

    def stop(self) -> None:
        """Stop serving (from any thread but the one running serve_forever)."""
        self.stopping.set()
        self.notifications.stop()
        self.shutdown()


class Handler(BaseHTTPRequestHandler):
    server: MockServer
    protocol_version = "HTTP/1.1"
    server_version = "elk-mock/1"

    # -- plumbing ------------------------------------------------------------------------
    def log_message(self, format: str, *args) -> None:
        logger.info("%s %s", self.address_string(), format % args)

    def _send(
        self,
        status: int,
        body: bytes,
        *,
        truncate: bool = False,
        content_type: str = "application/xml; charset=utf-8",
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self._drop_connection()
            return
        self.wfile.write(body)

    def _drop_connection(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ProtocolError(413, "too_large", "The body is too large.")
        return self.rfile.read(length) if length else b""

    def _route(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        query = parse_qs(parts.query, keep_blank_values=True)
        try:
            body = self._body() if method == "POST" else b""
            if path == "/health" and method == "GET":
                self.server.count(health=1)
                return self._send(200, self._health())
            if path == "/control/pupils" and method == "GET":
                # The one answer in JSON: a list for staff and tests, not part of the protocol.
                self.server.count(control=1)
                return self._send(
                    200, self._pupils(query), content_type="application/json; charset=utf-8"
                )
            if path.startswith("/control/"):
                self.server.count(control=1)
                return self._send(200, self._control(method, path, query))
            operation = self._operation(method, path)
            self._protocol_call(operation, path, query, body)
        except ProtocolError as exc:
            self._send(exc.status, error_body(exc.code, exc.message))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    # -- protocol calls ------------------------------------------------------------------
    @staticmethod
    def _operation(method: str, path: str) -> str:
        if path == "/oso/submit" and method == "POST":
            return "submit"
        if path == "/oso/results" and method == "POST":
            return "results"
        if path.startswith("/oso/results/") and method == "GET":
            return "results"
        if path == "/elk/feed" and method == "GET":
            return "feed"
        if path == "/oso/signoff" and method == "POST":
            return "signoff"
        if path == "/oso/notify" and method == "POST":
            return "notify"
        if path in ("/oso/submit", "/oso/results", "/elk/feed", "/oso/notify", "/oso/signoff"):
            raise ProtocolError(405, "method_not_allowed", "Method not allowed here.")
        raise ProtocolError(404, "not_found", "No such operation.")

    def _protocol_call(self, operation: str, path: str, query, body: bytes) -> None:
        server = self.server
        server.count(**{f"{operation}_calls": 1})
        fault = server.plan.decide_call(results_call=operation == "results")
        latency = server.plan.settings.latency
        if latency:
            time.sleep(latency)
        if fault == faults.ERROR:
            server.count(**{f"{operation}_faults": 1})
            status = server.plan.pick_status()
            message = "The chain is temporarily unavailable (injected fault)."
            return self._send(status, error_body("unavailable", message))
        if operation == "submit":
            items = parse_submit(body)
            server.count(submit_items=len(items))
            payload = self._submit(items)
        elif operation == "results":
            if path == "/oso/results":
                ids = parse_results(body)
            else:
                ids = [unquote(path.removeprefix("/oso/results/"))]
            server.count(results_items=len(ids))
            payload = self._results(ids, force_invalid=fault == faults.INVALID_XML)
        elif operation == "signoff":
            signoffs = parse_signoff(body)
            server.count(signoff_items=len(signoffs))
            payload = self._signoff(signoffs)
        elif operation == "notify":
            pairs = parse_notify(body)
            server.count(notify_items=len(pairs))
            payload = self._notify(pairs)
        else:
            payload = self._feed(query)
        if fault == faults.TIMEOUT:
            # The work is done (a submit is stored), but the answer never comes.
            server.count(**{f"{operation}_faults": 1})
            server.stopping.wait(server.plan.settings.hang_seconds)
            return self._drop_connection()
        if fault == faults.TRUNCATE:
            server.count(**{f"{operation}_faults": 1})
            return self._send(200, payload, truncate=True)
        self._send(200, payload)

    def _submit(self, items: list[SubmitItem]) -> bytes:
        return self._acks("submitResponse", self.server.state.submit(items))

    def _signoff(self, items: list[SignoffItem]) -> bytes:
        acks, repeats = self.server.state.sign_off(items)
        if repeats:
            self.server.count(signoff_repeats=repeats)
        return self._acks("signoffResponse", acks)

    def _acks(self, response: str, acks: Iterable[Ack]) -> bytes:
        """A submit's or sign-off's answer: one ``ack`` per request, with its session."""
        root = etree.Element(
            response, version=PROTOCOL_VERSION, clock=self.server.state.clock.isoformat()
        )
        for ack in acks:
            element = etree.SubElement(root, "ack", requestId=ack.request_id)
            element.set("accepted", "true" if ack.accepted else "false")
            if ack.session_id:
                element.set("sessionId", ack.session_id)
            if not ack.accepted:
                element.set("code", ack.code)
                element.text = ack.message
        return _xml(root)

    def _notify(self, pairs: list[tuple[str, str]]) -> bytes:
        """Register each request for a callback when its pupil's file is released."""
        state, hub = self.server.state, self.server.notifications
        root = etree.Element(
            "notifyResponse", version=PROTOCOL_VERSION, clock=state.clock.isoformat()
        )
        for request_id, callback_url in pairs:
            element = etree.SubElement(root, "registered", requestId=request_id)
            code = state.notification_check(request_id) if request_id else "malformed"
            if not code and not hub.register(request_id, callback_url=callback_url):
                code = "no_callback_url"
            element.set("accepted", "false" if code else "true")
            if code:
                element.set("code", code)
        # A file released already (between the school's poll and this call) is told at once.
        hub.kick()
        return _xml(root)

    def _results(self, request_ids: list[str], *, force_invalid: bool) -> bytes:
        state = self.server.state
        results = state.results(request_ids)
        root = etree.Element(
            "resultsResponse", version=PROTOCOL_VERSION, clock=state.clock.isoformat()
        )
        for result in results:
            element = etree.SubElement(
                root, "result", requestId=result.request_id, state=result.state
            )
            if result.state == ResultState.ERROR:
                element.set("code", result.code)
                element.set("transient", "true" if result.transient else "false")
                element.text = result.message
                continue
            if result.result_code:
                element.set("resultCode", result.result_code)
            version = result.version
            if version is not None:
                element.set("collectionDate", version.collection_date.isoformat())
                element.set("publishedOn", version.published_on.isoformat())
            if result.state == ResultState.DOSSIER:
                assert version is not None  # a dossier result always carries its version
                xml = version.xml
                if force_invalid or self.server.plan.dossier_is_invalid(result.request_id):
                    xml = break_xml(xml)
                element.set("sha256", hashlib.sha256(xml).hexdigest())
                dossier = etree.SubElement(element, "dossier", encoding="base64")
                dossier.text = base64.b64encode(xml).decode("ascii")
        return _xml(root)

    def _feed(self, query) -> bytes:
        school = (query.get("school") or [""])[0]
        since_text = (query.get("since") or [""])[0]
        if not school:
            raise ProtocolError(400, "bad_request", "The school parameter is required.")
        since = None
        if since_text:
            try:
                since = datetime.fromisoformat(since_text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ProtocolError(400, "bad_request", "since is not an ISO date-time.") from exc
            if since.tzinfo is None:
                raise ProtocolError(400, "bad_request", "since needs a time zone offset.")
        if school not in SECONDARY_SCHOOLS:
            raise ProtocolError(404, "unknown_school", "The school BRIN is not known.")
        as_of, placements, changed = self.server.state.feed(school, since)
        root = etree.Element(
            "feed", version=PROTOCOL_VERSION, school=school, asOf=as_of.isoformat()
        )
        placements_element = etree.SubElement(root, "placements")
        for entry in placements:
            pupil = entry.pupil
            etree.SubElement(
                placements_element,
                "placement",
                bsn=entry.bsn,
                educationNumber=entry.education_number,
                status=entry.status,
                date=entry.on.isoformat() if entry.on else "",
                birthDate=pupil.birth_date.isoformat() if pupil else "",
                surname=pupil.surname if pupil else "",
                prefix=pupil.prefix if pupil else "",
                givenName=pupil.given_name if pupil else "",
                primarySchoolBrin=pupil.primary_school_brin if pupil else "",
            )
        changes_element = etree.SubElement(root, "changes")
        for entry in changed:
            etree.SubElement(
                changes_element,
                "changed",
                bsn=entry.bsn,
                educationNumber=entry.education_number,
                changedAt=entry.changed_at.isoformat() if entry.changed_at else "",
            )
        return _xml(root)

    # -- health, control -----------------------------------------------------------------
    def _health(self) -> bytes:
        state = self.server.state
        root = etree.Element(
            "health",
            status="ok",
            version=PROTOCOL_VERSION,
            clock=state.clock.isoformat(),
            pupils=str(state.pupil_count),
            dataset=self.server.dataset,
        )
        return _xml(root)

    def _pupils(self, query) -> bytes:
        school = (query.get("school") or [""])[0]
        if not school:
            raise ProtocolError(400, "bad_request", "The school parameter is required.")
        if school not in SECONDARY_SCHOOLS:
            raise ProtocolError(404, "unknown_school", "The school BRIN is not known.")
        return json.dumps(self.server.state.pupils_of(school), ensure_ascii=False).encode()

    def _control(self, method: str, path: str, query) -> bytes:
        state, plan = self.server.state, self.server.plan
        if method == "POST" and path == "/control/clock":
            if "date" in query:
                try:
                    state.set_clock(date.fromisoformat(query["date"][0]))
                except ValueError as exc:
                    raise ProtocolError(400, "bad_request", "date is not YYYY-MM-DD.") from exc
            elif "advance_days" in query:
                try:
                    state.advance_clock(int(query["advance_days"][0]))
                except ValueError as exc:
                    raise ProtocolError(400, "bad_request", "advance_days is a number.") from exc
            else:
                raise ProtocolError(400, "bad_request", "Give date or advance_days.")
            # Files released by the move are told to the schools that registered for them.
            self.server.notifications.kick()
            return self._state_xml()
        if method == "POST" and path == "/control/notify":
            url = (query.get("url") or [None])[0]
            secret = (query.get("secret") or [None])[0]
            self.server.notifications.configure(url=url, secret=secret)
            return self._state_xml()
        if method == "POST" and path == "/control/faults":
            self._set_faults(query)
            return self._state_xml()
        if method == "POST" and path == "/control/withdraw":
            pupils = {v.strip() for value in query.get("pupils", []) for v in value.split(",")}
            state.set_withdrawn({v for v in pupils if v})
            return self._state_xml()
        if method == "POST" and path == "/control/reset":
            what = set(query) or {"faults", "stats", "requests"}
            if "faults" in what:
                plan.update(**vars(faults.FaultSettings()))
                plan.injected.clear()
                state.set_refused(set())
                state.set_withdrawn(set())
            if "stats" in what:
                with self.server.stats_lock:
                    self.server.stats.clear()
                plan.injected.clear()
            if "requests" in what:
                state.forget_requests()
                self.server.notifications.forget()
            return self._state_xml()
        if method == "GET" and path in ("/control/state", "/control/stats"):
            return self._state_xml()
        raise ProtocolError(404, "not_found", "No such control call.")

    def _set_faults(self, query) -> None:
        floats = ("latency", "error_rate", "timeout_rate", "truncate_rate", "invalid_xml_rate")
        changes: dict = {}
        try:
            for name in (*floats, "hang_seconds"):
                if name in query:
                    changes[name] = float(query[name][0])
            for name in ("max_consecutive", "seed"):
                if name in query:
                    changes[name] = int(query[name][0])
            if "budget" in query:
                value = query["budget"][0]
                changes["budget"] = int(value) if value else None
            if "next" in query:
                changes["next"] = [k for v in query["next"] for k in v.split(",") if k]
            self.server.plan.update(**changes)
        except ValueError as exc:
            raise ProtocolError(400, "bad_request", str(exc)) from exc
        if "refuse" in query:
            refused = {v.strip() for value in query["refuse"] for v in value.split(",")}
            self.server.state.set_refused({v for v in refused if v})

    def _state_xml(self) -> bytes:
        state, plan = self.server.state, self.server.plan
        settings = plan.snapshot()
        root = etree.Element("state", version=PROTOCOL_VERSION, clock=state.clock.isoformat())
        root.set("dataset", self.server.dataset)
        etree.SubElement(
            root,
            "faults",
            latency=str(settings.latency),
            error_rate=str(settings.error_rate),
            timeout_rate=str(settings.timeout_rate),
            truncate_rate=str(settings.truncate_rate),
            invalid_xml_rate=str(settings.invalid_xml_rate),
            hang_seconds=str(settings.hang_seconds),
            max_consecutive=str(settings.max_consecutive),
            budget="" if settings.budget is None else str(settings.budget),
            seed=str(settings.seed),
            next=",".join(settings.next),
            refuse=",".join(sorted(state.refused)),
            withdrawn=",".join(sorted(state.withdrawn)),
        )
        hub = self.server.notifications
        etree.SubElement(
            root,
            "notifications",
            url=hub.url,
            registered=str(hub.registered),
            queued=str(hub.queued),
        )
        stats = etree.SubElement(root, "stats")
        with self.server.stats_lock:
            counts = dict(self.server.stats)
        for name in sorted(counts):
            etree.SubElement(stats, "count", name=name, value=str(counts[name]))
        for kind, count in sorted(plan.injected.items()):
            etree.SubElement(stats, "count", name=f"injected_{kind}", value=str(count))
        return _xml(root)
