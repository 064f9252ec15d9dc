"""A fetched file is named after its pupil and its date, never after the request or a BSN."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from elk_mock import dataset
from students.models import DossierOutcome, ReceivedDossier, SignupGroup, Student
from students.services.dossier_merge import DossierIn, dossiers_merge

pytestmark = pytest.mark.django_db


def _first_and_later():
    pupil = dataset.demo_pupils()[0]  # demo-01: a March and a May file
    return pupil.versions[0], pupil.versions[-1]


@pytest.fixture
def student() -> Student:
    first, _later = _first_and_later()
    [result] = dossiers_merge(
        items=[DossierIn(raw=first.xml, source_name="eerste.xml")],
        signup_group=SignupGroup.objects.create(name="Groep 8", school_year="2021-2022"),
    )
    assert result.outcome == DossierOutcome.CREATED and result.student_id is not None
    return Student.objects.get(pk=result.student_id)


def test_a_fetched_file_is_named_after_the_pupil_and_the_files_date(student):
    _first, later = _first_and_later()

    [result] = dossiers_merge(
        items=[
            DossierIn(
                raw=later.xml,
                source_name="",
                expected_student_id=student.pk,
                name_after_pupil=True,
            )
        ],
        received_by="ELK/OSO",
    )

    day = later.collection_date.isoformat()
    expected = f"{student.student_number}_{student.surname}_{day}.xml"
    assert result.source_name == expected
    assert ReceivedDossier.objects.get(pk=result.dossier_id).source_name == expected
    assert student.bsn not in expected and "oso-" not in expected


def test_a_file_that_is_not_the_pupils_is_not_named_after_the_pupil(student):
    other = dataset.demo_pupils()[1].versions[0]

    [result] = dossiers_merge(
        items=[
            DossierIn(
                raw=other.xml, source_name="", expected_student_id=student.pk, name_after_pupil=True
            )
        ]
    )

    assert result.outcome == DossierOutcome.FAILED
    row = ReceivedDossier.objects.get(pk=result.dossier_id)
    assert row.source_name == f"dossier_{other.collection_date.isoformat()}.xml"
    assert student.surname not in row.source_name


def test_files_fetched_before_are_renamed_and_other_names_stay(student):
    migration = importlib.import_module("students.migrations.0015_fetched_dossier_names")
    old = ReceivedDossier.objects.create(
        student=student,
        raw_xml="<x/>",
        sha256="1" * 64,
        collection_date=dt.date(2021, 5, 10),
        outcome=DossierOutcome.PROCESSED,
        source_name="oso-0b5e3c1a-9f0e-4c59-8f6b-2d1f7a6c9e11.xml",
    )
    uploaded = ReceivedDossier.objects.get(student=student, source_name="eerste.xml")

    migration.forwards(apps, None)

    old.refresh_from_db()
    uploaded.refresh_from_db()
    assert old.source_name == f"{student.student_number}_{student.surname}_2021-05-10.xml"
    assert uploaded.source_name == "eerste.xml"
