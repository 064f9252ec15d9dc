"""Typed values of the ELK/OSO endpoint client: what goes out, what comes back, what can fail.

Identifiers (BSN, education number) and birth dates are kept out of ``repr`` so that a value
that ends up in a log line or a traceback never shows them.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class SubmitItem:
    """One request: the pupil's identity exactly as in the last dossier applied."""

    request_id: str  # our idempotency key (TransferRequest), never a BSN
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    birth_date: date = field(repr=False)
    surname: str = field(repr=False)
    primary_school_brin: str
    changed_since: date | None


@dataclass(frozen=True)
class SubmitAck:
    request_id: str
    accepted: bool
    refusal_code: str | None
    message: str  # Dutch, for staff; "" when accepted
    # The session the chain opened for this transfer (its sign-off names it); "" when none.
    session_id: str = ""


class WaitReason(StrEnum):
    """Why the primary school's system has no file to give yet (a PENDING result).

    The chain names these with result codes (DOMAIN.md); the values here are the portal's.
    """

    NOT_AVAILABLE = "not_available"  # LeerlinginfoNietBeschikbaar: nothing released
    NOT_INSPECTED = "not_inspected"  # LeerlinginfoNietOpvraagbaar: the parents have not seen it


# The chain's result code for each wait (the mock sends these on a pending result).
WAIT_REASON_CODES: dict[str, WaitReason] = {
    "LeerlinginfoNietBeschikbaar": WaitReason.NOT_AVAILABLE,
    "LeerlinginfoNietOpvraagbaar": WaitReason.NOT_INSPECTED,
}


class ResultState(StrEnum):
    PENDING = "pending"  # the primary school has not released the file yet: ask again later
    DOSSIER = "dossier"  # dossier_xml holds the file
    NOT_CHANGED = "not_changed"  # nothing newer than changed_since
    ERROR = "error"  # error_code, message (Dutch) and transient tell what to do


@dataclass(frozen=True)
class RequestResult:
    request_id: str
    state: ResultState
    dossier_xml: bytes | None = field(repr=False)
    error_code: str | None
    message: str  # Dutch for ERROR, "" otherwise
    transient: bool  # ERROR only: True = ask again later, False = give up
    collection_date: date | None = None  # of the file served (DOSSIER, NOT_CHANGED), if given
    # The day the primary school released that file (publishedOn), if given: a file can be
    # released days after its collection date, and ELK's feed dates a change by its release.
    published_on: date | None = None
    # DOSSIER: the tree the client parsed ``dossier_xml`` into (the reader's hardened
    # parser, ``safe_xml.parse_tree``), handed to the reader so that the file is parsed once.
    dossier_tree: Any = field(default=None, repr=False, compare=False)
    # PENDING only: which wait it is (None: the endpoint did not say).
    wait_reason: WaitReason | None = None


@dataclass(frozen=True)
class Placement:
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    status: str  # "Geplaatst" | "Geplaatst doorbegeleid"
    date: date
    # Who the pupil is, so that a placement of a pupil we do not know can sign them up.
    # (``_dt.date``: the field ``date`` above shadows the type in this class body.)
    birth_date: _dt.date | None = field(default=None, repr=False)
    surname: str = field(default="", repr=False)
    prefix: str = field(default="", repr=False)
    given_name: str = field(default="", repr=False)
    primary_school_brin: str = ""


@dataclass(frozen=True)
class ChangedPupil:
    """ELK's blue dot: the primary school added data at ``changed_at``."""

    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    changed_at: datetime


@dataclass(frozen=True)
class Feed:
    as_of: datetime  # pass this as ``since`` next time to get only newer changes
    placements: tuple[Placement, ...]
    changed: tuple[ChangedPupil, ...]


class EndpointError(Exception):
    """A whole call failed. ``message`` is Dutch, for staff; ``transient`` says retry later."""

    transient: bool = False

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # a short English tag: timeout, connect, http_503, truncated, ...
        self.status = status  # the HTTP status, when there was one


class TransientEndpointError(EndpointError):
    """Timeouts, 5xx, connection errors, truncated bodies: the same call may work later."""

    transient = True


class PermanentEndpointError(EndpointError):
    """4xx refusals of the whole call, unreadable envelopes: retrying will not help."""

    transient = False
