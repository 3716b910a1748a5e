"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 07:04:48.137402
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("unit_of_measure", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f("ck_item_type_name_not_empty")),
        sa.CheckConstraint("unit_of_measure <> ''", name=op.f("ck_item_type_unit_of_measure_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_type")),
        sa.UniqueConstraint("name", name=op.f("uq_item_type_name")),
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_unit_code_not_empty")),
        sa.CheckConstraint("name <> ''", name=op.f("ck_unit_name_not_empty")),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name=op.f("ck_unit_not_own_parent")),
        sa.ForeignKeyConstraint(["parent_id"], ["unit.id"], name=op.f("fk_unit_parent_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("code", name=op.f("uq_unit_code")),
    )
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unit_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("username = lower(username)", name=op.f("ck_user_account_username_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_ip", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user_account.id"], name=op.f("fk_audit_event_actor_id_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_audit_event_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "donor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("tax_code", sa.String(length=20), nullable=False),
        sa.Column("search_text", sa.String(length=600), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('person', 'organisation')", name=op.f("ck_donor_kind")),
        sa.CheckConstraint("name <> ''", name=op.f("ck_donor_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_donor_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_donor_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donor")),
    )
    with op.batch_alter_table("donor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donor_phone"), ["phone"], unique=False)
        batch_op.create_index(batch_op.f("ix_donor_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "drive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("distribution_deadline", sa.Date(), nullable=True),
        sa.Column("target_amount", sa.BigInteger(), nullable=True),
        sa.Column("bank_account", sa.String(length=120), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('fund', 'appeal', 'rice_jar', 'piggy_bank', 'notebooks', 'charity_meals', 'goods')",
            name=op.f("ck_drive_kind"),
        ),
        sa.CheckConstraint("name <> ''", name=op.f("ck_drive_name_not_empty")),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_drive_status")),
        sa.CheckConstraint(
            "distribution_deadline IS NULL OR distribution_deadline >= ends_on",
            name=op.f("ck_drive_deadline_after_window"),
        ),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_drive_window_order")),
        sa.CheckConstraint(
            "target_amount IS NULL OR target_amount > 0", name=op.f("ck_drive_target_amount_positive")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_drive_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drive")),
    )
    with op.batch_alter_table("drive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('volunteer', 'coordinator', 'auditor')", name=op.f("ck_membership_role")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_membership_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_membership_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("user_id", "unit_id", "role", name=op.f("uq_membership_user_id_unit_id_role")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)

    op.create_table(
        "receipt_book",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("code <> ''", name=op.f("ck_receipt_book_code_not_empty")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_receipt_book_status")),
        sa.CheckConstraint("next_seq >= 1", name=op.f("ck_receipt_book_next_seq_positive")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2999", name=op.f("ck_receipt_book_year_range")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_receipt_book_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_book")),
        sa.UniqueConstraint("unit_id", "year", "code", name=op.f("uq_receipt_book_unit_id_year_code")),
    )
    with op.batch_alter_table("receipt_book", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipt_book_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "donation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("cash_amount", sa.BigInteger(), nullable=True),
        sa.Column("cash_method", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint(
            "cash_method IN ('cash', 'bank_transfer', 'e_wallet')", name=op.f("ck_donation_cash_method")
        ),
        sa.CheckConstraint(
            "(cash_amount IS NULL AND cash_method IS NULL) OR (cash_amount IS NOT NULL AND cash_method IS NOT NULL)",
            name=op.f("ck_donation_cash_has_method"),
        ),
        sa.CheckConstraint(
            "(idempotency_key IS NULL AND request_hash IS NULL) OR (idempotency_key IS NOT NULL AND request_hash IS NOT NULL)",
            name=op.f("ck_donation_idempotency_has_hash"),
        ),
        sa.CheckConstraint(
            "cash_amount IS NULL OR cash_amount BETWEEN 1 AND 10000000000000",
            name=op.f("ck_donation_cash_amount_range"),
        ),
        sa.ForeignKeyConstraint(["donor_id"], ["donor.id"], name=op.f("fk_donation_donor_id_donor")),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_donation_drive_id_drive")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["user_account.id"], name=op.f("fk_donation_recorded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation")),
        sa.UniqueConstraint(
            "recorded_by", "idempotency_key", name=op.f("uq_donation_recorded_by_idempotency_key")
        ),
    )
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donation_donor_id"), ["donor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_donation_drive_id"), ["drive_id"], unique=False)

    op.create_table(
        "drive_item_type",
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("item_type_id", sa.Integer(), nullable=False),
        sa.Column("target_quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.CheckConstraint(
            "target_quantity IS NULL OR target_quantity > 0",
            name=op.f("ck_drive_item_type_target_quantity_positive"),
        ),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_drive_item_type_drive_id_drive")),
        sa.ForeignKeyConstraint(
            ["item_type_id"], ["item_type.id"], name=op.f("fk_drive_item_type_item_type_id_item_type")
        ),
        sa.PrimaryKeyConstraint("drive_id", "item_type_id", name=op.f("pk_drive_item_type")),
    )
    with op.batch_alter_table("drive_item_type", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drive_item_type_item_type_id"), ["item_type_id"], unique=False)

    op.create_table(
        "donation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("item_type_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=False),
        sa.Column("unit_value", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_donation_item_quantity_positive")),
        sa.CheckConstraint(
            "unit_value BETWEEN 0 AND 10000000000000", name=op.f("ck_donation_item_unit_value_range")
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_donation_item_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_donation_item_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(
            ["item_type_id"], ["item_type.id"], name=op.f("fk_donation_item_item_type_id_item_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donation_item")),
    )
    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donation_item_donation_id"), ["donation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_donation_item_item_type_id"), ["item_type_id"], unique=False)

    op.create_table(
        "receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donation_id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("total_value", sa.BigInteger(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.Integer(), nullable=False),
        sa.Column("void_reason", sa.String(length=500), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by", sa.Integer(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'issued' AND void_reason IS NULL AND voided_at IS NULL) OR (status = 'void' AND void_reason IS NOT NULL AND void_reason <> '' AND voided_at IS NOT NULL)",
            name=op.f("ck_receipt_void_has_reason"),
        ),
        sa.CheckConstraint("status IN ('issued', 'void')", name=op.f("ck_receipt_status")),
        sa.CheckConstraint(
            "replaces_id IS NULL OR replaces_id <> id", name=op.f("ck_receipt_not_own_replacement")
        ),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_receipt_seq_positive")),
        sa.CheckConstraint("total_value >= 0", name=op.f("ck_receipt_total_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["book_id"], ["receipt_book.id"], name=op.f("fk_receipt_book_id_receipt_book")
        ),
        sa.ForeignKeyConstraint(
            ["donation_id"], ["donation.id"], name=op.f("fk_receipt_donation_id_donation")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by"], ["user_account.id"], name=op.f("fk_receipt_issued_by_user_account")
        ),
        sa.ForeignKeyConstraint(["replaces_id"], ["receipt.id"], name=op.f("fk_receipt_replaces_id_receipt")),
        sa.ForeignKeyConstraint(
            ["voided_by"], ["user_account.id"], name=op.f("fk_receipt_voided_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt")),
        sa.UniqueConstraint("book_id", "seq", name=op.f("uq_receipt_book_id_seq")),
        sa.UniqueConstraint("donation_id", name=op.f("uq_receipt_donation_id")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_receipt_replaces_id")),
    )
    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drive_id", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("item_type_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=18, scale=3), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "source IN ('receipt', 'void', 'distribution', 'conversion', 'adjustment')",
            name=op.f("ck_ledger_entry_source"),
        ),
        sa.CheckConstraint(
            "(item_type_id IS NULL AND quantity IS NULL) OR (item_type_id IS NOT NULL AND quantity IS NOT NULL)",
            name=op.f("ck_ledger_entry_goods_have_quantity"),
        ),
        sa.CheckConstraint("chain_seq >= 1", name=op.f("ck_ledger_entry_chain_seq_positive")),
        sa.CheckConstraint(
            "length(hash) = 64 AND length(prev_hash) = 64", name=op.f("ck_ledger_entry_hash_length")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["user_account.id"], name=op.f("fk_ledger_entry_created_by_user_account")
        ),
        sa.ForeignKeyConstraint(["drive_id"], ["drive.id"], name=op.f("fk_ledger_entry_drive_id_drive")),
        sa.ForeignKeyConstraint(
            ["item_type_id"], ["item_type.id"], name=op.f("fk_ledger_entry_item_type_id_item_type")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_ledger_entry_receipt_id_receipt")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("drive_id", "chain_seq", name=op.f("uq_ledger_entry_drive_id_chain_seq")),
        sa.UniqueConstraint("hash", name=op.f("uq_ledger_entry_hash")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entry_item_type_id"), ["item_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_entry_receipt_id"), ["receipt_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_receipt_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_item_type_id"))

    op.drop_table("ledger_entry")
    op.drop_table("receipt")
    with op.batch_alter_table("donation_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donation_item_item_type_id"))
        batch_op.drop_index(batch_op.f("ix_donation_item_donation_id"))

    op.drop_table("donation_item")
    with op.batch_alter_table("drive_item_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_item_type_item_type_id"))

    op.drop_table("drive_item_type")
    with op.batch_alter_table("donation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donation_drive_id"))
        batch_op.drop_index(batch_op.f("ix_donation_donor_id"))

    op.drop_table("donation")
    with op.batch_alter_table("receipt_book", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipt_book_unit_id"))

    op.drop_table("receipt_book")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))
        batch_op.drop_index(batch_op.f("ix_membership_unit_id"))

    op.drop_table("membership")
    with op.batch_alter_table("drive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drive_unit_id"))

    op.drop_table("drive")
    with op.batch_alter_table("donor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donor_unit_id"))
        batch_op.drop_index(batch_op.f("ix_donor_phone"))

    op.drop_table("donor")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_unit_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("user_account")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unit_parent_id"))

    op.drop_table("unit")
    op.drop_table("item_type")
