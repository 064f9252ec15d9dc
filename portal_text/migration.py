"""Helpers for the data migrations that turn stored text into codes.

The rows were written in Dutch (the merge and the pipeline stored Dutch text), so
they are read back with Dutch active. A text no code produces keeps the fallback
code ``legacy`` and reads as it was written.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from portal_text.messages import Message, message_from_json, render, text_to_message

STORED_LANGUAGE = "nl"


def _coded(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and "code" in value:
        return value
    return text_to_message(str(value)).as_json()


def stored_list_to_codes(values: list[Any] | None) -> list[dict[str, Any]]:
    with translation.override(STORED_LANGUAGE):
        return [_coded(value) for value in values or []]


def stored_text_to_code(value: str) -> dict[str, Any] | None:
    if not value:
        return None
    with translation.override(STORED_LANGUAGE):
        return text_to_message(value).as_json()


def code_to_text(value: dict[str, Any] | str | None) -> str:
    """Back again (the reverse migration): the Dutch text of a stored code."""
    if not value:
        return ""
    with translation.override(STORED_LANGUAGE):
        message = value if isinstance(value, Message) else message_from_json(value)
        return render(message)


def codes_to_list(values: list[Any] | None) -> list[str]:
    return [code_to_text(value) for value in values or []]
