"""Forms of the audit app: the throttled login forms and the audit search form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.login_throttle import (
    login_attempt_reserve,
    login_attempt_succeeded,
    login_attempt_withdraw,
    login_failure_record,
)
from audit.models import AuditAction
from common.dates import DayFirstDateField
from common.security import client_address

THROTTLED_MESSAGE = _("Too many failed login attempts. Try again in %(minutes)s minutes.")


class _LoginThrottleMixin:
    """Refuses before checking the password when the throttle is on; counts failures.

    Each password check is reserved first (see audit.login_throttle), so attempts
    sent at the same moment cannot all slip under the limit.
    """

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        address = client_address(self.request) if self.request is not None else "unknown"
        attempt_id = login_attempt_reserve(username=username, address=address)
        if attempt_id is None:
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            # Only a wrong username or password counts, not a valid login that
            # confirm_login_allowed refuses (a non-staff user at the admin).
            if self.user_cache is None:
                login_failure_record(username=username, address=address, attempt_id=attempt_id)
            else:
                login_attempt_withdraw(attempt_id=attempt_id)
            raise
        except BaseException:
            login_attempt_withdraw(attempt_id=attempt_id)
            raise
        login_attempt_succeeded(attempt_id=attempt_id, username=username)
        return cleaned


class ThrottledAuthenticationForm(_LoginThrottleMixin, AuthenticationForm):
    """The portal's login form: use it as ``LoginView.authentication_form``."""

    error_messages = {**AuthenticationForm.error_messages, "throttled": THROTTLED_MESSAGE}


class ThrottledAdminAuthenticationForm(_LoginThrottleMixin, AdminAuthenticationForm):
    """The admin's login form (installed on ``admin.site`` in ``AuditConfig.ready``)."""

    error_messages = {**AdminAuthenticationForm.error_messages, "throttled": THROTTLED_MESSAGE}


class AuditSearchForm(forms.Form):
    query = forms.CharField(label=_("Search"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    actor = forms.CharField(label=_("Who"), required=False, max_length=150)
    student_number = forms.CharField(label=_("Student number"), required=False, max_length=10)
    date_from = DayFirstDateField(label=_("From"), required=False)
    date_to = DayFirstDateField(label=_("To"), required=False)

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise ValidationError(_("The start date is after the end date."), code="date_order")
        return cleaned

    def search_arguments(self) -> dict:
        """The validated values as keyword arguments for ``audit_search``."""
        data = self.cleaned_data
        return {
            "query": data.get("query") or "",
            "action": data.get("action") or "",
            "actor": data.get("actor") or "",
            "student_number": data.get("student_number") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }
