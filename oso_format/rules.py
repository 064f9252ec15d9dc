"""The portal's own rules, checked after the XSD and the official stylesheet.

The official validation stylesheet (``oso_format.official_rules``) checks every
codelist and the profile rules, in Edustandaard's own words; the Python copies of
those rules are gone. What stays here is what the stylesheet does not say and the
merge needs first:

- a pupil has a BSN or education number with valid check digits: the merge matches
  on it, so it is asked of every file (the stylesheet asks only an overstapdossier
  for one, and checks no check digit; ``tests/test_official_rules_agreement.py``
  shows both agree where both apply);
- a revised advice has its motivation, and a motivation belongs to a revised advice
  (the XSD's documentation; no stylesheet rule);
- a POVO overstapdossier has an advice, unless it comes from a special school (SO),
  and a pupil who took the final test has a result with a test advice: the 2018.1
  and 2019.1 stylesheets state these rules, but in templates for elements below
  ``leerling`` that never run (the ``leerling`` template's ``apply-templates`` is
  commented out), so they give no melding; the merge stores advice and result;
- sanity: the collection date is not more than a day ahead, the birth date not after it.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_noop
from lxml import etree

from oso_format import codelists
from oso_format.identifiers import is_valid_bsn, is_valid_education_number
from oso_format.paths import field_path, required
from oso_format.types import DossierError
from oso_format.values import dutch_date, text, xs_boolean, xs_date
from oso_format.versions import OsoVersion

# Collection dates may run ahead of our clock by time zones and clock skew, not more.
FUTURE_TOLERANCE = timedelta(days=1)


def check_rules(root: etree._Element, version: OsoVersion, *, today: date) -> None:
    """Raise DossierError for the first broken rule; the tree is XSD-valid."""
    t = version.tag
    metadata = required(root, t("metadata"))
    school = required(root, t("huidigeschool"))
    pupil = required(school, t("leerling"))

    collection_date = xs_date(required(metadata, t("datum")))
    if collection_date > today + FUTURE_TOLERANCE:
        raise DossierError.of(
            gettext_noop("Field {field}: the collection date {date} lies in the future."),
            field=field_path(metadata, "datum"),
            date=collection_date.isoformat(),
        )
    _check_identifier(pupil, version)
    _check_birth_date(pupil, version, collection_date)
    _check_revised_advice(pupil, version)
    transfer_kind = text(metadata.find(t("overstap")))
    is_overstapdossier = text(root.find(t("overdrachtsoort"))) == "overstapdossier"
    _check_povo_advice(pupil, version, school, transfer_kind, is_overstapdossier)
    _check_final_test(pupil, version)


def _check_identifier(pupil: etree._Element, version: OsoVersion) -> None:
    bsn = pupil.find(version.tag("bsn"))
    education_number = pupil.find(version.tag("onderwijsnummer"))
    if bsn is None and education_number is None:
        raise DossierError.of(
            gettext_noop("Field {field}: the dossier has neither a BSN nor an education number."),
            field=field_path(pupil, "bsn"),
        )
    element, valid = (
        (bsn, is_valid_bsn) if bsn is not None else (education_number, is_valid_education_number)
    )
    assert element is not None  # one of the two, as checked above
    value = text(element)
    if not (len(value) == 9 and value.isdigit()):
        raise DossierError.of(
            gettext_noop("Field {field}: the number must consist of 9 digits."),
            field=field_path(element),
        )
    if element is education_number and not value.startswith("10"):
        raise DossierError.of(
            gettext_noop("Field {field}: an education number starts with 10."),
            field=field_path(element),
        )
    if not valid(value):
        raise DossierError.of(
            gettext_noop("Field {field}: the check digit is wrong."), field=field_path(element)
        )


def _check_birth_date(pupil: etree._Element, version: OsoVersion, collection_date: date) -> None:
    element = pupil.find(version.tag("geboortedatum"))
    birth_date = xs_date(element)
    if birth_date is None:
        gba = pupil.find(version.tag("gba"))
        element = gba.find(version.tag("gbageboortedatum")) if gba is not None else None
        birth_date = dutch_date(element)
    if birth_date is not None and birth_date > collection_date:
        assert element is not None  # the date was read from it
        raise DossierError.of(
            gettext_noop(
                "Field {field}: the birth date lies after the collection date of the dossier."
            ),
            field=field_path(element),
        )


def _check_revised_advice(pupil: etree._Element, version: OsoVersion) -> None:
    t = version.tag
    advice_block = pupil.find(t("overstapadvies"))
    if advice_block is None:
        return
    revised = advice_block.find(t("herzienadvies"))
    motivation = advice_block.find(t("motivatie_herzienadvies"))
    if revised is not None and motivation is None:
        raise DossierError.of(
            gettext_noop("Field {field}: a revised advice needs its motivation."),
            field=field_path(advice_block, "motivatie_herzienadvies"),
        )
    if motivation is not None and revised is None:
        raise DossierError.of(
            gettext_noop("Field {field}: there is a motivation but no revised advice."),
            field=field_path(advice_block, "herzienadvies"),
        )


def _check_povo_advice(
    pupil: etree._Element,
    version: OsoVersion,
    school: etree._Element,
    transfer_kind: str,
    is_overstapdossier: bool,
) -> None:
    t = version.tag
    advice_block = pupil.find(t("overstapadvies"))
    has_advice = advice_block is not None and advice_block.find(t("advies")) is not None
    special_school = text(school.find(t("soort"))) == codelists.SPECIAL_SCHOOL_KIND
    if is_overstapdossier and transfer_kind == "POVO" and not special_school and not has_advice:
        raise DossierError.of(
            gettext_noop("Field {field}: a POVO transfer needs a school advice."),
            field=field_path(pupil, "overstapadvies", "advies"),
        )


def _check_final_test(pupil: etree._Element, version: OsoVersion) -> None:
    t = version.tag
    block = pupil.find(t("eindtoets_basisonderwijs"))
    if block is None or not xs_boolean(block.find(t("deelgenomen"))):
        return
    result = block.find(t("eindtoetsresultaat"))
    if result is None:
        raise DossierError.of(
            gettext_noop(
                "Field {field}: the pupil took the final test, but the result is missing."
            ),
            field=field_path(block, "eindtoetsresultaat"),
        )
    if result.find(t("toets_advies")) is None:
        raise DossierError.of(
            gettext_noop(
                "Field {field}: the pupil took the final test, but the test advice is missing."
            ),
            field=field_path(result, "toets_advies"),
        )
