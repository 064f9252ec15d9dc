"""common.exports.spreadsheet_safe: the one formula guard of every spreadsheet export."""

from __future__ import annotations

import datetime as dt

import pytest

from common.exports import spreadsheet_safe


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+31 6", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Vermeulen", "van 't Hof", "a=b", "*****7892"])
def test_plain_text_is_unchanged(text):
    assert spreadsheet_safe(text) == text


@pytest.mark.parametrize("value", [None, 42, -5, dt.date(2021, 5, 10)])
def test_values_that_are_not_text_pass_through_for_excel(value):
    assert spreadsheet_safe(value) is value
