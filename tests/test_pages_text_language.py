"""One language at a time: a remark made in Dutch reads in English on the English page."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from requests.models import RequestStatus
from requests.services import texts as request_texts
from students.models import DossierOutcome, SignupGroup, Student
from students.services.corrections import naw_correction_record
from tests.factories import SignupGroupFactory, TransferRequestFactory
from tests.test_dossier_merge import make_parsed, merge

pytestmark = pytest.mark.django_db

MAY = dt.date(2021, 5, 10)


@pytest.fixture
def imported(db) -> Student:
    """A pupil created from a first file (the merge tests' standard pupil)."""
    [result] = merge(make_parsed(), group=SignupGroupFactory())
    assert result.outcome == DossierOutcome.CREATED
    return Student.objects.get(pk=result.student_id)


def _in(language, client, url) -> str:
    client.post(reverse("set_language"), {"language": language, "next": url})
    return html.unescape(client.get(url).content.decode())


@pytest.fixture
def corrected(imported) -> Student:
    """A pupil whose May file met a local correction: a remark, made (and stored) in Dutch."""
    naw_correction_record(student=imported, field="surname", value="Hoff", user="anna")
    [result] = merge(make_parsed(collection_date=MAY))
    assert result.remarks == [
        "Achternaam is lokaal gecorrigeerd: 'Hoff' behouden, dossier geeft 'Hof'."
    ]
    return imported


def test_a_remark_made_in_dutch_reads_in_english_on_the_english_student_page(
    portal_client, corrected
):
    url = reverse("students:detail", args=[corrected.student_number])

    english = _in("en", portal_client, url)
    dutch = _in("nl", portal_client, url)

    assert "Surname is corrected locally: 'Hoff' kept, the dossier gives 'Hof'." in english
    assert "lokaal gecorrigeerd" not in english
    assert "Achternaam is lokaal gecorrigeerd: 'Hoff' behouden" in dutch


def test_a_failure_reason_reads_in_the_language_of_the_overview(portal_client):
    request = TransferRequestFactory(status=RequestStatus.FAILED)
    request.error = request_texts.GIVEN_UP(attempts=3, reason=request_texts.EMPTY_FILE())
    request.save()
    url = reverse("oso_requests:overview")

    english = _in("en", portal_client, url)
    dutch = _in("nl", portal_client, url)

    assert "Given up after 3 attempts: The endpoint sent an empty file." in english
    assert "Opgegeven na 3 pogingen" in dutch


def test_the_audit_summary_reads_in_the_page_language_with_its_dates(portal_client, portal_user):
    from tests.request_support import requests_send

    portal_user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    # Signed up in a group: OSO allows requests for signed-up pupils only.
    group = SignupGroup.objects.create(name="Groep 8", school_year="2021-2022")
    student = Student.objects.create(student_number="9000001", surname="Hof", signup_group=group)
    requests_send([student], mode="changes_since", changed_since=dt.date(2021, 3, 20))
    url = reverse("audit:log")

    english = _in("en", portal_client, url)
    dutch = _in("nl", portal_client, url)

    assert "changes since 20-03-2021, batch" in english
    assert "wijzigingen sinds 20-03-2021, verzending" in dutch
    assert "2021-03-20" not in dutch and "2021-03-20" not in english
