"""Receipt PDFs as answers, for the API and the pages alike: printed (recorded, see
`printing.print_receipts`) or viewed (recorded nowhere, see `printing.view_receipts`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar import Request, Response
from litestar.datastructures import State
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor
from charity.receipts import printing, rendering, service
from charity.receipts.printing import ReceiptDocument, View
from charity.requests import client_ip, database_of
from charity.text import ascii_slug

Choose = Callable[[AsyncSession], Awaitable[list[int]]]


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"', "Cache-Control": "no-store"},
    )


def batch_name(documents: list[ReceiptDocument]) -> str:
    """A batch's file is named after what it holds: its drive (when it is one) and its dates."""
    if len(documents) == 1:
        return f"bien-nhan-{documents[0].book}-{documents[0].seq}"
    drives = {document.drive_name for document in documents}
    days = sorted(document.received_on for document in documents)
    parts = ["bien-nhan", ascii_slug(drives.pop()) if len(drives) == 1 else f"{len(drives)}-cuoc-van-dong"]
    parts.append(
        days[0].isoformat() if days[0] == days[-1] else f"{days[0]:%Y-%m-%d}-den-{days[-1]:%Y-%m-%d}"
    )
    parts.append(f"{len(documents)}-bien-nhan")
    return "_".join(parts)


async def print_receipts(
    request: Request, state: State, session: AsyncSession, choose: Choose
) -> Response[bytes]:
    """One PDF of the receipts `choose` picks (which the caller may print), each print recorded."""
    content, documents = await printing.print_receipts(
        database_of(state),
        session,
        Actor(request.scope["user"].user_id, client_ip(request)),
        choose,
        rendering.render,
        base_url=state.settings.base_url,
    )
    return _pdf(content, batch_name(documents))


async def print_one(
    request: Request, state: State, session: AsyncSession, principal: Principal, receipt_id: int
) -> Response[bytes]:
    async def the_receipt(reading: AsyncSession) -> list[int]:
        return [await service.issuable_id(reading, principal, receipt_id)]

    return await print_receipts(request, state, session, the_receipt)


async def view(state: State, choose: Choose, kind: View) -> Response[bytes]:
    """The receipts `choose` picks, as the `kind` of view they are: nothing is recorded."""
    content, documents = await printing.view_receipts(
        database_of(state), choose, rendering.render, base_url=state.settings.base_url, view=kind
    )
    suffix = "ban-xem" if kind == View.PREVIEW else "ban-dien-tu"
    return _pdf(content, f"{batch_name(documents)}-{suffix}")


async def preview(state: State, principal: Principal, receipt_id: int) -> Response[bytes]:
    async def the_receipt(reading: AsyncSession) -> list[int]:
        return [(await service.get_receipt(reading, principal, receipt_id)).id]

    return await view(state, the_receipt, View.PREVIEW)
