"""The audit log in the admin reads in the admin's language, like the audit page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from students.models import SignupGroup, Student
from tests.request_support import requests_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(db):
    group = SignupGroup.objects.create(name="Groep 8", school_year="2021-2022")
    student = Student.objects.create(student_number="9000001", surname="Hof", signup_group=group)
    requests_send([student], mode="changes_since", changed_since=dt.date(2021, 3, 20))


def test_the_admins_audit_list_shows_the_summary_in_dutch(superuser_client, sent):
    html = superuser_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()

    assert "wijzigingen sinds 20-03-2021, verzending" in html
    assert "Klaar om op te vragen" in html
    assert "2021-03-20" not in html


def test_the_admins_audit_list_shows_the_summary_in_english_when_chosen(superuser_client, sent):
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = superuser_client.get(reverse("admin:audit_auditentry_changelist")).content.decode()

    assert "changes since 20-03-2021, batch" in html
    assert "wijzigingen sinds" not in html
