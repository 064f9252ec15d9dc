"""python manage.py export_cards: the command's output contract."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEntry
from students.card_exports import HEADERS
from students.models import Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory, StudentFactory

pytestmark = pytest.mark.django_db

GROUP = "Groep 8 - Saenredam College"


@pytest.fixture
def group(oso_examples):
    group = SignupGroupFactory(name=GROUP)
    dossiers_merge(
        items=[DossierIn(raw=p.read_bytes(), source_name=p.name) for p in oso_examples[:2]],
        signup_group=group,
    )
    StudentFactory(student_number="2000000001", signup_group=group)  # signed up, no file
    return group


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_cards", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_goes_to_stdout_with_a_bom_one_row_per_pupil(group):
    out, _err = run("--signup-group", GROUP, "--format", "csv")

    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out[1:]), delimiter=";"))
    assert rows[0] == list(HEADERS)
    assert len(rows) == 1 + 3
    assert rows[-1][0] == "2000000001"
    assert rows[-1][HEADERS.index("Leerlingstatus")] == "Aangemeld, nog geen dossier"


def test_csv_on_a_real_stdout_is_utf8_bytes_with_the_bom(group, tmp_path, settings):
    # A separate process sees another database: give it the rows through a file export
    # instead, and check here only that the bytes written to a real stdout are UTF-8.
    from students.management.commands.export_cards import Command

    command = Command(stdout=open(tmp_path / "out.csv", "w", encoding="latin-1"))  # noqa: SIM115
    command._to_stdout("\ufeffStamnummer;Achternaam\r\n1;Müller\r\n")
    command.stdout._out.close()

    assert (tmp_path / "out.csv").read_bytes() == (
        b"\xef\xbb\xbfStamnummer;Achternaam\r\n1;M\xc3\xbcller\r\n"
    )


def test_csv_with_output_writes_the_file_and_says_so(group, tmp_path):
    target = tmp_path / "kaarten.csv"

    out, _err = run("--signup-group", GROUP, "--format", "csv", "--output", str(target))

    assert out.strip() == f"{target}: 3 leerlingen"
    assert target.read_bytes().startswith(b"\xef\xbb\xbfStamnummer;Roepnaam;")


def test_xlsx_and_zip_need_output(group):
    for export_format in ("xlsx", "zip"):
        with pytest.raises(CommandError, match=f"Het formaat {export_format} heeft --output"):
            run("--signup-group", GROUP, "--format", export_format)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).exists()


def test_xlsx_with_output(group, tmp_path):
    target = tmp_path / "kaarten.xlsx"

    run("--signup-group", GROUP, "--format", "xlsx", "--output", str(target))

    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == 4 and sheet.freeze_panes == "A2"


def test_zip_with_output_holds_the_files_and_is_on_record(group, oso_examples, tmp_path):
    target = tmp_path / "dossiers.zip"

    out, _err = run(
        "--signup-group", GROUP, "--format", "zip", "--output", str(target), "--user", "piet"
    )

    assert out.strip() == f"{target}: 2 dossiers"
    with zipfile.ZipFile(target) as archive:
        contents = sorted(archive.read(name) for name in archive.namelist())
        names = archive.namelist()
    assert contents == sorted(p.read_bytes() for p in oso_examples[:2])
    expected = {
        f"{s.student_number}_{s.surname}.xml"
        for s in Student.objects.filter(signup_group=group, prior_education__isnull=False)
    }
    assert set(names) == expected
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert (entry.actor, entry.details["files"], entry.details["signup_group"]) == (
        "piet",
        2,
        str(group),
    )


def test_every_csv_and_excel_export_is_on_record_too(group, tmp_path):
    run("--signup-group", GROUP, "--format", "csv")

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert entry.details == {
        "export": "cards",
        "format": "csv",
        "rows": 3,
        "signup_group": str(group),
        "signup_group_id": group.pk,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--signup-group", "Bestaat niet", "--format", "csv"], "Onbekende aanmeldingsgroep"),
        (["--signup-group", GROUP, "--format", "pdf"], "Onbekend formaat pdf"),
        (
            ["--signup-group", GROUP, "--format", "csv", "--school-year", "2021"],
            "Ongeldige lesperiode 2021",
        ),
        (
            ["--signup-group", GROUP, "--format", "csv", "--school-year", "2030-2031"],
            "Onbekende aanmeldingsgroep",
        ),
        (
            ["--signup-group", GROUP, "--format", "zip", "--output", "/nonexistent/x.zip"],
            "De map /nonexistent bestaat niet",
        ),
    ],
)
def test_a_wrong_option_stops_in_dutch_and_writes_nothing(group, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).exists()


def test_the_latest_school_year_of_a_name_unless_one_is_given(group):
    older = SignupGroupFactory(name=GROUP, school_year="2020-2021")
    StudentFactory(student_number="2000000099", signup_group=older)

    latest, _err = run("--signup-group", GROUP, "--format", "csv")
    chosen, _err = run("--signup-group", GROUP, "--format", "csv", "--school-year", "2020-2021")

    assert latest.count("\n") == 4
    assert chosen.count("\n") == 2 and "2000000099" in chosen


def test_the_command_runs_as_a_process_and_exits_1_on_a_wrong_option():
    manage = Path(__file__).resolve().parents[1] / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "export_cards", "--signup-group", "x", "--format", "xlsx"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "heeft --output PAD nodig" in done.stderr.decode()
