"""Small helpers for the page tests (tests/test_pages_*.py)."""

from __future__ import annotations

import re

_TH = re.compile(r'<th\b[^>]*scope="col"[^>]*>(.*?)</th>', re.S)
_TAG = re.compile(r"<[^>]+>")


def column_headers(html: str, table_id: str | None = None) -> list[str]:
    """The visible header texts of a table's columns, in order (markup stripped)."""
    if table_id:
        start = html.index(f'id="{table_id}"')
        html = html[start : html.index("</table>", start)]
    return [
        " ".join(_TAG.sub("", cell).split()).replace(" ▲", "").replace(" ▼", "")
        for cell in _TH.findall(html)
    ]
