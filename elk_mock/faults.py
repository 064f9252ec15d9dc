"""Fault switches: latency, 5xx, hung responses, truncated bodies, invalid dossier XML.

Deterministic enough to test: rates draw from one seeded ``random.Random`` (the same seed and
the same sequence of calls give the same faults), and ``next`` forces a given fault on the next
calls in order. Bounded: never more than ``max_consecutive`` injected call failures in a row
(so a client that retries always gets through), and at most ``budget`` in all when set.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import Counter, deque
from dataclasses import dataclass, field

ERROR = "error"  # a 5xx answer
TIMEOUT = "timeout"  # a hung response: nothing is sent for hang_seconds, then the socket closes
TRUNCATE = "truncate"  # the body stops halfway (Content-Length promises more)
INVALID_XML = "invalid_xml"  # a served dossier is not well-formed XML
NONE = "none"  # in a ``next`` list: this call goes through untouched

CALL_FAULTS = (ERROR, TIMEOUT, TRUNCATE)
KINDS = (*CALL_FAULTS, INVALID_XML, NONE)


@dataclass
class FaultSettings:
    latency: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    truncate_rate: float = 0.0
    invalid_xml_rate: float = 0.0
    hang_seconds: float = 60.0
    max_consecutive: int = 3
    budget: int | None = None  # None: unlimited
    seed: int = 0
    next: list[str] = field(default_factory=list)


class FaultPlan:
    def __init__(self, settings: FaultSettings | None = None) -> None:
        self._lock = threading.Lock()
        self.settings = FaultSettings()
        self._rng = random.Random(0)  # noqa: S311 (reproducible faults, not security)
        self._next: deque[str] = deque()
        self._consecutive = 0
        self.injected: Counter[str] = Counter()
        self.update(**vars(settings or FaultSettings()))

    def update(self, **changes) -> FaultSettings:
        """Change some settings; invalid values raise ValueError and change nothing."""
        with self._lock:
            unknown = set(changes) - set(vars(self.settings))
            if unknown:
                raise ValueError(f"unknown fault setting: {', '.join(sorted(unknown))}")
            candidate = FaultSettings(**{**vars(self.settings), **changes})
            _validate(candidate)
            self.settings = candidate
            if "seed" in changes:
                self._rng = random.Random(candidate.seed)  # noqa: S311
            if "next" in changes:
                self._next = deque(candidate.next)
            return self.snapshot()

    def snapshot(self) -> FaultSettings:
        copy = FaultSettings(**vars(self.settings))
        copy.next = list(self._next)
        return copy

    def _budget_left(self) -> bool:
        budget = self.settings.budget
        return budget is None or sum(self.injected.values()) < budget

    def decide_call(self, *, results_call: bool) -> str:
        """The fault for one protocol call: error, timeout, truncate, invalid_xml or none."""
        with self._lock:
            if self._next:
                kind = self._next.popleft()
                if kind == INVALID_XML and not results_call:
                    kind = NONE
                if kind != NONE:
                    self.injected[kind] += 1
                self._consecutive = self._consecutive + 1 if kind in CALL_FAULTS else 0
                return kind
            roll = self._rng.random()
            if self._consecutive >= self.settings.max_consecutive or not self._budget_left():
                self._consecutive = 0
                return NONE
            threshold = 0.0
            for kind, rate in (
                (ERROR, self.settings.error_rate),
                (TIMEOUT, self.settings.timeout_rate),
                (TRUNCATE, self.settings.truncate_rate),
            ):
                threshold += rate
                if roll < threshold:
                    self._consecutive += 1
                    self.injected[kind] += 1
                    return kind
            self._consecutive = 0
            return NONE

    def dossier_is_invalid(self, request_id: str) -> bool:
        """Per request id, not per call: asking again gives the same (broken) file."""
        rate = self.settings.invalid_xml_rate
        if rate <= 0:
            return False
        digest = hashlib.sha256(f"{self.settings.seed}:{request_id}".encode()).digest()
        invalid = int.from_bytes(digest[:8], "big") / 2**64 < rate
        if invalid:
            with self._lock:
                self.injected[INVALID_XML] += 1
        return invalid

    def pick_status(self) -> int:
        with self._lock:
            return self._rng.choice((500, 502, 503))


def _validate(settings: FaultSettings) -> None:
    for name in ("error_rate", "timeout_rate", "truncate_rate", "invalid_xml_rate"):
        if not 0.0 <= getattr(settings, name) <= 1.0:
            raise ValueError(f"{name} must be between 0 and 1")
    if settings.error_rate + settings.timeout_rate + settings.truncate_rate > 0.95:
        raise ValueError("error, timeout and truncate rates must add up to at most 0.95")
    if settings.latency < 0 or settings.hang_seconds < 0:
        raise ValueError("latency and hang_seconds cannot be negative")
    if settings.max_consecutive < 1:
        raise ValueError("max_consecutive must be at least 1")
    if settings.budget is not None and settings.budget < 0:
        raise ValueError("budget cannot be negative")
    for kind in settings.next:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind: {kind}")


def break_xml(xml: bytes) -> bytes:
    """A dossier that is not well-formed: cut inside an element and add a stray end tag."""
    return xml[: max(1, len(xml) // 2)] + b"</niet-gesloten>"
