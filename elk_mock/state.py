"""What the mock endpoint knows and decides: pupils, the clock, stored requests, results, feed.

No HTTP here: ``server.py`` parses the envelopes and calls these methods. All state sits behind
one lock, so the threaded server gives the same answers as a sequential one.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from elk_mock.dataset import (
    SECONDARY_SCHOOLS,
    DossierVersion,
    Pupil,
    is_pending,
    is_valid_bsn,
    is_valid_education_number,
    released_version,
)

BRIN = re.compile(r"^[0-9]{2}[A-Z]{2}$")


class RefusalCode:
    MALFORMED = "malformed"  # the item misses a field or a field is not valid
    UNKNOWN_SCHOOL = "unknown_school"  # the school BRIN is not a school the chain knows
    UNKNOWN_PUPIL = "unknown_pupil"  # no pupil with this BSN/education number and birth date
    NO_RELATION = "no_relation"  # pupil not signed up at this school / other primary school
    NAME_MISMATCH = "name_mismatch"  # the surname is not the one the primary school has
    REFUSED = "refused"  # the primary school refuses to hand over this pupil's file


REFUSAL_MESSAGES: dict[str, str] = {
    RefusalCode.MALFORMED: "The request item is incomplete or has an invalid field.",
    RefusalCode.UNKNOWN_SCHOOL: "The school BRIN is not known to the chain.",
    RefusalCode.UNKNOWN_PUPIL: "No pupil with this BSN/education number and birth date.",
    RefusalCode.NO_RELATION: "The pupil is not related to this school or this primary school.",
    RefusalCode.NAME_MISMATCH: "The surname does not match the primary school's records.",
    RefusalCode.REFUSED: "The primary school refuses to release this pupil's file.",
}


class ResultState:
    PENDING = "pending"
    DOSSIER = "dossier"
    NOT_CHANGED = "not_changed"
    ERROR = "error"


UNKNOWN_REQUEST = "unknown_request"


class ResultCode:
    """The chain's result codes for a file that cannot be given yet (DOMAIN.md)."""

    NOT_AVAILABLE = "LeerlinginfoNietBeschikbaar"  # nothing released (nothing collected yet)
    NOT_INSPECTED = "LeerlinginfoNietOpvraagbaar"  # collected, the parents have not seen it yet


# What a sign-off may say was the transfer's best result (elk_mock/README.md).
SIGNOFF_RESULTS = frozenset({"dossier", "not_changed", "not_available", "not_inspected", "failed"})


@dataclass(frozen=True)
class SubmitItem:
    request_id: str
    school_brin: str
    bsn: str
    education_number: str
    birth_date: date | None
    surname: str
    primary_school_brin: str
    changed_since: date | None
    problem: str = ""  # set by the parser when a field could not be read


@dataclass(frozen=True)
class Ack:
    request_id: str
    accepted: bool
    code: str = ""
    message: str = ""
    session_id: str = ""  # every stored request opens a session, accepted or refused


@dataclass(frozen=True)
class SignoffItem:
    request_id: str
    session_id: str
    result: str


@dataclass(frozen=True)
class Signoff:
    """A recorded sign-off: the first one of a request stands."""

    session_id: str
    result: str
    clock: date


@dataclass(frozen=True)
class StoredRequest:
    item: SubmitItem
    ack: Ack
    pupil_key: str | None


@dataclass(frozen=True)
class Result:
    request_id: str
    state: str
    version: DossierVersion | None = None
    code: str = ""
    message: str = ""
    transient: bool = False
    result_code: str = ""  # PENDING: the chain's code for the wait (ResultCode)


@dataclass(frozen=True)
class FeedEntry:
    bsn: str
    education_number: str
    status: str = ""
    on: date | None = None
    changed_at: datetime | None = None
    pupil: Pupil | None = None  # placements: who the pupil is (birth date, names, school)


