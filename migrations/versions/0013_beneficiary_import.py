"""beneficiary imports: an uploaded list kept between its dry run and the import, for a day at most

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "beneficiary_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mapping", sa.Text(), nullable=False),
        sa.Column("consent_given_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_beneficiary_import_unit_id_unit")),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["user_account.id"], name=op.f("fk_beneficiary_import_uploaded_by_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beneficiary_import")),
        sa.UniqueConstraint("token", name=op.f("uq_beneficiary_import_token")),
    )
    op.create_index(op.f("ix_beneficiary_import_created_at"), "beneficiary_import", ["created_at"])
    op.create_index(op.f("ix_beneficiary_import_uploaded_by"), "beneficiary_import", ["uploaded_by"])


def downgrade() -> None:
    op.drop_index(op.f("ix_beneficiary_import_uploaded_by"), table_name="beneficiary_import")
    op.drop_index(op.f("ix_beneficiary_import_created_at"), table_name="beneficiary_import")
    op.drop_table("beneficiary_import")
