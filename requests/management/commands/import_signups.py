"""python manage.py import_signups FILE --signup-group NAME [--school-year YYYY-YYYY]
[--dry-run] [--skip-invalid] [--send-now]

Output contract (outside checks read it), all of it on stdout:

* one ``regel <n>: <reasons joined by '; '>`` per refused row, in ascending order;
  ``<n>`` is the spreadsheet row (the header is 1; empty rows are skipped but counted);
* then, always, ``<a> aangemeld, <b> al aangemeld, <c> fouten``;
* without ``--skip-invalid`` any refused row means nothing is imported: ``<a>`` is 0
  and the exit status 1; with it the valid rows are imported and the status is 0;
* with ``--dry-run`` ``<a>`` is the number that would be signed up; nothing is written;
* a bad file or option prints ``Mislukt: <reason>`` and exits 1;
* no line shows a full BSN.

Each new pupil gets a request *Klaar om op te vragen* (``--send-now``: sent at once).
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from common.cli import os_username
from requests.services.first_requests import signups_request_first
from students.models import SignupSource
from students.services.signup_table import MAX_TABLE_BYTES, SignupTableError
from students.services.signups import signup_list_check, signups_create
from students.services.students import signup_group_for_import, signup_group_name_clean
from students.validators import validate_school_year


class ReportedFailure(CommandError):
    """The command failed and has said so on stdout already."""


class Command(BaseCommand):
    help = "Sign pupils up from a signup list (CSV or Excel) and queue their first OSO request."
    requires_system_checks = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # A wrong option is a failure like any other: Django's parser then raises
        # CommandError instead of printing usage to stderr, and run_from_argv says
        # ``Mislukt:`` on stdout.
        parser.called_from_command_line = False
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="the signup list (.csv or .xlsx)")
        parser.add_argument(
            "--signup-group",
            metavar="NAME",
            required=True,
            help="the signup group the pupils are put in (created when missing)",
        )
        parser.add_argument(
            "--school-year",
            metavar="YYYY-YYYY",
            help="school year of the signup group (default: the one starting next 1 August)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows even when some rows are refused",
        )
        parser.add_argument(
            "--send-now", action="store_true", help="send the first requests at once"
        )

    def run_from_argv(self, argv):
        self._called_from_command_line = True
        try:
            with translation.override("nl"):
                parser = self.create_parser(argv[0], argv[1])
                options = vars(parser.parse_args(argv[2:]))
                options.pop("args", None)
                self.execute(**options)
        except ReportedFailure as failure:
            sys.exit(failure.returncode)
        except CommandError as error:
            reason = str(error).removeprefix("Error: ")
            with translation.override("nl"):
                self.stdout.write(_("Failed: %(reason)s") % {"reason": reason})
            sys.exit(1)

    def handle(
        self, *args, file, signup_group, school_year, dry_run, skip_invalid, send_now, **options
    ):
        with translation.override("nl"):
            try:
                name = signup_group_name_clean(signup_group)
                if school_year is not None:
                    validate_school_year(school_year)
            except ValidationError as error:
                self._fail(" ".join(error.messages))
            raw = self._read(file)
            try:
                check, _read_as = signup_list_check(raw=raw, file_name=file)
            except SignupTableError as error:
                self._fail(error.message)
            for refused in sorted(check.refused, key=lambda row: row.line):
                self.stdout.write(
                    _("line %(line)d: %(reasons)s")
                    % {"line": refused.line, "reasons": "; ".join(refused.reasons)}
                )
            blocked = bool(check.refused) and not skip_invalid
            signed_up, already = 0, len(check.already)
            if not blocked and dry_run:
                signed_up = len(check.valid)
            elif not blocked and check.valid:
                group, _created = signup_group_for_import(name=name, school_year=school_year)
                user = f"import_signups ({os_username()})"
                result = signups_create(
                    signups=[signup for _line, signup in check.valid],
                    signup_group=group,
                    source=SignupSource.COMMAND,
                    user=user,
                    file_name=Path(file).name,
                    already=already,
                    refused=len(check.refused),
                )
                signups_request_first(student_ids=result.student_ids, user=user, send_now=send_now)
                signed_up, already = len(result.student_ids), result.already
            self.stdout.write(
                _("%(signed_up)d signed up, %(already)d already signed up, %(errors)d errors")
                % {"signed_up": signed_up, "already": already, "errors": len(check.refused)}
            )
            if blocked:
                raise ReportedFailure("refused rows", returncode=1)

    def _fail(self, reason: str):
        self.stdout.write(_("Failed: %(reason)s") % {"reason": reason})
        raise ReportedFailure(reason, returncode=1)

    def _read(self, name: str) -> bytes:
        path = Path(name)
        try:
            with path.open("rb") as handle:
                return handle.read(MAX_TABLE_BYTES + 1)
        except FileNotFoundError:
            self._fail(_("The file does not exist."))
        except IsADirectoryError:
            self._fail(_("This is a directory, not a file."))
        except OSError as error:
            self._fail(
                _("The file cannot be read: %(error)s.")
                % {"error": error.strerror or error.__class__.__name__}
            )
        raise AssertionError("unreachable")
