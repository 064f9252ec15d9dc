"""Reading typed values out of XSD-valid elements (dates, booleans, text)."""

from __future__ import annotations

import re
from datetime import date
from typing import overload

from django.utils.translation import gettext_noop
from lxml import etree

from oso_format.paths import field_path
from oso_format.schema import SENSITIVE_ELEMENTS
from oso_format.types import DossierError, Phrase

# xs:date: YYYY-MM-DD with an optional time zone, which a calendar date ignores.
_XS_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?$")
_DUTCH_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")


def text(element: etree._Element | None) -> str:
    """The element's text, stripped; "" when the element or its text is absent."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def xs_boolean(element: etree._Element | None) -> bool | None:
    if element is None:
        return None
    return text(element) in ("true", "1")


@overload
def xs_date(element: etree._Element) -> date: ...
@overload
def xs_date(element: None) -> None: ...
@overload
def xs_date(element: etree._Element | None) -> date | None: ...
def xs_date(element: etree._Element | None) -> date | None:
    if element is None:
        return None
    return _to_date(element, _XS_DATE.match(text(element)), year=1, month=2, day=3)


def dutch_date(element: etree._Element | None) -> date | None:
    """gba/gbageboortedatum is DD-MM-YYYY, unlike every other date in the file."""
    if element is None:
        return None
    return _to_date(element, _DUTCH_DATE.match(text(element)), year=3, month=2, day=1)


def _to_date(
    element: etree._Element, match: re.Match[str] | None, *, year: int, month: int, day: int
) -> date:
    try:
        if match is None:
            raise ValueError
        return date(int(match.group(year)), int(match.group(month)), int(match.group(day)))
    except ValueError:
        name = etree.QName(element).localname
        shown = (
            # Translated when shown; the msgid is marked in oso_format.schema.
            Phrase("(hidden)", context="oso dossier")
            if name in SENSITIVE_ELEMENTS
            else f"'{text(element)[:40]}'"
        )
        raise DossierError.of(
            gettext_noop("Field {field}: the value {value} is not a valid date."),
            field=field_path(element),
            value=shown,
        ) from None
