"""Receipt PDFs as answers, for the API and the pages alike (see `printing.print_receipts`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor
from charity.receipts import printing, rendering, service
from charity.receipts.printing import ReceiptDocument
from charity.requests import client_ip, database_of


async def print_receipts(
    request: Request,
    state: State,
    session: AsyncSession,
    choose: Callable[[AsyncSession], Awaitable[list[int]]],
    name: Callable[[list[ReceiptDocument]], str] = lambda documents: f"bien-nhan-{len(documents)}",
) -> Response[bytes]:
    """One PDF of the receipts `choose` picks (which the caller may print), named `name(documents)`.pdf."""
    settings = state.settings
    content, documents = await printing.print_receipts(
        database_of(state),
        session,
        Actor(request.scope["user"].user_id, client_ip(request)),
        choose,
        rendering.render,
        secret_key=settings.secret_key,
        base_url=settings.base_url,
    )
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name(documents)}.pdf"',
            "Cache-Control": "no-store",
        },
    )


async def one_receipt(
    request: Request, state: State, session: AsyncSession, principal: Principal, receipt_id: int
) -> Response[bytes]:
    async def the_receipt(reading: AsyncSession) -> list[int]:
        return [(await service.get_receipt(reading, principal, receipt_id)).id]

    def named(documents: list[ReceiptDocument]) -> str:
        (document,) = documents
        return f"bien-nhan-{document.book}-{document.seq}"

    return await print_receipts(request, state, session, the_receipt, named)
