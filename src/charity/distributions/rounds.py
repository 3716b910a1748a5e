"""Rounds (đợt trao): a list of beneficiaries and what each gets, drafted by one coordinator and
approved by another, then handed over in one step with its exceptions (absent, refused).

A round's lines are distributions: drafts with no number until the round is approved, when each takes
the next number of the unit's book in the order of the list. Approval and handover both check that the
drive holds all the round gives, and the handover refuses the round whole, before anything is handed
over, when it does not fit. Rows are locked in the order every writer takes them: the round, its
distributions, the drive.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units
from charity.audit.service import Actor, record
from charity.beneficiaries.privacy import code_of
from charity.beneficiaries.registry import Scopes, scopes_of
from charity.clock import local_today
from charity.db import lock_rows, page_of
from charity.distributions import service
from charity.distributions.recipients import check_recipient
from charity.distributions.schemas import (
    AssetTotal,
    CancelIn,
    DistributionOut,
    RoundHandOverIn,
    RoundIn,
    RoundOut,
)
from charity.distributions.service import GIVERS, READERS, clean_text
from charity.drives.service import get_drive
from charity.errors import Conflict, Forbidden, Invalid, NotFound
from charity.ledger.documents import take_number
from charity.ledger.service import require
from charity.models import (
    Absence,
    Distribution,
    DistributionItem,
    DistributionRound,
    DistributionStatus,
    DocumentKind,
    Drive,
    Purpose,
    RoundStatus,
    User,
    utcnow,
)

NO_ROUND = "Không có đợt trao này."
NAME_MAX = 200


async def create_round(session: AsyncSession, principal: Principal, actor: Actor, data: RoundIn) -> RoundOut:
    """Draft a round: every line is checked as a distribution would be (the beneficiary may receive,
    what is given, the drive's limit on how often), and none is numbered yet."""
    drive = await service.drive_for_giving(session, principal, data.drive_id)
    await service.check_purpose(session, drive, data.purpose)
    service.check_planned_day(data.planned_on, "planned_on")
    scopes = await scopes_of(session, principal)
    seen: set[int] = set()
    checked = []
    for index, line in enumerate(data.lines):
        prefix = f"lines[{index}]."
        if line.beneficiary_id in seen:
            raise Invalid(
                f"Đối tượng {code_of(line.beneficiary_id)} có hai dòng trong đợt trao: gộp vào một dòng.",
                field=f"{prefix}beneficiary_id",
            )
        seen.add(line.beneficiary_id)
        await check_recipient(
            session, scopes, drive, line.beneficiary_id, data.planned_on, f"{prefix}beneficiary_id"
        )
        gift = await service.check_gift(session, line.cash, line.items, prefix)
        override = await service.check_frequency(
            session,
            drive,
            line.beneficiary_id,
            data.planned_on,
            line.override_reason,
            f"{prefix}override_reason",
        )
        checked.append((line.beneficiary_id, gift, override))
    draft = DistributionRound(
        drive_id=drive.id,
        title=clean_text(data.title, "tên đợt trao", "title", limit=NAME_MAX, required=True),
        place=clean_text(data.place, "nơi trao", "place", limit=NAME_MAX),
        planned_on=data.planned_on,
        purpose=data.purpose,
        handed_over_by_name=clean_text(
            data.handed_over_by_name, "tên người trao", "handed_over_by_name", limit=NAME_MAX
        ),
        representative_name=clean_text(
            data.representative_name, "tên đại diện đơn vị", "representative_name", limit=NAME_MAX
        ),
        witness_name=clean_text(data.witness_name, "tên người chứng kiến", "witness_name", limit=NAME_MAX),
        drafted_by=principal.user_id,
    )
    session.add(draft)
    await session.flush()
    for line_no, (beneficiary_id, gift, override) in enumerate(checked, start=1):
        await service.insert_distribution(
            session,
            principal,
            drive,
            gift,
            purpose=data.purpose,
            status=DistributionStatus.DRAFT,
            beneficiary_id=beneficiary_id,
            round_id=draft.id,
            line_no=line_no,
            override_reason=override,
        )
    await _audit(session, actor, "round.create", draft, drive, lines=len(checked))
    return await load_round(session, scopes, draft.id)


async def _audit(
    session: AsyncSession, actor: Actor, action: str, draft: DistributionRound, drive: Drive, **extra: object
) -> None:
    await record(
        session,
        actor,
        action,
        object_type="round",
        object_id=draft.id,
        unit_id=drive.unit_id,
        after={"drive_id": drive.id, "status": draft.status, "purpose": draft.purpose} | extra,
    )


async def _locked(
    session: AsyncSession, principal: Principal, round_id: int
) -> tuple[DistributionRound, Drive]:
    rows = await lock_rows(session, DistributionRound, [round_id])
    if not rows:
        raise NotFound(NO_ROUND)
    try:
        drive = await get_drive(session, principal, rows[0].drive_id, GIVERS)
    except NotFound:
        raise NotFound(NO_ROUND) from None
    return rows[0], drive


async def _lines(session: AsyncSession, round_id: int, *, lock: bool = False) -> list[Distribution]:
    statement = select(Distribution).where(Distribution.round_id == round_id).order_by(Distribution.line_no)
    if lock:
        ids = list(await session.scalars(statement.with_only_columns(Distribution.id)))
        by_id = {row.id: row for row in await lock_rows(session, Distribution, ids)}
        return sorted(by_id.values(), key=lambda row: row.line_no or 0)
    return list(await session.scalars(statement))


async def _needs(session: AsyncSession, lines: Sequence[Distribution]) -> dict[int | None, Decimal]:
    """What the lines give in all, per asset."""
    needs: dict[int | None, Decimal] = {}
    for line in lines:
        if line.cash_amount is not None:
            needs[None] = needs.get(None, Decimal(0)) + line.cash_amount
    ids = [line.id for line in lines]
    if ids:
        for item_type_id, quantity in await session.execute(
            select(DistributionItem.item_type_id, DistributionItem.quantity).where(
                DistributionItem.distribution_id.in_(ids)
            )
        ):
            needs[item_type_id] = needs.get(item_type_id, Decimal(0)) + quantity
    return needs


async def _still_eligible(
    session: AsyncSession, scopes: Scopes, drive: Drive, lines: Sequence[Distribution], on_day: object
) -> None:
    for line in lines:
        if line.beneficiary_id is not None:
            await check_recipient(
                session, scopes, drive, line.beneficiary_id, on_day, f"lines[{(line.line_no or 1) - 1}]"
            )  # type: ignore[arg-type]


async def approve_round(session: AsyncSession, principal: Principal, actor: Actor, round_id: int) -> RoundOut:
    """Approve a drafted round, by a coordinator who did not draft it: the drive must hold all the
    round gives (409 naming what is short), and each line takes its number, in the list's order."""
    draft, drive = await _locked(session, principal, round_id)
    if draft.status != RoundStatus.DRAFT:
        raise Conflict("Chỉ duyệt được đợt trao đang chờ duyệt.", field="status")
    if draft.drafted_by == principal.user_id:
        raise Forbidden("Người lập đợt trao không tự duyệt được: cần một điều phối viên khác duyệt.")
    lines = await _lines(session, round_id, lock=True)
    scopes = await scopes_of(session, principal)
    await _still_eligible(session, scopes, drive, lines, draft.planned_on)
    # The numbers first, then the drive: the order every writer locks a book and a drive in. A round
    # that does not fit gives its numbers back with the rest of the transaction.
    year = local_today().year
    for line in lines:
        number = await take_number(session, drive.unit_id, DocumentKind.DISTRIBUTION, year)
        line.book_id, line.seq, line.status = number.book_id, number.seq, DistributionStatus.PLANNED
        # Flushed one by one, as each number is taken, so (book, seq) stays unique row by row.
        await session.flush()
    await require(session, drive.id, await _needs(session, lines))
    draft.status = RoundStatus.APPROVED
    draft.approved_by = principal.user_id
    draft.approved_at = utcnow()
    await session.flush()
    await _audit(session, actor, "round.approve", draft, drive, lines=len(lines))
    return await load_round(session, scopes, round_id)


async def hand_over_round(
    session: AsyncSession, principal: Principal, actor: Actor, round_id: int, data: RoundHandOverIn
) -> RoundOut:
    """Mark an approved round handed over in one step: every planned line but the exceptions is
    handed over; an absent one stays planned (to be handed over later, or voided), a refused one is
    voided. Refused whole, before anything is handed over, if the drive does not hold all of it."""
    draft, drive = await _locked(session, principal, round_id)
    if draft.status != RoundStatus.APPROVED:
        raise Conflict("Chỉ trao được đợt trao đã duyệt và chưa trao.", field="status")
    late_reason = service.check_day(drive, data.handed_over_on, data.late_reason, "handed_over_on")
    lines = [
        line
        for line in await _lines(session, round_id, lock=True)
        if line.status == DistributionStatus.PLANNED
    ]
    planned = {line.id: line for line in lines}
    exceptions: dict[int, tuple[Absence, str]] = {}
    for index, exception in enumerate(data.exceptions):
        field = f"exceptions[{index}].distribution_id"
        if exception.distribution_id not in planned:
            raise Invalid("Dòng này không thuộc đợt trao, hoặc không còn chờ trao.", field=field)
        if exception.distribution_id in exceptions:
            raise Invalid("Dòng này đã được ghi ngoại lệ ở trên.", field=field)
        note = clean_text(exception.note, "ghi chú", f"exceptions[{index}].note")
        exceptions[exception.distribution_id] = (exception.absence, note)
    given = [line for line in lines if line.id not in exceptions]
    if not given:
        raise Invalid(
            "Không còn ai nhận trong đợt trao: hãy hủy đợt trao thay vì đánh dấu đã trao.", field="exceptions"
        )
    scopes = await scopes_of(session, principal)
    await _still_eligible(session, scopes, drive, given, data.handed_over_on)
    await require(session, drive.id, await _needs(session, given))
    for line in given:
        line.late_reason = late_reason
        await service.give(session, principal, line, data.handed_over_on)
    for distribution_id, (absence, note) in exceptions.items():
        line = planned[distribution_id]
        line.absence = absence
        line.note = note
        if absence == Absence.REFUSED:
            await service.cancel(session, principal, line, f"Từ chối nhận{': ' + note if note else ''}")
    draft.status = RoundStatus.HANDED_OVER
    draft.handed_over_on = data.handed_over_on
    draft.handed_over_by = principal.user_id
    await session.flush()
    await _audit(
        session,
        actor,
        "round.hand_over",
        draft,
        drive,
        handed_over=len(given),
        absent=sum(1 for absence, _ in exceptions.values() if absence == Absence.ABSENT),
        refused=sum(1 for absence, _ in exceptions.values() if absence == Absence.REFUSED),
    )
    return await load_round(session, scopes, round_id)


async def cancel_round(
    session: AsyncSession, principal: Principal, actor: Actor, round_id: int, data: CancelIn
) -> RoundOut:
    """Cancel a round not yet handed over: a draft's lines are dropped (they were never numbered), an
    approved round's lines are voided and keep their numbers."""
    reason = clean_text(data.reason, "lý do hủy", "reason", required=True)
    draft, drive = await _locked(session, principal, round_id)
    if draft.status not in (RoundStatus.DRAFT, RoundStatus.APPROVED):
        raise Conflict("Đợt trao đã trao hoặc đã hủy: không hủy được nữa.", field="status")
    lines = await _lines(session, round_id, lock=True)
    if draft.status == RoundStatus.DRAFT:
        ids = [line.id for line in lines]
        await session.execute(delete(DistributionItem).where(DistributionItem.distribution_id.in_(ids)))
        await session.execute(delete(Distribution).where(Distribution.id.in_(ids)))
    else:
        for line in lines:
            if line.status == DistributionStatus.PLANNED:
                await service.cancel(session, principal, line, f"Hủy đợt trao: {reason}")
    draft.status = RoundStatus.CANCELLED
    draft.cancel_reason = reason
    await session.flush()
    await _audit(session, actor, "round.cancel", draft, drive, reason=reason)
    return await load_round(session, await scopes_of(session, principal), round_id)


def _visible(principal: Principal) -> Select[tuple[int]]:
    return (
        select(DistributionRound.id)
        .join(Drive, Drive.id == DistributionRound.drive_id)
        .where(Drive.unit_id.in_(scope_units(principal, READERS)))
    )


async def list_rounds(
    session: AsyncSession,
    principal: Principal,
    drive_id: int | None,
    status: RoundStatus | None,
    *,
    limit: int,
    offset: int,
) -> tuple[list[RoundOut], int]:
    query = _visible(principal)
    if drive_id is not None:
        query = query.where(DistributionRound.drive_id == drive_id)
    if status is not None:
        query = query.where(DistributionRound.status == status)
    ids, total = await page_of(session, query, DistributionRound.id.desc(), limit=limit, offset=offset)
    scopes = await scopes_of(session, principal)
    return [await load_round(session, scopes, round_id) for round_id in ids], total


async def get_round(session: AsyncSession, principal: Principal, round_id: int) -> RoundOut:
    if (await session.execute(_visible(principal).where(DistributionRound.id == round_id))).first() is None:
        raise NotFound(NO_ROUND)
    return await load_round(session, await scopes_of(session, principal), round_id)


def _totals(lines: Sequence[DistributionOut], handed_over: bool) -> list[AssetTotal]:
    """What the round gives in all, đồng first, then each item type: its void lines left out, and
    once it is handed over, what was handed over (not the absent)."""
    cash = 0
    goods: dict[int, AssetTotal] = {}
    for line in lines:
        if line.status == DistributionStatus.VOID or (
            handed_over and line.status != DistributionStatus.HANDED_OVER
        ):
            continue
        cash += line.cash.amount if line.cash else 0
        for item in line.items:
            total = goods.setdefault(
                item.item_type_id,
                AssetTotal(item.item_type_id, item.name, item.unit_of_measure, Decimal(0), None),
            )
            total.quantity = (total.quantity or Decimal(0)) + item.quantity
    money = [AssetTotal(None, "Tiền", "đ", None, cash)] if cash else []
    return money + sorted(goods.values(), key=lambda total: total.name)


async def load_round(session: AsyncSession, scopes: Scopes, round_id: int) -> RoundOut:
    drafter, approver = aliased(User), aliased(User)
    draft, drive_name, unit_id, drafter_full, drafter_user, approver_full, approver_user = (
        await session.execute(
            select(
                DistributionRound,
                Drive.name,
                Drive.unit_id,
                drafter.full_name,
                drafter.username,
                approver.full_name,
                approver.username,
            )
            .join(Drive, Drive.id == DistributionRound.drive_id)
            .join(drafter, drafter.id == DistributionRound.drafted_by)
            .outerjoin(approver, approver.id == DistributionRound.approved_by)
            .where(DistributionRound.id == round_id)
        )
    ).one()
    ids = list(
        await session.scalars(
            select(Distribution.id).where(Distribution.round_id == round_id).order_by(Distribution.line_no)
        )
    )
    lines = await service.load(session, scopes, ids)
    return RoundOut(
        id=draft.id,
        drive_id=draft.drive_id,
        drive_name=drive_name,
        unit_id=unit_id,
        title=draft.title,
        place=draft.place,
        planned_on=draft.planned_on,
        purpose=Purpose(draft.purpose),
        status=RoundStatus(draft.status),
        handed_over_by_name=draft.handed_over_by_name,
        representative_name=draft.representative_name,
        witness_name=draft.witness_name,
        drafted_by=draft.drafted_by,
        drafted_by_name=drafter_full or drafter_user,
        drafted_at=draft.drafted_at,
        approved_by_name=(approver_full or approver_user or ""),
        approved_at=draft.approved_at,
        handed_over_on=draft.handed_over_on,
        cancel_reason=draft.cancel_reason,
        totals=_totals(lines, draft.status == RoundStatus.HANDED_OVER),
        lines=lines,
    )
