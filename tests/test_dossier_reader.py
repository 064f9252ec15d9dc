"""The dossier reader: official examples, mapping, business rules, public API.

No database needed. Bad files are made by editing an official example with lxml
(``crafted``), so each one is valid except for the one fault under test.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Callable
from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import translation
from lxml import etree

from oso_format import schema
from oso_format.reader import (
    dossier_attachment,
    dossier_attachment_file,
    dossier_read,
    dossier_sha256,
    dossier_validate_many,
)
from oso_format.types import DossierError, ParsedDossier
from oso_format.versions import DEFAULT_OSO_VERSION, OSO_VERSIONS
from students.validators import is_valid_bsn, is_valid_education_number
from tests.conftest import OSO_EXAMPLES

NS = OSO_VERSIONS[DEFAULT_OSO_VERSION].namespace
EXAMPLES = {path.stem.removeprefix("Voorbeelddossier_OV_"): path for path in OSO_EXAMPLES}
PUPIL = "huidigeschool/leerling"
ADVICE = f"{PUPIL}/overstapadvies"
FINAL_TEST = f"{PUPIL}/eindtoets_basisonderwijs"


def example(name: str) -> bytes:
    return EXAMPLES[name].read_bytes()


class Edit:
    """Small lxml helpers over a dossier, with paths like 'huidigeschool/leerling/bsn'."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    @staticmethod
    def _xpath(path: str) -> str:
        return "/".join(f"{{{NS}}}{part}" for part in path.split("/"))

    def find(self, path: str) -> etree._Element:
        element = self.root.find(self._xpath(path))
        assert element is not None, f"{path} is not in the example"
        return element

    def findall(self, path: str) -> list[etree._Element]:
        return self.root.findall(self._xpath(path))

    def set(self, path: str, value: str) -> None:
        self.find(path).text = value

    def remove(self, path: str) -> None:
        for element in self.findall(path):
            element.getparent().remove(element)

    def add_after(self, path: str, name: str, value: str) -> None:
        new = etree.Element(f"{{{NS}}}{name}")
        new.text = value
        self.find(path).addnext(new)

    def rename(self, path: str, name: str) -> None:
        self.find(path).tag = f"{{{NS}}}{name}"


def crafted(name: str, mutate: Callable[[Edit], None]) -> bytes:
    """An official example with one change applied."""
    root = etree.fromstring(example(name))
    mutate(Edit(root))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def read_error(raw: bytes) -> str:
    with translation.override("nl"), pytest.raises(DossierError) as caught:
        dossier_read(raw=raw)
    return caught.value.message


def valid_education_number() -> str:
    return next(
        str(n) for n in range(100_000_000, 100_001_000) if is_valid_education_number(str(n))
    )


# --- the official examples -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_official_example_reads(name):
    raw = example(name)
    dossier = dossier_read(raw=raw)

    root = etree.fromstring(raw)
    bsn = root.findtext(f"{{{NS}}}huidigeschool/{{{NS}}}leerling/{{{NS}}}bsn")
    assert isinstance(dossier, ParsedDossier)
    assert dossier.sha256 == hashlib.sha256(raw).hexdigest()
    assert dossier.bsn == bsn and is_valid_bsn(dossier.bsn)
    assert dossier.education_number == ""
    assert dossier.collection_date == date(2016, 1, 2)
    assert dossier.birth_date == date(2003, 3, 17)
    assert dossier.naw.surname == "Berg"
    assert dossier.school.brin == "00YY"
    assert dossier.oso_version == "2019.1"


@pytest.mark.parametrize(
    ("name", "bsn", "transfer_kind", "advice", "attachments"),
    [
        ("POVO_full", "269326728", "POVO", "40", 15),
        ("POVO_opt_out", "246263738", "POVO", "40", 0),
        ("POPO_full", "297816238", "POPO", "40", 15),
        ("VOVO_full", "274497451", "VOVO", "40", 17),
        ("BB_opt_out", "003389261", "POPO", "", 0),
    ],
)
def test_examples_give_their_own_values(name, bsn, transfer_kind, advice, attachments):
    dossier = dossier_read(raw=example(name))

    assert dossier.bsn == bsn
    assert dossier.transfer_kind == transfer_kind
    assert dossier.advice_code == advice
    assert len(dossier.attachments) == attachments


