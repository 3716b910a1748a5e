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


class Dong(int):
    """An amount of money in a request: a JSON integer and nothing else. The framework's lenient
    decoding would turn "500000" or 500000.0 into an int; money typed this way refuses both."""


def decode_dong(_type: type, value: object) -> Dong:
    if type(value) is not int:
        raise TypeError("Số tiền phải là số nguyên đồng, viết bằng chữ số, không có phần lẻ.")
    return Dong(value)


def plain(amount: int | None) -> int | None:
    """Back to a plain int once decoded (request structs call this in `__post_init__`), so that
    encoders and database drivers downstream never meet the marker type."""
    return None if amount is None else int(amount)


def is_dong(annotation: object) -> bool:
    return annotation is Dong
