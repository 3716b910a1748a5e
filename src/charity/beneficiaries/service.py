"""Beneficiaries in special hardship: the registry's rules.

- A volunteer or coordinator proposes a person or household of a unit in their scope (the commune
  that keeps the list); a coordinator of that unit or a unit above it verifies or rejects it, with
  the review meeting's date or minutes number, never what they proposed themselves. A verification
  holds for the unit's `review_months`, then the record is due for review.
- The CCCD number and health details are kept only while the person consents to their use; a
  withdrawal of that consent blanks them. Support needs a current consent to support.
- A new or changed record that may be someone already registered is refused (409, with them) unless
  the request says whom it is not and why; an import records its suspicions for the report instead.
- What each reader sees is `privacy.seen`; audit events name fields and codes, never personal data,
  so that an erased person is not left in the append-only log.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, units_below
from charity.audit.service import Actor, record
from charity.beneficiaries.cleaning import (
    CLEARABLE,
    REVIEWED,
    SENSITIVE,
    SENSITIVE_REFUSAL,
    UPDATABLE,
    CleanBeneficiary,
    CleanConsent,
    bounded,
    clean_fields,
    columns_of,
    consent_values,
    fields_of,
    needs_sensitive_consent,
    search_texts,
    sort_key,
)
from charity.beneficiaries.duplicates import (
    matches_of,
    record_dismissed,
    recorded_pairs,
    refuse_unknown_matches,
)
from charity.beneficiaries.hardship_categories import check_categories
from charity.beneficiaries.identity import mask_name
from charity.beneficiaries.matching import Match
from charity.beneficiaries.privacy import (
    code_of,
    consented_to,
    purposes_of,
)
from charity.beneficiaries.registry import (
    Scopes,
    in_scope,
    lock_registry,
    records,
    scopes_of,
    seen_records,
    unit_in,
)
from charity.beneficiaries.schemas import (
    BeneficiaryOut,
    PublicCounts,
    PublicListing,
)
from charity.clock import format_date, local_today
from charity.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from charity.models import (
    Beneficiary,
    BeneficiaryCategory,
    BeneficiaryMember,
    BeneficiaryReview,
    BeneficiaryStatus,
    Consent,
    ConsentGiver,
    ConsentPurpose,
    DuplicateSuspicion,
    HardshipCategory,
    ReviewDecision,
    Sex,
    Unit,
    utcnow,
)


async def _write_parts(session: AsyncSession, beneficiary_id: int, fields: CleanBeneficiary) -> None:
    """The categories and members, replacing those the record had."""
    await session.execute(
        delete(BeneficiaryCategory).where(BeneficiaryCategory.beneficiary_id == beneficiary_id)
    )
    await session.execute(delete(BeneficiaryMember).where(BeneficiaryMember.beneficiary_id == beneficiary_id))
    if fields.category_ids:
        await session.execute(
            insert(BeneficiaryCategory),
            [{"beneficiary_id": beneficiary_id, "category_id": c} for c in fields.category_ids],
        )
    if fields.members:
        await session.execute(
            insert(BeneficiaryMember),
            [
                {
                    "beneficiary_id": beneficiary_id,
                    "position": position,
                    "name": m.name,
                    "relation": m.relation,
                    "sex": m.sex.value,
                    "birth_year": m.birth_year,
                    "birth_date": m.birth_date,
                }
                for position, m in enumerate(fields.members, start=1)
            ],
        )


async def insert_beneficiary(
    session: AsyncSession, principal: Principal, unit_id: int, fields: CleanBeneficiary
) -> int:
    """Insert a checked, proposed record with its categories and members; its id."""
    now = utcnow()
    beneficiary_id = await session.scalar(
        insert(Beneficiary)
        .values(
            unit_id=unit_id,
            status=BeneficiaryStatus.PROPOSED.value,
            proposed_by=principal.user_id,
            proposed_at=now,
            updated_at=now,
            **columns_of(fields),
        )
        .returning(Beneficiary.id)
    )
    await _write_parts(session, beneficiary_id, fields)
    return beneficiary_id


async def create_beneficiary(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    *,
    unit_id: int,
    fields: CleanBeneficiary,
    consent: CleanConsent | None,
    not_duplicate_of: Sequence[int],
    not_duplicate_reason: str,
) -> BeneficiaryOut:
    """Propose a beneficiary of a unit in the caller's scope, with the consent given on the spot."""
    scopes = await scopes_of(session, principal)
    unit = await unit_in(session, scopes.coordinator | scopes.volunteer, unit_id)
    await lock_registry(session, unit.id)
    await check_categories(session, fields.category_ids)
    if (field := needs_sensitive_consent(fields)) and (
        consent is None or ConsentPurpose.SENSITIVE_DATA not in consent.purposes
    ):
        raise Invalid(SENSITIVE_REFUSAL, field=field, code="consent_required")
    dismissed, reason = await refuse_unknown_matches(
        session,
        scopes,
        await matches_of(session, fields.known(0, unit.id)),
        already=set(),
        own_id=0,
        not_duplicate_of=not_duplicate_of,
        reason=not_duplicate_reason,
    )
    beneficiary_id = await insert_beneficiary(session, principal, unit.id, fields)
    if consent is not None:
        await session.execute(insert(Consent), [consent_values(beneficiary_id, consent, principal.user_id)])
    await record_dismissed(session, principal, beneficiary_id, dismissed, reason)
    await record(
        session,
        actor,
        "beneficiary.propose",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=unit.id,
        after={
            "code": code_of(beneficiary_id),
            "status": BeneficiaryStatus.PROPOSED.value,
            "consent": sorted(p.value for p in consent.purposes) if consent else [],
            "not_duplicate_of": [code_of(m.other_id) for m in dismissed],
        },
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def update_beneficiary(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    changes: dict[str, Any],
    *,
    clear: Sequence[str] = (),
    not_duplicate_of: Sequence[int] = (),
    not_duplicate_reason: str = "",
) -> BeneficiaryOut:
    """Change a record (coordinators of its unit). A change to what the review judged sends a verified
    or rejected record back to review, proposed by whoever changed it."""
    scopes = await scopes_of(session, principal)
    # The unit's list first, then the record, as every change of the registry locks them.
    await lock_registry(session, (await in_scope(session, scopes.coordinator, beneficiary_id)).unit_id)
    beneficiary = await in_scope(session, scopes.coordinator, beneficiary_id, lock=True)
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ đã xóa theo yêu cầu của đối tượng: không sửa được nữa.")
    if unknown := [name for name in clear if name not in CLEARABLE]:
        raise Invalid(f"Không xóa được trường {unknown[0]}.", field="clear")
    loaded = (await records(session, [beneficiary_id]))[0]
    before = fields_of(beneficiary, [c.id for c in loaded.categories], loaded.members)
    merged = {name: getattr(before, name) for name in UPDATABLE}
    merged |= {name: value for name, value in changes.items() if value is not None}
    merged |= dict.fromkeys(clear)
    if "birth_date" in changes and changes["birth_date"] is not None and "birth_year" not in changes:
        merged["birth_year"] = None
    after = clean_fields(**merged)
    await check_categories(session, after.category_ids)
    changed = [name for name in UPDATABLE if getattr(after, name) != getattr(before, name)]
    if not changed:
        return (await seen_records(session, scopes, [beneficiary_id]))[0]
    if (
        (field := needs_sensitive_consent(after))
        and field in changed
        and (ConsentPurpose.SENSITIVE_DATA not in consented_to(loaded.consents))
    ):
        raise Invalid(SENSITIVE_REFUSAL, field=field, code="consent_required")
    dismissed: list[Match] = []
    reason = ""
    if {"name", "birth_year", "birth_date", "phone", "id_number"} & set(changed):
        dismissed, reason = await refuse_unknown_matches(
            session,
            scopes,
            await matches_of(session, after.known(beneficiary_id, beneficiary.unit_id)),
            already=await recorded_pairs(session, beneficiary_id),
            own_id=beneficiary_id,
            not_duplicate_of=not_duplicate_of,
            reason=not_duplicate_reason,
        )
    status_before = beneficiary.status
    values = columns_of(after)
    values["updated_at"] = utcnow()
    if set(REVIEWED) & set(changed) and status_before != BeneficiaryStatus.PROPOSED:
        values |= {
            "status": BeneficiaryStatus.PROPOSED.value,
            "proposed_by": principal.user_id,
            "proposed_at": utcnow(),
            "review_until": None,
        }
    await session.execute(update(Beneficiary).where(Beneficiary.id == beneficiary_id).values(**values))
    if {"category_ids", "members"} & set(changed):
        await _write_parts(session, beneficiary_id, after)
    await record_dismissed(session, principal, beneficiary_id, dismissed, reason)
    await record(
        session,
        actor,
        "beneficiary.update",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        before={"status": status_before},
        after={"changed": changed, "status": values.get("status", status_before)},
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31/1 + 1 month is 28/2 or 29/2)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _meeting(meeting_date: date | None, minutes_number: str) -> tuple[date | None, str]:
    minutes_number = bounded(minutes_number, "minutes_number")
    if meeting_date is None and not minutes_number:
        raise Invalid("Cần ghi ngày họp bình xét hoặc số biên bản cuộc họp.", field="meeting_date")
    if meeting_date is not None and (meeting_date > local_today() or meeting_date.year < 2000):
        raise Invalid("Ngày họp bình xét không hợp lệ (không sau hôm nay).", field="meeting_date")
    return meeting_date, minutes_number


async def _reviewable(
    session: AsyncSession, principal: Principal, beneficiary_id: int, what: str
) -> tuple[Scopes, Beneficiary]:
    scopes = await scopes_of(session, principal)
    beneficiary = await in_scope(session, scopes.readable, beneficiary_id, lock=True)
    if refusal := _review_refusal(principal, scopes, beneficiary, what):
        raise refusal
    return scopes, beneficiary


def _review_refusal(
    principal: Principal, scopes: Scopes, beneficiary: Beneficiary, what: str
) -> DomainError | None:
    """Why the caller may not verify or reject this record, if they may not."""
    if beneficiary.unit_id not in scopes.coordinator:
        return Forbidden(f"Chỉ điều phối viên của xã (hoặc cấp trên) {what} được đối tượng.")
    if beneficiary.proposed_by == principal.user_id:
        return Forbidden(
            f"Không ai {what} đối tượng do chính mình đề xuất: cần một điều phối viên khác.",
            code="own_proposal",
        )
    if beneficiary.status in (BeneficiaryStatus.ERASED, BeneficiaryStatus.REJECTED):
        state = "đã xóa" if beneficiary.status == BeneficiaryStatus.ERASED else "đã bị loại; cần đề xuất lại"
        return Conflict(f"Hồ sơ {state}.")
    return None


async def may_review(session: AsyncSession, principal: Principal, beneficiary_id: int) -> bool:
    """Whether the caller may verify or reject the record: the page offers only what would be taken."""
    scopes = await scopes_of(session, principal)
    beneficiary = await in_scope(session, scopes.readable, beneficiary_id)
    return _review_refusal(principal, scopes, beneficiary, "công nhận") is None


async def _decide(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary: Beneficiary,
    decision: ReviewDecision,
    meeting: tuple[date | None, str],
    *,
    reason: str,
    valid_until: date | None,
) -> None:
    """Write down a review's decision: its row in the history, the record's status, the audit event."""
    meeting_date, minutes_number = meeting
    now = utcnow()
    session.add(
        BeneficiaryReview(
            beneficiary_id=beneficiary.id,
            decision=decision,
            decided_by=principal.user_id,
            decided_at=now,
            meeting_date=meeting_date,
            minutes_number=minutes_number,
            reason=reason,
            valid_until=valid_until,
        )
    )
    before = beneficiary.status
    status = BeneficiaryStatus(decision.value)
    beneficiary.status, beneficiary.reviewed_by, beneficiary.reviewed_at = status, principal.user_id, now
    beneficiary.review_until, beneficiary.updated_at = valid_until, now
    await session.flush()
    await record(
        session,
        actor,
        f"beneficiary.{'verify' if decision is ReviewDecision.VERIFIED else 'reject'}",
        object_type="beneficiary",
        object_id=beneficiary.id,
        unit_id=beneficiary.unit_id,
        before={"status": before},
        after={
            "status": status.value,
            "review_until": valid_until.isoformat() if valid_until else None,
            "meeting_date": meeting_date.isoformat() if meeting_date else None,
            "minutes_number": minutes_number,
        },
    )


async def verify(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    *,
    meeting_date: date | None,
    minutes_number: str,
    note: str,
) -> BeneficiaryOut:
    """Verify (công nhận) a proposed record, or renew a verified one, for the unit's review period."""
    scopes, beneficiary = await _reviewable(session, principal, beneficiary_id, "công nhận")
    meeting = _meeting(meeting_date, minutes_number)
    note = bounded(note, "reason", field="note")
    months = (
        await session.execute(select(Unit.review_months).where(Unit.id == beneficiary.unit_id))
    ).scalar_one()
    held_from = meeting[0] or local_today()
    valid_until = months_after(held_from, months)
    if valid_until < local_today():
        raise Invalid(
            f"Cuộc họp ngày {format_date(held_from)} đã quá {months} tháng: kết quả bình xét đã hết hạn.",
            field="meeting_date",
        )
    await _decide(
        session,
        principal,
        actor,
        beneficiary,
        ReviewDecision.VERIFIED,
        meeting,
        reason=note,
        valid_until=valid_until,
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def reject(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    *,
    reason: str,
    meeting_date: date | None,
    minutes_number: str,
) -> BeneficiaryOut:
    """Reject (không công nhận) a proposed record, or withdraw a verification, with a reason."""
    scopes, beneficiary = await _reviewable(session, principal, beneficiary_id, "loại")
    reason = bounded(reason, "reason", required=True)
    meeting = _meeting(meeting_date, minutes_number)
    await _decide(
        session,
        principal,
        actor,
        beneficiary,
        ReviewDecision.REJECTED,
        meeting,
        reason=reason,
        valid_until=None,
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def add_consent(
    session: AsyncSession, principal: Principal, actor: Actor, beneficiary_id: int, consent: CleanConsent
) -> BeneficiaryOut:
    """Record a consent the person (or their guardian) gave; volunteers and coordinators of the unit."""
    scopes = await scopes_of(session, principal)
    beneficiary = await in_scope(session, scopes.coordinator | scopes.volunteer, beneficiary_id, lock=True)
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ đã xóa theo yêu cầu của đối tượng.")
    consent_id = await session.scalar(
        insert(Consent)
        .values(**consent_values(beneficiary_id, consent, principal.user_id))
        .returning(Consent.id)
    )
    await record(
        session,
        actor,
        "beneficiary.consent",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        after={
            "consent_id": consent_id,
            "purposes": sorted(p.value for p in consent.purposes),
            "method": consent.method.value,
            "given_on": consent.given_on.isoformat(),
        },
    )
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def _blank_sensitive_without_consent(session: AsyncSession, beneficiary: Beneficiary) -> list[str]:
    """Once no current consent covers sensitive data, the CCCD number and health details go."""
    loaded = (await records(session, [beneficiary.id]))[0]
    if ConsentPurpose.SENSITIVE_DATA in consented_to(loaded.consents):
        return []
    blanked = [name for name in SENSITIVE if getattr(beneficiary, name)]
    if blanked:
        fields = replace(
            fields_of(beneficiary, [c.id for c in loaded.categories], loaded.members), id_number="", health=""
        )
        basic, full = search_texts(fields)
        await session.execute(
            update(Beneficiary)
            .where(Beneficiary.id == beneficiary.id)
            .values(id_number="", health="", search_basic=basic, search_text=full, updated_at=utcnow())
        )
    return blanked


async def withdraw_consent(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    beneficiary_id: int,
    consent_id: int,
    withdrawn_on: date | None,
) -> BeneficiaryOut:
    """The person withdrew a consent: from then on it covers nothing, and what only it allowed is
    blanked (the CCCD number and health details). Coordinators of the unit record it: they are the
    ones who see the consents."""
    scopes = await scopes_of(session, principal)
    beneficiary = await in_scope(session, scopes.coordinator, beneficiary_id, lock=True)
    consent = (
        await session.execute(
            select(Consent).where(Consent.id == consent_id, Consent.beneficiary_id == beneficiary_id)
        )
    ).scalar_one_or_none()
    if consent is None:
        raise NotFound("Không có lần đồng ý này.")
    if consent.withdrawn_on is not None:
        raise Conflict(f"Sự đồng ý này đã rút ngày {format_date(consent.withdrawn_on)}.")
    withdrawn_on = withdrawn_on or local_today()
    if withdrawn_on > local_today() or withdrawn_on < consent.given_on:
        raise Invalid("Ngày rút đồng ý phải từ ngày đồng ý đến hôm nay.", field="withdrawn_on")
    consent.withdrawn_on, consent.withdrawn_by, consent.withdrawn_at = (
        withdrawn_on,
        principal.user_id,
        utcnow(),
    )
    await session.flush()
    blanked = await _blank_sensitive_without_consent(session, beneficiary)
    await record(
        session,
        actor,
        "beneficiary.consent_withdraw",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        after={
            "consent_id": consent_id,
            "purposes": [p.value for p in purposes_of(consent)],
            "withdrawn_on": withdrawn_on.isoformat(),
            "blanked": blanked,
        },
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def erase(
    session: AsyncSession, principal: Principal, actor: Actor, beneficiary_id: int, reason: str
) -> BeneficiaryOut:
    """Forget a person at their request (coordinators of the unit): every consent is withdrawn, what
    identifies them is blanked or deleted and the name becomes the record's code. The id stays, so
    what they received stays in the books and the ledger, which never held their name."""
    scopes = await scopes_of(session, principal)
    beneficiary = await in_scope(session, scopes.readable, beneficiary_id, lock=True)
    if beneficiary.unit_id not in scopes.coordinator:
        raise Forbidden("Chỉ điều phối viên của đơn vị xóa được hồ sơ đối tượng.")
    if beneficiary.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ này đã xóa trước đó.")
    reason = bounded(reason, "reason", required=True)
    now, today, code = utcnow(), local_today(), code_of(beneficiary_id)
    await session.execute(
        update(Consent)
        .where(Consent.beneficiary_id == beneficiary_id, Consent.withdrawn_on.is_(None))
        .values(withdrawn_on=today, withdrawn_by=principal.user_id, withdrawn_at=now)
    )
    await session.execute(
        update(Consent)
        .where(Consent.beneficiary_id == beneficiary_id, Consent.given_by == ConsentGiver.GUARDIAN.value)
        .values(guardian_name="(đã xóa)", guardian_relation="")
    )
    await session.execute(delete(BeneficiaryMember).where(BeneficiaryMember.beneficiary_id == beneficiary_id))
    await session.execute(
        update(BeneficiaryReview).where(BeneficiaryReview.beneficiary_id == beneficiary_id).values(reason="")
    )
    await session.execute(
        delete(DuplicateSuspicion).where(
            or_(DuplicateSuspicion.first_id == beneficiary_id, DuplicateSuspicion.second_id == beneficiary_id)
        )
    )
    before = beneficiary.status
    await session.execute(
        update(Beneficiary)
        .where(Beneficiary.id == beneficiary_id)
        .values(
            name=code,
            sex=Sex.UNKNOWN.value,
            birth_year=None,
            birth_date=None,
            hamlet="",
            address="",
            phone="",
            id_number="",
            poor_cert_number="",
            poor_cert_year=None,
            circumstances="",
            health="",
            status=BeneficiaryStatus.ERASED.value,
            review_until=None,
            name_key="",
            sort_key=sort_key(code),
            search_basic="",
            search_text="",
            updated_at=now,
            erased_at=now,
        )
    )
    await record(
        session,
        actor,
        "beneficiary.erase",
        object_type="beneficiary",
        object_id=beneficiary_id,
        unit_id=beneficiary.unit_id,
        before={"status": before},
        after={"status": BeneficiaryStatus.ERASED.value, "code": code, "reason": reason},
    )
    session.expire(beneficiary)
    return (await seen_records(session, scopes, [beneficiary_id]))[0]


async def public_counts(session: AsyncSession, unit_id: int) -> PublicCounts:
    """What anyone may know of a unit's registry (units below included): how many are verified, by
    category, and the masked names of those who consented to be listed."""
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None:
        raise NotFound("Không có đơn vị này.")
    verified = and_(
        Beneficiary.unit_id.in_(units_below((unit.id,))), Beneficiary.status == BeneficiaryStatus.VERIFIED
    )
    total = (await session.execute(select(func.count()).where(verified))).scalar_one()
    by_category = dict(
        (
            await session.execute(
                select(HardshipCategory.name, func.count())
                .join(BeneficiaryCategory, BeneficiaryCategory.category_id == HardshipCategory.id)
                .join(Beneficiary, Beneficiary.id == BeneficiaryCategory.beneficiary_id)
                .where(verified)
                .group_by(HardshipCategory.name)
                .order_by(HardshipCategory.name)
            )
        ).all()
    )
    listed = await session.execute(
        select(Beneficiary.id, Beneficiary.name, Unit.name)
        .join(Unit, Unit.id == Beneficiary.unit_id)
        .where(
            verified,
            Beneficiary.id.in_(
                select(Consent.beneficiary_id).where(
                    Consent.for_public_listing, Consent.withdrawn_on.is_(None)
                )
            ),
        )
        .order_by(Beneficiary.sort_key, Beneficiary.id)
        .limit(1000)
    )
    return PublicCounts(
        unit_id=unit.id,
        unit_name=unit.name,
        verified=total,
        by_category=by_category,
        listed=[PublicListing(code_of(i), mask_name(name), unit_name) for i, name, unit_name in listed],
    )
