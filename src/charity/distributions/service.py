"""Distributions (trao tặng / cấp phát): what a drive gives to one beneficiary or to a counted group.

A distribution is numbered from its unit's book when it is planned (or, as a line of a round, when
the round is approved) and posts to the ledger when it is handed over: money and goods leave the drive
at their book value, refused whole (409 naming what is short) if the drive holds less, under the
drive's lock. A wrong one is voided with a reason: the number stays, a handed-over one is reversed.
Rows are locked in the order every writer takes them: the document book, the distribution, the drive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units
from charity.amounts import check_cash, check_quantity
from charity.audit.service import Actor, record
from charity.beneficiaries.privacy import code_of
from charity.beneficiaries.registry import Scopes, scopes_of
from charity.clock import format_date, local_today
from charity.db import lock_rows, page_of
from charity.distributions.recipients import check_recipient, recipients
from charity.distributions.schemas import (
    CashGiven,
    CashOut,
    DistributionIn,
    DistributionOut,
    GoodsGiven,
    GoodsOut,
    GroupIn,
    GroupOut,
)
from charity.drives.service import get_drive
from charity.errors import Conflict, Invalid, NotFound
from charity.labels import PURPOSES
from charity.ledger.documents import document_number, take_number
from charity.ledger.service import Posting, post, reverse, take_out
from charity.models import (
    DECREE_93_PURPOSES,
    Absence,
    Distribution,
    DistributionItem,
    DistributionStatus,
    DocumentBook,
    DocumentKind,
    Drive,
    DriveKind,
    DrivePurpose,
    DriveStatus,
    EntrySource,
    ItemType,
    PaymentMethod,
    Purpose,
    Role,
    User,
    utcnow,
)

READERS = (Role.COORDINATOR, Role.AUDITOR)
GIVERS = (Role.COORDINATOR,)
TOO_SOON = "too_soon"
AFTER_DEADLINE = "after_deadline"
TEXT_MAX = 500
PLACE_MAX = 200
NO_DISTRIBUTION = "Không có phiếu trao này."


def clean_text(value: str, label: str, field: str, *, limit: int = TEXT_MAX, required: bool = False) -> str:
    text = " ".join(value.split())
    if required and not text:
        raise Invalid(f"Cần ghi {label}.", field=field)
    if len(text) > limit:
        raise Invalid(f"{label[0].upper()}{label[1:]} dài quá {limit} ký tự.", field=field)
    return text


async def drive_for_giving(session: AsyncSession, principal: Principal, drive_id: int) -> Drive:
    """The drive to give from, for its coordinators: any drive but a draft (an appeal gives after its
    receiving window closed)."""
    drive = await get_drive(session, principal, drive_id, GIVERS)
    if drive.status == DriveStatus.DRAFT:
        raise Invalid(f"Cuộc vận động «{drive.name}» còn là bản nháp: chưa trao được.", field="drive_id")
    return drive


async def allowed_purposes(session: AsyncSession, drive: Drive) -> list[Purpose]:
    """The purposes the drive restricted itself to; else, for an appeal, what Decree 93/2021 allows
    unconditional gifts to be spent on; else any."""
    restricted = set(
        await session.scalars(select(DrivePurpose.purpose).where(DrivePurpose.drive_id == drive.id))
    )
    if restricted:
        return [purpose for purpose in Purpose if purpose in restricted]
    if drive.kind == DriveKind.APPEAL:
        return list(DECREE_93_PURPOSES)
    return list(Purpose)


async def check_purpose(session: AsyncSession, drive: Drive, purpose: Purpose) -> None:
    if purpose in await allowed_purposes(session, drive):
        return
    rule = (
        "các mục đích khoản 1 Điều 11 Nghị định 93/2021/NĐ-CP cho phép"
        if drive.kind == DriveKind.APPEAL
        else "các mục đích cuộc vận động đã giới hạn"
    )
    raise Invalid(
        f"Mục đích «{PURPOSES[purpose]}» không thuộc {rule} của cuộc vận động «{drive.name}».",
        field="purpose",
    )


def check_day(drive: Drive, on: date, late_reason: str, field: str) -> str:
    """The day something is handed over: not ahead of today nor before the drive began; after an
    appeal's distribution deadline only with a reason, which is returned cleaned."""
    late_reason = clean_text(late_reason, "lý do trao sau hạn", "late_reason")
    if on > local_today():
        raise Invalid("Ngày trao không được sau hôm nay.", field=field)
    if on < drive.starts_on:
        raise Invalid(
            f"Ngày trao không được trước ngày bắt đầu cuộc vận động ({format_date(drive.starts_on)}).",
            field=field,
        )
    deadline = drive.distribution_deadline
    if deadline is not None and on > deadline and not late_reason:
        raise Invalid(
            f"Đã quá hạn phân phối {format_date(deadline)} của cuộc vận động «{drive.name}» (Nghị định"
            " 93/2021/NĐ-CP: trong 20 ngày sau khi kết thúc tiếp nhận). Ghi lý do trao sau hạn để tiếp tục.",
            field="late_reason",
            code=AFTER_DEADLINE,
            facts={"deadline": deadline.isoformat()},
        )
    return late_reason if deadline is not None and on > deadline else ""


