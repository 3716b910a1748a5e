"""JSON API: item types. Everyone signed in reads them; coordinators and admins add to the list."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from charity.access import ADMIN, allow, signed_in
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId
from charity.item_types import service
from charity.item_types.schemas import ItemTypeCreate, ItemTypeOut, ItemTypeUpdate
from charity.models import Role
from charity.requests import Acting, DbSession

KEEPERS = (ADMIN, Role.COORDINATOR)


class ItemTypeController(Controller):
    path = "/api/item-types"
    tags = ("item types",)

    @get(
        opt=signed_in(),
        summary="List item types",
        description="Kinds of goods (kg gạo, quyển vở…); `active=true` lists only those still offered.",
    )
    async def list_item_types(
        self,
        session: DbSession,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        active: FromQuery[bool | None] = None,
    ) -> OffsetPagination[ItemTypeOut]:
        rows, total = await service.list_item_types(
            session, active_only=bool(active), limit=limit, offset=offset
        )
        return OffsetPagination(
            items=[ItemTypeOut.of(row) for row in rows], total=total, limit=limit, offset=offset
        )

    @post(
        opt=allow(*KEEPERS),
        status_code=HTTP_201_CREATED,
        summary="Add an item type",
        description="A kind of goods: its name and unit of measure.",
    )
    async def create_item_type(
        self, session: DbSession, actor: Acting, data: JSONBody[ItemTypeCreate]
    ) -> ItemTypeOut:
        return ItemTypeOut.of(
            await service.create_item_type(
                session, actor, name=data.name, unit_of_measure=data.unit_of_measure
            )
        )

    @get("/{item_type_id:int}", opt=signed_in(), summary="Get an item type", description="One item type.")
    async def get_item_type(self, session: DbSession, item_type_id: PathId) -> ItemTypeOut:
        return ItemTypeOut.of(await service.get_item_type(session, item_type_id))

    # Item types are shared by every unit, so only an admin changes an existing one.
    @patch(
        "/{item_type_id:int}",
        opt=allow(ADMIN),
        summary="Change an item type",
        description="Rename it, change its unit or retire it (`active` false): every unit shares the list, so only an admin.",
    )
    async def update_item_type(
        self, session: DbSession, actor: Acting, item_type_id: PathId, data: JSONBody[ItemTypeUpdate]
    ) -> ItemTypeOut:
        item_type = await service.update_item_type(
            session,
            actor,
            item_type_id,
            name=data.name,
            unit_of_measure=data.unit_of_measure,
            active=data.active,
        )
        return ItemTypeOut.of(item_type)
