from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, String, text
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, utcnow

# A month is closed at most once at a time: reopened rows stay as its history, and it may be closed again.
_OPEN = text("reopened_at IS NULL")


class ClosedPeriod(SQLModel, table=True):
    """A month of a unit's books that is closed (khóa sổ): its drives take no posting dated inside it.
    `month` is the month's first day. Reopening keeps the row, with who reopened it, when and why."""

    __tablename__ = "closed_period"
    __table_args__ = (
        Index(
            "uq_closed_period_unit_id_month_open",
            "unit_id",
            "month",
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        CheckConstraint(
            "(reopened_at IS NULL AND reopened_by IS NULL AND reopen_reason IS NULL)"
            " OR (reopened_at IS NOT NULL AND reopened_by IS NOT NULL AND reopen_reason <> '')",
            name="reopened_with_reason",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    month: date
    closed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_by: int = Field(foreign_key="user_account.id")
    reopened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reopened_by: int | None = Field(default=None, foreign_key="user_account.id")
    reopen_reason: str | None = Field(default=None, sa_type=String(500))
