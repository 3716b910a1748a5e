"""Reading the registry: who sees which units in which role, the records loaded whole and shown
through `privacy.seen`, the list with its search and filters, and the unit lock every change of a
unit's list takes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, scope_units, units_below
from charity.beneficiaries.privacy import (
    ConsentRecord,
    Record,
    View,
    seen,
)
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
    CategoryOut,
    ReviewOut,
)
from charity.clock import local_today
from charity.db import contains_words, page_of
from charity.errors import NotFound
from charity.models import (
    Beneficiary,
    BeneficiaryCategory,
    BeneficiaryMember,
    BeneficiaryReview,
    BeneficiaryStatus,
    Consent,
    HardshipCategory,
    Role,
    Unit,
    User,
)
from charity.text import fold

READERS = (Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)


PROPOSERS = (Role.VOLUNTEER, Role.COORDINATOR)


REVIEWERS = (Role.COORDINATOR,)


NO_BENEFICIARY = "Không có đối tượng này."


@dataclass(frozen=True, slots=True)
class Scopes:
    """The units where the caller holds each role, units below included."""

    coordinator: frozenset[int]
    auditor: frozenset[int]
    volunteer: frozenset[int]

    def view(self, unit_id: int) -> View:
        if unit_id in self.coordinator:
            return View.COORDINATOR
        if unit_id in self.auditor:
            return View.AUDITOR
        if unit_id in self.volunteer:
            return View.VOLUNTEER
        return View.OUTSIDE

    @property
    def readable(self) -> frozenset[int]:
        return self.coordinator | self.auditor | self.volunteer


async def scopes_of(session: AsyncSession, principal: Principal) -> Scopes:
    async def units(role: Role) -> frozenset[int]:
        if not principal.units_where([role]):
            return frozenset()
        return frozenset((await session.execute(scope_units(principal, [role]))).scalars())

    return Scopes(
        coordinator=await units(Role.COORDINATOR),
        auditor=await units(Role.AUDITOR),
        volunteer=await units(Role.VOLUNTEER),
    )


_CODE = re.compile(r"dt-?0*([0-9]{1,9})")


def _code_query(query: str) -> int | None:
    """The id a query names by the record's code ("ĐT-000123", "dt123"), if it is one."""
    found = _CODE.fullmatch(fold(query).replace(" ", ""))
    return int(found[1]) if found else None


_PROPOSER = aliased(User)


def _user_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else ""


async def records(session: AsyncSession, ids: Sequence[int]) -> list[Record]:
    """The records with these ids, loaded whole, in the order given."""
    if not ids:
        return []
    rows = await session.execute(
        select(Beneficiary, Unit.name, _PROPOSER)
        .join(Unit, Unit.id == Beneficiary.unit_id)
        .outerjoin(_PROPOSER, _PROPOSER.id == Beneficiary.proposed_by)
        .where(Beneficiary.id.in_(ids))
    )
    found = {b.id: Record(b, unit_name, _user_name(proposer)) for b, unit_name, proposer in rows}
    for beneficiary_id, category_id, name in await session.execute(
        select(BeneficiaryCategory.beneficiary_id, HardshipCategory.id, HardshipCategory.name)
        .join(HardshipCategory, HardshipCategory.id == BeneficiaryCategory.category_id)
        .where(BeneficiaryCategory.beneficiary_id.in_(ids))
        .order_by(HardshipCategory.name)
    ):
        found[beneficiary_id].categories.append(CategoryOut(category_id, name))
    for member in (
        await session.execute(
            select(BeneficiaryMember)
            .where(BeneficiaryMember.beneficiary_id.in_(ids))
            .order_by(BeneficiaryMember.position)
        )
    ).scalars():
        found[member.beneficiary_id].members.append(member)
    recorder, withdrawer = aliased(User), aliased(User)
    for consent, by, withdrawn_by in await session.execute(
        select(Consent, recorder, withdrawer)
        .join(recorder, recorder.id == Consent.recorded_by)
        .outerjoin(withdrawer, withdrawer.id == Consent.withdrawn_by)
        .where(Consent.beneficiary_id.in_(ids))
        .order_by(Consent.given_on.desc(), Consent.id.desc())
    ):
        found[consent.beneficiary_id].consents.append(
            ConsentRecord(consent, _user_name(by), _user_name(withdrawn_by) if withdrawn_by else None)
        )
    for review, by in await session.execute(
        select(BeneficiaryReview, User)
        .join(User, User.id == BeneficiaryReview.decided_by)
        .where(BeneficiaryReview.beneficiary_id.in_(ids))
        .order_by(BeneficiaryReview.decided_at.desc(), BeneficiaryReview.id.desc())
    ):
        found[review.beneficiary_id].reviews.append(
            ReviewOut(
                id=review.id,
                decision=review.decision,
                decided_by_name=_user_name(by),
                decided_at=review.decided_at,
                meeting_date=review.meeting_date,
                minutes_number=review.minutes_number,
                reason=review.reason,
                valid_until=review.valid_until,
            )
        )
    return [found[i] for i in ids if i in found]


