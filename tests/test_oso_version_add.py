"""Installing an OSO gegevensset version: oso_version_add, the admin upload, and then the
real 2018.1 version's examples read, validate and import like the 2019.1 ones."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from lxml import etree

from oso_format import schema
from oso_format.mapping import moved_fields
from oso_format.reader import dossier_check, dossier_read
from oso_format.types import DossierError
from oso_format.versions import (
    BUILT_IN_VERSIONS,
    OSO_VERSIONS,
    OsoVersion,
    oso_version_unregister,
)
from requests.models import InstalledOsoVersion
from students.models import DossierOutcome, ReceivedDossier

pytestmark = pytest.mark.django_db

PACKAGE = Path(__file__).resolve().parent / "data" / "oso_versions" / "2018.1"
EXAMPLES_2018 = sorted((PACKAGE / "examples").glob("*.xml"))
NS_2018 = "http://www.edustandaard.nl/oso_gegevensset/2018/dossier"
ADDED = f"Versie 2018.1 toegevoegd: {NS_2018}"


@pytest.fixture(autouse=True)
def versions_dir(tmp_path, settings):
    settings.OSO_VERSIONS_DIR = tmp_path / "versions"
    yield settings.OSO_VERSIONS_DIR
    for version in list(OSO_VERSIONS):
        if version not in BUILT_IN_VERSIONS:
            oso_version_unregister(version)
    schema.get_schema.cache_clear()


def run(command: str, *args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(command, *map(str, args), stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def zipped(folder: Path, target: Path, *, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"OV/{path.relative_to(folder).as_posix()}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return target


def installed_files(versions_dir: Path) -> list[str]:
    if not versions_dir.exists():
        return []
    return sorted(p.relative_to(versions_dir).as_posix() for p in versions_dir.rglob("*"))


# --- the command ---------------------------------------------------------------------------


def test_a_folder_installs_and_its_files_live_under_the_var_folder(versions_dir):
    code, out = run("oso_version_add", PACKAGE)

    assert (code, out.splitlines()) == (0, [ADDED])
    row = InstalledOsoVersion.objects.get()
    assert (row.version, row.namespace) == ("2018.1", NS_2018)
    version = OSO_VERSIONS["2018.1"]
    assert version.xsd_path.is_relative_to(versions_dir.resolve())
    assert version.stylesheet_path.name == "ValideerOverstapprofielen.xsl"
    assert (
        version.stylesheet_path.parent / "include" / "ValideerOSOgegevensset_2018.1.xsl"
    ).is_file()
    assert not version.xsd_path.is_relative_to(Path(settings.BASE_DIR) / "requests")


def test_a_zip_as_published_installs(tmp_path):
    code, out = run("oso_version_add", zipped(PACKAGE, tmp_path / "oso-2018.1.zip"))

    assert (code, out.splitlines()) == (0, [ADDED])
    assert OSO_VERSIONS["2018.1"].namespace == NS_2018


def test_a_version_already_registered_is_refused(tmp_path):
    run("oso_version_add", PACKAGE)

    code, out = run("oso_version_add", zipped(PACKAGE, tmp_path / "again.zip"))

    assert code == 1
    assert out.splitlines() == [f"Mislukt: Versie 2018.1 ({NS_2018}) is al geregistreerd."]
    assert InstalledOsoVersion.objects.count() == 1


def test_the_built_in_version_is_registered_already(tmp_path):
    package = tmp_path / "2019.1"
    shutil.copytree(OSO_VERSIONS["2019.1"].stylesheet_path.parent, package)
    shutil.copy(OSO_VERSIONS["2019.1"].xsd_path, package)

    code, out = run("oso_version_add", package)

    assert code == 1
    assert out.startswith("Mislukt: Versie 2019.1 (http://www.edustandaard.nl/oso_gegevensset/2019")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "Mislukt: Het pakket bevat een pad met '..' (../evil.txt)."),
        ("OV/../../evil.txt", "Mislukt: Het pakket bevat een pad met '..' (OV/../../evil.txt)."),
        ("/etc/evil.txt", "Mislukt: Het pakket bevat een absoluut pad (/etc/evil.txt)."),
        ("C:/evil.txt", "Mislukt: Het pakket bevat een absoluut pad (C:/evil.txt)."),
    ],
)
def test_zip_entries_that_leave_the_folder_are_refused(tmp_path, versions_dir, name, reason):
    code, out = run("oso_version_add", zipped(PACKAGE, tmp_path / "p.zip", extra={name: b"x"}))

    assert (code, out.splitlines()) == (1, [reason])
    assert not (tmp_path / "evil.txt").exists()
    assert installed_files(versions_dir) == []


def test_a_link_in_a_zip_is_refused(tmp_path, versions_dir):
    archive_path = zipped(PACKAGE, tmp_path / "p.zip")
    with zipfile.ZipFile(archive_path, "a") as archive:
        link = zipfile.ZipInfo("OV/passwd")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")

    code, out = run("oso_version_add", archive_path)

    assert (code, out.splitlines()) == (1, ["Mislukt: Het pakket bevat een link (OV/passwd)."])
    assert installed_files(versions_dir) == []


def test_a_link_in_a_folder_is_refused(tmp_path, versions_dir):
    package = tmp_path / "pkg"
    shutil.copytree(PACKAGE, package)
    os.symlink("/etc/passwd", package / "passwd")

    code, out = run("oso_version_add", package)

    assert (code, out.splitlines()) == (1, ["Mislukt: Het pakket bevat een link (passwd)."])
    assert installed_files(versions_dir) == []


def test_a_folder_without_an_xsd_is_refused(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(PACKAGE, package)
    (package / "OSO_gegevensset_2018.1.xsd").unlink()

    code, out = run("oso_version_add", package)

    assert (code, out.splitlines()) == (
        1,
        ["Mislukt: Het pakket bevat geen OSO_gegevensset_<versie>.xsd."],
    )


def test_an_xsd_that_does_not_compile_is_refused(tmp_path, versions_dir):
    package = tmp_path / "pkg"
    shutil.copytree(PACKAGE, package)
    xsd = package / "OSO_gegevensset_2018.1.xsd"
    xsd.write_bytes(xsd.read_bytes().replace(b'type="', b'type="nergens:', 1))

    code, out = run("oso_version_add", package)

    assert code == 1
    assert out.startswith("Mislukt: Het XSD OSO_gegevensset_2018.1.xsd compileert niet:")
    assert installed_files(versions_dir) == []
    assert "2018.1" not in OSO_VERSIONS


def test_a_stylesheet_that_does_not_run_is_refused(tmp_path, versions_dir):
    package = tmp_path / "pkg"
    shutil.copytree(PACKAGE, package)
    shutil.rmtree(package / "include")  # the stylesheet includes it

    code, out = run("oso_version_add", package)

    assert code == 1
    assert out.startswith(
        "Mislukt: Het validatie-stylesheet ValideerOverstapprofielen.xsl werkt niet:"
    )
    assert installed_files(versions_dir) == []


def test_a_path_that_does_not_exist_is_refused(tmp_path):
    code, out = run("oso_version_add", tmp_path / "nergens")

    assert (code, out.splitlines()) == (1, [f"Mislukt: {tmp_path / 'nergens'} bestaat niet."])


# --- before and after: the 2018.1 examples ---------------------------------------------------


def test_before_installing_a_2018_file_fails_naming_its_namespace_and_the_command():
    with translation.override("nl"), pytest.raises(DossierError) as caught:
        dossier_read(raw=EXAMPLES_2018[0].read_bytes())

    assert f"onbekende namespace '{NS_2018}'" in caught.value.message
    assert "python manage.py oso_version_add PAD" in caught.value.message


@pytest.mark.parametrize("path", EXAMPLES_2018, ids=lambda p: p.stem)
def test_after_installing_the_2018_examples_read_and_validate(path):
    run("oso_version_add", PACKAGE)
    raw = path.read_bytes()

    assert dossier_check(raw=raw) == ()
    dossier = dossier_read(raw=raw)
    assert dossier.oso_version == "2018.1"
    assert dossier.naw.surname == "Berg"
    assert dossier.meldingen == ()
    assert not [n for n in dossier.notices if n.startswith("OSO 2018.1: het veld")]


def test_after_installing_validate_dossier_says_geldig_for_every_2018_example():
    run("oso_version_add", PACKAGE)

    code, out = run("validate_dossier", *EXAMPLES_2018)

    assert code == 0
    assert out.splitlines() == [f"{path}: geldig" for path in EXAMPLES_2018]


def _import_outcomes(paths) -> list[str]:
    code, out = run("import_dossier", *paths, "--signup-group", "G8")
    assert code == 0
    return [line.split(": ", 2)[2] for line in out.splitlines() if not line.startswith("  ")]


def _expected_outcomes(paths) -> list[str]:
    """The merge rule on the examples (all of one date): a pupil's first file creates them,
    a later different file of the same pupil and date changes nothing."""
    seen: set[tuple[str, str]] = set()
    outcomes = []
    for path in paths:
        root = etree.parse(str(path)).getroot()
        ns = etree.QName(root).namespace
        pupil = root.find(f"{{{ns}}}huidigeschool/{{{ns}}}leerling")
        assert pupil is not None
        key = (str(pupil.findtext(f"{{{ns}}}bsn")), str(pupil.findtext(f"{{{ns}}}geboortedatum")))
        outcomes.append(
            "Leerlinginfo niet gewijzigd" if key in seen else "Nieuwe leerling aangemaakt"
        )
        seen.add(key)
    return outcomes


def test_after_installing_the_2018_examples_import_like_the_2019_ones(oso_examples):
    run("oso_version_add", PACKAGE)

    outcomes = _import_outcomes(EXAMPLES_2018)

    assert outcomes == _expected_outcomes(EXAMPLES_2018)
    assert ReceivedDossier.objects.filter(outcome=DossierOutcome.FAILED).count() == 0
    assert ReceivedDossier.objects.count() == 8


def test_the_2019_examples_import_by_the_same_rule(oso_examples):
    assert _import_outcomes(oso_examples) == _expected_outcomes(oso_examples)


def test_a_version_installed_by_another_process_is_found_without_a_restart():
    run("oso_version_add", PACKAGE)
    oso_version_unregister("2018.1")  # this process has not heard of it
    schema.get_schema.cache_clear()

    dossier = dossier_read(raw=EXAMPLES_2018[0].read_bytes())

    assert dossier.oso_version == "2018.1"


# --- the admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("beheer", password="x")
    client.force_login(user)
    return client


def test_staff_without_a_shell_upload_the_zip_in_the_admin(admin_client, tmp_path):
    archive = zipped(PACKAGE, tmp_path / "oso.zip").read_bytes()
    add = reverse("admin:oso_requests_installedosoversion_add")

    page = admin_client.get(add, HTTP_ACCEPT_LANGUAGE="nl")
    response = admin_client.post(
        add,
        {"package": SimpleUploadedFile("oso.zip", archive)},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    assert page.status_code == 200 and "Versiepakket (.zip)" in page.content.decode()
    assert f"Versie 2018.1 toegevoegd: {NS_2018}" in response.content.decode()
    assert InstalledOsoVersion.objects.get().installed_by == "beheer"
    assert dossier_read(raw=EXAMPLES_2018[0].read_bytes()).oso_version == "2018.1"


def test_a_bad_upload_says_why_in_dutch_and_installs_nothing(admin_client, tmp_path):
    bad = zipped(PACKAGE, tmp_path / "bad.zip", extra={"../x": b"x"}).read_bytes()

    response = admin_client.post(
        reverse("admin:oso_requests_installedosoversion_add"),
        {"package": SimpleUploadedFile("bad.zip", bad)},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 200
    assert "Het pakket bevat een pad met &#x27;..&#x27; (../x)." in response.content.decode()
    assert not InstalledOsoVersion.objects.exists()


def test_portal_staff_who_are_not_admins_cannot_upload(client, portal_user, tmp_path):
    client.force_login(portal_user)

    response = client.get(reverse("admin:oso_requests_installedosoversion_add"))

    assert response.status_code in (302, 403)


# --- a field that moved ------------------------------------------------------------------------


def test_a_field_the_mapping_reads_that_moved_gets_a_remark():
    version = OsoVersion(
        version="2099.1",
        namespace="urn:test:2099",
        xsd_path=PACKAGE / "none.xsd",
        stylesheet_path=PACKAGE / "none.xsl",
    )
    t = version.tag
    root = etree.Element(t("dossier"))
    pupil = etree.SubElement(etree.SubElement(root, t("huidigeschool")), t("leerling"))
    etree.SubElement(etree.SubElement(pupil, t("naam")), t("achternaam")).text = "Berg"
    guardian = etree.SubElement(etree.SubElement(pupil, t("verzorgers")), t("verzorger"))
    etree.SubElement(guardian, t("roepnaam")).text = "Piet"

    with translation.override("nl"):
        remarks = moved_fields(root, version)

    assert remarks == [
        "OSO 2099.1: het veld achternaam staat op huidigeschool/leerling/naam/achternaam, "
        "niet op huidigeschool/leerling/achternaam waar de portal het leest; het is niet "
        "ingelezen."
    ]  # a guardian's roepnaam is not the pupil's: no remark for it
