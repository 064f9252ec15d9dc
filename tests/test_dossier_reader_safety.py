"""The dossier reader against hostile and broken files: nothing expanded, fetched or crashed."""

from __future__ import annotations

import http.server
import re
import threading
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation
from lxml import etree

from oso_format import safe_xml
from oso_format.reader import dossier_attachment, dossier_read
from oso_format.types import DossierError
from tests.test_dossier_reader import NS, example

DATA = Path(__file__).resolve().parent / "data" / "dossiers"
DOCTYPE_MESSAGE = (
    "Het dossier bevat een DOCTYPE-declaratie; die is niet toegestaan (geen DTD's of entiteiten)."
)


def read_error(raw: bytes) -> str:
    with translation.override("nl"), pytest.raises(DossierError) as caught:
        dossier_read(raw=raw)
    return caught.value.message


@pytest.fixture
def trap_server():
    """A local HTTP server that records every request made to it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'<!ENTITY secret "leaked">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def test_external_file_entity_is_refused_and_never_read():
    raw = (DATA / "external_entity_file.xml").read_bytes()

    message = read_error(raw)

    assert message == DOCTYPE_MESSAGE
    assert "root:" not in message


def test_billion_laughs_is_refused_without_expansion():
    message = read_error((DATA / "billion_laughs.xml").read_bytes())

    assert message == DOCTYPE_MESSAGE


def test_external_dtd_and_entities_over_the_network_are_never_fetched(trap_server):
    url, hits = trap_server
    official = example("POVO_opt_out").split(b"\n", 1)[1]  # without the XML declaration
    raws = [
        f'<?xml version="1.0"?>\n<!DOCTYPE dossier SYSTEM "{url}/a.dtd">\n'.encode() + official,
        (
            f'<?xml version="1.0"?>\n<!DOCTYPE dossier [<!ENTITY % p SYSTEM "{url}/p.dtd"> %p;]>\n'
        ).encode()
        + official,
        f'<!DOCTYPE x [<!ENTITY e SYSTEM "{url}/e">]><dossier xmlns="{NS}">&e;</dossier>'.encode(),
    ]

    for raw in raws:
        assert read_error(raw) == DOCTYPE_MESSAGE
        # The parser underneath refuses them too, should the byte check ever be bypassed.
        with pytest.raises(DossierError):
            safe_xml.parse_xml(raw)

    assert hits == []


def test_parser_itself_never_expands_or_reads_local_entities():
    with pytest.raises(DossierError) as caught:
        safe_xml.parse_xml((DATA / "external_entity_file.xml").read_bytes())
    assert "root:" not in caught.value.message

    with pytest.raises(DossierError):
        safe_xml.parse_xml((DATA / "billion_laughs.xml").read_bytes())


def test_configured_parser_leaves_external_entities_unexpanded():
    # The second line of defence, below the DOCTYPE check: the parser's own options.
    root = etree.fromstring((DATA / "external_entity_file.xml").read_bytes(), safe_xml._parser())

    assert "root:" not in etree.tostring(root, encoding=str)


def test_any_doctype_is_refused():
    raw = example("POVO_opt_out").replace(b"<dossier ", b"<!DOCTYPE dossier>\n<dossier ", 1)

    assert read_error(raw) == DOCTYPE_MESSAGE


def test_oversized_file_is_refused_before_parsing():
    raw = example("POVO_opt_out")

    with override_settings(OSO_DOSSIER_MAX_BYTES=1000):
        message = read_error(raw)

    assert message.startswith("Het dossier is te groot (17,7 KB)")
    assert message.endswith("de grens is 1000 bytes.")


def _with_attachment_content(raw: bytes, content: bytes) -> bytes:
    start = raw.index(b"<bestandsinhoud>") + len(b"<bestandsinhoud>")
    end = raw.index(b"</bestandsinhoud>", start)
    return raw[:start] + content + raw[end:]


def test_an_attachment_over_the_parsers_10_mb_text_limit_is_read():
    raw = _with_attachment_content(example("POVO_full"), b"QUFB" * 2_750_000)  # 11 MB base64

    parsed = dossier_read(raw=raw)

    assert parsed.attachments
    assert dossier_attachment(raw=raw, index=0)[1] == b"AAA" * 2_750_000


def test_nesting_deeper_than_the_parser_allows_is_refused_in_dutch():
    raw = example("POVO_opt_out").replace(
        b"</dossier>", b"<a>" * 100_000 + b"</a>" * 100_000 + b"</dossier>", 1
    )

    message = read_error(raw)

    assert message.startswith("Het dossier is geen geldige XML (regel ")
    assert "XML_PARSE_HUGE" not in message and "depth" not in message


@pytest.mark.parametrize(
    "raw",
    [
        b"<dossier><metadata></dossier>",
        b"<?xml version='1.0'?>\n<dossier>\n  <a>&unknown;</a>\n</dossier>",
        b"<dossier>\n" + b"x" * 20 + b"<",
    ],
)
def test_a_syntax_error_is_one_dutch_sentence_with_line_and_column(raw):
    message = read_error(raw)

    assert re.fullmatch(r"Het dossier is geen geldige XML \(regel \d+, kolom \d+\)\.", message)


WIDE_REFUSED = (
    "Het dossier is geen geldige XML: bestanden in UTF-16 of UTF-32 worden niet geaccepteerd; "
    "sla het op als UTF-8 (of ISO-8859-1)."
)


def test_a_file_declared_and_written_in_iso_8859_1_is_read_as_the_message_allows():
    raw = example("POVO_opt_out").decode("utf-8")
    raw = raw.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    raw = raw.replace("Testschool", "Tëstschool", 1).encode("iso-8859-1")

    parsed = dossier_read(raw=raw)

    assert parsed.school.name == "Tëstschool"


@pytest.mark.parametrize("encoding", ["UTF-16", "utf-32", "UCS-2"])
def test_a_file_declaring_a_wide_encoding_is_refused_as_the_message_says(encoding):
    raw = example("POVO_opt_out").replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)

    assert read_error(raw) == WIDE_REFUSED


def test_an_unknown_declared_encoding_is_refused_in_dutch():
    raw = example("POVO_opt_out").replace(b'encoding="UTF-8"', b'encoding="x-made-up"', 1)

    assert read_error(raw) == (
        "Het dossier is geen geldige XML: de codering die de XML-declaratie noemt is onbekend."
    )


def test_a_file_declaring_utf8_in_lower_case_is_read():
    raw = example("POVO_opt_out").replace(b'encoding="UTF-8"', b'encoding="utf-8"', 1)

    assert dossier_read(raw=raw).sha256


def test_text_instead_of_bytes_is_a_programming_error():
    with pytest.raises(TypeError):
        dossier_read(raw=example("POVO_opt_out").decode())


def test_official_full_examples_fit_under_the_default_limit(settings):
    assert len(example("VOVO_full")) < settings.OSO_DOSSIER_MAX_BYTES
    assert dossier_read(raw=example("VOVO_full")).naw.surname == "Berg"


@pytest.mark.parametrize("raw", [b"", b"  \n\t "])
def test_empty_file_is_refused(raw):
    assert read_error(raw) == "Het dossier is leeg."


@pytest.mark.parametrize(
    "raw",
    [
        b"hello",
        b"\x80\x81\xfe garbage \x00\x01",
        b"<dossier><metadata></dossier>",
        example("POVO_opt_out")[:5000],  # truncated in transit
    ],
)
def test_what_is_not_xml_is_refused(raw):
    assert read_error(raw).startswith("Het dossier is geen geldige XML")


def test_invalid_utf8_inside_a_dossier_is_refused():
    raw = example("POVO_opt_out").replace(b"Testschool", b"Test\xff\xfeschool", 1)

    assert read_error(raw).startswith("Het dossier is geen geldige XML (regel ")


def test_utf16_file_is_refused():
    raw = example("POVO_opt_out").decode().replace("UTF-8", "UTF-16").encode("utf-16")

    assert read_error(raw) == WIDE_REFUSED


def test_wrong_namespace_is_refused():
    raw = example("POVO_opt_out").replace(NS.encode(), b"http://example.org/other", 1)

    assert read_error(raw) == (
        "Het bestand is geen OSO-dossier: onbekende namespace 'http://example.org/other'"
        " (ondersteund: OSO 2019.1). Een nieuwere OSO-versie voegt u toe met: "
        "python manage.py oso_version_add PAD (of in beheer, onder OSO-versies)."
    )


def test_newer_oso_namespace_is_not_taken_for_2019():
    raw = example("POVO_opt_out").replace(b"/2019/dossier", b"/2022/dossier", 1)

    assert "onbekende namespace" in read_error(raw)


def test_other_root_element_of_the_schema_is_refused():
    raw = f'<?xml version="1.0"?><dossiers xmlns="{NS}"/>'.encode()

    assert read_error(raw) == (
        "Het bestand is geen OSO-dossier: het hoofdelement is 'dossiers' in plaats van 'dossier'."
    )


def test_attachment_of_a_hostile_file_is_refused_too():
    with pytest.raises(DossierError):
        dossier_attachment(raw=(DATA / "external_entity_file.xml").read_bytes(), index=0)


def test_comments_and_processing_instructions_do_not_disturb_reading():
    raw = example("POVO_opt_out").replace(
        b"<achternaam>", b"<!-- note --><?pi data?><achternaam>", 1
    )

    assert dossier_read(raw=raw).naw.surname == "Berg"
