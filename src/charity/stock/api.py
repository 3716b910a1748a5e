"""JSON API: conversions, adjustments after a count and transfers between drives, their printed
records, and what a drive holds."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.handlers import HTTPRouteHandler
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import allow
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryId
from charity.models import MovementKind, MovementStatus
from charity.requests import Acting, Caller, DbSession
from charity.stock import records, service
from charity.stock.schemas import AdjustmentIn, ConversionIn, DecisionIn, MovementOut, StockOut, TransferIn

WRITE = allow(*service.WRITERS)
READ = allow(*service.READERS)
PDF = "application/pdf"


@post(
    "/api/conversions",
    opt=WRITE,
    tags=["stock"],
    status_code=HTTP_201_CREATED,
    summary="Record a conversion",
    description="Goods sold (rice sold for cash): the goods leave the drive at their book value (the "
    "average value of what it holds) and the price comes in as `cash`, in one document numbered from "
    'the unit\'s conversion book ("CD-2026/00001") and one posting, so both move or neither does. '
    "409 with `code` `short_of_stock` names the item, what is held and what was asked.",
)
async def create_conversion(
    session: DbSession, principal: Caller, actor: Acting, data: JSONBody[ConversionIn]
) -> MovementOut:
    return await service.create_conversion(session, principal, actor, data)


@post(
    "/api/adjustments",
    opt=WRITE,
    tags=["stock"],
    status_code=HTTP_201_CREATED,
    summary="Record a count",
    description="A count (kiểm kê) of one item type against the book, read under the drive's lock: the "
    "difference (counted − book; 422 when there is none) at the average book value, with a reason. "
    "Within the unit's `adjustment_threshold` it is posted at once (`posted`); above it, it waits "
    "(`pending`) and posts nothing until another coordinator approves it.",
)
async def create_adjustment(
    session: DbSession, principal: Caller, actor: Acting, data: JSONBody[AdjustmentIn]
) -> MovementOut:
    return await service.create_adjustment(session, principal, actor, data)


@post(
    "/api/adjustments/{movement_id:int}/approve",
    opt=WRITE,
    tags=["stock"],
    status_code=HTTP_200_OK,
    summary="Approve a pending count",
    description="A coordinator other than the one who recorded it (403 for that one) approves a "
    "pending adjustment: the recorded difference is posted, or refused with 409 `short_of_stock` if the "
    "drive no longer holds what it takes.",
)
async def approve_adjustment(
    session: DbSession, principal: Caller, actor: Acting, movement_id: PathId, data: JSONBody[DecisionIn]
) -> MovementOut:
    return await service.approve_adjustment(session, principal, actor, movement_id, data.note)


@post(
    "/api/adjustments/{movement_id:int}/reject",
    opt=WRITE,
    tags=["stock"],
    status_code=HTTP_200_OK,
    summary="Reject a pending count",
    description="A coordinator other than the one who recorded it rejects a pending adjustment, with a "
    "`note` saying why: nothing is posted and the number stays.",
)
async def reject_adjustment(
    session: DbSession, principal: Caller, actor: Acting, movement_id: PathId, data: JSONBody[DecisionIn]
) -> MovementOut:
    return await service.reject_adjustment(session, principal, actor, movement_id, data.note)


@post(
    "/api/transfers",
    opt=WRITE,
    tags=["stock"],
    status_code=HTTP_201_CREATED,
    summary="Record a transfer",
    description="Goods (and optionally cash) from a drive the caller coordinates to another drive of "
    "the unit tree (of the same unit, a unit above or one below), which must accept each item type "
    "and not be a draft: out of the source at book value, into the destination at the same value, "
    "one document numbered from the source unit's transfer book.",
)
async def create_transfer(
    session: DbSession, principal: Caller, actor: Acting, data: JSONBody[TransferIn]
) -> MovementOut:
    return await service.create_transfer(session, principal, actor, data)


def _lister(kind: MovementKind, path: str, summary: str, what: str) -> HTTPRouteHandler:
    @get(
        path,
        opt=READ,
        tags=["stock"],
        summary=summary,
        description=f"{what} of the drives the caller answers for, latest first; `drive_id` gives one "
        "drive's (a transfer is listed for both its drives), `status` those in one state.",
        name=f"list_{kind.value}s",
    )
    async def list_movements(
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        drive_id: QueryId = None,
        status: Annotated[
            MovementStatus | None, QueryParameter(description="pending, posted or rejected")
        ] = None,
    ) -> OffsetPagination[MovementOut]:
        found, total = await service.list_movements(
            session, principal, kind=kind, drive_id=drive_id, status=status, limit=limit, offset=offset
        )
        return OffsetPagination(items=found, total=total, limit=limit, offset=offset)

    return list_movements


def _reader(kind: MovementKind, path: str, summary: str, what: str) -> HTTPRouteHandler:
    @get(
        f"{path}/{{movement_id:int}}",
        opt=READ,
        tags=["stock"],
        summary=summary,
        description=f"One {what} with its number, drives, lines and values, and who recorded "
        "(and decided) it.",
        name=f"get_{kind.value}",
    )
    async def get_movement(session: DbSession, principal: Caller, movement_id: PathId) -> MovementOut:
        return await service.get_movement(session, principal, movement_id, kind)

    return get_movement


def _printer(kind: MovementKind, path: str, summary: str, record: str) -> HTTPRouteHandler:
    @get(
        f"{path}/{{movement_id:int}}/pdf",
        opt=READ,
        tags=["stock"],
        media_type=PDF,
        summary=summary,
        description=f"The printed record ({record}) on A4, with its number, lines and values, the "
        "amount in words where money changes hands, and the signature lines.",
        name=f"{kind.value}_pdf",
    )
    async def movement_pdf(session: DbSession, principal: Caller, movement_id: PathId) -> Stream:
        return await records.record_pdf(session, principal, movement_id, kind)

    return movement_pdf


@get(
    "/api/drives/{drive_id:int}/stock",
    opt=READ,
    tags=["stock"],
    summary="What a drive holds",
    description="The drive's balance of each asset from its ledger: đồng first (quantity = amount), "
    "then each item type with its name, unit, quantity and book value.",
)
async def drive_stock(session: DbSession, principal: Caller, drive_id: PathId) -> StockOut:
    return await service.drive_stock(session, principal, drive_id)


_DOCUMENTS = (
    (MovementKind.CONVERSION, "/api/conversions", "conversion", "Conversions", "biên bản bán hàng"),
    (MovementKind.ADJUSTMENT, "/api/adjustments", "count", "Counts (adjustments)", "biên bản kiểm kê"),
    (MovementKind.TRANSFER, "/api/transfers", "transfer", "Transfers", "biên bản điều chuyển"),
)

routes = [
    create_conversion,
    create_adjustment,
    approve_adjustment,
    reject_adjustment,
    create_transfer,
    drive_stock,
    *(
        route
        for kind, path, one, many, record in _DOCUMENTS
        for route in (
            _lister(kind, path, f"List {many.lower()}", many),
            _reader(kind, path, f"Get a {one}", one),
            _printer(kind, path, f"Print a {one}", record),
        )
    ),
]
