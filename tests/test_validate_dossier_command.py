"""The command line contract of validate_dossier: a line per file, a line per melding, exit code."""

from __future__ import annotations

from pathlib import Path

from tests.command_support import command_run, manage_py
from tests.test_dossier_reader import ADVICE, PUPIL, crafted

DATA = Path(__file__).resolve().parent / "data" / "dossiers"
NO_CATEGORIES = 'Een overstapdossier moet het blok "Categorie uitlevering" bevatten.'


def run(*args) -> tuple[int, str]:
    return command_run("validate_dossier", *args)


def test_valid_files_say_geldig_and_exit_0(oso_examples):
    code, out = run(*map(str, oso_examples))

    assert code == 0
    assert out.splitlines() == [f"{path}: geldig" for path in oso_examples]


def test_one_warning_is_one_melding_and_exits_0(workdir):
    Path("a.xml").write_bytes(
        crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))
    )

    code, out = run("a.xml")

    assert code == 0
    assert out.splitlines() == [
        "a.xml: 1 melding",
        f"  waarschuwing /dossier[1]/metadata[1]: {NO_CATEGORIES}",
    ]


def test_a_fout_lists_every_melding_and_exits_1(workdir):
    def faults(d):
        d.set(f"{ADVICE}/advies", "99")
        d.set(f"{PUPIL}/geslacht", "7")
        d.remove("metadata/categorie_uitlevering")

    Path("b.xml").write_bytes(crafted("POVO_full", faults))

    code, out = run("b.xml")

    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "b.xml: 3 meldingen"
    assert sorted(lines[1:]) == sorted(
        [
            "  fout /dossier[1]/huidigeschool[1]/leerling[1]/overstapadvies[1]/advies[1]: "
            "Het veld 'VO advies volgens school' bevat een waarde die niet voorkomt in in "
            "codelijst 2.",
            "  fout /dossier[1]/huidigeschool[1]/leerling[1]/geslacht[1]: Het veld 'Geslacht' "
            "bevat een waarde die niet voorkomt in codelijst 14.",
            f"  waarschuwing /dossier[1]/metadata[1]: {NO_CATEGORIES}",
        ]
    )


def test_unreadable_files_say_mislukt_with_the_reason_and_exit_1(workdir, oso_examples):
    Path("not.xml").write_bytes(b"not xml at all <")
    Path("invalid.xml").write_bytes(
        oso_examples[0]
        .read_bytes()
        .replace(b"<geboortedatum>2003-03-17", b"<geboortedatum>17-03-2003", 1)
    )
    laughs = str(DATA / "billion_laughs.xml")

    code, out = run("not.xml", laughs, "invalid.xml", "missing.xml", str(oso_examples[0]))

    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("not.xml: Mislukt: Het dossier is geen geldige XML")
    assert lines[1].startswith(f"{laughs}: Mislukt: Het dossier bevat een DOCTYPE-declaratie")
    assert lines[2].startswith("invalid.xml: Mislukt: Veld ")
    assert "XSD" in lines[2]
    assert lines[3] == "missing.xml: Mislukt: Het bestand bestaat niet."
    assert lines[4] == f"{oso_examples[0]}: geldig"


def test_the_command_changes_nothing(db, oso_examples):
    from students.models import ReceivedDossier, Student

    run(str(oso_examples[0]))

    assert Student.objects.count() == 0 and ReceivedDossier.objects.count() == 0


def test_the_real_command_line_keeps_the_contract(tmp_path, oso_examples):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(crafted("POVO_full", lambda d: d.set(f"{ADVICE}/advies", "99")))

    result = manage_py("validate_dossier", str(oso_examples[0]), str(bad))

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{oso_examples[0]}: geldig",
        f"{bad}: 1 melding",
        "  fout /dossier[1]/huidigeschool[1]/leerling[1]/overstapadvies[1]/advies[1]: "
        "Het veld 'VO advies volgens school' bevat een waarde die niet voorkomt in in codelijst 2.",
    ]
