"""JSON API: a drive's books for a period, for its coordinators and auditors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import get
from litestar.params import PathParameter, QueryParameter

from charity.access import allow
from charity.books import service
from charity.books.schemas import BookKind, BookOut
from charity.drives.service import VERIFIERS
from charity.fields import PathId, QueryId
from charity.requests import Caller, DbSession


@get(
    "/api/drives/{drive_id:int}/books/{kind:str}",
    opt=allow(*VERIFIERS),
    tags=["books"],
    summary="A drive's book for a period",
    description="The cash book (`cash`), the bank book (`bank`: transfers and e-wallets) or the goods book "
    "of one item type (`goods`, with `item_type_id`): the balance carried from before `from`, each line "
    "from `from` to `to` with its running balance, the period's totals in and out, and the closing "
    "balance. Voids are lines of their own that reverse their receipt.",
)
async def drive_book(
    session: DbSession,
    principal: Caller,
    drive_id: PathId,
    kind: Annotated[BookKind, PathParameter()],
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
    item_type_id: QueryId = None,
) -> BookOut:
    return await service.book(
        session, principal, drive_id, kind, date_from=date_from, date_to=date_to, item_type_id=item_type_id
    )


routes = [drive_book]
