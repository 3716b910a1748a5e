"""The papers of distributions, to print and have signed: the handover record of one distribution
(giấy nhận hỗ trợ to a person, biên bản bàn giao hỗ trợ to a counted group) and a round's signature
list (danh sách ký nhận), each headed by the unit and its parent as Vietnamese administrative papers
are. They show what the service answers, as the caller's role may see the recipients.

Each print is an audit event, recorded in the request's transaction with the paper's facts (numbers,
status, how many lines), never who the recipients are; the PDF is laid out once that transaction has
ended, off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial

from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import pdf
from charity.access import Principal
from charity.audit.service import Actor, record
from charity.clock import VIETNAM, format_date
from charity.distributions import rounds, service
from charity.distributions.schemas import DistributionOut, RoundOut
from charity.exports.report import Kind, shown
from charity.exports.response import printed_answer
from charity.labels import ABSENCES, PAYMENT_METHODS, PURPOSES
from charity.models import DistributionRound, DistributionStatus, RoundStatus, Unit
from charity.money import amount_in_words, format_quantity, format_vnd
from charity.receipts.printing import goods_text
from charity.text import ascii_slug


@dataclass(frozen=True, slots=True)
class Issuer:
    """The unit a paper comes from, under its parent ("" for a unit at the top of the tree)."""

    parent_name: str
    name: str
    address: str
    zero_tens: str


@dataclass(frozen=True, slots=True)
class Signer:
    """A signature block: who signs, what they write, and their name printed under it ("" leaves a
    line to write it on)."""

    title: str
    hint: str
    name: str = ""


async def _issuer(session: AsyncSession, unit_id: int) -> Issuer:
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one()
    parent_name = ""
    if unit.parent_id is not None:
        parent_name = (await session.execute(select(Unit.name).where(Unit.id == unit.parent_id))).scalar_one()
    return Issuer(parent_name, unit.name, unit.address, unit.zero_tens_word)


def _day_text(day: date | None) -> str:
    """ "ngày 05 tháng 12 năm 2026", or dotted spaces to write the day in by hand."""
    if day is None:
        return "ngày …… tháng …… năm ……"
    return f"ngày {day:%d} tháng {day:%m} năm {day.year}"


async def handover_record(
    session: AsyncSession, principal: Principal, actor: Actor, distribution_id: int
) -> Stream:
    """The handover record of a distribution in the caller's scope, with its signature lines; printing
    it is recorded (`distribution.print`) in the request's `session`."""
    out = await service.get_distribution(session, principal, distribution_id)
    issuer = await _issuer(session, out.unit_id)
    drafted = None
    if out.round_id is not None:
        drafted = (
            await session.execute(select(DistributionRound).where(DistributionRound.id == out.round_id))
        ).scalar_one()
    await record(
        session,
        actor,
        "distribution.print",
        object_type="distribution",
        object_id=out.id,
        unit_id=out.unit_id,
        after={"number": out.number, "status": out.status, "round_id": out.round_id},
    )
    words = partial(amount_in_words, zero_tens=issuer.zero_tens)
    person = out.beneficiary
    signers = [
        Signer("NGƯỜI NHẬN", "(Ký, ghi rõ họ tên)", person.name if person else ""),
        Signer(
            "NGƯỜI TRAO",
            "(Ký, ghi rõ họ tên)",
            (drafted.handed_over_by_name if drafted else "") or out.handed_over_by_name,
        ),
        Signer(
            "ĐẠI DIỆN ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)", drafted.representative_name if drafted else ""
        ),
    ]
    html = pdf.templates.get_template("handover.html").render(
        issuer=issuer,
        out=out,
        title="GIẤY NHẬN HỖ TRỢ" if person else "BIÊN BẢN BÀN GIAO HỖ TRỢ",
        day=_day_text(out.handed_over_on),
        place=(drafted.place if drafted else "") or (out.group.place if out.group else ""),
        purpose=PURPOSES[out.purpose],
        cash=format_vnd(out.cash.amount) if out.cash else "",
        cash_method=PAYMENT_METHODS[out.cash.method] if out.cash else "",
        cash_words=words(out.cash.amount) if out.cash else "",
        items=[
            (item.name, item.unit_of_measure, format_quantity(item.quantity), _money(item.value))
            for item in out.items
        ],
        total=_money(out.total_value),
        total_words=words(out.total_value) if out.total_value is not None else "",
        status=out.status.value,
        round_title=drafted.title if drafted else "",
        voided_on=format_date(out.voided_at.astimezone(VIETNAM).date()) if out.voided_at else "",
        signers=signers,
    )
    number = (out.number or f"chua-cap-so-{out.id}").replace("/", "-")
    return printed_answer(html, "handover.css", f"bien-ban-trao_{number}")


