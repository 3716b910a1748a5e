"""A register as a file: the statement the JSON pages, streamed whole from a snapshot, each line laid
out as on the page, with what the lines add up to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from litestar.response import Stream
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.db import Database
from charity.exports.pdf import refuse_unprintable
from charity.exports.report import Column, Format, Kind, Report, Row, Value, closing_facts, file_name
from charity.exports.response import export_answer
from charity.labels import DISTRIBUTION_STATUSES, PAYMENT_METHODS, PURPOSES, RECEIPT_STATUSES
from charity.models import ReceiptStatus
from charity.money import format_quantity
from charity.registers import service
from charity.registers.schemas import (
    BookLine,
    DistributionLine,
    DistributionTotals,
    ReceiptLine,
    RegisterKind,
    VoidLine,
)
from charity.text import ascii_slug

_BATCH = 2_000


class _Sums:
    """What the lines add up to as they go by: a void receipt adds nothing to the receipts register."""

    def __init__(self) -> None:
        self.lines = self.voided = self.cash = self.goods_value = self.issued = 0

    def add(self, cash: int, goods_value: int | None, counted: bool) -> None:
        self.lines += 1
        self.voided += not counted
        if counted:
            self.cash += cash
            self.goods_value += goods_value or 0


def _receipt(line: ReceiptLine, sums: _Sums) -> Row:
    sums.add(line.cash, line.goods_value, line.status != ReceiptStatus.VOID)
    return (
        line.number,
        line.issued_on,
        line.drive,
        line.donor,
        line.cash or None,
        PAYMENT_METHODS.get(line.cash_method) if line.cash_method else None,
        line.goods,
        line.goods_value,
        RECEIPT_STATUSES[line.status],
        line.void_reason,
        line.replaced_by,
        line.recorded_by,
    )


def _void(line: VoidLine, sums: _Sums) -> Row:
    sums.add(line.cash, line.goods_value, True)
    return (
        line.number,
        line.issued_on,
        line.voided_on,
        line.drive,
        line.donor,
        line.cash or None,
        line.goods,
        line.goods_value,
        line.reason,
        line.voided_by,
        line.replaced_by,
    )


def _book(line: BookLine, sums: _Sums) -> Row:
    sums.lines += 1
    sums.issued += line.issued
    sums.voided += line.voided
    return (
        f"{line.code}-{line.year}",
        line.unit,
        line.first,
        line.last,
        line.issued,
        line.voided,
        "Có" if line.gapless else "Không",
        service.missing_text(line),
    )


def _distribution(line: DistributionLine, sums: _Sums) -> Row:
    return (
        line.number,
        line.handed_over_on,
        line.drive,
        line.round,
        line.recipient_code,
        line.recipient,
        PURPOSES[line.purpose],
        line.cash or None,
        line.goods,
        line.value,
        DISTRIBUTION_STATUSES[line.status],
        line.void_reason,
    )


def _distribution_totals(totals: DistributionTotals) -> list[Row]:
    """What was handed over: the count with the planned and void apart, the money and value, then
    each item type on a line of its own."""
    apart = [
        f"{totals.planned} chờ trao" if totals.planned else "",
        f"{totals.voided} đã hủy" if totals.voided else "",
    ]
    noted = ", ".join(part for part in apart if part)
    given = totals.lines - totals.planned - totals.voided
    head = f"Cộng {given} phiếu đã trao" + (f" (không cộng {noted})" if noted else "")
    return [
        _spread(12, {0: head, 7: totals.cash, 9: totals.value}),
        *(
            _spread(
                12,
                {
                    0: f"Cộng {goods.name}",
                    8: f"{format_quantity(goods.quantity)} {goods.unit_of_measure}",
                    9: goods.value,
                },
            )
            for goods in totals.goods
        ),
    ]


async def _distributions_summed(session: AsyncSession, scope: service.RegisterScope) -> list[Row]:
    return _distribution_totals(await service.distributions_totals(session, scope))


def _spread(width: int, cells: dict[int, Value]) -> Row:
    """A row `width` cells wide holding `cells` at their places (a totals row), None elsewhere."""
    return tuple(cells.get(index) for index in range(width))


@dataclass(frozen=True, slots=True)
class _Sheet:
    title: str
    file_name: str
    columns: list[Column]
    row: Callable[[Any, _Sums], Row]
    # What the lines add up to, from the sums of the lines as they went by.
    totals: Callable[[_Sums], Row] | None = None
    # Or, for a register that adds up per item type, read from the same snapshot before its lines.
    summed: Callable[[AsyncSession, service.RegisterScope], Awaitable[list[Row]]] | None = None


SHEETS = {
    RegisterKind.RECEIPTS: _Sheet(
        "SỔ ĐĂNG KÝ BIÊN NHẬN",
        "so-dang-ky-bien-nhan",
        [
            Column("Số biên nhận", Kind.TEXT, 17),
            Column("Ngày cấp", Kind.DATE, 12),
            Column("Cuộc vận động", Kind.TEXT, 22),
            Column("Nhà hảo tâm", Kind.TEXT, 24),
            Column("Tiền", Kind.MONEY, 13),
            Column("Hình thức", Kind.TEXT, 11),
            Column("Hiện vật", Kind.TEXT, 20),
            Column("Giá trị hiện vật", Kind.MONEY, 13),
            Column("Trạng thái", Kind.TEXT, 9),
            Column("Lý do hủy", Kind.TEXT, 20),
            Column("Thay bằng", Kind.TEXT, 17),
            Column("Người ghi", Kind.TEXT, 20),
        ],
        _receipt,
        lambda sums: _spread(
            12,
            {
                0: f"Cộng {sums.lines} biên nhận, {sums.voided} đã hủy (không cộng)",
                4: sums.cash,
                7: sums.goods_value,
            },
        ),
    ),
    RegisterKind.VOIDS: _Sheet(
        "SỔ THEO DÕI BIÊN NHẬN ĐÃ HỦY",
        "so-bien-nhan-da-huy",
        [
            Column("Số biên nhận", Kind.TEXT, 17),
            Column("Ngày cấp", Kind.DATE, 12),
            Column("Ngày hủy", Kind.DATE, 12),
            Column("Cuộc vận động", Kind.TEXT, 22),
            Column("Nhà hảo tâm", Kind.TEXT, 24),
            Column("Tiền", Kind.MONEY, 13),
            Column("Hiện vật", Kind.TEXT, 20),
            Column("Giá trị hiện vật", Kind.MONEY, 13),
            Column("Lý do hủy", Kind.TEXT, 22),
            Column("Người hủy", Kind.TEXT, 20),
            Column("Thay bằng", Kind.TEXT, 17),
        ],
        _void,
        lambda sums: _spread(
            11, {0: f"Cộng {sums.lines} biên nhận đã hủy", 5: sums.cash, 7: sums.goods_value}
        ),
    ),
    RegisterKind.BOOKS: _Sheet(
        "SỔ THEO DÕI QUYỂN BIÊN NHẬN",
        "so-theo-doi-quyen-bien-nhan",
        [
            Column("Quyển", Kind.TEXT, 10),
            Column("Đơn vị", Kind.TEXT, 34),
            Column("Số đầu", Kind.INTEGER, 9),
            Column("Số cuối", Kind.INTEGER, 9),
            Column("Đã cấp", Kind.INTEGER, 9),
            Column("Đã hủy", Kind.INTEGER, 9),
            Column("Liên tục, không thiếu số", Kind.TEXT, 12),
            Column("Số còn thiếu", Kind.TEXT, 30),
        ],
        _book,
        lambda sums: _spread(8, {0: f"Cộng {sums.lines} quyển", 4: sums.issued, 5: sums.voided}),
    ),
    RegisterKind.DISTRIBUTIONS: _Sheet(
        "SỔ THEO DÕI TRAO TẶNG",
        "so-theo-doi-trao-tang",
        [
            Column("Số phiếu", Kind.TEXT, 18),
            Column("Ngày trao", Kind.DATE, 12),
            Column("Cuộc vận động", Kind.TEXT, 19),
            Column("Đợt trao", Kind.TEXT, 16),
            Column("Mã đối tượng", Kind.TEXT, 13),
            Column("Người, nhóm nhận", Kind.TEXT, 24),
            Column("Mục đích", Kind.TEXT, 18),
            Column("Tiền", Kind.MONEY, 13),
            Column("Hiện vật", Kind.TEXT, 20),
            Column("Giá trị", Kind.MONEY, 13),
            Column("Trạng thái", Kind.TEXT, 9),
            Column("Lý do hủy", Kind.TEXT, 17),
        ],
        _distribution,
        summed=_distributions_summed,
    ),
}


def _facts(scope: service.RegisterScope, who: str) -> list[tuple[str, str]]:
    narrowed = [("Cuộc vận động", scope.drive.name)] if scope.drive else []
    narrowed += [("Đơn vị", f"{scope.unit.name} và các đơn vị trực thuộc")] if scope.unit else []
    return [
        *(narrowed or [("Phạm vi", "mọi đơn vị người xuất phụ trách")]),
        *closing_facts(scope.date_from, scope.date_to, who),
    ]


async def _report(
    session: AsyncSession, principal: Principal, kind: RegisterKind, where: service.RegisterFilter
) -> Report:
    scope = await service.scope_of(session, principal, where)
    register, sheet, sums = service.REGISTERS[kind], SHEETS[kind], _Sums()
    summed = await sheet.summed(session, scope) if sheet.summed else []
    rows = await session.stream(register.query(scope).execution_options(yield_per=_BATCH))

    async def batches() -> AsyncIterator[list[Row]]:
        async for batch in rows.partitions():
            yield [sheet.row(line, sums) for line in await register.lines(session, principal, batch)]

    return Report(
        title=sheet.title,
        facts=_facts(scope, principal.full_name or principal.username),
        columns=sheet.columns,
        batches=batches(),
        totals=lambda: [sheet.totals(sums)] if sheet.totals else summed,
    )


async def register_file(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    principal: Principal,
    kind: RegisterKind,
    where: service.RegisterFilter,
    format: Format,
) -> Stream:
    """The register as a file: checked and recorded (an audit event) in the request's `session`,
    then read and sent from a snapshot of its own."""
    scope = await service.scope_of(session, principal, where)
    if format == Format.PDF:
        statement = service.REGISTERS[kind].query(scope).order_by(None).subquery()
        count = (await session.execute(select(func.count()).select_from(statement))).scalar_one()
        refuse_unprintable("Sổ này", count)
    unit_id = scope.drive.unit_id if scope.drive else scope.unit.id if scope.unit else None
    await record(
        session,
        actor,
        "register.export",
        object_type="register",
        unit_id=unit_id
        if unit_id is not None
        else next(iter(principal.units_where(service.VERIFIERS)), None),
        after={
            "register": kind.value,
            "drive_id": where.drive_id,
            "unit_id": where.unit_id,
            "from": where.date_from.isoformat() if where.date_from else None,
            "to": where.date_to.isoformat() if where.date_to else None,
            "format": format.value,
        },
    )
    named = ascii_slug(scope.drive.name) if scope.drive else ascii_slug(scope.unit.name) if scope.unit else ""
    name = file_name(SHEETS[kind].file_name, named, date_from=where.date_from, date_to=where.date_to)

    async def make(reading: AsyncSession) -> Report:
        return await _report(reading, principal, kind, where)

    return export_answer(database, make, format, name)
