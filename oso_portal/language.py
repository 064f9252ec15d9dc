"""Dutch for everyone, English only for whoever chose it with the language switch.

Django's LocaleMiddleware falls back on the browser's Accept-Language header, so a
browser set to English showed the English login page on a Dutch school's portal.
Here the only way to another language is the language switch (Django's
``set_language`` view), which stores the choice in the language cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The language of the language cookie when it is one we offer, else the default (nl)."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without Accept-Language: the default language unless one was chosen."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        # The page depends on the language cookie, never on Accept-Language.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
