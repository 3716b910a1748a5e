"""receipt forms, transfer references, large gifts

- unit.receipt_form: the receipt a unit prints for money (01-TT, C40-BB or a plain receipt). Units
  that existed keep the enterprise form 01-TT they printed until now; new units start plain.
- receipt.form: the form a receipt was issued on, fixed with it (the append-only trigger covers it),
  so that a copy printed after the unit changes its setting reads like the original.
- unit.large_gift_threshold: above it, a gift must be confirmed by whoever records it.
- donation.cash_reference: a transfer's bank or wallet transaction reference.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 10:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "append-only record: it cannot be changed or deleted"
FORMS = "('01-TT', 'C40-BB', 'plain')"
# The columns of a receipt that a void leaves as they are (as in 0003), and now its form.
FIXED = ("id", "donation_id", "book_id", "seq", "total_value", "issued_at", "issued_by")


def _void_only(fixed: Sequence[str], *, postgresql: bool) -> str:
    unchanged = " AND ".join(f"NEW.{column} = OLD.{column}" for column in fixed)
    replaces = (
        "NEW.replaces_id IS NOT DISTINCT FROM OLD.replaces_id"
        if postgresql
        else "(NEW.replaces_id IS OLD.replaces_id)"
    )
    return f"{unchanged} AND {replaces} AND OLD.status = 'issued' AND NEW.status = 'void'"


def _receipt_trigger(fixed: Sequence[str]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER receipt_only_void")
        op.execute(
            "CREATE TRIGGER receipt_only_void BEFORE UPDATE ON receipt "
            f"WHEN NOT ({_void_only(fixed, postgresql=False)}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    op.execute(
        f"""CREATE OR REPLACE FUNCTION charity_receipt_only_void() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND {_void_only(fixed, postgresql=True)} THEN RETURN NEW; END IF;
          RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END $$"""
    )


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # Plain ALTERs, not batch copies: on SQLite a copy of these tables would trip the foreign keys
    # that point at them. SQLite adds a CHECK only with its table, so there the checks come with
    # the columns; PostgreSQL names them as the models do.
    op.add_column(
        "unit",
        sa.Column(
            "receipt_form",
            sa.String(length=10),
            sa.CheckConstraint(f"receipt_form IN {FORMS}", name="ck_unit_receipt_form") if sqlite else None,
            server_default="plain",
            nullable=False,
        ),
    )
    op.execute("UPDATE unit SET receipt_form = '01-TT'")
    op.add_column(
        "unit",
        sa.Column(
            "large_gift_threshold",
            sa.BigInteger(),
            sa.CheckConstraint("large_gift_threshold >= 1", name="ck_unit_large_gift_threshold_positive")
            if sqlite
            else None,
            server_default="100000000",
            nullable=False,
        ),
    )
    op.add_column(
        "receipt",
        sa.Column(
            "form",
            sa.String(length=10),
            sa.CheckConstraint(f"form IN {FORMS}", name="ck_receipt_form") if sqlite else None,
            server_default="01-TT",
            nullable=False,
        ),
    )
    op.add_column(
        "donation",
        sa.Column(
            "cash_reference",
            sa.String(length=100),
            sa.CheckConstraint(
                "cash_reference = '' OR cash_method IN ('bank_transfer', 'e_wallet')",
                name="ck_donation_reference_only_for_transfers",
            )
            if sqlite
            else None,
            server_default="",
            nullable=False,
        ),
    )
    if not sqlite:
        op.create_check_constraint("receipt_form", "unit", f"receipt_form IN {FORMS}")
        op.create_check_constraint("large_gift_threshold_positive", "unit", "large_gift_threshold >= 1")
        op.create_check_constraint("form", "receipt", f"form IN {FORMS}")
        op.create_check_constraint(
            "reference_only_for_transfers",
            "donation",
            "cash_reference = '' OR cash_method IN ('bank_transfer', 'e_wallet')",
        )
    _receipt_trigger((*FIXED, "form"))


def downgrade() -> None:
    _receipt_trigger(FIXED)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column together with the CHECK written on it, without copying the table.
        for table, column in (
            ("donation", "cash_reference"),
            ("receipt", "form"),
            ("unit", "large_gift_threshold"),
            ("unit", "receipt_form"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    op.drop_constraint("reference_only_for_transfers", "donation", type_="check")
    op.drop_constraint("form", "receipt", type_="check")
    op.drop_constraint("large_gift_threshold_positive", "unit", type_="check")
    op.drop_constraint("receipt_form", "unit", type_="check")
    op.drop_column("donation", "cash_reference")
    op.drop_column("receipt", "form")
    op.drop_column("unit", "large_gift_threshold")
    op.drop_column("unit", "receipt_form")
