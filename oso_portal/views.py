"""Start page and login of the staff portal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.views.generic import TemplateView

from audit.forms import ThrottledAuthenticationForm
from oso_portal.access import PortalAccessMixin


class HomeView(PortalAccessMixin, TemplateView):
    template_name = "home.html"


class PortalLoginView(LoginView):
    """The staff login; repeated failures per username or address are throttled."""

    template_name = "registration/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_login"] = settings.DEMO_LOGIN_ENABLED
        return context
