"""Donors (nhà hảo tâm): people and organisations who give, kept by the unit that recorded them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, case, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, scope_units
from charity.audit.service import Actor, record
from charity.db import contains_words, escape_like, page_of
from charity.errors import Conflict, Invalid, NotFound
from charity.models import Donor, DonorKind, Role, Unit
from charity.text import clean, fold

READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
RECORDERS = (Role.VOLUNTEER, Role.COORDINATOR)
NAME_MAX = 200
ADDRESS_MAX = 300
EMAIL_MAX = 200
_PHONE = re.compile(r"^0\d{8,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def search_text_for(name: str, phone: str, address: str) -> str:
    """What donor search matches against: name, phone and address, folded."""
    return " | ".join(fold(part) for part in (name, phone, address))


def normalize_phone(phone: str) -> str:
    """Digits only, the national form: "+84 903 512 846" → "0903512846"."""
    digits = re.sub(r"[\s.()-]", "", phone.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    if digits and not _PHONE.fullmatch(digits):
        raise Invalid("Số điện thoại phải gồm 9–11 chữ số, bắt đầu bằng 0 (hoặc +84).", field="phone")
    return digits


@dataclass(frozen=True, slots=True)
class CleanDonor:
    name: str
    kind: DonorKind
    phone: str
    address: str
    email: str
    tax_code: str


def clean_donor(
    *, name: str, kind: DonorKind, phone: str, address: str, email: str, tax_code: str, prefix: str = ""
) -> CleanDonor:
    """Validate what was typed about a donor; `prefix` names the fields inside a larger request."""
    name = clean(name)
    if not name:
        raise Invalid("Cần nhập tên nhà hảo tâm.", field=f"{prefix}name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Tên nhà hảo tâm dài quá {NAME_MAX} ký tự.", field=f"{prefix}name")
    address = clean(address)
    if len(address) > ADDRESS_MAX:
        raise Invalid(f"Địa chỉ dài quá {ADDRESS_MAX} ký tự.", field=f"{prefix}address")
    email = email.strip()
    if email and (len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email)):
        raise Invalid("Địa chỉ email không hợp lệ.", field=f"{prefix}email")
    tax_code = tax_code.strip()
    if tax_code and not _TAX_CODE.fullmatch(tax_code):
        raise Invalid(
            "Mã số thuế gồm 10 chữ số (hoặc 10 chữ số, gạch ngang, 3 chữ số).", field=f"{prefix}tax_code"
        )
    try:
        phone = normalize_phone(phone)
    except Invalid as error:
        raise Invalid(error.message, field=f"{prefix}phone") from None
    return CleanDonor(name, kind, phone, address, email, tax_code)


def _visible(principal: Principal, roles: tuple[Role, ...] = READERS) -> Select[tuple[Donor]]:
    return select(Donor).where(Donor.unit_id.in_(scope_units(principal, roles)))


def matching(statement: Select[tuple[Donor]], query: str) -> Select[tuple[Donor]]:
    """Every word of the query must appear in the name, phone or address, ignoring case and diacritics."""
    return statement.where(*contains_words(Donor.search_text, query))


async def list_donors(
    session: AsyncSession,
    principal: Principal,
    *,
    query: str,
    limit: int,
    offset: int,
    roles: tuple[Role, ...] = READERS,
) -> tuple[list[Donor], int]:
    """Donors in scope, the best matches of `query` first: names that start with it, then names, phones
    and addresses that contain it; otherwise in alphabetical order ignoring diacritics (Đ with D)."""
    visible = _visible(principal, roles)
    if not query.strip():
        return await page_of(session, visible, Donor.search_text, Donor.id, limit=limit, offset=offset)
    needle = escape_like(fold(query).strip())
    text = Donor.search_text
    rank = case(
        (text.like(f"{needle}%", escape="\\"), 0),
        (text.like(f"%{needle}% | % | %", escape="\\"), 1),
        (text.like(f"%{needle}% | %", escape="\\"), 2),
        else_=3,
    )
    return await page_of(session, matching(visible, query), rank, text, Donor.id, limit=limit, offset=offset)


NO_DONOR = "Không có nhà hảo tâm này."


async def get_donor(
    session: AsyncSession, principal: Principal, donor_id: int, roles: tuple[Role, ...] = READERS
) -> Donor:
    donor = (
        await session.execute(_visible(principal, roles).where(Donor.id == donor_id))
    ).scalar_one_or_none()
    if donor is None:
        raise NotFound(NO_DONOR, field="donor")
    return donor


async def same_phone(session: AsyncSession, principal: Principal, phone: str) -> list[Donor]:
    if not phone:
        return []
    rows = await session.execute(_visible(principal).where(Donor.phone == phone).order_by(Donor.id).limit(10))
    return list(rows.scalars())


async def add_donor(
    session: AsyncSession, actor: Actor, unit_id: int, fields: CleanDonor, *, audit: bool = True
) -> Donor:
    """Insert a validated donor. The gift path creates donors inline and audits them with the gift."""
    donor = Donor(
        unit_id=unit_id,
        kind=fields.kind,
        name=fields.name,
        phone=fields.phone,
        address=fields.address,
        email=fields.email,
        tax_code=fields.tax_code,
        search_text=search_text_for(fields.name, fields.phone, fields.address),
        created_by=actor.user_id,
    )
    session.add(donor)
    await session.flush()
    if audit:
        await record(
            session,
            actor,
            "donor.create",
            object_type="donor",
            object_id=donor.id,
            unit_id=unit_id,
            after={"name": donor.name, "phone": donor.phone},
        )
    return donor


async def create_donor(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    *,
    unit_id: int,
    fields: CleanDonor,
    allow_duplicate: bool,
) -> Donor:
    unit = (
        await session.execute(
            select(Unit).where(Unit.id == unit_id, Unit.id.in_(scope_units(principal, RECORDERS)))
        )
    ).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    if not allow_duplicate and (duplicates := await same_phone(session, principal, fields.phone)):
        raise PossibleDuplicates(duplicates)
    return await add_donor(session, actor, unit.id, fields)


class PossibleDuplicates(Conflict):
    """Donors with the same phone already exist; the form offers them before creating another."""

    def __init__(self, donors: list[Donor]) -> None:
        super().__init__(
            "Đã có nhà hảo tâm với số điện thoại này. Chọn người có sẵn, hoặc gửi lại với allow_duplicate.",
            field="phone",
        )
        self.donors = donors


async def update_donor(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    donor_id: int,
    changes: dict[str, str | DonorKind],
) -> Donor:
    donor = await get_donor(session, principal, donor_id, RECORDERS)
    before = {"name": donor.name, "kind": donor.kind, "phone": donor.phone, "address": donor.address}
    fields = clean_donor(
        name=str(changes.get("name", donor.name)),
        kind=DonorKind(changes.get("kind", donor.kind)),
        phone=str(changes.get("phone", donor.phone)),
        address=str(changes.get("address", donor.address)),
        email=str(changes.get("email", donor.email)),
        tax_code=str(changes.get("tax_code", donor.tax_code)),
    )
    donor.name, donor.kind, donor.phone = fields.name, fields.kind, fields.phone
    donor.address, donor.email, donor.tax_code = fields.address, fields.email, fields.tax_code
    donor.search_text = search_text_for(fields.name, fields.phone, fields.address)
    await session.flush()
    await record(
        session,
        actor,
        "donor.update",
        object_type="donor",
        object_id=donor.id,
        unit_id=donor.unit_id,
        before=before,
        after={"name": donor.name, "kind": donor.kind, "phone": donor.phone, "address": donor.address},
    )
    return donor
