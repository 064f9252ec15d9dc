from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OsoRequestsConfig(AppConfig):
    name = "requests"
    label = "oso_requests"
    verbose_name = _("OSO requests")

    def ready(self) -> None:
        # The versions staff installed are files with a manifest: registered at start-up
        # (no database query) and looked for again when a file names an unknown namespace.
        from requests.dossier.versions import oso_version_loader_add
        from requests.services.oso_versions import installed_versions_load

        installed_versions_load()
        oso_version_loader_add(installed_versions_load)