def check_planned_day(on: date, field: str) -> None:
    if not local_today() - timedelta(days=366) <= on <= local_today() + timedelta(days=366):
        raise Invalid("Ngày dự kiến trao phải trong vòng một năm tính từ hôm nay.", field=field)


@dataclass(frozen=True, slots=True)
class Gift:
    """What a distribution gives, checked: cash and goods lines with their item types."""

    cash: CashGiven | None
    goods: list[tuple[GoodsGiven, ItemType]]

    @property
    def needs(self) -> dict[int | None, Decimal]:
        wanted: dict[int | None, Decimal] = {}
        if self.cash is not None:
            wanted[None] = Decimal(self.cash.amount)
        for line, item_type in self.goods:
            wanted[item_type.id] = line.quantity
        return wanted


async def check_gift(
    session: AsyncSession, cash: CashGiven | None, items: list[GoodsGiven], prefix: str
) -> Gift:
    if cash is not None:
        check_cash(cash.amount, f"{prefix}cash.amount")
    goods = []
    seen: set[int] = set()
    for index, line in enumerate(items):
        field = f"{prefix}items[{index}]"
        item_type = await session.get(ItemType, line.item_type_id)
        if item_type is None:
            raise Invalid(f"Không có loại hàng mã {line.item_type_id}.", field=f"{field}.item_type_id")
        if item_type.id in seen:
            raise Invalid(f"Loại hàng «{item_type.name}» đã có ở dòng trên: gộp vào một dòng.", field=field)
        seen.add(item_type.id)
        check_quantity(line.quantity, item_type.name, f"{field}.quantity")
        goods.append((line, item_type))
    if cash is None and not goods:
        raise Invalid("Cần nhập số tiền hoặc ít nhất một dòng hàng.", field=f"{prefix}cash")
    return Gift(cash, goods)


