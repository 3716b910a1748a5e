"""Amounts in words by the rules of Vietnamese receipts, checked against a table written from the rules
and, for every amount up to 10^15, against an independent reader of the words."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charity.money import amount_in_words, format_quantity, format_vnd, line_value

GOLDEN = [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (25, "Hai mươi lăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (1000, "Một nghìn đồng"),
    (1005, "Một nghìn không trăm linh năm đồng"),
    (1010, "Một nghìn không trăm mười đồng"),
    (1021, "Một nghìn không trăm hai mươi mốt đồng"),
    (10_000, "Mười nghìn đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (100_000, "Một trăm nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (500_000, "Năm trăm nghìn đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_000_005, "Một triệu không trăm linh năm đồng"),
    (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
    (1_250_000, "Một triệu hai trăm năm mươi nghìn đồng"),
    (2_000_015, "Hai triệu không trăm mười lăm đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (3_500_000_000, "Ba tỷ năm trăm triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_001_000_000_000, "Một nghìn không trăm linh một tỷ đồng"),
    (1_000_005_000_000, "Một nghìn tỷ không trăm linh năm triệu đồng"),
    (10**15, "Một triệu tỷ đồng"),
    (
        987_654_321,
        "Chín trăm tám mươi bảy triệu sáu trăm năm mươi bốn nghìn ba trăm hai mươi mốt đồng",
    ),
]


@pytest.mark.parametrize(("amount", "words"), GOLDEN)
def test_the_golden_table(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_a_unit_may_say_le_instead_of_linh() -> None:
    assert amount_in_words(1005, zero_tens="lẻ") == "Một nghìn không trăm lẻ năm đồng"
    with pytest.raises(ValueError, match="zero_tens"):
        amount_in_words(1005, zero_tens="le")


@pytest.mark.parametrize("bad", [-1, 1.5, Decimal(10), "100", True, None])
def test_anything_but_a_whole_non_negative_amount_is_refused(bad: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        amount_in_words(bad)  # type: ignore[arg-type]


_DIGIT_VALUES = {
    w: n for n, w in enumerate(["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"])
}
_UNITS = {**_DIGIT_VALUES, "mốt": 1, "lăm": 5}


def read_words(text: str) -> int:
    """An independent reader of amounts in words: scales apply to what was read since the last
    larger scale, and tỷ multiplies everything before it."""
    assert text.endswith(" đồng")
    tokens = text[: -len(" đồng")].lower().split()
    total = section = group = 0
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token in _DIGIT_VALUES and following in ("trăm", "mươi"):
            group += _DIGIT_VALUES[token] * (100 if following == "trăm" else 10)
        elif token in ("trăm", "mươi", "linh", "lẻ"):
            continue
        elif token == "mười":
            group += 10
        elif token in _UNITS:
            group += _UNITS[token]
        elif token == "nghìn":
            section, group = section + group * 1000, 0
        elif token == "triệu":
            section, group = section + group * 10**6, 0
        elif token == "tỷ":
            total, section, group = (total + section + group) * 10**9, 0, 0
        else:
            raise AssertionError(f"unexpected word {token!r}")
    return total + section + group


@given(st.integers(min_value=0, max_value=10**15))
def test_the_words_read_back_to_the_amount(amount: int) -> None:
    words = amount_in_words(amount)
    assert read_words(words) == amount
    assert words[0].isupper()
    assert words.endswith(" đồng")
    assert "  " not in words


@given(st.integers(min_value=0, max_value=10**15))
def test_hundreds_are_read_in_every_group_after_the_first(amount: int) -> None:
    """No group after the first starts without its hundreds ("không trăm" included)."""
    words = amount_in_words(amount).lower().split()
    for index, word in enumerate(words[:-1]):
        if word in ("nghìn", "triệu", "tỷ") and words[index + 1] not in ("tỷ", "đồng"):
            assert words[index + 2] == "trăm", words


@pytest.mark.parametrize(
    ("amount", "text"), [(0, "0 đ"), (500, "500 đ"), (1_250_000, "1.250.000 đ"), (-75_000, "-75.000 đ")]
)
def test_format_vnd(amount: int, text: str) -> None:
    assert format_vnd(amount) == text


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        (Decimal("2.500"), "2,5"),
        (Decimal("1000.000"), "1.000"),
        (Decimal("0.125"), "0,125"),
        (Decimal(12), "12"),
    ],
)
def test_format_quantity(quantity: Decimal, text: str) -> None:
    assert format_quantity(quantity) == text


def test_line_value_rounds_half_up() -> None:
    assert line_value(Decimal("2.5"), 18_001) == 45_003
    assert line_value(Decimal("0.001"), 499) == 0
    assert line_value(Decimal("0.001"), 500) == 1
