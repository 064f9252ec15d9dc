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
        from audit.summaries import actor_label_register
        from requests.services.elk_feed import ELK_FEED_USER

        actor_label_register(ELK_FEED_USER, _("ELK feed"))

        # Students shows a pupil's latest request status (the card exports) without
        # importing this app: it is given the way to read it here.
        from requests.selectors import latest_request_status, request_status_label
        from students.request_status import (
            LatestRequestStatusSource,
            latest_request_status_provide,
            student_request_reads_provide,
        )

        latest_request_status_provide(
            LatestRequestStatusSource(expression=latest_request_status, label=request_status_label)
        )
        from requests.student_reads import student_request_reads

        student_request_reads_provide(student_request_reads())

        # The versions staff installed are files with a manifest: registered at start-up
        # (no database query) and looked for again when a file names an unknown namespace.
        from oso_format.versions import oso_version_loader_add
        from requests.services.oso_versions import installed_versions_load

        installed_versions_load()
        oso_version_loader_add(installed_versions_load)
