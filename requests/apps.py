from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsoRequestsConfig(AppConfig):
    name = "requests"
    label = "oso_requests"
    verbose_name = _("OSO requests")

    def ready(self) -> None:
        from requests.selectors import StudentRequestReads
        from students.request_reads import request_reads_install

        request_reads_install(StudentRequestReads())

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
