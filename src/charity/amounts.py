"""The bounds every amount of money and quantity of goods a user types must keep, with the message
that names the line that is wrong: gifts, distributions and stock documents check them the same way."""

from __future__ import annotations

from decimal import Decimal

from charity.errors import Invalid
from charity.models import MAX_AMOUNT, MAX_AMOUNT_TEXT

MAX_QUANTITY = Decimal(10**12)
QUANTUM = Decimal("0.001")


def check_quantity(quantity: Decimal, name: str, field: str) -> Decimal:
    """A positive quantity of `name` with at most three decimals (to the gram)."""
    if not quantity.is_finite() or not 0 < quantity <= MAX_QUANTITY:
        raise Invalid(f"Số lượng {name} phải là số dương.", field=field)
    if quantity != quantity.quantize(QUANTUM):
        raise Invalid(f"Số lượng {name} có tối đa 3 chữ số thập phân.", field=field)
    return quantity


def check_cash(amount: int, field: str) -> int:
    """A sum of money: a whole positive number of đồng, up to the largest single amount we take."""
    if amount < 1:
        raise Invalid("Số tiền phải là số nguyên dương (đồng).", field=field)
    if amount > MAX_AMOUNT:
        raise Invalid(f"Số tiền quá lớn: tối đa {MAX_AMOUNT_TEXT}.", field=field)
    return amount