def test_full_povo_example_maps_every_field():
    dossier = dossier_read(raw=example("POVO_full"))

    assert dossier.transfer_type == "overstapdossier"
    assert (dossier.school.name, dossier.school.brin, dossier.school.branch) == (
        "Testschool",
        "00YY",
        "00",
    )
    assert dossier.first_names == "Björn Johannes Martinus Franciscus"
    assert dossier.initials == "L.J.M.F."
    assert dossier.sex == "2"
    naw = dossier.naw
    assert (naw.given_name, naw.prefix, naw.surname) == ("Daan", "van de", "Berg")
    # The gba address wins over the visiting and postal ones.
    assert (naw.street, naw.house_number, naw.house_number_suffix) == ("Adelaarslaan", "152", "b")
    assert (naw.postcode, naw.town) == ("7331GJ", "Apeldoorn")
    # The secret placeholders come first in the file; the first real entries are taken.
    assert naw.phone == "0235257739"
    assert naw.email == "leerling@leerling.nl"
    assert dossier.notices == ()
    assert dossier.address_secret is False
    assert (dossier.advice_code, dossier.parents_wish_code, dossier.pupil_wish_code) == (
        "40",
        "42",
        "50",
    )
    assert dossier.revised_advice_code == ""
    assert dossier.inspection_agreed is False
    assert dossier.inspection_disagreement_reason == "Teveel zorggegevens in het dossier"
    assert dossier.final_test_taken is True
    (test,) = dossier.final_tests
    assert test.test_type_code == "0011"
    assert test.test_name == "Centrale eindtoets (CET)"
    assert test.test_level == "G"
    assert test.date == date(2015, 4, 28)
    assert test.standard_score == 525
    assert test.test_advice == "vmbo kb/vmbo gl-tl"
    assert [(r.code, r.name, r.level) for r in test.reference_levels] == [
        ("8050", "Nederlandse taal - Lezen", "01"),
        ("8051", "Nederlandse taal - Taalverzorging", "01"),
        ("8001", "Rekenen", "04"),
    ]


def test_full_example_lists_every_attachment_in_document_order():
    raw = example("POVO_full")
    dossier = dossier_read(raw=raw)

    root = etree.fromstring(raw)
    names = [d.findtext(f"{{{NS}}}bestandsnaam") for d in root.iter(f"{{{NS}}}document")]
    assert [a.filename for a in dossier.attachments] == names
    assert [a.index for a in dossier.attachments] == list(range(len(names)))
    assert dossier.attachments[0].filename == "Toelichting.pdf"
    assert dossier.attachments[0].description == "Toelichting onderwijsbehoeften"
    assert "cet_uitslag.png" in {a.filename for a in dossier.attachments}


def test_opt_out_example_has_no_final_test_or_attachments():
    dossier = dossier_read(raw=example("POVO_opt_out"))

    assert dossier.final_tests == ()
    assert dossier.final_test_taken is None
    assert dossier.attachments == ()


def test_sha256_is_of_the_raw_bytes():
    raw = example("POVO_opt_out")

    assert dossier_sha256(raw) == hashlib.sha256(raw).hexdigest()
    assert dossier_sha256(raw + b"\n") != dossier_sha256(raw)


# --- attachments ------------------------------------------------------------------------


def test_attachment_gives_name_and_base64_decoded_content():
    raw = example("POVO_full")
    dossier = dossier_read(raw=raw)
    png = next(a for a in dossier.attachments if a.filename == "cet_uitslag.png")

    name, content = dossier_attachment(raw=raw, index=png.index)

    root = etree.fromstring(raw)
    document = list(root.iter(f"{{{NS}}}document"))[png.index]
    assert name == "cet_uitslag.png"
    assert content == base64.b64decode(document.findtext(f"{{{NS}}}bestandsinhoud"))
    assert content.startswith(b"PK")  # OSO wraps each attachment in a ZIP


