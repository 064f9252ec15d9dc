"""python manage.py oso_version_add PATH

Install an OSO gegevensset version from a folder or a .zip as Edustandaard publishes
it (one ``OSO_gegevensset_<version>.xsd``, one ``ValideerOverstapprofielen.xsl`` with
its includes; examples and release notes may be there too). Output contract:
``Versie <version> toegevoegd: <namespace>`` and exit 0, or ``Mislukt: <reason>`` and
exit 1 (an already registered version or namespace, a bad folder or archive, an XSD
that does not compile, a stylesheet that does not run).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.cli import os_username
from oso_format.version_package import VersionPackageError
from requests.services.oso_versions import oso_version_install


class Command(BaseCommand):
    help = "Install an OSO gegevensset version (folder or .zip) so its files can be read."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="folder or .zip of the version")

    def handle(self, *args, path, **options):
        try:
            row = oso_version_install(
                source=Path(path), installed_by=f"oso_version_add ({os_username()})"
            )
        except VersionPackageError as error:
            self.stdout.write(f"Mislukt: {error.message}")
            raise CommandError(error.message, returncode=1) from None
        self.stdout.write(f"Versie {row.version} toegevoegd: {row.namespace}")
