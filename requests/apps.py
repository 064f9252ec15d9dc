from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsoRequestsConfig(AppConfig):
    name = "requests"
    label = "oso_requests"
    verbose_name = _("OSO requests")