def moment(day: date) -> datetime:
    """The mock's clock ticks in whole days: a day's moment is its midnight, UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _normalise_name(value: str) -> str:
    return " ".join(value.split()).casefold()


class EndpointState:
    def __init__(self, pupils: list[Pupil], clock: date) -> None:
        self._lock = threading.Lock()
        self._pupils = {pupil.key: pupil for pupil in pupils}
        self._by_identifier = {pupil.identifier: pupil for pupil in pupils}
        self._surnames = {
            pupil.key: {_normalise_name(v.content.surname) for v in pupil.versions}
            | {_normalise_name(pupil.surname)}
            for pupil in pupils
        }
        self._clock = clock
        self._requests: dict[str, StoredRequest] = {}
        self._sessions = 0
        self._signoffs: dict[str, Signoff] = {}
        self._refused: set[str] = set()
        self._withdrawn: set[str] = set()
        self.counters: Counter[str] = Counter()

    # -- clock ---------------------------------------------------------------------------
    @property
    def clock(self) -> date:
        with self._lock:
            return self._clock

    def set_clock(self, day: date) -> date:
        with self._lock:
            self._clock = day
            return day

    def advance_clock(self, days: int) -> date:
        with self._lock:
            self._clock += timedelta(days=days)
            return self._clock

    @property
    def pupil_count(self) -> int:
        return len(self._pupils)

    # -- refusals (a fault switch, but it belongs to the data) ----------------------------
    def set_refused(self, keys_or_identifiers: set[str]) -> None:
        with self._lock:
            self._refused = set(keys_or_identifiers)

    @property
    def refused(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._refused)

    # -- withdrawn placements (ELK took the placement back) -------------------------------
    def set_withdrawn(self, keys_or_identifiers: set[str]) -> None:
        with self._lock:
            self._withdrawn = set(keys_or_identifiers)

    @property
    def withdrawn(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._withdrawn)

    def _is_placed(self, pupil: Pupil, clock: date) -> bool:
        if pupil.placement is None or pupil.placement.date > clock:
            return False
        return pupil.key not in self._withdrawn and pupil.identifier not in self._withdrawn

    # -- the pupils of a school, for staff and tests -------------------------------------
    def pupils_of(self, school_brin: str) -> list[dict]:
        """One plain record per pupil of the school, at the clock (``/control/pupils``)."""
        with self._lock:
            clock = self._clock
            return [
                {
                    "bsn": pupil.bsn,
                    "educationNumber": pupil.education_number,
                    "birthDate": pupil.birth_date.isoformat(),
                    "prefix": pupil.prefix,
                    "surname": pupil.surname,
                    "givenName": pupil.given_name,
                    "primarySchoolBrin": pupil.primary_school_brin,
                    "placed": self._is_placed(pupil, clock),
                    "firstFileReleased": released_version(pupil, clock) is not None,
                    "importedByDemo": pupil.imported_by_demo,
                }
                for pupil in self._pupils.values()
                if pupil.secondary_school_brin == school_brin
            ]

    def forget_requests(self) -> None:
        with self._lock:
            self._requests.clear()
            self._signoffs.clear()

    @property
    def signoffs(self) -> dict[str, Signoff]:
        with self._lock:
            return dict(self._signoffs)

    # -- submit --------------------------------------------------------------------------
    def submit(self, items: list[SubmitItem]) -> list[Ack]:
        acks = []
        with self._lock:
            for item in items:
                stored = self._requests.get(item.request_id) if item.request_id else None
                if stored is not None:
                    # The same request id is one request: the first answer stands.
                    acks.append(stored.ack)
                    continue
                code, pupil = self._check(item)
                session_id = ""
                if item.request_id:
                    self._sessions += 1
                    session_id = f"S{self._sessions:08d}"
                ack = Ack(
                    item.request_id,
                    accepted=not code,
                    code=code,
                    message=REFUSAL_MESSAGES.get(code, ""),
                    session_id=session_id,
                )
                if item.request_id:
                    self._requests[item.request_id] = StoredRequest(
                        item, ack, pupil.key if pupil else None
                    )
                acks.append(ack)
        return acks

    def _check(self, item: SubmitItem) -> tuple[str, Pupil | None]:
        if _malformed(item):
            return RefusalCode.MALFORMED, None
        if item.school_brin not in SECONDARY_SCHOOLS:
            return RefusalCode.UNKNOWN_SCHOOL, None
        pupil = self._by_identifier.get(item.bsn or item.education_number)
        if pupil is None or pupil.birth_date != item.birth_date:
            return RefusalCode.UNKNOWN_PUPIL, None
        if pupil.bsn != item.bsn or pupil.education_number != item.education_number:
            return RefusalCode.UNKNOWN_PUPIL, None
        if pupil.key in self._refused or pupil.identifier in self._refused:
            return RefusalCode.REFUSED, pupil
        if (
            pupil.secondary_school_brin != item.school_brin
            or pupil.primary_school_brin != item.primary_school_brin
        ):
            return RefusalCode.NO_RELATION, pupil
        if _normalise_name(item.surname) not in self._surnames[pupil.key]:
            return RefusalCode.NAME_MISMATCH, pupil
        return "", pupil

    # -- results -------------------------------------------------------------------------
    def results(self, request_ids: list[str]) -> list[Result]:
        with self._lock:
            return [self._result(request_id) for request_id in request_ids]

    def _result(self, request_id: str) -> Result:
        stored = self._requests.get(request_id)
        if stored is None:
            return Result(
                request_id,
                ResultState.ERROR,
                code=UNKNOWN_REQUEST,
                message="No request with this id was submitted.",
            )
        if not stored.ack.accepted:
            return Result(
                request_id, ResultState.ERROR, code=stored.ack.code, message=stored.ack.message
            )
        # An accepted request always names its pupil, and a pupil that is not pending
        # has released a version.
        assert stored.pupil_key is not None
        pupil = self._pupils[stored.pupil_key]
        if is_pending(pupil, self._clock):
            return Result(
                request_id, ResultState.PENDING, result_code=wait_code(pupil, self._clock)
            )
        version = released_version(pupil, self._clock)
        assert version is not None
        since = stored.item.changed_since
        if since is not None and version.collection_date <= since:
            return Result(request_id, ResultState.NOT_CHANGED, version=version)
        return Result(request_id, ResultState.DOSSIER, version=version)

    # -- sign-off ------------------------------------------------------------------------
    def sign_off(self, items: list[SignoffItem]) -> tuple[list[Ack], int]:
        """Record each transfer's sign-off; the acks, and how many were signed off before.

        Signing off again changes nothing (the first sign-off stands) but is counted, so that
        a test can show every request was signed off exactly once.
        """
        acks = []
        repeats = 0
        with self._lock:
            for item in items:
                stored = self._requests.get(item.request_id) if item.request_id else None
                if stored is None:
                    acks.append(
                        Ack(
                            item.request_id,
                            accepted=False,
                            code=UNKNOWN_REQUEST,
                            message="No request with this id was submitted.",
                        )
                    )
                    continue
                if item.result not in SIGNOFF_RESULTS:
                    acks.append(
                        Ack(
                            item.request_id,
                            accepted=False,
                            code=RefusalCode.MALFORMED,
                            message="The result is not one the chain knows.",
                        )
                    )
                    continue
                if item.request_id in self._signoffs:
                    repeats += 1
                else:
                    self._signoffs[item.request_id] = Signoff(
                        stored.ack.session_id, item.result, self._clock
                    )
                acks.append(Ack(item.request_id, accepted=True, session_id=stored.ack.session_id))
        return acks, repeats

    # -- notifications (elk_mock/notifications.py) ---------------------------------------
    def notification_check(self, request_id: str) -> str:
        """ "" when the request may be registered for a notification, else a refusal code."""
        with self._lock:
            stored = self._requests.get(request_id)
            if stored is None:
                return UNKNOWN_REQUEST
            if not stored.ack.accepted or stored.pupil_key is None:
                return stored.ack.code or RefusalCode.REFUSED
            return ""

    def is_released_for(self, request_id: str) -> bool:
        """The pupil of this accepted request has a released file, none pending, at the clock."""
        with self._lock:
            stored = self._requests.get(request_id)
            if stored is None or stored.pupil_key is None:
                return False
            return not is_pending(self._pupils[stored.pupil_key], self._clock)

    # -- ELK feed ------------------------------------------------------------------------
    def feed(
        self, school_brin: str, since: datetime | None
    ) -> tuple[datetime, list[FeedEntry], list[FeedEntry]]:
        with self._lock:
            clock = self._clock
            withdrawn = set(self._withdrawn)
        as_of = moment(clock)
        placements: list[FeedEntry] = []
        changed: list[FeedEntry] = []
        for pupil in self._pupils.values():
            if pupil.secondary_school_brin != school_brin:
                continue
            placement = pupil.placement
            placed = placement is not None and placement.date <= clock
            if placement is not None and placed and not {pupil.key, pupil.identifier} & withdrawn:
                placements.append(
                    FeedEntry(
                        pupil.bsn,
                        pupil.education_number,
                        status=placement.status,
                        on=placement.date,
                        pupil=pupil,
                    )
                )
            released = [v for v in pupil.versions if v.published_on <= clock]
            if since is None:
                # No moment given: the pupils whose file grew after the first one.
                latest = released[-1] if len(released) > 1 else None
            else:
                newer = [v for v in released if moment(v.published_on) > since]
                latest = newer[-1] if newer else None
            if latest is not None:
                changed.append(
                    FeedEntry(
                        pupil.bsn,
                        pupil.education_number,
                        changed_at=moment(latest.published_on),
                    )
                )
        return as_of, placements, changed


def wait_code(pupil: Pupil, clock: date) -> str:
    """Which wait a pending pupil is in at ``clock``.

    A file collected but not released yet is with the parents (they see it before the primary
    school releases it): *LeerlinginfoNietOpvraagbaar*. Nothing collected yet at all:
    *LeerlinginfoNietBeschikbaar*.
    """
    if any(v.collection_date <= clock < v.published_on for v in pupil.versions):
        return ResultCode.NOT_INSPECTED
    return ResultCode.NOT_AVAILABLE


def _malformed(item: SubmitItem) -> bool:
    if item.problem or not item.request_id or len(item.request_id) > 100:
        return True
    if bool(item.bsn) == bool(item.education_number):
        return True
    if item.bsn and not is_valid_bsn(item.bsn):
        return True
    if item.education_number and not is_valid_education_number(item.education_number):
        return True
    if item.birth_date is None or not item.surname.strip():
        return True
    return not (BRIN.match(item.school_brin) and BRIN.match(item.primary_school_brin))
