"""The deterministic data set: primary schools, pupils, and dossier versions arriving over time.

Two sources, both pure functions (no clock, no randomness without a seed):

* ``demo_pupils()``: the 16 pupils of the demo signup group "Groep 8 - Saenredam College"
  (2021-2022). ``manage.py seed_demo`` imports each pupil's first version; the mock endpoint
  serves the later ones as its clock moves (timeline in elk_mock/README.md).
* ``demo_signup_pupils()``: 12 more pupils signed up at ``99XX`` that ``seed_demo`` does not
  import: a signup list or ELK's placements bring them in (timeline in elk_mock/README.md).
  ``demo_dataset()`` is both lists: what the mock serves as ``--dataset demo``.
* ``generated_pupils(count, seed=...)``: any number of pupils for scale tests, with distinct
  valid BSNs (a few with an onderwijsnummer), built lazily: the XML of a version is only built
  when ``DossierVersion.xml`` is first read.

Publication rule (what "the primary school has not released the file" means here): a version
exists from its ``collection_date`` and is released on ``published_on``. At clock ``C`` a pupil
is *pending* when some version is collected but not yet released
(``collection_date <= C < published_on``) or when no version is released yet; otherwise the
served file is the latest version with ``published_on <= C``.

This module imports nothing from the portal (the identifier rules are copied, not imported).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property

from elk_mock.dossier_xml import (
    SECRET_EMAIL,
    SECRET_PHONE,
    TEST_TYPE_NAMES,
    Address,
    DossierContent,
    FinalTestContent,
    Guardian,
    ReferenceResult,
    SchoolInfo,
    build_dossier,
)

DEMO_SCHOOL_BRIN = "99XX"  # our secondary school (the portal's OSO_SCHOOL_BRIN default)
DEMO_SCHOOL_NAME = "Saenredam College"
DEMO_SIGNUP_GROUP = "Groep 8 - Saenredam College"
DEMO_SCHOOL_YEAR = "2021-2022"
DEMO_CLOCK_START = date(2021, 3, 20)  # first files released; the May files are not yet
DEMO_MAY_DATE = date(2021, 5, 10)  # most May files (final test, revised advice) are released
DEMO_LATE_MAY_DATE = date(2021, 5, 25)  # the one late May file is released

# Secondary schools the endpoint knows (BRIN -> name). Any other school BRIN is "unknown".
SECONDARY_SCHOOLS: dict[str, str] = {
    DEMO_SCHOOL_BRIN: DEMO_SCHOOL_NAME,
    "98YY": "Zaanlands Lyceum (mock)",
}

PLACED = "Geplaatst"
PLACED_GUIDED = "Geplaatst doorbegeleid"


@dataclass(frozen=True)
class DossierVersion:
    """One version of a pupil's transfer file. ``xml`` is built on first access and kept."""

    published_on: date
    collection_date: date
    description: str
    content: DossierContent

    @cached_property
    def xml(self) -> bytes:
        return build_dossier(self.content)


@dataclass(frozen=True)
class Placement:
    status: str  # "Geplaatst" | "Geplaatst doorbegeleid"
    date: date


@dataclass(frozen=True)
class Pupil:
    key: str
    bsn: str  # "" when the pupil has an education number
    education_number: str
    birth_date: date
    given_name: str
    prefix: str
    surname: str
    primary_school_brin: str
    primary_school_branch: str
    primary_school_name: str
    placement: Placement | None
    versions: tuple[DossierVersion, ...]  # ordered by published_on
    secondary_school_brin: str = DEMO_SCHOOL_BRIN
    # seed_demo imports this pupil's first file (the demo signup group).
    imported_by_demo: bool = False

    @property
    def identifier(self) -> str:
        """The BSN, or the education number when there is no BSN."""
        return self.bsn or self.education_number


# ---------------------------------------------------------------------------------------------
# Identifiers (the rules of students/validators.py, copied: this package imports no portal code)

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def eleven_test_remainder(value: str) -> int:
    return sum(int(d) * w for d, w in zip(value, _WEIGHTS, strict=True)) % 11


def is_valid_bsn(value: str) -> bool:
    if not (len(value) == 9 and value.isdigit()) or int(value) == 0:
        return False
    return eleven_test_remainder(value) == 0


def is_valid_education_number(value: str) -> bool:
    if not (len(value) == 9 and value.isdigit()) or not value.startswith("10"):
        return False
    return eleven_test_remainder(value) == 5


def _complete(base8: str, remainder: int) -> str | None:
    """The 9-digit number starting with ``base8`` whose eleven-test remainder is ``remainder``."""
    partial = sum(int(d) * w for d, w in zip(base8, _WEIGHTS[:8], strict=True))
    check = (partial - remainder) % 11
    return None if check > 9 else base8 + str(check)


