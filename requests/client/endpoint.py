"""The portal's client for the ELK/OSO endpoint (protocol: elk_mock/README.md), with httpx.

One call, one HTTP request: the client never retries by itself. Every failure of a whole call
raises ``TransientEndpointError`` (retry later: timeouts, 5xx, connection errors, truncated
bodies) or ``PermanentEndpointError`` (4xx, unreadable envelopes); per-request problems come
back as values (``SubmitAck`` refusals, ``RequestResult`` with state ERROR). Messages are Dutch.
Logs name request ids and counts only, never a BSN.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
from collections.abc import Sequence
from datetime import date, datetime

import httpx
from lxml import etree

from common.clock import aware
from oso_format.parsers import thread_parser
from oso_format.safe_xml import parse_tree
from oso_format.types import DossierError
from requests.client import messages
from requests.client.exchange import DocumentAsk, SignoffAck, SignoffItem
from requests.client.notifications import NotificationAck
from requests.client.types import (
    WAIT_REASON_CODES,
    ChangedPupil,
    Feed,
    PermanentEndpointError,
    Placement,
    RequestResult,
    ResultState,
    SubmitAck,
    SubmitItem,
    TransientEndpointError,
)

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = "1"
MAX_ITEMS_PER_CALL = 1000  # the endpoint's limit; callers send chunks of at most this many


def _safe_parser() -> etree.XMLParser:
    # huge_tree: a results envelope carries each dossier as one base64 text node, a third
    # larger than the file; without it libxml2 refuses any node over 10 MB, so a dossier of
    # 7.5 MB could never come through. Entities are never expanded, so this lifts no guard
    # against entity bombs; the size of each dossier is checked before it is decoded.
    return thread_parser(huge_tree=True)


def _text_or_empty(value: str | None) -> str:
    return value or ""


class EndpointClient:
    """The HTTP binding of the exchange seam (``requests.client.exchange.Exchange``) for the mock.

    ``submit`` opens the transfers (the mock opens a session per request and takes the request
    date with it), ``results`` asks for their documents, ``sign_off`` closes them, and
    ``register_notifications`` asks for a callback when a waiting file is released.
    """

    # The mock calls back when a registered request's file is released (/oso/notify).
    supports_notifications = True

    @classmethod
    def from_settings(cls) -> EndpointClient:
        """A client for ``OSO_ENDPOINT_URL`` as our school ``OSO_SCHOOL_BRIN``."""
        from django.conf import settings

        return cls(
            base_url=settings.OSO_ENDPOINT_URL,
            school_brin=settings.OSO_SCHOOL_BRIN,
            connect_timeout=settings.OSO_ENDPOINT_CONNECT_TIMEOUT,
            read_timeout=settings.OSO_ENDPOINT_READ_TIMEOUT,
            max_dossier_bytes=settings.OSO_DOSSIER_MAX_BYTES,
        )

    def __init__(
        self,
        *,
        base_url: str,
        school_brin: str,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        max_dossier_bytes: int | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.school_brin = school_brin
        self.max_dossier_bytes = max_dossier_bytes
        timeout = httpx.Timeout(
            connect=connect_timeout, read=read_timeout, write=read_timeout, pool=connect_timeout
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/xml"},
        )

    # -- lifecycle -----------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EndpointClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- submit --------------------------------------------------------------------------
    def submit(self, items: Sequence[SubmitItem]) -> list[SubmitAck]:
        """Hand requests to the endpoint; one acknowledgement or refusal per item, in order."""
        if not items:
            return []
        self._check_size(len(items))
        root = etree.Element("submitRequest", version=PROTOCOL_VERSION)
        for item in items:
            element = etree.SubElement(root, "item", requestId=item.request_id)
            etree.SubElement(element, "schoolBrin").text = self.school_brin
            if item.bsn:
                etree.SubElement(element, "bsn").text = item.bsn
            if item.education_number:
                etree.SubElement(element, "educationNumber").text = item.education_number
            etree.SubElement(element, "birthDate").text = item.birth_date.isoformat()
            etree.SubElement(element, "surname").text = item.surname
            etree.SubElement(element, "primarySchoolBrin").text = item.primary_school_brin
            if item.changed_since is not None:
                etree.SubElement(element, "changedSince").text = item.changed_since.isoformat()
        response = self._envelope("POST", "/oso/submit", "submitResponse", content=_serialise(root))
        acks = response.findall("ack")
        if len(acks) != len(items):
            raise PermanentEndpointError(messages.unreadable_message(), code="ack_count")
        result = []
        for item, ack in zip(items, acks, strict=True):
            if ack.get("requestId") not in (item.request_id, ""):
                raise PermanentEndpointError(messages.unreadable_message(), code="ack_order")
            accepted = ack.get("accepted")
            session_id = ack.get("sessionId") or ""
            if accepted == "true":
                result.append(SubmitAck(item.request_id, True, None, "", session_id))
            elif accepted == "false":
                code = ack.get("code") or "refused"
                result.append(
                    SubmitAck(
                        item.request_id, False, code, messages.refusal_message(code), session_id
                    )
                )
            else:
                raise PermanentEndpointError(messages.unreadable_message(), code="ack_value")
        refused = sum(1 for ack in result if not ack.accepted)
        logger.info("endpoint submit: %d items, %d refused", len(items), refused)
        return result

    # -- results -------------------------------------------------------------------------
    def results(self, request_ids: Sequence[str]) -> list[RequestResult]:
        """The current answer for each request id, in the order asked."""
        if not request_ids:
            return []
        self._check_size(len(request_ids))
        root = etree.Element("resultsRequest", version=PROTOCOL_VERSION)
        for request_id in request_ids:
            etree.SubElement(root, "request", requestId=request_id)
        response = self._envelope(
            "POST", "/oso/results", "resultsResponse", content=_serialise(root)
        )
        by_id: dict[str, etree._Element] = {}
        for element in response.findall("result"):
            by_id.setdefault(_text_or_empty(element.get("requestId")), element)
        results = []
        for request_id in request_ids:
            found = by_id.get(request_id)
            if found is None:
                results.append(_error(request_id, messages.MISSING_RESULT, transient=True))
            else:
                results.append(self._result(request_id, found))
        logger.info(
            "endpoint results: %d asked, %s",
            len(request_ids),
            ", ".join(f"{s}={sum(r.state == s for r in results)}" for s in ResultState),
        )
        return results

    def _result(self, request_id: str, element: etree._Element) -> RequestResult:
        state = element.get("state")
        collection_date = _optional_date(element.get("collectionDate"))
        published_on = _optional_date(element.get("publishedOn"))
        if state == ResultState.PENDING:
            return RequestResult(
                request_id,
                ResultState.PENDING,
                None,
                None,
                "",
                False,
                wait_reason=WAIT_REASON_CODES.get(element.get("resultCode") or ""),
            )
        if state == ResultState.NOT_CHANGED:
            return RequestResult(
                request_id,
                ResultState.NOT_CHANGED,
                None,
                None,
                "",
                False,
                collection_date,
                published_on,
            )
        if state == ResultState.ERROR:
            code = element.get("code") or "error"
            transient = element.get("transient") == "true"
            return RequestResult(
                request_id,
                ResultState.ERROR,
                None,
                code,
                messages.result_error_message(code),
                transient,
            )
        if state != ResultState.DOSSIER:
            return _error(request_id, messages.UNKNOWN_STATE, transient=False)
        payload = element.find("dossier")
        if payload is None or payload.get("encoding", "base64") != "base64":
            return _error(request_id, messages.UNKNOWN_STATE, transient=False)
        encoded = payload.text or ""
        # Four base64 characters carry three bytes: too large is known before decoding.
        if self._too_large(len(encoded) // 4 * 3 - encoded[-2:].count("=")):
            return self._too_large_result(request_id)
        try:
            xml = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return _error(request_id, messages.CHECKSUM_MISMATCH, transient=True)
        expected = element.get("sha256")
        if expected and hashlib.sha256(xml).hexdigest() != expected.lower():
            return _error(request_id, messages.CHECKSUM_MISMATCH, transient=True)
        if self._too_large(len(xml)):
            return self._too_large_result(request_id)
        try:
            # The one lxml parse of the file: the reader checks this tree, not the bytes again.
            tree = parse_tree(xml)
        except DossierError:
            logger.warning("endpoint results: request %s served XML that is not well-formed",
                           request_id)  # fmt: skip
            return _error(request_id, messages.INVALID_DOSSIER, transient=False)
        return RequestResult(
            request_id,
            ResultState.DOSSIER,
            xml,
            None,
            "",
            False,
            collection_date,
            published_on,
            dossier_tree=tree,
        )

    def _too_large(self, size: int) -> bool:
        return self.max_dossier_bytes is not None and size > self.max_dossier_bytes

    def _too_large_result(self, request_id: str) -> RequestResult:
        assert self.max_dossier_bytes is not None
        return RequestResult(
            request_id,
            ResultState.ERROR,
            None,
            messages.DOSSIER_TOO_LARGE,
            messages.too_large_message(self.max_dossier_bytes),
            False,
        )

    # -- the exchange seam ---------------------------------------------------------------
    def open_transfers(self, items: Sequence[SubmitItem]) -> list[SubmitAck]:
        return self.submit(items)

    def ask_documents(self, asks: Sequence[DocumentAsk]) -> list[RequestResult]:
        # The mock keeps each request's date and session with the request id.
        return self.results([ask.request_id for ask in asks])

    def sign_off(self, items: Sequence[SignoffItem]) -> list[SignoffAck]:
        """Sign each transfer off with its best result; one ack per item, in order."""
        if not items:
            return []
        self._check_size(len(items))
        root = etree.Element("signoffRequest", version=PROTOCOL_VERSION)
        for item in items:
            etree.SubElement(
                root,
                "signoff",
                requestId=item.request_id,
                sessionId=item.session_id,
                result=str(item.result),
            )
        response = self._envelope(
            "POST", "/oso/signoff", "signoffResponse", content=_serialise(root)
        )
        acks = response.findall("ack")
        if len(acks) != len(items):
            raise PermanentEndpointError(messages.unreadable_message(), code="ack_count")
        result = []
        for item, ack in zip(items, acks, strict=True):
            if ack.get("requestId") != item.request_id:
                raise PermanentEndpointError(messages.unreadable_message(), code="ack_order")
            accepted = ack.get("accepted") == "true"
            code = "" if accepted else ack.get("code") or "refused"
            result.append(
                SignoffAck(
                    item.request_id,
                    accepted,
                    code,
                    "" if accepted else messages.result_error_message(code),
                )
            )
        logger.info(
            "endpoint sign-off: %d items, %d refused",
            len(items),
            sum(1 for ack in result if not ack.accepted),
        )
        return result

    # -- feed ----------------------------------------------------------------------------
    def feed(self, *, since: datetime | None = None) -> Feed:
        """ELK's placements, and the pupils whose file changed after ``since`` (blue dot)."""
        params = {"school": self.school_brin}
        if since is not None:
            params["since"] = aware(since).isoformat()
        root = self._envelope("GET", "/elk/feed", "feed", params=params)
        try:
            as_of = aware(datetime.fromisoformat(root.get("asOf") or ""))
            placements = tuple(
                Placement(
                    bsn=_text_or_empty(element.get("bsn")),
                    education_number=_text_or_empty(element.get("educationNumber")),
                    status=element.get("status") or "",
                    date=date.fromisoformat(element.get("date") or ""),
                    birth_date=_optional_date(element.get("birthDate")),
                    surname=_text_or_empty(element.get("surname")),
                    prefix=_text_or_empty(element.get("prefix")),
                    given_name=_text_or_empty(element.get("givenName")),
                    primary_school_brin=_text_or_empty(element.get("primarySchoolBrin")),
                )
                for element in root.iterfind("placements/placement")
            )
            changed = tuple(
                ChangedPupil(
                    bsn=_text_or_empty(element.get("bsn")),
                    education_number=_text_or_empty(element.get("educationNumber")),
                    changed_at=aware(datetime.fromisoformat(element.get("changedAt") or "")),
                )
                for element in root.iterfind("changes/changed")
            )
        except ValueError as exc:
            raise PermanentEndpointError(messages.unreadable_message(), code="feed") from exc
        logger.info("endpoint feed: %d placements, %d changed", len(placements), len(changed))
        return Feed(as_of=as_of, placements=placements, changed=changed)

    # -- notifications -------------------------------------------------------------------
    def register_notifications(
        self, request_ids: Sequence[str], *, callback_url: str
    ) -> list[NotificationAck]:
        """Ask to be called back on ``callback_url`` when each request's file is released.

        One answer per request id, in order; a refusal (``unknown_request``...) is a value.
        """
        if not request_ids:
            return []
        self._check_size(len(request_ids))
        root = etree.Element("notifyRequest", version=PROTOCOL_VERSION)
        for request_id in request_ids:
            etree.SubElement(root, "request", requestId=request_id, callbackUrl=callback_url)
        response = self._envelope("POST", "/oso/notify", "notifyResponse", content=_serialise(root))
        answers = response.findall("registered")
        if len(answers) != len(request_ids):
            raise PermanentEndpointError(messages.unreadable_message(), code="notify_count")
        acks = []
        for request_id, answer in zip(request_ids, answers, strict=True):
            if answer.get("requestId") != request_id:
                raise PermanentEndpointError(messages.unreadable_message(), code="notify_order")
            accepted = answer.get("accepted") == "true"
            acks.append(
                NotificationAck(
                    request_id, accepted, "" if accepted else answer.get("code") or "refused"
                )
            )
        logger.info("endpoint notify: %d registered, %d refused",
                    sum(a.accepted for a in acks), sum(not a.accepted for a in acks))  # fmt: skip
        return acks

    # -- plumbing ------------------------------------------------------------------------
    @staticmethod
    def _check_size(count: int) -> None:
        if count > MAX_ITEMS_PER_CALL:
            raise ValueError(f"at most {MAX_ITEMS_PER_CALL} items per call, got {count}")

    def _envelope(self, method: str, path: str, root_tag: str, **kwargs) -> etree._Element:
        """Make one call and return its XML envelope, or raise the right EndpointError."""
        if "content" in kwargs:
            kwargs["headers"] = {"Content-Type": "application/xml; charset=utf-8"}
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise TransientEndpointError(messages.timeout_message(), code="timeout") from exc
        except httpx.ConnectError as exc:
            raise TransientEndpointError(messages.connect_message(), code="connect") from exc
        except httpx.RemoteProtocolError as exc:
            # The server closed the connection before the body (or any answer) was complete.
            if "complete message body" in str(exc):
                raise TransientEndpointError(
                    messages.truncated_message(), code="truncated"
                ) from exc
            raise TransientEndpointError(
                messages.connection_broken_message(), code="connection_broken"
            ) from exc
        except httpx.TransportError as exc:
            raise TransientEndpointError(
                messages.connection_broken_message(), code="transport"
            ) from exc
        status = response.status_code
        if status >= 500 or status in (408, 429):
            raise TransientEndpointError(
                messages.server_error_message(status), code=f"http_{status}", status=status
            )
        if status != 200:
            code = _error_code(response.content)
            raise PermanentEndpointError(
                messages.call_refused_message(status, code), code=code or f"http_{status}",
                status=status,
            )  # fmt: skip
        root = _parse_envelope(response.content)
        if root.tag != root_tag or root.get("version") != PROTOCOL_VERSION:
            raise PermanentEndpointError(messages.unreadable_message(), code="envelope")
        return root


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _parse_envelope(body: bytes) -> etree._Element:
    """Parse an answer; an incomplete document is transient, a malformed one permanent."""
    parser = _safe_parser()
    try:
        parser.feed(body)
    except etree.XMLSyntaxError as exc:
        raise PermanentEndpointError(messages.unreadable_message(), code="malformed") from exc
    try:
        return parser.close()
    except etree.XMLSyntaxError as exc:
        # Everything received was fine, it just stopped: the body was cut off.
        raise TransientEndpointError(messages.truncated_message(), code="truncated") from exc


def _error_code(body: bytes) -> str:
    try:
        root = etree.fromstring(body, _safe_parser())
    except etree.XMLSyntaxError:
        return ""
    return root.get("code", "") if root.tag == "error" else ""


def _error(request_id: str, code: str, *, transient: bool) -> RequestResult:
    return RequestResult(
        request_id,
        ResultState.ERROR,
        None,
        code,
        messages.result_error_message(code),
        transient,
    )


def _optional_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
