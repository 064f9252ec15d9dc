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

        # Students shows a pupil's latest request status (the card exports) without
        # importing this app: it is given the way to read it here.
        from requests.selectors import latest_request_status, request_status_label
        from students.request_status import (
            LatestRequestStatusSource,
            latest_request_status_provide,
        )

        latest_request_status_provide(
            LatestRequestStatusSource(expression=latest_request_status, label=request_status_label)
        )
