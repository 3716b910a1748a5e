"""The beneficiary list as a file: the list's filter and order (the Vietnamese order of names), every
cell taken from the record as the exporting reader may see it (`privacy.seen`, through the service).
A column the reader's roles never see is left out of the file; on a line the reader sees less of (a
coordinator who is a volunteer in another commune), its cell is empty."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, units_below
from charity.audit.service import Actor, record
from charity.beneficiaries import registry
from charity.beneficiaries.privacy import Show, View, show
from charity.beneficiaries.schemas import BeneficiaryOut, MemberOut
from charity.clock import local_today
from charity.db import Database
from charity.errors import NotFound
from charity.exports.pdf import refuse_unprintable
from charity.exports.report import Column, Format, Kind, Report, Row, Value, closing_facts, file_name
from charity.exports.response import export_answer
from charity.labels import BENEFICIARY_KINDS, BENEFICIARY_STATUSES, CONSENT_PURPOSES, SEXES
from charity.models import HardshipCategory, Unit
from charity.text import ascii_slug

_BATCH = 500
TITLE = "DANH SÁCH ĐỐI TƯỢNG THỤ HƯỞNG"
FOOT = (
    "Danh sách có dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP): chỉ dùng cho việc xét và trao hỗ trợ, "
    "không công khai, không chuyển cho người khác."
)


@dataclass(frozen=True, slots=True)
class _Cell:
    column: Column
    # The field of the privacy matrix the column shows, whose rule decides whether it is in the file;
    # None for what every reader of the record sees.
    shows: str | None
    value: Callable[[BeneficiaryOut], Value]
    # Whether the printed list has the column too: a page holds about a dozen; the long texts and
    # the details stay in the spreadsheet.
    printed: bool = True


def _member(member: MemberOut) -> str:
    about = ", ".join(part for part in (member.relation, str(member.birth_year or "")) if part)
    return f"{member.name} ({about})" if about else member.name


def _status(seen: BeneficiaryOut) -> str:
    status = BENEFICIARY_STATUSES[seen.status]
    return f"{status} (đến hạn bình xét lại)" if seen.review_due else status


CELLS = [
    _Cell(Column("Mã hồ sơ", Kind.TEXT, 14), None, lambda b: b.code),
    _Cell(Column("Họ và tên", Kind.TEXT, 22), "name", lambda b: b.name),
    _Cell(Column("Loại", Kind.TEXT, 10), None, lambda b: BENEFICIARY_KINDS[b.kind], printed=False),
    _Cell(
        Column("Giới tính", Kind.TEXT, 7),
        "sex",
        # Unknown (or hidden) is an empty cell, not a dash.
        lambda b: SEXES[b.sex] if b.sex else None,
        printed=False,
    ),
    _Cell(Column("Năm sinh", Kind.INTEGER, 7), "birth_year", lambda b: b.birth_year),
    _Cell(Column("Ngày sinh", Kind.DATE, 11), "birth_date", lambda b: b.birth_date, printed=False),
    _Cell(Column("Thôn, ấp, tổ", Kind.TEXT, 14), "hamlet", lambda b: b.hamlet),
    _Cell(Column("Địa chỉ", Kind.TEXT, 22), "address", lambda b: b.address),
    _Cell(Column("Điện thoại", Kind.TEXT, 15), "phone", lambda b: b.phone),
    _Cell(Column("Số CCCD", Kind.TEXT, 18), "id_number", lambda b: b.id_number),
    _Cell(Column("Đơn vị", Kind.TEXT, 18), None, lambda b: b.unit_name),
    _Cell(
        Column("Diện hoàn cảnh", Kind.TEXT, 18),
        "categories",
        lambda b: None if b.categories is None else "; ".join(c.name for c in b.categories),
    ),
    _Cell(
        Column("Số giấy chứng nhận hộ nghèo", Kind.TEXT, 12),
        "poor_cert_number",
        lambda b: b.poor_cert_number,
        printed=False,
    ),
    _Cell(
        Column("Năm cấp giấy chứng nhận", Kind.INTEGER, 9),
        "poor_cert_year",
        lambda b: b.poor_cert_year,
        printed=False,
    ),
    _Cell(Column("Hoàn cảnh", Kind.TEXT, 36), "circumstances", lambda b: b.circumstances, printed=False),
    _Cell(Column("Sức khỏe, khuyết tật", Kind.TEXT, 24), "health", lambda b: b.health, printed=False),
    _Cell(
        Column("Thành viên hộ", Kind.TEXT, 28),
        "members",
        lambda b: None if b.members is None else "; ".join(_member(m) for m in b.members),
        printed=False,
    ),
    _Cell(Column("Trạng thái", Kind.TEXT, 15), None, _status),
    _Cell(Column("Công nhận đến", Kind.DATE, 13), None, lambda b: b.review_until),
    _Cell(Column("Đủ điều kiện hỗ trợ", Kind.TEXT, 10), None, lambda b: "Có" if b.eligible else "Không"),
    _Cell(
        Column("Đã đồng ý", Kind.TEXT, 22),
        None,
        lambda b: "; ".join(CONSENT_PURPOSES[p] for p in b.consented_to),
    ),
    _Cell(
        Column("Người đề xuất", Kind.TEXT, 18),
        "proposed_by_name",
        lambda b: b.proposed_by_name,
        printed=False,
    ),
    _Cell(Column("Ngày đề xuất", Kind.TIME, 15), None, lambda b: b.proposed_at, printed=False),
]


async def _cells(
    session: AsyncSession, scopes: registry.Scopes, where: registry.BeneficiaryFilter, format: Format
) -> list[_Cell]:
    """The columns of a `format` file some view the reader has of the listed units shows."""
    units = scopes.readable
    if where.unit_id is not None:
        units &= frozenset((await session.execute(units_below((where.unit_id,)))).scalars())
    views = {scopes.view(unit) for unit in units} - {View.OUTSIDE}
    return [
        cell
        for cell in CELLS
        if (cell.printed or format != Format.PDF)
        and (cell.shows is None or any(show(view, cell.shows) is not Show.HIDDEN for view in views))
    ]


async def _unit(session: AsyncSession, scopes: registry.Scopes, unit_id: int | None) -> Unit | None:
    """The unit the list is narrowed to; one the reader cannot see is not found."""
    if unit_id is None:
        return None
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None or unit.id not in scopes.readable:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    return unit


async def _facts(
    session: AsyncSession, unit: Unit | None, where: registry.BeneficiaryFilter
) -> list[tuple[str, str]]:
    """The title block's lines saying what the filter asked for, by name."""
    facts = [
        ("Đơn vị", f"{unit.name} và các đơn vị trực thuộc")
        if unit
        else ("Phạm vi", "mọi đơn vị người xuất phụ trách")
    ]
    if where.category_id is not None:
        category = (
            await session.execute(
                select(HardshipCategory.name).where(HardshipCategory.id == where.category_id)
            )
        ).scalar_one_or_none()
        if category is None:
            raise NotFound("Không có diện hoàn cảnh này.", field="category_id")
        facts.append(("Diện hoàn cảnh", category))
    if where.status is not None:
        facts.append(("Trạng thái", BENEFICIARY_STATUSES[where.status]))
    if where.review_due:
        facts.append(("Chỉ gồm", "hồ sơ đã đến hạn bình xét lại"))
    if where.query.strip():
        facts.append(("Tìm theo", where.query))
    return facts