def bsn_from_base(base8: str) -> str | None:
    value = _complete(base8, 0)
    return value if value and int(value) else None


def education_number_from_base(base6: str) -> str | None:
    return _complete("10" + base6, 5)


# ---------------------------------------------------------------------------------------------
# Primary schools

_TOWNS = (
    ("Zaandam", "150"),
    ("Koog aan de Zaan", "154"),
    ("Wormerveer", "152"),
    ("Krommenie", "156"),
    ("Westzaan", "155"),
    ("Assendelft", "156"),
)

DEMO_PRIMARY_SCHOOLS: tuple[SchoolInfo, ...] = (
    SchoolInfo(
        "12AB", "00", "OBS De Vuurtoren", Address("Vuurtorenplein", "1", "", "1506AA", "Zaandam"),
        "0756123401",
    ),
    SchoolInfo(
        "13CD", "00", "Het Kompas", Address("Kompasstraat", "12", "", "1541BC", "Koog aan de Zaan"),
        "0756123402",
    ),
    SchoolInfo(
        "14EF", "01", "Toermalijn", Address("Edelsteenlaan", "7", "", "1521CD", "Wormerveer"),
        "0756123403",
    ),
    SchoolInfo(
        "15GH", "00", "De Rietvink", Address("Rietvinklaan", "30", "", "1562DE", "Krommenie"),
        "0756123404",
    ),
    SchoolInfo(
        "16JK", "00", "Het Baken", Address("Bakenweg", "4", "", "1551EF", "Westzaan"),
        "0756123405",
    ),
    SchoolInfo(
        "17LM", "00", "De Werf", Address("Scheepmakerij", "22", "", "1503FG", "Zaandam"),
        "0756123406",
    ),
    SchoolInfo(
        "18NP", "00", "OBS Westerhout",
        Address("Westerhoutstraat", "9", "", "1566GH", "Assendelft"),
        "0756123407",
    ),
    SchoolInfo(
        "19QR", "00", "Over de Brug", Address("Brugstraat", "15", "", "1507HJ", "Zaandam"),
        "0756123408",
    ),
)  # fmt: skip

_SCHOOL_BY_BRIN = {school.brin: school for school in DEMO_PRIMARY_SCHOOLS}


# ---------------------------------------------------------------------------------------------
# The demo pupils

_LEVELS_STRONG = ReferenceResult(reading="04", language="04", maths="03")
_LEVELS_MIDDLE = ReferenceResult(reading="04", language="02", maths="02")
_LEVELS_BASIC = ReferenceResult(reading="02", language="02", maths="01")


@dataclass(frozen=True)
class _DemoSpec:
    key: str
    bsn: str
    education_number: str
    first_names: tuple[str, ...]
    given_name: str
    prefix: str
    surname: str
    birth_date: date
    sex: str
    school: str  # primary-school BRIN
    address: Address | None  # None: the address is secret (adresgeheim)
    phone: str
    email: str
    advice: str
    first_collected: date
    placement: Placement | None
    # The later files, as (collected, published, description, changes) applied in order.
    updates: tuple[tuple[date, date, str, dict], ...]


def _test(test_type: str, taken_on: date, score: int, advice: str, levels) -> FinalTestContent:
    description = TEST_TYPE_NAMES[test_type]
    return FinalTestContent(test_type, description, taken_on, score, advice, levels)


_IEP_DAY = date(2021, 4, 20)
_CET_DAY = date(2021, 4, 20)
_ROUTE8_DAY = date(2021, 4, 15)
_REVISED = "Resultaten van de eindtoets basisonderwijs"


def _may(test: FinalTestContent, **changes) -> tuple[date, date, str, dict]:
    what = "eindtoets" + (", herzien advies" if "revised_advice" in changes else "")
    if "address" in changes:
        what += ", nieuw adres"
    return (DEMO_MAY_DATE, DEMO_MAY_DATE, f"Mei-dossier: {what}", {"final_test": test, **changes})


