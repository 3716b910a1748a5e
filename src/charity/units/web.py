"""Pages: the unit tree, for administrators, who also add units here."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import ADMIN, Principal, allow
from charity.errors import DomainError
from charity.pages import page
from charity.requests import Acting, Caller, DbSession, submit
from charity.units import service

ADMINS = allow(ADMIN)


async def _units_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Template:
    units, total = await service.list_units(session, principal, limit=500, offset=0)
    names = {unit.id: unit.name for unit in units}
    return page(
        request,
        "admin_units",
        status_code=status_code,
        title="Đơn vị",
        units=[
            {
                "code": unit.code,
                "name": unit.name,
                "address": unit.address,
                "parent": names.get(unit.parent_id, ""),
            }
            for unit in units
        ],
        parents=[(unit.code, f"{unit.name} ({unit.code})") for unit in units],
        total=total,
        values=values,
        errors=errors,
    )


@get("/admin/units", opt=ADMINS)
async def units_page(request: Request, session: DbSession, principal: Caller) -> Template:
    return await _units_page(request, session, principal, {}, {})


@post("/admin/units", opt=ADMINS)
async def create_unit(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    form = await request.form()
    values = {name: forms.text(form, name) for name in ("code", "name", "parent_code", "address")}

    async def create() -> str:
        await service.create_unit(
            session,
            actor,
            code=values["code"],
            name=values["name"],
            parent_code=values["parent_code"] or None,
            address=values["address"],
        )
        return "/admin/units"

    async def again(error: DomainError) -> Template:
        return await _units_page(
            request, session, principal, values, forms.errors_of(error), status_code=error.status_code
        )

    return await submit(session, create, again)


routes = [units_page, create_unit]
