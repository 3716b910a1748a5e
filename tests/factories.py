"""Small builders for rows that tests need, inserted directly; each returns the flushed model."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.passwords import hash_password
from charity.beneficiaries.cleaning import sort_key
from charity.clock import local_today
from charity.donors.service import search_text_for
from charity.models import (
    Beneficiary,
    Consent,
    ConsentMethod,
    Donation,
    Donor,
    Drive,
    DriveKind,
    DriveStatus,
    ReceiptBook,
    Unit,
    User,
)
from charity.text import fold

_counter = itertools.count(1)
# Hashing is deliberately slow; tests that only need a user share one hash.
_PASSWORD_HASH = hash_password("factory-password-1")


async def _add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row


async def unit(session: AsyncSession, **fields: Any) -> Unit:
    n = next(_counter)
    return await _add(session, Unit(**{"code": f"U{n}", "name": f"Đơn vị {n}", **fields}))


async def user(session: AsyncSession, **fields: Any) -> User:
    n = next(_counter)
    return await _add(session, User(**{"username": f"user{n}", "password_hash": _PASSWORD_HASH, **fields}))


async def drive(session: AsyncSession, unit_id: int, **fields: Any) -> Drive:
    today = local_today()
    defaults = {
        "unit_id": unit_id,
        "name": "Quỹ Vì người nghèo",
        "kind": DriveKind.FUND,
        "status": DriveStatus.OPEN,
        "starts_on": date(today.year, 1, 1),
        "ends_on": date(today.year, 12, 31),
    }
    return await _add(session, Drive(**{**defaults, **fields}))


async def receipt_book(session: AsyncSession, unit_id: int, **fields: Any) -> ReceiptBook:
    return await _add(
        session, ReceiptBook(**{"unit_id": unit_id, "year": local_today().year, "code": "01", **fields})
    )


async def donation(session: AsyncSession, drive_id: int, recorded_by: int, **fields: Any) -> Donation:
    defaults = {
        "drive_id": drive_id,
        "recorded_by": recorded_by,
        "received_on": local_today(),
        "cash_amount": 500_000,
        "cash_method": "cash",
    }
    return await _add(session, Donation(**{**defaults, **fields}))


async def donor(session: AsyncSession, unit_id: int, **fields: Any) -> Donor:
    values = {"unit_id": unit_id, "name": f"Nhà hảo tâm {next(_counter)}", **fields}
    values["search_text"] = search_text_for(
        values["name"], values.get("phone", ""), values.get("address", "")
    )
    return await _add(session, Donor(**values))


async def beneficiary(session: AsyncSession, unit_id: int, proposed_by: int, **fields: Any) -> Beneficiary:
    """A proposed household, searchable as the service would store it, with consent to support."""
    name = fields.pop("name", "Phạm Thị Lụa")
    row = await _add(
        session,
        Beneficiary(
            unit_id=unit_id,
            name=name,
            name_key=fold(name),
            sort_key=sort_key(name),
            search_basic=fold(name),
            search_text=fold(name),
            proposed_by=proposed_by,
            **fields,
        ),
    )
    await _add(
        session,
        Consent(
            beneficiary_id=row.id,
            for_support=True,
            method=ConsentMethod.SIGNED_FORM,
            given_on=local_today() - timedelta(days=30),
            recorded_by=proposed_by,
        ),
    )
    return row
