"""Dutch identifier rules: python-stdnum's check digits, on the exact form a dossier holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer

from oso_format.identifiers import (
    find_identifiers,
    is_valid_brin,
    is_valid_bsn,
    is_valid_education_number,
    normalise_postcode,
    redact_identifiers,
)

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def _eleven_test(value: str) -> int:
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11


@given(nine_digits)
def test_bsn_is_the_eleven_test_on_nine_digits_as_stdnum_has_it(value):
    expected = int(value) != 0 and _eleven_test(value) == 0
    assert is_valid_bsn(value) is expected
    assert is_valid_bsn(value) is stdnum_bsn.is_valid(value)


@given(nine_digits)
def test_education_number_starts_with_10_and_leaves_remainder_5_as_stdnum_has_it(value):
    expected = value.startswith("10") and _eleven_test(value) == 5
    assert is_valid_education_number(value) is expected
    assert is_valid_education_number(value) is stdnum_onderwijsnummer.is_valid(value)


@pytest.mark.parametrize("value", ["1112.22.333", " 111222333", "11122233", "", "11122233a"])
def test_only_the_bare_nine_digits_pass_where_stdnum_allows_written_forms(value):
    assert not is_valid_bsn(value)
    assert not is_valid_education_number(value)


def test_no_number_is_both_a_bsn_and_an_education_number():
    assert is_valid_bsn("111222333")
    assert not is_valid_education_number("111222333")
    assert is_valid_education_number("101222331")
    assert not is_valid_bsn("101222331")


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("05KO", True),
        ("99XX", True),
        ("05KO01", True),
        ("05ko", False),
        ("AB12", False),
        ("", False),
    ],
)
def test_brin_is_two_digits_and_two_letters_with_an_optional_branch(value, valid):
    assert is_valid_brin(value) is valid


@pytest.mark.parametrize(
    ("value", "normalised"),
    [("1501 ab", "1501AB"), (" 1501AB ", "1501AB"), ("0501 AB", "0501 AB"), ("B-1000", "B-1000")],
)
def test_postcode_is_normalised_when_it_is_dutch(value, normalised):
    assert normalise_postcode(value) == normalised


def test_identifiers_in_a_text_are_found_and_masked_and_nothing_else():
    text = "BSN 111222333, onderwijsnummer 1012.22.331, stamnummer 1112223334, telefoon 123456789"
    assert find_identifiers(text) == ["111222333", "101222331"]
    assert redact_identifiers(text) == (
        "BSN *****2333, onderwijsnummer *****2331, stamnummer 1112223334, telefoon 123456789"
    )
