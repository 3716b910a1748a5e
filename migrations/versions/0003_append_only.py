"""append-only records: the database refuses to alter or delete ledger entries, gifts and receipts

Receipts may change in one way only: from issued to void, with the reason, time and user of the void.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN_TABLES = ("ledger_entry", "donation", "donation_item")
RECEIPT_FIXED_COLUMNS = (
    "id",
    "donation_id",
    "book_id",
    "seq",
    "total_value",
    "issued_at",
    "issued_by",
    "replaces_id",
)
MESSAGE = "append-only record: it cannot be changed or deleted"


def _receipt_change_is_a_void(old: str, new: str) -> str:
    unchanged = " AND ".join(f"{new}.{column} = {old}.{column}" for column in RECEIPT_FIXED_COLUMNS[:-1])
    return (
        f"{unchanged} AND ({new}.replaces_id IS {old}.replaces_id)"
        f" AND {old}.status = 'issued' AND {new}.status = 'void'"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in FROZEN_TABLES:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                )
        op.execute(
            f"CREATE TRIGGER receipt_no_delete BEFORE DELETE ON receipt BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute(
            "CREATE TRIGGER receipt_only_void BEFORE UPDATE ON receipt "
            f"WHEN NOT ({_receipt_change_is_a_void('OLD', 'NEW')}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    op.execute(
        f"""CREATE FUNCTION charity_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END $$"""
    )
    replaces_unchanged = "NEW.replaces_id IS NOT DISTINCT FROM OLD.replaces_id"
    receipt_rule = _receipt_change_is_a_void("OLD", "NEW").replace(
        "(NEW.replaces_id IS OLD.replaces_id)", replaces_unchanged
    )
    op.execute(
        f"""CREATE FUNCTION charity_receipt_only_void() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND {receipt_rule} THEN RETURN NEW; END IF;
          RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
        END $$"""
    )
    for table in FROZEN_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION charity_append_only()"
        )
    op.execute(
        "CREATE TRIGGER receipt_only_void BEFORE UPDATE OR DELETE ON receipt "
        "FOR EACH ROW EXECUTE FUNCTION charity_receipt_only_void()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in FROZEN_TABLES:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{event}")
        op.execute("DROP TRIGGER receipt_no_delete")
        op.execute("DROP TRIGGER receipt_only_void")
        return
    for table in FROZEN_TABLES:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
    op.execute("DROP TRIGGER receipt_only_void ON receipt")
    op.execute("DROP FUNCTION charity_receipt_only_void()")
    op.execute("DROP FUNCTION charity_append_only()")
