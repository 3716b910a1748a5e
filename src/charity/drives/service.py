"""Drives (cuộc vận động): the receiving window, targets, accepted goods, and their state."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, scope_units
from charity.audit.service import Actor, record
from charity.clock import format_date
from charity.db import Database, page_of
from charity.drives.schemas import (
    AssetFlows,
    ChainCheckOut,
    ChainEntryOut,
    DriveItemIn,
    DriveItemOut,
    DriveOut,
    DriveSummary,
    Flow,
    ItemProgress,
    PrintedCheckOut,
)
from charity.errors import Conflict, Invalid, NotFound
from charity.ledger.service import ChainReport, Mark, verify_chain
from charity.models import (
    DECREE_93_PURPOSES,
    MAX_AMOUNT,
    Distribution,
    DistributionStatus,
    Donation,
    DonationItem,
    Drive,
    DriveItemType,
    DriveKind,
    DrivePurpose,
    DriveStatus,
    ItemType,
    LedgerEntry,
    MovementKind,
    Purpose,
    Receipt,
    ReceiptStatus,
    Role,
    StockMovement,
    Unit,
)
from charity.text import clean

READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
MANAGERS = (Role.COORDINATOR,)
# Who may check a drive's ledger: those who answer for its books.
VERIFIERS = (Role.COORDINATOR, Role.AUDITOR)
# Decree 93/2021/NĐ-CP: an appeal receives for at most 90 days and distributes within 20 days after.
APPEAL_MAX_DAYS = 90
APPEAL_DISTRIBUTION_DAYS = 20
NAME_MAX = 200
BANK_MAX = 120
DESCRIPTION_MAX = 4000
MAX_DAYS_BETWEEN = 366
MAX_QUANTITY = Decimal(10**12)


@dataclass(frozen=True, slots=True)
class DriveFields:
    """Validated drive fields, ready to store."""

    name: str
    kind: DriveKind
    starts_on: date
    ends_on: date
    target_amount: int | None
    items: list[DriveItemIn]
    bank_account: str
    is_public: bool
    description: str
    # How often one beneficiary may receive (at least this many days apart), and the purposes the
    # drive's distributions are restricted to (none: all its kind allows).
    min_days_between: int | None = None
    purposes: list[Purpose] = field(default_factory=list)


def _text(
    value: str, field: str, label: str, limit: int, *, required: bool = False, multiline: bool = False
) -> str:
    value = value.strip() if multiline else clean(value)
    if required and not value:
        raise Invalid(f"{label} không được để trống.", field=field)
    if len(value) > limit:
        raise Invalid(f"{label} dài quá {limit} ký tự.", field=field)
    return value


def validate(fields: DriveFields) -> DriveFields:
    name = _text(fields.name, "name", "Tên cuộc vận động", NAME_MAX, required=True)
    if fields.ends_on < fields.starts_on:
        raise Invalid("Ngày kết thúc nhận đóng góp phải từ ngày bắt đầu trở đi.", field="ends_on")
    if fields.kind == DriveKind.APPEAL and (fields.ends_on - fields.starts_on).days + 1 > APPEAL_MAX_DAYS:
        raise Invalid(
            f"Cuộc vận động khẩn cấp (Nghị định 93/2021) chỉ nhận đóng góp tối đa {APPEAL_MAX_DAYS} ngày.",
            field="ends_on",
        )
    if fields.target_amount is not None and not 0 < fields.target_amount <= MAX_AMOUNT:
        raise Invalid("Mục tiêu tiền phải là số nguyên dương (đồng).", field="target_amount")
    seen = set()
    for item in fields.items:
        if item.item_type_id in seen:
            raise Invalid("Một loại hàng chỉ được liệt kê một lần.", field="items")
        seen.add(item.item_type_id)
        target = item.target_quantity
        if target is not None and (
            not target.is_finite() or not 0 < target <= MAX_QUANTITY or target != round(target, 3)
        ):
            raise Invalid("Mục tiêu số lượng phải là số dương, tối đa 3 chữ số thập phân.", field="items")
    if fields.min_days_between is not None and not 1 <= fields.min_days_between <= MAX_DAYS_BETWEEN:
        raise Invalid(
            f"Số ngày giữa hai lần nhận phải từ 1 đến {MAX_DAYS_BETWEEN}.", field="min_days_between"
        )
    if fields.kind == DriveKind.APPEAL and not set(fields.purposes) <= set(DECREE_93_PURPOSES):
        raise Invalid(
            "Cuộc vận động khẩn cấp chỉ được chi cho các mục đích khoản 1 Điều 11 Nghị định 93/2021/NĐ-CP.",
            field="purposes",
        )
    return DriveFields(
        name=name,
        kind=fields.kind,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        target_amount=fields.target_amount,
        items=fields.items,
        bank_account=_text(fields.bank_account, "bank_account", "Tài khoản ngân hàng", BANK_MAX),
        is_public=fields.is_public,
        description=_text(fields.description, "description", "Mô tả", DESCRIPTION_MAX, multiline=True),
        min_days_between=fields.min_days_between,
        purposes=[purpose for purpose in Purpose if purpose in fields.purposes],
    )


def distribution_deadline(kind: DriveKind, ends_on: date) -> date | None:
    return ends_on + timedelta(days=APPEAL_DISTRIBUTION_DAYS) if kind == DriveKind.APPEAL else None


def _visible(principal: Principal, roles: tuple[Role, ...] = READERS) -> Any:
    return select(Drive).where(Drive.unit_id.in_(scope_units(principal, roles)))


NO_DRIVE = "Không có cuộc vận động này."


async def get_drive(
    session: AsyncSession, principal: Principal, drive_id: int, roles: tuple[Role, ...] = READERS
) -> Drive:
    drive = (
        await session.execute(_visible(principal, roles).where(Drive.id == drive_id))
    ).scalar_one_or_none()
    if drive is None:
        raise NotFound(NO_DRIVE)
    return drive


async def accepted_items(session: AsyncSession, drive_ids: list[int]) -> dict[int, list[DriveItemOut]]:
    rows = await session.execute(
        select(DriveItemType, ItemType)
        .join(ItemType, ItemType.id == DriveItemType.item_type_id)
        .where(DriveItemType.drive_id.in_(drive_ids))
        .order_by(ItemType.name)
    )
    result: dict[int, list[DriveItemOut]] = {drive_id: [] for drive_id in drive_ids}
    for link, item_type in rows:
        result[link.drive_id].append(
            DriveItemOut(item_type.id, item_type.name, item_type.unit_of_measure, link.target_quantity)
        )
    return result


async def purposes_of(session: AsyncSession, drive_ids: list[int]) -> dict[int, list[Purpose]]:
    """The purposes each drive restricted its distributions to, in the list's order."""
    chosen: dict[int, set[str]] = {drive_id: set() for drive_id in drive_ids}
    for drive_id, purpose in await session.execute(
        select(DrivePurpose.drive_id, DrivePurpose.purpose).where(DrivePurpose.drive_id.in_(drive_ids))
    ):
        chosen[drive_id].add(purpose)
    return {drive_id: [p for p in Purpose if p in found] for drive_id, found in chosen.items()}