def _money(amount: int | None) -> str:
    """1.250.000 (the đồng are in the column's head); "" when not known yet."""
    return shown(amount, Kind.MONEY)


@dataclass(frozen=True, slots=True)
class ListLine:
    """A row of the signature list, as printed."""

    line_no: int
    number: str
    name: str
    code: str
    hamlet: str
    address: str
    categories: str
    cash: str
    goods: str
    note: str
    void: bool
    # In the totals: not void, and once the round is handed over, handed over (not absent).
    counted: bool


def _list_line(line: DistributionOut, handed_over: bool) -> ListLine:
    person = line.beneficiary
    notes = [ABSENCES[line.absence]] if line.absence else []
    if line.status == DistributionStatus.VOID and line.absence is None:
        notes.append(f"Đã hủy: {line.void_reason}")
    if line.note:
        notes.append(line.note)
    return ListLine(
        line_no=line.line_no or 0,
        number=line.number or "",
        name=person.name if person else (line.group.place if line.group else ""),
        code=person.code if person else "",
        hamlet=person.hamlet if person else "",
        address=person.address if person else "",
        categories=", ".join(person.categories) if person else "",
        cash=_money(line.cash.amount) if line.cash else "",
        goods=goods_text(line.items),
        note="; ".join(notes),
        void=line.status == DistributionStatus.VOID,
        counted=line.status != DistributionStatus.VOID
        and (not handed_over or line.status == DistributionStatus.HANDED_OVER),
    )


def _left_out(out: RoundOut) -> str:
    """What the totals leave out, said beside them."""
    parts = []
    if any(line.status == DistributionStatus.VOID for line in out.lines):
        parts.append("phiếu đã hủy")
    if out.status == RoundStatus.HANDED_OVER and any(
        line.status == DistributionStatus.PLANNED for line in out.lines
    ):
        parts.append("người vắng mặt")
    return f" (không kể {' và '.join(parts)})" if parts else ""


async def signature_list(session: AsyncSession, principal: Principal, actor: Actor, round_id: int) -> Stream:
    """A round's signature list in the round's line order, with the totals and the signature blocks;
    printing it is recorded (`round.print`) in the request's `session`."""
    out: RoundOut = await rounds.get_round(session, principal, round_id)
    issuer = await _issuer(session, out.unit_id)
    await record(
        session,
        actor,
        "round.print",
        object_type="round",
        object_id=out.id,
        unit_id=out.unit_id,
        after={"drive_id": out.drive_id, "status": out.status, "lines": len(out.lines)},
    )
    cash = next((total.amount for total in out.totals if total.item_type_id is None), None) or 0
    goods = [total for total in out.totals if total.item_type_id is not None]
    html = pdf.templates.get_template("signature_list.html").render(
        issuer=issuer,
        out=out,
        purpose=PURPOSES[out.purpose],
        planned_on=format_date(out.planned_on),
        handed_over_on=format_date(out.handed_over_on) if out.handed_over_on else "",
        lines=[_list_line(line, out.status == RoundStatus.HANDED_OVER) for line in out.lines],
        total_cash=_money(cash) if cash else "",
        total_cash_words=amount_in_words(cash, zero_tens=issuer.zero_tens) if cash else "",
        total_goods=goods_text(goods),
        left_out=_left_out(out),
        draft=out.status == RoundStatus.DRAFT,
        cancelled=out.status == RoundStatus.CANCELLED,
        signers=[
            Signer("NGƯỜI LẬP DANH SÁCH", "(Ký, ghi rõ họ tên)", out.drafted_by_name),
            Signer("NGƯỜI TRAO", "(Ký, ghi rõ họ tên)", out.handed_over_by_name),
            Signer("ĐẠI DIỆN ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)", out.representative_name),
            Signer("ĐẠI DIỆN CHÍNH QUYỀN ĐỊA PHƯƠNG", "(Ký, ghi rõ họ tên)", out.witness_name),
        ],
    )
    return printed_answer(
        html, "signature_list.css", f"danh-sach-ky-nhan_{ascii_slug(out.title)}_{out.planned_on.isoformat()}"
    )
