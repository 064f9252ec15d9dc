"""Dates are typed dd-mm-jjjj (or yyyy-mm-dd), shown dd-mm-jjjj, with a calendar to pick from."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from audit.forms import AuditSearchForm
from common.dates import DateTextInput, DayFirstDateField
from oso_portal.views import DemoClockForm
from requests.forms import SendForm
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

MARCH_20 = dt.date(2021, 3, 20)


@pytest.mark.parametrize("typed", ["20-03-2021", "20-3-2021", "2021-03-20", "20/03/2021"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_date_field_reads_day_first_and_iso_in_both_languages(typed, language):
    with translation.override(language):
        assert DayFirstDateField().clean(typed) == MARCH_20


@pytest.mark.parametrize("typed", ["03/20/2021", "31-02-2021", "20-03", "morgen"])
def test_the_date_field_refuses_what_is_not_a_day_first_date(typed):
    with pytest.raises(forms.ValidationError):
        DayFirstDateField().clean(typed)


def test_the_widget_is_a_text_field_showing_dd_mm_jjjj_with_a_calendar_hook():
    with translation.override("nl"):
        html = DateTextInput().render("day", MARCH_20)

    assert 'type="text"' in html and 'type="date"' not in html
    assert 'value="20-03-2021"' in html
    assert 'placeholder="dd-mm-jjjj"' in html
    assert "data-date-input" in html
    assert 'data-picker-label="Kies een datum"' in html


def test_a_value_that_did_not_parse_is_shown_as_typed():
    form = DemoClockForm({"day": "32-13-2021"})

    assert not form.is_valid()
    assert 'value="32-13-2021"' in str(form["day"])


@pytest.mark.parametrize(
    ("form_class", "field"),
    [(SendForm, "changed_since"), (DemoClockForm, "day"), (AuditSearchForm, "date_from")],
)
def test_every_date_field_of_the_portal_is_a_day_first_text_field(form_class, field):
    bound = form_class()[field]

    assert isinstance(bound.field, DayFirstDateField)
    assert 'type="text"' in str(bound) and "data-date-input" in str(bound)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_djangos_own_date_fields_read_dd_mm_jjjj_too_in_both_languages(language):
    """The admin's date fields use the active language's DATE_INPUT_FORMATS."""
    with translation.override(language):
        assert forms.DateField().clean("20-03-2021") == MARCH_20
        assert forms.DateField().clean("2021-03-20") == MARCH_20
        assert forms.DateField(widget=forms.DateInput).widget.format_value(MARCH_20) == (
            "20-03-2021"
        )


@pytest.mark.django_db
def test_a_typed_20_03_2021_is_accepted_in_mutaties_vanaf(portal_client, monkeypatch):
    monkeypatch.setattr(
        "requests.services.transfer_requests.enqueue_submit", lambda ids, **kw: None
    )
    group = SignupGroupFactory()
    ready = [
        TransferRequestFactory(
            student=StudentFactory(signup_group=group), status=RequestStatus.READY
        )
        for _ in range(2)
    ]

    response = portal_client.post(
        reverse("oso_requests:send"),
        {
            "request_ids": [r.pk for r in ready],
            "mode": "changes_since",
            "changed_since": "20-03-2021",
        },
    )

    assert response.status_code == 302
    batch = RequestBatch.objects.get()
    assert batch.mode == RequestMode.CHANGES_SINCE
    assert batch.changed_since == MARCH_20
    assert set(TransferRequest.objects.values_list("changed_since", flat=True)) == {MARCH_20}


@pytest.mark.django_db
def test_the_overview_offers_mutaties_vanaf_as_a_dd_mm_jjjj_field(portal_client):
    html = portal_client.get(reverse("oso_requests:overview")).content.decode()

    [field] = re.findall(r'<input[^>]*name="changed_since"[^>]*>', html)
    assert 'type="text"' in field
    assert "data-date-input" in field and "data-changed-since" in field
    assert 'placeholder="dd-mm-jjjj"' in field
    assert 'type="date"' not in html


@pytest.mark.django_db
def test_the_audit_filter_reads_and_shows_dd_mm_jjjj(client):
    from tests.factories import UserFactory

    user = UserFactory(username="auditor")
    for app_label, codename in [("students", "use_portal"), ("audit", "view_auditentry")]:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client.force_login(user)

    response = client.get(reverse("audit:log"), {"date_from": "20-03-2021"})

    assert response.status_code == 200
    assert response.context["form"].cleaned_data["date_from"] == MARCH_20
    html = response.content.decode()
    [field] = re.findall(r'<input[^>]*name="date_from"[^>]*>', html)
    assert 'value="20-03-2021"' in field and 'type="text"' in field


def test_the_calendar_script_is_a_static_file_on_every_page():
    base = (settings.BASE_DIR / "templates" / "base.html").read_text()

    assert "js/date_input.js" in base
    assert (settings.BASE_DIR / "static" / "js" / "date_input.js").is_file()


def test_the_signup_forms_birth_date_has_the_calendar_too():
    from students.signup_forms import SignupFieldsForm

    field = str(SignupFieldsForm(initial={"birth_date": "14-05-2009"})["birth_date"])

    assert "data-date-input" in field and 'value="14-05-2009"' in field


@pytest.mark.django_db
def test_the_searchs_birth_date_has_the_calendar_and_still_takes_a_month_or_a_year(portal_client):
    html = portal_client.get(reverse("students:search")).content.decode()
    [field] = re.findall(r'<input[^>]*name="birth_date"[^>]*>', html)
    assert "data-date-input" in field

    month = portal_client.get(reverse("students:search"), {"birth_date": "05-2009"})
    assert month.context["table"] is not None  # a month is a valid search
    assert 'value="05-2009"' in month.content.decode()
