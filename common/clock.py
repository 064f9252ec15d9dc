"""Times from outside (the endpoint, ELK's feed) made comparable with ours."""

from __future__ import annotations

from datetime import UTC, datetime


def aware(value: datetime) -> datetime:
    """``value`` itself if it carries a time zone; a naive time is taken as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
