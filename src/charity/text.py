"""Vietnamese text helpers with no web or database knowledge."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Text a person typed: no control characters but tab and line breaks (PostgreSQL refuses NUL in text),
# and no bidirectional controls, which can make a printed receipt read differently from what is stored.
FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
TYPED = f"^[^{FORBIDDEN}]*$"
_FORBIDDEN = re.compile(f"[{FORBIDDEN}]")


def typed(text: str) -> bool:
    """Whether the text holds only what a person types (see `TYPED`)."""
    return _FORBIDDEN.search(text) is None


def clean(text: str) -> str:
    """Text as we store it: NFC (one code point per accented letter), trimmed, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def name_key(text: str) -> str:
    """What makes two names the same name: "Đồng phục học sinh", "đồng phục học sinh" and its
    decomposed form are one. Compared in Python, since SQLite's lower() knows only ASCII."""
    return unicodedata.normalize("NFC", clean(text).casefold())


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Nguyễn Thị Hồng Đức" → "nguyen thi hong duc"."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_slug(text: str, max_length: int = 60) -> str:
    """A file name's part made of a name: "Hũ gạo tiết kiệm 2026" → "hu-gao-tiet-kiem-2026"."""
    return _NOT_SLUG.sub("-", fold(text))[:max_length].strip("-") or "x"
