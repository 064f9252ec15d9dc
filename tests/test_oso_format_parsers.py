"""One factory builds every hardened lxml parser the portal uses."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from lxml import etree

from oso_format.parsers import hardened_parser, thread_parser

ROOT = Path(__file__).resolve().parent.parent
# The mock endpoint is not the portal: it imports nothing of it and has its own parser.
PORTAL_PACKAGES = (
    "oso_portal",
    "oso_format",
    "common",
    "portal_text",
    "students",
    "requests",
    "audit",
)

LOCAL_ENTITY = b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'
EXTERNAL_ENTITY = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]><x>&e;</x>'


def test_no_portal_code_builds_a_parser_of_its_own():
    builders = re.compile(r"XMLParser\(|HTMLParser\(|XMLPullParser\(|iterparse\(")
    found = [
        str(path.relative_to(ROOT))
        for package in PORTAL_PACKAGES
        if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
        # A migration is frozen history and imports no current code; it builds its own.
        if "migrations" not in path.parts
        and path != ROOT / "oso_format" / "parsers.py"
        and builders.search(path.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "parser",
    [
        hardened_parser(),
        hardened_parser(remove_blank_text=True),
        hardened_parser(huge_tree=True),
        thread_parser(remove_comments=True, remove_pis=True, collect_ids=False),
    ],
)
@pytest.mark.parametrize("document", [LOCAL_ENTITY, EXTERNAL_ENTITY])
def test_every_parser_leaves_entities_unexpanded(parser, document):
    root = etree.fromstring(document, parser)
    shown = etree.tostring(root, encoding="unicode")
    assert "boom" not in shown
    assert root.text is None


def test_each_thread_gets_its_own_parser_once():
    mine = thread_parser(remove_comments=True)
    assert thread_parser(remove_comments=True) is mine
    assert thread_parser() is not mine
    other: list[etree.XMLParser] = []
    worker = threading.Thread(target=lambda: other.append(thread_parser(remove_comments=True)))
    worker.start()
    worker.join()
    assert other[0] is not mine
