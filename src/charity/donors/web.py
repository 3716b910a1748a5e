"""Pages: donors with search, and a donor's gifts within the caller's scope."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from charity.access import allow
from charity.donors import service
from charity.fields import Offset, PathId, QueryText
from charity.labels import DONOR_KINDS
from charity.models import DonorKind, Role
from charity.pages import page
from charity.receipts.service import ReceiptFilter, list_receipts
from charity.receipts.web import receipt_rows
from charity.requests import Caller, DbSession

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
DONORS_PAGE = 50


@get("/donors", opt=READ)
async def donors_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    q: QueryText = "",
    offset: Offset = 0,
) -> Template:
    offset = max(offset, 0)
    donors, total = await service.list_donors(
        session, principal, query=q[:100], limit=DONORS_PAGE, offset=offset
    )
    return page(
        request,
        "donors",
        title="Nhà hảo tâm",
        donors=donors,
        kinds=DONOR_KINDS,
        q=q,
        total=total,
        offset=offset,
        more=offset + DONORS_PAGE < total,
        page_size=DONORS_PAGE,
    )


@get("/donors/{donor_id:int}", opt=READ)
async def donor_page(request: Request, session: DbSession, principal: Caller, donor_id: PathId) -> Template:
    donor = await service.get_donor(session, principal, donor_id)
    receipts, total = await list_receipts(
        session, principal, ReceiptFilter(donor_id=donor.id), limit=200, offset=0
    )
    return page(
        request,
        "donor",
        title=donor.name,
        donor=donor,
        kind=DONOR_KINDS[DonorKind(donor.kind)],
        rows=await receipt_rows(session, receipts),
        total=total,
    )


routes = [donors_page, donor_page]
