"""Filters of the requests overview (*Overstapdossier opvragen*) and its export."""

from __future__ import annotations

import django_filters
from django import forms

from common import page_text as text
from requests.models import OPEN_STATUSES, RequestStatus, TransferRequest
from students.models import SignupGroup

OPEN = "open"
STATUS_CHOICES = [(OPEN, text.OPEN_REQUESTS), *RequestStatus.choices]


class TransferRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label=text.STATUS, empty_label=text.ANY
    )
    signup_group = django_filters.ModelChoiceFilter(
        field_name="student__signup_group",
        queryset=SignupGroup.objects.all(),
        label=text.SIGNUP_GROUP,
        empty_label=text.ANY,
    )
    batch = django_filters.NumberFilter(field_name="batch_id", widget=forms.HiddenInput)

    class Meta:
        model = TransferRequest
        fields: list[str] = []

    def filter_status(self, qs, name, value):
        if value == OPEN:
            return qs.filter(status__in=OPEN_STATUSES)
        return qs.filter(status=value)