async def check_frequency(
    session: AsyncSession,
    drive: Drive,
    beneficiary_id: int,
    on: date,
    override_reason: str,
    field: str,
) -> str:
    """Refuse (409 `too_soon`) a beneficiary who received from the drive fewer days ago than the
    drive allows, unless the coordinator gives a reason; returns the reason when it was needed."""
    override_reason = clean_text(override_reason, "lý do trao sớm", field)
    days = drive.min_days_between
    if days is None:
        return ""
    last = (
        await session.execute(
            select(Distribution.handed_over_on, DocumentBook.year, Distribution.seq)
            .join(DocumentBook, DocumentBook.id == Distribution.book_id)
            .where(
                Distribution.drive_id == drive.id,
                Distribution.beneficiary_id == beneficiary_id,
                Distribution.status == DistributionStatus.HANDED_OVER,
                Distribution.handed_over_on > on - timedelta(days=days),
                Distribution.handed_over_on < on + timedelta(days=days),
            )
            .order_by(Distribution.handed_over_on.desc())
            .limit(1)
        )
    ).first()
    if last is None:
        return ""
    if override_reason:
        return override_reason
    received_on, year, seq = last
    number = document_number(DocumentKind.DISTRIBUTION, year, seq)
    raise Conflict(
        f"Đối tượng {code_of(beneficiary_id)} đã nhận từ cuộc vận động này ngày {format_date(received_on)}"
        f" (phiếu {number}); mỗi đối tượng nhận cách nhau ít nhất {days} ngày, tức từ ngày"
        f" {format_date(received_on + timedelta(days=days))}. Ghi lý do để vẫn trao.",
        field=field,
        code=TOO_SOON,
        facts={
            "beneficiary_id": beneficiary_id,
            "last_number": number,
            "last_on": received_on.isoformat(),
            "next_on": (received_on + timedelta(days=days)).isoformat(),
        },
    )


def check_group(group: GroupIn) -> GroupIn:
    return GroupIn(
        place=clean_text(group.place, "nơi trao", "group.place", limit=PLACE_MAX, required=True),
        count=group.count,
        description=clean_text(group.description, "mô tả nhóm nhận", "group.description", limit=PLACE_MAX),
    )


_INSERT = insert(Distribution.__table__).returning(Distribution.id)


async def insert_distribution(
    session: AsyncSession,
    principal: Principal,
    drive: Drive,
    gift: Gift,
    *,
    purpose: Purpose,
    status: DistributionStatus,
    beneficiary_id: int | None = None,
    group: GroupIn | None = None,
    round_id: int | None = None,
    line_no: int | None = None,
    note: str = "",
    override_reason: str = "",
    late_reason: str = "",
) -> int:
    """Write a distribution and its goods lines, numbered unless it is a draft line of a round."""
    number = None
    if status != DistributionStatus.DRAFT:
        number = await take_number(session, drive.unit_id, DocumentKind.DISTRIBUTION, local_today().year)
    distribution_id: int = (
        await session.execute(
            _INSERT,
            {
                "drive_id": drive.id,
                "book_id": number.book_id if number else None,
                "seq": number.seq if number else None,
                "round_id": round_id,
                "line_no": line_no,
                "beneficiary_id": beneficiary_id,
                "group_place": group.place if group else "",
                "group_count": group.count if group else None,
                "group_description": group.description if group else "",
                "purpose": purpose,
                "cash_amount": gift.cash.amount if gift.cash else None,
                "cash_method": gift.cash.method if gift.cash else None,
                "status": status,
                "note": note,
                "override_reason": override_reason,
                "late_reason": late_reason,
                "created_by": principal.user_id,
                "created_at": utcnow(),
                "void_reason": "",
            },
        )
    ).scalar_one()
    if gift.goods:
        await session.execute(
            insert(DistributionItem.__table__),
            [
                {"distribution_id": distribution_id, "item_type_id": item_type.id, "quantity": line.quantity}
                for line, item_type in gift.goods
            ],
        )
    return distribution_id


async def number_of(session: AsyncSession, distribution: Distribution) -> str | None:
    """ "TT-2026/00012"; None for a line of a round not yet approved."""
    if distribution.seq is None:
        return None
    year = (
        await session.execute(select(DocumentBook.year).where(DocumentBook.id == distribution.book_id))
    ).scalar_one()
    return document_number(DocumentKind.DISTRIBUTION, year, distribution.seq)


