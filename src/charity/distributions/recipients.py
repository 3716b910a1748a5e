"""Who may receive from a drive: a beneficiary of the drive's unit or a unit below it, verified, not
due for review, with current consent to receive support. The registry decides all three, and what the
caller may see of the person (`privacy.seen`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import units_below
from charity.beneficiaries.privacy import code_of, consented_to, review_due
from charity.beneficiaries.registry import Scopes, in_scope, records, seen_records
from charity.distributions.schemas import RecipientOut
from charity.errors import Invalid
from charity.models import BeneficiaryStatus, ConsentPurpose, Drive

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


async def recipients(session: AsyncSession, scopes: Scopes, ids: Sequence[int]) -> dict[int, RecipientOut]:
    """The beneficiaries as the caller may see them; a field the caller's role may not see is blank."""
    found = {}
    for seen in await seen_records(session, scopes, sorted(set(ids))):
        found[seen.id] = RecipientOut(
            id=seen.id,
            code=seen.code,
            name=seen.name or "",
            hamlet=seen.hamlet or "",
            address=seen.address or "",
            unit_name=seen.unit_name,
            categories=[category.name for category in seen.categories or []],
        )
    return found
