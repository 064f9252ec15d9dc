"""python manage.py export_cards --signup-group NAME --format csv|xlsx|zip [--output PATH]

The cards of every pupil of a signup group, for class formation and the school's
own system. The output is a contract (``students.card_exports``):

- ``csv``: UTF-8 with a BOM, ``;``-separated, one row per pupil; to stdout without
  ``--output``;
- ``xlsx``: the same columns as an Excel workbook; needs ``--output``;
- ``zip``: each pupil's latest applied OSO file, byte for byte, as
  ``<stamnummer>_<achternaam>.xml``; needs ``--output``. It holds full BSNs: whoever
  runs this command is trusted with the database anyway, and the zip is on record.

With ``--output`` the file is written (replaced if it exists) and one line says
what it holds. ``--school-year`` picks the group when a name is used in several
years (default: the latest). Every export is written to the audit log.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.cli import os_username
from students.card_exports import EXPORT_LANGUAGE, cards_csv, cards_xlsx, export_rows
from students.models import SignupGroup, Student
from students.services.card_exports import cards_export_record, dossiers_zip_export
from students.validators import validate_school_year

FORMATS = ("csv", "xlsx", "zip")


class Command(BaseCommand):
    help = "Export the cards of a signup group as CSV, Excel or a zip of their OSO files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--signup-group", required=True, metavar="NAME")
        parser.add_argument("--school-year", metavar="YYYY-YYYY")
        parser.add_argument("--format", required=True, dest="export_format", metavar="FORMAT")
        parser.add_argument("--output", metavar="PATH")
        parser.add_argument("--user", help="recorded as who exported (default: the OS user)")

    def handle(self, *args, **options) -> None:
        with translation.override(EXPORT_LANGUAGE):
            export_format = (options["export_format"] or "").strip().lower()
            if export_format not in FORMATS:
                raise CommandError(
                    _("Unknown format %(format)s: choose csv, xlsx or zip.")
                    % {"format": options["export_format"]}
                )
            output = options["output"]
            if export_format != "csv" and not output:
                raise CommandError(
                    _("The format %(format)s needs --output PATH.") % {"format": export_format}
                )
            if output:
                _writable_folder(Path(output))
            group = _find_group(options["signup_group"], options["school_year"])
            actor = options["user"] or os_username()
            students = Student.objects.filter(signup_group=group)
            if export_format == "zip":
                self._zip(students, group=group, actor=actor, output=Path(output))
                return
            rows = export_rows(students=students)
            cards_export_record(
                actor=actor, export_format=export_format, rows=len(rows), signup_group=group
            )
            if export_format == "csv" and not output:
                self._to_stdout("".join(cards_csv(rows)))
                return
            content = (
                "".join(cards_csv(rows)).encode("utf-8")
                if export_format == "csv"
                else cards_xlsx(rows)
            )
            _write_file(Path(output), content)
            self.stdout.write(
                ngettext(
                    "%(path)s: %(count)d student",
                    "%(path)s: %(count)d students",
                    len(rows),
                )
                % {"path": output, "count": len(rows)}
            )

    def _zip(self, students, *, group: SignupGroup, actor: str, output: Path) -> None:
        folder = _writable_folder(output)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            try:
                result = dossiers_zip_export(
                    students=students, out=part, actor=actor, signup_group=group
                )
            except BaseException:
                os.unlink(part.name)
                raise
        os.replace(part.name, output)
        self.stdout.write(
            ngettext("%(path)s: %(count)d file", "%(path)s: %(count)d files", result.files)
            % {"path": output, "count": result.files}
        )
        if result.unavailable:
            self.stderr.write(
                _("Left out, the archived file differs from the one received: %(numbers)s")
                % {"numbers": ", ".join(result.unavailable)}
            )

    def _to_stdout(self, text: str) -> None:
        """The CSV exactly: UTF-8 (with its BOM) whatever the terminal's encoding."""
        stream = getattr(self.stdout, "_out", sys.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            stream.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            stream.write(text)


def _find_group(name: str, school_year: str | None) -> SignupGroup:
    """The group of that name (and year); with several school years, the latest."""
    name = (name or "").strip()
    groups = SignupGroup.objects.filter(name=name)
    if school_year:
        try:
            validate_school_year(school_year)
        except ValidationError:
            raise CommandError(
                _("Invalid school year %(year)s: use YYYY-YYYY, for example 2021-2022.")
                % {"year": school_year}
            ) from None
        groups = groups.filter(school_year=school_year)
    group = groups.order_by("-school_year").first()
    if group is None:
        raise CommandError(_("Unknown signup group: %(name)s") % {"name": name})
    return group


def _writable_folder(output: Path) -> Path:
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": folder})
    if output.is_dir():
        raise CommandError(_("%(path)s is a folder; give a file name.") % {"path": output})
    return folder


def _write_file(output: Path, content: bytes) -> None:
    """All or nothing: a failed write never leaves half a file under the name."""
    folder = _writable_folder(output)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
        part.write(content)
    os.replace(part.name, output)