async def give(session: AsyncSession, principal: Principal, distribution: Distribution, on: date) -> None:
    """Hand a planned distribution over: its money and goods leave the drive at book value, under the
    drive's lock, or nothing does (`Short`). The caller holds the distribution's row lock."""
    number = await number_of(session, distribution)
    lines = list(
        await session.scalars(
            select(DistributionItem)
            .where(DistributionItem.distribution_id == distribution.id)
            .order_by(DistributionItem.id)
        )
    )
    postings: list[Posting] = []
    if distribution.cash_amount is not None:
        postings.append(
            await take_out(
                session, distribution.drive_id, None, Decimal(distribution.cash_amount), f"Trao tặng {number}"
            )
        )
    for line in lines:
        taken = await take_out(
            session, distribution.drive_id, line.item_type_id, line.quantity, f"Trao tặng {number}"
        )
        line.value = -taken.amount
        postings.append(taken)
    await post(
        session,
        drive_id=distribution.drive_id,
        posted_on=on,
        source=EntrySource.DISTRIBUTION,
        postings=postings,
        user_id=principal.user_id,
        distribution_id=distribution.id,
    )
    distribution.status = DistributionStatus.HANDED_OVER
    distribution.handed_over_on = on
    distribution.handed_over_by = principal.user_id
    distribution.absence = None
    distribution.total_value = -sum(posting.amount for posting in postings)
    await session.flush()


def _facts(distribution: Distribution, number: str | None) -> dict[str, object]:
    """What an audit event keeps of a distribution: ids and amounts, never who the person is."""
    return {
        "number": number,
        "drive_id": distribution.drive_id,
        "beneficiary_id": distribution.beneficiary_id,
        "group_count": distribution.group_count,
        "purpose": distribution.purpose,
        "cash_amount": distribution.cash_amount,
        "status": distribution.status,
        "total_value": distribution.total_value,
    }


async def audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    distribution: Distribution,
    drive: Drive,
    **extra: object,
) -> None:
    number = await number_of(session, distribution)
    await record(
        session,
        actor,
        action,
        object_type="distribution",
        object_id=distribution.id,
        unit_id=drive.unit_id,
        after=_facts(distribution, number) | extra,
    )


async def create_distribution(
    session: AsyncSession, principal: Principal, actor: Actor, data: DistributionIn
) -> DistributionOut:
    drive = await drive_for_giving(session, principal, data.drive_id)
    await check_purpose(session, drive, data.purpose)
    if (data.beneficiary_id is None) == (data.group is None):
        raise Invalid(
            "Chọn một đối tượng, hoặc ghi nhóm nhận (nơi trao và số người, số suất).", field="beneficiary_id"
        )
    group = check_group(data.group) if data.group is not None else None
    gift = await check_gift(session, data.cash, data.items, "")
    note = clean_text(data.note, "ghi chú", "note")
    on = data.handed_over_on
    late_reason = check_day(drive, on, data.late_reason, "handed_over_on") if on is not None else ""
    override_reason = ""
    scopes = await scopes_of(session, principal)
    if data.beneficiary_id is not None:
        await check_recipient(
            session, scopes, drive, data.beneficiary_id, on or local_today(), "beneficiary_id"
        )
        override_reason = await check_frequency(
            session, drive, data.beneficiary_id, on or local_today(), data.override_reason, "override_reason"
        )
    distribution_id = await insert_distribution(
        session,
        principal,
        drive,
        gift,
        purpose=data.purpose,
        status=DistributionStatus.PLANNED,
        beneficiary_id=data.beneficiary_id,
        group=group,
        note=note,
        override_reason=override_reason,
        late_reason=late_reason,
    )
    distribution = await session.get_one(Distribution, distribution_id)
    if on is not None:
        await give(session, principal, distribution, on)
    await audit(session, actor, "distribution.create", distribution, drive)
    if override_reason:
        await audit(session, actor, "distribution.override", distribution, drive, reason=override_reason)
    return (await load(session, scopes, [distribution_id]))[0]


