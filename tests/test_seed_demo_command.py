"""seed_demo: the demo group with its pupils' first files, the access group, the demo login."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from elk_mock.dataset import DEMO_SIGNUP_GROUP, demo_pupils
from students.models import ReceivedDossier, SignupGroup, Student

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seed_imports_every_demo_pupil_into_the_demo_group_once(settings):
    settings.DEMO_LOGIN_ENABLED = False

    seed()
    second = seed()

    group = SignupGroup.objects.get(name=DEMO_SIGNUP_GROUP, school_year="2021-2022")
    assert group.students.count() == len(demo_pupils()) == Student.objects.count()
    assert ReceivedDossier.objects.count() == len(demo_pupils())
    assert "0 nieuwe leerlingen" in second
    # Every pupil got the file published by the demo clock's start: no final test yet.
    assert not Student.objects.filter(prior_education__final_tests__isnull=False).exists()
    hof = Student.objects.get(surname="Hof")
    assert hof.prior_education.advice_code == "40"


def test_toelating_group_may_use_the_portal_but_not_reveal_bsns(settings):
    settings.DEMO_LOGIN_ENABLED = False

    seed()

    codenames = set(
        Group.objects.get(name="Toelating").permissions.values_list("codename", flat=True)
    )
    assert "use_portal" in codenames
    assert "reveal_bsn" not in codenames


def test_demo_login_exists_only_in_demo_mode(settings):
    settings.DEMO_LOGIN_ENABLED = False
    output = seed()
    assert "Er wordt geen demo-login aangemaakt" in output
    assert not get_user_model().objects.filter(username="demo").exists()

    settings.DEMO_LOGIN_ENABLED = True
    output = seed()

    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password("demo") and demo.is_staff and demo.is_superuser
    assert demo.has_perm("students.use_portal")
    assert demo.groups.filter(name="Toelating").exists()
    assert "Demo-login: demo / demo" in output
