"""Receipt PDFs as answers, for the API and the pages alike: the prints are recorded (original or
numbered copy, an audit event each) in one short transaction, then rendered outside it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from charity.accounts.access import Principal
from charity.audit.service import Actor
from charity.errors import NotFound
from charity.http import client_ip, database_of
from charity.receipts import printing, rendering, service


async def print_receipts(
    request: Request,
    state: State,
    principal: Principal,
    choose: Callable[[AsyncSession], Awaitable[list[int]]],
) -> tuple[bytes, list[int]]:
    """One PDF of the receipts `choose` picks (in its order), and their ids."""
    settings = state.settings
    async with database_of(state).write() as session:
        ids = await choose(session)
        if not ids:
            raise NotFound("Không có biên nhận nào để in.")
        documents = await printing.record_prints(
            session,
            Actor(principal.user_id, client_ip(request)),
            ids,
            secret_key=settings.secret_key,
            base_url=settings.base_url,
        )
    return await rendering.render(documents), ids


async def one_receipt_pdf(
    request: Request, state: State, principal: Principal, receipt_id: int
) -> Response[bytes]:
    names: list[str] = []

    async def the_receipt(session: AsyncSession) -> list[int]:
        receipt = await service.get_receipt(session, principal, receipt_id)
        names.append(f"bien-nhan-{receipt.book}-{receipt.year}-{receipt.seq:05d}")
        return [receipt.id]

    content, _ = await print_receipts(request, state, principal, the_receipt)
    return pdf_response(content, names[0])


def pdf_response(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"', "Cache-Control": "no-store"},
    )
