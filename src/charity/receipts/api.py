"""JSON API: receipts and receipt books."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import allow
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryId, QueryText, QueryYear
from charity.models import PaymentMethod, ReceiptStatus, Role
from charity.receipts import service
from charity.receipts.delivery import preview, print_one, print_receipts
from charity.receipts.schemas import BookCreate, BookOut, PrintRequest, ReceiptOut, VoidRequest
from charity.requests import Acting, Caller, DbSession

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
ISSUE = allow(Role.VOLUNTEER, Role.COORDINATOR)
COORDINATE = allow(Role.COORDINATOR)


class ReceiptController(Controller):
    path = "/api/receipts"
    tags = ("receipts",)

    @get(opt=READ, summary="List receipts")
    async def list_receipts(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        drive_id: QueryId = None,
        book_id: QueryId = None,
        status: FromQuery[ReceiptStatus | None] = None,
        date_from: FromQuery[date | None] = None,
        date_to: FromQuery[date | None] = None,
        donor_id: QueryId = None,
        q: QueryText = "",
        recorded_by: QueryId = None,
        method: FromQuery[PaymentMethod | None] = None,
        not_printed: FromQuery[bool] = False,
    ) -> OffsetPagination[ReceiptOut]:
        """Receipts in book and number order; volunteers see the ones they issued. `q` is a receipt's
        number ("01-2026/00012" or 12) or words of its donor's name, phone or address."""
        where = service.ReceiptFilter(
            drive_id, book_id, status, date_from, date_to, donor_id, q, recorded_by, method, not_printed
        )
        receipts, total = await service.list_receipts(session, principal, where, limit=limit, offset=offset)
        return OffsetPagination(items=receipts, total=total, limit=limit, offset=offset)

    @get(
        "/{receipt_id:int}",
        opt=READ,
        summary="Get a receipt",
        description="One receipt with its gift: donor, cash, goods, total and status.",
    )
    async def get_receipt(self, session: DbSession, principal: Caller, receipt_id: PathId) -> ReceiptOut:
        return await service.get_receipt(session, principal, receipt_id)

    @get("/{receipt_id:int}/pdf", opt=READ, media_type="application/pdf", summary="View a receipt as a PDF")
    async def receipt_pdf(self, state: State, principal: Caller, receipt_id: PathId) -> Response[bytes]:
        """The receipt as a PDF to look at, marked "BẢN XEM" across it: viewing records nothing and
        never spends the original."""
        return await preview(state, principal, receipt_id)

    @post(
        "/{receipt_id:int}/print",
        opt=ISSUE,
        status_code=HTTP_200_OK,
        media_type="application/pdf",
        summary="Print a receipt",
    )
    async def print_receipt(
        self, request: Request, state: State, session: DbSession, principal: Caller, receipt_id: PathId
    ) -> Response[bytes]:
        """Print the receipt to hand to its donor: the first print is the original, every later one
        says "BẢN SAO số N"; each is recorded and audited. For the volunteer who issued it and the
        unit's coordinators."""
        return await print_one(request, state, session, principal, receipt_id)

    @post(
        "/print",
        opt=COORDINATE,
        status_code=HTTP_200_OK,
        media_type="application/pdf",
        summary="Print receipts as one PDF",
    )
    async def print_batch(
        self,
        request: Request,
        state: State,
        session: DbSession,
        principal: Caller,
        data: JSONBody[PrintRequest],
    ) -> Response[bytes]:
        """Several receipts as one PDF: the ids given, or a filter's receipts in book and number order."""

        async def chosen(reading: AsyncSession) -> list[int]:
            if data.ids is not None:
                return await service.printable_ids(reading, principal, data.ids)
            where = service.ReceiptFilter(
                drive_id=data.drive_id,
                book_id=data.book_id,
                status=data.status,
                date_from=data.date_from,
                date_to=data.date_to,
                method=data.method,
                not_printed=data.not_printed,
            )
            return await service.batch_ids(reading, principal, where)

        return await print_receipts(request, state, session, chosen)

    @post("/{receipt_id:int}/void", opt=COORDINATE, status_code=HTTP_200_OK, summary="Void a receipt")
    async def void(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        receipt_id: PathId,
        data: JSONBody[VoidRequest],
    ) -> ReceiptOut:
        """Void with a reason: the receipt keeps its number and its gift stops counting."""
        await service.void_receipt(session, principal, actor, receipt_id, data.reason)
        return (await service.load(session, [receipt_id]))[0]


class ReceiptBookController(Controller):
    path = "/api/receipt-books"
    tags = ("receipts",)

    @get(
        opt=allow(Role.COORDINATOR, Role.AUDITOR),
        summary="List receipt books",
        description="The receipt books of the units in the caller's scope, by unit and year if asked.",
    )
    async def list_books(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        unit_id: QueryId = None,
        year: QueryYear = None,
    ) -> OffsetPagination[BookOut]:
        books, total = await service.list_books(
            session, principal, unit_id=unit_id, year=year, limit=limit, offset=offset
        )
        return OffsetPagination(items=books, total=total, limit=limit, offset=offset)

    @post(
        opt=COORDINATE,
        status_code=HTTP_201_CREATED,
        summary="Open a receipt book",
        description="A book of a unit for a year, with its code: receipts are numbered 1, 2, 3… inside it.",
    )
    async def open_book(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[BookCreate]
    ) -> BookOut:
        return await service.open_book(
            session, principal, actor, unit_id=data.unit_id, year=data.year, code=data.code
        )

    @get(
        "/{book_id:int}",
        opt=allow(Role.COORDINATOR, Role.AUDITOR),
        summary="Get a receipt book",
        description="One receipt book in the caller's scope; any other book answers 404.",
    )
    async def get_book(self, session: DbSession, principal: Caller, book_id: PathId) -> BookOut:
        return await service.get_book(session, principal, book_id)

    @post("/{book_id:int}/close", opt=COORDINATE, status_code=HTTP_200_OK, summary="Close a receipt book")
    async def close_book(
        self, session: DbSession, principal: Caller, actor: Acting, book_id: PathId
    ) -> BookOut:
        """A closed book issues no more numbers."""
        return await service.close_book(session, principal, actor, book_id)
