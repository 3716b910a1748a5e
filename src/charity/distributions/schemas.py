from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from charity.fields import Amount, Id, Quantity, Text
from charity.models import Absence, DistributionStatus, PaymentMethod, Purpose, RoundStatus
from charity.money import plain

MAX_LINES = 20
MAX_ROUND_LINES = 500
# A counted group: the meals of a day at a hospital, the pupils of a school.
GroupCount = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]


class CashGiven(msgspec.Struct, forbid_unknown_fields=True):
    amount: Amount
    method: PaymentMethod = PaymentMethod.CASH

    def __post_init__(self) -> None:
        self.amount = plain(self.amount)


class GoodsGiven(msgspec.Struct, forbid_unknown_fields=True):
    """A quantity of an item type; its value is the book value of what the drive holds."""

    item_type_id: Id
    quantity: Quantity


Goods = Annotated[list[GoodsGiven], msgspec.Meta(max_length=MAX_LINES)]


class GroupIn(msgspec.Struct, forbid_unknown_fields=True):
    """Recipients with no names: where, how many, and who they are ("bệnh nhân nghèo khoa Nội")."""

    place: Text
    count: GroupCount
    description: Text = ""


class DistributionIn(msgspec.Struct, forbid_unknown_fields=True):
    """To `beneficiary_id` or to a `group`. With `handed_over_on` it is handed over (and posted) at
    once; without, it is planned and handed over later."""

    drive_id: Id
    purpose: Purpose
    beneficiary_id: Id | None = None
    group: GroupIn | None = None
    cash: CashGiven | None = None
    items: Goods = msgspec.field(default_factory=list)
    handed_over_on: date | None = None
    note: Text = ""
    # Given sooner than the drive's limit on how often one beneficiary receives (else 409 `too_soon`).
    override_reason: Text = ""
    # Handed over after the appeal's distribution deadline (else 422 `after_deadline`).
    late_reason: Text = ""


class HandOverIn(msgspec.Struct, forbid_unknown_fields=True):
    handed_over_on: date
    late_reason: Text = ""


class VoidIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class GoodsOut(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    quantity: Decimal
    # The book value taken out, once handed over.
    value: int | None


class CashOut(msgspec.Struct):
    amount: int
    method: PaymentMethod


class RecipientOut(msgspec.Struct):
    """The beneficiary as the caller's role may see them (never more than the registry shows)."""

    id: int
    code: str
    name: str
    hamlet: str
    address: str
    unit_name: str
    categories: list[str]


class GroupOut(msgspec.Struct):
    place: str
    count: int
    description: str


class DistributionOut(msgspec.Struct):
    id: int
    # "TT-2026/00012"; none while it is a line of a round not yet approved.
    number: str | None
    drive_id: int
    drive_name: str
    unit_id: int
    round_id: int | None
    line_no: int | None
    beneficiary: RecipientOut | None
    group: GroupOut | None
    purpose: Purpose
    cash: CashOut | None
    items: list[GoodsOut]
    total_value: int | None
    status: DistributionStatus
    absence: Absence | None
    note: str
    override_reason: str
    late_reason: str
    created_by_name: str
    created_at: datetime
    handed_over_on: date | None
    handed_over_by_name: str
    void_reason: str
    voided_at: datetime | None


class RoundLineIn(msgspec.Struct, forbid_unknown_fields=True):
    beneficiary_id: Id
    cash: CashGiven | None = None
    items: Goods = msgspec.field(default_factory=list)
    override_reason: Text = ""


class RoundIn(msgspec.Struct, forbid_unknown_fields=True):
    drive_id: Id
    title: Text
    planned_on: date
    purpose: Purpose
    lines: Annotated[list[RoundLineIn], msgspec.Meta(min_length=1, max_length=MAX_ROUND_LINES)]
    place: Text = ""
    handed_over_by_name: Text = ""
    representative_name: Text = ""
    witness_name: Text = ""


class ExceptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A line not handed over with its round: absent (stays planned) or refused (voided)."""

    distribution_id: Id
    absence: Absence
    note: Text = ""


class RoundHandOverIn(msgspec.Struct, forbid_unknown_fields=True):
    handed_over_on: date
    exceptions: Annotated[list[ExceptionIn], msgspec.Meta(max_length=MAX_ROUND_LINES)] = msgspec.field(
        default_factory=list
    )
    late_reason: Text = ""


class CancelIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class AssetTotal(msgspec.Struct):
    """What a round gives in all of one asset: đồng (`item_type_id` null) or an item type."""

    item_type_id: int | None
    name: str
    unit_of_measure: str
    quantity: Decimal | None
    amount: int | None


class RoundOut(msgspec.Struct):
    id: int
    drive_id: int
    drive_name: str
    unit_id: int
    title: str
    place: str
    planned_on: date
    purpose: Purpose
    status: RoundStatus
    handed_over_by_name: str
    representative_name: str
    witness_name: str
    drafted_by: int
    drafted_by_name: str
    drafted_at: datetime
    approved_by_name: str
    approved_at: datetime | None
    handed_over_on: date | None
    cancel_reason: str
    totals: list[AssetTotal]
    lines: list[DistributionOut]
