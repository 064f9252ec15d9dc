"""The official OSO XSD: compiled once per process, and its errors told in Dutch.

Compiling the 175 kB schema costs far more than validating one dossier, and an
import validates thousands, so each version's schema is compiled on first use and
kept for the life of the process (``get_schema``). libxml2 keeps the errors of the
last validation on the schema object, so validation and reading that log happen
under a lock: threads share the compiled schema safely.
"""

from __future__ import annotations

import functools
import re
import threading

from django.utils.translation import gettext_noop, pgettext_lazy
from lxml import etree

from oso_format.parsers import hardened_parser
from oso_format.paths import field_path
from oso_format.types import DossierError, Phrase
from oso_format.versions import OSO_VERSIONS, OsoVersion

# Values of these elements identify a child: messages never repeat them.
SENSITIVE_ELEMENTS = frozenset({"bsn", "onderwijsnummer", "geboortedatum", "gbageboortedatum"})

# The phrases of the "oso dossier" context, marked here for makemessages; a refusal
# stores them untranslated (``_in_context``) and they are translated when shown.
_CONTEXT = "oso dossier"
_CONTEXT_MARKED = (
    pgettext_lazy("oso dossier", "(hidden)"),
    pgettext_lazy("oso dossier", "date (YYYY-MM-DD)"),
    pgettext_lazy("oso dossier", "whole number"),
    pgettext_lazy("oso dossier", "number"),
    pgettext_lazy("oso dossier", "true/false value"),
    pgettext_lazy("oso dossier", "value for this field"),
)


def _in_context(msgid: str) -> Phrase:
    return Phrase(msgid, context=_CONTEXT)


def _phrase(template: str, /, **params: str | Phrase) -> Phrase:
    return Phrase(template, params)


_LIBXML_PATH = re.compile(r"^(?:/\*(?:\[\d+\])?)+$")
_ELEMENT_MESSAGE = re.compile(
    r"^Element '(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<rest>.*)$",
    re.DOTALL,
)
_NAMESPACE = re.compile(r"\{[^}]*\}")
_EXPECTED = re.compile(r"Expected is (?P<one_of>one of )?\( (?P<names>[^)]*) \)")
_INVALID_VALUE = re.compile(
    r"^'(?P<value>.*)' is not a valid value of the (?:local )?(?:atomic|list|union) type"
    r"(?: '(?P<type>[^']+)')?",
    re.DOTALL,
)
_FACET = re.compile(r"^\[facet '(?P<facet>\w+)'\] (?P<text>.*)$", re.DOTALL)
_FACET_VALUE = re.compile(r"The value '(?P<value>[^']*)'")
_FACET_LIMIT = re.compile(
    r"\('(?P<limit>[^']*)'\)|minimum length of '(?P<min>\d+)'|"
    r"maximum length of '(?P<max>\d+)'|pattern '(?P<pattern>[^']*)'"
)
_QUOTED = re.compile(r"'[^']*'")
_ATTRIBUTE_NOT_ALLOWED = re.compile(r"The attribute '(?P<attribute>[^']+)' is not allowed")

_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _lock_of(version: str) -> threading.Lock:
    lock = _locks.get(version)
    if lock is None:
        with _locks_lock:
            lock = _locks.setdefault(version, threading.Lock())
    return lock


def _compile_schema(version: OsoVersion) -> etree.XMLSchema:
    """Parse and compile one version's XSD (expensive; called through ``get_schema``)."""
    parser = hardened_parser(remove_comments=True)
    document = etree.parse(str(version.xsd_path), parser)  # our own vendored XSD
    return etree.XMLSchema(document)


@functools.cache
def get_schema(version: str) -> etree.XMLSchema:
    """The compiled schema of an OSO version, once per process."""
    return _compile_schema(OSO_VERSIONS[version])


def validate(root: etree._Element, version: OsoVersion) -> None:
    """Raise DossierError with the first XSD error, in Dutch, naming path and line."""
    schema = get_schema(version.version)
    with _lock_of(version.version):
        if schema.validate(root):
            return
        # lxml-stubs lacks these two of _ErrorLog's methods.
        errors = schema.error_log.filter_from_errors()  # type: ignore[attr-defined]
        first = errors[0] if errors else schema.error_log.last_error  # type: ignore[attr-defined]
    phrase = xsd_error_phrase(root, first)
    raise DossierError.of(phrase.template, **phrase.params)


def xsd_error_phrase(root: etree._Element, error: etree._LogEntry | None) -> Phrase:
    if error is None:  # libxml2 said "invalid" without saying why: should not happen
        return _phrase(gettext_noop("The dossier does not match the XSD."))
    match = _ELEMENT_MESSAGE.match(error.message or "")
    element_name = _strip_ns(match.group("element")) if match else ""
    rest = match.group("rest") if match else (error.message or "")
    path = _error_path(root, error, element_name)
    problem = _problem(rest, element_name, match.group("attribute") if match else None)
    return _phrase(
        gettext_noop("Field {path} (line {line}) does not match the XSD: {problem}."),
        path=path,
        line=str(error.line),
        problem=problem,
    )


