"""The one place where a hardened lxml parser is built.

Every XML the portal reads comes from a stranger (a primary school's system, the
endpoint), from a version package staff upload, from the official stylesheet's
output, or from our own folder; all of it goes through a parser made here. The
hardening never varies: no entity expansion, no DTD loading or validation, no
network. Only what the caller keeps of the tree varies, and ``huge_tree``: a
dossier or a results envelope may carry one attachment as a single base64 text
node larger than libxml2's default cap of 10 MB. That lifts no guard against
entity bombs (entities are never expanded); the callers check the size of what
they parse first.

lxml parsers are not safe to share between threads, so ``thread_parser`` keeps
one per thread and option set, and ``hardened_parser`` gives a fresh one.
"""

from __future__ import annotations

import threading
from typing import NamedTuple, TypedDict, Unpack

from lxml import etree

_local = threading.local()


class ParserOptions(NamedTuple):
    huge_tree: bool = False
    remove_comments: bool = False
    remove_pis: bool = False
    remove_blank_text: bool = False
    collect_ids: bool = True


class ParserChoices(TypedDict, total=False):
    """What a caller may choose (``ParserOptions`` gives the defaults)."""

    huge_tree: bool
    remove_comments: bool
    remove_pis: bool
    remove_blank_text: bool
    collect_ids: bool


def hardened_parser(**choices: Unpack[ParserChoices]) -> etree.XMLParser:
    """A new parser with the fixed hardening and the caller's choice of what to keep."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        **ParserOptions(**choices)._asdict(),
    )


def thread_parser(**choices: Unpack[ParserChoices]) -> etree.XMLParser:
    """This thread's parser for these options, built once (for ``etree.fromstring``)."""
    key = ParserOptions(**choices)
    parsers: dict[ParserOptions, etree.XMLParser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = {}
        _local.parsers = parsers
    parser = parsers.get(key)
    if parser is None:
        parser = hardened_parser(**key._asdict())
        parsers[key] = parser
    return parser