async def locked(
    session: AsyncSession, principal: Principal, distribution_id: int
) -> tuple[Distribution, Drive]:
    """A distribution its drive's coordinators may act on, with its row locked."""
    rows = await lock_rows(session, Distribution, [distribution_id])
    if not rows:
        raise NotFound(NO_DISTRIBUTION)
    try:
        drive = await get_drive(session, principal, rows[0].drive_id, GIVERS)
    except NotFound:
        raise NotFound(NO_DISTRIBUTION) from None
    return rows[0], drive


async def hand_over(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    distribution_id: int,
    on: date,
    late_reason: str,
) -> DistributionOut:
    distribution, drive = await locked(session, principal, distribution_id)
    if distribution.status != DistributionStatus.PLANNED:
        raise Conflict("Chỉ trao được phiếu đang chờ trao.", field="status")
    distribution.late_reason = check_day(drive, on, late_reason, "handed_over_on")
    scopes = await scopes_of(session, principal)
    if distribution.beneficiary_id is not None:
        await check_recipient(session, scopes, drive, distribution.beneficiary_id, on, "beneficiary_id")
    await give(session, principal, distribution, on)
    await audit(session, actor, "distribution.hand_over", distribution, drive)
    return (await load(session, scopes, [distribution_id]))[0]


async def cancel(
    session: AsyncSession, principal: Principal, distribution: Distribution, reason: str
) -> str | None:
    """Void a planned or handed-over distribution (its row locked by the caller): a handed-over one's
    entries are reversed, dated today. Returns its number."""
    if distribution.status == DistributionStatus.VOID:
        raise Conflict("Phiếu trao này đã bị hủy trước đó.")
    number = await number_of(session, distribution)
    if distribution.status == DistributionStatus.HANDED_OVER:
        await reverse(
            session,
            drive_id=distribution.drive_id,
            posted_on=local_today(),
            user_id=principal.user_id,
            # The reason stays on the distribution, not in the append-only ledger: what a coordinator
            # types there may name a person, and the ledger cannot forget it.
            memo=f"Hủy phiếu trao {number}",
            distribution_id=distribution.id,
        )
    distribution.status = DistributionStatus.VOID
    distribution.void_reason = reason
    distribution.voided_at = utcnow()
    distribution.voided_by = principal.user_id
    await session.flush()
    return number


async def void_distribution(
    session: AsyncSession, principal: Principal, actor: Actor, distribution_id: int, reason: str
) -> DistributionOut:
    reason = clean_text(reason, "lý do hủy", "reason", required=True)
    distribution, drive = await locked(session, principal, distribution_id)
    if distribution.status == DistributionStatus.DRAFT:
        raise Conflict("Đây là một dòng của đợt trao chưa duyệt: sửa hay hủy cả đợt trao.")
    await cancel(session, principal, distribution, reason)
    await audit(session, actor, "distribution.void", distribution, drive, reason=reason)
    return (await load(session, await scopes_of(session, principal), [distribution_id]))[0]


@dataclass(frozen=True, slots=True)
class DistributionFilter:
    drive_id: int | None = None
    round_id: int | None = None
    beneficiary_id: int | None = None
    status: DistributionStatus | None = None
    date_from: date | None = None
    date_to: date | None = None


def visible(principal: Principal) -> Select[tuple[int]]:
    return (
        select(Distribution.id)
        .join(Drive, Drive.id == Distribution.drive_id)
        .where(Drive.unit_id.in_(scope_units(principal, READERS)))
    )


async def list_distributions(
    session: AsyncSession, principal: Principal, wanted: DistributionFilter, *, limit: int, offset: int
) -> tuple[list[DistributionOut], int]:
    """Distributions of the drives in the caller's scope, latest first."""
    query = visible(principal)
    if wanted.drive_id is not None:
        query = query.where(Distribution.drive_id == wanted.drive_id)
    if wanted.round_id is not None:
        query = query.where(Distribution.round_id == wanted.round_id)
    if wanted.beneficiary_id is not None:
        query = query.where(Distribution.beneficiary_id == wanted.beneficiary_id)
    if wanted.status is not None:
        query = query.where(Distribution.status == wanted.status)
    if wanted.date_from is not None:
        query = query.where(Distribution.handed_over_on >= wanted.date_from)
    if wanted.date_to is not None:
        query = query.where(Distribution.handed_over_on <= wanted.date_to)
    ids, total = await page_of(session, query, Distribution.id.desc(), limit=limit, offset=offset)
    return await load(session, await scopes_of(session, principal), ids), total


