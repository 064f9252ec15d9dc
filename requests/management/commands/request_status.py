"""``python manage.py request_status --signup-group NAME``: where the group's requests stand.

Sends nothing and changes nothing. Prints ``<status>: <count>`` for every status, in the same
format as ``request_dossiers --wait``, counting each pupil of the group once, with their latest
request (a pupil without any request is not counted).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import translation

from requests.management.status_lines import OUTPUT_LANGUAGE, find_signup_group, status_lines
from requests.selectors import request_status_counts


class Command(BaseCommand):
    help = "Print how many pupils of a signup group have their latest request in each status."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--signup-group", required=True, help="name of the signup group")

    def handle(self, *args, **options) -> None:
        with translation.override(OUTPUT_LANGUAGE):
            group = find_signup_group(options["signup_group"])
            for line in status_lines(request_status_counts(signup_group_id=group.pk)):
                self.stdout.write(line)
