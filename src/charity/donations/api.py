"""JSON API: recording a gift issues its receipt."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, post
from litestar.datastructures import State
from litestar.params import HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.accounts.access import allow
from charity.donations import service
from charity.donations.schemas import DonationOut, GiftIn
from charity.http import Acting, Caller, database_of
from charity.models import Role


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
)
async def create_donation(
    state: State,
    principal: Caller,
    actor: Acting,
    data: JSONBody[GiftIn],
    idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
) -> Response[DonationOut]:
    """Record a gift and issue its receipt, numbered from the unit's receipt book. Send an
    `Idempotency-Key` header so that a retry after a lost answer never issues a second receipt."""
    issued = await service.record_gift(
        database_of(state), principal, actor, data, idempotency_key=idempotency_key
    )
    return answer(issued)
