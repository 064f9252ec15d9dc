"""Make later (or broken) versions of an official OSO example with lxml, for tests.

Every edit keeps the file valid against the XSD unless the test asks otherwise,
so a test can say "the May file adds a revised advice" in one call.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

NS = "http://www.edustandaard.nl/oso_gegevensset/2019/dossier"
_KEEP = object()


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _pupil(root):
    return root.find(f"{q('huidigeschool')}/{q('leerling')}")


def dossier_edit(
    source: Path | bytes,
    *,
    collection_date: dt.date | None = None,
    bsn: str | None = None,
    birth_date: dt.date | None = None,
    surname: str | None = None,
    street: str | None = None,
    advice: str | None = None,
    revised_advice: str | None = None,
    motivation: str | None = None,
    final_test: bool | None = None,
    standard_score: int | None = None,
    address_secret: bool | None = None,
    secret_phone_and_email: bool = False,
) -> bytes:
    """The file with the given changes; None leaves a part as it is.

    ``final_test=False`` removes the final-test block (an early file),
    ``final_test=True`` requires the example to have one (the "full" examples).
    """
    raw = source.read_bytes() if isinstance(source, Path) else source
    root = etree.fromstring(raw, etree.XMLParser(remove_blank_text=False))
    pupil = _pupil(root)
    if collection_date is not None:
        root.find(f"{q('metadata')}/{q('datum')}").text = collection_date.isoformat()
    if bsn is not None:
        pupil.find(q("bsn")).text = bsn
    if birth_date is not None:
        pupil.find(q("geboortedatum")).text = birth_date.isoformat()
        gba_date = pupil.find(f"{q('gba')}/{q('gbageboortedatum')}")
        if gba_date is not None:
            gba_date.text = birth_date.strftime("%d-%m-%Y")
    if surname is not None:
        pupil.find(q("achternaam")).text = surname
    if street is not None:
        for element in pupil.iterfind(f"{q('adreslijst')}/{q('adres')}/{q('straat')}"):
            element.text = street
    advice_block = pupil.find(q("overstapadvies"))
    if advice is not None:
        advice_block.find(q("advies")).text = advice
    if revised_advice is not None:
        _set_after(advice_block, "herzienadvies", revised_advice, after="wensleerling")
    if motivation is not None:
        _set_after(advice_block, "motivatie_herzienadvies", motivation, after="herzienadvies")
    block = pupil.find(q("eindtoets_basisonderwijs"))
    if final_test is False and block is not None:
        pupil.remove(block)
    elif final_test is True and block is None:
        raise ValueError("this example has no final test to keep; use a 'full' example")
    if standard_score is not None:
        pupil.find(
            f"{q('eindtoets_basisonderwijs')}/{q('eindtoetsresultaat')}/{q('standaardscore')}"
        ).text = str(standard_score)
    if address_secret is not None:
        pupil.find(q("adresgeheim")).text = "true" if address_secret else "false"
    if secret_phone_and_email:
        for entry in pupil.iterfind(f"{q('communicatielijst')}/{q('communicatie')}"):
            kind = entry.find(q("soort")).text
            entry.find(q("nummer")).text = (
                "9999999999" if kind == "telefoon" else "geheim@geheim.geheim"
            )
            secret = entry.find(q("geheim"))
            if secret is not None:
                secret.text = "true"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _set_after(parent, tag: str, value: str, *, after: str) -> None:
    element = parent.find(q(tag))
    if element is None:
        element = etree.Element(q(tag))
        anchor = parent.find(q(after))
        if anchor is not None:
            anchor.addnext(element)
        else:
            parent.insert(0, element)
    element.text = value
