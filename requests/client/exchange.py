"""The seam between the portal and the ELK/OSO chain: what any binding must offer.

The real chain (DOMAIN.md, docs/INTEGRATION.md) works per transfer: a session is opened
(``overdrachtRequest``), the document is asked of the primary school's system
(``documentRequest``, optionally with a request date so that only a newer file comes back),
the session is signed off with its best result (``afmeldingRequest``), and a system may ask to
be told when a file that was not available becomes available (``meldenNotificatieRequest``,
then ``notificatieRequest``). The portal only speaks to this interface; which implementation
it gets is the setting ``OSO_EXCHANGE_BACKEND`` (a dotted path to a class with a
``from_settings()`` class method). Today's implementation is the HTTP client for the mock
(``requests.client.endpoint.EndpointClient``).

Rules every implementation keeps (the pipeline relies on them):

- one call, one round trip: never retry inside; raise ``TransientEndpointError`` for what may
  work later and ``PermanentEndpointError`` for what will not; per-item problems come back as
  values, in the order asked;
- messages are Dutch for staff; logs name request ids and counts, never a BSN;
- a request id is our idempotency key: the same id twice is the same transfer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from requests.client.notifications import NotificationAck
from requests.client.types import Feed, RequestResult, SubmitAck, SubmitItem, WaitReason


@dataclass(frozen=True)
class DocumentAsk:
    """Ask for the document of one open transfer (``documentRequest``)."""

    request_id: str
    session_id: str = ""  # as the ack of open_transfers gave it
    # Only a file collected after this day is wanted (the request date); None: the current one.
    request_date: date | None = None


class SignoffResult(StrEnum):
    """The best result a transfer reached, as the portal signs it off (``afmeldingRequest``)."""

    DOSSIER = "dossier"  # a file came back (whatever the merge then made of it)
    NOT_CHANGED = "not_changed"  # nothing newer than the request date
    NOT_AVAILABLE = "not_available"  # gave up waiting: nothing released
    NOT_INSPECTED = "not_inspected"  # gave up waiting: the parents had not seen the file
    FAILED = "failed"  # refused, or ended without any answer worth more


SIGNOFF_FOR_WAIT: dict[WaitReason, SignoffResult] = {
    WaitReason.NOT_AVAILABLE: SignoffResult.NOT_AVAILABLE,
    WaitReason.NOT_INSPECTED: SignoffResult.NOT_INSPECTED,
}


@dataclass(frozen=True)
class SignoffItem:
    request_id: str
    session_id: str
    result: SignoffResult


@dataclass(frozen=True)
class SignoffAck:
    request_id: str
    accepted: bool
    code: str = ""  # why not, e.g. unknown_request (the chain no longer knows the transfer)
    message: str = ""


@runtime_checkable
class Exchange(Protocol):
    """What the portal asks of the chain. See the module docstring for the rules."""

    # False: the binding cannot register for notifications; the portal keeps polling.
    supports_notifications: bool

    def open_transfers(self, items: Sequence[SubmitItem]) -> list[SubmitAck]:
        """Open one transfer (a session) per item; one ack or refusal per item, in order.

        ``SubmitItem.changed_since`` is the request date the document is asked with.
        """
        ...

    def ask_documents(self, asks: Sequence[DocumentAsk]) -> list[RequestResult]:
        """The current answer per open transfer, in order: a file, not changed, a wait
        (``RequestResult.wait_reason`` says which), or an error."""
        ...

    def sign_off(self, items: Sequence[SignoffItem]) -> list[SignoffAck]:
        """Close each transfer with its best result; one ack per item, in order.

        Signing off the same request id again must change nothing at the chain's side.
        """
        ...

    def register_notifications(
        self, request_ids: Sequence[str], *, callback_url: str
    ) -> list[NotificationAck]:
        """Ask to be called back on ``callback_url`` when each waiting transfer's file becomes
        available; one answer per request id, in order. What the chain then sends is checked
        and read by ``requests.client.notifications`` (signature, age, replay, shape)."""
        ...

    def feed(self, *, since: datetime | None = None) -> Feed:
        """ELK's placements, and the pupils whose file changed after ``since``."""
        ...

    def close(self) -> None: ...


def exchange_from_settings() -> Exchange:
    """The implementation ``OSO_EXCHANGE_BACKEND`` names, built from the settings; close it."""
    binding: Any = import_string(settings.OSO_EXCHANGE_BACKEND)
    exchange = binding.from_settings()
    if not isinstance(exchange, Exchange):
        raise TypeError(f"{settings.OSO_EXCHANGE_BACKEND} does not implement Exchange")
    return exchange
