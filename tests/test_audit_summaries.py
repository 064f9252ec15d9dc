"""Audit summaries render from the details each entry already holds, in the active language."""

from __future__ import annotations

import pytest
from django.utils import translation

from audit.models import AuditAction
from audit.summaries import summary_text


def _both(action, details, summary):
    with translation.override("nl"):
        dutch = summary_text(action=action, details=details, summary=summary)
    with translation.override("en"):
        english = summary_text(action=action, details=details, summary=summary)
    return dutch, english


def test_a_sent_request_shows_its_date_as_each_language_writes_it():
    details = {"batch_id": 3, "mode": "changes_since", "changed_since": "2021-03-20"}

    dutch, english = _both(AuditAction.REQUEST_SENT, details, "changes since 2021-03-20, batch 3")

    assert dutch == "wijzigingen sinds 20-03-2021, batch 3"
    assert english == "changes since 2021-03-20, batch 3"


def test_an_imported_dossier_shows_its_outcome_in_the_page_language():
    details = {"outcome": "failed", "dossier_id": 9, "remarks": 0}

    dutch, english = _both(AuditAction.DOSSIER_IMPORTED, details, "Mislukt: oso-1.xml")

    assert (dutch, english) == ("Mislukt: oso-1.xml", "Failed: oso-1.xml")


def test_a_correction_names_the_field_in_the_page_language():
    dutch, english = _both(AuditAction.CORRECTION_RECORDED, {"field": "town"}, "Woonplaats")

    assert (dutch, english) == ("Woonplaats", "Town")


def test_an_export_shows_its_row_count_in_the_page_language():
    details = {"export": "audit_log", "format": "csv", "filters": {}}

    dutch, english = _both(AuditAction.EXPORT_MADE, details, "audit log, 12 rows")

    assert english == "audit log, 12 rows"
    assert dutch == "auditlog, 12 rijen"


@pytest.mark.parametrize(
    "action, details",
    [
        (AuditAction.REQUEST_SENT, {}),
        (AuditAction.DOSSIER_IMPORTED, {"outcome": "no such outcome"}),
        (AuditAction.EXPORT_MADE, {"export": "something new"}),
    ],
)
def test_details_that_do_not_say_enough_show_the_stored_text(action, details):
    assert _both(action, details, "=HYPERLINK(1)") == ("=HYPERLINK(1)", "=HYPERLINK(1)")
