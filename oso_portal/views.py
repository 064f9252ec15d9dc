"""Start page and login of the staff portal, and the demo endpoint's clock."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from audit.forms import ThrottledAuthenticationForm
from common.access import PortalAccessMixin
from common.dates import DayFirstDateField
from oso_portal.start_page import start_page_summary
from requests.client import EndpointError
from requests.services.demo_clock import demo_clock_read, demo_clock_set


class DemoClockForm(forms.Form):
    day = DayFirstDateField(
        label=gettext_lazy("Date of the demo endpoint's clock"),
        error_messages={"invalid": gettext_lazy("Enter a valid date.")},
    )


class HomeView(PortalAccessMixin, TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = start_page_summary()
        if settings.OSO_ENDPOINT_DEMO_CLOCK:
            context["demo_clock"] = self._demo_clock()
        return context

    @staticmethod
    def _demo_clock() -> dict:
        try:
            day = demo_clock_read()
        except EndpointError as error:
            return {"error": error.message, "form": DemoClockForm()}
        return {"day": day, "form": DemoClockForm(initial={"day": day})}


class DemoClockView(PortalAccessMixin, View):
    """POST: move the mock endpoint's clock (demo mode only), then back to the start page."""

    http_method_names = ["post"]

    def post(self, request):
        if not settings.OSO_ENDPOINT_DEMO_CLOCK:
            raise Http404
        form = DemoClockForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("day", []):
                messages.error(request, error)
            return HttpResponseRedirect(reverse("home"))
        try:
            day = demo_clock_set(day=form.cleaned_data["day"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except EndpointError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The demo endpoint's clock is now %(date)s: files the primary schools "
                    "collected up to that day are released."
                )
                % {"date": day.strftime("%d-%m-%Y")},
            )
        return HttpResponseRedirect(reverse("home"))


class PortalLoginView(LoginView):
    """The staff login; repeated failures per username or address are throttled."""

    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_login"] = settings.DEMO_LOGIN_ENABLED
        return context


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for on every page (the admin's too), from static/."""
    path = finders.find("favicon.ico")
    if not path:
        raise Http404
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response
