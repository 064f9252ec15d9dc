"""Parse a dossier from a stranger without trusting it.

Files arrive from primary schools' systems and, through the endpoint, from the
network. Before libxml2 sees a byte we check the size, emptiness, encoding family
and the absence of a DOCTYPE (the only place where DTDs and entities can be
declared: billion laughs, external entities). The parser itself is configured not
to resolve entities, load DTDs or touch the network either, so a DOCTYPE that
slipped past the byte check would still be harmless; the parsed tree is checked
for one again.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

from oso_format.parsers import thread_parser
from oso_format.types import DossierError

_DOCTYPE = b"<!DOCTYPE"
# Byte-order marks of encodings in which "<!DOCTYPE" is not plain ASCII bytes.
_NON_ASCII_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_HUGE_TEXT = "Text node too long"
_POSITION_SUFFIX = re.compile(r",\s*line \d+, column \d+$")


def _parser() -> etree.XMLParser:
    """This thread's hardened parser; comments and processing instructions are dropped."""
    return thread_parser(remove_comments=True, remove_pis=True, collect_ids=False)


def check_raw(raw: bytes) -> None:
    """The byte-level checks, cheap, done before any parsing."""
    if not isinstance(raw, bytes):
        raise TypeError(f"a dossier is read from bytes, not {type(raw).__name__}")
    limit = settings.OSO_DOSSIER_MAX_BYTES
    if len(raw) > limit:
        raise DossierError(
            _("The dossier is too large ({size}); the limit is {limit}.").format(
                size=_size(len(raw)), limit=_size(limit)
            )
        )
    if not raw or raw.isspace():
        raise DossierError(_("The dossier is empty."))
    if raw.startswith(_NON_ASCII_BOMS) or b"\x00" in raw[:4]:
        raise DossierError(
            _("The dossier is not valid XML: only UTF-8 encoded files are accepted.")
        )
    # XML is case-sensitive: a DOCTYPE is spelled exactly so. Any occurrence is refused,
    # even inside a comment or CDATA section, which no real dossier needs.
    if _DOCTYPE in raw:
        raise_doctype()


def _size(count: int) -> str:
    # filesizeformat glues number and unit with a no-break space, meant for HTML.
    return filesizeformat(count).replace("\xa0", " ")


def raise_doctype() -> None:
    raise DossierError(
        _("The dossier contains a DOCTYPE declaration, which is not allowed (no DTDs or entities).")
    )


def parse_tree(raw: bytes) -> etree._Element:
    """Parse bytes with this thread's hardened parser; raise DossierError if not XML.

    The one lxml parse of a received file. The byte checks (``check_raw``) and the
    DOCTYPE check of the tree (``check_tree``) are separate so that a caller that
    only needs well-formed XML (the endpoint client) can parse once and hand the
    tree on to the reader, which checks the rest.
    """
    try:
        return etree.fromstring(raw, _parser())  # hardened parser, see above
    except etree.XMLSyntaxError as exc:
        if _HUGE_TEXT in (exc.msg or ""):
            # huge_tree=False caps one text node at 10 MB: a base64 attachment of ~7.5 MB.
            raise DossierError(
                _(
                    "The dossier has a text field that is too large (line {line}), "
                    "such as an attachment over 7 MB."
                ).format(line=exc.lineno or 1)
            ) from None
        raise DossierError(
            _("The dossier is not valid XML (line {line}): {detail}.").format(
                line=exc.lineno or 1, detail=_syntax_detail(exc)
            )
        ) from None
    except (ValueError, etree.LxmlError) as exc:  # e.g. an unsupported encoding
        raise DossierError(
            _("The dossier is not valid XML: {detail}.").format(detail=str(exc).rstrip("."))
        ) from None


def check_tree(root: etree._Element) -> None:
    """The parsed document declares no DOCTYPE or DTD (the byte check's second line)."""
    docinfo = root.getroottree().docinfo
    doctype: str = getattr(docinfo, "doctype", "")  # DocInfo.doctype is missing from lxml-stubs
    if doctype or docinfo.internalDTD is not None or docinfo.system_url:
        raise_doctype()


def parse_xml(raw: bytes) -> etree._Element:
    """Parse bytes that passed ``check_raw``; return the root element."""
    root = parse_tree(raw)
    check_tree(root)
    return root


def read_root(raw: bytes, *, parsed: etree._Element | None = None) -> etree._Element:
    """All the safety checks, then the root element.

    ``parsed``: the tree ``parse_tree`` already made of these very bytes, so that
    they are not parsed a second time.
    """
    check_raw(raw)
    if parsed is None:
        return parse_xml(raw)
    check_tree(parsed)
    return parsed


def _syntax_detail(exc: etree.XMLSyntaxError) -> str:
    """libxml2's own (English) reason without its position suffix, kept short."""
    message = (exc.msg or str(exc)).strip()
    message = _POSITION_SUFFIX.sub("", message)
    return message[:200].rstrip(". ")