async def seen_records(session: AsyncSession, scopes: Scopes, ids: Sequence[int]) -> list[BeneficiaryOut]:
    today = local_today()
    return [seen(r, scopes.view(r.beneficiary.unit_id), today) for r in await records(session, ids)]


async def in_scope(
    session: AsyncSession, units: frozenset[int], beneficiary_id: int, *, lock: bool = False
) -> Beneficiary:
    statement = select(Beneficiary).where(Beneficiary.id == beneficiary_id, Beneficiary.unit_id.in_(units))
    found = (await session.execute(statement.with_for_update() if lock else statement)).scalar_one_or_none()
    if found is None:
        raise NotFound(NO_BENEFICIARY)
    return found


async def get_beneficiary(session: AsyncSession, principal: Principal, beneficiary_id: int) -> BeneficiaryOut:
    scopes = await scopes_of(session, principal)
    await in_scope(session, scopes.readable, beneficiary_id)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


@dataclass(frozen=True, slots=True)
class BeneficiaryFilter:
    query: str = ""
    unit_id: int | None = None
    category_id: int | None = None
    status: BeneficiaryStatus | None = None
    review_due: bool = False


def _filtered(scopes: Scopes, wanted: BeneficiaryFilter) -> Select[tuple[int]]:
    statement = select(Beneficiary.id).where(Beneficiary.unit_id.in_(scopes.readable))
    if (code := _code_query(wanted.query)) is not None:
        statement = statement.where(Beneficiary.id == code)
    elif wanted.query.strip():
        # A volunteer finds a record only by what they may see of it: its name and hamlet.
        everything = scopes.coordinator | scopes.auditor
        basic = contains_words(Beneficiary.search_basic, wanted.query)
        full = contains_words(Beneficiary.search_text, wanted.query)
        statement = statement.where(
            *(or_(b, and_(Beneficiary.unit_id.in_(everything), f)) for b, f in zip(basic, full, strict=True))
        )
    if wanted.unit_id is not None:
        statement = statement.where(Beneficiary.unit_id.in_(units_below((wanted.unit_id,))))
    if wanted.category_id is not None:
        statement = statement.where(
            Beneficiary.id.in_(
                select(BeneficiaryCategory.beneficiary_id).where(
                    BeneficiaryCategory.category_id == wanted.category_id
                )
            )
        )
    if wanted.status is not None:
        statement = statement.where(Beneficiary.status == wanted.status)
    if wanted.review_due:
        statement = statement.where(
            Beneficiary.status == BeneficiaryStatus.VERIFIED, Beneficiary.review_until < local_today()
        )
    return statement


async def list_beneficiaries(
    session: AsyncSession, principal: Principal, wanted: BeneficiaryFilter, *, limit: int, offset: int
) -> tuple[list[BeneficiaryOut], int]:
    """Beneficiaries in scope, in the Vietnamese order of their names."""
    scopes = await scopes_of(session, principal)
    ids, total = await page_of(
        session, _filtered(scopes, wanted), Beneficiary.sort_key, Beneficiary.id, limit=limit, offset=offset
    )
    return await seen_records(session, scopes, ids), total


async def units_for(session: AsyncSession, principal: Principal, roles: Sequence[Role]) -> list[Unit]:
    """The units of the caller's scope in these roles, for a page's unit picker."""
    return list(
        (await session.execute(select(Unit).where(Unit.id.in_(scope_units(principal, roles))))).scalars()
    )


async def lock_registry(session: AsyncSession, unit_id: int) -> None:
    """Hold the unit's list until the transaction ends, so that two proposals of one person sent at
    once are checked one after the other: the second sees the first. FOR NO KEY UPDATE, so that rows
    that merely point at the unit (audit events, new records) are not held up by it."""
    await session.execute(select(Unit.id).where(Unit.id == unit_id).with_for_update(key_share=True))


async def unit_in(session: AsyncSession, units: frozenset[int], unit_id: int) -> Unit:
    """The unit, if it is one of these: any other id (one no row can have included) names none."""
    if unit_id not in units:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    return (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one()
