"""Parse a dossier from a stranger without trusting it.

Files arrive from primary schools' systems and, through the endpoint, from the
network. Before libxml2 sees a byte we check the size, emptiness, encoding family
and the absence of a DOCTYPE (the only place where DTDs and entities can be
declared: billion laughs, external entities). The parser itself is configured not
to resolve entities, load DTDs or touch the network either, so a DOCTYPE that
slipped past the byte check would still be harmless; the parsed tree is checked
for one again.

``huge_tree`` is on: without it libxml2 refuses any text node over 10 MB, and a
dossier may carry one attachment (base64 in one element) as large as the file
limit allows. What huge_tree guards against is already bounded here: the size of
the whole file is checked first, and there are no entities to expand.

Encodings: OSO prescribes UTF-8, but a primary school's system may write ISO-8859-1
and say so in the XML declaration; libxml2 reads any such ASCII-compatible encoding.
UTF-16 and UTF-32 are refused (on the bytes: a DOCTYPE could hide in them), and the
message says exactly that.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_noop
from lxml import etree

from oso_format.parsers import thread_parser
from oso_format.types import DossierError

_DOCTYPE = b"<!DOCTYPE"
# Byte-order marks of encodings in which "<!DOCTYPE" is not plain ASCII bytes.
_NON_ASCII_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
# The encoding named in the XML declaration, if any (the declaration is ASCII).
_DECLARED_ENCODING = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*<\?xml\s[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']"
)
_WIDE_ENCODINGS = ("utf-16", "utf16", "utf-32", "utf32", "ucs-2", "ucs2", "ucs-4", "ucs4")
_UNKNOWN_ENCODING_ERRORS = frozenset(
    {etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING, etree.ErrorTypes.ERR_UNKNOWN_ENCODING}
)
_ENCODING_ERRORS = frozenset(
    {etree.ErrorTypes.ERR_INVALID_ENCODING, etree.ErrorTypes.ERR_INVALID_CHAR}
)


def _parser() -> etree.XMLParser:
    """This thread's hardened dossier parser (lxml parsers must not be shared across threads)."""
    return thread_parser(huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False)


def check_raw(raw: bytes) -> None:
    """The byte-level checks, cheap, done before any parsing."""
    if not isinstance(raw, bytes):
        raise TypeError(f"a dossier is read from bytes, not {type(raw).__name__}")
    limit = settings.OSO_DOSSIER_MAX_BYTES
    if len(raw) > limit:
        raise DossierError.of(
            gettext_noop("The dossier is too large ({size}); the limit is {limit}."),
            size=_size(len(raw)),
            limit=_size(limit),
        )
    if not raw or raw.isspace():
        raise DossierError.of(gettext_noop("The dossier is empty."))
    declared = _DECLARED_ENCODING.match(raw[:1024])
    if (
        raw.startswith(_NON_ASCII_BOMS)
        or b"\x00" in raw[:4]
        or (declared and declared.group(1).decode("ascii", "replace").lower().startswith(
            _WIDE_ENCODINGS
        ))
    ):  # fmt: skip
        raise _wide_encoding_error()
    # XML is case-sensitive: a DOCTYPE is spelled exactly so. Any occurrence is refused,
    # even inside a comment or CDATA section, which no real dossier needs.
    if _DOCTYPE in raw:
        raise_doctype()


def _unknown_encoding_error() -> DossierError:
    return DossierError.of(
        gettext_noop(
            "The dossier is not valid XML: the encoding its XML declaration names is unknown."
        )
    )


def _wide_encoding_error() -> DossierError:
    return DossierError.of(
        gettext_noop(
            "The dossier is not valid XML: UTF-16 and UTF-32 files are not accepted; save it as "
            "UTF-8 (or ISO-8859-1)."
        )
    )


def _size(count: int) -> str:
    # filesizeformat glues number and unit with a no-break space, meant for HTML.
    return filesizeformat(count).replace("\xa0", " ")


def raise_doctype() -> None:
    raise DossierError.of(
        gettext_noop(
            "The dossier contains a DOCTYPE declaration, which is not allowed "
            "(no DTDs or entities)."
        )
    )


def parse_tree(raw: bytes) -> etree._Element:
    """Parse bytes with this thread's hardened parser; raise DossierError if not XML.

    The one lxml parse of a received file. The byte checks (``check_raw``) and the
    DOCTYPE check of the tree (``check_tree``) are separate, so that a caller that only
    needs to know the XML is well-formed (the endpoint client) parses once and hands
    the tree on to the reader, which checks the rest on the same bytes.
    """
    try:
        return etree.fromstring(raw, _parser())  # hardened parser, see above
    except etree.XMLSyntaxError as exc:
        # libxml2's own reason is English (and may quote the file): the line is what helps.
        if getattr(exc, "code", None) in _UNKNOWN_ENCODING_ERRORS:
            raise _unknown_encoding_error() from None
        if getattr(exc, "code", None) in _ENCODING_ERRORS:
            template = gettext_noop(
                "The dossier is not valid XML (line {line}, column {column}): the file holds "
                "characters that are not UTF-8."
            )
        else:
            template = gettext_noop("The dossier is not valid XML (line {line}, column {column}).")
        raise DossierError.of(template, line=exc.lineno or 1, column=_column(exc)) from None
    except (ValueError, etree.LxmlError):  # e.g. an encoding libxml2 does not know
        raise _unknown_encoding_error() from None


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
    """All the safety checks, then the parsed root element.

    ``parsed``: the tree ``parse_tree`` already made of these very bytes; the byte
    checks still run on ``raw``, and the bytes are not parsed a second time.
    """
    check_raw(raw)
    if parsed is None:
        return parse_xml(raw)
    check_tree(parsed)
    return parsed


def _column(exc: etree.XMLSyntaxError) -> int:
    position = getattr(exc, "position", None)
    return position[1] if position and position[1] else 1
