"""The printed record of a stock document, on A4: biên bản bán hàng (a conversion), biên bản kiểm kê (an
adjustment) or biên bản điều chuyển (a transfer), with its number, drives, lines and values, the
amount in words where money changes hands, and the lines for who signs.

The values are read in the request's read; WeasyPrint lays the page out in a thread, while the
answer is sent, never inside a transaction."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import pdf
from charity.access import Principal
from charity.clock import VIETNAM, format_date
from charity.exports.response import printed_answer
from charity.labels import ADJUSTMENT_REASONS, MOVEMENT_STATUSES, PAYMENT_METHODS
from charity.models import Drive, MovementKind, MovementStatus, Unit
from charity.money import amount_in_words, format_quantity, format_vnd
from charity.stock import service
from charity.stock.schemas import MovementOut
from charity.text import ascii_slug

TITLES = {
    MovementKind.CONVERSION: "BIÊN BẢN BÁN HÀNG",
    MovementKind.ADJUSTMENT: "BIÊN BẢN KIỂM KÊ",
    MovementKind.TRANSFER: "BIÊN BẢN ĐIỀU CHUYỂN",
}
# Who signs, left to right: the title and what they write. "Người lập" has the maker's name under it.
SIGNERS = {
    MovementKind.CONVERSION: ["Người lập", "Người mua", "Thủ trưởng đơn vị"],
    MovementKind.ADJUSTMENT: ["Người lập", "Hội đồng kiểm kê", "Thủ trưởng đơn vị"],
    MovementKind.TRANSFER: ["Người lập", "Bên giao", "Bên nhận", "Thủ trưởng đơn vị"],
}
_FILE_NAMES = {
    MovementKind.CONVERSION: "bien-ban-ban-hang",
    MovementKind.ADJUSTMENT: "bien-ban-kiem-ke",
    MovementKind.TRANSFER: "bien-ban-dieu-chuyen",
}


@dataclass(frozen=True, slots=True)
class Signer:
    title: str
    hint: str
    name: str


def _signers(movement: MovementOut) -> list[Signer]:
    return [
        Signer(
            title,
            "(Ký, họ tên, đóng dấu)" if title == "Thủ trưởng đơn vị" else "(Ký, họ tên)",
            movement.created_by_name if title == "Người lập" else "",
        )
        for title in SIGNERS[movement.kind]
    ]


def _lines(movement: MovementOut) -> list[dict[str, str]]:
    return [
        {
            "name": line.name,
            "unit": line.unit_of_measure,
            "quantity": format_quantity(line.quantity),
            "book": format_quantity(line.book_quantity) if line.book_quantity is not None else "",
            "counted": format_quantity(line.counted_quantity) if line.counted_quantity is not None else "",
            "surplus": format_quantity(line.quantity) if line.quantity > 0 else "",
            "shortage": format_quantity(-line.quantity) if line.quantity < 0 else "",
            "value": format_vnd(abs(line.value)),
        }
        for line in movement.lines
    ]


def html_of(movement: MovementOut, unit: Unit, to_unit: str | None) -> str:
    cash = movement.cash
    decided = ""
    if movement.decided_at is not None:
        decided = movement.decided_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    return pdf.templates.get_template("stock.html").render(
        m=movement,
        kind=movement.kind.value,
        title=TITLES[movement.kind],
        unit=unit,
        to_unit=to_unit,
        day=format_date(movement.moved_on),
        lines=_lines(movement),
        goods_value=format_vnd(abs(movement.goods_value)),
        cash=format_vnd(cash.amount) if cash else "",
        cash_words=amount_in_words(cash.amount, zero_tens=unit.zero_tens_word) if cash else "",
        method=PAYMENT_METHODS[cash.method] if cash else "",
        reason=ADJUSTMENT_REASONS[movement.reason] if movement.reason else "",
        status=MOVEMENT_STATUSES[movement.status] if movement.status != MovementStatus.POSTED else "",
        decided=decided,
        signers=_signers(movement),
    )


async def record_pdf(
    session: AsyncSession, principal: Principal, movement_id: int, kind: MovementKind | None
) -> Stream:
    """The document's printed record, for whoever may read it; `kind` None takes any kind (a page's
    link from a drive's list of movements)."""
    if kind is None:
        kind = await service.kind_of(session, principal, movement_id)
    movement = await service.get_movement(session, principal, movement_id, kind)
    unit = await session.get_one(Unit, movement.unit_id)
    to_unit = None
    if movement.to_drive_id is not None:
        to_unit = await session.scalar(
            select(Unit.name).join(Drive, Drive.unit_id == Unit.id).where(Drive.id == movement.to_drive_id)
        )
    name = f"{_FILE_NAMES[kind]}-{ascii_slug(movement.number)}"
    return printed_answer(html_of(movement, unit, to_unit), "stock.css", name)
