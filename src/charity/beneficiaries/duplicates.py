"""Who may be registered twice: the candidates a check compares, the 409 that shows them, the
judgements recorded with a reason, and the report of open suspicions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.beneficiaries.cleaning import CleanBeneficiary, bounded
from charity.beneficiaries.matching import Known, Match, Matcher
from charity.beneficiaries.privacy import (
    code_of,
)
from charity.beneficiaries.registry import Scopes, scopes_of, seen_records
from charity.beneficiaries.schemas import (
    MatchOut,
    SuspicionOut,
)
from charity.db import page_of
from charity.errors import Conflict, Forbidden, Invalid, NotFound
from charity.models import (
    Beneficiary,
    BeneficiaryStatus,
    DuplicateSuspicion,
    utcnow,
)

# A statement names at most about 32,000 values on SQLite and on asyncpg: long lists go in parts.
LOOKUP_CHUNK = 5_000


async def known_like(session: AsyncSession, candidates: Sequence[Known]) -> list[Known]:
    """The registered records a duplicate check of these candidates compares them with: the same CCCD
    number or phone anywhere, and the same unit for names. Erased records are no one. Any number of
    candidates (a whole import): each unit is read once, the numbers and phones a part at a time."""
    id_numbers = sorted({c.id_number for c in candidates if c.id_number})
    phones = sorted({c.phone for c in candidates if c.phone})
    wanted = [Beneficiary.unit_id.in_({c.unit_id for c in candidates})]
    for column, values in ((Beneficiary.id_number, id_numbers), (Beneficiary.phone, phones)):
        wanted += [column.in_(values[i : i + LOOKUP_CHUNK]) for i in range(0, len(values), LOOKUP_CHUNK)]
    compared = select(
        Beneficiary.id,
        Beneficiary.unit_id,
        Beneficiary.name_key,
        Beneficiary.birth_year,
        Beneficiary.phone,
        Beneficiary.id_number,
    ).where(Beneficiary.status != BeneficiaryStatus.ERASED)
    found: dict[int, Known] = {}
    for condition in wanted:
        for row in await session.execute(compared.where(condition)):
            found[row.id] = Known(*row)
    return list(found.values())


async def matches_of(session: AsyncSession, candidate: Known) -> list[Match]:
    return Matcher(await known_like(session, [candidate])).find(candidate)


def pair(first: int, second: int) -> tuple[int, int]:
    return (first, second) if first < second else (second, first)


async def recorded_pairs(session: AsyncSession, beneficiary_id: int) -> set[tuple[int, int]]:
    rows = await session.execute(
        select(DuplicateSuspicion.first_id, DuplicateSuspicion.second_id).where(
            or_(DuplicateSuspicion.first_id == beneficiary_id, DuplicateSuspicion.second_id == beneficiary_id)
        )
    )
    return {(first, second) for first, second in rows}


class PossibleDuplicates(Conflict):
    """Records that may be the same person; the form shows them side by side."""

    def __init__(self, matches: list[MatchOut]) -> None:
        super().__init__(
            "Có thể người này đã có trong danh sách. Mở hồ sơ đã có, hoặc xác nhận đây là người khác"
            " và ghi lý do.",
            code="possible_duplicates",
            facts={"duplicates": matches},
        )
        self.matches = matches


async def _match_outs(session: AsyncSession, scopes: Scopes, matches: list[Match]) -> list[MatchOut]:
    outs = {o.id: o for o in await seen_records(session, scopes, [m.other_id for m in matches])}
    return [MatchOut(outs[m.other_id], m.on_id_number, m.on_phone, m.on_name, m.name_score) for m in matches]


async def likely_duplicates(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    fields: CleanBeneficiary,
    beneficiary_id: int = 0,
) -> list[MatchOut]:
    """The records these fields (of a new record, or of `beneficiary_id` changed) may be, but those
    already judged, as the caller may see them: a form refused for want of a reason shows them again
    beside what was typed."""
    scopes = await scopes_of(session, principal)
    matches = await matches_of(session, fields.known(beneficiary_id, unit_id))
    if beneficiary_id:
        already = await recorded_pairs(session, beneficiary_id)
        matches = [m for m in matches if pair(beneficiary_id, m.other_id) not in already]
    return await _match_outs(session, scopes, matches)


async def refuse_unknown_matches(
    session: AsyncSession,
    scopes: Scopes,
    matches: list[Match],
    *,
    already: set[tuple[int, int]],
    own_id: int,
    not_duplicate_of: Sequence[int],
    reason: str,
) -> tuple[list[Match], str]:
    """The matches the request dismisses, with its reason; any other new match is refused."""
    fresh = [m for m in matches if pair(own_id, m.other_id) not in already] if own_id else matches
    unanswered = [m for m in fresh if m.other_id not in not_duplicate_of]
    if unanswered:
        raise PossibleDuplicates(await _match_outs(session, scopes, unanswered))
    if fresh:
        reason = bounded(reason, "reason", field="not_duplicate_reason")
        if not reason:
            raise Invalid(
                "Cần ghi lý do đây không phải người đã có trong danh sách.", field="not_duplicate_reason"
            )
    return fresh, reason


async def record_dismissed(
    session: AsyncSession, principal: Principal, beneficiary_id: int, matches: list[Match], reason: str
) -> None:
    if not matches:
        return
    now = utcnow()
    await session.execute(
        insert(DuplicateSuspicion),
        [
            {
                "first_id": pair(beneficiary_id, m.other_id)[0],
                "second_id": pair(beneficiary_id, m.other_id)[1],
                "on_id_number": m.on_id_number,
                "on_phone": m.on_phone,
                "on_name": m.on_name,
                "name_score": m.name_score,
                "found_at": now,
                "dismissed_at": now,
                "dismissed_by": principal.user_id,
                "dismiss_reason": reason,
            }
            for m in matches
        ],
    )


async def list_suspicions(
    session: AsyncSession, principal: Principal, *, limit: int, offset: int
) -> tuple[list[SuspicionOut], int]:
    """Open suspicions with at least one of the two records in the caller's scope, newest first."""
    scopes = await scopes_of(session, principal)
    first, second = aliased(Beneficiary), aliased(Beneficiary)
    statement = (
        select(DuplicateSuspicion)
        .join(first, first.id == DuplicateSuspicion.first_id)
        .join(second, second.id == DuplicateSuspicion.second_id)
        .where(
            DuplicateSuspicion.dismissed_at.is_(None),
            or_(first.unit_id.in_(scopes.readable), second.unit_id.in_(scopes.readable)),
        )
    )
    found, total = await page_of(
        session,
        statement,
        DuplicateSuspicion.found_at.desc(),
        DuplicateSuspicion.id.desc(),
        limit=limit,
        offset=offset,
    )
    outs = {
        o.id: o
        for o in await seen_records(
            session, scopes, sorted({i for s in found for i in (s.first_id, s.second_id)})
        )
    }
    return [
        SuspicionOut(
            id=s.id,
            first=outs[s.first_id],
            second=outs[s.second_id],
            on_id_number=s.on_id_number,
            on_phone=s.on_phone,
            on_name=s.on_name,
            name_score=s.name_score,
            found_at=s.found_at,
        )
        for s in found
    ], total


