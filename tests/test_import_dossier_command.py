"""The command line contract of import_dossier: one line per file, remarks indented, exit code."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from students.models import DossierOutcome, ReceivedDossier, SignupGroup, Student
from students.services.corrections import naw_correction_record
from tests.command_support import command_run, manage_py
from tests.oso_dossier_edit import dossier_edit

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    return command_run("import_dossier", *args)


def povo_full(oso_examples) -> Path:
    return next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")


def test_every_official_example_gets_a_line_with_a_new_student_number(oso_examples):
    code, output = run(*map(str, oso_examples), "--signup-group", "Groep 8")

    assert code == 0
    numbers = [s.student_number for s in Student.objects.order_by("student_number")]
    assert output.splitlines() == [
        f"{path}: {number}: Nieuwe leerling aangemaakt"
        for path, number in zip(oso_examples, numbers, strict=True)
    ]


def test_missing_signup_group_is_created_for_the_school_year_after_the_file(oso_examples, workdir):
    march = workdir / "maart.xml"
    march.write_bytes(dossier_edit(povo_full(oso_examples), collection_date=dt.date(2021, 3, 1)))

    code, _output = run("maart.xml", "--signup-group", "Groep 8 - Saenredam College")

    assert code == 0
    group = SignupGroup.objects.get(name="Groep 8 - Saenredam College")
    assert group.school_year == "2021-2022"
    assert Student.objects.get().signup_group == group


def test_school_year_option_names_the_groups_year(oso_examples):
    code, _output = run(
        str(povo_full(oso_examples)), "--signup-group", "G8", "--school-year", "2030-2031"
    )

    assert code == 0
    assert SignupGroup.objects.get(name="G8").school_year == "2030-2031"


def test_invalid_school_year_is_refused_in_dutch_before_anything_happens(oso_examples):
    with pytest.raises(CommandError, match="JJJJ-JJJJ"):
        call_command(
            "import_dossier",
            str(povo_full(oso_examples)),
            "--signup-group",
            "G8",
            "--school-year",
            "2021-2023",
            stdout=io.StringIO(),
        )
    assert not ReceivedDossier.objects.exists()
    assert not SignupGroup.objects.exists()


def _refused(*args: str) -> str:
    """The Dutch message a refused call ends with; nothing may have changed."""
    with pytest.raises(CommandError) as refused:
        call_command("import_dossier", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ReceivedDossier.objects.exists()
    assert not SignupGroup.objects.exists()
    assert not Student.objects.exists()
    return str(refused.value)


@pytest.mark.parametrize("name", ["", " ", "\t  "])
def test_a_blank_signup_group_is_refused_in_dutch_before_any_file_is_read(
    oso_examples, monkeypatch, name
):
    opened = []
    monkeypatch.setattr(Path, "open", lambda self, *a, **k: opened.append(self))

    message = _refused(str(povo_full(oso_examples)), "--signup-group", name)

    assert message == "--signup-group: Vul de naam van de aanmeldingsgroep in."
    assert opened == []


def test_a_signup_group_name_over_200_characters_is_refused_in_dutch(oso_examples):
    message = _refused(str(povo_full(oso_examples)), "--signup-group", "G" * 201)

    assert message == (
        "--signup-group: De naam van een aanmeldingsgroep mag maximaal 200 tekens lang zijn "
        "(deze heeft er 201)."
    )


def test_a_signup_group_name_of_200_characters_is_fine(oso_examples):
    code, _output = run(str(povo_full(oso_examples)), "--signup-group", "G" * 200)

    assert code == 0
    assert SignupGroup.objects.get().name == "G" * 200


def test_school_year_without_signup_group_is_refused_in_dutch(oso_examples):
    message = _refused(str(povo_full(oso_examples)), "--school-year", "2021-2022")

    assert message == (
        "--school-year geldt alleen samen met --signup-group: het is de lesperiode van "
        "de aanmeldingsgroep waarin nieuwe leerlingen komen."
    )


def test_outcomes_and_indented_remarks_for_a_later_file(oso_examples, workdir):
    early = workdir / "maart.xml"
    early.write_bytes(
        dossier_edit(povo_full(oso_examples), collection_date=dt.date(2021, 3, 1), final_test=False)
    )
    late = workdir / "mei.xml"
    late.write_bytes(
        dossier_edit(
            povo_full(oso_examples),
            collection_date=dt.date(2021, 5, 10),
            revised_advice="50",
            motivation="Hoog.",
        )
    )
    run("maart.xml", "--signup-group", "G8")
    student = Student.objects.get()
    naw_correction_record(student=student, field="surname", value="Berg-Jansen", user="anna")

    code, output = run("mei.xml", "maart.xml", "mei.xml")

    n = student.student_number
    assert code == 0
    assert output.splitlines() == [
        f"mei.xml: {n}: Verwerkt met opmerkingen",
        "  Achternaam is lokaal gecorrigeerd: 'Berg-Jansen' behouden, dossier geeft 'Berg'.",
        f"maart.xml: {n}: Leerlinginfo niet gewijzigd",
        "  Dit dossier (datum 01-03-2021) is ouder dan het laatst verwerkte dossier "
        "(datum 10-05-2021); er is niets gewijzigd.",
        f"mei.xml: {n}: Leerlinginfo niet gewijzigd",
    ]


def test_a_plain_update_says_verwerkt(oso_examples, workdir):
    (workdir / "a.xml").write_bytes(
        dossier_edit(povo_full(oso_examples), collection_date=dt.date(2021, 3, 1))
    )
    (workdir / "b.xml").write_bytes(
        dossier_edit(povo_full(oso_examples), collection_date=dt.date(2021, 4, 1), street="Dam")
    )
    run("a.xml", "--signup-group", "G8")

    code, output = run("b.xml")

    assert (code, output) == (0, f"b.xml: {Student.objects.get().student_number}: Verwerkt\n")


def test_failed_files_say_mislukt_with_a_reason_and_exit_1(oso_examples, workdir):
    (workdir / "kapot.xml").write_bytes(b"<dossier>")
    (workdir / "onbekend.xml").write_bytes(povo_full(oso_examples).read_bytes())

    code, output = run("kapot.xml", "weg.xml", "onbekend.xml")

    lines = output.splitlines()
    assert code == 1
    assert lines[0].startswith("kapot.xml: -: Mislukt: ")
    assert lines[1] == "weg.xml: -: Mislukt: Het bestand bestaat niet."
    assert lines[2] == (
        "onbekend.xml: -: Mislukt: "
        "Geen leerling gevonden met dit BSN/onderwijsnummer en deze geboortedatum."
    )
    assert len(lines) == 3
    assert not Student.objects.exists()
    assert ReceivedDossier.objects.filter(outcome=DossierOutcome.FAILED).count() == 2


def test_many_files_are_merged_in_chunks_in_the_order_given(oso_examples, workdir, monkeypatch):
    monkeypatch.setattr("students.management.commands.import_dossier.CHUNK_SIZE", 3)
    names = []
    for i, path in enumerate(oso_examples):
        name = f"{i}.xml"
        (workdir / name).write_bytes(path.read_bytes())
        names.append(name)
    names.insert(4, "ontbreekt.xml")

    code, output = run(*names, "--signup-group", "G8")

    assert code == 1
    assert [line.split(":")[0] for line in output.splitlines()] == names
    assert Student.objects.count() == 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_command_line_exit_codes_and_output_from_a_real_process(oso_examples, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "OSO_PORTAL_ENV": "test",
    }
    ok = tmp_path / "ok.xml"
    ok.write_bytes(povo_full(oso_examples).read_bytes())

    first = manage_py("import_dossier", "ok.xml", "--signup-group", "G8", cwd=tmp_path, env=env)
    again = manage_py("import_dossier", "ok.xml", "missing.xml", cwd=tmp_path, env=env)

    assert first.returncode == 0, first.stderr
    assert first.stdout.endswith(": Nieuwe leerling aangemaakt\n")
    assert again.returncode == 1
    assert again.stdout.splitlines()[0].endswith(": Leerlinginfo niet gewijzigd")
    assert again.stdout.splitlines()[1] == "missing.xml: -: Mislukt: Het bestand bestaat niet."


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        pytest.skip("a second process cannot see an SQLite test database")
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
