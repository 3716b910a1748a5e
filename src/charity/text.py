"""Vietnamese text helpers with no web or database knowledge."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Text a person typed: no control characters but tab and line breaks (PostgreSQL refuses NUL in text).
TYPED = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def clean(text: str) -> str:
    """Text as we store it: NFC (one code point per accented letter), trimmed, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Nguyễn Thị Hồng Đức" → "nguyen thi hong duc"."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
