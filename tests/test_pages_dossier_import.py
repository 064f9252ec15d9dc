"""Dossier inlezen: upload OSO files; outcome and remarks per file; oversized files refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.models import ReceivedDossier, Student
from tests.factories import SignupGroupFactory

IMPORT = reverse("students:dossier_import")


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")


@pytest.fixture
def group(db):
    return SignupGroupFactory()


def test_form_has_a_multiple_file_input_with_a_label(portal_client):
    html = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert 'type="file"' in html and "multiple" in html
    assert '<label for="id_files">OSO-bestanden</label>' in html
    assert '<label for="id_signup_group">Aanmeldingsgroep voor nieuwe leerlingen</label>' in html
    assert ">Inlezen<" in html


def test_uploading_several_files_shows_the_outcome_of_each(portal_client, group, oso_examples):
    files = [upload(p) for p in oso_examples[:3]]

    response = portal_client.post(
        IMPORT,
        {"files": files, "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    results = response.context["results"]
    assert [r["source_name"] for r in results] == [p.name for p in oso_examples[:3]]
    assert {r["outcome_label"] for r in results} == {"Nieuwe leerling aangemaakt"}
    for path in oso_examples[:3]:
        assert path.name in html
    assert Student.objects.filter(signup_group=group).count() == 3
    for row in results:
        assert reverse("students:detail", args=[row["student_number"]]) in html


def test_the_same_file_again_is_not_changed(portal_client, group, oso_examples):
    portal_client.post(IMPORT, {"files": [upload(oso_examples[0])], "signup_group": group.pk})

    response = portal_client.post(
        IMPORT, {"files": [upload(oso_examples[0])]}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    [row] = response.context["results"]
    assert row["outcome_label"] == "Leerlinginfo niet gewijzigd"


def test_unknown_pupil_without_a_group_fails_with_a_dutch_reason(portal_client, oso_examples):
    response = portal_client.post(
        IMPORT, {"files": [upload(oso_examples[0])]}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    [row] = response.context["results"]
    assert row["outcome_label"] == "Mislukt"
    assert row["reason"]
    assert row["reason"] in response.content.decode()
    assert not Student.objects.exists()


def test_a_file_that_is_not_xml_fails_and_changes_nothing(portal_client, group):
    junk = SimpleUploadedFile("notes.xml", b"this is not xml", content_type="text/xml")

    response = portal_client.post(
        IMPORT, {"files": [junk], "signup_group": group.pk}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    [row] = response.context["results"]
    assert row["outcome_label"] == "Mislukt"
    assert not Student.objects.exists()


def test_an_oversized_file_is_refused_in_dutch_and_nothing_is_imported(
    portal_client, group, oso_examples, settings
):
    by_size = sorted(oso_examples, key=lambda p: p.stat().st_size)
    small, big = by_size[0], by_size[-1]
    assert small.stat().st_size < big.stat().st_size
    settings.OSO_DOSSIER_MAX_BYTES = small.stat().st_size

    response = portal_client.post(
        IMPORT,
        {"files": [upload(small), upload(big)], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Het bestand {big.name} is te groot" in html
    assert "Er is niets ingelezen." in html
    assert not ReceivedDossier.objects.exists()
    assert not Student.objects.exists()


def test_posting_without_files_asks_for_one(portal_client):
    response = portal_client.post(IMPORT, {}, HTTP_ACCEPT_LANGUAGE="nl")

    assert "Kies minstens één bestand." in response.content.decode()


def test_an_upload_over_the_total_cap_is_refused_before_any_file_is_read(
    portal_client, group, oso_examples, settings, monkeypatch
):
    from django.http.multipartparser import MultiPartParser

    parsed = []
    original_parse = MultiPartParser.parse
    monkeypatch.setattr(
        MultiPartParser, "parse", lambda self: parsed.append(1) or original_parse(self)
    )
    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 40 * 1024
    files = [upload(path) for path in oso_examples]  # about 750 KB together

    response = portal_client.post(
        IMPORT, {"files": files, "signup_group": group.pk}, HTTP_ACCEPT_LANGUAGE="nl"
    )

    assert parsed == []  # the body was never parsed, not even by the CSRF check
    assert (response.status_code, response["Location"]) == (302, IMPORT)
    html = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    html = html.replace("\xa0", " ")  # filesizeformat's no-break space
    assert "Deze bestanden zijn samen te groot (" in html
    assert "hoogstens 40,0 KB per keer" in html
    assert not ReceivedDossier.objects.exists()
    # Said once: the next visit is a plain page.
    html = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "samen te groot" not in html


def test_files_over_the_total_cap_together_are_refused_by_the_form_too(oso_examples, settings):
    from students.forms import DossierImportForm

    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 40 * 1024
    form = DossierImportForm(data={}, files={"files": [upload(p) for p in oso_examples]})
    form.fields["files"].widget.value_from_datadict = lambda data, files, name: files[name]

    assert not form.is_valid()
    assert form.errors.as_data()["files"][0].code == "upload_too_large"


def test_an_upload_within_the_total_cap_is_imported(portal_client, group, oso_examples, settings):
    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 2 * 1024 * 1024

    response = portal_client.post(
        IMPORT, {"files": [upload(p) for p in oso_examples], "signup_group": group.pk}
    )

    assert response.status_code == 302
    assert ReceivedDossier.objects.count() == len(oso_examples)
