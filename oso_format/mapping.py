"""From a valid dossier tree to ParsedDossier: the values the merge needs.

None in NawValues means "the dossier does not supply this": a secret address, a
secret phone or e-mail (their placeholders never overwrite real data), or a file
that simply has none. Which of them is secret is told apart (``address_secret``,
``phone_secret``, ``email_secret``): the merge remarks on it only when it keeps a
real stored value against a placeholder, and the card says it is secret.

Only the ``bsn`` and ``onderwijsnummer`` elements are read as they are. A BSN that
a primary school's system put in any other element (a name, a street, a file name)
is masked as it is read, so it never reaches a card, a page, an export or a remark.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from lxml import etree

from oso_format import codelists, values
from oso_format.identifiers import normalise_postcode, redact_identifiers
from oso_format.paths import required
from oso_format.types import (
    Attachment,
    FinalTest,
    NawValues,
    ParsedDossier,
    ReferenceLevel,
    SchoolRef,
)
from oso_format.values import dutch_date, xs_boolean, xs_date
from oso_format.versions import OsoVersion

_ADDRESS_FIELDS = ("street", "house_number", "house_number_suffix", "postcode", "town")


def text(element: etree._Element | None) -> str:
    """The element's text with every BSN and education number in it masked."""
    return redact_identifiers(values.text(element))


def to_parsed(root: etree._Element, version: OsoVersion, *, sha256: str) -> ParsedDossier:
    t = version.tag
    metadata = required(root, t("metadata"))
    school = required(root, t("huidigeschool"))
    pupil = required(school, t("leerling"))
    notices: list[str] = []

    first_names = [text(e) for e in pupil.iterfind(t("voornaam"))]
    gba = pupil.find(t("gba"))
    if not first_names and gba is not None:
        first_names = [text(e) for e in gba.iterfind(t("gbavoornaam"))]
    given_name = text(pupil.find(t("roepnaam"))) or (first_names[0] if first_names else "")

    birth_date = xs_date(pupil.find(t("geboortedatum")))
    if birth_date is None and gba is not None:
        birth_date = dutch_date(gba.find(t("gbageboortedatum")))

    address_secret = bool(xs_boolean(pupil.find(t("adresgeheim"))))
    address = _address(pupil, version, address_secret)
    phone, phone_secret = _contact(
        pupil, version, kind="telefoon", placeholder=codelists.SECRET_PHONE
    )
    email, email_secret = _contact(
        pupil, version, kind="e-mail", placeholder=codelists.SECRET_EMAIL
    )

    naw = NawValues(
        given_name=given_name or None,
        prefix=text(pupil.find(t("voorvoegsel"))),
        surname=text(pupil.find(t("achternaam"))),
        phone=phone,
        email=email,
        **address,
    )

    advice = pupil.find(t("overstapadvies"))
    inspection = root.find(t("inzage"))
    agreement = text(inspection.find(t("akkoord"))) if inspection is not None else ""
    final_block = pupil.find(t("eindtoets_basisonderwijs"))

    return ParsedDossier(
        sha256=sha256,
        collection_date=xs_date(required(metadata, t("datum"))),
        transfer_kind=text(metadata.find(t("overstap"))),
        school=SchoolRef(
            brin=text(school.find(t("brincode"))),
            branch=text(school.find(t("vestigingscode"))),
            name=text(school.find(t("naam"))),
        ),
        bsn=values.text(pupil.find(t("bsn"))),
        education_number=values.text(pupil.find(t("onderwijsnummer"))),
        birth_date=birth_date,
        first_names=" ".join(name for name in first_names if name),
        initials=text(pupil.find(t("voorletters-1"))),
        sex=text(pupil.find(t("geslacht"))),  # codelist 14, checked: "0", "1" or "2"
        naw=naw,
        address_secret=address_secret,
        phone_secret=phone_secret,
        email_secret=email_secret,
        advice_code=_child_text(advice, t("advies")),
        parents_wish_code=_child_text(advice, t("wensouders")),
        pupil_wish_code=_child_text(advice, t("wensleerling")),
        revised_advice_code=_child_text(advice, t("herzienadvies")),
        revised_advice_motivation=_child_text(advice, t("motivatie_herzienadvies")),
        inspection_agreed={codelists.AGREEMENT_YES: True, codelists.AGREEMENT_NO: False}.get(
            agreement
        ),
        inspection_disagreement_reason=(
            text(inspection.find(t("redennietakkoord"))) if inspection is not None else ""
        ),
        final_tests=_final_tests(final_block, version),
        attachments=_attachments(root, version),
        notices=tuple(notices),
        transfer_type=text(root.find(t("overdrachtsoort"))),
        final_test_taken=(
            xs_boolean(final_block.find(t("deelgenomen"))) if final_block is not None else None
        ),
        oso_version=version.version,
    )


def _child_text(parent: etree._Element | None, tag: str) -> str:
    return text(parent.find(tag)) if parent is not None else ""


def _address(pupil: etree._Element, version: OsoVersion, secret: bool) -> dict[str, str | None]:
    t = version.tag
    none = dict.fromkeys(_ADDRESS_FIELDS)
    if secret:
        return none
    addresses = list(pupil.iterfind(f"{t('adreslijst')}/{t('adres')}"))
    if not addresses:  # none given, or only the anonymous postcode4adres
        return none
    by_kind: dict[str, etree._Element] = {}
    for address in addresses:
        by_kind.setdefault(text(address.find(t("soortadres"))), address)
    chosen = next(
        (by_kind[kind] for kind in codelists.ADDRESS_KIND_PREFERENCE if kind in by_kind),
        addresses[0],
    )
    return {
        "street": text(chosen.find(t("straat"))),
        "house_number": text(chosen.find(t("nummer"))),
        "house_number_suffix": text(chosen.find(t("toevoeging"))),
        "postcode": normalise_postcode(text(chosen.find(t("postcode")))),
        "town": text(chosen.find(t("plaats"))),
    }