def test_attachment_file_unpacks_the_zip():
    raw = example("POVO_full")
    index = next(
        a.index for a in dossier_read(raw=raw).attachments if a.filename == "cet_uitslag.png"
    )

    name, content = dossier_attachment_file(raw=raw, index=index)

    assert name == "cet_uitslag.png"
    assert content.startswith(b"\x89PNG\r\n\x1a\n")


def test_attachment_that_does_not_exist_is_an_error():
    raw = example("POVO_full")
    count = len(dossier_read(raw=raw).attachments)

    with translation.override("nl"), pytest.raises(DossierError) as caught:
        dossier_attachment(raw=raw, index=count)
    assert caught.value.message == f"Bijlage {count + 1} bestaat niet in het dossier."
    with pytest.raises(DossierError):
        dossier_attachment(raw=raw, index=-1)


# --- mapping edge cases -----------------------------------------------------------------


def test_secret_address_gives_no_address_and_says_it_is_secret():
    raw = crafted(
        "POVO_opt_out",
        lambda d: (d.set(f"{PUPIL}/adresgeheim", "true"), d.remove(f"{PUPIL}/adreslijst")),
    )

    with translation.override("nl"):
        dossier = dossier_read(raw=raw)

    assert dossier.address_secret is True
    naw = dossier.naw
    assert (naw.street, naw.house_number, naw.house_number_suffix, naw.postcode, naw.town) == (
        None,
        None,
        None,
        None,
        None,
    )
    # Secret, not a notice: the merge remarks only when it keeps a real stored address.
    assert dossier.notices == ()
    # The example keeps its foreign address, which the official rules forbid with a
    # secret address: a warning, which the merge quotes as a remark.
    assert [m.text for m in dossier.meldingen] == [
        "Indien een adres van leerling geheim, is een buitenlands leerlingadres verboden."
    ]


def test_secret_placeholders_give_no_phone_or_email_and_say_they_are_secret():
    def only_secret_contacts(d: Edit) -> None:
        for entry in d.findall(f"{PUPIL}/communicatielijst/communicatie"):
            if entry.findtext(f"{{{NS}}}geheim") != "true":
                entry.getparent().remove(entry)

    with translation.override("nl"):
        dossier = dossier_read(raw=crafted("POVO_opt_out", only_secret_contacts))

    assert dossier.naw.phone is None
    assert dossier.naw.email is None
    assert (dossier.phone_secret, dossier.email_secret) == (True, True)
    assert dossier.notices == ()


def test_placeholder_values_count_as_secret_even_without_the_flag():
    def unflagged_placeholders(d: Edit) -> None:
        for entry in d.findall(f"{PUPIL}/communicatielijst/communicatie"):
            if entry.findtext(f"{{{NS}}}geheim") == "true":
                entry.find(f"{{{NS}}}geheim").text = "false"
            else:
                entry.getparent().remove(entry)

    dossier = dossier_read(raw=crafted("POVO_opt_out", unflagged_placeholders))

    assert (dossier.naw.phone, dossier.naw.email) == (None, None)
    assert (dossier.phone_secret, dossier.email_secret) == (True, True)


def test_a_file_without_contact_data_gives_none_and_no_notice():
    dossier = dossier_read(
        raw=crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/communicatielijst"))
    )

    assert (dossier.naw.phone, dossier.naw.email) == (None, None)
    assert dossier.notices == ()
    assert (dossier.phone_secret, dossier.email_secret) == (False, False)


def test_without_gba_address_the_visiting_address_is_taken_and_postcode_normalised():
    def no_gba(d: Edit) -> None:
        for address in d.findall(f"{PUPIL}/adreslijst/adres"):
            if address.findtext(f"{{{NS}}}soortadres") == "gba":
                address.getparent().remove(address)
            elif address.findtext(f"{{{NS}}}soortadres") == "bezoek":
                address.find(f"{{{NS}}}postcode").text = "7311 ba"
                address.remove(address.find(f"{{{NS}}}toevoeging"))

    naw = dossier_read(raw=crafted("POVO_opt_out", no_gba)).naw

    assert (naw.street, naw.house_number, naw.postcode) == ("Hoofdstraat", "136", "7311BA")
    assert naw.house_number_suffix == ""


