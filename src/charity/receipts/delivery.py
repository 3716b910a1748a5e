"""Receipt PDFs as answers, for the API and the pages alike: the prints are recorded (original or
numbered copy, an audit event each) in the request's transaction, and the PDF is rendered as the
answer is sent, after that transaction has committed."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar import Request
from litestar.datastructures import State
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor
from charity.errors import NotFound
from charity.receipts import printing, rendering, service
from charity.receipts.printing import ReceiptDocument
from charity.requests import client_ip


async def print_receipts(
    request: Request, state: State, session: AsyncSession, ids: list[int], name: str
) -> Stream:
    """One PDF of these receipts, in this order, which the caller may print, named `name`.pdf."""
    if not ids:
        raise NotFound("Không có biên nhận nào để in.")
    settings = state.settings
    documents = await printing.record_prints(
        session,
        Actor(request.scope["user"].user_id, client_ip(request)),
        ids,
        secret_key=settings.secret_key,
        base_url=settings.base_url,
    )
    return _pdf(documents, name)


def _pdf(documents: list[ReceiptDocument], name: str) -> Stream:
    # A stream's body is produced while the answer is sent, once the request's transaction has
    # committed: a batch of receipts is never rendered while the write lock is held.
    async def body() -> AsyncIterator[bytes]:
        yield await rendering.render(documents)

    return Stream(
        body(),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"', "Cache-Control": "no-store"},
    )


async def one_receipt(
    request: Request, state: State, session: AsyncSession, principal: Principal, receipt_id: int
) -> Stream:
    receipt = await service.get_receipt(session, principal, receipt_id)
    name = f"bien-nhan-{receipt.book}-{receipt.year}-{receipt.seq:05d}"
    return await print_receipts(request, state, session, [receipt.id], name)
