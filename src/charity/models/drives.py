from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, String, Text
from sqlmodel import Field, SQLModel

from charity.models.base import Money, Quantity, UTCDateTime, one_of, utcnow

GENESIS = "0" * 64


class DriveKind(StrEnum):
    FUND = "fund"
    APPEAL = "appeal"
    RICE_JAR = "rice_jar"
    PIGGY_BANK = "piggy_bank"
    NOTEBOOKS = "notebooks"
    CHARITY_MEALS = "charity_meals"
    GOODS = "goods"


class DriveStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class Drive(SQLModel, table=True):
    """A charity drive (cuộc vận động) of one unit, with its receiving window and targets."""

    __tablename__ = "drive"
    __table_args__ = (
        one_of("kind", DriveKind),
        one_of("status", DriveStatus),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("ends_on >= starts_on", name="window_order"),
        CheckConstraint(
            "distribution_deadline IS NULL OR distribution_deadline >= ends_on", name="deadline_after_window"
        ),
        CheckConstraint("target_amount IS NULL OR target_amount > 0", name="target_amount_positive"),
        CheckConstraint(
            "min_days_between IS NULL OR min_days_between BETWEEN 1 AND 366", name="min_days_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(20))
    status: str = Field(default=DriveStatus.DRAFT, sa_type=String(10))
    starts_on: date
    ends_on: date
    distribution_deadline: date | None = None
    target_amount: int | None = Field(default=None, sa_type=Money)
    bank_account: str = Field(default="", sa_type=String(120))
    is_public: bool = Field(default=False)
    description: str = Field(default="", sa_type=Text)
    # How often one beneficiary may receive from the drive: at least this many days apart (30: once a
    # month). A coordinator may give sooner with a reason.
    min_days_between: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The end of the drive's ledger chain, moved by every posting under the drive's row lock: a chain
    # cut short at its end no longer matches it.
    ledger_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    ledger_hash: str = Field(
        default=GENESIS, sa_type=String(64), sa_column_kwargs={"server_default": GENESIS}
    )


class DriveItemType(SQLModel, table=True):
    """An item type a drive accepts, with an optional quantity target."""

    __tablename__ = "drive_item_type"
    __table_args__ = (
        CheckConstraint("target_quantity IS NULL OR target_quantity > 0", name="target_quantity_positive"),
    )

    drive_id: int = Field(foreign_key="drive.id", primary_key=True)
    item_type_id: int = Field(foreign_key="item_type.id", primary_key=True, index=True)
    target_quantity: Decimal | None = Field(default=None, sa_type=Quantity)
