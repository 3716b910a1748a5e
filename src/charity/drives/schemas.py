from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import msgspec

from charity.fields import Amount, Id, Quantity, Text
from charity.models import DriveKind, DriveStatus, Purpose
from charity.money import plain


class DriveItemIn(msgspec.Struct, forbid_unknown_fields=True):
    item_type_id: Id
    target_quantity: Quantity | None = None


class DriveCreate(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: Id
    name: Text
    kind: DriveKind
    starts_on: date
    ends_on: date
    target_amount: Amount | None = None
    items: list[DriveItemIn] = msgspec.field(default_factory=list)
    bank_account: Text = ""
    is_public: bool = False
    description: Text = ""
    # At least this many days between two distributions to one beneficiary (30: once a month).
    min_days_between: int | None = None
    # The purposes distributions may have; none: every purpose the drive's kind allows.
    purposes: list[Purpose] = msgspec.field(default_factory=list)

    def __post_init__(self) -> None:
        self.target_amount = plain(self.target_amount)


class DriveUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Fields left out stay as they are; `items` replaces the accepted item types as a whole."""

    name: Text | None = None
    kind: DriveKind | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    target_amount: int | msgspec.UnsetType | None = msgspec.UNSET
    items: list[DriveItemIn] | None = None
    bank_account: Text | None = None
    is_public: bool | None = None
    description: Text | None = None
    min_days_between: int | msgspec.UnsetType | None = msgspec.UNSET
    purposes: list[Purpose] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.target_amount, int):
            self.target_amount = plain(self.target_amount)


class DriveItemOut(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    target_quantity: Decimal | None


class DriveOut(msgspec.Struct):
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    name: str
    kind: DriveKind
    status: DriveStatus
    starts_on: date
    ends_on: date
    distribution_deadline: date | None
    target_amount: int | None
    items: list[DriveItemOut]
    bank_account: str
    is_public: bool
    description: str
    created_at: datetime
    min_days_between: int | None
    purposes: list[Purpose]


class ItemProgress(msgspec.Struct):
    item_type_id: int
    name: str
    unit_of_measure: str
    quantity: Decimal
    value: int
    target_quantity: Decimal | None
    progress: float | None


class Flow(msgspec.Struct):
    """An amount of one asset: đồng (`quantity` null) or an item type, valued in đồng."""

    amount: int
    quantity: Decimal | None


class AssetFlows(msgspec.Struct):
    """What came into a drive of one asset, what went out, and what it holds: `came_in` is gifts
    (net of voided receipts), transfers in and conversions' money; `went_out` is distributions (net
    of voided ones), conversions' goods, transfers out and adjustments (net: a count that found more
    than the book takes out less); `held` = `came_in` − `went_out`, the books' closing balance."""

    item_type_id: int | None
    name: str
    unit_of_measure: str
    gifts: Flow
    transfers_in: Flow
    conversions_in: Flow
    distributions: Flow
    conversions_out: Flow
    transfers_out: Flow
    adjustments: Flow
    came_in: Flow
    went_out: Flow
    held: Flow


class DriveSummary(msgspec.Struct):
    """A drive's totals. `cash_total`, `goods_value`, `total_value` and `items[].quantity`/`value` are
    what the drive holds now; the progress ratios are what it raised (gifts and transfers in) against
    its targets, so giving out does not undo them."""

    drive_id: int
    status: DriveStatus
    receipts_issued: int
    receipts_void: int
    donors: int
    cash_total: int
    goods_value: int
    total_value: int
    target_amount: int | None
    cash_progress: float | None
    items: list[ItemProgress]
    # đồng first, then each item type by name.
    flows: list[AssetFlows]
    distributions_handed_over: int
    # Households (beneficiaries) that received at least once, and the people of counted groups.
    households_reached: int
    people_in_groups: int


class ChainEntryOut(msgspec.Struct):
    seq: int
    hash: str
    posted_on: date
    created_at: datetime


class PrintedCheckOut(msgspec.Struct):
    """A chain end as a kept printout gives it, against the ledger as it is now."""

    seq: int
    hash: str
    matches: bool
    detail: str


class ChainCheckOut(msgspec.Struct):
    """A drive's ledger checked entry by entry against its hash chain."""

    drive_id: int
    intact: bool
    entries: int
    # The chain end kept on the drive, and whether the entries end there.
    head_seq: int
    head_hash: str
    head_matches: bool
    first: ChainEntryOut | None
    last: ChainEntryOut | None
    # The first entry found wrong, and how: content_changed, entry_missing, entry_inserted, chain_cut.
    first_bad_seq: int | None
    problem: str | None
    detail: str
    # The printout's chain end compared, when one was given.
    printed: PrintedCheckOut | None = None
