"""The data migrations mask BSNs already stored in request errors, remarks and file names."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from students.models import ReceivedDossier
from tests.factories import StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.django_db

BSN = "269326728"


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_request_errors_and_remarks_are_masked_and_other_text_kept():
    request = TransferRequestFactory(
        error=f"Veld advies: code '{BSN}' staat niet in codelijst 2.",
        remarks=[f"opmerking {BSN}", "gewoon 123456789"],
    )

    _migration("requests", "0003_mask_stored_identifiers").mask(apps, None)

    request.refresh_from_db()
    assert request.error == "Veld advies: code '*****6728' staat niet in codelijst 2."
    assert request.remarks == ["opmerking *****6728", "gewoon 123456789"]


def test_archive_remarks_and_file_names_are_masked_and_the_raw_file_kept():
    dossier = ReceivedDossier.objects.create(
        student=StudentFactory(),
        raw_xml=f"<bsn>{BSN}</bsn>",
        sha256="0" * 64,
        outcome="failed",
        remarks=[f"code '{BSN}'"],
        source_name=f"leerling_{BSN}.xml",
    )

    _migration("students", "0008_mask_stored_identifiers").mask(apps, None)

    dossier.refresh_from_db()
    assert (dossier.remarks, dossier.source_name) == (
        ["code '*****6728'"],
        "leerling_*****6728.xml",
    )
    assert BSN in dossier.raw_xml
