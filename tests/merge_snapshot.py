"""What a merge could change, as plain rows: two equal snapshots prove a file changed nothing."""

from __future__ import annotations

from students.models import FinalTestResult, NawCorrection, PriorEducation, Student


def snapshot() -> dict:
    """Everything a merge could change, except the dossier archive."""
    return {
        "students": list(Student.objects.order_by("pk").values()),
        "prior": list(PriorEducation.objects.order_by("pk").values()),
        "tests": list(FinalTestResult.objects.order_by("pk").values()),
        "corrections": list(NawCorrection.objects.order_by("pk").values()),
    }
