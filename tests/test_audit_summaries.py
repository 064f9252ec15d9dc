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

    assert dutch == "wijzigingen sinds 20-03-2021, verzending 3"
    assert english == "changes since 20-03-2021, batch 3"


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


def test_a_signup_names_its_source_in_the_page_language():
    details = {"source": "form", "signup_group": "Groep 8", "school_year": "2021-2022"}

    dutch, english = _both(AuditAction.SIGNUP_CREATED, details, "form: Groep 8 (2021-2022)")

    assert dutch == "aanmeldformulier: Groep 8 (2021-2022)"
    assert english == "signup form: Groep 8 (2021-2022)"


def test_an_undone_signup_reads_in_the_page_language():
    dutch, english = _both(
        AuditAction.SIGNUP_UNDONE, {"signup_import_id": 7}, "signup import 7 undone"
    )

    assert dutch == "aanmeldimport 7 ongedaan gemaakt"
    assert english == "signup import 7 undone"


def test_card_exports_and_the_dossier_zip_read_in_the_page_language():
    cards = {"export": "cards", "format": "csv", "rows": 16, "signup_group": "Groep 8 (2021-2022)"}
    zipped = {"export": "dossiers_zip", "files": 10, "unavailable": [], "filters": {}}

    assert _both(AuditAction.EXPORT_MADE, cards, "cards csv, Groep 8 (2021-2022), 16 rows") == (
        "leerlingkaarten csv, Groep 8 (2021-2022), 16 rijen",
        "student cards csv, Groep 8 (2021-2022), 16 rows",
    )
    assert _both(AuditAction.EXPORT_MADE, zipped, "OSO files zip, search, 10 files") == (
        "OSO-dossiers zip, zoekopdracht, 10 bestanden",
        "OSO files zip, search, 10 files",
    )


def test_a_failed_request_gives_its_reason_in_the_page_language():
    details = {
        "request_id": 1,
        "batch_id": 2,
        "status": "failed",
        "failure": {"code": "client.refusal", "params": {"code": "unknown_pupil"}},
    }
    stored = "Mislukt: Bij de bron is geen leerling bekend"

    dutch, english = _both(AuditAction.REQUEST_FINISHED, details, stored)

    assert dutch.startswith("Mislukt: Bij de bron is geen leerling bekend")
    assert english.startswith("Failed: The source knows no pupil")


def test_an_older_failed_request_keeps_its_stored_reason():
    details = {"request_id": 1, "batch_id": 2, "status": "failed"}

    dutch, english = _both(AuditAction.REQUEST_FINISHED, details, "Mislukt: iets ging mis")

    assert (dutch, english) == ("Mislukt: iets ging mis", "Failed: iets ging mis")


def test_processes_are_named_on_the_pages_and_people_keep_their_user_name():
    from audit.models import SYSTEM_ACTOR
    from audit.summaries import actor_label

    with translation.override("nl"):
        dutch = [actor_label(name) for name in (SYSTEM_ACTOR, "elk-feed", "marieke")]
    with translation.override("en"):
        english = [actor_label(name) for name in (SYSTEM_ACTOR, "elk-feed", "marieke")]

    assert dutch == ["automatisch", "ELK-koppeling", "marieke"]
    assert english == ["automatic", "ELK feed", "marieke"]


def test_a_stopped_request_gives_its_reason_in_the_page_language():
    details = {"request_id": 1, "failure": {"code": "request.stopped_withdrawn", "params": {}}}
    stored = "stopped: request.stopped_withdrawn"

    dutch, english = _both(AuditAction.REQUEST_STOPPED, details, stored)

    assert dutch.startswith("Gestopt: ELK heeft de plaatsing ingetrokken.")
    assert english.startswith("Stopped: ELK withdrew the placement.")