async def _set_purposes(session: AsyncSession, drive_id: int, purposes: list[Purpose]) -> None:
    await session.execute(delete(DrivePurpose).where(DrivePurpose.drive_id == drive_id))
    session.add_all(DrivePurpose(drive_id=drive_id, purpose=purpose) for purpose in purposes)
    await session.flush()


async def to_out(session: AsyncSession, drives: list[Drive]) -> list[DriveOut]:
    items = await accepted_items(session, [drive.id for drive in drives])
    purposes = await purposes_of(session, [drive.id for drive in drives])
    units = {
        unit.id: unit
        for unit in (
            await session.execute(select(Unit).where(Unit.id.in_({d.unit_id for d in drives})))
        ).scalars()
    }
    return [
        DriveOut(
            id=drive.id,
            unit_id=drive.unit_id,
            unit_code=units[drive.unit_id].code,
            unit_name=units[drive.unit_id].name,
            name=drive.name,
            kind=DriveKind(drive.kind),
            status=DriveStatus(drive.status),
            starts_on=drive.starts_on,
            ends_on=drive.ends_on,
            distribution_deadline=drive.distribution_deadline,
            target_amount=drive.target_amount,
            items=items[drive.id],
            bank_account=drive.bank_account,
            is_public=drive.is_public,
            description=drive.description,
            created_at=drive.created_at,
            min_days_between=drive.min_days_between,
            purposes=purposes[drive.id],
        )
        for drive in drives
    ]


