"""Building requests from students, and the client the settings describe."""

from __future__ import annotations

from datetime import date

from requests.client.endpoint import EndpointClient
from requests.client.types import SubmitItem


def submit_item_for(*, request_id: str, student, changed_since: date | None) -> SubmitItem:
    """The request for one student, identified as in the last dossier applied.

    The source only knows what its own file gave, so nothing staff changed here may be
    sent: a locally corrected surname (the surname comes from ``student.dossier_values``,
    the NAW values of the last dossier applied), nor a BSN, education number or birth date
    edited in the admin (these come from ``student.dossier_identity``). Only a student
    without any dossier yet is identified by its own fields.
    Select ``primary_school`` with the student (``select_related``) to avoid a query per item.
    """
    dossier_values = student.dossier_values or {}
    identity = student.dossier_identity or {}
    if identity.get("bsn") or identity.get("education_number"):
        bsn, education_number = identity.get("bsn", ""), identity.get("education_number", "")
    else:
        bsn, education_number = student.bsn or "", student.education_number or ""
    birth_date = (
        date.fromisoformat(identity["birth_date"])
        if identity.get("birth_date")
        else student.birth_date
    )
    primary_school = student.primary_school
    return SubmitItem(
        request_id=request_id,
        bsn=bsn,
        education_number="" if bsn else education_number,
        birth_date=birth_date,
        surname=dossier_values.get("surname") or student.surname,
        primary_school_brin=primary_school.brin if primary_school is not None else "",
        changed_since=changed_since,
    )


def endpoint_client_from_settings() -> EndpointClient:
    """A client for ``OSO_ENDPOINT_URL`` as our school ``OSO_SCHOOL_BRIN``; close it after use.

    The HTTP binding itself; the pipeline asks ``exchange_from_settings`` for the one the
    settings choose.
    """
    return EndpointClient.from_settings()
