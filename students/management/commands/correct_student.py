"""python manage.py correct_student STUDENT_NUMBER [--set FIELD=VALUE]... [--release FIELD]...
[--user NAME]

Records local NAW corrections (dossiers then keep the corrected value) or
releases them (the field follows the dossiers again), through the same
services as the admin. All changes of one call are applied together or not at all.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from common.cli import os_username
from students.models import NAW_FIELDS, Student
from students.services.corrections import (
    naw_correction_record,
    naw_correction_release,
    naw_field_label,
    naw_value_clean,
)


class Command(BaseCommand):
    help = "Correct a student's name/address data locally, or release a correction."

    def add_arguments(self, parser):
        parser.add_argument("student_number", metavar="STUDENT_NUMBER")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            dest="sets",
            metavar="FIELD=VALUE",
            help=f"correct a field; one of {', '.join(NAW_FIELDS)}",
        )
        parser.add_argument(
            "--release",
            action="append",
            default=[],
            dest="releases",
            metavar="FIELD",
            help="release a correction: the field follows the dossiers again",
        )
        parser.add_argument("--user", metavar="NAME", help="who makes the change")

    def handle(self, *args, student_number, sets, releases, user, **options):
        with translation.override("nl"):
            if not sets and not releases:
                raise CommandError(_("Give at least one --set FIELD=VALUE or --release FIELD."))
            changes = [self._parse_set(item) for item in sets]
            for field in releases:
                self._check_field(field)
            student = Student.objects.filter(student_number=student_number.strip()).first()
            if student is None:
                raise CommandError(
                    _("No student with student number %(number)s.") % {"number": student_number}
                )
            user = user or os_username()
            lines = []
            try:
                with transaction.atomic():
                    for field, value in changes:
                        before = getattr(student, field)
                        correction = naw_correction_record(
                            student=student, field=field, value=value, user=user
                        )
                        lines.append(
                            _("%(field)s corrected locally: '%(old)s' -> '%(new)s'.")
                            % {
                                "field": naw_field_label(field),
                                "old": before,
                                "new": correction.value,
                            }
                        )
                    for field in releases:
                        naw_correction_release(student=student, field=field, user=user)
                        lines.append(
                            _(
                                "%(field)s released: it follows the dossiers again "
                                "(now '%(value)s')."
                            )
                            % {"field": naw_field_label(field), "value": getattr(student, field)}
                        )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            for line in lines:
                self.stdout.write(line)

    def _parse_set(self, item: str) -> tuple[str, str]:
        field, sep, value = item.partition("=")
        if not sep:
            raise CommandError(
                _("Use --set FIELD=VALUE, for example --set surname=Jansen (not '%(item)s').")
                % {"item": item}
            )
        field = field.strip()
        self._check_field(field)
        try:
            naw_value_clean(field=field, value=value)
        except ValidationError as error:
            raise CommandError(f"{naw_field_label(field)}: {' '.join(error.messages)}") from None
        return field, value

    def _check_field(self, field: str) -> None:
        if field not in NAW_FIELDS:
            raise CommandError(
                _("Unknown field '%(field)s'. Choose from: %(fields)s.")
                % {"field": field, "fields": ", ".join(NAW_FIELDS)}
            )
