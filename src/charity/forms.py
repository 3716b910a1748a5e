"""Reading web forms: amounts and quantities as Vietnamese people type them, and errors per field.

Pages post HTML forms, not JSON, so their values arrive as text. These helpers turn the text into the
values the services take, raising the same `Invalid` errors the services raise, so a page shows every
error next to its field the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

import msgspec
from litestar.datastructures import FormMultiDict

from charity.errors import DomainError, Invalid
from charity.fields import TEXT_MAX, UNTYPED
from charity.models import MAX_AMOUNT, MAX_AMOUNT_TEXT
from charity.text import typed
from charity.validation import translate

E = TypeVar("E", bound=StrEnum)
S = TypeVar("S", bound=msgspec.Struct)
_DONG = re.compile(r"\d{1,3}(?:[.\s]\d{3})+|\d+")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _typed(value: object, name: str, checked: bool) -> str:
    """A form's text as typed; what no person types (control characters, bidirectional overrides,
    text longer than any field) is refused, as in the API's bodies (`charity.fields.Text`). A form
    that decodes its fields as the API does (the gift form) takes them unchecked, so that they are
    refused with the form shown again."""
    if not isinstance(value, str):
        return ""
    if not checked:
        return value
    if not typed(value):
        raise Invalid(UNTYPED, field=name)
    if len(value) > TEXT_MAX:
        raise Invalid(f"Nội dung dài quá {TEXT_MAX} ký tự.", field=name)
    return value


def text(form: FormMultiDict, name: str, *, checked: bool = True) -> str:
    return _typed(form.get(name, ""), name, checked)


def texts(form: FormMultiDict, name: str, *, checked: bool = True) -> list[str]:
    return [_typed(value, name, checked) for value in form.getall(name, [])]


def dong(raw: str, *, field: str, label: str = "Số tiền") -> int | None:
    """ "1.250.000", "1 250 000", "1250000 đ" → 1250000; empty → None."""
    cleaned = raw.strip().removesuffix("đ").removesuffix("₫").strip()
    if not cleaned:
        return None
    if not _DONG.fullmatch(cleaned):
        raise Invalid(f"{label} phải là số nguyên đồng, ví dụ 500.000.", field=field)
    amount = int(re.sub(r"[.\s]", "", cleaned))
    if amount > MAX_AMOUNT:
        raise Invalid(f"{label} quá lớn: tối đa {MAX_AMOUNT_TEXT}.", field=field)
    return amount


def quantity(raw: str, *, field: str) -> Decimal | None:
    """Quantities as written in Vietnam: a comma before decimals, dots between thousands ("1.200,5" →
    1200.5, "2.500" → 2500). A lone dot before one, two or four digits can only be a decimal point
    ("12.5" → 12.5)."""
    cleaned = raw.strip().replace(" ", "")
    if not cleaned:
        return None
    if "," in cleaned or _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid("Số lượng phải là một số, ví dụ 12,5.", field=field) from None
    if not value.is_finite():
        raise Invalid("Số lượng phải là một số, ví dụ 12,5.", field=field)
    return value


def day(raw: str, *, field: str, label: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid(f"{label} không hợp lệ.", field=field) from None


def day_or_none(raw: str) -> date | None:
    """A filter's date as an ISO date input sends it; anything else is no filter."""
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def choice(kind: type[E], raw: str) -> E | None:
    """The member of a string enumeration a select sent, or None for anything else."""
    try:
        return kind(raw)
    except ValueError:
        return None


def whole_number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def as_decoded(value: S, *, dec_hook: Callable[[type, Any], Any] | None = None) -> S:
    """A request body a form built field by field, as the API would have decoded it: the schema's
    bounds (ids that can exist, no control characters, list lengths) hold for the form too, refused
    with the field they concern ("members[0].name")."""
    try:
        return msgspec.convert(msgspec.to_builtins(value), type(value), dec_hook=dec_hook)
    except msgspec.ValidationError as error:
        message, _, where = str(error).rpartition(" - at `$.")
        raise Invalid(translate(message), field=where.rstrip("`")) from error


def errors_of(error: DomainError) -> dict[str, str]:
    """The error keyed by its field ("" when it concerns the whole form), for the template."""
    return {error.field or "": error.message}
