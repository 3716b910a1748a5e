"""JSON API: the registers of a scope and period, for its coordinators and auditors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency, Provide
from litestar.pagination import OffsetPagination
from litestar.params import QueryParameter

from charity.access import allow
from charity.drives.service import VERIFIERS
from charity.fields import DEFAULT_PAGE, Limit, Offset, QueryId
from charity.registers import service
from charity.registers.schemas import BookLine, ReceiptLine, VoidLine
from charity.requests import EMPTY_IS_NO_FILTER, Caller, DbSession

READ_REGISTERS = allow(*VERIFIERS)
ASKED = (
    "`drive_id` narrows to one drive and `unit_id` to a unit and the units below it, both inside the "
    "caller's scope (else 404); `from` and `to` are days in Vietnam. A value left empty is no filter."
)


def provide_filter(
    drive_id: QueryId = None,
    unit_id: QueryId = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
) -> service.RegisterFilter:
    return service.RegisterFilter(drive_id, unit_id, date_from, date_to)


Asked = NamedDependency[service.RegisterFilter]
REGISTER_ROUTE: dict[str, Any] = {
    "opt": READ_REGISTERS | {EMPTY_IS_NO_FILTER: True},
    "tags": ["registers"],
    "dependencies": {"where": Provide(provide_filter, sync_to_thread=False)},
}


async def _page(
    session: DbSession,
    principal: Caller,
    register: service.Register[Any],
    where: service.RegisterFilter,
    limit: int,
    offset: int,
) -> OffsetPagination[Any]:
    scope = await service.scope_of(session, principal, where)
    lines, total = await service.page(session, register, scope, limit=limit, offset=offset)
    return OffsetPagination(items=lines, total=total, limit=limit, offset=offset)


@get(
    "/api/registers/receipts",
    **REGISTER_ROUTE,
    summary="The receipts register",
    description="Every receipt issued in the period, by book and number: its date, drive, donor "
    '("Ẩn danh" for an anonymous gift), cash, goods and their estimated value, status, the reason of '
    f"a void, the receipt that replaced it, and who recorded the gift. {ASKED}",
)
async def receipts_register(
    session: DbSession, principal: Caller, where: Asked, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> OffsetPagination[ReceiptLine]:
    return await _page(session, principal, service.RECEIPTS, where, limit, offset)


@get(
    "/api/registers/voids",
    **REGISTER_ROUTE,
    summary="The voids register",
    description="Every receipt voided in the period, in the order of the voids: when it was issued and "
    f"voided, what it was for, why, by whom, and the receipt that replaced it. {ASKED}",
)
async def voids_register(
    session: DbSession, principal: Caller, where: Asked, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> OffsetPagination[VoidLine]:
    return await _page(session, principal, service.VOIDS, where, limit, offset)


@get(
    "/api/registers/books",
    **REGISTER_ROUTE,
    summary="The receipt-book register",
    description="Every receipt book that issued receipts in the period: the first and last numbers it "
    "used, how many receipts it issued and how many are void, and whether every number from 1 to the "
    f"last is held by one of its receipts (`gapless`; else the first missing numbers). {ASKED}",
)
async def books_register(
    session: DbSession, principal: Caller, where: Asked, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
) -> OffsetPagination[BookLine]:
    return await _page(session, principal, service.BOOKS, where, limit, offset)


routes = [receipts_register, voids_register, books_register]
