"""What ``request_dossiers --wait`` and ``request_status`` share: the group and the status lines.

The lines are a contract that scripts read: ``<status>: <count>`` for every status in flow
order, zeros included, with the Dutch labels staff know.
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from requests.models import RequestStatus
from students.models import SignupGroup

# Output for people and scripts alike: always in Dutch, the labels staff know.
OUTPUT_LANGUAGE = "nl"


def status_lines(counts: dict[str, int]) -> list[str]:
    """One ``<status>: <count>`` line per status, in flow order (call in OUTPUT_LANGUAGE)."""
    return [f"{status.label}: {counts.get(status.value, 0)}" for status in RequestStatus]


def find_signup_group(name: str) -> SignupGroup:
    """The group of that name; with several school years, the latest."""
    group = SignupGroup.objects.filter(name=name).order_by("-school_year").first()
    if group is None:
        raise CommandError(_("Unknown signup group: %(name)s") % {"name": name})
    return group
