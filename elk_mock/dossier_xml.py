"""Build OSO 2019.1 POVO transfer files (overstapdossiers) from plain values, with lxml.

The structure follows the official ``Voorbeelddossier_OV_POVO_opt_out.xml``, reduced to what
the XSD and the profile rules (the XSLT in ``shared/oso/reference``) require of a POVO file,
plus the parts the portal reads: name and address, the advice (and a revised advice with its
motivation), and the final test (eindtoets) with reference levels.

Everything is a pure function of its input: the same ``DossierContent`` gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

NAMESPACE = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier"
STANDARD_VERSION = "2019.1"
VALIDATION_VERSION = "2019.1.1"

SECRET_PHONE = "9999999999"  # noqa: S105 (a placeholder, not a password)
SECRET_EMAIL = "geheim@geheim.geheim"  # noqa: S105

# Codelists the generator draws from (docs/DOMAIN.md; Edustandaard's validation stylesheet).
ADVICE_CODES: tuple[str, ...] = (
    "01", "10", "20", "21", "22", "23", "30", "31", "32", "33", "34", "35",
    "40", "41", "42", "43", "44", "50", "51", "52", "60", "61", "70", "80",
)  # fmt: skip
TEST_TYPE_NAMES: dict[str, str] = {
    "0011": "Centrale Eindtoets",
    "0012": "Route 8",
    "0013": "IEP Eindtoets",
}
REFERENCE_LEVELS: tuple[str, ...] = ("01", "02", "03", "04")  # <1F, 1F, 1S, 2F

_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("cat_metadata", "VERPLICHT"),
    ("cat_ouderinzage", "VERPLICHT"),
    ("cat_school", "VERPLICHT"),
    ("cat_leerling", "VERPLICHT"),
    ("cat_oudersverzorgers", "VERPLICHT"),
    ("cat_vve", "VERBODEN"),
    ("cat_schoolloopbaan", "VERPLICHT"),
    ("cat_overstapadvies", "VERPLICHT"),
    ("cat_onderwijsondersteuning", "OPT-UIT"),
    ("cat_verzuim", "OPT-UIT"),
    ("cat_eindtoetsbo", "OPTIONEEL"),
    ("cat_toetsresultaten", "OPT-UIT"),
    ("cat_handelingsplannen", "OPT-UIT"),
    ("cat_cijferlijsten", "OPT-UIT"),
    ("cat_vombo", "VERBODEN"),
    ("cat_bijlagedocs", "OPT-UIT"),
)


@dataclass(frozen=True)
class Address:
    street: str
    number: str
    suffix: str
    postcode: str  # 1501AB
    town: str


@dataclass(frozen=True)
class SchoolInfo:
    brin: str
    branch: str
    name: str
    address: Address
    phone: str


@dataclass(frozen=True)
class Guardian:
    given_name: str
    prefix: str
    surname: str
    sex: str  # "1" female, "2" male
    relation: str  # codelist 41: 1 father, 2 mother, ...


@dataclass(frozen=True)
class ReferenceResult:
    """One part of the final test: Nederlandse taal (8000, domains 8050/8051) or Rekenen (8001)."""

    reading: str  # 8050 Lezen
    language: str  # 8051 Taalverzorging
    maths: str  # 8001 Rekenen


@dataclass(frozen=True)
class FinalTestContent:
    test_type: str  # codelist 42: 0011, 0012, 0013
    description: str
    taken_on: date
    standard_score: int
    test_advice: str
    levels: ReferenceResult


@dataclass(frozen=True)
class DossierContent:
    collection_date: date
    school: SchoolInfo
    pupil_id: str  # leerlingid at the primary school (required in POVO)
    first_names: tuple[str, ...]
    given_name: str
    prefix: str
    surname: str
    birth_date: date
    sex: str  # codelist 14: 0, 1, 2
    bsn: str  # exactly one of bsn / education_number is set
    education_number: str
    address: Address | None  # None when the address is secret
    phone: str  # SECRET_PHONE marks a secret number
    email: str  # SECRET_EMAIL marks a secret address; "" for none
    enrolled_on: date
    group_8_year: str  # "2020-2021"
    advice: str
    parents_wish: str
    pupil_wish: str
    revised_advice: str  # "" when none
    revised_advice_motivation: str
    inspection_agreed: bool
    inspection_disagreement: str
    guardian: Guardian
    final_test: FinalTestContent | None = None

    @property
    def address_secret(self) -> bool:
        return self.address is None

    @property
    def initials(self) -> str:
        return "".join(f"{name[0]}." for name in self.first_names)


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrib: str):
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


def _address(parent: etree._Element, address: Address, kind: str = "bezoek") -> None:
    adres = _el(parent, "adres")
    _el(adres, "soortadres", kind)
    _el(adres, "straat", address.street)
    _el(adres, "nummer", address.number)
    if address.suffix:
        _el(adres, "toevoeging", address.suffix)
    _el(adres, "postcode", address.postcode)
    _el(adres, "plaats", address.town)
    _el(adres, "land", "6030", omschrijving="Nederland")


def _contact(parent, kind: str, number: str, *, secret: bool | None, label: str = "prive"):
    communicatie = _el(parent, "communicatie")
    _el(communicatie, "soort", kind)
    _el(communicatie, "aanduiding", label)
    _el(communicatie, "nummer", number)
    if secret is not None:
        _el(communicatie, "geheim", "true" if secret else "false")
    _el(communicatie, "noodnummer", "false")


def _bool(value: bool) -> str:
    return "true" if value else "false"


def build_dossier(content: DossierContent) -> bytes:
    """Serialise one POVO dossier as UTF-8 XML bytes (with declaration)."""
    # lxml's stubs do not allow None, the default namespace, as an nsmap key.
    root = etree.Element(f"{{{NAMESPACE}}}dossier", nsmap={None: NAMESPACE})  # type: ignore[dict-item]

    metadata = _el(root, "metadata")
    _el(metadata, "deeldossier", "LAS")
    _el(metadata, "pakketnaam", "ELK-mock")
    _el(metadata, "pakketversie", "1")
    _el(metadata, "datum", content.collection_date.isoformat())
    _el(metadata, "standaardversie", STANDARD_VERSION)
    _el(metadata, "validatieversie", VALIDATION_VERSION)
    categories = _el(metadata, "categorie_uitlevering")
    for tag, value in _CATEGORIES:
        _el(categories, tag, value)
    _el(metadata, "overstap", "POVO")

    _el(root, "overdrachtsoort", "overstapdossier")

    inzage = _el(root, "inzage")
    _el(inzage, "voorlopigdossier", "false")
    _el(inzage, "inzage", "true")
    _el(inzage, "inzagedatum", content.collection_date.isoformat())
    _el(inzage, "akkoord", "Ja" if content.inspection_agreed else "Nee")
    if not content.inspection_agreed and content.inspection_disagreement:
        _el(inzage, "redennietakkoord", content.inspection_disagreement)

    school = content.school
    huidigeschool = _el(root, "huidigeschool")
    _el(huidigeschool, "naam", school.name)
    _address(_el(huidigeschool, "adreslijst"), school.address)
    _contact(_el(huidigeschool, "communicatielijst"), "telefoon", school.phone, secret=None)
    _el(huidigeschool, "brincode", school.brin)
    _el(huidigeschool, "vestigingscode", school.branch)
    _el(huidigeschool, "aanleverpunt", "1")
    _el(huidigeschool, "soort", "BAO")

    leerling = _el(huidigeschool, "leerling")
    for name in content.first_names:
        _el(leerling, "voornaam", name)
    _el(leerling, "voorletters-1", content.initials)
    if content.prefix:
        _el(leerling, "voorvoegsel", content.prefix)
    _el(leerling, "achternaam", content.surname)
    _el(leerling, "roepnaam", content.given_name)
    _el(leerling, "geboortedatum", content.birth_date.isoformat())
    _el(leerling, "geslacht", content.sex)
    _el(leerling, "adresgeheim", _bool(content.address_secret))
    if content.address is not None:
        _address(_el(leerling, "adreslijst"), content.address)
    if content.phone or content.email:
        communicatielijst = _el(leerling, "communicatielijst")
        if content.phone:
            secret = content.phone == SECRET_PHONE
            _contact(communicatielijst, "telefoon", content.phone, secret=secret)
        if content.email:
            secret = content.email == SECRET_EMAIL
            _contact(communicatielijst, "e-mail", content.email, secret=secret)
    gba = _el(leerling, "gba")
    for name in content.first_names:
        _el(gba, "gbavoornaam", name)
    if content.prefix:
        _el(gba, "gbavoorvoegsel", content.prefix)
    _el(gba, "gbaachternaam", content.surname)
    _el(gba, "gbageboortedatum", content.birth_date.strftime("%d-%m-%Y"))
    if content.education_number:
        _el(leerling, "onderwijsnummer", content.education_number)
    else:
        _el(leerling, "bsn", content.bsn)
    _el(leerling, "leerlingid", content.pupil_id)
    _el(leerling, "datuminschrijving", content.enrolled_on.isoformat())
    _el(leerling, "verzorgersaansprakelijk", "true")

    advies = _el(leerling, "overstapadvies")
    _el(advies, "advies", content.advice)
    _el(advies, "wensouders", content.parents_wish)
    _el(advies, "wensleerling", content.pupil_wish)
    if content.revised_advice:
        _el(advies, "herzienadvies", content.revised_advice)
        _el(advies, "motivatie_herzienadvies", content.revised_advice_motivation)
    _el(advies, "contactnodig", "false")

    loopbaan = _el(_el(leerling, "schoolloopbaanlijst"), "schoolloopbaan")
    start_year = int(content.group_8_year[:4])
    _el(loopbaan, "schooljaar", content.group_8_year)
    _el(loopbaan, "groepscode", "8")
    _el(loopbaan, "groepsnaam", "groep 8")
    _el(loopbaan, "jaargroep", "8")
    _el(loopbaan, "begindatum", f"{start_year}-08-01")
    _el(loopbaan, "einddatum", f"{start_year + 1}-07-31")
    _el(loopbaan, "brincode", school.brin)
    _el(loopbaan, "vestigingscode", school.branch)
    _el(loopbaan, "schoolsoort", "BAO")

    if content.final_test is not None:
        _final_test(_el(leerling, "eindtoets_basisonderwijs"), content.final_test)

    guardian = content.guardian
    verzorger = _el(leerling, "verzorger")
    _el(verzorger, "voornaam", guardian.given_name)
    _el(verzorger, "voorletters-1", f"{guardian.given_name[0]}.")
    if guardian.prefix:
        _el(verzorger, "voorvoegsel", guardian.prefix)
    _el(verzorger, "achternaam", guardian.surname)
    _el(verzorger, "geslacht", guardian.sex)
    _el(verzorger, "adresgeheim", _bool(content.address_secret))
    if content.address is not None:
        _address(_el(verzorger, "adreslijst"), content.address)
    _el(verzorger, "relatietotkind", guardian.relation)
    _el(verzorger, "wettigevertegenwoordiger", "true")

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _final_test(parent: etree._Element, test: FinalTestContent) -> None:
    result = _el(parent, "eindtoetsresultaat")
    _el(result, "toetssoort", test.test_type)
    _el(result, "toetsniveau", "G")
    _el(result, "toetsomschrijving", test.description)
    _el(result, "datum_afname", test.taken_on.isoformat())
    _el(result, "wettelijke_ontheffing", "N")
    _el(result, "standaardscore", str(test.standard_score))
    _el(result, "toets_advies", test.test_advice)
    onderdelen = _el(result, "onderdelen")
    taal = _el(onderdelen, "onderdeel")
    _el(taal, "onderdeelcode", "8000")
    _el(taal, "onderdeelomschrijving", "Nederlandse taal")
    domeinen = _el(taal, "domeinen")
    for code, name, level in (
        ("8050", "Nederlandse taal - Lezen", test.levels.reading),
        ("8051", "Nederlandse taal - Taalverzorging", test.levels.language),
    ):
        domein = _el(domeinen, "domein")
        _el(domein, "domeincode", code)
        _el(domein, "domeinomschrijving", name)
        _el(domein, "dom_referentieniveau", level)
    rekenen = _el(onderdelen, "onderdeel")
    _el(rekenen, "onderdeelcode", "8001")
    _el(rekenen, "onderdeelomschrijving", "Rekenen")
    _el(rekenen, "ond_referentieniveau", test.levels.maths)
    # The pupil took the test; the profile rules then require the result and toets_advies.
    _el(parent, "deelgenomen", "true")
