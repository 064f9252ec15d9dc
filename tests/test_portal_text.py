"""Text as data: a code with parameters, rendered in the active language; old text read back."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from portal_text import LEGACY, Message, legacy, render, text_to_message
from portal_text.migration import stored_list_to_codes, stored_text_to_code
from requests.services import texts as request_texts
from students.services.dossier_merge import texts as merge_texts

BSN = "123456782"


def test_a_remark_renders_in_dutch_and_in_english_with_each_languages_dates():
    remark = merge_texts.OLDER(date=dt.date(2021, 3, 20), last=dt.date(2021, 5, 11))

    assert remark.as_json() == {
        "code": "merge.older",
        "params": {"date": "2021-03-20", "last": "2021-05-11"},
    }
    with translation.override("nl"):
        dutch = render(remark)
    with translation.override("en"):
        english = render(remark)
    assert "20-03-2021" in dutch and "11-05-2021" in dutch and "ouder" in dutch
    assert english == (
        "This dossier (dated 20-03-2021) is older than the last dossier applied "
        "(dated 11-05-2021); nothing was changed."
    )


def test_a_field_parameter_is_stored_as_the_field_and_shown_as_its_label():
    remark = merge_texts.CORRECTED_KEPT(field="surname", local="Hoff", dossier="Hof")

    assert remark.params["field"] == "surname"
    with translation.override("nl"):
        assert render(remark).startswith("Achternaam is lokaal gecorrigeerd")
    with translation.override("en"):
        assert render(remark).startswith("Surname is corrected locally")


def test_identifiers_in_parameters_are_masked_when_stored():
    remark = merge_texts.TOO_LONG(field="town", length=200, max=100, value=f"x {BSN} y")
    reason = request_texts.NOT_PREPARED(reason=legacy(f"BSN {BSN} onbekend"))

    stored = f"{remark.as_json()} {reason.as_json()}"
    assert BSN not in stored
    assert "*****6782" in stored


def test_a_nested_reason_renders_in_the_active_language_too():
    reason = request_texts.GIVEN_UP(attempts=2, reason=request_texts.NO_ANSWER())

    with translation.override("nl"):
        assert render(reason).startswith("Opgegeven na 2 pogingen")
    with translation.override("en"):
        assert render(reason) == (
            "Given up after 2 attempts: The endpoint gave no answer for this request."
        )


def test_plain_text_and_unknown_codes_read_as_written():
    assert render("Een oude opmerking") == "Een oude opmerking"
    assert render({"code": "gone.code", "params": {"text": "wat er stond"}}) == "wat er stond"
    assert render(legacy("kapot")) == "kapot"


def test_stored_dutch_text_becomes_its_code_with_its_parameters():
    with translation.override("nl"):
        dutch = render(
            merge_texts.CORRECTED_KEPT(field="town", local="Zaandijk", dossier="Zaandam")
        )
        older = render(merge_texts.OLDER(date=dt.date(2021, 3, 1), last=dt.date(2021, 5, 10)))
        given_up = render(request_texts.GIVEN_UP(attempts=3, reason=request_texts.EMPTY_FILE()))

    assert stored_list_to_codes([dutch, older, "Iets heel anders"]) == [
        {"code": "merge.corrected_kept",
         "params": {"field": "town", "local": "Zaandijk", "dossier": "Zaandam"}},
        {"code": "merge.older", "params": {"date": "2021-03-01", "last": "2021-05-10"}},
        {"code": LEGACY, "params": {"text": "Iets heel anders"}},
    ]  # fmt: skip
    assert stored_text_to_code(given_up) == {
        "code": "request.given_up",
        "params": {"attempts": 3, "reason": {"code": "request.empty_file", "params": {}}},
    }


def test_a_client_refusal_stored_as_text_becomes_its_code():
    from requests.client import messages

    with translation.override("nl"):
        text = messages.refusal_message(messages.REFUSED)
        message = text_to_message(text)

    assert message == Message("client.refusal", {"code": "refused"})
    with translation.override("en"):
        assert render(message) == (
            "The primary school refuses to release this pupil's transfer file."
        )


def test_stored_codes_are_left_as_they_are():
    coded = [merge_texts.NO_STUDENT().as_json()]

    assert stored_list_to_codes(coded) == coded