async def get_distribution(
    session: AsyncSession, principal: Principal, distribution_id: int
) -> DistributionOut:
    found = (await session.execute(visible(principal).where(Distribution.id == distribution_id))).first()
    if found is None:
        raise NotFound(NO_DISTRIBUTION)
    return (await load(session, await scopes_of(session, principal), [distribution_id]))[0]


def _name(full_name: str | None, username: str | None) -> str:
    return full_name or username or ""


async def load(session: AsyncSession, scopes: Scopes, ids: Sequence[int]) -> list[DistributionOut]:
    """The distributions with these ids, whole, in the order given."""
    if not ids:
        return []
    creator, giver = aliased(User), aliased(User)
    rows = (
        await session.execute(
            select(
                Distribution,
                Drive.name,
                Drive.unit_id,
                DocumentBook.year,
                creator.full_name,
                creator.username,
                giver.full_name,
                giver.username,
            )
            .join(Drive, Drive.id == Distribution.drive_id)
            .outerjoin(DocumentBook, DocumentBook.id == Distribution.book_id)
            .join(creator, creator.id == Distribution.created_by)
            .outerjoin(giver, giver.id == Distribution.handed_over_by)
            .where(Distribution.id.in_(ids))
        )
    ).all()
    goods: dict[int, list[GoodsOut]] = {}
    for line, name, unit in await session.execute(
        select(DistributionItem, ItemType.name, ItemType.unit_of_measure)
        .join(ItemType, ItemType.id == DistributionItem.item_type_id)
        .where(DistributionItem.distribution_id.in_(ids))
        .order_by(DistributionItem.id)
    ):
        goods.setdefault(line.distribution_id, []).append(
            GoodsOut(line.item_type_id, name, unit, line.quantity, line.value)
        )
    people = await recipients(
        session, scopes, [row[0].beneficiary_id for row in rows if row[0].beneficiary_id]
    )
    found = {}
    for distribution, drive_name, unit_id, year, creator_full, creator_user, giver_full, giver_user in rows:
        found[distribution.id] = DistributionOut(
            id=distribution.id,
            number=document_number(DocumentKind.DISTRIBUTION, year, distribution.seq)
            if distribution.seq
            else None,
            drive_id=distribution.drive_id,
            drive_name=drive_name,
            unit_id=unit_id,
            round_id=distribution.round_id,
            line_no=distribution.line_no,
            beneficiary=people.get(distribution.beneficiary_id) if distribution.beneficiary_id else None,
            group=GroupOut(distribution.group_place, distribution.group_count, distribution.group_description)
            if distribution.group_count
            else None,
            purpose=Purpose(distribution.purpose),
            cash=CashOut(distribution.cash_amount, PaymentMethod(distribution.cash_method))
            if distribution.cash_amount is not None and distribution.cash_method is not None
            else None,
            items=goods.get(distribution.id, []),
            total_value=distribution.total_value,
            status=DistributionStatus(distribution.status),
            absence=Absence(distribution.absence) if distribution.absence else None,
            note=distribution.note,
            override_reason=distribution.override_reason,
            late_reason=distribution.late_reason,
            created_by_name=_name(creator_full, creator_user),
            created_at=distribution.created_at,
            handed_over_on=distribution.handed_over_on,
            handed_over_by_name=_name(giver_full, giver_user),
            void_reason=distribution.void_reason,
            voided_at=distribution.voided_at,
        )
    return [found[i] for i in ids if i in found]