async def list_drives(
    session: AsyncSession,
    principal: Principal,
    *,
    status: DriveStatus | None,
    unit_id: int | None,
    limit: int,
    offset: int,
    roles: tuple[Role, ...] = READERS,
) -> tuple[list[Drive], int]:
    """The drives of the units where the principal holds one of `roles`, newest first."""
    statement = _visible(principal, roles)
    if status is not None:
        statement = statement.where(Drive.status == status)
    if unit_id is not None:
        statement = statement.where(Drive.unit_id == unit_id)
    return await page_of(
        session, statement, Drive.starts_on.desc(), Drive.id.desc(), limit=limit, offset=offset
    )


# The dashboard warns of an appeal's distribution deadline this many days ahead.
DEADLINE_WARNING_DAYS = 10


async def appeals_to_distribute(session: AsyncSession, principal: Principal, today: date) -> list[Drive]:
    """The appeals in the caller's scope (as coordinator or auditor) whose distribution deadline
    matters now: their receiving window has closed or the deadline is at most
    `DEADLINE_WARNING_DAYS` away (or past). The nearest deadline first."""
    statement = (
        _visible(principal, VERIFIERS)
        .where(
            Drive.kind == DriveKind.APPEAL,
            Drive.distribution_deadline.is_not(None),
            Drive.status != DriveStatus.DRAFT,
            (Drive.status == DriveStatus.CLOSED)
            | (Drive.ends_on < today)
            | (Drive.distribution_deadline <= today + timedelta(days=DEADLINE_WARNING_DAYS)),
        )
        .order_by(Drive.distribution_deadline, Drive.id)
        .limit(100)
    )
    return list((await session.execute(statement)).scalars())


async def _check_item_types(session: AsyncSession, items: list[DriveItemIn]) -> None:
    ids = [item.item_type_id for item in items]
    found = set((await session.execute(select(ItemType.id).where(ItemType.id.in_(ids)))).scalars())
    if missing := [i for i in ids if i not in found]:
        raise Invalid(f"Không có loại hàng mã {missing[0]}.", field="items")


async def _gift_dates(session: AsyncSession, drive_id: int) -> tuple[date | None, date | None]:
    row = (
        await session.execute(
            select(func.min(Donation.received_on), func.max(Donation.received_on)).where(
                Donation.drive_id == drive_id
            )
        )
    ).one()
    return row[0], row[1]


async def _items_with_gifts(session: AsyncSession, drive_id: int) -> set[int]:
    rows = await session.execute(
        select(DonationItem.item_type_id)
        .join(Donation, Donation.id == DonationItem.donation_id)
        .where(Donation.drive_id == drive_id)
        .distinct()
    )
    return set(rows.scalars())


def _snapshot(drive: Drive, items: list[DriveItemIn] | list[DriveItemOut]) -> dict[str, Any]:
    return {
        "name": drive.name,
        "kind": drive.kind,
        "status": drive.status,
        "starts_on": drive.starts_on.isoformat(),
        "ends_on": drive.ends_on.isoformat(),
        "target_amount": drive.target_amount,
        "bank_account": drive.bank_account,
        "is_public": drive.is_public,
        "min_days_between": drive.min_days_between,
        "items": [
            {
                "item_type_id": item.item_type_id,
                "target_quantity": str(item.target_quantity) if item.target_quantity else None,
            }
            for item in items
        ],
    }


