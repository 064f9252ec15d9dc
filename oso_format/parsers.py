"""The one place where a hardened lxml parser is built.

Every XML the portal reads comes from a stranger (a primary school's system, the
endpoint) or, for the XSD, from our own folder; all of it goes through a parser
made here. The hardening never varies: no entity expansion, no DTD loading or
validation, no network, and libxml2's own caps on text nodes and depth kept
(``huge_tree=False``). Only what the caller wants kept of the tree varies.

lxml parsers are not safe to share between threads, so ``thread_parser`` keeps
one per thread and option set, and ``hardened_parser`` gives a fresh one (needed
for the incremental ``feed()`` interface, whose state lives in the parser).
"""

from __future__ import annotations

import threading

from lxml import etree

_local = threading.local()


def hardened_parser(
    *,
    remove_comments: bool = False,
    remove_pis: bool = False,
    remove_blank_text: bool = False,
    collect_ids: bool = True,
) -> etree.XMLParser:
    """A new parser with the fixed hardening and the caller's choice of what to drop."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=remove_pis,
        remove_blank_text=remove_blank_text,
        collect_ids=collect_ids,
    )


def thread_parser(
    *,
    remove_comments: bool = False,
    remove_pis: bool = False,
    remove_blank_text: bool = False,
    collect_ids: bool = True,
) -> etree.XMLParser:
    """This thread's parser for these options, built once (for ``etree.fromstring``)."""
    key = (remove_comments, remove_pis, remove_blank_text, collect_ids)
    parsers: dict[tuple[bool, ...], etree.XMLParser] | None = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(key)
    if parser is None:
        parser = parsers[key] = hardened_parser(
            remove_comments=remove_comments,
            remove_pis=remove_pis,
            remove_blank_text=remove_blank_text,
            collect_ids=collect_ids,
        )
    return parser
