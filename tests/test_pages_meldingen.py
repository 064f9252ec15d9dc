"""The official meldingen on the pages: per received version on the student page, per
uploaded file on *Dossier inlezen*."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from students.models import DossierOutcome, ReceivedDossier
from tests.factories import SignupGroupFactory
from tests.test_dossier_reader import ADVICE, crafted

IMPORT = reverse("students:dossier_import")
SCHOOL_ADDRESS = "In een overstapdossier is minimaal één adres verplicht bij een school."
NO_CATEGORIES = "Een overstapdossier moet het blok &quot;Categorie uitlevering&quot; bevatten."
BAD_ADVICE = (
    "Het veld &#x27;VO advies volgens school&#x27; bevat een waarde die niet voorkomt in in "
    "codelijst 2."
)


def upload(name: str, raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, raw, content_type="text/xml")


@pytest.fixture
def group(db):
    return SignupGroupFactory()


def post(client, group, *files):
    return client.post(
        IMPORT,
        {"files": list(files), "signup_group": group.pk},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )


def test_dossier_inlezen_shows_each_files_meldingen(portal_client, group):
    warned = crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))
    refused = crafted("POVO_opt_out", lambda d: d.set(f"{ADVICE}/advies", "99"))

    response = post(portal_client, group, upload("warned.xml", warned), upload("bad.xml", refused))

    html = response.content.decode()
    rows = response.context["results"]
    assert [r["outcome"] for r in rows] == [
        DossierOutcome.CREATED,
        DossierOutcome.FAILED,
    ]
    assert rows[0]["meldingen"] == [
        {
            "location": "/dossier[1]/metadata[1]",
            "text": 'Een overstapdossier moet het blok "Categorie uitlevering" bevatten.',
            "severity": "waarschuwing",
        }
    ]
    assert ">Officiële OSO-meldingen<" in html
    assert NO_CATEGORIES in html and BAD_ADVICE in html
    assert 'class="melding melding--waarschuwing">waarschuwing<' in html
    assert 'class="melding melding--fout">fout<' in html


def test_the_student_page_shows_the_meldingen_of_every_version(portal_client, group):
    first = crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))
    post(portal_client, group, upload("eerste.xml", first))
    dossier = ReceivedDossier.objects.get()
    later = crafted(
        "POVO_full",
        lambda d: (d.set("metadata/datum", "2016-02-01"), d.remove("huidigeschool/adreslijst")),
    )
    assert post(portal_client, group, upload("later.xml", later)).context["results"][0][
        "outcome"
    ] == (DossierOutcome.PROCESSED_WITH_REMARKS)

    html = portal_client.get(
        reverse("students:detail", args=[dossier.student.student_number]),
        HTTP_ACCEPT_LANGUAGE="nl",
    ).content.decode()

    versions = html[html.index('id="versions"') :]
    rows = versions.split("<tr>")[2:]  # after the header: the newest version first
    assert len(rows) == 2
    assert SCHOOL_ADDRESS in rows[0] and NO_CATEGORIES not in rows[0]
    assert NO_CATEGORIES in rows[1] and SCHOOL_ADDRESS not in rows[1]
    assert versions.count('class="melding melding--waarschuwing"') == 2


def test_in_english_the_class_is_error_or_warning(portal_client, group):
    warned = crafted("POVO_full", lambda d: d.remove("metadata/categorie_uitlevering"))
    # English only when chosen: the browser's Accept-Language does not switch the page.
    portal_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = portal_client.post(
        IMPORT,
        {"files": [upload("warned.xml", warned)], "signup_group": group.pk},
        follow=True,
    ).content.decode()

    assert 'class="melding melding--waarschuwing">warning<' in html
    assert NO_CATEGORIES in html  # the official text stays in Edustandaard's words