async def create_drive(
    session: AsyncSession, principal: Principal, actor: Actor, unit_id: int, fields: DriveFields
) -> Drive:
    fields = validate(fields)
    unit = (
        await session.execute(
            select(Unit).where(Unit.id == unit_id, Unit.id.in_(scope_units(principal, MANAGERS)))
        )
    ).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    await _check_item_types(session, fields.items)
    drive = Drive(
        unit_id=unit.id,
        name=fields.name,
        kind=fields.kind,
        status=DriveStatus.DRAFT,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        distribution_deadline=distribution_deadline(fields.kind, fields.ends_on),
        target_amount=fields.target_amount,
        bank_account=fields.bank_account,
        is_public=fields.is_public,
        description=fields.description,
        min_days_between=fields.min_days_between,
    )
    session.add(drive)
    await session.flush()
    await _set_purposes(session, drive.id, fields.purposes)
    session.add_all(
        DriveItemType(drive_id=drive.id, item_type_id=item.item_type_id, target_quantity=item.target_quantity)
        for item in fields.items
    )
    await session.flush()
    await record(
        session,
        actor,
        "drive.create",
        object_type="drive",
        object_id=drive.id,
        unit_id=unit.id,
        after=_snapshot(drive, fields.items),
    )
    return drive


async def update_drive(
    session: AsyncSession, principal: Principal, actor: Actor, drive_id: int, changes: dict[str, Any]
) -> Drive:
    drive = await get_drive(session, principal, drive_id, MANAGERS)
    if drive.status == DriveStatus.CLOSED:
        raise Conflict("Cuộc vận động đã kết thúc, không sửa được nữa.")
    current_items = (await accepted_items(session, [drive.id]))[drive.id]
    before = _snapshot(drive, current_items)
    items = changes.get("items")
    fields = validate(
        DriveFields(
            name=changes.get("name", drive.name),
            kind=changes.get("kind", DriveKind(drive.kind)),
            starts_on=changes.get("starts_on", drive.starts_on),
            ends_on=changes.get("ends_on", drive.ends_on),
            target_amount=changes.get("target_amount", drive.target_amount),
            items=items
            if items is not None
            else [DriveItemIn(i.item_type_id, i.target_quantity) for i in current_items],
            bank_account=changes.get("bank_account", drive.bank_account),
            is_public=changes.get("is_public", drive.is_public),
            description=changes.get("description", drive.description),
            min_days_between=changes.get("min_days_between", drive.min_days_between),
            purposes=changes.get("purposes", (await purposes_of(session, [drive.id]))[drive.id]),
        )
    )
    first, last = await _gift_dates(session, drive.id)
    if first is not None:
        if fields.kind != drive.kind:
            raise Conflict("Cuộc vận động đã có đóng góp, không đổi loại được.", field="kind")
        if fields.starts_on > first or fields.ends_on < last:
            raise Conflict(
                f"Thời gian nhận phải bao gồm các đóng góp đã ghi (từ {format_date(first)} đến {format_date(last)}).",
                field="starts_on",
            )
    if items is not None:
        await _check_item_types(session, fields.items)
        removed = {i.item_type_id for i in current_items} - {i.item_type_id for i in fields.items}
        if removed & await _items_with_gifts(session, drive.id):
            raise Conflict("Không bỏ được loại hàng đã có người đóng góp.", field="items")
        for link in (
            await session.execute(select(DriveItemType).where(DriveItemType.drive_id == drive.id))
        ).scalars():
            await session.delete(link)
        await session.flush()
        session.add_all(
            DriveItemType(
                drive_id=drive.id, item_type_id=item.item_type_id, target_quantity=item.target_quantity
            )
            for item in fields.items
        )
    drive.name, drive.kind = fields.name, fields.kind
    drive.starts_on, drive.ends_on = fields.starts_on, fields.ends_on
    drive.distribution_deadline = distribution_deadline(fields.kind, fields.ends_on)
    drive.target_amount = fields.target_amount
    drive.min_days_between = fields.min_days_between
    await _set_purposes(session, drive.id, fields.purposes)
    drive.bank_account, drive.is_public, drive.description = (
        fields.bank_account,
        fields.is_public,
        fields.description,
    )
    await session.flush()
    await record(
        session,
        actor,
        "drive.update",
        object_type="drive",
        object_id=drive.id,
        unit_id=drive.unit_id,
        before=before,
        after=_snapshot(drive, fields.items),
    )
    return drive


