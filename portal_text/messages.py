"""Message codes, their parameters, and rendering in the active language."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _gettext

logger = logging.getLogger(__name__)

# The code of a text that was stored before it had a code of its own (or whose
# code is no longer known): it renders as the text it holds, as it was written.
LEGACY = "legacy"

# A parameter never needs a BSN or an education number: every nine-digit number
# (or its written form 1234.56.782) is masked before it is stored, valid or not.
_IDENTIFIER = re.compile(r"(?<!\d)(\d{9}|\d{4}\.\d{2}\.\d{3})(?!\d)")

ParamFormat = Callable[[Any], str]


def _mask_match(match: re.Match[str]) -> str:
    digits = match.group(1).replace(".", "")
    return "*" * (len(digits) - 4) + digits[-4:]


def _stored_value(value: Any) -> Any:
    """A parameter as JSON keeps it: dates as ISO text, identifiers masked."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        masked = _IDENTIFIER.sub(_mask_match, str(value))
        return value if masked == str(value) else masked
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, Mapping):
        return {str(key): _stored_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_stored_value(item) for item in value]
    return _IDENTIFIER.sub(_mask_match, str(value))


@dataclass(frozen=True)
class Message:
    """One remark, reason or summary: a code and its JSON parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    def __str__(self) -> str:
        return render(self)


@dataclass(frozen=True)
class Text:
    """The definition of one code: an English template (the msgid) or a render function.

    ``template`` uses named %-placeholders; ``formats`` turns a stored parameter
    into text at render time (a date as the active language writes it, a field
    name as its label). ``renderer`` replaces the template for codes whose text
    is chosen by a parameter.
    """

    code: str
    template: str = ""
    formats: Mapping[str, ParamFormat] = field(default_factory=dict)
    renderer: Callable[[Mapping[str, Any]], str] | None = None
    # Turning rendered text back into a parameter (for rows stored as text).
    parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    # For a renderer: the parameter sets worth trying when reading old text back.
    variants: tuple[Mapping[str, Any], ...] = ()

    def __call__(self, **params: Any) -> Message:
        return Message(self.code, {key: _stored_value(value) for key, value in params.items()})

    def render(self, params: Mapping[str, Any]) -> str:
        if self.renderer is not None:
            return self.renderer(params)
        values = {
            key: self.formats[key](value) if key in self.formats else value
            for key, value in params.items()
        }
        return _gettext(self.template) % values


_REGISTRY: dict[str, Text] = {}


def define(
    code: str,
    template: str = "",
    *,
    formats: Mapping[str, ParamFormat] | None = None,
    renderer: Callable[[Mapping[str, Any]], str] | None = None,
    parsers: Mapping[str, Callable[[str], Any]] | None = None,
    variants: Iterable[Mapping[str, Any]] = (),
) -> Text:
    """Register a code. Mark ``template`` with gettext_noop so makemessages finds it."""
    if not template and renderer is None:
        raise ValueError(f"text {code!r} needs a template or a renderer")
    text = Text(
        code=code,
        template=template,
        formats=dict(formats or {}),
        renderer=renderer,
        parsers=dict(parsers or {}),
        variants=tuple(variants),
    )
    known = _REGISTRY.get(code)
    if known is not None and (known.template, known.renderer) != (text.template, text.renderer):
        raise ValueError(f"text {code!r} is defined twice")
    _REGISTRY[code] = text
    return text


def is_defined(code: str) -> bool:
    return code in _REGISTRY


def legacy(text: str) -> Message:
    """A text that has no code (an old row, a value typed in the admin)."""
    return LEGACY_TEXT(text=text)


def render(message: Message | Mapping[str, Any] | str | None) -> str:
    """The text in the active language; a plain string (an old row) is shown as it is."""
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    if not isinstance(message, Message):
        message = message_from_json(message)
    text = _REGISTRY.get(message.code)
    if text is None:
        return str(message.params.get("text") or message.code)
    try:
        return text.render(message.params)
    except (KeyError, TypeError, ValueError):
        # A row stored with other parameters than the code now expects: say what
        # it was rather than failing the page.
        logger.warning("Text %s could not be rendered with its parameters", message.code)
        return str(message.params.get("text") or message.code)


def render_all(messages: Iterable[Message | Mapping[str, Any] | str] | None) -> list[str]:
    return [render(message) for message in messages or ()]


def message_from_json(value: Mapping[str, Any] | str) -> Message:
    if isinstance(value, str):
        return legacy(value)
    params = value.get("params")
    return Message(str(value.get("code") or LEGACY), dict(params) if params else {})


def messages_from_json(values: Iterable[Mapping[str, Any] | str] | None) -> list[Message]:
    return [message_from_json(value) for value in values or ()]


def messages_to_json(messages: Iterable[Message]) -> list[dict[str, Any]]:
    return [message.as_json() for message in messages]


def date_param(value: Any) -> str:
    """An ISO date as the pages write it: 20-03-2021, day first, in Dutch and in English
    alike (English is a language here, not a country: the tables and date fields of the
    English pages are day first too, oso_portal/formats/en)."""
    if not value:
        return ""
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return day.strftime("%d-%m-%Y")


def date_from_text(value: str) -> str:
    """20-03-2021 (as a page wrote it) back to 2021-03-20; anything else as it is."""
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})-(\d{4})", value.strip())
    if not match:
        return value
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return value


_PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    position = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : match.start()].replace("%%", "%")))
        name, kind = match.groups()
        parts.append(rf"(?P<{name}>-?\d+)" if kind == "d" else rf"(?P<{name}>.*?)")
        position = match.end()
    parts.append(re.escape(template[position:].replace("%%", "%")))
    return re.compile("".join(parts), re.DOTALL)


def text_to_message(text: str) -> Message:
    """A text stored before it had a code, read back as one (in the active language).

    Every known code is tried, the most specific template first; a text that none
    of them produces keeps the fallback code ``legacy`` and reads as it was written.
    """
    text = (text or "").strip()
    candidates = sorted(
        _REGISTRY.values(), key=lambda t: len(_PLACEHOLDER.sub("", t.template)), reverse=True
    )
    for definition in candidates:
        if definition.code == LEGACY:
            continue
        if definition.renderer is not None:
            for variant in definition.variants:
                if definition.renderer(variant) == text:
                    return definition(**variant)
            continue
        translated = _gettext(definition.template)
        match = _pattern(translated).fullmatch(text)
        if match is None:
            continue
        params: dict[str, Any] = {}
        for name, value in match.groupdict().items():
            kind = next(k for n, k in _PLACEHOLDER.findall(translated) if n == name)
            if name in definition.parsers:
                params[name] = definition.parsers[name](value)
            elif definition.formats.get(name) is date_param:
                params[name] = date_from_text(value)
            elif definition.formats.get(name) is render:
                params[name] = text_to_message(value)
            else:
                params[name] = int(value) if kind == "d" else value
        return definition(**params)
    return legacy(text)


LEGACY_TEXT = define(LEGACY, renderer=lambda params: str(params.get("text", "")))