_DEMO_SPECS: tuple[_DemoSpec, ...] = (
    _DemoSpec(
        "demo-01", "234017892", "", ("Noor", "Elisabeth"), "Noor", "van 't", "Hof",
        date(2009, 5, 14), "1", "12AB", Address("Westzijde", "100", "", "1506EG", "Zaandam"),
        "0612345678", "", "40", date(2021, 2, 12), Placement(PLACED, date(2021, 3, 12)),
        (_may(_test("0013", _IEP_DAY, 88, "havo/vwo", _LEVELS_STRONG),
              revised_advice="50", revised_advice_motivation=_REVISED),),
    ),
    _DemoSpec(
        "demo-02", "", "", ("Jan", "Pieter"), "Jan", "van der", "Meer",
        date(2009, 1, 1), "2", "12AB", Address("Hoogstraat", "12", "", "1506AB", "Zaandam"),
        "0612345601", "jan.vandermeer@example.nl", "30", date(2021, 2, 15),
        Placement(PLACED, date(2021, 3, 12)),
        (_may(_test("0011", _CET_DAY, 531, "vmbo-gt/havo", _LEVELS_MIDDLE)),),
    ),
    _DemoSpec(
        "demo-03", "", "", ("Wendy",), "Wendy", "van der", "Linden",
        date(2009, 2, 2), "1", "13CD", Address("Lagedijk", "45", "", "1541KA", "Koog aan de Zaan"),
        "0612345602", "", "35", date(2021, 2, 16), Placement(PLACED, date(2021, 3, 19)),
        (),  # no later file: a changes-since request says "not changed"
    ),
    _DemoSpec(
        "demo-04", "", "", ("Daan", "Willem"), "Daan", "de", "Vries",
        date(2009, 3, 3), "2", "14EF", Address("Zaanweg", "8", "A", "1521DM", "Wormerveer"),
        "0612345603", "", "40", date(2021, 2, 17), Placement(PLACED_GUIDED, date(2021, 4, 8)),
        (_may(_test("0012", _ROUTE8_DAY, 232, "vwo", _LEVELS_STRONG),
              revised_advice="44", revised_advice_motivation=_REVISED),),
    ),
    _DemoSpec(
        "demo-05", "", "", ("Janneke",), "Janneke", "van den", "Berg",
        date(2009, 4, 4), "1", "15GH", Address("Padlaan", "3", "", "1562AB", "Krommenie"),
        "0612345604", "berg.familie@example.nl", "30", date(2021, 2, 18),
        Placement(PLACED, date(2021, 3, 12)),
        (_may(_test("0013", _IEP_DAY, 79, "vmbo-gt", _LEVELS_MIDDLE),
              address=Address("Vlietsend", "21", "bis", "1541CP", "Koog aan de Zaan"),
              phone="0612345699"),),
    ),
    _DemoSpec(
        "demo-06", "", "", ("Sem",), "Sem", "", "Bakker",
        date(2009, 6, 6), "2", "16JK", Address("Kerkbuurt", "27", "", "1551AC", "Westzaan"),
        "0612345605", "", "20", date(2021, 2, 19), Placement(PLACED, date(2021, 3, 19)),
        (_may(_test("0011", _CET_DAY, 516, "vmbo-kb", _LEVELS_BASIC)),),
    ),
    _DemoSpec(
        "demo-07", "", "", ("Lotte", "Maria"), "Lotte", "", "Jansen",
        date(2009, 7, 7), "1", "17LM", None,
        SECRET_PHONE, SECRET_EMAIL, "44", date(2021, 2, 22), Placement(PLACED, date(2021, 3, 12)),
        (_may(_test("0013", _IEP_DAY, 84, "havo", _LEVELS_MIDDLE)),),
    ),
    _DemoSpec(
        "demo-08", "", "", ("Milan",), "Milan", "van", "Dijk",
        date(2009, 8, 8), "2", "17LM", Address("Peperstraat", "5", "", "1502AG", "Zaandam"),
        "0612345607", "", "35", date(2021, 2, 23), Placement(PLACED, date(2021, 3, 19)),
        (_may(_test("0011", _CET_DAY, 541, "havo/vwo", _LEVELS_STRONG),
              revised_advice="40", revised_advice_motivation=_REVISED),),
    ),
    _DemoSpec(
        "demo-09", "", "", ("Emma",), "Emma", "", "Visser",
        date(2009, 9, 9), "1", "18NP", Address("Dorpsstraat", "101", "", "1566AA", "Assendelft"),
        "0612345608", "", "50", date(2021, 2, 24), Placement(PLACED, date(2021, 3, 12)),
        (),  # no later file
    ),
    _DemoSpec(
        "demo-10", "", "104521801", ("Luuk",), "Luuk", "", "Smit",
        date(2009, 10, 10), "2", "12AB", Address("Oostzijde", "220", "", "1508EP", "Zaandam"),
        "0612345609", "", "30", date(2021, 2, 25), Placement(PLACED, date(2021, 3, 19)),
        (_may(_test("0012", _ROUTE8_DAY, 201, "vmbo-gt", _LEVELS_MIDDLE)),),
    ),
    _DemoSpec(
        "demo-11", "", "", ("Sophie", "Anna"), "Sophie", "", "Mulder",
        date(2009, 11, 11), "1", "18NP", Address("Communie", "14", "", "1566PB", "Assendelft"),
        "0612345610", "mulder@example.nl", "42", date(2021, 2, 26),
        Placement(PLACED_GUIDED, date(2021, 4, 8)),
        (_may(_test("0013", _IEP_DAY, 82, "havo", _LEVELS_MIDDLE)),),
    ),
    _DemoSpec(
        "demo-12", "", "", ("Thijs",), "Thijs", "de", "Boer",
        date(2009, 12, 12), "2", "16JK", Address("Zuideinde", "60", "", "1551EH", "Westzaan"),
        "0612345611", "", "20", date(2021, 3, 1), Placement(PLACED, date(2021, 3, 19)),
        # Collected on 10 May but released only on 25 May: "wait for primary school" between.
        ((DEMO_MAY_DATE, DEMO_LATE_MAY_DATE, "Mei-dossier (laat vrijgegeven): eindtoets",
          {"final_test": _test("0011", _CET_DAY, 522, "vmbo-gt", _LEVELS_BASIC)}),),
    ),
    _DemoSpec(
        "demo-13", "", "", ("Julia",), "Julia", "", "Meijer",
        date(2010, 1, 13), "1", "12AB", Address("Rustenburg", "2", "", "1506TR", "Zaandam"),
        "0612345612", "", "33", date(2021, 3, 2), Placement(PLACED, date(2021, 3, 12)),
        (_may(_test("0013", _IEP_DAY, 85, "havo", _LEVELS_STRONG),
              revised_advice="41", revised_advice_motivation=_REVISED),),
    ),
    _DemoSpec(
        "demo-14", "", "", ("Lars",), "Lars", "van", "Leeuwen",
        date(2010, 2, 14), "2", "19QR", Address("Westerstraat", "33", "", "1507AN", "Zaandam"),
        "0612345613", "", "40", date(2021, 3, 3), None,  # not placed yet
        (_may(_test("0011", _CET_DAY, 537, "havo", _LEVELS_MIDDLE)),),
    ),
    _DemoSpec(
        "demo-15", "", "", ("Fleur",), "Fleur", "", "Dekker",
        date(2010, 3, 15), "1", "12AB", Address("Ankersmidplein", "9", "", "1506CK", "Zaandam"),
        "0612345614", "fleur.dekker@example.nl", "50", date(2021, 3, 4),
        Placement(PLACED, date(2021, 3, 19)),
        (_may(_test("0012", _ROUTE8_DAY, 248, "vwo", _LEVELS_STRONG)),),
    ),
    _DemoSpec(
        "demo-16", "", "", ("Bram", "Hendrik"), "Bram", "van der", "Heijden",
        date(2010, 4, 16), "2", "12AB", Address("Vuurtorenstraat", "18", "", "1506AD", "Zaandam"),
        "0612345615", "", "35", date(2021, 3, 5), Placement(PLACED_GUIDED, date(2021, 4, 8)),
        (
            # Collected on 15 March, released 29 March: pending at the start of the demo.
            (date(2021, 3, 15), date(2021, 3, 29), "Maart-dossier: ouders niet akkoord",
             {"inspection_agreed": False,
              "inspection_disagreement": "Ouders vinden het advies te laag."}),
            _may(_test("0013", _IEP_DAY, 83, "havo", _LEVELS_MIDDLE)),
        ),
    ),
)  # fmt: skip


