"""This process's exchange with the chain, made once and kept open.

Building an httpx client loads an SSL context and opens a new connection: done for every
chunk it took 7% of a poll task in the region benchmark (BENCHMARKS.md). Keyed by process id
too, so a forked worker never uses its parent's connections; keyed by the settings, so a test
that points elsewhere gets its own client. Every step that calls the chain (submit, poll,
sign-off, notification registration) shares it.
"""

from __future__ import annotations

import os

from django.conf import settings

from requests.client import Exchange, exchange_from_settings

_CLIENTS: dict[tuple, Exchange] = {}


def exchange_client() -> Exchange:
    key = (
        os.getpid(),
        settings.OSO_EXCHANGE_BACKEND,
        settings.OSO_ENDPOINT_URL,
        settings.OSO_SCHOOL_BRIN,
        settings.OSO_ENDPOINT_CONNECT_TIMEOUT,
        settings.OSO_ENDPOINT_READ_TIMEOUT,
        settings.OSO_DOSSIER_MAX_BYTES,
    )
    client = _CLIENTS.get(key)
    if client is None:
        client = _CLIENTS[key] = exchange_from_settings()
    return client