def test_only_a_postal_address_is_taken_when_it_is_the_only_one():
    def only_post(d: Edit) -> None:
        for address in d.findall(f"{PUPIL}/adreslijst/adres"):
            if address.findtext(f"{{{NS}}}soortadres") != "post":
                address.getparent().remove(address)

    naw = dossier_read(raw=crafted("POVO_opt_out", only_post)).naw

    assert (naw.street, naw.town) == ("Hoogstraat", "Abcoude")


def test_birth_month_only_falls_back_to_the_gba_birth_date():
    def birth_month(d: Edit) -> None:
        d.rename(f"{PUPIL}/geboortedatum", "geboortemaand")
        d.set(f"{PUPIL}/geboortemaand", "2003-03")

    assert dossier_read(raw=crafted("POVO_opt_out", birth_month)).birth_date == date(2003, 3, 17)

    def birth_month_no_gba(d: Edit) -> None:
        birth_month(d)
        d.remove(f"{PUPIL}/gba")

    assert dossier_read(raw=crafted("POVO_opt_out", birth_month_no_gba)).birth_date is None


def test_roepnaam_missing_falls_back_to_the_first_first_name():
    dossier = dossier_read(raw=crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/roepnaam")))

    assert dossier.naw.given_name == "Björn"


def test_revised_advice_and_its_motivation_are_read():
    def revised(d: Edit) -> None:
        d.add_after(f"{ADVICE}/wensleerling", "herzienadvies", "50")
        d.add_after(f"{ADVICE}/herzienadvies", "motivatie_herzienadvies", "Eindtoets hoger")

    dossier = dossier_read(raw=crafted("POVO_full", revised))

    assert dossier.revised_advice_code == "50"
    assert dossier.revised_advice_motivation == "Eindtoets hoger"


def test_education_number_instead_of_bsn_is_read():
    number = valid_education_number()

    def education_number(d: Edit) -> None:
        d.rename(f"{PUPIL}/bsn", "onderwijsnummer")
        d.set(f"{PUPIL}/onderwijsnummer", number)

    dossier = dossier_read(raw=crafted("POVO_opt_out", education_number))

    assert (dossier.bsn, dossier.education_number) == ("", number)


def test_agreement_unknown_reads_as_none():
    dossier = dossier_read(
        raw=crafted("POVO_opt_out", lambda d: d.set("inzage/akkoord", "Onbekend"))
    )

    assert dossier.inspection_agreed is None


# --- business rules: each broken one is one Dutch sentence naming the field --------------


def test_bad_bsn_check_digit_fails_without_showing_the_number():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/bsn", "246263739")))

    assert message == "Veld leerling/bsn: het controlecijfer klopt niet."


def test_bsn_that_is_not_nine_digits_fails():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/bsn", "12345")))

    assert message == "Veld leerling/bsn: het nummer moet uit 9 cijfers bestaan."


def test_bad_education_number_check_digit_fails():
    number = valid_education_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)

    def education_number(d: Edit) -> None:
        d.rename(f"{PUPIL}/bsn", "onderwijsnummer")
        d.set(f"{PUPIL}/onderwijsnummer", wrong)

    message = read_error(crafted("POVO_opt_out", education_number))

    assert message == "Veld leerling/onderwijsnummer: het controlecijfer klopt niet."


def test_dossier_without_bsn_or_education_number_fails():
    message = read_error(crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/bsn")))

    assert message == "Veld leerling/bsn: het dossier bevat geen BSN en geen onderwijsnummer."


OFFICIAL = "Officiële OSO-regel bij /dossier[1]/"
LEERLING = "huidigeschool[1]/leerling[1]"


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("advies", "VO advies volgens school"),
        ("wensouders", "VO advies volgens ouders"),
        ("wensleerling", "VO advies volgens leerling"),
    ],
)
def test_advice_code_outside_codelist_2_fails_in_the_official_words(field, label):
    message = read_error(crafted("POVO_opt_out", lambda d: d.set(f"{ADVICE}/{field}", "99")))

    assert message == (
        f"{OFFICIAL}{LEERLING}/overstapadvies[1]/{field}[1]: Het veld '{label}' bevat een "
        "waarde die niet voorkomt in in codelijst 2."
    )


