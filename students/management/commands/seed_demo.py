"""python manage.py seed_demo: the demo signup group, the access group, the demo login.

Idempotent: running it again adds nothing. The demo login demo/demo exists only
in demo mode (settings.DEMO_LOGIN_ENABLED).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from students.models import DossierOutcome
from students.services.access import (
    ADMISSIONS_GROUP,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    access_groups_ensure,
    demo_user_ensure,
)
from students.services.demo import demo_data_seed


class Command(BaseCommand):
    help = "Load the demo data: signup group with pupils, access group, demo login."

    def handle(self, *args, **options):
        with translation.override("nl"):
            access_groups_ensure()
            self.stdout.write(
                _("Group %(group)s with permission students.use_portal is ready.")
                % {"group": ADMISSIONS_GROUP}
            )
            seeded = demo_data_seed()
            self.stdout.write(
                _(
                    "Signup group %(group)s: %(created)d new students, "
                    "%(present)d were already there."
                )
                % {
                    "group": seeded.signup_group,
                    "created": seeded.created,
                    "present": seeded.already_present,
                }
            )
            failed = [r for r in seeded.results if r.outcome == DossierOutcome.FAILED]
            for result in failed:
                self.stderr.write(f"{result.source_name}: {result.reason}")
            if settings.DEMO_LOGIN_ENABLED:
                demo_user_ensure()
                self.stdout.write(
                    _("Demo login: %(user)s / %(password)s (staff, may do everything).")
                    % {"user": DEMO_USERNAME, "password": DEMO_PASSWORD}
                )
            else:
                self.stdout.write(_("No demo login is created: that happens only in demo mode."))
            if failed:
                raise CommandError(
                    _("%(count)d demo dossiers failed.") % {"count": len(failed)}, returncode=1
                )