async def set_status(
    session: AsyncSession, principal: Principal, actor: Actor, drive_id: int, status: DriveStatus
) -> Drive:
    drive = await get_drive(session, principal, drive_id, MANAGERS)
    allowed = {DriveStatus.OPEN: {DriveStatus.DRAFT}, DriveStatus.CLOSED: {DriveStatus.OPEN}}[status]
    if drive.status not in allowed:
        message = {
            DriveStatus.OPEN: "Chỉ mở được cuộc vận động đang ở trạng thái nháp.",
            DriveStatus.CLOSED: "Chỉ kết thúc được cuộc vận động đang mở.",
        }[status]
        raise Conflict(message, field="status")
    before = drive.status
    drive.status = status
    await session.flush()
    await record(
        session,
        actor,
        "drive.open" if status == DriveStatus.OPEN else "drive.close",
        object_type="drive",
        object_id=drive.id,
        unit_id=drive.unit_id,
        before={"status": before},
        after={"status": status.value},
    )
    return drive


def _ratio(done: Decimal | int, target: Decimal | int | None) -> float | None:
    return round(float(Decimal(done) / Decimal(target)), 4) if target else None


class _Sums:
    """What one asset's entries add up to, per kind of movement, as they are read."""

    def __init__(self, goods: bool) -> None:
        self.goods = goods
        self.by_kind: dict[str, tuple[int, Decimal]] = {}

    def add(self, kind: str, amount: int, quantity: Decimal) -> None:
        held_amount, held_quantity = self.by_kind.get(kind, (0, Decimal(0)))
        self.by_kind[kind] = (held_amount + amount, held_quantity + quantity)

    def flow(self, *kinds: str, sign: int = 1) -> Flow:
        amount = sum(self.by_kind.get(kind, (0, Decimal(0)))[0] for kind in kinds)
        quantity = sum((self.by_kind.get(kind, (0, Decimal(0)))[1] for kind in kinds), Decimal(0))
        # Adding 0 turns a quantity of -0 (nothing went out) into 0.
        return Flow(sign * amount, sign * quantity + 0 if self.goods else None)


_IN = ("gifts", "transfers_in", "conversions_in")
_OUT = ("distributions", "conversions_out", "transfers_out", "adjustments")


def _kind_of(drive_id: int, goods: bool, has_distribution: bool, movement: str | None, to: int | None) -> str:
    """Which movement an entry is part of, its void included (a void posts to the same document)."""
    if has_distribution:
        return "distributions"
    if movement == MovementKind.ADJUSTMENT:
        return "adjustments"
    if movement == MovementKind.TRANSFER:
        return "transfers_in" if to == drive_id else "transfers_out"
    if movement == MovementKind.CONVERSION:
        # Goods are sold: the goods go out, the price comes in.
        return "conversions_out" if goods else "conversions_in"
    return "gifts"


async def _flows(session: AsyncSession, drive_id: int) -> dict[int | None, _Sums]:
    """The drive's entries summed per asset and kind of movement, in one reading of its ledger."""
    rows = await session.execute(
        select(
            LedgerEntry.item_type_id,
            LedgerEntry.distribution_id.is_not(None),
            StockMovement.kind,
            StockMovement.to_drive_id,
            func.sum(LedgerEntry.amount),
            func.sum(LedgerEntry.quantity),
        )
        .outerjoin(StockMovement, StockMovement.id == LedgerEntry.movement_id)
        .where(LedgerEntry.drive_id == drive_id)
        .group_by(
            LedgerEntry.item_type_id,
            LedgerEntry.distribution_id.is_not(None),
            StockMovement.kind,
            StockMovement.to_drive_id,
        )
    )
    sums: dict[int | None, _Sums] = {}
    for item_type_id, has_distribution, movement, to, amount, quantity in rows:
        goods = item_type_id is not None
        kind = _kind_of(drive_id, goods, bool(has_distribution), movement, to)
        # PostgreSQL sums BIGINT into NUMERIC.
        sums.setdefault(item_type_id, _Sums(goods)).add(kind, int(amount or 0), Decimal(quantity or 0))
    return sums


