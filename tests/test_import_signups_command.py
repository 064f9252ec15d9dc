"""import_signups: the output contract, all or nothing, dry run, and failures in Dutch."""

from __future__ import annotations

import pytest
from django.core.management import load_command_class

from audit.models import AuditAction, AuditEntry
from requests.models import RequestStatus, TransferRequest
from students.models import SignupGroup, SignupImport, SignupSource, Student
from tests import signup_tables as table

pytestmark = pytest.mark.django_db(transaction=False)

GROUP = "Aanmeldingen voorjaar"
REFUSED_OUTPUT = [
    "regel 6: BSN: het controlecijfer klopt niet (elfproef)",
    "regel 7: BSN: staat al op regel 2",
    "regel 11: Geboortedatum: '2009/05/03' is geen datum als dd-mm-jjjj of jjjj-mm-dd",
    "regel 12: BRIN basisschool: geen 2 cijfers en 2 letters (zoals 12AB)",
]


def run(capsys, *args: str) -> tuple[int, list[str], str]:
    """The command as a shell runs it: (exit status, stdout lines, stderr)."""
    status = 0
    # The command's own entry from manage.py, without ManagementUtility's django.setup(),
    # which would point the logging handlers at this test's captured (then closed) streams.
    command = load_command_class("requests", "import_signups")
    try:
        command.run_from_argv(["manage.py", "import_signups", *args])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


@pytest.fixture
def csv_file(tmp_path):
    table.already_signed_up()
    path = tmp_path / "aanmeldingen.csv"
    path.write_bytes(table.csv_bytes(encoding="cp1252", delimiter=";"))
    return path


def _all_bsns() -> list[str]:
    return [*table.EXPECTED_NEW, table.BAD_BSN, table.ALREADY_BSN]


def test_a_refused_row_imports_nothing_and_exits_1(capsys, csv_file):
    before = Student.objects.count()

    status, lines, err = run(capsys, str(csv_file), "--signup-group", GROUP)

    assert status == 1
    assert lines == [*REFUSED_OUTPUT, "0 aangemeld, 1 al aangemeld, 4 fouten"]
    assert err == ""
    assert Student.objects.count() == before
    assert not SignupImport.objects.exists()
    assert not SignupGroup.objects.filter(name=GROUP).exists()


def test_skip_invalid_signs_up_the_valid_rows_with_a_ready_request_each(capsys, csv_file):
    status, lines, _err = run(
        capsys, str(csv_file), "--signup-group", GROUP, "--school-year", "2021-2022",
        "--skip-invalid",
    )  # fmt: skip

    assert status == 0
    assert lines == [*REFUSED_OUTPUT, table.SUMMARY]
    new = Student.objects.filter(signup_group__name=GROUP, signup_group__school_year="2021-2022")
    assert {s.bsn or s.education_number for s in new} == table.EXPECTED_NEW
    assert all(s.student_number for s in new)
    requests = TransferRequest.objects.filter(student__in=new)
    assert requests.count() == 5
    assert set(requests.values_list("status", flat=True)) == {RequestStatus.READY}
    signup_import = SignupImport.objects.get()
    assert (signup_import.source, signup_import.signed_up) == (SignupSource.COMMAND, 5)
    assert AuditEntry.objects.filter(action=AuditAction.SIGNUP_CREATED).count() == 5
    zoe = new.get(bsn=table.ZOE.bsn)
    assert (zoe.given_name, zoe.dossier_values["surname"]) == ("Zoë", table.ZOE.surname)


def test_dry_run_counts_who_would_be_signed_up_and_writes_nothing(capsys, csv_file):
    before = Student.objects.count()

    status, lines, _err = run(
        capsys, str(csv_file), "--signup-group", GROUP, "--dry-run", "--skip-invalid"
    )

    assert status == 0
    assert lines[-1] == table.SUMMARY
    assert Student.objects.count() == before
    assert not SignupGroup.objects.filter(name=GROUP).exists()


def test_dry_run_without_skip_invalid_reports_0_and_exits_1(capsys, csv_file):
    status, lines, _err = run(capsys, str(csv_file), "--signup-group", GROUP, "--dry-run")

    assert status == 1
    assert lines[-1] == "0 aangemeld, 1 al aangemeld, 4 fouten"


def test_an_excel_list_is_read_the_same_way(capsys, tmp_path):
    table.already_signed_up()
    path = tmp_path / "aanmeldingen.xlsx"
    path.write_bytes(table.xlsx_bytes())

    status, lines, _err = run(capsys, str(path), "--signup-group", GROUP, "--skip-invalid")

    assert status == 0
    assert lines == [*REFUSED_OUTPUT, table.SUMMARY]


def test_running_it_twice_counts_the_pupils_as_already_signed_up(capsys, csv_file):
    run(capsys, str(csv_file), "--signup-group", GROUP, "--skip-invalid")

    status, lines, _err = run(capsys, str(csv_file), "--signup-group", GROUP, "--skip-invalid")

    assert status == 0
    assert lines[-1] == "0 aangemeld, 6 al aangemeld, 4 fouten"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["missing.csv", "--signup-group", GROUP], "Mislukt: Het bestand bestaat niet."),
        (["{csv}", "--signup-group", " "], "Mislukt: Vul de naam van de aanmeldingsgroep in."),
        (["{csv}", "--signup-group", GROUP, "--school-year", "2021"], "Mislukt: "),
        (["{csv}"], "Mislukt: "),
        (["{empty}", "--signup-group", GROUP], "Mislukt: Het bestand is leeg."),
    ],
    ids=["no-file", "blank-group", "bad-year", "no-group", "empty-file"],
)
def test_a_bad_file_or_option_prints_mislukt_and_exits_1(
    capsys, tmp_path, csv_file, args, expected
):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    args = [a.format(csv=csv_file, empty=empty) for a in args]

    status, lines, err = run(capsys, *args)

    assert status == 1
    assert len(lines) == 1 and lines[0].startswith(expected), lines
    assert err == ""


def test_no_line_shows_a_full_bsn(capsys, csv_file):
    _status, lines, _err = run(capsys, str(csv_file), "--signup-group", GROUP, "--skip-invalid")

    output = "\n".join(lines)
    assert not [bsn for bsn in _all_bsns() if bsn in output]
