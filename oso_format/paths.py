"""How messages name a field: a short element path staff can find in the file.

The path starts below the root ``dossier`` and says ``leerling/...`` for everything
about the pupil (rather than ``huidigeschool/leerling/...``), e.g.
``metadata/datum``, ``huidigeschool/brincode``, ``leerling/bsn``,
``leerling/overstapadvies/advies``.
"""

from __future__ import annotations

from lxml import etree

ROOT_NAME = "dossier"
PUPIL_PARENT = "huidigeschool"
PUPIL = "leerling"


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def required(parent: etree._Element, tag: str) -> etree._Element:
    """A child the XSD requires: the reader only maps and checks XSD-valid trees."""
    child = parent.find(tag)
    if child is None:
        raise ValueError(f"{local_name(parent)} has no {etree.QName(tag).localname}: not XSD-valid")
    return child


def field_path(element: etree._Element, *children: str) -> str:
    """The path of ``element`` (plus optional child names that may be absent)."""
    names: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        names.append(local_name(node))
        node = node.getparent()
    names.reverse()
    return join_path(names + list(children))


def join_path(names: list[str]) -> str:
    if names and names[0] == ROOT_NAME:
        names = names[1:]
    if len(names) >= 2 and names[0] == PUPIL_PARENT and names[1] == PUPIL:
        names = names[1:]
    return "/".join(names) or ROOT_NAME
