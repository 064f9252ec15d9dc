"""The data migration masks BSNs already stored in archive remarks and file names.

(Request errors and remarks were rewritten as codes by oso_requests/0003, whose
parameters mask every nine-digit number.)
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from students.models import ReceivedDossier
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

BSN = "269326728"


def _migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


def test_archive_remarks_and_file_names_are_masked_and_the_raw_file_kept():
    dossier = ReceivedDossier.objects.create(
        student=StudentFactory(),
        raw_xml=f"<bsn>{BSN}</bsn>",
        sha256="0" * 64,
        outcome="failed",
        remarks=[f"code '{BSN}'"],
        source_name=f"leerling_{BSN}.xml",
    )

    _migration("students", "0010_mask_stored_identifiers").mask(apps, None)

    dossier.refresh_from_db()
    assert (dossier.remarks, dossier.source_name) == (
        ["code '*****6728'"],
        "leerling_*****6728.xml",
    )
    assert BSN in dossier.raw_xml
