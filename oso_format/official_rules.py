"""The official Edustandaard validation stylesheet (XSLT 2.0), run through Saxon-HE.

Every gegevensset version ships ``ValideerOverstapprofielen.xsl`` with its includes.
Its output is a ``<meldingen>`` document: one ``<melding>`` per broken rule with a
type (always *Fout* in 2018.1 and 2019.1), a location (the stylesheet's own path,
``/dossier[1]/huidigeschool[1]``) and the official Dutch text.

Saxon only ever sees the tree the hardened lxml reader already parsed, serialised
again: a serialised element has no DOCTYPE, and entities were never expanded, so no
DTD or entity can reach Saxon's own parser (``saxon_input`` is the one place that
builds Saxon's input, and refuses one anyway).

SaxonC keeps process-wide state and must not cross a fork: the processor is made on
first use in each process (a Celery prefork child makes its own, see
``oso_portal/celery.py``), and each stylesheet is compiled once per process.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from oso_format.parsers import thread_parser

FOUT = "fout"
WAARSCHUWING = "waarschuwing"
SEVERITIES = (FOUT, WAARSCHUWING)


class OfficialRulesError(Exception):
    """The stylesheet could not be compiled or run (a broken installation, not a bad file)."""


@dataclass(frozen=True, slots=True)
class Melding:
    """One message of the official stylesheet, with the portal's class for it."""

    location: str
    text: str
    severity: str  # FOUT (the file is refused) or WAARSCHUWING (a remark)

    def as_dict(self) -> dict[str, str]:
        return {"location": self.location, "text": self.text, "severity": self.severity}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Melding:
        return cls(
            location=str(data.get("location", "")),
            text=str(data.get("text", "")),
            severity=str(data.get("severity", FOUT)),
        )


class _Saxon:
    """The process's Saxon processor and compiled stylesheets (made after any fork)."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.pid = os.getpid()
        self.processor = PySaxonProcessor(license=False)
        self.executables: dict[str, Any] = {}
        self.lock = threading.Lock()


_saxon: _Saxon | None = None
_saxon_lock = threading.Lock()


def _state() -> _Saxon:
    global _saxon
    state = _saxon
    if state is None or state.pid != os.getpid():
        with _saxon_lock:
            state = _saxon
            if state is None or state.pid != os.getpid():
                state = _saxon = _Saxon()
    return state


def saxon_warm_up(stylesheets: list[Path]) -> None:
    """Make this process's processor and compile these stylesheets now (a worker's start)."""
    for path in stylesheets:
        _executable(path)


def stylesheet_forget(stylesheet: Path) -> None:
    """Drop a compiled stylesheet (its files moved or were replaced)."""
    state = _saxon
    if state is not None and state.pid == os.getpid():
        with state.lock:
            state.executables.pop(str(stylesheet), None)


def _executable(stylesheet: Path) -> Any:
    state = _state()
    key = str(stylesheet)
    executable = state.executables.get(key)
    if executable is not None:
        return executable
    with state.lock:
        executable = state.executables.get(key)
        if executable is None:
            executable = _compile(state, stylesheet)
            state.executables[key] = executable
    return executable


def _compile(state: _Saxon, stylesheet: Path) -> Any:
    if not stylesheet.is_file():
        raise OfficialRulesError(f"stylesheet not found: {stylesheet}")
    compiler = state.processor.new_xslt30_processor()
    try:
        executable = compiler.compile_stylesheet(stylesheet_file=str(stylesheet))
    except Exception as exc:  # saxonche raises PySaxonApiError, a plain Exception
        raise OfficialRulesError(f"the stylesheet does not compile: {exc}") from None
    if executable is None:
        raise OfficialRulesError("the stylesheet does not compile")
    # The official stylesheets ask for indented output, which only costs time here.
    executable.set_property("!indent", "no")
    return executable


def saxon_input(root: etree._Element) -> str:
    """The text Saxon parses: the already-parsed safe tree, serialised again."""
    serialised = etree.tostring(root, encoding="unicode")
    if "<!DOCTYPE" in serialised or "<!ENTITY" in serialised:
        # Cannot happen for an element's serialisation; refuse rather than trust that.
        raise OfficialRulesError("a DOCTYPE or entity declaration would reach Saxon")
    return serialised


def stylesheet_check(*, root: etree._Element, stylesheet: Path) -> list[tuple[str, str, str]]:
    """Run the official stylesheet on a parsed dossier: (type, location, text) per melding."""
    state = _state()
    executable = _executable(stylesheet)
    text = saxon_input(root)
    with state.lock:
        try:
            node = state.processor.parse_xml(xml_text=text)
            output = executable.transform_to_string(xdm_node=node)
        except Exception as exc:
            raise OfficialRulesError(f"the stylesheet did not run: {exc}") from None
    return parse_meldingen(output or "")


def parse_meldingen(output: str) -> list[tuple[str, str, str]]:
    """The (type, location, text) of each <melding> in the stylesheet's output."""
    if not output.strip():
        raise OfficialRulesError("the stylesheet gave no output")
    try:
        document = etree.fromstring(output.encode("utf-8"), thread_parser())
    except etree.XMLSyntaxError as exc:
        raise OfficialRulesError(f"the stylesheet's output is not XML: {exc}") from None
    if etree.QName(document).localname != "meldingen":
        raise OfficialRulesError("the stylesheet's output is not a <meldingen> document")
    found = []
    for melding in document:
        if not isinstance(melding.tag, str) or etree.QName(melding).localname != "melding":
            continue
        parts = {
            etree.QName(child).localname: " ".join((child.text or "").split())
            for child in melding
            if isinstance(child.tag, str)
        }
        found.append((parts.get("type", ""), parts.get("locatie", ""), parts.get("tekst", "")))
    return found
