"""The pipeline's own failure reasons, as codes (portal_text)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from portal_text import define, render

NOT_PREPARED = define(
    "request.not_prepared",
    gettext_noop("The request could not be prepared: %(reason)s"),
    formats={"reason": render},
)
REFUSED = define("request.refused", gettext_noop("The endpoint refused the request."))
NO_ANSWER = define(
    "request.no_answer", gettext_noop("The endpoint gave no answer for this request.")
)
EMPTY_FILE = define("request.empty_file", gettext_noop("The endpoint sent an empty file."))
GIVEN_UP = define(
    "request.given_up",
    gettext_noop("Given up after %(attempts)d attempts: %(reason)s"),
    formats={"reason": render},
)
