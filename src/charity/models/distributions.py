"""What goes out of a drive: distributions (trao tặng / cấp phát) to a beneficiary or a counted group,
grouped in rounds (đợt trao), and the gapless books that number them and the stock documents.

A distribution holds the beneficiary's id only: the ledger and the books never carry personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from charity.models.base import Money, Quantity, UTCDateTime, both_or_neither, one_of, utcnow


class DocumentKind(StrEnum):
    """The documents besides receipts that post to a drive's ledger, each numbered in a book of its own."""

    DISTRIBUTION = "distribution"
    CONVERSION = "conversion"
    ADJUSTMENT = "adjustment"
    TRANSFER = "transfer"


class DocumentBook(SQLModel, table=True):
    """A unit's book of one kind of document for one year: numbers 1, 2, 3… without gaps, taken while
    the row is locked by the transaction that writes the document (like a receipt book)."""

    __tablename__ = "document_book"
    __table_args__ = (
        UniqueConstraint("unit_id", "year", "kind"),
        one_of("kind", DocumentKind),
        CheckConstraint("year BETWEEN 2000 AND 2999", name="year_range"),
        CheckConstraint("next_seq >= 1", name="next_seq_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    year: int
    kind: str = Field(sa_type=String(20))
    next_seq: int = Field(default=1)


class Purpose(StrEnum):
    """What a distribution is for. The first nine are what khoản 1 Điều 11 Nghị định 93/2021/NĐ-CP
    allows an appeal's unconditional gifts to be spent on; the others serve the other drives."""

    CASUALTIES = "casualties"
    ESSENTIALS = "essentials"
    HOUSING = "housing"
    RELOCATION = "relocation"
    SHELTER = "shelter"
    SANITATION = "sanitation"
    MEDICAL_SUPPLIES = "medical_supplies"
    PRODUCTION = "production"
    PUBLIC_WORKS = "public_works"
    LIVING = "living"
    STUDY = "study"
    HEALTHCARE = "healthcare"
    MEALS = "meals"


DECREE_93_PURPOSES = (
    Purpose.CASUALTIES,
    Purpose.ESSENTIALS,
    Purpose.HOUSING,
    Purpose.RELOCATION,
    Purpose.SHELTER,
    Purpose.SANITATION,
    Purpose.MEDICAL_SUPPLIES,
    Purpose.PRODUCTION,
    Purpose.PUBLIC_WORKS,
)


class DistributionStatus(StrEnum):
    DRAFT = "draft"  # a line of a round not yet approved: no number yet
    PLANNED = "planned"  # numbered, not yet handed over: nothing posted
    HANDED_OVER = "handed_over"  # given: posted to the ledger
    VOID = "void"  # cancelled with a reason; the number stays, a handed-over one is reversed


class Absence(StrEnum):
    """Why a line of a round was not handed over with the round."""

    ABSENT = "absent"  # vắng mặt: stays planned, to be handed over later or voided
    REFUSED = "refused"  # từ chối nhận: voided


class RoundStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    HANDED_OVER = "handed_over"
    CANCELLED = "cancelled"


class DistributionRound(SQLModel, table=True):
    """A round (đợt trao): beneficiaries and what each gets, drafted by one coordinator and approved
    by another; its lines are distributions, numbered when it is approved."""

    __tablename__ = "distribution_round"
    __table_args__ = (
        one_of("status", RoundStatus),
        one_of("purpose", Purpose),
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("approved_by IS NULL OR approved_by <> drafted_by", name="not_approved_by_drafter"),
        CheckConstraint(
            "status IN ('draft', 'cancelled') OR (approved_by IS NOT NULL AND approved_at IS NOT NULL)",
            name="approved_has_approver",
        ),
        CheckConstraint(
            "status <> 'handed_over' OR (handed_over_on IS NOT NULL AND handed_over_by IS NOT NULL)",
            name="handed_over_has_date",
        ),
        CheckConstraint("status <> 'cancelled' OR cancel_reason <> ''", name="cancelled_has_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    drive_id: int = Field(foreign_key="drive.id", index=True)
    title: str = Field(sa_type=String(200))
    place: str = Field(default="", sa_type=String(200))
    planned_on: date
    purpose: str = Field(sa_type=String(30))
    status: str = Field(default=RoundStatus.DRAFT, sa_type=String(20))
    # Who signs the signature list besides the recipients: who hands over, the unit's representative
    # and a witness from the local authority.
    handed_over_by_name: str = Field(default="", sa_type=String(200))
    representative_name: str = Field(default="", sa_type=String(200))
    witness_name: str = Field(default="", sa_type=String(200))
    drafted_by: int = Field(foreign_key="user_account.id")
    drafted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by: int | None = Field(default=None, foreign_key="user_account.id")
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_over_on: date | None = None
    handed_over_by: int | None = Field(default=None, foreign_key="user_account.id")
    cancel_reason: str = Field(default="", sa_type=String(500))


class Distribution(SQLModel, table=True):
    """Money and/or goods given from one drive to a verified, consenting beneficiary or to a counted
    group with no names ("Bệnh viện Đa khoa tỉnh, 250 suất"). Never edited once handed over: a wrong
    one is voided with a reason, keeps its number, and its entries are reversed."""

    __tablename__ = "distribution"
    __table_args__ = (
        UniqueConstraint("book_id", "seq"),
        UniqueConstraint("round_id", "line_no"),
        Index("ix_distribution_beneficiary_id_handed_over_on", "beneficiary_id", "handed_over_on"),
        one_of("status", DistributionStatus),
        one_of("purpose", Purpose),
        one_of("absence", Absence),
        both_or_neither("book_id", "seq", name="numbered"),
        CheckConstraint("(status = 'draft') = (seq IS NULL)", name="numbered_unless_draft"),
        CheckConstraint("status <> 'draft' OR round_id IS NOT NULL", name="draft_only_in_round"),
        both_or_neither("round_id", "line_no", name="round_line"),
        CheckConstraint(
            "(beneficiary_id IS NOT NULL AND group_place = '' AND group_count IS NULL)"
            " OR (beneficiary_id IS NULL AND group_place <> '' AND group_count >= 1)",
            name="beneficiary_or_group",
        ),
        both_or_neither("cash_amount", "cash_method", name="cash_has_method"),
        CheckConstraint("cash_amount IS NULL OR cash_amount >= 1", name="cash_amount_positive"),
        CheckConstraint(
            "status <> 'handed_over' OR (handed_over_on IS NOT NULL AND handed_over_by IS NOT NULL)",
            name="handed_over_has_date",
        ),
        CheckConstraint(
            "(status = 'void') = (void_reason <> '' AND voided_at IS NOT NULL AND voided_by IS NOT NULL)",
            name="void_has_reason",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    drive_id: int = Field(foreign_key="drive.id", index=True)
    book_id: int | None = Field(default=None, foreign_key="document_book.id")
    seq: int | None = None
    round_id: int | None = Field(default=None, foreign_key="distribution_round.id", index=True)
    line_no: int | None = None
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id")
    group_place: str = Field(default="", sa_type=String(200))
    group_count: int | None = None
    group_description: str = Field(default="", sa_type=String(200))
    purpose: str = Field(sa_type=String(30))
    cash_amount: int | None = Field(default=None, sa_type=Money)
    cash_method: str | None = Field(default=None, sa_type=String(20))
    # What was given, in đồng: the cash plus the goods at their book value when handed over.
    total_value: int | None = Field(default=None, sa_type=Money)
    status: str = Field(default=DistributionStatus.PLANNED, sa_type=String(20))
    absence: str | None = Field(default=None, sa_type=String(20))
    note: str = Field(default="", sa_type=String(500))
    # Why it was given despite the drive's limit on how often one household receives, or after the
    # appeal's distribution deadline; each such override is also an audit event.
    override_reason: str = Field(default="", sa_type=String(500))
    late_reason: str = Field(default="", sa_type=String(500))
    created_by: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    handed_over_on: date | None = None
    handed_over_by: int | None = Field(default=None, foreign_key="user_account.id")
    void_reason: str = Field(default="", sa_type=String(500))
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voided_by: int | None = Field(default=None, foreign_key="user_account.id")


class DistributionItem(SQLModel, table=True):
    """A goods line of a distribution; `value` is its book value, set when it is handed over."""

    __tablename__ = "distribution_item"
    __table_args__ = (
        UniqueConstraint("distribution_id", "item_type_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("value IS NULL OR value >= 0", name="value_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    distribution_id: int = Field(foreign_key="distribution.id", index=True)
    item_type_id: int = Field(foreign_key="item_type.id", index=True)
    quantity: Decimal = Field(sa_type=Quantity)
    value: int | None = Field(default=None, sa_type=Money)


class DrivePurpose(SQLModel, table=True):
    """A purpose a drive restricts its distributions to; a drive with none allows every purpose its
    kind allows."""

    __tablename__ = "drive_purpose"
    __table_args__ = (one_of("purpose", Purpose),)

    drive_id: int = Field(foreign_key="drive.id", primary_key=True)
    purpose: str = Field(sa_type=String(30), primary_key=True)