def _demo_bsn(index: int) -> str:
    """A fixed, valid BSN per demo pupil (index 2..16), far from the generated range."""
    base = 31_400_000 + index * 1_013
    while True:
        value = bsn_from_base(f"{base:08d}")
        if value:
            return value
        base += 1


def _guardian(given_name: str, prefix: str, surname: str, index: int) -> Guardian:
    if index % 2:
        return Guardian("Marieke", prefix, surname, "1", "2")
    return Guardian("Pieter", prefix, surname, "2", "1")


def _pupil_id(school_brin: str, number: int) -> str:
    return f"{school_brin}-{number:05d}"


def _build_pupil(
    *,
    key: str,
    bsn: str,
    education_number: str,
    first_names: tuple[str, ...],
    given_name: str,
    prefix: str,
    surname: str,
    birth_date: date,
    sex: str,
    school: SchoolInfo,
    address: Address | None,
    phone: str,
    email: str,
    advice: str,
    parents_wish: str,
    pupil_wish: str,
    first_collected: date,
    first_published: date,
    placement: Placement | None,
    updates: tuple[tuple[date, date, str, dict], ...],
    number: int,
    secondary_school_brin: str = DEMO_SCHOOL_BRIN,
    imported_by_demo: bool = False,
) -> Pupil:
    first = DossierContent(
        collection_date=first_collected,
        school=school,
        pupil_id=_pupil_id(school.brin, number),
        first_names=first_names,
        given_name=given_name,
        prefix=prefix,
        surname=surname,
        birth_date=birth_date,
        sex=sex,
        bsn=bsn,
        education_number=education_number,
        address=address,
        phone=phone,
        email=email,
        enrolled_on=date(birth_date.year + 4, birth_date.month, 1),
        group_8_year="2020-2021",
        advice=advice,
        parents_wish=parents_wish,
        pupil_wish=pupil_wish,
        revised_advice="",
        revised_advice_motivation="",
        inspection_agreed=True,
        inspection_disagreement="",
        guardian=_guardian(given_name, prefix, surname, number),
    )
    versions = [DossierVersion(first_published, first_collected, "Eerste dossier", first)]
    content = first
    for collected, published, description, changes in updates:
        content = replace(content, collection_date=collected, **changes)
        versions.append(DossierVersion(published, collected, description, content))
    versions.sort(key=lambda version: (version.published_on, version.collection_date))
    return Pupil(
        key=key,
        bsn=bsn,
        education_number=education_number,
        birth_date=birth_date,
        given_name=given_name,
        prefix=prefix,
        surname=surname,
        primary_school_brin=school.brin,
        primary_school_branch=school.branch,
        primary_school_name=school.name,
        placement=placement,
        versions=tuple(versions),
        secondary_school_brin=secondary_school_brin,
        imported_by_demo=imported_by_demo,
    )


