"""Filters of the requests overview (*Overstapdossier opvragen*) and its export.

By default the overview shows each pupil's latest request only, so that its rows
and its counts are the pupils of the filter; *Toon alle aanvragen* (``history``)
shows every request, the history included. A batch filter (the send just made)
shows that batch's rows whatever is later.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from common import page_text as text
from requests.models import OPEN_STATUSES, RequestMode, RequestStatus, TransferRequest
from requests.selectors import latest_requests
from students.models import SignupGroup

OPEN = "open"
STATUS_CHOICES = [(OPEN, text.OPEN_REQUESTS), *RequestStatus.choices]
# The status filter narrows the rows but not the counts per status beside it.
FACET = "status"


class TransferRequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=text.SEARCH_NAME_OR_NUMBER,
        help_text=text.SEARCH_HELP,
        # No BSN reaches this GET filter: oso_portal/admin_search.py takes it out of the
        # URL for every page, and static/js/bsn_search_guard.js stops it in the browser.
        max_length=100,
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=text.STATUS, empty_label=text.ANY
    )
    signup_group = django_filters.ModelChoiceFilter(
        field_name="student__signup_group",
        queryset=SignupGroup.objects.all(),
        label=text.SIGNUP_GROUP,
        empty_label=text.ANY,
    )
    kind = django_filters.ChoiceFilter(
        field_name="mode", choices=RequestMode.choices, label=text.MODE, empty_label=text.ANY
    )
    history = django_filters.BooleanFilter(
        method="filter_history",
        label=text.SHOW_ALL_REQUESTS,
        widget=forms.CheckboxInput,
    )
    batch = django_filters.NumberFilter(field_name="batch_id", widget=forms.HiddenInput)

    class Meta:
        model = TransferRequest
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        self.faceted_qs = self._filter(queryset, skip=FACET)
        return self.filters[FACET].filter(self.faceted_qs, self.form.cleaned_data.get(FACET))

    def _filter(self, queryset: QuerySet, *, skip: str) -> QuerySet:
        cleaned = self.form.cleaned_data
        for name, value in cleaned.items():
            if name != skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_history(self, qs, name, value):
        # The rows of one send are shown whole, even where a later request followed.
        if value or self.form.cleaned_data.get("batch"):
            return qs
        return latest_requests(qs)

    def filter_search(self, qs, name, value):
        for term in value.split():
            qs = qs.filter(
                Q(student__student_number__startswith=term)
                | Q(student__surname__icontains=term)
                | Q(student__given_name__icontains=term)
                | Q(student__prefix__iexact=term)
            )
        return qs

    def filter_status(self, qs, name, value):
        if not value:
            return qs
        if value == OPEN:
            return qs.filter(status__in=OPEN_STATUSES)
        return qs.filter(status=value)
