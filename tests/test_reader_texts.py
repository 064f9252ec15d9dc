"""The reader's Dutch notices and reasons are stored as codes and read in the page's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from portal_text import LEGACY, render
from students.models import DossierOutcome, ReceivedDossier
from students.services.dossier_merge.reader_texts import reader_text
from tests.factories import SignupGroupFactory
from tests.oso_dossier_edit import dossier_edit
from tests.test_dossier_merge_examples import MARCH, full_example, merge_one

pytestmark = pytest.mark.django_db

MAY = dt.date(2021, 5, 10)


def test_secret_address_phone_and_email_notices_read_in_english(oso_examples):
    group = SignupGroupFactory()
    first = merge_one(
        dossier_edit(full_example(oso_examples), collection_date=MARCH, final_test=False),
        group=group,
    )
    assert first.outcome == DossierOutcome.CREATED
    secret = dossier_edit(
        full_example(oso_examples),
        collection_date=MAY,
        address_secret=True,
        secret_phone_and_email=True,
    )

    result = merge_one(secret)

    stored = ReceivedDossier.objects.get(pk=result.dossier_id).remarks
    assert {remark["code"] for remark in stored} == {
        "reader.address_secret",
        "reader.phone_secret",
        "reader.email_secret",
    }
    with translation.override("en"):
        english = [render(remark) for remark in stored]
    assert "Address is secret in the dossier (adresgeheim): the existing address was kept." in (
        english
    )


def test_an_empty_file_fails_with_a_reason_that_reads_in_english():
    result = merge_one(b"", group=SignupGroupFactory())

    assert result.outcome == DossierOutcome.FAILED
    assert result.reason_message is not None
    assert result.reason_message.code == "reader.empty"
    with translation.override("en"):
        assert result.reason == "The dossier is empty."


def test_a_future_collection_date_keeps_its_field_and_date_as_parameters():
    with translation.override("nl"):
        dutch = translation.gettext(
            "Field {field}: the collection date {date} lies in the future."
        ).format(field="metadata/datum", date="2031-01-02")

    message = reader_text(dutch)

    assert message.code == "reader.future_collection_date"
    assert message.params == {"field": "metadata/datum", "date": "2031-01-02"}
    with translation.override("en"):
        assert render(message) == (
            "Field metadata/datum: the collection date 2031-01-02 lies in the future."
        )


def test_a_sentence_the_reader_does_not_list_keeps_its_dutch_text():
    message = reader_text("Veld x (regel 3) past niet bij de XSD: iets.")

    assert message.code == LEGACY
    with translation.override("en"):
        assert render(message) == "Veld x (regel 3) past niet bij de XSD: iets."