def test_revised_advice_code_outside_codelist_2_fails():
    def revised(d: Edit) -> None:
        d.add_after(f"{ADVICE}/wensleerling", "herzienadvies", "24")
        d.add_after(f"{ADVICE}/herzienadvies", "motivatie_herzienadvies", "Eindtoets")

    message = read_error(crafted("POVO_opt_out", revised))

    assert message == (
        f"{OFFICIAL}{LEERLING}/overstapadvies[1]/herzienadvies[1]: Het veld 'Herzien VO advies' "
        "bevat een waarde die niet voorkomt in in codelijst 2."
    )


def test_test_type_outside_codelist_42_fails():
    message = read_error(
        crafted("POVO_full", lambda d: d.set(f"{FINAL_TEST}/eindtoetsresultaat/toetssoort", "0015"))
    )

    assert message == (
        f"{OFFICIAL}{LEERLING}/eindtoets_basisonderwijs[1]/eindtoetsresultaat[1]/toetssoort[1]: "
        "Het veld 'Toetssoort' binnen het blok 'Eindtoets basisonderwijs' bevat een waarde die "
        "niet voorkomt in codelijst 42."
    )


def test_reference_level_outside_codelist_45_fails():
    path = (
        f"{FINAL_TEST}/eindtoetsresultaat/onderdelen/onderdeel/domeinen/domein/dom_referentieniveau"
    )

    message = read_error(crafted("POVO_full", lambda d: d.set(path, "05")))

    assert message.startswith(f"{OFFICIAL}{LEERLING}/eindtoets_basisonderwijs[1]/")
    assert "/dom_referentieniveau[1]: Het veld 'Domein referentiescore'" in message
    assert message.endswith("codelijst 45.") or "(en nog " in message


def test_sex_outside_codelist_14_fails():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/geslacht", "3")))

    assert message == (
        f"{OFFICIAL}{LEERLING}/geslacht[1]: Het veld 'Geslacht' bevat een waarde die niet "
        "voorkomt in codelijst 14."
    )


def test_agreement_outside_codelist_37_fails():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set("inzage/akkoord", "Misschien")))

    assert message == (
        f"{OFFICIAL}inzage[1]/akkoord[1]: Het veld 'Akkoord' bevat een waarde die niet voorkomt "
        "in codelijst 37."
    )


def test_overstapdossier_of_another_transfer_kind_fails():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set("metadata/overstap", "VOMBO")))

    assert message == (
        f'{OFFICIAL}metadata[1]: Het veld \'Soort overstap\' heeft waarde "POPO", "POVO" of '
        '"VOVO" binnen een overstapdossier.'
    )


def test_took_final_test_without_result_fails():
    message = read_error(
        crafted("POVO_full", lambda d: d.remove(f"{FINAL_TEST}/eindtoetsresultaat"))
    )

    assert message == (
        "Veld leerling/eindtoets_basisonderwijs/eindtoetsresultaat: de leerling heeft "
        "deelgenomen aan de eindtoets, maar het toetsresultaat ontbreekt."
    )


def test_took_final_test_without_test_advice_fails():
    message = read_error(
        crafted("POVO_full", lambda d: d.remove(f"{FINAL_TEST}/eindtoetsresultaat/toets_advies"))
    )

    assert message.startswith(
        "Veld leerling/eindtoets_basisonderwijs/eindtoetsresultaat/toets_advies:"
    )
    assert "toetsadvies ontbreekt" in message


def test_not_taking_the_final_test_needs_no_result():
    def not_taken(d: Edit) -> None:
        d.set(f"{FINAL_TEST}/deelgenomen", "false")
        d.remove(f"{FINAL_TEST}/eindtoetsresultaat")

    dossier = dossier_read(raw=crafted("POVO_full", not_taken))

    assert dossier.final_test_taken is False
    assert dossier.final_tests == ()


