"""A stored failure reason of the endpoint client renders the client's own message."""

from __future__ import annotations

import pytest
from django.utils import translation

from portal_text import render
from requests.client import messages
from requests.client.texts import endpoint_error_text, refusal_text, result_error_text
from requests.client.types import (
    PermanentEndpointError,
    RequestResult,
    ResultState,
    SubmitAck,
    TransientEndpointError,
)

ERRORS = [
    TransientEndpointError(messages.timeout_message(), code="timeout"),
    TransientEndpointError(messages.connect_message(), code="connect"),
    TransientEndpointError(messages.truncated_message(), code="truncated"),
    TransientEndpointError(messages.connection_broken_message(), code="transport"),
    TransientEndpointError(messages.server_error_message(503), code="http_503", status=503),
    PermanentEndpointError(
        messages.call_refused_message(404, "not_found"), code="not_found", status=404
    ),
    PermanentEndpointError(messages.call_refused_message(400, ""), code="http_400", status=400),
    PermanentEndpointError(messages.unreadable_message(), code="envelope"),
]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_call_failure_renders_as_the_client_said_it(language):
    for error in ERRORS:
        with translation.override(language):
            made = type(error)(_message_again(error), code=error.code, status=error.status)
            assert render(endpoint_error_text(made)) == made.message, error.code


def _message_again(error):
    """The client's message for the error, made in the active language."""
    by_code = {
        "timeout": messages.timeout_message,
        "connect": messages.connect_message,
        "truncated": messages.truncated_message,
        "transport": messages.connection_broken_message,
        "envelope": messages.unreadable_message,
    }
    if error.code in by_code:
        return by_code[error.code]()
    if error.transient:
        return messages.server_error_message(error.status)
    code = "" if error.code == f"http_{error.status}" else error.code
    return messages.call_refused_message(error.status, code)


def test_a_refusal_and_a_result_error_render_in_english_on_the_english_page():
    ack = SubmitAck("r1", False, messages.UNKNOWN_PUPIL, "")
    result = RequestResult("r1", ResultState.ERROR, None, messages.DOSSIER_TOO_LARGE, "", False)

    with translation.override("en"):
        assert render(refusal_text(ack)) == messages.refusal_message(messages.UNKNOWN_PUPIL)
        assert render(result_error_text(result, max_dossier_bytes=20 * 1024 * 1024)) == (
            "The transfer file received is larger than 20 MB."
        )
