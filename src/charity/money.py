"""Money and quantities, with no web or database knowledge. Money is a whole number of đồng."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

QUANTITY_PLACES = Decimal("0.001")


def line_value(quantity: Decimal, unit_value: int) -> int:
    """Estimated value of goods: quantity × unit value, rounded half up to the đồng."""
    return int((quantity * unit_value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def canonical_quantity(quantity: Decimal) -> str:
    """A quantity written the same way whatever engine stored it: three decimals, no exponent."""
    return str(quantity.quantize(QUANTITY_PLACES))
