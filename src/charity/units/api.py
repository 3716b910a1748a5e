"""JSON API: units. Everyone signed in reads the units of their scope; admins manage the tree."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import JSONBody
from litestar.status_codes import HTTP_201_CREATED

from charity.access import ADMIN, allow, signed_in
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId
from charity.requests import Acting, Caller, DbSession
from charity.units import service
from charity.units.schemas import UnitCreate, UnitOut, UnitUpdate


class UnitController(Controller):
    path = "/api/units"
    tags = ("units",)

    @get(
        opt=signed_in(),
        summary="List units",
        description="Every unit for an admin; for anyone else, the units they belong to and every unit below them.",
    )
    async def list_units(
        self, session: DbSession, principal: Caller, limit: Limit = DEFAULT_PAGE, offset: Offset = 0
    ) -> OffsetPagination[UnitOut]:
        units, total = await service.list_units(session, principal, limit=limit, offset=offset)
        return OffsetPagination(
            items=[UnitOut.of(unit) for unit in units], total=total, limit=limit, offset=offset
        )

    @post(
        opt=allow(ADMIN),
        status_code=HTTP_201_CREATED,
        summary="Create a unit",
        description="A unit under the parent named by `parent_code`, or a top-level unit without one.",
    )
    async def create_unit(self, session: DbSession, actor: Acting, data: JSONBody[UnitCreate]) -> UnitOut:
        unit = await service.create_unit(
            session, actor, code=data.code, name=data.name, parent_code=data.parent_code, address=data.address
        )
        return UnitOut.of(unit)

    @get(
        "/{unit_id:int}",
        opt=signed_in(),
        summary="Get a unit",
        description="One unit in the caller's scope; any other unit answers 404.",
    )
    async def get_unit(self, session: DbSession, principal: Caller, unit_id: PathId) -> UnitOut:
        return UnitOut.of(await service.get_unit(session, principal, unit_id))

    @patch(
        "/{unit_id:int}",
        opt=allow(ADMIN),
        summary="Change a unit",
        description="Only the fields sent change; `parent_code` null makes it a top-level unit. "
        "`review_months` (1 to 60) holds for the beneficiaries' verifications made from then on.",
    )
    async def update_unit(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        unit_id: PathId,
        data: JSONBody[UnitUpdate],
    ) -> UnitOut:
        unit = await service.get_unit(session, principal, unit_id)
        parent_code = None if data.parent_code is msgspec.UNSET else data.parent_code
        unit = await service.update_unit(
            session,
            actor,
            unit,
            name=data.name,
            address=data.address,
            parent_code=parent_code,
            detach=data.parent_code is None,
            receipt_paper=data.receipt_paper,
            zero_tens_word=data.zero_tens_word,
            receipt_form=data.receipt_form,
            large_gift_threshold=data.large_gift_threshold,
            review_months=data.review_months,
            adjustment_threshold=data.adjustment_threshold,
        )
        return UnitOut.of(unit)
