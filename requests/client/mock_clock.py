"""The mock endpoint's clock (elk_mock's control API), for the demo only.

The real ELK/OSO chain has no such call: the primary schools release files when
they do. In the demo, moving the mock's clock is how staff "publish" the May
files (final test, revised advice) and see the re-request cycle work.
"""

from __future__ import annotations

from datetime import date

import httpx
from django.utils.translation import gettext as _

from requests.client.endpoint import _parse_envelope
from requests.client.types import PermanentEndpointError, TransientEndpointError


def mock_clock_read(*, base_url: str, timeout: float = 3.0) -> date:
    return _clock_call("GET", f"{base_url.rstrip('/')}/control/state", {}, timeout)


def mock_clock_set(*, base_url: str, day: date, timeout: float = 3.0) -> date:
    url = f"{base_url.rstrip('/')}/control/clock"
    return _clock_call("POST", url, {"date": day.isoformat()}, timeout)


def _clock_call(method: str, url: str, params: dict[str, str], timeout: float) -> date:
    try:
        response = httpx.request(method, url, params=params, timeout=timeout)
    except httpx.HTTPError:
        raise TransientEndpointError(
            _("The demo endpoint cannot be reached; is it running?"), code="connect"
        ) from None
    if response.status_code != 200:
        raise PermanentEndpointError(
            _("The demo endpoint refused to change its clock (HTTP %(status)s).")
            % {"status": response.status_code},
            code=f"http_{response.status_code}",
            status=response.status_code,
        )
    # The client's own parsing: safe, and a cut-off answer is told from a malformed one.
    root = _parse_envelope(response.content)
    try:
        return date.fromisoformat(root.get("clock", ""))
    except ValueError:
        raise PermanentEndpointError(
            _("The demo endpoint gave an answer without a clock; is it the mock endpoint?"),
            code="bad_answer",
        ) from None
