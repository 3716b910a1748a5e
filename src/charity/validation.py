"""msgspec's validation messages in words a volunteer can act on."""

from __future__ import annotations

import re

from charity.fields import UNTYPED
from charity.models import MAX_ID

# msgspec's messages, in words a volunteer can act on.
_TYPE_WORDS = {
    "int": "một số nguyên",
    "str": "một chuỗi chữ",
    "bool": "đúng hoặc sai (true/false)",
    "float": "một số",
    "array": "một danh sách",
    "object": "một đối tượng",
    "null": "để trống (null)",
}


_BOUND = re.compile(r"^Expected `int` (?P<op>[<>]=) (?P<limit>-?\d+)")


def translate(message: str) -> str:
    """msgspec's validation message in Vietnamese."""
    if "matching regex" in message:
        return UNTYPED
    if bound := _BOUND.match(message):
        if bound["limit"] == str(MAX_ID):
            return "Không có mã số này."
        return f"Giá trị ngoài khoảng cho phép ({bound['op']} {bound['limit']})."
    if message.startswith("Expected `"):
        expected = message.split("`")[1]
        words = " hoặc ".join(_TYPE_WORDS.get(part.strip(), part.strip()) for part in expected.split("|"))
        return f"Giá trị phải là {words}."
    if message.startswith("Object missing required field"):
        return "Thiếu trường bắt buộc."
    if message.startswith("Object contains unknown field"):
        return "Trường không được chấp nhận."
    if "must be" in message and ("<=" in message or ">=" in message):
        return f"Giá trị ngoài khoảng cho phép ({message.split('must be', 1)[1].strip()})."
    return "Giá trị không hợp lệ."
