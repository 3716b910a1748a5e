"""printing: who printed which copy of a receipt, verification tokens, per-unit receipt settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 08:17:16.364725
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "receipt_print",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("copy_number", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("copy_number >= 0", name=op.f("ck_receipt_print_copy_number_not_negative")),
        sa.ForeignKeyConstraint(
            ["printed_by"], ["user_account.id"], name=op.f("fk_receipt_print_printed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_receipt_print_receipt_id_receipt")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_print")),
        sa.UniqueConstraint(
            "receipt_id", "copy_number", name=op.f("uq_receipt_print_receipt_id_copy_number")
        ),
    )
    op.create_table(
        "receipt_verification",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipt.id"], name=op.f("fk_receipt_verification_receipt_id_receipt")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_receipt_verification")),
        sa.UniqueConstraint("receipt_id", name=op.f("uq_receipt_verification_receipt_id")),
    )
    # A plain ALTER (no batch copy of the table), so SQLite keeps the append-only triggers of 0003.
    op.add_column(
        "donation", sa.Column("name_on_receipt", sa.Boolean(), server_default=sa.false(), nullable=False)
    )

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("receipt_paper", sa.String(length=10), server_default="a5", nullable=False)
        )
        batch_op.add_column(
            sa.Column("zero_tens_word", sa.String(length=10), server_default="linh", nullable=False)
        )
        batch_op.create_check_constraint("receipt_paper", "receipt_paper IN ('a5', 'a4x2', 'a4x3')")
        batch_op.create_check_constraint("zero_tens_word", "zero_tens_word IN ('linh', 'lẻ')")


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_unit_zero_tens_word"), type_="check")
        batch_op.drop_constraint(op.f("ck_unit_receipt_paper"), type_="check")
        batch_op.drop_column("zero_tens_word")
        batch_op.drop_column("receipt_paper")

    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE donation DROP COLUMN name_on_receipt")
    else:
        op.drop_column("donation", "name_on_receipt")

    op.drop_table("receipt_verification")
    op.drop_table("receipt_print")