async def dismiss_suspicion(
    session: AsyncSession, principal: Principal, actor: Actor, suspicion_id: int, reason: str
) -> None:
    """Record that two records are two people: by a coordinator of either of them."""
    scopes = await scopes_of(session, principal)
    first, second = aliased(Beneficiary), aliased(Beneficiary)
    found = (
        await session.execute(
            select(DuplicateSuspicion, first.unit_id, second.unit_id)
            .join(first, first.id == DuplicateSuspicion.first_id)
            .join(second, second.id == DuplicateSuspicion.second_id)
            .where(DuplicateSuspicion.id == suspicion_id)
        )
    ).first()
    if found is None or not {found[1], found[2]} & scopes.readable:
        raise NotFound("Không có nghi vấn trùng này.")
    suspicion = found[0]
    if not {found[1], found[2]} & scopes.coordinator:
        raise Forbidden("Chỉ điều phối viên kết luận được hai hồ sơ không trùng.")
    reason = bounded(reason, "reason", required=True)
    changed = await session.execute(
        update(DuplicateSuspicion)
        .where(DuplicateSuspicion.id == suspicion_id, DuplicateSuspicion.dismissed_at.is_(None))
        .values(dismissed_at=utcnow(), dismissed_by=principal.user_id, dismiss_reason=reason)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict("Nghi vấn trùng này đã được kết luận trước đó.")
    await record(
        session,
        actor,
        "beneficiary.not_duplicate",
        object_type="beneficiary",
        object_id=suspicion.second_id,
        unit_id=found[2],
        after={"codes": [code_of(suspicion.first_id), code_of(suspicion.second_id)]},
    )
