"""python manage.py validate_dossier FILE...

The official OSO check of each file, changing nothing. Output contract (outside
checks read it), per file in the order given:

- ``<file>: geldig``, ``<file>: 1 melding`` or ``<file>: <n> meldingen``;
- then one line per melding, indented two spaces:
  ``<fout|waarschuwing> <location>: <official text>``;
- a file that cannot be read (missing, not XML, hostile, XSD-invalid, of an unknown
  version) instead prints ``<file>: Mislukt: <reason>``.

Exit status 1 when any file has a *fout* or failed, else 0. The words of the
contract are Dutch whatever the language, like ``import_dossier``'s.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from common.cli import dossier_file_read
from common.security import redact_identifiers
from oso_format.official_rules import FOUT
from oso_format.reader import dossier_check
from oso_format.types import DossierError


class Command(BaseCommand):
    help = "Check OSO dossier files against the official Edustandaard rules (changes nothing)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="OSO dossier XML files")

    def handle(self, *args, files, **options):
        refused = 0
        with translation.override("nl"):
            for name in files:
                refused += not self._check(name)
        if refused:
            raise CommandError(f"{refused} van {len(files)} bestanden afgekeurd.", returncode=1)

    def _check(self, path: str) -> bool:
        """Print one file's lines; False when it has a fout or could not be read."""
        raw, error = dossier_file_read(path)
        name = redact_identifiers(path)  # a file name may carry a BSN
        if raw is not None:
            try:
                meldingen = dossier_check(raw=raw)
            except DossierError as exc:
                error = exc.message
        if raw is None or error:
            self.stdout.write(f"{name}: Mislukt: {error}")
            return False
        count = len(meldingen)
        if count == 0:
            self.stdout.write(f"{name}: geldig")
        else:
            self.stdout.write(f"{name}: {count} {'melding' if count == 1 else 'meldingen'}")
        for melding in meldingen:
            self.stdout.write(f"  {melding.severity} {melding.location}: {melding.text}")
        return not any(melding.severity == FOUT for melding in meldingen)
