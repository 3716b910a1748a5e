"""Amounts and quantities typed into the pages, the Vietnamese way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from charity import forms
from charity.errors import Invalid
from charity.money import format_quantity, format_vnd

QUANTITIES = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**12), places=3)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("500000", 500_000),
        ("500.000", 500_000),
        ("1.250.000 đ", 1_250_000),
        ("1 250 000", 1_250_000),
        ("", None),
    ],
)
def test_amounts_are_read_with_or_without_thousands_dots(typed: str, amount: int | None) -> None:
    assert forms.dong(typed, field="cash.amount") == amount


@pytest.mark.parametrize("typed", ["12,5", "1.25", "500.00.0", "năm trăm", "-100", "1e6"])
def test_anything_but_whole_dong_is_refused_with_the_field_named(typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        forms.dong(typed, field="cash.amount")
    assert refused.value.field == "cash.amount"


@pytest.mark.parametrize(
    ("typed", "quantity"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("2.500", "2500"),
        ("1.200,5", "1200.5"),
        ("1.000.000", "1000000"),
        ("7", "7"),
    ],
)
def test_quantities_take_a_decimal_comma_and_thousands_dots(typed: str, quantity: str) -> None:
    assert forms.quantity(typed, field="q") == Decimal(quantity)


@given(QUANTITIES)
def test_a_quantity_shown_on_a_page_reads_back_as_the_same_quantity(quantity: Decimal) -> None:
    assert forms.quantity(format_quantity(quantity), field="q") == quantity


@given(st.integers(min_value=1, max_value=10**13))
def test_an_amount_shown_on_a_page_reads_back_as_the_same_amount(amount: int) -> None:
    assert forms.dong(format_vnd(amount), field="a") == amount


@pytest.mark.parametrize("typed", ["12", " 7 "])
def test_ids_are_plain_ascii_digits(typed: str) -> None:
    assert forms.whole_number(typed) == int(typed)


@pytest.mark.parametrize("typed", ["²", "١٢", "-1", "1.5", ""])
def test_anything_else_is_no_id(typed: str) -> None:
    assert forms.whole_number(typed) is None