def _asset_flows(item_type_id: int | None, item_type: ItemType | None, sums: _Sums) -> AssetFlows:
    return AssetFlows(
        item_type_id=item_type_id,
        name=item_type.name if item_type else "Tiền",
        unit_of_measure=item_type.unit_of_measure if item_type else "đ",
        gifts=sums.flow("gifts"),
        transfers_in=sums.flow("transfers_in"),
        conversions_in=sums.flow("conversions_in"),
        # What went out is entered negative in the ledger, and shown as the quantity that left.
        distributions=sums.flow("distributions", sign=-1),
        conversions_out=sums.flow("conversions_out", sign=-1),
        transfers_out=sums.flow("transfers_out", sign=-1),
        adjustments=sums.flow("adjustments", sign=-1),
        came_in=sums.flow(*_IN),
        went_out=sums.flow(*_OUT, sign=-1),
        held=sums.flow(*_IN, *_OUT),
    )


async def _reached(session: AsyncSession, drive_id: int) -> tuple[int, int, int]:
    """How many distributions the drive handed over (not voided), to how many households, and how
    many people of counted groups they fed or served."""
    handed_over = and_(
        Distribution.drive_id == drive_id, Distribution.status == DistributionStatus.HANDED_OVER
    )
    count, households, people = (
        await session.execute(
            select(
                func.count(),
                func.count(func.distinct(Distribution.beneficiary_id)),
                func.coalesce(func.sum(Distribution.group_count), 0),
            ).where(handed_over)
        )
    ).one()
    return count, households, int(people)


async def summary(session: AsyncSession, principal: Principal, drive_id: int) -> DriveSummary:
    """Totals and progress, from the ledger (what came in, went out and is held) and the receipts
    and distributions (how many gifts, to how many)."""
    drive = await get_drive(session, principal, drive_id)
    counts = (
        await session.execute(
            select(
                func.count(case((Receipt.status == ReceiptStatus.ISSUED, 1))),
                func.count(case((Receipt.status == ReceiptStatus.VOID, 1))),
                func.count(func.distinct(case((Receipt.status == ReceiptStatus.ISSUED, Donation.donor_id)))),
            )
            .select_from(Receipt)
            .join(Donation, and_(Donation.id == Receipt.donation_id, Donation.drive_id == drive.id))
        )
    ).one()
    sums = await _flows(session, drive.id)
    accepted = (await accepted_items(session, [drive.id]))[drive.id]
    goods_ids = {item.item_type_id for item in accepted} | {key for key in sums if key is not None}
    types = {
        t.id: t for t in (await session.execute(select(ItemType).where(ItemType.id.in_(goods_ids)))).scalars()
    }
    targets = {item.item_type_id: item.target_quantity for item in accepted}
    money = _asset_flows(None, None, sums.get(None, _Sums(goods=False)))
    flows = [money] if None in sums else []
    items = []
    for item_type_id in sorted(goods_ids, key=lambda i: types[i].name):
        flow = _asset_flows(item_type_id, types[item_type_id], sums.get(item_type_id, _Sums(goods=True)))
        if item_type_id in sums:
            flows.append(flow)
        raised = (flow.gifts.quantity or Decimal(0)) + (flow.transfers_in.quantity or Decimal(0))
        items.append(
            ItemProgress(
                item_type_id=item_type_id,
                name=types[item_type_id].name,
                unit_of_measure=types[item_type_id].unit_of_measure,
                quantity=flow.held.quantity or Decimal(0),
                value=flow.held.amount,
                target_quantity=targets.get(item_type_id),
                progress=_ratio(raised, targets.get(item_type_id)),
            )
        )
    cash = money.held.amount
    goods_value = sum(item.value for item in items)
    handed_over, households, people = await _reached(session, drive.id)
    return DriveSummary(
        drive_id=drive.id,
        status=DriveStatus(drive.status),
        receipts_issued=counts[0],
        receipts_void=counts[1],
        donors=counts[2],
        cash_total=cash,
        goods_value=goods_value,
        total_value=cash + goods_value,
        target_amount=drive.target_amount,
        cash_progress=_ratio(money.gifts.amount + money.transfers_in.amount, drive.target_amount),
        items=items,
        flows=flows,
        distributions_handed_over=handed_over,
        households_reached=households,
        people_in_groups=people,
    )


