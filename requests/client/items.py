"""Building requests from students, and the client the settings describe."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from requests.client.endpoint import EndpointClient
from requests.client.types import SubmitItem


def submit_item_for(*, request_id: str, student, changed_since: date | None) -> SubmitItem:
    """The request for one student, identified as in the last dossier applied.

    The source only knows the surname its own file gave, so a surname that staff corrected
    locally must never be sent: it comes from ``student.dossier_values`` (the NAW values of the
    last dossier applied), and only a student without any dossier yet sends ``surname``.
    Select ``primary_school`` with the student (``select_related``) to avoid a query per item.
    """
    dossier_values = student.dossier_values or {}
    primary_school = student.primary_school
    return SubmitItem(
        request_id=request_id,
        bsn=student.bsn or "",
        education_number="" if student.bsn else (student.education_number or ""),
        birth_date=student.birth_date,
        surname=dossier_values.get("surname") or student.surname,
        primary_school_brin=primary_school.brin if primary_school is not None else "",
        changed_since=changed_since,
    )


def endpoint_client_from_settings() -> EndpointClient:
    """A client for ``OSO_ENDPOINT_URL`` as our school ``OSO_SCHOOL_BRIN``; close it after use."""
    return EndpointClient(
        base_url=settings.OSO_ENDPOINT_URL,
        school_brin=settings.OSO_SCHOOL_BRIN,
        connect_timeout=settings.OSO_ENDPOINT_CONNECT_TIMEOUT,
        read_timeout=settings.OSO_ENDPOINT_READ_TIMEOUT,
        max_dossier_bytes=getattr(settings, "OSO_DOSSIER_MAX_BYTES", None),
    )
