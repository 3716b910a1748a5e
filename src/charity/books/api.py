"""JSON API: a drive's books for a period, for its coordinators and auditors, as JSON or a file."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Response, get
from litestar.datastructures import State
from litestar.params import PathParameter, QueryParameter

from charity.access import allow
from charity.books import service
from charity.books.export import book_file
from charity.books.schemas import BookKind, BookOut
from charity.drives.service import VERIFIERS
from charity.exports.report import Format
from charity.fields import PathId, QueryId
from charity.requests import RECORDS_ITS_USE, Acting, Caller, DbSession, database_of


@get(
    "/api/drives/{drive_id:int}/books/{kind:str}",
    # An export is an audit event: the request writes even though it reads.
    opt=allow(*VERIFIERS) | {RECORDS_ITS_USE: True},
    tags=["books"],
    summary="A drive's book for a period",
    description="The cash book (`cash`), the bank book (`bank`: transfers and e-wallets) or the goods book "
    "of one item type (`goods`, with `item_type_id`): the balance carried from before `from`, each line "
    "from `from` to `to` with its running balance, the period's totals in and out, and the closing "
    "balance. Voids are lines of their own that reverse their receipt. With `format` (`csv`, `xlsx` or "
    "`pdf`) the book as a file, whose foot gives the drive's chain end; each export is an audit event.",
)
async def drive_book(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    drive_id: PathId,
    kind: Annotated[BookKind, PathParameter()],
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    item_type_id: QueryId = None,
    format: Annotated[Format | None, QueryParameter(description="csv, xlsx or pdf; JSON without it")] = None,
) -> Response[BookOut]:
    query = service.BookQuery(drive_id, kind, date_from, date_to, item_type_id)
    if format is None:
        return Response(await service.book(session, principal, query))
    return await book_file(database_of(state), session, actor, principal, query, format)


routes = [drive_book]
