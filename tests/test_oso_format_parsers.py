"""One factory builds every hardened lxml parser the portal uses."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from lxml import etree

from oso_format.parsers import hardened_parser, thread_parser

ROOT = Path(__file__).resolve().parent.parent
PORTAL_PACKAGES = ("oso_portal", "oso_format", "common", "students", "requests", "audit")

LOCAL_ENTITY = b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>'


def test_no_portal_code_builds_a_parser_of_its_own():
    builders = re.compile(r"etree\.XMLParser\(|etree\.HTMLParser\(|XMLPullParser\(")
    found = [
        f"{path.relative_to(ROOT)}"
        for package in PORTAL_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name != "parsers.py" and builders.search(path.read_text("utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    "parser",
    [
        hardened_parser(),
        hardened_parser(remove_blank_text=True),
        thread_parser(remove_comments=True),
    ],
)
def test_every_parser_leaves_entities_unexpanded(parser):
    root = etree.fromstring(LOCAL_ENTITY, parser)
    assert "boom" not in etree.tostring(root, encoding="unicode")


def test_each_thread_gets_its_own_parser_once():
    mine = thread_parser(remove_comments=True)
    assert thread_parser(remove_comments=True) is mine
    assert thread_parser() is not mine
    other: list[etree.XMLParser] = []
    worker = threading.Thread(target=lambda: other.append(thread_parser(remove_comments=True)))
    worker.start()
    worker.join()
    assert other[0] is not mine
