"""item type name key: names are unique whatever their case or Unicode form, on both engines

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 08:40:00.000000
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _key(name: str) -> str:
    # charity.text.name_key as of this revision, written out: a migration must not change with the app.
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    return unicodedata.normalize("NFC", cleaned.casefold())


def upgrade() -> None:
    # Plain ALTERs and an index, not a batch copy: on SQLite, copying the table would trip the foreign
    # keys of the goods lines and drives that point at it.
    op.add_column(
        "item_type", sa.Column("name_key", sa.String(length=200), server_default="", nullable=False)
    )
    item_type = sa.table("item_type", sa.column("id", sa.Integer()), sa.column("name", sa.String()))
    connection = op.get_bind()
    seen: set[str] = set()
    rows = connection.execute(sa.select(item_type.c.id, item_type.c.name).order_by(item_type.c.id)).all()
    for item_id, name in rows:
        key = _key(name)
        # Names that differed only in case could be stored before: the later ones keep their name and
        # get a key of their own, so that the index can hold and no new name can join them.
        if key in seen:
            key = f"{key} #{item_id}"
        seen.add(key)
        connection.execute(
            sa.text("UPDATE item_type SET name_key = :key WHERE id = :id"), {"key": key, "id": item_id}
        )
    op.create_index("ix_item_type_name_key", "item_type", ["name_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_item_type_name_key", table_name="item_type")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE item_type DROP COLUMN name_key")
    else:
        op.drop_column("item_type", "name_key")
