"""ledger head: the end of each drive's chain, kept on the drive so that a chain cut short is detected

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 08:39:32.491826
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


GENESIS = "0" * 64


def upgrade() -> None:
    # Plain ALTERs, not a batch copy: on SQLite, copying the drive table would trip the foreign keys
    # of every gift that points at it.
    op.add_column("drive", sa.Column("ledger_seq", sa.Integer(), server_default="0", nullable=False))
    op.add_column(
        "drive", sa.Column("ledger_hash", sa.String(length=64), server_default=GENESIS, nullable=False)
    )
    op.execute(
        sa.text(
            "UPDATE drive SET"
            " ledger_seq = COALESCE((SELECT max(chain_seq) FROM ledger_entry WHERE drive_id = drive.id), 0),"
            " ledger_hash = COALESCE((SELECT hash FROM ledger_entry WHERE drive_id = drive.id"
            " ORDER BY chain_seq DESC LIMIT 1), :genesis)"
        ).bindparams(genesis=GENESIS)
    )


def downgrade() -> None:
    for column in ("ledger_hash", "ledger_seq"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE drive DROP COLUMN {column}")
        else:
            op.drop_column("drive", column)
