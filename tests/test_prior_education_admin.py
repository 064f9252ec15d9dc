"""Hand edits of the Vooropleiding card and its final tests in the admin are on record."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from students.models import FinalTestResult, PriorEducation
from tests.factories import PriorEducationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def card() -> PriorEducation:
    card = PriorEducationFactory(advice_code="40", revised_advice_motivation="")
    FinalTestResult.objects.create(
        prior_education=card, test_type_code="0013", test_name="IEP", standard_score=80
    )
    return card


def _change_form(client, url: str) -> dict:
    """The admin form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    return data


def test_editing_the_advice_in_the_admin_records_who_and_which_field_not_the_value(
    superuser_client, card
):
    url = reverse("admin:students_prioreducation_change", args=[card.pk])
    data = _change_form(superuser_client, url)
    data["advice_code"] = "50"

    response = superuser_client.post(url, data)

    assert response.status_code == 302
    card.refresh_from_db()
    assert card.advice_code == "50"
    entry = AuditEntry.objects.get(action="student_changed")
    assert entry.actor == "beheer"
    assert entry.student_number == card.student.student_number
    assert entry.details["fields"] == ["advice_code"]
    assert "50" not in entry.summary and "50" not in str(entry.details["fields"])


def test_saving_the_card_unchanged_records_nothing(superuser_client, card):
    url = reverse("admin:students_prioreducation_change", args=[card.pk])

    superuser_client.post(url, _change_form(superuser_client, url))

    assert not AuditEntry.objects.filter(action="student_changed").exists()


def test_deleting_a_final_test_in_the_admin_is_on_record(superuser_client, card):
    result = card.final_tests.get()
    url = reverse("admin:students_finaltestresult_delete", args=[result.pk])

    response = superuser_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not FinalTestResult.objects.exists()
    entry = AuditEntry.objects.get(action="student_changed")
    assert entry.details == {"model": "finaltestresult", "deleted": True}
    assert entry.student_number == card.student.student_number