def _entry_out(mark: Mark | None) -> ChainEntryOut | None:
    return ChainEntryOut(mark.seq, mark.hash, mark.posted_on, mark.created_at) if mark else None


_HASH = re.compile("^[0-9a-f]{64}$")


def printed_end(seq: int | None, hash: str) -> tuple[int, str] | None:
    """A printout's chain end as given (line and hash, both or neither), checked."""
    hash = hash.strip().lower()
    if seq is None and not hash:
        return None
    if seq is None or seq < 1:
        raise Invalid("Hãy nhập số dòng in ở chân sổ.", field="seq")
    if not _HASH.match(hash):
        raise Invalid("Mã băm in ở chân sổ gồm 64 chữ số và chữ a–f.", field="hash")
    return seq, hash


def _printed(report: ChainReport, seq: int, hash: str) -> PrintedCheckOut:
    if report.at is not None and report.at.hash == hash:
        detail = f"Dòng số {seq} vẫn mang mã băm như bản in: từ dòng đầu đến dòng {seq} không dòng nào bị viết lại."
        return PrintedCheckOut(seq, hash, True, detail)
    if report.at is not None:
        detail = f"Dòng số {seq} nay mang mã băm khác bản in: sổ đã bị viết lại ở dòng {seq} hoặc trước đó."
    elif report.intact and seq > report.entries:
        detail = f"Sổ không có dòng số {seq}: chỉ có {report.entries} dòng."
    else:
        detail = f"Sổ hỏng trước dòng số {seq}, nên không đối chiếu được với bản in."
    return PrintedCheckOut(seq, hash, False, detail)


async def check_chain(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    drive_id: int,
    principal: Principal | None,
    printed: tuple[int, str] | None = None,
) -> ChainCheckOut:
    """Check the drive's ledger against its hash chain (for `principal`, a drive they answer for; for
    the command line on the server, principal None, any drive) and record the check, an audit event,
    in the write transaction `session`. The walk reads from a read of its own: a long chain must not
    hold the write lock while it is read. `printed` is a chain end (line, hash) from the foot of a
    kept printout: whether the ledger still holds that line with that hash."""
    async with database.read() as reading:
        if principal is None:
            drive = await reading.get(Drive, drive_id)
            if drive is None:
                raise NotFound(NO_DRIVE)
        else:
            drive = await get_drive(reading, principal, drive_id, VERIFIERS)
        report = await verify_chain(reading, drive.id, printed[0] if printed else None)
    checked = ChainCheckOut(
        drive_id=drive.id,
        intact=report.intact,
        entries=report.entries,
        head_seq=report.head_seq,
        head_hash=report.head_hash,
        head_matches=report.head_matches,
        first=_entry_out(report.first),
        last=_entry_out(report.last),
        first_bad_seq=report.first_bad_seq,
        problem=report.kind.value if report.kind else None,
        detail=report.problem or "Sổ nguyên vẹn: mọi dòng khớp với chuỗi băm.",
        printed=_printed(report, *printed) if printed else None,
    )
    await record(
        session,
        actor,
        "ledger.verify",
        object_type="drive",
        object_id=drive.id,
        unit_id=drive.unit_id,
        after={
            "intact": checked.intact,
            "entries": checked.entries,
            "head_seq": checked.head_seq,
            "head_hash": checked.head_hash,
            "first_bad_seq": checked.first_bad_seq,
            "problem": checked.problem,
        }
        | (
            {"printed_seq": printed[0], "printed_matches": checked.printed.matches} if checked.printed else {}
        ),
    )
    return checked
