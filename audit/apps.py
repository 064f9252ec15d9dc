from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit log")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The admin's own login form gets the same throttling as the portal's.
        from django.contrib import admin
        from django.db.backends.signals import connection_created

        from audit.forms import ThrottledAdminAuthenticationForm
        from audit.immutability import sqlite_functions_install

        admin.site.login_form = ThrottledAdminAuthenticationForm
        # The summaries of the audit app's own entries, in the page's language.
        from audit.summaries import summary_renderer_register
        from audit.summaries_own import OWN_RENDERERS

        for action, renderer in OWN_RENDERERS.items():
            summary_renderer_register(action, renderer)
        from audit.models import SYSTEM_ACTOR
        from audit.summaries import actor_label_register

        actor_label_register(SYSTEM_ACTOR, _("automatic"))
        # The SQLite audit trigger asks this function whether a DELETE may pass.
        connection_created.connect(sqlite_functions_install, dispatch_uid="audit_sqlite_functions")
