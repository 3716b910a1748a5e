"""distributions and stock: rounds and distributions with their gapless document books, the stock
movements (conversions, adjustments, transfers), purposes a drive restricts itself to, how often one
beneficiary may receive, the adjustment threshold of a unit; ledger entries name the document that
posted them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:54:49.689423
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN = "append-only record: it cannot be changed or deleted"
OLD_SOURCES = "source IN ('receipt', 'void', 'distribution', 'conversion', 'adjustment')"
NEW_SOURCES = "source IN ('receipt', 'void', 'distribution', 'conversion', 'adjustment', 'transfer')"
ONE_DOCUMENT = (
    "(receipt_id IS NULL OR (distribution_id IS NULL AND movement_id IS NULL))"
    " AND (distribution_id IS NULL OR movement_id IS NULL)"
)
MIN_DAYS = "min_days_between IS NULL OR min_days_between BETWEEN 1 AND 366"
ADJUSTMENT_THRESHOLD = "adjustment_threshold >= 0"


HOLDINGS = ["drive_id", "item_type_id", "quantity", "amount"]


def _ledger_columns(batch_op: Any) -> None:
    batch_op.add_column(sa.Column("distribution_id", sa.Integer(), nullable=True))
    batch_op.add_column(sa.Column("movement_id", sa.Integer(), nullable=True))
    batch_op.create_index(batch_op.f("ix_ledger_entry_distribution_id"), ["distribution_id"], unique=False)
    batch_op.create_index(batch_op.f("ix_ledger_entry_movement_id"), ["movement_id"], unique=False)
    batch_op.create_index("ix_ledger_entry_holdings", HOLDINGS, unique=False)
    batch_op.create_foreign_key(
        batch_op.f("fk_ledger_entry_distribution_id_distribution"),
        "distribution",
        ["distribution_id"],
        ["id"],
    )
    batch_op.create_foreign_key(
        batch_op.f("fk_ledger_entry_movement_id_stock_movement"), "stock_movement", ["movement_id"], ["id"]
    )


def _sqlite_ledger_triggers() -> None:
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER ledger_entry_no_{event.lower()} BEFORE {event} ON ledger_entry "
            f"BEGIN SELECT RAISE(ABORT, '{FROZEN}'); END"
        )


def _existing_tables_up() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Plain ALTERs for drive and unit, as in 0007 and 0012: a batch copy of either on SQLite would trip
    # the foreign keys that point at it, and SQLite adds a CHECK only with its column.
    op.add_column(
        "drive",
        sa.Column(
            "min_days_between",
            sa.Integer(),
            sa.CheckConstraint(MIN_DAYS, name="ck_drive_min_days_range") if sqlite else None,
            nullable=True,
        ),
    )
    op.add_column(
        "unit",
        sa.Column(
            "adjustment_threshold",
            sa.BigInteger(),
            sa.CheckConstraint(ADJUSTMENT_THRESHOLD, name="ck_unit_adjustment_threshold_not_negative")
            if sqlite
            else None,
            server_default="1000000",
            nullable=False,
        ),
    )
    if sqlite:
        # The ledger's table-wide CHECKs change, which SQLite does only by copying the table; nothing
        # points at ledger entries, and the copy loses the append-only triggers, made again here.
        with op.batch_alter_table("ledger_entry", recreate="always") as batch_op:
            _ledger_columns(batch_op)
            batch_op.drop_constraint("source", type_="check")
            batch_op.create_check_constraint("source", NEW_SOURCES)
            batch_op.create_check_constraint("one_document", ONE_DOCUMENT)
        _sqlite_ledger_triggers()
        return
    op.create_check_constraint("min_days_range", "drive", MIN_DAYS)
    op.create_check_constraint("adjustment_threshold_not_negative", "unit", ADJUSTMENT_THRESHOLD)
    with op.batch_alter_table("ledger_entry") as batch_op:
        _ledger_columns(batch_op)
    op.drop_constraint("source", "ledger_entry", type_="check")
    op.create_check_constraint("source", "ledger_entry", NEW_SOURCES)
    op.create_check_constraint("one_document", "ledger_entry", ONE_DOCUMENT)


def _existing_tables_down() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("ledger_entry", recreate="always") as batch_op:
            batch_op.drop_constraint("one_document", type_="check")
            batch_op.drop_constraint("source", type_="check")
            batch_op.create_check_constraint("source", OLD_SOURCES)
            batch_op.drop_index("ix_ledger_entry_holdings")
            batch_op.drop_index(batch_op.f("ix_ledger_entry_movement_id"))
            batch_op.drop_index(batch_op.f("ix_ledger_entry_distribution_id"))
            batch_op.drop_column("movement_id")
            batch_op.drop_column("distribution_id")
        _sqlite_ledger_triggers()
        # SQLite drops a column together with the CHECK written on it, without copying the table.
        op.execute("ALTER TABLE unit DROP COLUMN adjustment_threshold")
        op.execute("ALTER TABLE drive DROP COLUMN min_days_between")
        return
    op.drop_constraint("one_document", "ledger_entry", type_="check")
    op.drop_constraint("source", "ledger_entry", type_="check")
    op.create_check_constraint("source", "ledger_entry", OLD_SOURCES)
    op.drop_constraint("fk_ledger_entry_movement_id_stock_movement", "ledger_entry", type_="foreignkey")
    op.drop_constraint("fk_ledger_entry_distribution_id_distribution", "ledger_entry", type_="foreignkey")
    op.drop_index("ix_ledger_entry_holdings", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_movement_id", table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_distribution_id", table_name="ledger_entry")
    op.drop_column("ledger_entry", "movement_id")
    op.drop_column("ledger_entry", "distribution_id")
    op.drop_constraint("adjustment_threshold_not_negative", "unit", type_="check")
    op.drop_column("unit", "adjustment_threshold")
    op.drop_constraint("min_days_range", "drive", type_="check")
    op.drop_column("drive", "min_days_between")


def upgrade() -> None:
    op.create_table(
        "document_book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('distribution', 'conversion', 'adjustment', 'transfer')",
            name=op.f("ck_document_book_kind"),
        ),
        sa.CheckConstraint("next_seq >= 1", name=op.f("ck_document_book_next_seq_positive")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2999", name=op.f("ck_document_book_year_range")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_document_book_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_book")),
        sa.UniqueConstraint("unit_id", "year", "kind", name=op.f("uq_document_book_unit_id_year_kind")),
    )
    with op.batch_alter_table("document_book", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_book_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "distribution_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("handed_over_by_name", sa.String(length=200), nullable=False),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("witness_name", sa.String(length=200), nullable=False),
        sa.Column("drafted_by", sa.Integer(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_over_on", sa.Date(), nullable=True),
        sa.Column("handed_over_by", sa.Integer(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('casualties', 'essentials', 'housing', 'relocation', 'shelter', 'sanitation', 'medical_supplies', 'production', 'public_works', 'living', 'study', 'healthcare', 'meals')",
            name=op.f("ck_distribution_round_purpose"),
        ),
        sa.CheckConstraint(
            "status <> 'cancelled' OR cancel_reason <> ''",
            name=op.f("ck_distribution_round_cancelled_has_reason"),
        ),
        sa.CheckConstraint(
            "status <> 'handed_over' OR (handed_over_on IS NOT NULL AND handed_over_by IS NOT NULL)",
            name=op.f("ck_distribution_round_handed_over_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'handed_over', 'cancelled')",
            name=op.f("ck_distribution_round_status"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'cancelled') OR (approved_by IS NOT NULL AND approved_at IS NOT NULL)",
            name=op.f("ck_distribution_round_approved_has_approver"),
        ),
        sa.CheckConstraint("title <> ''", name=op.f("ck_distribution_round_title_not_empty")),
        sa.CheckConstraint(
            "approved_by IS NULL OR approved_by <> drafted_by",
            name=op.f("ck_distribution_round_not_approved_by_drafter"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"], ["user_account.id"], name=op.f("fk_distribution_round_approved_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by"], ["user_account.id"], name=op.f("fk_distribution_round_drafted_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["drive_id"], ["drive.id"], name=op.f("fk_distribution_round_drive_id_drive")
        ),
        sa.ForeignKeyConstraint(
            ["handed_over_by"],
            ["user_account.id"],
            name=op.f("fk_distribution_round_handed_over_by_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_round")),
    )
    with op.batch_alter_table("distribution_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_distribution_round_drive_id"), ["drive_id"], unique=False)

    op.create_table(
        "drive_purpose",
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('casualties', 'essentials', 'housing', 'relocation', 'shelter', 'sanitation', 'medical_supplies', 'production', 'public_works', 'living', 'study', 'healthcare', 'meals')",
            name=op.f("ck_drive_purpose_purpose"),
        ),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_drive_purpose_drive_id_drive")),
        sa.PrimaryKeyConstraint("drive_id", "purpose", name=op.f("pk_drive_purpose")),
    )
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("to_drive_id", sa.Integer(), nullable=True),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("counterparty", sa.String(length=200), nullable=False),
        sa.Column("cash_amount", sa.BigInteger(), nullable=True),
        sa.Column("cash_method", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint(
            "(kind = 'adjustment') = (reason IS NOT NULL)",
            name=op.f("ck_stock_movement_adjustment_has_reason"),
        ),
        sa.CheckConstraint(
            "(kind = 'transfer') = (to_drive_id IS NOT NULL)",
            name=op.f("ck_stock_movement_transfer_has_target"),
        ),
        sa.CheckConstraint(
            "kind <> 'conversion' OR cash_amount IS NOT NULL",
            name=op.f("ck_stock_movement_conversion_has_price"),
        ),
        sa.CheckConstraint(
            "kind = 'adjustment' OR status = 'posted'", name=op.f("ck_stock_movement_only_adjustments_wait")
        ),
        sa.CheckConstraint(
            "kind IN ('conversion', 'adjustment', 'transfer')", name=op.f("ck_stock_movement_kind")
        ),
        sa.CheckConstraint(
            "reason IN ('spoiled', 'lost', 'miscounted', 'found')", name=op.f("ck_stock_movement_reason")
        ),
        sa.CheckConstraint(
            "status <> 'pending' OR decided_by IS NULL", name=op.f("ck_stock_movement_pending_undecided")
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR decided_by IS NOT NULL",
            name=op.f("ck_stock_movement_rejected_by_someone"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'posted', 'rejected')", name=op.f("ck_stock_movement_status")
        ),
        sa.CheckConstraint(
            "(cash_amount IS NULL AND cash_method IS NULL) OR (cash_amount IS NOT NULL AND cash_method IS NOT NULL)",
            name=op.f("ck_stock_movement_cash_has_method"),
        ),
        sa.CheckConstraint(
            "(decided_by IS NULL AND decided_at IS NULL) OR (decided_by IS NOT NULL AND decided_at IS NOT NULL)",
            name=op.f("ck_stock_movement_decision_has_time"),
        ),
        sa.CheckConstraint(
            "cash_amount IS NULL OR cash_amount >= 1", name=op.f("ck_stock_movement_cash_amount_positive")
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> created_by",
            name=op.f("ck_stock_movement_not_decided_by_creator"),
        ),
        sa.CheckConstraint(
            "to_drive_id IS NULL OR to_drive_id <> drive_id", name=op.f("ck_stock_movement_not_to_itself")
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["document_book.id"], name=op.f("fk_stock_movement_book_id_document_book")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_stock_movement_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["user_account.id"], name=op.f("fk_stock_movement_decided_by_user_account")
        ),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_stock_movement_drive_id_drive")),
        sa.ForeignKeyConstraint(
            ["to_drive_id"], ["drive.id"], name=op.f("fk_stock_movement_to_drive_id_drive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
        sa.UniqueConstraint("book_id", "seq", name=op.f("uq_stock_movement_book_id_seq")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movement_drive_id"), ["drive_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_movement_to_drive_id"), ["to_drive_id"], unique=False)

    op.create_table(
        "distribution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("round_id", sa.Integer(), nullable=True),
        sa.Column("line_no", sa.Integer(), nullable=True),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("group_place", sa.String(length=200), nullable=False),
        sa.Column("group_count", sa.Integer(), nullable=True),
        sa.Column("group_description", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("cash_amount", sa.BigInteger(), nullable=True),
        sa.Column("cash_method", sa.String(length=20), nullable=True),
        sa.Column("total_value", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("absence", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=False),
        sa.Column("late_reason", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=True),
        sa.Column("handed_over_by", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(beneficiary_id IS NOT NULL AND group_place = '' AND group_count IS NULL) OR (beneficiary_id IS NULL AND group_place <> '' AND group_count >= 1)",
            name=op.f("ck_distribution_beneficiary_or_group"),
        ),
        sa.CheckConstraint(
            "(status = 'draft') = (seq IS NULL)", name=op.f("ck_distribution_numbered_unless_draft")
        ),
        sa.CheckConstraint(
            "(status = 'void') = (void_reason <> '' AND voided_at IS NOT NULL AND voided_by IS NOT NULL)",
            name=op.f("ck_distribution_void_has_reason"),
        ),
        sa.CheckConstraint("absence IN ('absent', 'refused')", name=op.f("ck_distribution_absence")),
        sa.CheckConstraint(
            "purpose IN ('casualties', 'essentials', 'housing', 'relocation', 'shelter', 'sanitation', 'medical_supplies', 'production', 'public_works', 'living', 'study', 'healthcare', 'meals')",
            name=op.f("ck_distribution_purpose"),
        ),
        sa.CheckConstraint(
            "status <> 'draft' OR round_id IS NOT NULL", name=op.f("ck_distribution_draft_only_in_round")
        ),
        sa.CheckConstraint(
            "status <> 'handed_over' OR (handed_over_on IS NOT NULL AND handed_over_by IS NOT NULL)",
            name=op.f("ck_distribution_handed_over_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'planned', 'handed_over', 'void')", name=op.f("ck_distribution_status")
        ),
        sa.CheckConstraint(
            "(book_id IS NULL AND seq IS NULL) OR (book_id IS NOT NULL AND seq IS NOT NULL)",
            name=op.f("ck_distribution_numbered"),
        ),
        sa.CheckConstraint(
            "(cash_amount IS NULL AND cash_method IS NULL) OR (cash_amount IS NOT NULL AND cash_method IS NOT NULL)",
            name=op.f("ck_distribution_cash_has_method"),
        ),
        sa.CheckConstraint(
            "(round_id IS NULL AND line_no IS NULL) OR (round_id IS NOT NULL AND line_no IS NOT NULL)",
            name=op.f("ck_distribution_round_line"),
        ),
        sa.CheckConstraint(
            "cash_amount IS NULL OR cash_amount >= 1", name=op.f("ck_distribution_cash_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"], ["beneficiary.id"], name=op.f("fk_distribution_beneficiary_id_beneficiary")
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["document_book.id"], name=op.f("fk_distribution_book_id_document_book")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_distribution_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_distribution_drive_id_drive")),
        sa.ForeignKeyConstraint(
            ["handed_over_by"], ["user_account.id"], name=op.f("fk_distribution_handed_over_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["distribution_round.id"], name=op.f("fk_distribution_round_id_distribution_round")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by"], ["user_account.id"], name=op.f("fk_distribution_voided_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution")),
        sa.UniqueConstraint("book_id", "seq", name=op.f("uq_distribution_book_id_seq")),
        sa.UniqueConstraint("round_id", "line_no", name=op.f("uq_distribution_round_id_line_no")),
    )
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.create_index(
            "ix_distribution_beneficiary_id_handed_over_on",
            ["beneficiary_id", "handed_over_on"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_distribution_drive_id"), ["drive_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_distribution_round_id"), ["round_id"], unique=False)

    op.create_table(
        "stock_movement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Integer(), nullable=False),
        sa.Column("item_type_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("counted_quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("book_quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.CheckConstraint(
            "(counted_quantity IS NULL AND book_quantity IS NULL) OR (counted_quantity IS NOT NULL AND book_quantity IS NOT NULL)",
            name=op.f("ck_stock_movement_line_count_has_book"),
        ),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_stock_movement_line_quantity_not_zero")),
        sa.ForeignKeyConstraint(
            ["item_type_id"], ["item_type.id"], name=op.f("fk_stock_movement_line_item_type_id_item_type")
        ),
        sa.ForeignKeyConstraint(
            ["movement_id"],
            ["stock_movement.id"],
            name=op.f("fk_stock_movement_line_movement_id_stock_movement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement_line")),
        sa.UniqueConstraint(
            "movement_id", "item_type_id", name=op.f("uq_stock_movement_line_movement_id_item_type_id")
        ),
    )
    with op.batch_alter_table("stock_movement_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_movement_line_item_type_id"), ["item_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stock_movement_line_movement_id"), ["movement_id"], unique=False)

    op.create_table(
        "distribution_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("distribution_id", sa.Integer(), nullable=False),
        sa.Column("item_type_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_distribution_item_quantity_positive")),
        sa.CheckConstraint(
            "value IS NULL OR value >= 0", name=op.f("ck_distribution_item_value_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["distribution_id"],
            ["distribution.id"],
            name=op.f("fk_distribution_item_distribution_id_distribution"),
        ),
        sa.ForeignKeyConstraint(
            ["item_type_id"], ["item_type.id"], name=op.f("fk_distribution_item_item_type_id_item_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distribution_item")),
        sa.UniqueConstraint(
            "distribution_id", "item_type_id", name=op.f("uq_distribution_item_distribution_id_item_type_id")
        ),
    )
    with op.batch_alter_table("distribution_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_distribution_item_distribution_id"), ["distribution_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_distribution_item_item_type_id"), ["item_type_id"], unique=False)

    _existing_tables_up()


def downgrade() -> None:
    _existing_tables_down()
    with op.batch_alter_table("distribution_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_item_item_type_id"))
        batch_op.drop_index(batch_op.f("ix_distribution_item_distribution_id"))

    op.drop_table("distribution_item")
    with op.batch_alter_table("stock_movement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movement_line_movement_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_line_item_type_id"))

    op.drop_table("stock_movement_line")
    with op.batch_alter_table("distribution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_round_id"))
        batch_op.drop_index(batch_op.f("ix_distribution_drive_id"))
        batch_op.drop_index("ix_distribution_beneficiary_id_handed_over_on")

    op.drop_table("distribution")
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movement_to_drive_id"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_drive_id"))

    op.drop_table("stock_movement")
    op.drop_table("drive_purpose")
    with op.batch_alter_table("distribution_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_distribution_round_drive_id"))

    op.drop_table("distribution_round")
    with op.batch_alter_table("document_book", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_book_unit_id"))

    op.drop_table("document_book")
