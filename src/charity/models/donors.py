from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, String
from sqlmodel import Field, SQLModel

from charity.models.base import UTCDateTime, one_of, utcnow


class DonorKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Donor(SQLModel, table=True):
    """A person or organisation who gives, kept by the unit that recorded them.

    `name` is stored as typed (NFC); `search_text` holds name, phone and address folded to lower case
    without diacritics so that "nguyen thi hong" finds "Nguyễn Thị Hồng" with a plain LIKE on any engine.
    """

    __tablename__ = "donor"
    __table_args__ = (
        one_of("kind", DonorKind),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str = Field(default=DonorKind.PERSON, sa_type=String(20))
    name: str = Field(sa_type=String(200))
    phone: str = Field(default="", sa_type=String(20), index=True)
    address: str = Field(default="", sa_type=String(300))
    email: str = Field(default="", sa_type=String(200))
    tax_code: str = Field(default="", sa_type=String(20))
    search_text: str = Field(default="", sa_type=String(600))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
