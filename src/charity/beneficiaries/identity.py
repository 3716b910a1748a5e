"""What identifies a person, checked and masked, with no web or database knowledge: the CCCD number
(số định danh cá nhân) and a name as the public may see it."""

from __future__ import annotations

import re

from charity.text import clean

# The place of birth registration, the first three digits (Circular 07/2016/TT-BCA and its successors:
# the 63 provinces before the 2025 mergers; cards issued since keep these codes).
PROVINCE_CODES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)
_DIGITS = re.compile(r"[0-9]{12}")
# The fourth digit: the century of birth and the sex, from 1900 (0 a man, 1 a woman) by steps of 2.
FIRST_CENTURY = 1900
CENTURY_DIGITS = 4  # 0–3: born 1900–2099; later digits are for births to come


class BadIdNumber(ValueError):
    """The message says, in Vietnamese, what is wrong with the number."""


def clean_id_number(text: str, *, birth_year: int | None = None, female: bool | None = None) -> str:
    """A CCCD number as stored: twelve digits whose province code exists and whose century, sex and
    year of birth agree with the `birth_year` and sex recorded for the same person, when known.
    Spaces and dots typed between groups are dropped; an empty text stays empty."""
    digits = re.sub(r"[\s.-]", "", text)
    if not digits:
        return ""
    if not _DIGITS.fullmatch(digits):
        raise BadIdNumber("Số CCCD gồm đúng 12 chữ số.")
    if digits[:3] not in PROVINCE_CODES:
        raise BadIdNumber(
            f"Số CCCD không hợp lệ: {digits[:3]} không phải mã tỉnh, thành phố nơi đăng ký khai sinh."
        )
    code = int(digits[3])
    if code >= CENTURY_DIGITS:
        raise BadIdNumber("Số CCCD không hợp lệ: chữ số thứ tư chỉ thế kỷ sinh và giới tính (0–3).")
    year = FIRST_CENTURY + 100 * (code // 2) + int(digits[4:6])
    if birth_year is not None and birth_year != year:
        raise BadIdNumber(f"Số CCCD ghi năm sinh {year}, khác năm sinh đã nhập ({birth_year}).")
    if female is not None and female != bool(code % 2):
        sex = "nữ" if code % 2 else "nam"
        raise BadIdNumber(f"Số CCCD ghi giới tính {sex}, khác giới tính đã nhập.")
    return digits


def mask_id_number(number: str) -> str:
    """Only the last four digits show: "********1234"."""
    return f"{'*' * (len(number) - 4)}{number[-4:]}" if number else ""


def mask_name(name: str) -> str:
    """A name as the public may see it: the family name whole, then initials, "Nguyễn T. H."."""
    words = clean(name).split(" ")
    if len(words) < 2:
        return f"{words[0][:1]}." if words[0] else ""
    return " ".join([words[0], *(f"{word[:1]}." for word in words[1:])])
