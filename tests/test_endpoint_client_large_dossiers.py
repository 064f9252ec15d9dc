"""Large dossiers through the endpoint client: as large as the reader allows, and no larger.

The results envelope carries each dossier as one base64 text node. A dossier with one big
attachment (valid, accepted by the upload) must come through whole; one over the limit must
be refused as too large, not as an unreadable answer.
"""

from __future__ import annotations

import base64
import hashlib

import httpx
from django.conf import settings
from django.utils import translation

from oso_format.reader import dossier_read
from requests.client import EndpointClient, ResultState
from tests.test_dossier_reader import example

MB = 1024 * 1024


def dossier_of_size(size: int) -> bytes:
    """A valid POVO dossier of ``size`` bytes: its attachment is padded with base64."""
    raw = example("POVO_full")
    start = raw.index(b"<bestandsinhoud>") + len(b"<bestandsinhoud>")
    end = raw.index(b"</bestandsinhoud>", start)
    padding = size - (len(raw) - (end - start))
    return raw[:start] + b"QUFB" * (padding // 4) + raw[end:]


def envelope(xml: bytes) -> bytes:
    return (
        b'<resultsResponse version="1"><result requestId="a" state="dossier" sha256="'
        + hashlib.sha256(xml).hexdigest().encode()
        + b'"><dossier encoding="base64">'
        + base64.b64encode(xml)
        + b"</dossier></result></resultsResponse>"
    )


def fetch(xml: bytes):
    body = envelope(xml)
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with EndpointClient(
        base_url="http://endpoint.test",
        school_brin="99XX",
        transport=transport,
        max_dossier_bytes=settings.OSO_DOSSIER_MAX_BYTES,
    ) as client:
        [result] = client.results(["a"])
    return result


def test_a_valid_20_mb_dossier_comes_through_whole_and_reads():
    xml = dossier_of_size(20 * MB)
    assert len(xml) >= 20 * MB - 4

    result = fetch(xml)

    assert result.state == ResultState.DOSSIER
    assert result.dossier_xml == xml
    assert dossier_read(raw=result.dossier_xml).attachments


def test_a_30_mb_dossier_is_refused_as_too_large():
    with translation.override("nl"):
        result = fetch(dossier_of_size(30 * MB))

    assert (result.state, result.error_code, result.transient) == (
        ResultState.ERROR,
        "dossier_too_large",
        False,
    )
    assert result.message == "Het ontvangen overstapdossier is groter dan 25 MB."
