"""Dutch messages for staff, per endpoint code (translated through requests/client/locale).

Functions, not constants: each message is translated in the language active when it is made.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# Refusal codes of a submitted item (and error codes of a result), see elk_mock/README.md.
MALFORMED = "malformed"
UNKNOWN_SCHOOL = "unknown_school"
UNKNOWN_PUPIL = "unknown_pupil"
NO_RELATION = "no_relation"
NAME_MISMATCH = "name_mismatch"
REFUSED = "refused"
UNKNOWN_REQUEST = "unknown_request"
# Codes the client itself gives a result.
INVALID_DOSSIER = "invalid_dossier"
DOSSIER_TOO_LARGE = "dossier_too_large"
CHECKSUM_MISMATCH = "checksum_mismatch"
MISSING_RESULT = "missing_result"
UNKNOWN_STATE = "unknown_state"


def refusal_message(code: str) -> str:
    messages = {
        MALFORMED: _(
            "The request for this student is incomplete or contains an invalid value. Check "
            "the citizen service number or education number, birth date, surname and the "
            "primary school's BRIN."
        ),
        UNKNOWN_SCHOOL: _(
            "The endpoint does not know our school. Check the setting OSO_SCHOOL_BRIN."
        ),
        UNKNOWN_PUPIL: _(
            "The source knows no pupil with this citizen service number or education number "
            "and this birth date. Check the citizen service number and birth date."
        ),
        NO_RELATION: _(
            "The pupil is not linked to our school or to this primary school. Check the "
            "primary school's BRIN and whether the pupil signed up at our school."
        ),
        NAME_MISMATCH: _(
            "The surname does not match the primary school's records. Check the surname."
        ),
        REFUSED: _("The primary school refuses to release this pupil's transfer file."),
        UNKNOWN_REQUEST: _("The endpoint does not know this request."),
    }
    if code in messages:
        return messages[code]
    return _("The endpoint refused the request (code %(code)s).") % {"code": code}


def result_error_message(code: str) -> str:
    messages = {
        INVALID_DOSSIER: _("The transfer file received is not well-formed XML."),
        CHECKSUM_MISMATCH: _("The transfer file was damaged on the way; it will be fetched again."),
        MISSING_RESULT: _("The endpoint gave no answer for this request; it will be asked again."),
        UNKNOWN_STATE: _("The endpoint gave an answer that OSO Portal does not understand."),
    }
    if code in messages:
        return messages[code]
    if code in (MALFORMED, UNKNOWN_SCHOOL, UNKNOWN_PUPIL, NO_RELATION, NAME_MISMATCH, REFUSED,
                UNKNOWN_REQUEST):  # fmt: skip
        return refusal_message(code)
    return _("The endpoint reported an error (code %(code)s).") % {"code": code}


def too_large_message(limit_bytes: int) -> str:
    return _("The transfer file received is larger than %(limit)s MB.") % {
        "limit": limit_bytes // (1024 * 1024)
    }


def timeout_message() -> str:
    return _("The endpoint did not answer in time.")


def connect_message() -> str:
    return _("The endpoint cannot be reached.")


def connection_broken_message() -> str:
    return _("The connection to the endpoint was broken off.")


def server_error_message(status: int) -> str:
    return _("The endpoint is temporarily unavailable (HTTP %(status)s).") % {"status": status}


def truncated_message() -> str:
    return _("The answer of the endpoint was incomplete.")


def call_refused_message(status: int, code: str) -> str:
    return _("The endpoint refused the call (HTTP %(status)s, %(code)s).") % {
        "status": status,
        "code": code or "-",
    }


def unreadable_message() -> str:
    return _("The answer of the endpoint could not be read.")