def demo_pupils() -> list[Pupil]:
    """The demo signup group's 16 pupils with their dossier versions (see README timeline)."""
    pupils = []
    for index, spec in enumerate(_DEMO_SPECS, start=1):
        bsn = spec.bsn or ("" if spec.education_number else _demo_bsn(index))
        pupils.append(
            _build_pupil(
                key=spec.key,
                bsn=bsn,
                education_number=spec.education_number,
                first_names=spec.first_names,
                given_name=spec.given_name,
                prefix=spec.prefix,
                surname=spec.surname,
                birth_date=spec.birth_date,
                sex=spec.sex,
                school=_SCHOOL_BY_BRIN[spec.school],
                address=spec.address,
                phone=spec.phone,
                email=spec.email,
                advice=spec.advice,
                parents_wish=_wish(spec.advice, 1),
                pupil_wish=_wish(spec.advice, 2),
                first_collected=spec.first_collected,
                first_published=spec.first_collected,
                placement=spec.placement,
                updates=spec.updates,
                number=index,
                imported_by_demo=True,
            )
        )
    return pupils


# ---------------------------------------------------------------------------------------------
# The demo's signed-up pupils without a file in the portal

# ELK places the signup-list pupils after the demo's start; the feed brings in the others.
DEMO_SIGNUP_LIST_PLACED_ON = date(2021, 4, 8)


@dataclass(frozen=True)
class _SignupSpec:
    key: str
    education_number: bool  # an onderwijsnummer instead of a BSN
    given_name: str
    prefix: str
    surname: str
    birth_date: date
    sex: str
    school: str
    address: Address
    advice: str
    first_collected: date
    first_published: date
    placement: Placement | None
    updates: tuple[tuple[date, date, str, dict], ...] = ()


