"""Property: no sequence of dossiers, corrections and releases overwrites a corrected field.

Hypothesis drives one pupil through random steps and compares the student with
a small model of the merge rule after every step.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from students.models import DossierOutcome, NawCorrection, Student
from students.services.corrections import naw_correction_record, naw_correction_release
from students.services.dossier_merge import DossierIn, dossiers_merge_parsed
from tests.factories import SignupGroupFactory
from tests.test_dossier_merge import make_parsed

pytestmark = pytest.mark.django_db

FIELDS = ("surname", "prefix", "street", "town")
START = dt.date(2021, 3, 1)

names = st.text(alphabet="abcdeHJKV -'", min_size=1, max_size=10).map(str.strip).filter(bool)
dossier_step = st.tuples(
    st.just("dossier"),
    st.integers(min_value=-3, max_value=10),  # days after the first file; <= 0 is not newer
    st.fixed_dictionaries({field: st.one_of(st.none(), names) for field in FIELDS}),
)
correct_step = st.tuples(st.just("correct"), st.sampled_from(FIELDS), names)
release_step = st.tuples(st.just("release"), st.sampled_from(FIELDS), st.none())
steps = st.lists(st.one_of(dossier_step, correct_step, release_step), min_size=1, max_size=8)


class _Rollback(Exception):
    pass


def _merge(parsed):
    [result] = dossiers_merge_parsed(
        items=[DossierIn(raw=b"<dossier/>", source_name="x.xml")],
        parsed=[parsed],
        signup_group=SignupGroupFactory(),
    )
    return result


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_no_sequence_of_dossiers_and_corrections_overwrites_a_corrected_field(steps):
    try:
        with transaction.atomic():
            _run(steps)
            raise _Rollback  # each example starts from an empty database
    except _Rollback:
        pass


def _run(steps):
    first = {"surname": "Hof", "prefix": "van", "street": "Dam", "town": "Zaandam"}
    created = _merge(
        make_parsed(collection_date=START, **{f"naw_{k}": v for k, v in first.items()})
    )
    student = Student.objects.get(pk=created.student_id)
    expected = dict(first)
    from_dossier = dict(first)
    corrected: dict[str, str] = {}
    last_date = START

    for kind, arg, values in steps:
        if kind == "dossier":
            when = START + dt.timedelta(days=arg)
            result = _merge(
                make_parsed(collection_date=when, **{f"naw_{k}": v for k, v in values.items()})
            )
            if when <= last_date:
                assert result.outcome == DossierOutcome.NOT_CHANGED
                continue
            last_date = when
            differing = []
            for field, value in values.items():
                if value is None:
                    continue
                from_dossier[field] = value
                if field in corrected:
                    differing += [field] if corrected[field] != value else []
                else:
                    expected[field] = value
            assert len(result.remarks) == len(differing)
            assert result.outcome == (
                DossierOutcome.PROCESSED_WITH_REMARKS if differing else DossierOutcome.PROCESSED
            )
        elif kind == "correct":
            naw_correction_record(student=student, field=arg, value=values, user="t")
            corrected[arg] = expected[arg] = values
        else:
            if arg not in corrected:
                continue
            naw_correction_release(student=student, field=arg, user="t")
            del corrected[arg]
            expected[arg] = from_dossier[arg]

        student.refresh_from_db()
        assert {field: getattr(student, field) for field in FIELDS} == expected
        assert dict(
            NawCorrection.objects.filter(student=student).values_list("field", "value")
        ) == (corrected)
        for field, value in corrected.items():
            assert getattr(student, field) == value
        assert {k: student.dossier_values[k] for k in FIELDS} == from_dossier
