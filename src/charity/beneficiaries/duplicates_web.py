"""Pages: the open duplicate suspicions, settled with a reason, and the hardship categories."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from charity import forms
from charity.access import Principal
from charity.beneficiaries import duplicates, hardship_categories, registry
from charity.beneficiaries.api import COORDINATE, READ
from charity.beneficiaries.page_parts import COMPARED, DONE, HIDDEN_SHORT, LIST_PAGE, at, compared, why_alike
from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import (
    CategoryIn,
    DismissIn,
)
from charity.errors import DomainError
from charity.fields import Offset, PathId, QueryText
from charity.pages import page, pager
from charity.requests import Acting, Caller, DbSession, submit


async def _duplicates_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    offset: int = 0,
    notice: str = "",
    failed: int | None = None,
    reason: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """The open suspicions; `failed` is the one whose "not a duplicate" form is shown again."""
    found, total = await duplicates.list_suspicions(session, principal, limit=LIST_PAGE, offset=offset)
    return page(
        request,
        "beneficiary_duplicates",
        status_code=status_code,
        title="Nghi vấn trùng đối tượng",
        pairs=[
            {
                "id": s.id,
                "columns": [compared(s.first), compared(s.second)],
                "why": why_alike(s),
                "found": at(s.found_at),
                # A coordinator of either record decides (the service's rule).
                "can_dismiss": View.COORDINATOR in (s.first.view, s.second.view),
            }
            for s in found
        ],
        total=total,
        compared=COMPARED,
        hidden_short=HIDDEN_SHORT,
        notice=notice,
        failed=failed,
        reason=reason,
        errors=errors or {},
        **pager("/beneficiaries/duplicates", {}, offset=offset, limit=LIST_PAGE, total=total),
    )


@get("/beneficiaries/duplicates", opt=READ)
async def duplicates_page(
    request: Request, session: DbSession, principal: Caller, offset: Offset = 0, done: QueryText = ""
) -> Template:
    return await _duplicates_page(request, session, principal, offset=offset, notice=DONE.get(done, ""))


@post("/beneficiaries/duplicates/{suspicion_id:int}/dismiss", opt=COORDINATE)
async def dismiss_duplicate(
    request: Request, session: DbSession, principal: Caller, actor: Acting, suspicion_id: PathId
) -> Template | Redirect:
    reason = forms.text(await request.form(), "reason", checked=False)

    async def save() -> str:
        data = forms.as_decoded(DismissIn(reason=reason))
        await duplicates.dismiss_suspicion(session, principal, actor, suspicion_id, data.reason)
        return "/beneficiaries/duplicates?done=dismissed"

    async def again(error: DomainError) -> Template:
        return await _duplicates_page(
            request,
            session,
            principal,
            failed=suspicion_id,
            reason=reason,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


async def _categories_page(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    offset: int = 0,
    notice: str = "",
    name: str = "",
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    categories, total = await hardship_categories.list_categories(session, limit=LIST_PAGE, offset=offset)
    return page(
        request,
        "beneficiary_categories",
        status_code=status_code,
        title="Diện hoàn cảnh",
        categories=categories,
        total=total,
        can_add=bool(principal.units_where(registry.REVIEWERS)),
        notice=notice,
        typed_name=name,
        errors=errors or {},
        **pager("/beneficiaries/categories", {}, offset=offset, limit=LIST_PAGE, total=total),
    )


@get("/beneficiaries/categories", opt=READ)
async def categories_page(
    request: Request, session: DbSession, principal: Caller, offset: Offset = 0, done: QueryText = ""
) -> Template:
    return await _categories_page(request, session, principal, offset=offset, notice=DONE.get(done, ""))


@post("/beneficiaries/categories", opt=COORDINATE)
async def add_category(
    request: Request, session: DbSession, principal: Caller, actor: Acting
) -> Template | Redirect:
    name = forms.text(await request.form(), "name", checked=False)

    async def save() -> str:
        data = forms.as_decoded(CategoryIn(name=name))
        await hardship_categories.add_category(session, principal, actor, data.name)
        return "/beneficiaries/categories?done=category"

    async def again(error: DomainError) -> Template:
        return await _categories_page(
            request,
            session,
            principal,
            name=name,
            errors=forms.errors_of(error),
            status_code=error.status_code,
        )

    return await submit(session, save, again)


routes = [
    duplicates_page,
    dismiss_duplicate,
    categories_page,
    add_category,
]