_SIGNUP_SPECS: tuple[_SignupSpec, ...] = (
    # Not placed until after the demo's start: a signup list brings them in.
    _SignupSpec("aanm-01", False, "Iris", "", "Kramer", date(2009, 5, 3), "1", "12AB",
                Address("Zilverschoon", "4", "", "1506GT", "Zaandam"), "40",
                date(2021, 2, 10), date(2021, 2, 10), Placement(PLACED, DEMO_SIGNUP_LIST_PLACED_ON),
                (_may(_test("0013", _IEP_DAY, 86, "havo/vwo", _LEVELS_STRONG)),)),
    _SignupSpec("aanm-02", False, "Mees", "van", "Wijk", date(2009, 6, 21), "2", "13CD",
                Address("Zuiderhoutweg", "19", "", "1541LM", "Koog aan de Zaan"), "35",
                date(2021, 2, 12), date(2021, 2, 12),
                Placement(PLACED, DEMO_SIGNUP_LIST_PLACED_ON)),
    _SignupSpec("aanm-03", False, "Zoë", "de", "Graaf", date(2009, 8, 30), "1", "14EF",
                Address("Marktstraat", "2", "", "1521AB", "Wormerveer"), "44",
                date(2021, 2, 17), date(2021, 2, 17),
                Placement(PLACED_GUIDED, DEMO_SIGNUP_LIST_PLACED_ON)),
    _SignupSpec("aanm-04", False, "Teun", "", "Brouwer", date(2009, 10, 2), "2", "15GH",
                Address("Rosariumlaan", "31", "", "1562CD", "Krommenie"), "30",
                date(2021, 2, 24), date(2021, 2, 24), Placement(PLACED, date(2021, 4, 15))),
    _SignupSpec("aanm-05", False, "Roos", "van der", "Veen", date(2010, 1, 9), "1", "12AB",
                Address("Botenmakersstraat", "77", "", "1506TT", "Zaandam"), "50",
                date(2021, 3, 3), date(2021, 3, 3), Placement(PLACED, date(2021, 4, 15))),
    _SignupSpec("aanm-06", False, "Gijs", "", "Koster", date(2009, 12, 14), "2", "16JK",
                Address("Kerkbuurt", "50", "", "1551AD", "Westzaan"), "35",
                date(2021, 3, 8), date(2021, 3, 8), None),
    _SignupSpec("aanm-07", True, "Saar", "", "Hoekstra", date(2009, 9, 17), "1", "18NP",
                Address("Dorpsstraat", "300", "", "1566AC", "Assendelft"), "40",
                date(2021, 3, 10), date(2021, 3, 10), Placement(PLACED, date(2021, 4, 22))),
    # The primary school releases nothing until May.
    _SignupSpec("aanm-08", False, "Jesse", "de", "Haan", date(2009, 7, 25), "2", "19QR",
                Address("Brugstraat", "40", "", "1507HK", "Zaandam"), "30",
                DEMO_MAY_DATE, DEMO_MAY_DATE, Placement(PLACED, date(2021, 5, 12))),
    # Placed by the demo's start: ELK's feed brings them in.
    _SignupSpec("aanm-09", False, "Evi", "", "Willems", date(2009, 4, 11), "1", "17LM",
                Address("Peperstraat", "44", "", "1502AH", "Zaandam"), "44",
                date(2021, 2, 15), date(2021, 2, 15), Placement(PLACED, date(2021, 3, 12)),
                (_may(_test("0011", _CET_DAY, 538, "havo", _LEVELS_MIDDLE)),)),
    _SignupSpec("aanm-10", False, "Siem", "van", "Beek", date(2009, 11, 29), "2", "12AB",
                Address("Westzijde", "212", "", "1506EH", "Zaandam"), "20",
                date(2021, 2, 19), date(2021, 2, 19), Placement(PLACED, date(2021, 3, 12))),
    _SignupSpec("aanm-11", False, "Maud", "", "Schouten", date(2010, 2, 6), "1", "13CD",
                Address("Lagedijk", "90", "", "1541KB", "Koog aan de Zaan"), "50",
                date(2021, 2, 26), date(2021, 2, 26), Placement(PLACED, date(2021, 3, 19))),
    _SignupSpec("aanm-12", False, "Ruben", "de", "Wit", date(2009, 3, 27), "2", "15GH",
                Address("Padlaan", "18", "", "1562AC", "Krommenie"), "40",
                date(2021, 3, 1), date(2021, 3, 1), Placement(PLACED_GUIDED, date(2021, 3, 19))),
)  # fmt: skip


def _signup_identifier(index: int, *, education_number: bool) -> str:
    """A fixed, valid identifier per signup pupil, apart from the demo and generated ranges."""
    base = 31_700_000 + index * 1_021
    while True:
        value = (
            education_number_from_base(f"{base % 10**6:06d}")
            if education_number
            else bsn_from_base(f"{base:08d}")
        )
        if value:
            return value
        base += 1


def demo_signup_pupils() -> list[Pupil]:
    """The 12 pupils signed up at 99XX whose files seed_demo does not import (README timeline)."""
    pupils = []
    for index, spec in enumerate(_SIGNUP_SPECS, start=1):
        identifier = _signup_identifier(index, education_number=spec.education_number)
        pupils.append(
            _build_pupil(
                key=spec.key,
                bsn="" if spec.education_number else identifier,
                education_number=identifier if spec.education_number else "",
                first_names=(spec.given_name,),
                given_name=spec.given_name,
                prefix=spec.prefix,
                surname=spec.surname,
                birth_date=spec.birth_date,
                sex=spec.sex,
                school=_SCHOOL_BY_BRIN[spec.school],
                address=spec.address,
                phone=f"06123457{index:02d}",
                email="",
                advice=spec.advice,
                parents_wish=_wish(spec.advice, 1),
                pupil_wish=_wish(spec.advice, 2),
                first_collected=spec.first_collected,
                first_published=spec.first_published,
                placement=spec.placement,
                updates=spec.updates,
                number=100 + index,
            )
        )
    return pupils


