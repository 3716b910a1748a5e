"""JSON API: drives. Everyone in scope reads them; coordinators of the drive's unit run them."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, patch, post
from litestar.datastructures import State
from litestar.pagination import OffsetPagination
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from charity.access import allow
from charity.drives import service
from charity.drives.schemas import ChainCheckOut, DriveCreate, DriveOut, DriveSummary, DriveUpdate
from charity.fields import DEFAULT_PAGE, Limit, Offset, PathId, QueryId
from charity.models import DriveKind, DriveStatus, Role
from charity.requests import RECORDS_ITS_USE, Acting, Caller, DbSession, database_of
from charity.text import TYPED

READ = allow(Role.VOLUNTEER, Role.COORDINATOR, Role.AUDITOR)
VERIFY = allow(*service.VERIFIERS)
MANAGE = allow(Role.COORDINATOR)


class DriveController(Controller):
    path = "/api/drives"
    tags = ("drives",)

    @get(
        opt=READ,
        summary="List drives",
        description="The drives of the units in the caller's scope, by status and unit if asked.",
    )
    async def list_drives(
        self,
        session: DbSession,
        principal: Caller,
        limit: Limit = DEFAULT_PAGE,
        offset: Offset = 0,
        status: FromQuery[DriveStatus | None] = None,
        unit_id: QueryId = None,
    ) -> OffsetPagination[DriveOut]:
        drives, total = await service.list_drives(
            session, principal, status=status, unit_id=unit_id, limit=limit, offset=offset
        )
        return OffsetPagination(
            items=await service.to_out(session, drives), total=total, limit=limit, offset=offset
        )

    @post(
        opt=MANAGE,
        status_code=HTTP_201_CREATED,
        summary="Create a drive",
        description="A drive of a unit the caller coordinates, with its window, targets and item types.",
    )
    async def create_drive(
        self, session: DbSession, principal: Caller, actor: Acting, data: JSONBody[DriveCreate]
    ) -> DriveOut:
        fields = service.DriveFields(
            name=data.name,
            kind=data.kind,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            target_amount=data.target_amount,
            items=data.items,
            bank_account=data.bank_account,
            is_public=data.is_public,
            description=data.description,
            min_days_between=data.min_days_between,
            purposes=data.purposes,
        )
        drive = await service.create_drive(session, principal, actor, data.unit_id, fields)
        return (await service.to_out(session, [drive]))[0]

    @get(
        "/{drive_id:int}",
        opt=READ,
        summary="Get a drive",
        description="One drive in the caller's scope; any other drive answers 404.",
    )
    async def get_drive(self, session: DbSession, principal: Caller, drive_id: PathId) -> DriveOut:
        return (await service.to_out(session, [await service.get_drive(session, principal, drive_id)]))[0]

    @patch(
        "/{drive_id:int}",
        opt=MANAGE,
        summary="Change a drive",
        description="Only the fields sent change; `target_amount` null removes the money target, "
        "`min_days_between` null the limit on how often one beneficiary receives; `purposes` replaces the "
        "purposes distributions are restricted to (empty: all the drive's kind allows).",
    )
    async def update_drive(
        self,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        drive_id: PathId,
        data: JSONBody[DriveUpdate],
    ) -> DriveOut:
        changes = {
            field: value
            for field in data.__struct_fields__
            if (value := getattr(data, field)) is not msgspec.UNSET
            and (value is not None or field in ("target_amount", "min_days_between"))
        }
        if isinstance(changes.get("kind"), str):
            changes["kind"] = DriveKind(changes["kind"])
        drive = await service.update_drive(session, principal, actor, drive_id, changes)
        return (await service.to_out(session, [drive]))[0]

    @post(
        "/{drive_id:int}/open",
        opt=MANAGE,
        status_code=HTTP_200_OK,
        summary="Open a drive",
        description="The drive starts receiving gifts.",
    )
    async def open_drive(
        self, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
    ) -> DriveOut:
        drive = await service.set_status(session, principal, actor, drive_id, DriveStatus.OPEN)
        return (await service.to_out(session, [drive]))[0]

    @post(
        "/{drive_id:int}/close",
        opt=MANAGE,
        status_code=HTTP_200_OK,
        summary="Close a drive",
        description="The drive receives no more gifts.",
    )
    async def close_drive(
        self, session: DbSession, principal: Caller, actor: Acting, drive_id: PathId
    ) -> DriveOut:
        drive = await service.set_status(session, principal, actor, drive_id, DriveStatus.CLOSED)
        return (await service.to_out(session, [drive]))[0]

    @get(
        "/{drive_id:int}/summary",
        opt=READ,
        summary="A drive's totals",
        description="Receipts issued and void, donors, what the drive holds (`cash_total`, `goods_value`, "
        "`items`), progress to the targets of what it raised, and per asset (`flows`) what came in (gifts net "
        "of voids, transfers in, conversions' money), what went out (distributions net of voids, conversions' "
        "goods, transfers out, adjustments) and what is held; distributions handed over, households reached "
        "and people in counted groups.",
    )
    async def drive_summary(self, session: DbSession, principal: Caller, drive_id: PathId) -> DriveSummary:
        return await service.summary(session, principal, drive_id)

    @get(
        "/{drive_id:int}/ledger/verify",
        opt=VERIFY | {RECORDS_ITS_USE: True},
        summary="Check a drive's ledger",
        description="Walk the drive's ledger entry by entry against its hash chain: how many entries, "
        "the first and the last with their hashes, whether they end at the chain end kept on the "
        "drive, and the first entry found wrong and how. With `seq` and `hash`, the chain end printed "
        "at the foot of a kept export: whether the ledger still holds that line with that hash, so "
        "that nothing before it was rewritten since. Each check is an audit event.",
    )
    async def verify_ledger(
        self,
        state: State,
        session: DbSession,
        principal: Caller,
        actor: Acting,
        drive_id: PathId,
        seq: QueryId = None,
        hash: Annotated[str, QueryParameter(max_length=100, pattern=TYPED)] = "",
    ) -> ChainCheckOut:
        printed = service.printed_end(seq, hash)
        return await service.check_chain(database_of(state), session, actor, drive_id, principal, printed)
