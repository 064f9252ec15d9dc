"""The official Edustandaard stylesheet on every file: its meldingen, in its own words.

Mutations edit an official example one rule at a time (``crafted``), so each file
is XSD-valid and breaks only the rule under test.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from oso_format import official_rules
from oso_format.official_rules import FOUT, WAARSCHUWING, Melding
from oso_format.reader import dossier_check, dossier_read
from oso_format.types import DossierError
from oso_format.versions import DEFAULT_OSO_VERSION, OSO_VERSIONS
from students.models import ReceivedDossier
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory
from tests.test_dossier_reader import ADVICE, EXAMPLES, FINAL_TEST, NS, PUPIL, Edit, crafted

DATA = Path(__file__).resolve().parent / "data" / "dossiers"
METADATA = "/dossier[1]/metadata[1]"
SCHOOL = "/dossier[1]/huidigeschool[1]"


def read(raw: bytes):
    with translation.override("nl"):
        return dossier_read(raw=raw)


def refused(raw: bytes) -> DossierError:
    with translation.override("nl"), pytest.raises(DossierError) as caught:
        dossier_read(raw=raw)
    return caught.value


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_official_examples_give_no_melding(name):
    raw = EXAMPLES[name].read_bytes()

    assert dossier_check(raw=raw) == ()
    assert read(raw).meldingen == ()


def test_missing_categorie_uitlevering_gives_the_official_message_as_a_remark(db):
    raw = crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))

    melding = Melding(
        location=METADATA,
        text='Een overstapdossier moet het blok "Categorie uitlevering" bevatten.',
        severity=WAARSCHUWING,
    )
    assert dossier_check(raw=raw) == (melding,)
    dossier = read(raw)
    assert dossier.meldingen == (melding,)
    [result] = dossiers_merge(
        items=[DossierIn(raw=raw, source_name="a.xml")], signup_group=SignupGroupFactory()
    )
    stored = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert stored.meldingen == [melding.as_dict()]
    assert stored.remarks == [
        {
            "code": "merge.official_warning",
            "params": {"location": METADATA, "text": melding.text},
        }
    ]
    with translation.override("nl"):
        assert result.remarks == [
            f"Officiële OSO-controle (waarschuwing) bij {METADATA}: {melding.text}"
        ]
    with translation.override("en"):
        assert result.remarks == [f"Official OSO check (warning) at {METADATA}: {melding.text}"]


def test_the_sending_schools_own_contact_details_do_not_refuse_the_pupils_file():
    def no_school_contact(d: Edit) -> None:
        d.remove("huidigeschool/adreslijst")
        d.remove("huidigeschool/communicatielijst")

    raw = crafted("POVO_full", no_school_contact)

    meldingen = dossier_check(raw=raw)
    assert {(m.location, m.text) for m in meldingen} == {
        (SCHOOL, "In een overstapdossier is minimaal één adres verplicht bij een school."),
        (
            SCHOOL,
            "In een overstapdossier is minimaal één set communicatiegegevens verplicht bij "
            "een school.",
        ),
    }
    assert all(m.severity == WAARSCHUWING for m in meldingen)
    assert read(raw).naw.surname == "Berg"


def test_a_bad_advice_code_refuses_the_file_in_the_official_words(db):
    raw = crafted("POVO_full", lambda d: d.set(f"{ADVICE}/advies", "99"))
    error = refused(raw)

    location = f"{SCHOOL}/leerling[1]/overstapadvies[1]/advies[1]"
    text = (
        "Het veld 'VO advies volgens school' bevat een waarde die niet voorkomt in in codelijst 2."
    )
    assert error.meldingen == (Melding(location=location, text=text, severity=FOUT),)
    assert error.message == f"Officiële OSO-regel bij {location}: {text}"
    [result] = dossiers_merge(items=[DossierIn(raw=raw, source_name="b.xml")])
    stored = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert stored.remarks == [
        {"code": "merge.official_fault", "params": {"location": location, "text": text}}
    ]
    assert stored.meldingen == [{"location": location, "text": text, "severity": FOUT}]


def test_several_faults_name_the_first_and_count_the_rest():
    def two_faults(d: Edit) -> None:
        d.set(f"{ADVICE}/advies", "99")
        d.set(f"{PUPIL}/geslacht", "7")

    error = refused(crafted("POVO_full", two_faults))

    assert [m.severity for m in error.meldingen] == [FOUT, FOUT]
    assert error.message.endswith("(en nog 1 fout)")


def test_took_the_final_test_without_a_result_the_stylesheet_is_silent_the_portal_refuses():
    # The official template for eindtoets_basisonderwijs states this rule, but the
    # leerling template's apply-templates is commented out, so it never runs.
    raw = crafted("POVO_full", lambda d: d.remove(f"{FINAL_TEST}/eindtoetsresultaat"))

    assert dossier_check(raw=raw) == ()
    assert "toetsresultaat ontbreekt" in refused(raw).message


def test_revised_advice_without_its_motivation_the_stylesheet_is_silent_the_portal_refuses():
    # Only the XSD's documentation asks for the motivation: no stylesheet rule.
    raw = crafted(
        "POVO_opt_out", lambda d: d.add_after(f"{ADVICE}/wensleerling", "herzienadvies", "50")
    )

    assert dossier_check(raw=raw) == ()
    assert refused(raw).message == (
        "Veld leerling/overstapadvies/motivatie_herzienadvies: "
        "een herzien advies moet een motivatie hebben."
    )


def test_meldingen_of_a_refused_file_come_with_the_portals_own_refusal():
    def bad_bsn_and_no_categories(d: Edit) -> None:
        d.set(f"{PUPIL}/bsn", "123456789")
        d.remove("metadata/categorie_uitlevering")

    error = refused(crafted("POVO_full", bad_bsn_and_no_categories))

    assert "controlecijfer" in error.message
    assert [m.text for m in error.meldingen] == [
        'Een overstapdossier moet het blok "Categorie uitlevering" bevatten.'
    ]


# --- Saxon never sees a DOCTYPE or an entity -----------------------------------------------


@pytest.fixture
def saxon_inputs(monkeypatch):
    seen: list[str] = []
    real = official_rules.saxon_input

    def spy(root: etree._Element) -> str:
        text = real(root)
        seen.append(text)
        return text

    monkeypatch.setattr(official_rules, "saxon_input", spy)
    return seen


HOSTILE = [
    (DATA / "billion_laughs.xml").read_bytes(),
    (DATA / "external_entity_file.xml").read_bytes(),
    EXAMPLES["POVO_full"]
    .read_bytes()
    .replace(b"<dossier ", b'<!-- <!DOCTYPE x [<!ENTITY e "x">]> --><dossier ', 1),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d><dossier/>'.encode("utf-16"),
]


@pytest.mark.parametrize("raw", HOSTILE, ids=["laughs", "external", "in_comment", "utf16"])
def test_a_hostile_file_is_refused_before_saxon_sees_anything(saxon_inputs, raw):
    refused(raw)
    with pytest.raises(DossierError):
        dossier_check(raw=raw)

    assert saxon_inputs == []


def test_saxon_is_fed_the_parsed_tree_never_a_doctype_or_entity(saxon_inputs):
    # Text that *reads* like a DOCTYPE is data: lxml keeps it escaped.
    raw = crafted(
        "POVO_full",
        lambda d: d.set(
            f"{PUPIL}/achternaam", '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        ),
    )

    read(raw)
    for example in EXAMPLES.values():
        read(example.read_bytes())

    assert len(saxon_inputs) == 1 + len(EXAMPLES)
    for text in saxon_inputs:
        assert "<!DOCTYPE" not in text and "<!ENTITY" not in text
        assert text.startswith("<dossier ")
    assert "&lt;!DOCTYPE d [&lt;!ENTITY" in saxon_inputs[0]


def test_saxon_input_refuses_a_serialisation_that_would_carry_a_declaration(monkeypatch):
    # Cannot come from an element; the guard stands should lxml ever change.
    monkeypatch.setattr(
        official_rules.etree, "tostring", lambda *a, **k: '<!DOCTYPE d [<!ENTITY e "x">]><d/>'
    )

    with pytest.raises(official_rules.OfficialRulesError):
        official_rules.saxon_input(etree.Element("dossier"))


# --- made once per process -----------------------------------------------------------------


def compiled_count() -> int:
    """How many stylesheets this process has compiled (its Saxon state, read here only)."""
    state = official_rules._saxon
    return len(state.executables) if state is not None and state.pid == os.getpid() else 0


def test_the_stylesheet_is_compiled_once_for_many_files():
    raw = EXAMPLES["POVO_full"].read_bytes()
    dossier_check(raw=raw)
    before = compiled_count()
    state = official_rules._state()

    for _ in range(5):
        dossier_check(raw=raw)

    assert compiled_count() == before
    assert official_rules._state() is state


def _check_in_child(raw: bytes, queue) -> None:
    meldingen = dossier_check(raw=raw)
    queue.put((os.getpid(), official_rules._state().pid, [m.text for m in meldingen]))


def test_a_forked_child_makes_its_own_processor_and_still_checks():
    raw = crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))
    dossier_check(raw=raw)  # the parent has its processor before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    child = context.Process(target=_check_in_child, args=(raw, queue))
    child.start()
    pid, state_pid, texts = queue.get(timeout=60)
    child.join(timeout=60)

    assert pid != os.getpid() and state_pid == pid
    assert texts == ['Een overstapdossier moet het blok "Categorie uitlevering" bevatten.']
    assert child.exitcode == 0


def test_the_vendored_stylesheet_is_edustandaards_own():
    stylesheet = OSO_VERSIONS[DEFAULT_OSO_VERSION].stylesheet_path

    assert stylesheet.is_file() and (stylesheet.parent / "include").is_dir()
    assert f'xmlns:od="{NS}"' in stylesheet.read_text(encoding="utf-8")


def test_a_worker_child_compiles_the_stylesheets_when_it_starts(monkeypatch):
    from oso_portal.celery import official_check_per_process

    monkeypatch.setattr(official_rules, "_saxon", None)  # as in a fresh child

    official_check_per_process()

    assert compiled_count() == len(OSO_VERSIONS)
