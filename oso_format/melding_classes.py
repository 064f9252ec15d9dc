"""The portal's class for each official melding: *fout* (the file is Mislukt) or *waarschuwing*.

The 2018.1 and 2019.1 stylesheets call every melding *Fout*; which ones refuse a
pupil's file is the portal's decision (README, "Official OSO rules"):

- *fout*: what the merge reads and matches on. A melding whose location is one of
  the elements in ``REFUSING_ELEMENTS`` (a code outside its codelist there), or whose
  official text is one of ``REFUSING_TEXTS`` (profile rules about the pupil's
  identifier, the transfer kind, the school advice and the final test result; the
  last two sit in templates the 2018.1 and 2019.1 stylesheets never reach, and are
  listed for a version that does reach them);
- *waarschuwing*: everything else, among them every rule about the sending school's
  own address and contact details, the *categorie uitlevering* block, parents, the
  school career and support data. The file is read; each becomes a remark quoting
  the official text.

A version installed later may word its rules differently: its codelist meldingen
still refuse by location, and a profile rule whose text is new here is a warning
(the XSD and the portal's own identifier and date checks still refuse).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from oso_format.official_rules import FOUT, WAARSCHUWING, Melding, stylesheet_check

# Leaf elements of a melding's location whose codes the merge stores or acts on.
REFUSING_ELEMENTS: frozenset[str] = frozenset(
    {
        "overdrachtsoort",  # codelist 29
        "overstap",  # codelist 16 (metadata/overstap)
        "geslacht",  # codelist 14
        "akkoord",  # codelist 37 (inzage/akkoord)
        "advies",  # codelist 2
        "wensouders",
        "wensleerling",
        "herzienadvies",
        "toetssoort",  # codelist 42
        "ond_referentieniveau",  # codelist 45
        "dom_referentieniveau",
    }
)

REFUSING_TEXTS: frozenset[str] = frozenset(
    {
        "Een overstapdossier moet de aanduiding voor soort overstap bevatten.",
        'Het veld \'Soort overstap\' heeft waarde "POPO", "POVO" of "VOVO" binnen een '
        "overstapdossier.",
        "BSN of onderwijsnummer is verplicht bij een leerling in een overstapdossier.",
        "Advies VO is verplicht bij een POVO-overstap, SO-scholen uitgezonderd.",
        "Indien leerling heeft deelgenomen aan de eindtoets basisonderwijs moet het blok "
        "'eindtoets' aanwezig zijn.",
        "Indien leerling heeft deelgenomen aan de eindtoets basisonderwijs moet het veld "
        "'Toetsadvies' aanwezig zijn.",
    }
)

_INDEX = re.compile(r"\[\d+\]")


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


_REFUSING_NORMAL = frozenset(_normal(text) for text in REFUSING_TEXTS)


def location_leaf(location: str) -> str:
    """The last element name of a stylesheet path: '/dossier[1]/x[2]/advies[1]' -> 'advies'."""
    return _INDEX.sub("", location).rstrip("/").rsplit("/", 1)[-1]


def melding_class(*, location: str, text: str) -> str:
    """FOUT or WAARSCHUWING for one official melding."""
    if location_leaf(location) in REFUSING_ELEMENTS or _normal(text) in _REFUSING_NORMAL:
        return FOUT
    return WAARSCHUWING


def dossier_meldingen(*, root: etree._Element, stylesheet: Path) -> tuple[Melding, ...]:
    """The official stylesheet's meldingen for a parsed dossier, each with the portal's class."""
    return tuple(
        Melding(location=location, text=text, severity=melding_class(location=location, text=text))
        for _type, location, text in stylesheet_check(root=root, stylesheet=stylesheet)
    )
