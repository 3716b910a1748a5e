"""Pages: a drive's books for a period, as the exports lay them out, and their export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar import Request, Response, get, post
from litestar.datastructures import State
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import allow, may
from charity.books import service
from charity.books.export import TITLES, Layout, book_file
from charity.books.schemas import BookKind
from charity.clock import local_today
from charity.drives.service import VERIFIERS, get_drive, list_drives, to_out
from charity.exports.pdf import MAX_PDF_LINES
from charity.exports.report import Format, Kind, Row, period_text, shown
from charity.fields import Offset, PathId, QueryId, QueryText
from charity.labels import DRIVE_STATUSES
from charity.models import ItemType, LedgerEntry, Role
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, database_of

READ_BOOKS = allow(*VERIFIERS)
TABS = {BookKind.CASH: "Sổ quỹ tiền mặt", BookKind.BANK: "Sổ tiền gửi", BookKind.GOODS: "Sổ kho"}


async def _items_of(session: AsyncSession, drive_id: int) -> list[ItemType]:
    """The item types the drive's ledger holds, for the goods book's picker."""
    held = select(LedgerEntry.item_type_id).where(LedgerEntry.drive_id == drive_id)
    return list(
        (await session.scalars(select(ItemType).where(ItemType.id.in_(held)).order_by(ItemType.name))).all()
    )


def _cells(row: Row, kinds: list[Kind]) -> list[tuple[str, str]]:
    return [(shown(value, kind), kind.value) for value, kind in zip(row, kinds, strict=True)]


DESK_PAGE = 50


@get("/books", opt=READ_BOOKS)
async def books_desk(request: Request, session: DbSession, principal: Caller, offset: Offset = 0) -> Template:
    """Sổ sách: every drive the principal answers for, with its books and its check, and the
    registers and the log."""
    drives, total = await list_drives(
        session, principal, status=None, unit_id=None, limit=DESK_PAGE, offset=offset, roles=VERIFIERS
    )
    return page(
        request,
        "books",
        title="Sổ sách",
        drives=await to_out(session, drives),
        statuses=DRIVE_STATUSES,
        tabs=[(tab.value, label) for tab, label in TABS.items()],
        can_read_log=may(principal, Role.AUDITOR),
        **pager("/books", {}, offset=offset, limit=DESK_PAGE, total=total),
    )


@get("/drives/{drive_id:int}/books/{kind:str}", opt=READ_BOOKS)
async def book_page(
    request: Request,
    session: DbSession,
    principal: Caller,
    drive_id: PathId,
    kind: Annotated[BookKind, PathParameter()],
    date_from: QueryText = "",
    date_to: QueryText = "",
    item_type_id: QueryId = None,
) -> Template:
    """The book for a period: this month so far on the first visit; blank dates mean from the start
    or up to now."""
    # The period form says it was sent (empty values are dropped from a query), so that dates left
    # blank there mean the whole book rather than this month.
    if "period" not in request.query_params:
        today = local_today()
        start, end = today.replace(day=1), today
    else:
        start, end = forms.day_or_none(date_from), forms.day_or_none(date_to)
    drive = await get_drive(session, principal, drive_id, VERIFIERS)
    items = await _items_of(session, drive.id) if kind == BookKind.GOODS else []
    if kind == BookKind.GOODS and item_type_id is None and items:
        item_type_id = items[0].id
    context: dict[str, object] = {
        "drive": drive,
        "kind": kind.value,
        "tabs": [(tab.value, label) for tab, label in TABS.items()],
        "items": items,
        "item_type_id": item_type_id,
        "date_from": start.isoformat() if start else "",
        "date_to": end.isoformat() if end else "",
        "heading": TITLES[kind],
        "period": period_text(start, end),
        "rows": [],
        "too_long": False,
        "max_pdf_lines": MAX_PDF_LINES,
    }
    if kind == BookKind.GOODS and item_type_id is None:
        return page(request, "book", title=TABS[kind], **context)
    book = await service.open_book(
        session, principal, service.BookQuery(drive.id, kind, start, end, item_type_id)
    )
    layout = Layout(book)
    context |= {"count": book.count, "columns": layout.columns}
    if book.count > service.MAX_LINES:
        return page(request, "book", title=TABS[kind], **context | {"too_long": True})
    kinds = [column.kind for column in layout.columns]
    running = service.Running(book)
    rows = [_cells(layout.opening(book), kinds)]
    async for batch in service.lines(session, book, running):
        rows += [_cells(layout.line(line), kinds) for line in batch]
    totals = [_cells(layout.totals(running), kinds), _cells(layout.closing(book, running), kinds)]
    return page(request, "book", title=TABS[kind], **context | {"rows": rows, "totals": totals})


@dataclass
class ExportForm:
    format: str = ""
    date_from: str = ""
    date_to: str = ""
    item_type_id: str = ""


@post("/drives/{drive_id:int}/books/{kind:str}/export", opt=READ_BOOKS, status_code=200)
async def export_book_file(
    state: State,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    drive_id: PathId,
    kind: Annotated[BookKind, PathParameter()],
    data: Annotated[ExportForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[bytes]:
    """The book as a file, from the page's buttons: a form, so that an export (an audit event) is
    never made by following a link."""
    file_format = forms.choice(Format, data.format) or Format.XLSX
    start, end = forms.day_or_none(data.date_from), forms.day_or_none(data.date_to)
    query = service.BookQuery(drive_id, kind, start, end, forms.whole_number(data.item_type_id))
    return await book_file(database_of(state), session, actor, principal, query, file_format)


routes = [books_desk, book_page, export_book_file]
