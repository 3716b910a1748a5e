"""JSON API: recording a gift issues its receipt."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, post
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import allow
from charity.donations import service
from charity.donations.schemas import DonationOut, GiftIn, ReplaceIn
from charity.fields import PathId
from charity.models import Role
from charity.requests import Acting, Caller, DbSession


def answer(issued: service.Issued) -> Response[DonationOut]:
    """201 for a new receipt; a retry with the same Idempotency-Key gets 200 and the same receipt."""
    if issued.replayed:
        return Response(issued.donation, status_code=HTTP_200_OK, headers={"Idempotent-Replayed": "true"})
    return Response(issued.donation, status_code=HTTP_201_CREATED)


@post(
    "/api/donations",
    opt=allow(Role.VOLUNTEER, Role.COORDINATOR),
    tags=["donations"],
    status_code=HTTP_201_CREATED,
    responses={
        HTTP_200_OK: ResponseSpec(
            DonationOut, description="A retry with the same Idempotency-Key and body: the first receipt."
        )
    },
    summary="Record a gift and issue its receipt",
)
async def create_donation(
    request: Request,
    session: DbSession,
    principal: Caller,
    actor: Acting,
    data: JSONBody[GiftIn],
    # Declared for the API's schema; read below from the headers themselves.
    idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
) -> Response[DonationOut]:
    """Record a gift and issue its receipt, numbered from the unit's receipt book. Send an
    `Idempotency-Key` header so that a retry after a lost answer never issues a second receipt."""
    # A header sent twice is refused, not one of the two chosen.
    keys = request.headers.getall("idempotency-key", [])
    return answer(await service.record_gift(session, principal, actor, data, idempotency_keys=keys))


@post(
    "/api/receipts/{receipt_id:int}/replace",
    opt=allow(Role.COORDINATOR),
    tags=["receipts"],
    status_code=HTTP_201_CREATED,
    summary="Replace a receipt",
)
async def replace_receipt(
    session: DbSession, principal: Caller, actor: Acting, receipt_id: PathId, data: JSONBody[ReplaceIn]
) -> Response[DonationOut]:
    """Void the receipt and issue the corrected gift, which points to it."""
    return answer(
        await service.replace_receipt(session, principal, actor, receipt_id, data.reason, data.gift)
    )


routes = [create_donation, replace_receipt]
