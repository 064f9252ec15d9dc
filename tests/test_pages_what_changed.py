"""What changed: the changed-fields list in the request rows and the file list, and the
version diff that lists the changed fields (old and new value) above the raw XML diff."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from requests.models import RequestStatus
from students.models import DossierOutcome, ReceivedDossier, Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.factories import SignupGroupFactory, TransferRequestFactory
from tests.oso_dossier_edit import dossier_edit

MARCH = dt.date(2021, 3, 1)
MAY = dt.date(2021, 5, 10)

pytestmark = pytest.mark.django_db


def _merge(raw: bytes, *, name: str, group=None):
    [result] = dossiers_merge(
        items=[DossierIn(raw=raw, source_name=name)], signup_group=group, received_by="test"
    )
    return result


@pytest.fixture
def student(oso_examples) -> Student:
    """March: no final test. May: moved, a final test and a revised advice."""
    full = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    march = _merge(
        dossier_edit(full, collection_date=MARCH, final_test=False),
        name="maart.xml",
        group=SignupGroupFactory(),
    )
    may = _merge(
        dossier_edit(
            full,
            collection_date=MAY,
            street="Dam",
            revised_advice="50",
            motivation="De eindtoets was hoger dan het advies.",
        ),
        name="mei.xml",
    )
    assert may.outcome == DossierOutcome.PROCESSED, may.reason
    assert may.changed_fields == ("address", "revised_advice", "final_test")
    return Student.objects.get(pk=march.student_id)


def _in(language: str, client, url: str) -> str:
    client.post(reverse("set_language"), {"language": language, "next": url})
    return html_lib.unescape(client.get(url).content.decode())


def _detail(student: Student, **params) -> str:
    url = reverse("students:detail", args=[student.student_number])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def test_the_file_list_says_what_each_processed_file_changed(portal_client, student):
    dutch = _in("nl", portal_client, _detail(student))
    english = _in("en", portal_client, _detail(student))

    assert "Gewijzigd: adres, herzien advies, eindtoets" in dutch
    assert "Changed: address, revised advice, final test" in english


def test_dossier_inlezen_says_what_each_imported_file_changed(portal_client, oso_examples):
    from django.core.files.uploadedfile import SimpleUploadedFile

    full = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    _merge(
        dossier_edit(full, collection_date=MARCH, final_test=False),
        name="maart.xml",
        group=SignupGroupFactory(),
    )
    may = dossier_edit(full, collection_date=MAY, street="Dam")
    url = reverse("students:dossier_import")

    response = portal_client.post(
        url,
        {"files": [SimpleUploadedFile("mei.xml", may, content_type="text/xml")]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert "Gewijzigd: adres, eindtoets" in html_lib.unescape(response.content.decode())


def test_a_plain_processed_request_row_says_what_changed_on_the_page_and_the_overview(
    portal_client, student
):
    may = ReceivedDossier.objects.get(student=student, collection_date=MAY)
    TransferRequestFactory(
        student=student,
        status=RequestStatus.PROCESSED,
        dossier=may,
        changed_fields=["address", "phone", "final_test", "revised_advice"],
    )

    page = _in("nl", portal_client, _detail(student))
    overview = _in("nl", portal_client, reverse("oso_requests:overview"))

    for html in (page, overview):
        assert "Gewijzigd: adres, telefoon, eindtoets, herzien advies" in html


def test_a_request_row_without_changes_or_remarks_shows_a_dash(portal_client, student):
    TransferRequestFactory(student=student, status=RequestStatus.NOT_CHANGED)

    page = _in("nl", portal_client, _detail(student))

    requests_table = page.split('id="requests-heading"', 1)[1].split("</table>", 1)[0]
    assert "Gewijzigd" not in requests_table
    assert '<span class="muted">—</span>' in requests_table


def test_the_version_diff_lists_the_changed_fields_in_dutch_above_the_xml(portal_client, student):
    newer, older = ReceivedDossier.objects.filter(student=student).order_by("-received_at")
    url = _detail(student, older=older.pk, newer=newer.pk)

    dutch = _in("nl", portal_client, url)
    english = _in("en", portal_client, url)

    table = dutch.split('data-testid="field-changes"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<th scope="row">(.*?)</th><td class="field-changes__old">(.*?)</td>'
        r'<td class="field-changes__new">(.*?)</td>',
        table,
    )
    by_label = {label: (old, new) for label, old, new in rows}
    assert by_label["Datum dossier"] == ("01-03-2021", "10-05-2021")
    assert by_label["Straat"] == ("Adelaarslaan", "Dam")
    assert by_label["Herzien advies"] == ("—", "havo (50)")
    assert by_label["Motivatie"] == ("—", "De eindtoets was hoger dan het advies.")
    assert by_label["Eindtoets Centrale Eindtoets (0011): Standaardscore"] == ("—", "525")
    assert "Achternaam" not in by_label  # unchanged fields are left out
    # The May file adds the final test's report: counted, and named where it is new.
    old_count, new_count = by_label["Bijlagen"]
    assert old_count == "14 bijlagen"
    assert new_count == "15 bijlagen; nieuw in deze versie: cet_uitslag.png"
    # The field list first, the raw XML diff under it.
    assert dutch.index('data-testid="field-changes"') < dutch.index('<pre class="diff">')
    assert "Gewijzigde gegevens" in dutch and "De XML van de twee versies" in dutch
    assert "Changed data" in english and "Revised advice" in english


def test_the_xml_diff_has_no_blank_line_between_its_lines(portal_client, student):
    newer, older = ReceivedDossier.objects.filter(student=student).order_by("-received_at")

    html = portal_client.get(_detail(student, older=older.pk, newer=newer.pk)).content.decode()

    pre = html.split('<pre class="diff">', 1)[1].split("</pre>", 1)[0]
    # Each line is a block of its own: a newline between them would add an empty line.
    assert "\n" not in pre
    assert pre.count('class="diff__line') > 3


def test_the_diff_box_contains_its_hidden_labels_so_the_page_ends_where_it_ends():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "portal.css").read_text()
    rule = css.split("\n.diff {", 1)[1].split("}", 1)[0]

    assert "position: relative" in rule
