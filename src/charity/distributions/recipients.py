"""Who may receive from a drive: a beneficiary of the drive's unit or a unit below it, verified, not
due for review, with current consent to receive support. The registry decides all three, and what the
caller may see of the person (`privacy.seen`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, units_below
from charity.beneficiaries.privacy import code_of, consented_to, eligible, review_due, seen
from charity.beneficiaries.registry import Scopes, in_scope, records, scopes_of, seen_records
from charity.beneficiaries.schemas import BeneficiaryOut
from charity.clock import local_today
from charity.distributions.schemas import MAX_ROUND_LINES, RecipientOut
from charity.errors import Invalid
from charity.models import Beneficiary, BeneficiaryStatus, ConsentPurpose, Drive

NOT_ELIGIBLE = "not_eligible"


async def check_recipient(
    session: AsyncSession, scopes: Scopes, drive: Drive, beneficiary_id: int, on: date, field: str
) -> None:
    """Refuse (422 `not_eligible`, saying why) a beneficiary who may not receive from the drive now;
    404 for one the caller cannot see."""
    beneficiary = await in_scope(session, scopes.readable, beneficiary_id)
    code = code_of(beneficiary_id)
    if beneficiary.unit_id not in set(await session.scalars(units_below((drive.unit_id,)))):
        raise Invalid(
            f"Đối tượng {code} không thuộc đơn vị của cuộc vận động «{drive.name}» hay đơn vị cấp dưới.",
            field=field,
            code=NOT_ELIGIBLE,
        )
    (record,) = await records(session, [beneficiary_id])
    why = ""
    if beneficiary.status != BeneficiaryStatus.VERIFIED:
        why = "chưa được bình xét công nhận"
    elif review_due(beneficiary, on):
        why = "đã đến hạn bình xét lại"
    elif ConsentPurpose.SUPPORT not in consented_to(record.consents):
        why = "chưa đồng ý (hoặc đã rút đồng ý) nhận hỗ trợ"
    if why:
        raise Invalid(
            f"Đối tượng {code} {why}: chưa thể trao hỗ trợ.",
            field=field,
            code=NOT_ELIGIBLE,
            facts={"beneficiary_id": beneficiary_id},
        )


def _recipient(shown: BeneficiaryOut) -> RecipientOut:
    return RecipientOut(
        id=shown.id,
        code=shown.code,
        name=shown.name or "",
        hamlet=shown.hamlet or "",
        address=shown.address or "",
        unit_name=shown.unit_name,
        categories=[category.name for category in shown.categories or []],
    )


async def recipients(session: AsyncSession, scopes: Scopes, ids: Sequence[int]) -> dict[int, RecipientOut]:
    """The beneficiaries as the caller may see them; a field the caller's role may not see is blank."""
    return {shown.id: _recipient(shown) for shown in await seen_records(session, scopes, sorted(set(ids)))}


async def eligible_for(
    session: AsyncSession, principal: Principal, drive: Drive, *, limit: int = MAX_ROUND_LINES
) -> list[RecipientOut]:
    """Who may receive from the drive today, as the caller may see them, in the Vietnamese order of
    their names: the beneficiaries of the drive's unit tree in the caller's scope that the registry
    finds verified, not due for review and consenting to support (at most `limit`, a round's most)."""
    scopes = await scopes_of(session, principal)
    today = local_today()
    ids = list(
        await session.scalars(
            select(Beneficiary.id)
            .where(
                Beneficiary.unit_id.in_(units_below((drive.unit_id,))),
                Beneficiary.unit_id.in_(scopes.readable),
                Beneficiary.status == BeneficiaryStatus.VERIFIED,
                Beneficiary.review_until >= today,
            )
            .order_by(Beneficiary.sort_key, Beneficiary.id)
        )
    )
    found: list[RecipientOut] = []
    # Consent is a history of records, not a column: the registry's own rule reads it, a batch of
    # records at a time until the list is full.
    for start in range(0, len(ids), limit):
        for record in await records(session, ids[start : start + limit]):
            if eligible(record, today):
                found.append(_recipient(seen(record, scopes.view(record.beneficiary.unit_id), today)))
        if len(found) >= limit:
            return found[:limit]
    return found
