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


_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BELOW_BILLION = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))
ZERO_TENS_WORDS = ("linh", "lẻ")


def _three_digits(number: int, *, with_hundreds: bool, zero_tens: str) -> list[str]:
    """Words of 0 < number < 1000. A group after the first reads its hundreds even when they are 0."""
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds or with_hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += [zero_tens, _DIGITS[units]] if words else [_DIGITS[units]]
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _number_words(number: int, *, leading: bool, zero_tens: str) -> list[str]:
    """Words of number > 0: whole tỷ first (themselves read as a number, so 10^12 is "một nghìn tỷ"),
    then triệu, nghìn and units, skipping zero groups."""
    billions, rest = divmod(number, 10**9)
    words = []
    if billions:
        words += [*_number_words(billions, leading=leading, zero_tens=zero_tens), "tỷ"]
    for scale, name in _BELOW_BILLION:
        group, rest = divmod(rest, scale)
        if group:
            words += _three_digits(group, with_hundreds=bool(words) or not leading, zero_tens=zero_tens)
            if name:
                words.append(name)
    return words


def amount_in_words(amount: int, *, zero_tens: str = "linh") -> str:
    """An amount of đồng in words, as written under "Viết bằng chữ" on a receipt:
    1250000 → "Một triệu hai trăm năm mươi nghìn đồng". `zero_tens` is the unit's word for a zero
    tens digit before a non-zero unit ("một trăm linh năm" or "một trăm lẻ năm")."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be a whole number of đồng, got {amount!r}")
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    if zero_tens not in ZERO_TENS_WORDS:
        raise ValueError(f"zero_tens must be one of {ZERO_TENS_WORDS}, got {zero_tens!r}")
    words = _number_words(amount, leading=True, zero_tens=zero_tens) if amount else ["không"]
    sentence = " ".join([*words, "đồng"])
    return sentence[0].upper() + sentence[1:]


def format_vnd(amount: int) -> str:
    """1250000 → "1.250.000 đ" (dots between thousands, as written in Vietnam)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be a whole number of đồng, got {amount!r}")
    return f"{amount:,} đ".replace(",", ".")


def format_quantity(quantity: Decimal) -> str:
    """2.500 → "2,5"; 1000 → "1.000" (comma for decimals, dots between thousands)."""
    whole, _, fraction = f"{quantity.normalize():f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"
