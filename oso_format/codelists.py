"""The OSO code sets the reader checks, in one place.

Codes only: the *labels* that staff see are data (students.CodelistEntry) that staff
edit in the admin. The sets follow Edustandaard's 2019.1 validation stylesheets
(ValideerOSOgegevensset_2019.1.xsl and ValideerOverstapprofielen.xsl, docs/DOMAIN.md);
the number is the OSO codelist number.
"""

from __future__ import annotations

# 2. Advies VO: used by overstapadvies/advies, wensouders, wensleerling, herzienadvies.
ADVICE_CODES: frozenset[str] = frozenset(
    {"01", "10"}
    | {f"{n}" for n in range(20, 24)}
    | {f"{n}" for n in range(30, 36)}
    | {f"{n}" for n in range(40, 45)}
    | {"50", "51", "52", "60", "61", "70", "80"}
)

# 14. Geslacht: 0 unknown, 1 female, 2 male.
SEX_CODES: frozenset[str] = frozenset({"0", "1", "2"})

# 16. Soort overstap/dossier (metadata/overstap).
TRANSFER_KIND_CODES: frozenset[str] = frozenset(
    {
        "VSPO", "VSWEC", "POPO", "POWEC", "POVO", "VOVO", "VOMBO", "VOHBO", "VOWO",
        "WECWEC", "WECVO", "WECMBO", "POSWV", "VOSWV", "WECHBO", "WECWO", "OVERIG",
    }
)  # fmt: skip
# Profile rule: an overstapdossier is one of these three.
OVERSTAPDOSSIER_TRANSFER_KINDS: frozenset[str] = frozenset({"POPO", "POVO", "VOVO"})

# 29. Overdrachtsoort (dossier/overdrachtsoort).
TRANSFER_TYPE_OVERSTAPDOSSIER = "overstapdossier"
TRANSFER_TYPE_CODES: frozenset[str] = frozenset(
    {TRANSFER_TYPE_OVERSTAPDOSSIER, "overdrachtbinnenbrin", "swv-dossier"}
)

# 37. Akkoord (inzage/akkoord): Ja / Nee / Onbekend.
AGREEMENT_YES = "Ja"
AGREEMENT_NO = "Nee"
AGREEMENT_CODES: frozenset[str] = frozenset({AGREEMENT_YES, AGREEMENT_NO, "Onbekend"})

# 42. Soort eindtoets: 0011 Centrale Eindtoets, 0012 Route 8, 0013 IEP; 0014, 0016 allowed.
TEST_TYPE_CODES: frozenset[str] = frozenset({"0011", "0012", "0013", "0014", "0016"})

# 45. Eindtoets referentieniveaus: 01 below 1F, 02 1F, 03 1S, 04 2F.
REFERENCE_LEVEL_CODES: frozenset[str] = frozenset({"01", "02", "03", "04"})

# Profile rule: a POVO transfer needs an advice, except from special schools (SO).
SPECIAL_SCHOOL_KIND = "SO"

# Placeholders that stand for secret contact data (profile rule in the XSLT).
SECRET_PHONE = "9999999999"  # noqa: S105 - a published placeholder, not a secret
SECRET_EMAIL = "geheim@geheim.geheim"  # noqa: S105

# Address kinds (codelist 19) in the order the reader prefers for the pupil's address.
ADDRESS_KIND_PREFERENCE: tuple[str, ...] = ("gba", "bezoek")
