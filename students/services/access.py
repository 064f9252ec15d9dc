"""The access groups of OSO Portal and the demo login.

*Toelating* (admissions) holds ``students.use_portal``: every staff page needs
it. ``students.reveal_bsn`` is deliberately not in it; give it to the few who
must see full citizen service numbers.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from students.models import Student

ADMISSIONS_GROUP = "Toelating"
USE_PORTAL = "use_portal"
REVEAL_BSN = "reveal_bsn"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo login, demo mode only


def _student_permission(codename: str) -> Permission:
    # Normally created by post_migrate; created here too so this also works on a
    # database whose permissions were flushed (transactional tests).
    content_type = ContentType.objects.get_for_model(Student)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": dict(Student._meta.permissions)[codename]},
    )
    return permission


@transaction.atomic
def access_groups_ensure() -> Group:
    """Create the group *Toelating* with ``students.use_portal`` (idempotent); return it."""
    group, _created = Group.objects.get_or_create(name=ADMISSIONS_GROUP)
    group.permissions.add(_student_permission(USE_PORTAL))
    return group


@transaction.atomic
def demo_user_ensure():
    """The demo login demo/demo: staff, superuser, in *Toelating*. Demo mode only."""
    from django.conf import settings

    if not settings.DEMO_LOGIN_ENABLED:
        raise RuntimeError("The demo login exists only in demo mode (OSO_PORTAL_ENV=demo).")
    user, _created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(access_groups_ensure())
    return user