def demo_dataset() -> list[Pupil]:
    """What the mock serves as ``--dataset demo``: the demo group and the signed-up pupils."""
    return demo_pupils() + demo_signup_pupils()


_ADVICE_LADDER = ("10", "20", "30", "35", "40", "44", "50")


def _wish(advice: str, step: int) -> str:
    """Parents and pupils tend to wish a little higher than the advice."""
    if advice not in _ADVICE_LADDER:
        return advice
    index = min(_ADVICE_LADDER.index(advice) + (step // 2), len(_ADVICE_LADDER) - 1)
    return _ADVICE_LADDER[index]


# ---------------------------------------------------------------------------------------------
# Generated pupils for scale

_GIVEN_F = (
    "Emma", "Julia", "Mila", "Tess", "Sophie", "Zoë", "Sara", "Nora", "Yara", "Eva", "Liv", "Lotte",
    "Fenna", "Saar", "Anna", "Lieke", "Isa", "Fleur", "Noor", "Maud", "Roos", "Evi", "Jasmijn",
)  # fmt: skip
_GIVEN_M = (
    "Noah", "Liam", "Luca", "Lucas", "Sem", "Finn", "Daan", "Levi", "Milan", "Bram", "Jesse",
    "Thijs", "Mees", "Jayden", "Adam", "Sam", "Lars", "Teun", "Ruben", "Gijs", "Julian", "Siem",
)  # fmt: skip
_SURNAMES = (
    ("", "Jansen"), ("de", "Jong"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"),
    ("", "Bakker"), ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"),
    ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"),
    ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"),
    ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"),
    ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"),
    ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"), ("de", "Bruin"),
    ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"), ("", "Willems"),
    ("van", "Vliet"), ("van 't", "Hof"), ("van 't", "Veld"), ("", "Hoekstra"), ("", "Koster"),
)  # fmt: skip
_STREETS = (
    "Westzijde", "Oostzijde", "Hoogstraat", "Lagedijk", "Zuiderhoutweg", "Peperstraat",
    "Zaanweg", "Kerkbuurt", "Dorpsstraat", "Provincialeweg", "Vinkenstraat", "Rozengracht",
    "Kalverstraat", "Stationsstraat", "Molenweg", "Julianastraat", "Beatrixlaan", "Prinsenhof",
)  # fmt: skip
_TESTS = (
    ("0011", 501, 550),
    ("0012", 100, 300),
    ("0013", 50, 100),
)
_TEST_ADVICES = ("vmbo-bb", "vmbo-kb", "vmbo-gt", "vmbo-gt/havo", "havo", "havo/vwo", "vwo")
_GENERATED_ADVICE = ("20", "30", "35", "40", "44", "50")


def _generated_schools(rng: random.Random, count: int) -> list[SchoolInfo]:
    schools = list(DEMO_PRIMARY_SCHOOLS)
    letters = "ABCDEFGHJKLMNPRSTVWZ"
    names = ("De Regenboog", "Het Palet", "De Klimop", "De Zonnewijzer", "De Wilgenhoek")
    taken = {school.brin for school in schools}
    while len(schools) < count:
        brin = f"{rng.randrange(20, 97):02d}{rng.choice(letters)}{rng.choice(letters)}"
        if brin in taken:
            continue
        taken.add(brin)
        town, prefix = rng.choice(_TOWNS)
        name = f"{rng.choice(names)} {len(schools)}"
        postcode = f"{prefix}{rng.randrange(0, 10)}{rng.choice(letters)}{rng.choice(letters)}"
        address = Address(rng.choice(_STREETS), str(rng.randrange(1, 200)), "", postcode, town)
        schools.append(SchoolInfo(brin, "00", name, address, f"0756{rng.randrange(10**6):06d}"))
    return schools


def generated_pupils(count: int, *, seed: int = 0) -> list[Pupil]:
    """``count`` pupils with distinct valid identifiers, the same list for the same arguments.

    About 80% get a May file (final test, a quarter of those also a revised advice, some a new
    address); 5% of those are released a week late (pending in between); 3% have an
    onderwijsnummer; 2% a secret address. BSNs never collide with the demo pupils'.
    """
    # Not for security: a seeded generator is the point (the same pupils on every call).
    rng = random.Random(f"elk-mock-generated-{seed}")  # noqa: S311
    schools = _generated_schools(rng, 8 + max(1, count // 150))
    demo_ids = {pupil.identifier for pupil in demo_dataset()}
    used: set[str] = set(demo_ids)
    letters = "ABCDEFGHJKLMNPRSTVWZ"
    pupils: list[Pupil] = []
    for number in range(1, count + 1):
        use_education_number = rng.random() < 0.03
        while True:
            if use_education_number:
                candidate = education_number_from_base(f"{rng.randrange(10**6):06d}")
            else:
                candidate = bsn_from_base(f"{rng.randrange(10**7, 10**8):08d}")
            if candidate and candidate not in used:
                used.add(candidate)
                break
        female = rng.random() < 0.5
        given = rng.choice(_GIVEN_F if female else _GIVEN_M)
        second = rng.choice(_GIVEN_F if female else _GIVEN_M)
        first_names = (given,) if rng.random() < 0.4 or second == given else (given, second)
        prefix, surname = rng.choice(_SURNAMES)
        birth_date = date(2009, 1, 1) + timedelta(days=rng.randrange(0, 540))
        school = rng.choice(schools)
        town, postcode_prefix = rng.choice(_TOWNS)

        def address(town: str = town, prefix: str = postcode_prefix) -> Address:
            letters_2 = rng.choice(letters) + rng.choice(letters)
            return Address(
                rng.choice(_STREETS),
                str(rng.randrange(1, 300)),
                rng.choice(("", "", "", "", "A", "B", "hs")),
                f"{prefix}{rng.randrange(0, 10)}{letters_2}",
                town,
            )

        secret = rng.random() < 0.02
        home = None if secret else address()
        phone = SECRET_PHONE if secret else f"06{rng.randrange(10**8):08d}"
        if secret:
            email = SECRET_EMAIL
        elif rng.random() < 0.5:
            email = ""
        else:
            email = f"{given.lower()}.{surname.lower()}@example.nl".replace("ë", "e")
        advice_index = rng.randrange(len(_GENERATED_ADVICE))
        advice = _GENERATED_ADVICE[advice_index]
        first_collected = date(2021, 2, 1) + timedelta(days=rng.randrange(0, 45))
        placement = None
        if rng.random() < 0.9:
            status = PLACED_GUIDED if rng.random() < 0.15 else PLACED
            placement = Placement(status, date(2021, 3, 12) + timedelta(days=rng.randrange(0, 30)))
        updates: list[tuple[date, date, str, dict]] = []
        if rng.random() < 0.8:
            test_type, low, high = rng.choice(_TESTS)
            score = rng.randrange(low, high + 1)
            position = (score - low) / (high - low)
            test_advice = _TEST_ADVICES[min(int(position * len(_TEST_ADVICES)), 6)]
            levels = ReferenceResult(
                rng.choice(("02", "03", "04")),
                rng.choice(("01", "02", "04")),
                rng.choice(("01", "02", "03")),
            )
            changes: dict = {
                "final_test": FinalTestContent(
                    test_type,
                    TEST_TYPE_NAMES[test_type],
                    date(2021, 4, 15) + timedelta(days=rng.randrange(0, 8)),
                    score,
                    test_advice,
                    levels,
                )
            }
            if advice_index < len(_GENERATED_ADVICE) - 1 and rng.random() < 0.25:
                changes["revised_advice"] = _GENERATED_ADVICE[advice_index + 1]
                changes["revised_advice_motivation"] = _REVISED
            if not secret and rng.random() < 0.05:
                changes["address"] = address()
            collected = DEMO_MAY_DATE + timedelta(days=rng.randrange(0, 3))
            published = collected + (timedelta(days=7) if rng.random() < 0.05 else timedelta())
            updates.append((collected, published, "Mei-dossier: eindtoets", changes))
        pupils.append(
            _build_pupil(
                key=f"gen-{seed}-{number:05d}",
                bsn="" if use_education_number else candidate,
                education_number=candidate if use_education_number else "",
                first_names=first_names,
                given_name=given,
                prefix=prefix,
                surname=surname,
                birth_date=birth_date,
                sex="1" if female else "2",
                school=school,
                address=home,
                phone=phone,
                email=email,
                advice=advice,
                parents_wish=_wish(advice, 1),
                pupil_wish=_wish(advice, 2),
                first_collected=first_collected,
                first_published=first_collected,
                placement=placement,
                updates=tuple(updates),
                number=number,
            )
        )
    return pupils


# ---------------------------------------------------------------------------------------------
# The publication rule, shared by the mock endpoint and anyone who wants the same answer


def released_version(pupil: Pupil, clock: date) -> DossierVersion | None:
    """The latest version the primary school has released at ``clock`` (None: none yet)."""
    released = [version for version in pupil.versions if version.published_on <= clock]
    return released[-1] if released else None


def is_pending(pupil: Pupil, clock: date) -> bool:
    """The primary school has a file in the making that it has not released yet at ``clock``."""
    if released_version(pupil, clock) is None:
        return True
    return any(v.collection_date <= clock < v.published_on for v in pupil.versions)