def test_revised_advice_without_motivation_fails():
    message = read_error(
        crafted(
            "POVO_opt_out", lambda d: d.add_after(f"{ADVICE}/wensleerling", "herzienadvies", "50")
        )
    )

    assert message == (
        "Veld leerling/overstapadvies/motivatie_herzienadvies: "
        "een herzien advies moet een motivatie hebben."
    )


def test_motivation_without_revised_advice_fails():
    message = read_error(
        crafted(
            "POVO_opt_out",
            lambda d: d.add_after(f"{ADVICE}/wensleerling", "motivatie_herzienadvies", "Toets"),
        )
    )

    assert message == (
        "Veld leerling/overstapadvies/herzienadvies: er is een motivatie, maar geen herzien advies."
    )


def test_povo_without_advice_fails():
    def no_advice(d: Edit) -> None:
        d.set("huidigeschool/soort", "BAO")
        d.remove(f"{ADVICE}/advies")

    message = read_error(crafted("POVO_opt_out", no_advice))

    assert message == (
        "Veld leerling/overstapadvies/advies: bij een POVO-overstap is een schooladvies verplicht."
    )


def test_povo_from_a_special_school_may_lack_an_advice():
    # ValideerOverstapprofielen.xsl: "Advies VO is verplicht bij een POVO-overstap,
    # SO-scholen uitgezonderd"; the examples' school is an SO school.
    dossier = dossier_read(raw=crafted("POVO_opt_out", lambda d: d.remove(f"{ADVICE}/advies")))

    assert dossier.advice_code == ""


def test_collection_date_in_the_future_fails():
    future = (date.today() + timedelta(days=5)).isoformat()

    message = read_error(crafted("POVO_opt_out", lambda d: d.set("metadata/datum", future)))

    assert message == f"Veld metadata/datum: de aanmaakdatum {future} ligt in de toekomst."


def test_collection_date_is_checked_against_the_given_day():
    raw = example("POVO_opt_out")

    with pytest.raises(DossierError):
        dossier_read(raw=raw, today=date(2015, 12, 1))
    assert dossier_read(raw=raw, today=date(2016, 1, 1)).collection_date == date(2016, 1, 2)


def test_birth_date_after_collection_date_fails():
    message = read_error(
        crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/geboortedatum", "2016-02-01"))
    )

    assert message == (
        "Veld leerling/geboortedatum: de geboortedatum ligt na de aanmaakdatum van het dossier."
    )


# --- XSD errors -------------------------------------------------------------------------


