"""The demo data: the signup group of the seed's story with its pupils' first dossiers.

The pupils come from the mock endpoint's deterministic generator
(elk_mock.dataset), so every demo student can later be requested from the mock,
which then serves the later versions (final test, revised advice, new address).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from students.models import SignupGroup, Student
from students.services.dossier_merge import DossierIn, MergeResult, dossiers_merge

# Who received the demo's first files (ReceivedDossier.received_by, the audit log's actor).
DEMO_ACTOR = "seed_demo"


@dataclass(frozen=True)
class DemoSeedResult:
    signup_group: SignupGroup
    created: int
    already_present: int
    results: list[MergeResult] = field(default_factory=list)


def demo_data_seed() -> DemoSeedResult:
    """Import each demo pupil's file as published at the demo clock's start (idempotent).

    Pupils that already exist are left alone, so running it again adds nothing.
    """
    from elk_mock.dataset import (
        DEMO_CLOCK_START,
        DEMO_SCHOOL_YEAR,
        DEMO_SIGNUP_GROUP,
        demo_pupils,
    )

    group, _created = SignupGroup.objects.get_or_create(
        name=DEMO_SIGNUP_GROUP, school_year=DEMO_SCHOOL_YEAR
    )
    pupils = demo_pupils()
    present = set(
        Student.objects.filter(
            Q(bsn__in=[p.bsn for p in pupils if p.bsn])
            | Q(education_number__in=[p.education_number for p in pupils if p.education_number])
        ).values_list("bsn", "education_number", "birth_date")
    )
    present_keys = {(bsn or education_number, birth) for bsn, education_number, birth in present}
    items = []
    already = 0
    for pupil in pupils:
        if (pupil.identifier, pupil.birth_date) in present_keys:
            already += 1
            continue
        released = [v for v in pupil.versions if v.published_on <= DEMO_CLOCK_START]
        if not released:
            continue
        version = max(released, key=lambda v: (v.published_on, v.collection_date))
        items.append(
            DossierIn(raw=version.xml, source_name=f"{pupil.key}.xml ({version.description})")
        )
    results = dossiers_merge(items=items, signup_group=group, received_by=DEMO_ACTOR)
    return DemoSeedResult(
        signup_group=group,
        created=sum(r.outcome == "created" for r in results),
        already_present=already,
        results=results,
    )
