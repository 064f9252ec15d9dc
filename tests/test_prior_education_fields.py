"""students.models.PRIOR_EDUCATION_FIELDS: the one list the merge writes and the admin shows."""

from __future__ import annotations

from django.contrib import admin

from students.admin import StudentAdmin
from students.models import PRIOR_EDUCATION_FIELDS, PriorEducation, Student


def test_the_list_names_every_prior_education_field_but_the_key():
    model_fields = {
        f.name for f in PriorEducation._meta.concrete_fields if f.name not in ("id", "student")
    }

    assert set(PRIOR_EDUCATION_FIELDS) == model_fields
    assert len(PRIOR_EDUCATION_FIELDS) == len(model_fields)


def test_the_admin_shows_the_same_fields_read_only():
    inlines = StudentAdmin(Student, admin.site).inlines
    inline = next(i for i in inlines if i.model is PriorEducation)

    assert tuple(inline.fields) == PRIOR_EDUCATION_FIELDS
    assert tuple(inline.readonly_fields) == PRIOR_EDUCATION_FIELDS
