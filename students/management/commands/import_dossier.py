"""python manage.py import_dossier FILE... [--signup-group NAME] [--school-year YYYY-YYYY]

Output contract (outside checks read it): one line per file, in the order given,
``<file as given>: <student number, or ->: <outcome>``, the outcome being
``Nieuwe leerling aangemaakt``, ``Verwerkt``, ``Verwerkt met opmerkingen``,
``Leerlinginfo niet gewijzigd`` or ``Mislukt: <reason>``; each remark on its own
line indented two spaces. Exit status 0 when no file failed, else 1.

The options are checked before any file is read: a blank or overlong
``--signup-group``, a malformed ``--school-year``, or ``--school-year`` without
``--signup-group`` (without a group no pupil is created, so there is nothing for
a school year to apply to) stop with a Dutch message and change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from common.cli import dossier_file_read, os_username
from common.security import redact_identifiers
from students.models import DossierOutcome, SignupGroup
from students.services.dossier_merge import DossierIn, MergeResult, dossiers_merge
from students.services.students import signup_group_for_import, signup_group_name_clean
from students.validators import validate_school_year

# Files merged per call of the merge service: few queries per chunk, and only
# one chunk of files in memory at a time.
CHUNK_SIZE = 100
# metadata/datum comes first in a dossier: the collection date, read without parsing.
_COLLECTION_DATE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?datum>\s*(\d{4})-(\d{2})-(\d{2})\s*<")


class Command(BaseCommand):
    help = "Import OSO transfer files (overstapdossiers) and merge them onto students."
    # Django's system checks import every URLconf and view (openpyxl and all): a tenth
    # of a second on each call of a command that is run from scripts (BENCHMARKS.md).
    # `manage.py check` and the web server still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="OSO dossier XML files")
        parser.add_argument(
            "--signup-group",
            metavar="NAME",
            help="put unknown pupils in this signup group (created when missing; "
            "at most 200 characters)",
        )
        parser.add_argument(
            "--school-year",
            metavar="YYYY-YYYY",
            help="school year of the --signup-group (default: from the file's collection "
            "date); only together with --signup-group, since without a group no pupil "
            "is created",
        )

    def handle(self, *args, files, signup_group, school_year, **options):
        with translation.override("nl"):
            # Every option is checked before the first file is read: a wrong one
            # changes nothing.
            if signup_group is not None:
                signup_group = self._check_signup_group(signup_group)
            elif school_year is not None:
                raise CommandError(
                    _(
                        "--school-year only applies together with --signup-group: it is the "
                        "school year of the signup group that new pupils are put in."
                    )
                )
            self._check_school_year(school_year)
            failed = 0
            group: SignupGroup | None = None
            for chunk in _chunks(files, CHUNK_SIZE):
                readable = [(name, raw) for name, raw, _error in chunk if raw is not None]
                if signup_group and group is None and readable:
                    group = self._group(signup_group, school_year, readable)
                results = iter(
                    dossiers_merge(
                        items=[DossierIn(raw=raw, source_name=name) for name, raw in readable],
                        signup_group=group,
                        received_by=_received_by(),
                    )
                    if readable
                    else []
                )
                for name, raw, error in chunk:
                    if raw is None:
                        failed += 1
                        self.stdout.write(
                            f"{redact_identifiers(name)}: -: {DossierOutcome.FAILED.label}: {error}"
                        )
                        continue
                    result = next(results)
                    failed += result.outcome == DossierOutcome.FAILED
                    self._write(name, result)
            if failed:
                raise CommandError(
                    _("%(failed)d of %(total)d files failed.")
                    % {"failed": failed, "total": len(files)},
                    returncode=1,
                )

    def _check_signup_group(self, name: str) -> str:
        try:
            return signup_group_name_clean(name)
        except ValidationError as error:
            raise CommandError(
                _("--signup-group: %(message)s") % {"message": " ".join(error.messages)}
            ) from None

    def _check_school_year(self, school_year: str | None) -> None:
        if school_year is None:
            return
        try:
            validate_school_year(school_year)
        except ValidationError as error:
            raise CommandError(
                _("--school-year: %(message)s") % {"message": " ".join(error.messages)}
            ) from None

    def _group(self, name: str, school_year: str | None, readable) -> SignupGroup:
        group, created = signup_group_for_import(
            name=name,
            school_year=school_year,
            collection_date=next(
                (found for _name, raw in readable if (found := _collection_date(raw))), None
            ),
        )
        if created:
            self.stderr.write(
                _("Signup group %(group)s created.") % {"group": group}, style_func=None
            )
        return group

    def _write(self, name: str, result: MergeResult) -> None:
        label = str(DossierOutcome(result.outcome).label)
        if result.outcome == DossierOutcome.FAILED:
            label = f"{label}: {result.reason}"
        # A file may be named after the pupil's BSN: the name is printed masked.
        self.stdout.write(f"{redact_identifiers(name)}: {result.student_number or '-'}: {label}")
        for remark in result.remarks:
            self.stdout.write(f"  {remark}")


def _chunks(files: list[str], size: int) -> Iterator[list[tuple[str, bytes | None, str]]]:
    """(name, content or None, error) per file, ``size`` files at a time, read lazily."""
    for start in range(0, len(files), size):
        yield [(name, *dossier_file_read(name)) for name in files[start : start + size]]


def _collection_date(raw: bytes) -> date | None:
    match = _COLLECTION_DATE.search(raw[:8192])
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _received_by() -> str:
    return f"import_dossier ({os_username()})"
