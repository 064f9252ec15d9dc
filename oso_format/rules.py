"""Business rules checked after the XSD, re-implemented from the OSO validation XSLT.

The XSD leaves codes as free strings; Edustandaard's XSLT 2.0 validation stylesheets
(docs/DOMAIN.md) check them against the codelists and add profile rules.
lxml cannot run XSLT 2.0, so the rules that matter for this product live here:

- codelists 2 (advice: advies, wensouders, wensleerling, herzienadvies), 14 (sex),
  16 (transfer kind), 29 (transfer type), 37 (inspection agreement), 42 (test type),
  45 (reference level);
- an overstapdossier is POPO, POVO or VOVO (profile);
- a POVO overstapdossier has an advice, unless it comes from a special school (SO);
- a revised advice has its motivation, and a motivation belongs to a revised advice
  (XSD documentation);
- a pupil who took the final test has a result with a test advice;
- a pupil has a BSN or education number with valid check digits (the XSLT asks this
  of an overstapdossier; the portal matches on it, so it is asked of every file);
- sanity: the collection date is not more than a day ahead, the birth date not after it.

Not enforced (they do not affect what the portal reads): codelist 43 (toetsniveau),
44, 46/47 (onderdeel/domein codes), the version fields, and the rules about parents,
school career and support data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from lxml import etree

from oso_format import codelists
from oso_format.identifiers import is_valid_bsn, is_valid_education_number
from oso_format.paths import field_path
from oso_format.types import DossierError
from oso_format.values import dutch_date, text, xs_boolean, xs_date
from oso_format.versions import OsoVersion

# Collection dates may run ahead of our clock by time zones and clock skew, not more.
FUTURE_TOLERANCE = timedelta(days=1)


def check_rules(root: etree._Element, version: OsoVersion, *, today: date) -> None:
    """Raise DossierError for the first broken rule; the tree is XSD-valid."""
    t = version.tag
    metadata = root.find(t("metadata"))
    school = root.find(t("huidigeschool"))
    pupil = school.find(t("leerling"))

    transfer_type_element = root.find(t("overdrachtsoort"))
    transfer_type = text(transfer_type_element)
    _check_code(
        transfer_type_element,
        codelists.TRANSFER_TYPE_CODES,
        29,
        pgettext("oso dossier", "transfer type"),
    )
    is_overstapdossier = transfer_type == codelists.TRANSFER_TYPE_OVERSTAPDOSSIER

    kind_element = metadata.find(t("overstap"))
    transfer_kind = text(kind_element)
    _check_code(
        kind_element, codelists.TRANSFER_KIND_CODES, 16, pgettext("oso dossier", "transfer kind")
    )
    if is_overstapdossier and transfer_kind not in codelists.OVERSTAPDOSSIER_TRANSFER_KINDS:
        raise DossierError(
            _("Field {field}: an overstapdossier must be a POPO, POVO or VOVO transfer.").format(
                field=field_path(metadata, "overstap")
            )
        )

    collection_date = xs_date(metadata.find(t("datum")))
    if collection_date > today + FUTURE_TOLERANCE:
        raise DossierError(
            _("Field {field}: the collection date {date} lies in the future.").format(
                field=field_path(metadata, "datum"), date=collection_date.isoformat()
            )
        )

    inspection = root.find(t("inzage"))
    if inspection is not None:
        _check_code(
            inspection.find(t("akkoord")),
            codelists.AGREEMENT_CODES,
            37,
            pgettext("oso dossier", "agreement"),
        )

    _check_code(pupil.find(t("geslacht")), codelists.SEX_CODES, 14, pgettext("oso dossier", "sex"))
    _check_identifier(pupil, version)
    _check_birth_date(pupil, version, collection_date)
    _check_advice(pupil, version, school, transfer_kind, is_overstapdossier)
    _check_final_test(pupil, version)


def _check_code(
    element: etree._Element | None, codes: frozenset[str], number: int, name: str
) -> None:
    if element is None:
        return
    code = text(element)
    if code not in codes:
        raise DossierError(
            _("Field {field}: code '{code}' is not in codelist {number} ({name}).").format(
                field=field_path(element), code=code[:40], number=number, name=name
            )
        )


def _check_codes(
    elements: Iterable[etree._Element | None], codes: frozenset[str], number: int, name: str
) -> None:
    for element in elements:
        _check_code(element, codes, number, name)


def _check_identifier(pupil: etree._Element, version: OsoVersion) -> None:
    bsn = pupil.find(version.tag("bsn"))
    education_number = pupil.find(version.tag("onderwijsnummer"))
    if bsn is None and education_number is None:
        raise DossierError(
            _("Field {field}: the dossier has neither a BSN nor an education number.").format(
                field=field_path(pupil, "bsn")
            )
        )
    element, valid = (
        (bsn, is_valid_bsn) if bsn is not None else (education_number, is_valid_education_number)
    )
    value = text(element)
    if not (len(value) == 9 and value.isdigit()):
        raise DossierError(
            _("Field {field}: the number must consist of 9 digits.").format(
                field=field_path(element)
            )
        )
    if element is education_number and not value.startswith("10"):
        raise DossierError(
            _("Field {field}: an education number starts with 10.").format(
                field=field_path(element)
            )
        )
    if not valid(value):
        raise DossierError(
            _("Field {field}: the check digit is wrong.").format(field=field_path(element))
        )


def _check_birth_date(pupil: etree._Element, version: OsoVersion, collection_date: date) -> None:
    element = pupil.find(version.tag("geboortedatum"))
    birth_date = xs_date(element)
    if birth_date is None:
        gba = pupil.find(version.tag("gba"))
        element = gba.find(version.tag("gbageboortedatum")) if gba is not None else None
        birth_date = dutch_date(element)
    if birth_date is not None and birth_date > collection_date:
        raise DossierError(
            _(
                "Field {field}: the birth date lies after the collection date of the dossier."
            ).format(field=field_path(element))
        )


def _check_advice(
    pupil: etree._Element,
    version: OsoVersion,
    school: etree._Element,
    transfer_kind: str,
    is_overstapdossier: bool,
) -> None:
    t = version.tag
    advice_block = pupil.find(t("overstapadvies"))
    if advice_block is not None:
        _check_codes(
            (
                advice_block.find(t(name))
                for name in ("advies", "wensouders", "wensleerling", "herzienadvies")
            ),
            codelists.ADVICE_CODES,
            2,
            pgettext("oso dossier", "school advice"),
        )
        revised = advice_block.find(t("herzienadvies"))
        motivation = advice_block.find(t("motivatie_herzienadvies"))
        if revised is not None and motivation is None:
            raise DossierError(
                _("Field {field}: a revised advice needs its motivation.").format(
                    field=field_path(advice_block, "motivatie_herzienadvies")
                )
            )
        if motivation is not None and revised is None:
            raise DossierError(
                _("Field {field}: there is a motivation but no revised advice.").format(
                    field=field_path(advice_block, "herzienadvies")
                )
            )
    has_advice = advice_block is not None and advice_block.find(t("advies")) is not None
    special_school = text(school.find(t("soort"))) == codelists.SPECIAL_SCHOOL_KIND
    if is_overstapdossier and transfer_kind == "POVO" and not special_school and not has_advice:
        raise DossierError(
            _("Field {field}: a POVO transfer needs a school advice.").format(
                field=field_path(pupil, "overstapadvies", "advies")
            )
        )


def _check_final_test(pupil: etree._Element, version: OsoVersion) -> None:
    t = version.tag
    block = pupil.find(t("eindtoets_basisonderwijs"))
    if block is None:
        return
    result = block.find(t("eindtoetsresultaat"))
    if result is not None:
        _check_code(
            result.find(t("toetssoort")),
            codelists.TEST_TYPE_CODES,
            42,
            pgettext("oso dossier", "test type"),
        )
        levels = [
            *result.iterfind(f"{t('onderdelen')}/{t('onderdeel')}/{t('ond_referentieniveau')}"),
            *result.iterfind(
                f"{t('onderdelen')}/{t('onderdeel')}/{t('domeinen')}/{t('domein')}"
                f"/{t('dom_referentieniveau')}"
            ),
        ]
        _check_codes(
            levels, codelists.REFERENCE_LEVEL_CODES, 45, pgettext("oso dossier", "reference level")
        )
    if xs_boolean(block.find(t("deelgenomen"))):
        if result is None:
            raise DossierError(
                _(
                    "Field {field}: the pupil took the final test, but the result is missing."
                ).format(field=field_path(block, "eindtoetsresultaat"))
            )
        if result.find(t("toets_advies")) is None:
            raise DossierError(
                _(
                    "Field {field}: the pupil took the final test, but the test advice is missing."
                ).format(field=field_path(result, "toets_advies"))
            )
