"""The student page: NAW with corrections, the Vooropleiding card, requests and dossier versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from requests.models import RequestStatus
from students.models import DossierOutcome, NawCorrection, ReceivedDossier, Student
from students.services.corrections import naw_correction_record
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory
from tests.oso_dossier_edit import dossier_edit

MARCH = dt.date(2021, 3, 1)
MAY = dt.date(2021, 5, 10)


def merge(raw: bytes, *, group=None, name="dossier.xml"):
    [result] = dossiers_merge(
        items=[DossierIn(raw=raw, source_name=name)], signup_group=group, received_by="test"
    )
    return result


@pytest.fixture
def full_example(oso_examples):
    return next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")


@pytest.fixture
def student(db, full_example) -> Student:
    """A pupil whose March file (no final test) and May file (test, revised advice) arrived."""
    group = SignupGroupFactory()
    march = merge(
        dossier_edit(full_example, collection_date=MARCH, final_test=False),
        group=group,
        name="maart.xml",
    )
    assert march.outcome == DossierOutcome.CREATED, march.reason
    may = merge(
        dossier_edit(
            full_example,
            collection_date=MAY,
            revised_advice="50",
            motivation="De eindtoets was hoger dan het advies.",
        ),
        name="mei.xml",
    )
    assert may.outcome == DossierOutcome.PROCESSED, may.reason
    return Student.objects.get(pk=march.student_id)


def page(client, student, **params):
    return client.get(
        reverse("students:detail", args=[student.student_number]),
        params,
        HTTP_ACCEPT_LANGUAGE="nl",
    )


def test_vooropleiding_card_shows_final_test_and_revised_advice(portal_client, student):
    response = page(portal_client, student)
    html = response.content.decode()
    prior = response.context["page"].prior_education

    assert response.status_code == 200
    assert "Vooropleiding" in html
    assert prior.primary_school.name in html
    [row] = response.context["page"].final_tests
    assert f'data-testid="standard-score">{row.result.standard_score}<' in html
    assert row.result.standard_score == 525
    assert row.name in html
    assert row.result.test_advice in html
    assert "De eindtoets was hoger dan het advies." in html
    revised = response.context["page"].advice["revised_advice"]
    assert revised.code == "50"
    assert revised.label and revised.label in html
    assert "Referentieniveaus" in html
    assert "10-05-2021" in html  # the last dossier's date


def test_bsn_is_shown_masked_only(portal_client, student):
    html = page(portal_client, student).content.decode()

    assert student.bsn not in html
    assert student.bsn_masked in html


def test_corrected_field_is_marked_with_who_and_when_and_can_be_released(portal_client, student):
    naw_correction_record(student=student, field="surname", value="Berg-Jansen", user="anna")
    dossier_surname = student.dossier_values["surname"]

    html = page(portal_client, student).content.decode()
    assert "Berg-Jansen" in html
    assert "Lokaal gecorrigeerd door anna op" in html
    assert f"Dossier: {dossier_surname}" in html
    release = reverse("students:release_correction", args=[student.student_number, "surname"])
    assert f'action="{release}"' in html

    response = portal_client.post(release, HTTP_ACCEPT_LANGUAGE="nl", follow=True)

    assert not NawCorrection.objects.filter(student=student).exists()
    student.refresh_from_db()
    assert student.surname == dossier_surname
    assert "De correctie van Achternaam is vrijgegeven" in response.content.decode()


def test_release_needs_post(portal_client, student):
    naw_correction_record(student=student, field="surname", value="Berg-Jansen", user="anna")
    url = reverse("students:release_correction", args=[student.student_number, "surname"])

    assert portal_client.get(url).status_code == 405
    assert NawCorrection.objects.filter(student=student).exists()


def test_releasing_a_field_that_is_not_corrected_changes_nothing(portal_client, student):
    url = reverse("students:release_correction", args=[student.student_number, "town"])

    response = portal_client.post(url, HTTP_ACCEPT_LANGUAGE="nl", follow=True)

    assert "Dit veld heeft geen lokale correctie." in response.content.decode()


def test_request_history_with_remarks(portal_client, student):
    TransferRequestFactory(
        student=student,
        status=RequestStatus.PROCESSED_WITH_REMARKS,
        remarks=["Achternaam is lokaal gecorrigeerd"],
    )
    TransferRequestFactory(student=student, status=RequestStatus.READY)

    html = page(portal_client, student).content.decode()

    assert "Verwerkt met opmerkingen" in html
    assert "Achternaam is lokaal gecorrigeerd" in html
    assert "Klaar om op te vragen" in html


def test_received_versions_are_listed_and_any_two_can_be_compared(portal_client, student):
    newer, older = ReceivedDossier.objects.filter(student=student).order_by("-received_at")

    html = page(portal_client, student).content.decode()
    assert "maart.xml" in html and "mei.xml" in html

    response = page(portal_client, student, older=older.pk, newer=newer.pk)
    html = response.content.decode()
    diff = response.context["diff"]
    assert any(line.op == "added" and "herzienadvies" in line.text for line in diff)
    assert "diff__line--added" in html
    assert "&lt;herzienadvies&gt;50&lt;/herzienadvies&gt;" in html


def test_diff_of_a_dossier_of_another_student_is_not_shown(portal_client, student):
    other = StudentFactory(student_number="9000000001")
    foreign = ReceivedDossier.objects.create(
        student=other, raw_xml="<x/>", sha256="0" * 64, outcome=DossierOutcome.PROCESSED
    )
    mine = ReceivedDossier.objects.filter(student=student).first()

    response = page(portal_client, student, older=foreign.pk, newer=mine.pk)

    assert response.context["diff"] is None


def test_attachment_downloads_unpacked(portal_client, student):
    dossier = ReceivedDossier.objects.filter(student=student).order_by("-received_at").first()
    first = dossier.attachments[0]
    url = reverse(
        "students:dossier_attachment",
        args=[student.student_number, dossier.pk, first["index"]],
    )
    assert url in page(portal_client, student).content.decode()

    response = portal_client.get(url)

    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert first["filename"].split(".")[0] in response["Content-Disposition"]
    assert len(response.content) > 0


def test_an_attachment_download_is_on_record(portal_client, portal_user, student):
    dossier = ReceivedDossier.objects.filter(student=student).order_by("-received_at").first()
    first = dossier.attachments[0]
    url = reverse(
        "students:dossier_attachment",
        args=[student.student_number, dossier.pk, first["index"]],
    )

    assert portal_client.get(url).status_code == 200

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert (entry.actor, entry.student_id, entry.student_number) == (
        portal_user.get_username(),
        student.pk,
        student.student_number,
    )
    assert entry.details["export"] == "dossier_attachment"
    assert (entry.details["dossier_id"], entry.details["index"]) == (dossier.pk, first["index"])


def test_the_diff_on_the_student_page_masks_the_bsn(portal_client, student):
    march = ReceivedDossier.objects.filter(student=student).order_by("received_at").first()
    other_number = "234017892"
    changed = ReceivedDossier.objects.create(
        student=student,
        raw_xml=dossier_edit(march.raw_xml.encode(), bsn=other_number).decode(),
        sha256="1" * 64,
        collection_date=MAY,
        outcome=DossierOutcome.PROCESSED,
    )

    response = page(portal_client, student, older=march.pk, newer=changed.pk)

    html = response.content.decode()
    assert response.context["diff"], "the BSN line differs"
    assert student.bsn not in html and other_number not in html
    assert f"&lt;bsn&gt;*****{student.bsn[-4:]}&lt;/bsn&gt;" in html
    assert "&lt;bsn&gt;*****7892&lt;/bsn&gt;" in html


def test_attachment_index_that_does_not_exist_is_404(portal_client, student):
    dossier = ReceivedDossier.objects.filter(student=student).first()
    url = reverse("students:dossier_attachment", args=[student.student_number, dossier.pk, 999])

    assert portal_client.get(url).status_code == 404


def test_admin_link_only_for_staff_who_may_change_students(client, portal_user, student):
    admin_url = reverse("admin:students_student_change", args=[student.pk])
    client.force_login(portal_user)
    assert admin_url not in page(client, student).content.decode()

    portal_user.is_staff = True
    portal_user.save()
    portal_user.user_permissions.add(Permission.objects.get(codename="change_student"))
    client.force_login(portal_user)

    assert admin_url in page(client, student).content.decode()


def test_unknown_student_is_404(portal_client, db):
    response = portal_client.get(reverse("students:detail", args=["9999999999"]))
    assert response.status_code == 404


def test_student_without_any_dossier_shows_an_empty_card(portal_client, db):
    student = StudentFactory()

    html = page(portal_client, student).content.decode()

    assert "Voor deze leerling is nog geen overstapdossier verwerkt." in html
    assert "Nog geen dossier ontvangen." in html


def _in(language, client, url) -> str:
    client.post(reverse("set_language"), {"language": language, "next": url})
    return client.get(url).content.decode()


def test_a_code_without_a_known_label_says_so_in_either_language(portal_client, db, full_example):
    result = merge(dossier_edit(full_example, advice="44"), group=SignupGroupFactory())
    student = Student.objects.get(pk=result.student_id)
    url = reverse("students:detail", args=[student.student_number])

    dutch = _in("nl", portal_client, url)
    english = _in("en", portal_client, url)

    assert "code 44 (omschrijving onbekend)" in dutch
    assert "code 44 (description unknown)" in english
    assert "voorlopig" not in dutch.lower()
    # The test level (codelist 43) is read with its seeded label, never as a bare code.
    assert 'Generiek <span class="muted">(G)</span>' in dutch


def test_postcodes_are_shown_with_a_space(portal_client, student):
    student.refresh_from_db()
    assert student.postcode == "7331GJ"  # stored without the space

    html = page(portal_client, student).content.decode()

    assert "7331 GJ" in html
    assert "7331GJ" not in html.split("<pre", 1)[0]  # the card, not the raw XML diff


def test_the_file_list_names_a_process_that_received_a_file_not_its_id(portal_client, student):
    from students.services.demo import DEMO_ACTOR

    first, second = student.dossiers.order_by("received_at")
    first.received_by = DEMO_ACTOR
    first.save(update_fields=["received_by"])
    second.received_by = "elk-feed"
    second.save(update_fields=["received_by"])

    html = page(portal_client, student).content.decode()

    assert "(demogegevens)" in html and "(ELK-koppeling)" in html
    assert "(seed_demo)" not in html and "(elk-feed)" not in html