def _error_path(root: etree._Element, error: etree._LogEntry, element_name: str) -> str:
    """The element's path from the log entry's libxml2 node path ('/*/*[4]/...')."""
    node_path = error.path or ""
    if _LIBXML_PATH.match(node_path):
        found = root.getroottree().xpath(node_path)
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            return field_path(found[0])
    return element_name or "dossier"


def _strip_ns(text: str) -> str:
    return _NAMESPACE.sub("", text)


def _shown_value(value: str, element_name: str) -> str | Phrase:
    if element_name in SENSITIVE_ELEMENTS:
        return _in_context("(hidden)")
    value = " ".join(value.split())
    if len(value) > 40:
        value = value[:40] + "…"
    return f"'{value}'"


def _expected(rest: str) -> Phrase | None:
    match = _EXPECTED.search(rest)
    if not match:
        return None
    names = ", ".join(_strip_ns(name.strip()) for name in match.group("names").split(","))
    if match.group("one_of"):
        return _phrase(gettext_noop("expected is one of: {names}"), names=names)
    return _phrase(gettext_noop("expected is {names}"), names=names)


def _problem(rest: str, element_name: str, attribute: str | None) -> str | Phrase:
    rest = rest.strip()
    if rest.startswith("This element is not expected"):
        expected = _expected(rest)
        if expected:
            return _phrase(
                gettext_noop("this element is not expected here; {expected}"), expected=expected
            )
        return _phrase(gettext_noop("this element is not expected here"))
    if rest.startswith("Missing child element"):
        expected = _expected(rest)
        if expected:
            return _phrase(
                gettext_noop("a required element is missing; {expected}"), expected=expected
            )
        return _phrase(gettext_noop("a required element is missing"))
    invalid = _INVALID_VALUE.match(rest)
    if invalid:
        return _phrase(
            gettext_noop("the value {value} is not a valid {type}"),
            value=_shown_value(invalid.group("value"), element_name),
            type=_type_name(invalid.group("type") or ""),
        )
    facet = _FACET.match(rest)
    if facet:
        return _facet_problem(facet.group("facet"), facet.group("text"), element_name)
    not_allowed = _ATTRIBUTE_NOT_ALLOWED.search(rest)
    if not_allowed:
        return _phrase(
            gettext_noop("the attribute '{attribute}' is not allowed"),
            attribute=not_allowed.group("attribute"),
        )
    if "Character content other than whitespace is not allowed" in rest:
        return _phrase(gettext_noop("text is not allowed in this element"))
    if "Element content is not allowed" in rest:
        return _phrase(gettext_noop("this element may only contain text, not other elements"))
    detail = _strip_ns(" ".join(rest.split())).rstrip(".")
    if element_name in SENSITIVE_ELEMENTS:
        detail = _QUOTED.sub("'…'", detail)
    if attribute:
        detail = f"{attribute}: {detail}"
    return detail[:200]


def _type_name(xsd_type: str) -> Phrase:
    names = {
        "xs:date": _in_context("date (YYYY-MM-DD)"),
        "xs:integer": _in_context("whole number"),
        "xs:int": _in_context("whole number"),
        "xs:decimal": _in_context("number"),
        "xs:boolean": _in_context("true/false value"),
    }
    return names.get(xsd_type, _in_context("value for this field"))


def _facet_problem(facet: str, text: str, element_name: str) -> Phrase:
    value_match = _FACET_VALUE.search(text)
    value = _shown_value(value_match.group("value"), element_name) if value_match else ""
    limits = {
        key: found
        for match in _FACET_LIMIT.finditer(text)
        for key, found in match.groupdict().items()
        if found is not None
    }
    if facet in ("maxInclusive", "maxExclusive"):
        return _phrase(
            gettext_noop("the value {value} is larger than the maximum {limit}"),
            value=value,
            limit=limits.get("limit", "?"),
        )
    if facet in ("minInclusive", "minExclusive"):
        return _phrase(
            gettext_noop("the value {value} is smaller than the minimum {limit}"),
            value=value,
            limit=limits.get("limit", "?"),
        )
    if facet == "minLength":
        if limits.get("min") == "1":
            return _phrase(gettext_noop("the value must not be empty"))
        return _phrase(
            gettext_noop("the value is too short (at least {limit} characters)"),
            limit=limits.get("min", "?"),
        )
    if facet == "maxLength":
        return _phrase(
            gettext_noop("the value is too long (at most {limit} characters)"),
            limit=limits.get("max", "?"),
        )
    if facet == "pattern":
        return _phrase(
            gettext_noop("the value {value} does not have the required format ({pattern})"),
            value=value,
            pattern=limits.get("pattern", "?"),
        )
    if facet == "enumeration":
        return _phrase(
            gettext_noop("the value {value} is not one of the allowed values"), value=value
        )
    return _phrase(
        gettext_noop("the value {value} is not allowed ({facet})"), value=value, facet=facet
    )
