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