async def _report(
    session: AsyncSession,
    principal: Principal,
    where: registry.BeneficiaryFilter,
    facts: list[tuple[str, str]],
    format: Format,
) -> Report:
    cells = await _cells(session, await registry.scopes_of(session, principal), where, format)

    async def batches() -> AsyncIterator[list[Row]]:
        offset = 0
        while True:
            found, total = await registry.list_beneficiaries(
                session, principal, where, limit=_BATCH, offset=offset
            )
            yield [tuple(cell.value(seen) for cell in cells) for seen in found]
            offset += _BATCH
            if offset >= total:
                return

    return Report(
        title=TITLE,
        facts=facts,
        columns=[cell.column for cell in cells],
        batches=batches(),
        foot=[FOOT],
        signatures=("Người lập danh sách", "Thủ trưởng đơn vị"),
    )


async def beneficiary_file(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    principal: Principal,
    where: registry.BeneficiaryFilter,
    format: Format,
) -> Stream:
    """The list as a file: checked and recorded (an audit event naming the filter and the number of
    records, never a person: whether a search was typed, not what) in the request's `session`, then
    read and sent from a snapshot of its own."""
    scopes = await registry.scopes_of(session, principal)
    unit = await _unit(session, scopes, where.unit_id)
    who = principal.full_name or principal.username
    facts = [*await _facts(session, unit, where), *closing_facts(None, local_today(), who)]
    _, count = await registry.list_beneficiaries(session, principal, where, limit=0, offset=0)
    if format == Format.PDF:
        refuse_unprintable("Danh sách này", count)
    await record(
        session,
        actor,
        "beneficiary.export",
        object_type="beneficiary",
        unit_id=unit.id if unit else next(iter(principal.units_where(registry.READERS)), None),
        after={
            "format": format.value,
            "unit_id": where.unit_id,
            "category_id": where.category_id,
            "status": where.status.value if where.status else None,
            "review_due": where.review_due,
            "searched": bool(where.query.strip()),
            "rows": count,
        },
    )
    named = ascii_slug(unit.name) if unit else ""
    name = file_name("danh-sach-doi-tuong", named, date_from=None, date_to=local_today())

    async def make(reading: AsyncSession) -> Report:
        return await _report(reading, principal, where, facts, format)

    return export_answer(database, make, format, name)
