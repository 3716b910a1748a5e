"""JSON API: the registers of a scope and period, for its coordinators and auditors."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.pagination import OffsetPagination
from litestar.params import QueryParameter

from charity.access import allow
from charity.drives.service import VERIFIERS
from charity.exports.report import Format
from charity.fields import DEFAULT_PAGE, Limit, Offset, QueryId
from charity.registers import service
from charity.registers.export import register_file
from charity.registers.schemas import BookLine, DistributionLine, ReceiptLine, RegisterKind, VoidLine
from charity.requests import EMPTY_IS_NO_FILTER, RECORDS_ITS_USE, Acting, Caller, DbSession, database_of

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
    # An export is an audit event: the request writes even though it reads.
    "opt": READ_REGISTERS | {EMPTY_IS_NO_FILTER: True, RECORDS_ITS_USE: True},
    "tags": ["registers"],
    "dependencies": {"where": Provide(provide_filter, sync_to_thread=False)},
}


FileFormat = Annotated[
    Format | None, QueryParameter(description="csv, xlsx or pdf: every line as a file; JSON without it")
]
FILES = " With `format` (`csv`, `xlsx` or `pdf`) every line as a file, with its totals; each export is an audit event."


async def _answer(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    kind: RegisterKind,
    where: service.RegisterFilter,
    limit: int,
    offset: int,
    format: Format | None,
) -> Response[Any]:
    if format is not None:
        return await register_file(database_of(state), session, actor, principal, kind, where, format)
    scope = await service.scope_of(session, principal, where)
    lines, total = await service.page(
        session, principal, service.REGISTERS[kind], scope, limit=limit, offset=offset
    )
    return Response(OffsetPagination(items=lines, total=total, limit=limit, offset=offset))


@get(
    "/api/registers/receipts",
    **REGISTER_ROUTE,
    summary="The receipts register",
    description="Every receipt issued in the period, by book and number: its date, drive, donor "
    '("Ẩn danh" for an anonymous gift), cash, goods and their estimated value, status, the reason of '
    f"a void, the receipt that replaced it, and who recorded the gift. {ASKED}{FILES}",
)
async def receipts_register(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    where: Asked,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    format: FileFormat = None,
) -> Response[OffsetPagination[ReceiptLine]]:
    return await _answer(
        state, session, principal, actor, RegisterKind.RECEIPTS, where, limit, offset, format
    )


@get(
    "/api/registers/voids",
    **REGISTER_ROUTE,
    summary="The voids register",
    description="Every receipt voided in the period, in the order of the voids: when it was issued and "
    f"voided, what it was for, why, by whom, and the receipt that replaced it. {ASKED}{FILES}",
)
async def voids_register(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    where: Asked,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    format: FileFormat = None,
) -> Response[OffsetPagination[VoidLine]]:
    return await _answer(state, session, principal, actor, RegisterKind.VOIDS, where, limit, offset, format)


@get(
    "/api/registers/books",
    **REGISTER_ROUTE,
    summary="The receipt-book register",
    description="Every receipt book that issued receipts in the period: the first and last numbers it "
    "used, how many receipts it issued and how many are void, and whether every number from 1 to the "
    f"last is held by one of its receipts (`gapless`; else the first missing numbers). {ASKED}{FILES}",
)
async def books_register(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    where: Asked,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    format: FileFormat = None,
) -> Response[OffsetPagination[BookLine]]:
    return await _answer(state, session, principal, actor, RegisterKind.BOOKS, where, limit, offset, format)


@get(
    "/api/registers/distributions",
    **REGISTER_ROUTE,
    summary="The distributions register",
    description="Every distribution numbered in the period (a round's lines once it is approved), by book "
    "and number: the day it was handed over (a planned one, or one voided before it was handed over, "
    "belongs to the day it was numbered), drive, round, recipient (a beneficiary's code and name as the "
    "caller's role may see it, or a counted group's place and count), purpose, cash, goods, their value "
    f"at book value once handed over, status and the reason of a void. {ASKED}{FILES}",
)
async def distributions_register(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    where: Asked,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    format: FileFormat = None,
) -> Response[OffsetPagination[DistributionLine]]:
    return await _answer(
        state, session, principal, actor, RegisterKind.DISTRIBUTIONS, where, limit, offset, format
    )


routes = [receipts_register, voids_register, books_register, distributions_register]
