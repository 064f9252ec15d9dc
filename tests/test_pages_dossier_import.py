"""Dossier inlezen: upload OSO files; outcome and remarks per file; oversized files refused."""

from __future__ import annotations

import datetime as dt
import io
import stat
import zipfile

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


def test_an_oversized_file_is_named_and_refused_and_the_others_are_imported(
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
        follow=True,
    )

    html = response.content.decode().replace("\xa0", " ")
    small_row, big_row = response.context["results"]
    assert (small_row["source_name"], small_row["outcome_label"]) == (
        small.name,
        "Nieuwe leerling aangemaakt",
    )
    assert (big_row["source_name"], big_row["outcome_label"]) == (big.name, "Mislukt")
    assert big_row["reason"].startswith("Niet gelezen: te groot (")
    assert "per bestand)." in html
    assert ReceivedDossier.objects.get().source_name == small.name  # the big one never read
    assert Student.objects.count() == 1


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


# --- One result per file: empty files, ZIPs, many files, the default group ------------------


def zip_upload(name: str, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, raw in entries:
            archive.writestr(entry, raw)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def test_an_empty_file_beside_a_valid_one_fails_by_name_and_the_valid_one_is_imported(
    portal_client, group, oso_examples
):
    empty = SimpleUploadedFile("leeg.xml", b"", content_type="text/xml")

    response = portal_client.post(
        IMPORT,
        {"files": [empty, upload(oso_examples[0])], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    empty_row, valid_row = response.context["results"]
    assert "Het verstuurde bestand is leeg" not in html
    assert (empty_row["source_name"], empty_row["outcome_label"]) == ("leeg.xml", "Mislukt")
    assert empty_row["reason"] == "Het dossier is leeg."
    assert valid_row["outcome_label"] == "Nieuwe leerling aangemaakt"
    assert Student.objects.filter(signup_group=group).count() == 1


def test_a_zip_of_dossiers_is_imported_file_by_file(portal_client, group, oso_examples):
    archive = zip_upload(
        "dossiers.zip",
        [(f"groep8/{path.name}", path.read_bytes()) for path in oso_examples[:3]],
    )

    response = portal_client.post(
        IMPORT, {"files": [archive], "signup_group": group.pk}, follow=True
    )

    results = response.context["results"]
    assert [r["source_name"] for r in results] == [
        f"dossiers.zip/groep8/{path.name}" for path in oso_examples[:3]
    ]
    assert {r["outcome_label"] for r in results} == {"Nieuwe leerling aangemaakt"}
    assert Student.objects.filter(signup_group=group).count() == 3


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_hostile_zip_has_each_bad_entry_refused_by_name_and_its_valid_file_imported(
    portal_client, group, oso_examples, settings, tmp_path, monkeypatch, language
):
    settings.OSO_DOSSIER_MAX_BYTES = 200 * 1024
    monkeypatch.chdir(tmp_path)  # nothing may be written anywhere: the entries stay in memory
    valid = oso_examples[0]
    archive = zip_upload(
        "aanlevering.zip",
        [
            (f"ok/{valid.name}", valid.read_bytes()),
            ("../../etc/evil.xml", b"<x/>"),
            ("/tmp/absolute.xml", b"<x/>"),
            ("C:/Windows/drive.xml", b"<x/>"),
            symlink("link.xml", "/etc/passwd"),
            ("nested.zip", zip_upload("n.zip", [("a.xml", b"<x/>")]).read()),
            ("disguised.xml", zip_upload("n.zip", [("a.xml", b"<x/>")]).read()),
            ("bomb.xml", b"\0" * (300 * 1024)),
        ],
    )
    portal_client.post(reverse("set_language"), {"language": language})

    response = portal_client.post(
        IMPORT, {"files": [archive], "signup_group": group.pk}, follow=True
    )

    rows = {r["source_name"]: r for r in response.context["results"]}
    assert rows[f"aanlevering.zip/ok/{valid.name}"]["student_number"]
    refused = {name: row["reason"] for name, row in rows.items() if not row["student_number"]}
    expected = {
        "nl": {
            "aanlevering.zip/../../etc/evil.xml": "wijst buiten de map",
            "aanlevering.zip//tmp/absolute.xml": "wijst buiten de map",
            "aanlevering.zip/C:/Windows/drive.xml": "wijst buiten de map",
            "aanlevering.zip/link.xml": "koppeling (link)",
            "aanlevering.zip/nested.zip": "een zip in de zip",
            "aanlevering.zip/disguised.xml": "een zip in de zip",
            "aanlevering.zip/bomb.xml": "te groot",
        },
        "en": {
            "aanlevering.zip/../../etc/evil.xml": "points outside its folder",
            "aanlevering.zip//tmp/absolute.xml": "points outside its folder",
            "aanlevering.zip/C:/Windows/drive.xml": "points outside its folder",
            "aanlevering.zip/link.xml": "a link",
            "aanlevering.zip/nested.zip": "a ZIP inside the ZIP",
            "aanlevering.zip/disguised.xml": "a ZIP inside the ZIP",
            "aanlevering.zip/bomb.xml": "too large",
        },
    }[language]
    assert set(refused) == set(expected)
    for name, words in expected.items():
        assert words in refused[name], (name, refused[name])
    assert list(tmp_path.iterdir()) == []
    assert ReceivedDossier.objects.count() == 1  # refused entries are not even recorded
    assert Student.objects.filter(signup_group=group).count() == 1


def test_a_zip_bomb_is_refused_from_its_declared_sizes_without_decompressing(
    portal_client, group, oso_examples, settings, monkeypatch
):
    settings.OSO_DOSSIER_MAX_BYTES = 200 * 1024
    settings.OSO_UPLOAD_MAX_TOTAL_BYTES = 1024 * 1024
    valid = oso_examples[0]  # about 175 kB
    archive = zip_upload(
        "bom.zip",
        [(f"{i:02d}.xml", b"\0" * (190 * 1024)) for i in range(8)]  # 1.5 MB of zeros, ~12 kB
        + [("huge.xml", b"\0" * (50 * 1024 * 1024))]
        + [("last.xml", valid.read_bytes())],
    )
    assert archive.size < 200 * 1024
    opened = []
    original_open = zipfile.ZipFile.open
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, name, *a, **k: (
            opened.append(getattr(name, "filename", name)) or original_open(self, name, *a, **k)
        ),
    )

    response = portal_client.post(
        IMPORT,
        {"files": [archive], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    rows = {r["source_name"]: r["reason"] for r in response.context["results"]}
    assert "te groot" in rows["bom.zip/huge.xml"]
    over = [name for name, reason in rows.items() if "samen groter dan" in reason]
    assert over == ["bom.zip/05.xml", "bom.zip/06.xml", "bom.zip/07.xml", "bom.zip/last.xml"]
    # Only the entries within both limits were ever decompressed.
    assert opened == ["00.xml", "01.xml", "02.xml", "03.xml", "04.xml"]


def test_more_than_a_hundred_files_are_all_read_within_the_cap(portal_client, group, oso_examples):
    junk = [
        SimpleUploadedFile(f"notitie-{i:03d}.xml", b"not xml", content_type="text/xml")
        for i in range(120)
    ]

    response = portal_client.post(
        IMPORT,
        {"files": [*junk, upload(oso_examples[0])], "signup_group": group.pk},
        follow=True,
    )

    results = response.context["results"]
    assert len(results) == 121
    assert results[-1]["outcome_label"] == "Nieuwe leerling aangemaakt"
    assert {r["outcome_label"] for r in results[:-1]} == {"Mislukt"}


def test_the_file_count_limit_follows_the_total_cap():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == settings.OSO_UPLOAD_MAX_FILES
    assert settings.OSO_UPLOAD_MAX_FILES == settings.OSO_UPLOAD_MAX_TOTAL_BYTES // (40 * 1024)
    assert settings.OSO_UPLOAD_MAX_FILES > 100


def test_too_many_files_are_refused_in_dutch_and_nothing_is_imported(
    portal_client, group, oso_examples, settings
):
    settings.OSO_UPLOAD_MAX_FILES = settings.DATA_UPLOAD_MAX_NUMBER_FILES = 5
    files = [upload(path) for path in oso_examples[:6]]

    response = portal_client.post(IMPORT, {"files": files, "signup_group": group.pk})

    assert (response.status_code, response["Location"]) == (302, IMPORT)
    html = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Dit zijn te veel bestanden voor één keer (hoogstens 5)." in html
    assert not ReceivedDossier.objects.exists()


def test_entries_of_a_zip_beyond_the_file_limit_are_refused_by_name(
    portal_client, group, oso_examples, settings
):
    settings.OSO_UPLOAD_MAX_FILES = 2
    archive = zip_upload("drie.zip", [(p.name, p.read_bytes()) for p in oso_examples[:3]])

    response = portal_client.post(
        IMPORT,
        {"files": [archive], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    rows = response.context["results"]
    assert [r["outcome_label"] for r in rows] == ["Nieuwe leerling aangemaakt"] * 2 + ["Mislukt"]
    assert rows[2]["source_name"] == f"drie.zip/{oso_examples[2].name}"
    assert "meer dan 2 bestanden" in rows[2]["reason"]


def test_a_bsn_in_a_file_name_stays_masked_loose_and_in_a_zip(portal_client, group, settings):
    settings.OSO_DOSSIER_MAX_BYTES = 10
    loose = SimpleUploadedFile("123456782.xml", b"x" * 20, content_type="text/xml")
    archive = zip_upload("leerling 123456782.zip", [("dossier_123456782.xml", b"x" * 20)])

    response = portal_client.post(
        IMPORT, {"files": [loose, archive], "signup_group": group.pk}, follow=True
    )

    html = response.content.decode()
    assert "123456782" not in html
    assert [r["source_name"] for r in response.context["results"]] == [
        "*****6782.xml",
        "leerling *****6782.zip/dossier_*****6782.xml",
    ]


def test_a_zip_that_cannot_be_read_or_holds_nothing_is_named(portal_client, group):
    broken = SimpleUploadedFile("kapot.zip", b"PK\x03\x04 no zip", content_type="application/zip")
    empty = zip_upload("leeg.zip", [])

    response = portal_client.post(
        IMPORT,
        {"files": [broken, empty], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    assert [(r["source_name"], r["reason"]) for r in response.context["results"]] == [
        ("kapot.zip", "Het zipbestand kan niet worden gelezen."),
        ("leeg.zip", "Het zipbestand bevat geen bestanden."),
    ]


def test_the_signup_group_defaults_to_the_current_school_years_group(portal_client, settings):
    from students.validators import school_year_for

    current = school_year_for(dt.date.today())
    SignupGroupFactory(name="Groep 8 vorig jaar", school_year="2020-2021")
    SignupGroupFactory(name=settings.OSO_ELK_SIGNUP_GROUP, school_year=current)
    this_year = SignupGroupFactory(name="Groep 8", school_year=current)

    response = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert response.context["form"]["signup_group"].value() == this_year.pk
    assert f'<option value="{this_year.pk}" selected>' in html
    assert "Een leerling die nog niet bekend is, wordt in deze groep aangemaakt." in html


def test_without_a_group_of_this_year_the_newest_years_only_group_is_the_default(
    portal_client,
):
    SignupGroupFactory(name="Groep 8 oud", school_year="2019-2020")
    newest = SignupGroupFactory(name="Groep 8", school_year="2021-2022")

    response = portal_client.get(IMPORT)

    assert response.context["form"]["signup_group"].value() == newest.pk


def test_with_several_groups_in_the_year_none_is_chosen_and_the_field_says_why(portal_client):
    SignupGroupFactory(name="Groep 8 - Noord", school_year="2021-2022")
    SignupGroupFactory(name="Groep 8 - Zuid", school_year="2021-2022")

    response = portal_client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="nl")

    html = response.content.decode()
    assert response.context["form"]["signup_group"].value() is None
    assert "Zonder groep mislukt het dossier van zo" in html


def test_files_of_unknown_pupils_without_a_group_point_to_the_field(portal_client, oso_examples):
    response = portal_client.post(
        IMPORT,
        {"files": [upload(p) for p in oso_examples[:2]]},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    assert "2 bestanden zijn mislukt omdat er geen leerling werd gevonden" in html
    assert "Kies de aanmeldingsgroep voor nieuwe leerlingen" in html


def test_a_zip_declaring_far_more_entries_than_allowed_is_refused_before_its_directory_is_read(
    portal_client, group, settings, monkeypatch
):
    settings.OSO_UPLOAD_MAX_FILES = 3
    archive = zip_upload("veel.zip", [(f"{i}.xml", b"<x/>") for i in range(7)])
    monkeypatch.setattr(
        zipfile.ZipFile, "_RealGetContents", lambda self: pytest.fail("directory was read")
    )

    response = portal_client.post(
        IMPORT,
        {"files": [archive], "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    [row] = response.context["results"]
    assert row["source_name"] == "veel.zip"
    assert "meer dan 3 bestanden" in row["reason"]
    assert not ReceivedDossier.objects.exists()
