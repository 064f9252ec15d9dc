"""Retention purge: python manage.py purge_students --school-year YYYY-YYYY [options]."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audit.models import SYSTEM_ACTOR
from audit.purge_messages import (
    HELP_DRY_RUN,
    HELP_NOT_PLACED,
    HELP_SCHOOL_YEAR,
    HELP_USER,
    STUDENT_REMOVED,
    STUDENT_WOULD_BE_REMOVED,
    dossiers_line,
    total_line,
)
from students.services.retention import students_purge


class Command(BaseCommand):
    help = (
        "Remove the students of a school year's signup groups, with their dossiers, and the "
        "dossiers without a student received up to the end of that school year (31 July)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--school-year", required=True, help=str(HELP_SCHOOL_YEAR))
        parser.add_argument("--not-placed", action="store_true", help=str(HELP_NOT_PLACED))
        parser.add_argument("--dry-run", action="store_true", help=str(HELP_DRY_RUN))
        parser.add_argument("--user", default=SYSTEM_ACTOR, help=str(HELP_USER))

    def handle(self, *args, **options):
        try:
            result = students_purge(
                school_year=options["school_year"].strip(),
                not_placed_only=options["not_placed"],
                dry_run=options["dry_run"],
                actor=options["user"],
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        line = STUDENT_WOULD_BE_REMOVED if result.dry_run else STUDENT_REMOVED
        for number in result.student_numbers:
            self.stdout.write(str(line) % {"student_number": number})
        self.stdout.write(
            dossiers_line(
                result.dossier_count,
                received_until=result.dossiers_received_until,
                dry_run=result.dry_run,
            )
        )
        self.stdout.write(total_line(result.count, dry_run=result.dry_run))
