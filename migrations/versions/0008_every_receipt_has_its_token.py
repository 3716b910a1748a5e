"""every receipt has its verification token from the moment it is issued

Until now a receipt got the token its QR code carries at its first print, so a receipt sent to a
donor before any print had no public page. Receipts that have none get a random one here; new
receipts get theirs when they are issued.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:45:00.000000
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    missing = connection.execute(
        sa.text(
            "SELECT id FROM receipt WHERE id NOT IN (SELECT receipt_id FROM receipt_verification) ORDER BY id"
        )
    ).scalars()
    for receipt_id in missing:
        # As charity.receipts.service.new_token as of this revision: 16 random bytes, URL-safe.
        connection.execute(
            sa.text("INSERT INTO receipt_verification (token, receipt_id) VALUES (:token, :receipt_id)"),
            {"token": secrets.token_urlsafe(16), "receipt_id": receipt_id},
        )


def downgrade() -> None:
    # A token once given out may be in a donor's hands: it stays.
    pass
