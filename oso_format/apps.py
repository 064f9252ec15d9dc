"""oso_format is a Django app only to be given its versions at start-up; it has no models."""

from __future__ import annotations

from django.apps import AppConfig


class OsoFormatConfig(AppConfig):
    name = "oso_format"
    verbose_name = "OSO format"

    def ready(self) -> None:
        from django.conf import settings

        from oso_format.versions import registry

        registry.configure(manifests=settings.OSO_FORMAT_VERSION_MANIFESTS)