def _contact(
    pupil: etree._Element,
    version: OsoVersion,
    *,
    kind: str,
    placeholder: str,
) -> tuple[str | None, bool]:
    """The first non-secret entry of a kind, and whether the file has only secret ones."""
    t = version.tag
    saw_secret = False
    for entry in pupil.iterfind(f"{t('communicatielijst')}/{t('communicatie')}"):
        if text(entry.find(t("soort"))) != kind:
            continue
        number = text(entry.find(t("nummer")))
        if xs_boolean(entry.find(t("geheim"))) or number.lower() == placeholder:
            saw_secret = True
            continue
        if number:
            return number, False
    return None, saw_secret


def _final_tests(block: etree._Element | None, version: OsoVersion) -> tuple[FinalTest, ...]:
    if block is None:
        return ()
    t = version.tag
    tests = []
    for result in block.iterfind(t("eindtoetsresultaat")):
        levels: list[ReferenceLevel] = []
        for part in result.iterfind(f"{t('onderdelen')}/{t('onderdeel')}"):
            levels.extend(_reference_level(part, version, kind="ond", names="onderdeel"))
            for domain in part.iterfind(f"{t('domeinen')}/{t('domein')}"):
                levels.extend(_reference_level(domain, version, kind="dom", names="domein"))
        score = text(result.find(t("standaardscore")))
        tests.append(
            FinalTest(
                test_type_code=text(result.find(t("toetssoort"))),
                test_name=text(result.find(t("toetsomschrijving"))),
                test_level=text(result.find(t("toetsniveau"))),
                date=xs_date(result.find(t("datum_afname"))),
                # xs:integer in 0..1000 per the XSD, so int() cannot fail here.
                standard_score=int(score) if score else None,
                test_advice=text(result.find(t("toets_advies"))),
                reference_levels=tuple(levels),
            )
        )
    return tuple(tests)


def _reference_level(
    element: etree._Element, version: OsoVersion, *, kind: str, names: str
) -> tuple[ReferenceLevel, ...]:
    """The level a part (``ond_``) or domain (``dom_``) of a final test reached, if it has one."""
    t = version.tag
    level = element.find(t(f"{kind}_referentieniveau"))
    if level is None:
        return ()
    return (
        ReferenceLevel(
            code=text(element.find(t(f"{names}code"))),
            name=text(element.find(t(f"{names}omschrijving"))),
            level=text(level),
        ),
    )


def _attachments(root: etree._Element, version: OsoVersion) -> tuple[Attachment, ...]:
    t = version.tag
    return tuple(
        Attachment(
            filename=text(document.find(t("bestandsnaam"))),
            description=text(document.find(t("omschrijving"))),
            index=index,
        )
        for index, document in enumerate(root.iter(t("document")))
    )


# Where the mapping reads the fields staff rely on, below the root <dossier>. A later
# OSO version may move one; ``moved_fields`` finds it elsewhere and says so.
MAPPED_PATHS: tuple[tuple[str, ...], ...] = (
    ("metadata", "datum"),
    ("metadata", "overstap"),
    ("huidigeschool", "brincode"),
    ("huidigeschool", "leerling", "bsn"),
    ("huidigeschool", "leerling", "onderwijsnummer"),
    ("huidigeschool", "leerling", "geboortedatum"),
    ("huidigeschool", "leerling", "roepnaam"),
    ("huidigeschool", "leerling", "achternaam"),
    ("huidigeschool", "leerling", "voorvoegsel"),
    ("huidigeschool", "leerling", "geslacht"),
    ("huidigeschool", "leerling", "adresgeheim"),
    ("huidigeschool", "leerling", "overstapadvies", "advies"),
    ("huidigeschool", "leerling", "overstapadvies", "wensouders"),
    ("huidigeschool", "leerling", "overstapadvies", "wensleerling"),
    ("huidigeschool", "leerling", "overstapadvies", "herzienadvies"),
    ("huidigeschool", "leerling", "overstapadvies", "motivatie_herzienadvies"),
    ("huidigeschool", "leerling", "eindtoets_basisonderwijs"),
    ("inzage", "akkoord"),
)


# Blocks about other people, whose names and numbers are not the pupil's.
_OTHER_PEOPLE = frozenset({"verzorgers", "verzorger", "contactpersoon", "begeleider"})


def moved_fields(root: etree._Element, version: OsoVersion) -> list[str]:
    """Remarks for mapped fields that this file has, but not where the mapping reads them."""
    remarks: list[str] = []
    for path in MAPPED_PATHS:
        expected = "/".join(version.tag(name) for name in path)
        if root.find(expected) is not None:
            continue
        block = root.find(version.tag(path[0]))
        found = next(
            (
                element
                for element in (block.iter(version.tag(path[-1])) if block is not None else ())
                if not any(
                    etree.QName(parent).localname in _OTHER_PEOPLE
                    for parent in element.iterancestors()
                )
            ),
            None,
        )
        if found is None:
            continue
        remarks.append(
            _(
                "OSO {version}: the field {name} is at {found}, not at {expected} where the "
                "portal reads it; it was not read."
            ).format(
                version=version.version,
                name=path[-1],
                found=_plain_path(found),
                expected="/".join(path),
            )
        )
    return remarks


def _plain_path(element: etree._Element) -> str:
    names: list[str] = []
    node: etree._Element | None = element
    while node is not None and node.getparent() is not None:
        names.append(etree.QName(node).localname)
        node = node.getparent()
    return "/".join(reversed(names))
