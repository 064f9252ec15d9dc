"""The search form of *Leerlingen zoeken*: the seed's fields, partial input allowed.

Text fields match a part (icontains) or a start (student number, postcode);
the postcode ignores the space; the birth date takes a day, month or year.
The BSN field matches the whole number or its last digits. It never travels in
a URL: the view keeps it in the session and puts only a reference in the link.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from common import page_text as text
from common.dates import DateTextInput
from students.forms import BsnSearchField, PartialDate, PartialDateField
from students.models import SignupGroup, Student
from students.selectors import students as student_selectors


class PartialDateFilter(django_filters.Filter):
    field_class = PartialDateField

    def filter(self, qs: QuerySet, value: PartialDate | None) -> QuerySet:
        if value is None:
            return qs
        lookups = {f"{self.field_name}__year": value.year}
        if value.month:
            lookups[f"{self.field_name}__month"] = value.month
        if value.day:
            lookups[f"{self.field_name}__day"] = value.day
        return qs.filter(**lookups)


class BsnFilter(django_filters.Filter):
    field_class = BsnSearchField

    def filter(self, qs: QuerySet, value: str) -> QuerySet:
        return qs.filter(student_selectors.identifier_matches(value)) if value else qs


class CheckboxFilter(django_filters.Filter):
    """A plain checkbox: checked is True, unchecked is False (never "unknown")."""

    field_class = forms.BooleanField


WITH_WITHOUT = (("with", text.WITH), ("without", text.WITHOUT))


class StudentSearchFilter(django_filters.FilterSet):
    in_signup_group = CheckboxFilter(
        method="filter_in_signup_group", label=text.IN_SIGNUP_GROUP, initial=True
    )
    student_number = django_filters.CharFilter(
        lookup_expr="startswith", label=text.STUDENT_NUMBER_SHORT
    )
    given_name = django_filters.CharFilter(lookup_expr="icontains", label=text.GIVEN_NAME)
    surname = django_filters.CharFilter(method="filter_surname", label=text.SURNAME)
    postcode = django_filters.CharFilter(method="filter_postcode", label=text.POSTCODE)
    town = django_filters.CharFilter(lookup_expr="icontains", label=text.TOWN)
    # A whole date may be picked from the calendar; a month or a year is typed.
    birth_date = PartialDateFilter(
        field_name="birth_date",
        label=text.BIRTH_DATE,
        help_text=text.BIRTH_DATE_HELP,
        widget=DateTextInput(attrs={"placeholder": False}),
    )
    bsn = BsnFilter(label=text.BSN, help_text=text.BSN_HELP)
    school_year = django_filters.ChoiceFilter(
        field_name="signup_group__school_year",
        choices=student_selectors.school_year_choices,
        label=text.SCHOOL_YEAR,
        empty_label=text.ANY,
    )
    signup_group = django_filters.ModelChoiceFilter(
        queryset=SignupGroup.objects.all(), label=text.SIGNUP_GROUP, empty_label=text.ANY
    )
    primary_school = django_filters.CharFilter(
        method="filter_primary_school", label=text.PRIMARY_SCHOOL
    )
    # The counts on *Aanmeldingsgroepen* link here with these.
    final_test = django_filters.ChoiceFilter(
        choices=WITH_WITHOUT,
        method="filter_final_test",
        label=text.FINAL_TEST,
        empty_label=text.ANY,
    )
    revised_advice = django_filters.ChoiceFilter(
        choices=WITH_WITHOUT,
        method="filter_revised_advice",
        label=text.REVISED_ADVICE,
        empty_label=text.ANY,
    )
    elk_dot = django_filters.ChoiceFilter(
        choices=(("green", text.DOT_GREEN), ("blue", text.DOT_BLUE), ("none", text.DOT_NONE)),
        method="filter_elk_dot",
        label=text.ELK_DOT,
        empty_label=text.ANY,
    )
    request = django_filters.ChoiceFilter(
        choices=(
            ("open", text.OPEN_REQUEST),
            ("failed", text.FAILED_REQUEST),
            ("none", text.NO_REQUEST),
        ),
        method="filter_request",
        label=text.REQUEST,
        empty_label=text.ANY,
    )

    # Fields shown under "more search options" on the page.
    EXTRA_FIELDS = ("final_test", "revised_advice", "elk_dot", "request")

    class Meta:
        model = Student
        fields: list[str] = []

    def filter_in_signup_group(self, qs, name, value):
        return qs.filter(signup_group__isnull=False) if value else qs

    def filter_surname(self, qs, name, value):
        return qs.filter(surname__icontains=value.strip())

    def filter_postcode(self, qs, name, value):
        return qs.filter(postcode__startswith="".join(value.split()).upper())

    def filter_primary_school(self, qs, name, value):
        value = value.strip()
        return qs.filter(
            Q(primary_school__name__icontains=value) | Q(primary_school__brin__istartswith=value)
        )

    def filter_final_test(self, qs, name, value):
        condition = student_selectors.has_final_test()
        return qs.filter(condition) if value == "with" else qs.filter(~condition)

    def filter_revised_advice(self, qs, name, value):
        condition = student_selectors.has_revised_advice()
        return qs.filter(condition) if value == "with" else qs.filter(~condition)

    def filter_elk_dot(self, qs, name, value):
        return qs.filter(elk_dot="" if value == "none" else value)

    def filter_request(self, qs, name, value):
        if value == "open":
            return qs.filter(student_selectors.has_open_request())
        if value == "failed":
            return qs.filter(student_selectors.latest_request_failed())
        return qs.filter(~student_selectors.has_open_request())
