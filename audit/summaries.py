"""An audit entry's summary in the active language, rendered from what the entry holds.

Entries are immutable, so their stored ``summary`` (plain text, kept for the
search) is never rewritten. The page renders it anew: the app that writes an
action registers how to read its ``details`` (dates as the language writes them,
labels translated); an entry whose details do not say enough shows its stored text.
This module imports no other app: the apps register here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

logger = logging.getLogger(__name__)

# details, stored summary -> the summary in the active language, or None to keep the stored one.
SummaryRenderer = Callable[[Mapping[str, Any], str], str | None]

_RENDERERS: dict[str, SummaryRenderer] = {}
# Actors that are no person (the workers, the ELK feed): how a page names them.
_ACTOR_LABELS: dict[str, Any] = {}


def summary_renderer_register(action: str, renderer: SummaryRenderer) -> None:
    _RENDERERS[action] = renderer


def summary_text(*, action: str, details: Mapping[str, Any] | None, summary: str) -> str:
    renderer = _RENDERERS.get(action)
    if renderer is None:
        return summary
    try:
        return renderer(details or {}, summary or "") or summary
    except (KeyError, TypeError, ValueError):
        logger.warning("The summary of an %s entry could not be rendered", action)
        return summary


def after_label(summary: str) -> str:
    """What a stored "<label>: <rest>" summary says after its (Dutch) label."""
    _label, separator, rest = summary.partition(": ")
    return rest if separator else ""


def actor_label_register(actor: str, label: Any) -> None:
    """Name a technical actor (``system``, ``elk-feed``) on the pages; ``label`` is lazy text."""
    _ACTOR_LABELS[actor] = label


def actor_label(actor: str) -> str:
    """The actor as staff read it: a person's user name as it is, a process by its label."""
    label = _ACTOR_LABELS.get(actor)
    return str(label) if label is not None else actor
