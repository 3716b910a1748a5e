from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from charity.fields import Amount, Text, UnitValue
from charity.models import ReceiptForm, ReceiptPaper, Unit


class UnitCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: Text
    name: Text
    parent_code: Text | None = None
    address: Text = ""


class UnitUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out stay as they are; `parent_code: null` makes the unit a root."""

    name: Text | None = None
    address: Text | None = None
    parent_code: Text | msgspec.UnsetType | None = msgspec.UNSET
    receipt_paper: ReceiptPaper | None = None
    zero_tens_word: Literal["linh", "lẻ"] | None = None
    receipt_form: ReceiptForm | None = None
    # Above this amount (đồng) a gift must be confirmed by whoever records it.
    large_gift_threshold: Amount | None = None
    # How many months (1 to 60) a beneficiary's verification holds before it is due for review.
    review_months: int | None = None
    # Above this value (đồng) a stock count's difference waits for a second coordinator; 0: every one.
    adjustment_threshold: UnitValue | None = None


class UnitOut(msgspec.Struct):
    id: int
    code: str
    name: str
    parent_id: int | None
    address: str
    created_at: datetime
    receipt_paper: ReceiptPaper
    zero_tens_word: str
    receipt_form: ReceiptForm
    large_gift_threshold: int
    review_months: int
    adjustment_threshold: int

    @classmethod
    def of(cls, unit: Unit) -> UnitOut:
        return cls(
            unit.id,
            unit.code,
            unit.name,
            unit.parent_id,
            unit.address,
            unit.created_at,
            ReceiptPaper(unit.receipt_paper),
            unit.zero_tens_word,
            ReceiptForm(unit.receipt_form),
            unit.large_gift_threshold,
            unit.review_months,
            unit.adjustment_threshold,
        )
