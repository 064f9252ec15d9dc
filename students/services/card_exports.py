"""Card exports leave the portal on record: the table (CSV, Excel) and the zip of OSO files.

The zip holds the latest applied OSO file of each pupil exactly as it was received,
for import into the school's own system (Magister, Somtoday). Those files carry
full BSNs: the pages offer the zip only with ``students.export_dossiers``, and every
zip is written to the audit log with who made it, for which group (or search) and
how many files it holds.
"""

from __future__ import annotations

import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import IO

from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from students.models import SignupGroup, Student
from students.selectors.dossiers import applied_dossiers

logger = logging.getLogger(__name__)

EXPORT_DOSSIERS_PERMISSION = "students.export_dossiers"

# Characters no file system (nor a zip reader on Windows) accepts in a name.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def dossier_file_name(*, student_number: str, surname: str, day: date | None = None) -> str:
    """``<stamnummer>_<achternaam>.xml``, with ``_<jjjj-mm-dd>`` before ``.xml`` when
    ``day`` is given; characters a file name cannot hold become ``_``."""
    safe_surname = _UNSAFE_IN_NAME.sub("_", surname).strip(" .") or "_"
    dated = f"_{day.isoformat()}" if day is not None else ""
    return f"{student_number}_{safe_surname}{dated}.xml"


def _scope(signup_group: SignupGroup | None, filters: dict[str, str] | None) -> dict:
    scope: dict = {}
    if signup_group is not None:
        scope["signup_group"] = str(signup_group)
        scope["signup_group_id"] = signup_group.pk
    if filters is not None:
        scope["filters"] = filters
    return scope


def _scope_text(signup_group: SignupGroup | None) -> str:
    return str(signup_group) if signup_group is not None else "search"


def cards_export_record(
    *,
    actor: str,
    export_format: str,
    rows: int,
    signup_group: SignupGroup | None = None,
    filters: dict[str, str] | None = None,
) -> None:
    """Put a CSV or Excel export of cards on record: who, which group or filter, how many."""
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT_MADE,
        summary=f"cards {export_format}, {_scope_text(signup_group)}, {rows} rows",
        details={
            "export": "cards",
            "format": export_format,
            "rows": rows,
            **_scope(signup_group, filters),
        },
    )


@dataclass
class DossiersZip:
    files: int = 0
    # Pupils whose archived file cannot be given back byte for byte (left out).
    unavailable: list[str] = field(default_factory=list)


def dossiers_zip_export(
    *,
    students: QuerySet[Student],
    out: IO[bytes],
    actor: str,
    signup_group: SignupGroup | None = None,
    filters: dict[str, str] | None = None,
) -> DossiersZip:
    """Write a zip of each pupil's latest applied OSO file to ``out``, and audit it.

    One file per pupil that has one, ``<stamnummer>_<achternaam>.xml``, byte for
    byte as received; pupils without a file are left out. The caller checks
    ``students.export_dossiers``.
    """
    result = DossiersZip()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for dossier in applied_dossiers(students=students):
            if dossier.raw is None:
                result.unavailable.append(dossier.student_number)
                continue
            received = timezone.localtime(dossier.received_at)
            info = zipfile.ZipInfo(
                dossier_file_name(student_number=dossier.student_number, surname=dossier.surname),
                date_time=received.timetuple()[:6],
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, dossier.raw)
            result.files += 1
    if result.unavailable:
        logger.warning(
            "Dossier zip: %d archived files could not be reproduced byte for byte",
            len(result.unavailable),
        )
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT_MADE,
        summary=f"OSO files zip, {_scope_text(signup_group)}, {result.files} files",
        details={
            "export": "dossiers_zip",
            "files": result.files,
            "unavailable": result.unavailable,
            **_scope(signup_group, filters),
        },
    )
    return result
