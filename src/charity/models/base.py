"""Shared pieces of the table models: metadata naming, column types and small helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Dialect, Numeric, TypeDecorator
from sqlmodel import SQLModel

from charity import clock

# Named constraints make migrations deterministic and let Alembic drop them by name on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata = SQLModel.metadata

# The largest key an integer column holds on PostgreSQL: a request naming a larger id names nothing.
MAX_ID = 2**31 - 1
# Money is a whole number of đồng; 10^13 is the largest single amount we accept, BIGINT holds sums of many.
MAX_AMOUNT = 10**13
# The limit as a message says it: "Số tiền quá lớn: tối đa 10.000 tỷ đồng."
MAX_AMOUNT_TEXT = "10.000 tỷ đồng"
Money = BigInteger
# Goods are counted to three decimals (2.5 kg, 0.125 tấn).
QUANTITY_SCALE = 3
Quantity = Numeric(18, QUANTITY_SCALE)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return clock.now()


def one_of(column: str, values: type[StrEnum], name: str | None = None) -> CheckConstraint:
    """A CHECK that keeps an enumeration column inside its Python enum's values."""
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=name or column)


def both_or_neither(first: str, second: str, name: str) -> CheckConstraint:
    return CheckConstraint(
        f"({first} IS NULL AND {second} IS NULL) OR ({first} IS NOT NULL AND {second} IS NOT NULL)",
        name=name,
    )