def test_missing_surname_names_the_element_and_line():
    message = read_error(crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/achternaam")))

    assert message.startswith("Veld leerling/roepnaam (regel ")
    assert "voldoet niet aan het XSD" in message
    assert message.endswith("verwacht wordt achternaam.")


def test_unknown_element_is_named():
    message = read_error(
        crafted("POVO_opt_out", lambda d: d.rename(f"{PUPIL}/roepnaam", "bijnaam"))
    )

    assert message.startswith("Veld leerling/bijnaam (regel ")
    assert "dit element hoort hier niet" in message


def test_xsd_error_gives_the_line_of_the_element():
    raw = crafted(
        "POVO_full", lambda d: d.set(f"{FINAL_TEST}/eindtoetsresultaat/standaardscore", "1001")
    )
    line = next(
        number
        for number, content in enumerate(raw.decode().splitlines(), start=1)
        if "<standaardscore>1001" in content
    )

    message = read_error(raw)

    assert message == (
        f"Veld leerling/eindtoets_basisonderwijs/eindtoetsresultaat/standaardscore (regel {line})"
        " voldoet niet aan het XSD: de waarde '1001' is groter dan het maximum 1000."
    )


def test_invalid_birth_date_is_named_but_not_repeated():
    message = read_error(
        crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/geboortedatum", "2003-02-30"))
    )

    assert message.startswith("Veld leerling/geboortedatum (regel ")
    assert "2003-02-30" not in message
    assert "geen geldige datum" in message


def test_empty_required_text_says_it_must_not_be_empty():
    message = read_error(crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/achternaam", "")))

    assert message.startswith("Veld leerling/achternaam (regel ")
    assert message.endswith("de waarde mag niet leeg zijn.")


def test_messages_follow_the_active_language():
    raw = crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/bsn", "246263739"))

    with translation.override("en"), pytest.raises(DossierError) as caught:
        dossier_read(raw=raw)

    assert caught.value.message == "Field leerling/bsn: the check digit is wrong."


# --- many at once, and the schema cache ---------------------------------------------------


def test_validate_many_keeps_order_and_returns_errors_as_values():
    bad = crafted("POVO_opt_out", lambda d: d.set(f"{PUPIL}/bsn", "246263739"))
    raws = [example("POVO_full"), bad, b"", example("VOVO_opt_out")]

    results = dossier_validate_many(raws=raws)

    assert [type(r) for r in results] == [ParsedDossier, DossierError, DossierError, ParsedDossier]
    assert results[0].bsn == "269326728"
    assert results[3].bsn == "210191879"
    assert "bsn" in results[1].message


def test_schema_is_compiled_once_for_many_reads():
    schema.get_schema.cache_clear()
    try:
        with mock.patch.object(
            schema, "_compile_schema", wraps=schema._compile_schema
        ) as compile_schema:
            raws = [example(name) for name in sorted(EXAMPLES)] * 5
            results = dossier_validate_many(raws=raws)
            dossier_read(raw=example("POVO_full"))
    finally:
        schema.get_schema.cache_clear()

    assert all(isinstance(r, ParsedDossier) for r in results)
    assert compile_schema.call_count == 1


def test_threads_sharing_the_schema_get_their_own_errors():
    good = example("POVO_opt_out")
    bad = crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/achternaam"))
    outcomes: dict[int, list[str]] = {}

    def work(number: int) -> None:
        seen = []
        for round_ in range(30):
            raw = bad if (number + round_) % 2 else good
            try:
                seen.append(dossier_read(raw=raw).naw.surname)
            except DossierError as error:
                seen.append(error.message)
        outcomes[number] = seen

    with translation.override("nl"):
        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for number, seen in outcomes.items():
        for round_, outcome in enumerate(seen):
            if (number + round_) % 2:
                assert "achternaam" in outcome
            else:
                assert outcome == "Berg"


def test_version_registry_matches_the_vendored_xsd():
    for version in OSO_VERSIONS.values():
        xsd = etree.parse(str(version.xsd_path)).getroot()
        assert xsd.get("targetNamespace") == version.namespace
        assert version.version in version.xsd_path.name


@pytest.mark.parametrize(
    ("mutate", "start", "end"),
    [
        (
            lambda d: d.set(f"{PUPIL}/adresgeheim", "ja"),
            "Veld leerling/adresgeheim (regel ",
            "de waarde 'ja' is geen geldige waarde true of false.",
        ),
        (
            lambda d: d.set("huidigeschool/brincode", "12ab"),
            "Veld huidigeschool/brincode (regel ",
            "de waarde '12ab' heeft niet het vereiste formaat ([0-9][0-9][A-Z][A-Z]).",
        ),
        (
            lambda d: d.find(PUPIL).set("extra", "1"),
            "Veld leerling (regel ",
            "het attribuut 'extra' is niet toegestaan.",
        ),
        (
            lambda d: d.remove(f"{FINAL_TEST}/eindtoetsresultaat/onderdelen"),
            "Veld leerling/eindtoets_basisonderwijs/eindtoetsresultaat (regel ",
            "er ontbreekt een verplicht element; verwacht wordt onderdelen.",
        ),
    ],
)
def test_xsd_errors_are_told_in_dutch(mutate, start, end):
    message = read_error(crafted("POVO_full", mutate))

    assert message.startswith(start)
    assert message.endswith(end)


def test_unrecognised_xsd_error_on_an_identifier_hides_its_values():
    with translation.override("nl"):
        problem = schema._problem("Some new libxml2 complaint about '123456782'.", "bsn", None)

    assert "123456782" not in problem
    assert "Some new libxml2 complaint" in problem
