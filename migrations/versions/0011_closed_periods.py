"""closed periods: a unit's month closed (khóa sổ) refuses postings dated inside it; reopened rows stay

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 14:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("reopened_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "closed_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", sa.Integer(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.Integer(), nullable=True),
        sa.Column("reopen_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "(reopened_at IS NULL AND reopened_by IS NULL AND reopen_reason IS NULL)"
            " OR (reopened_at IS NOT NULL AND reopened_by IS NOT NULL AND reopen_reason <> '')",
            name=op.f("ck_closed_period_reopened_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by"], ["user_account.id"], name=op.f("fk_closed_period_closed_by_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["reopened_by"], ["user_account.id"], name=op.f("fk_closed_period_reopened_by_user_account")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_closed_period_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closed_period")),
    )
    op.create_index(op.f("ix_closed_period_unit_id"), "closed_period", ["unit_id"])
    op.create_index(
        "uq_closed_period_unit_id_month_open",
        "closed_period",
        ["unit_id", "month"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_closed_period_unit_id_month_open", table_name="closed_period")
    op.drop_index(op.f("ix_closed_period_unit_id"), table_name="closed_period")
    op.drop_table("closed_period")
