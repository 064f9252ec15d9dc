from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsoRequestsConfig(AppConfig):
    name = "requests"
    label = "oso_requests"
    verbose_name = _("OSO requests")

    def ready(self) -> None:
        # Every stored reason's code must be known before a page renders one.
        import requests.client.texts
        import requests.services.texts  # noqa: F401
        from requests.audit_summaries import summaries_register

        summaries_register()

        from requests.selectors import StudentRequestReads
        from students.request_reads import request_reads_install

        request_reads_install(StudentRequestReads())
