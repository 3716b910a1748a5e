"""The audit log as a file, oldest event first, for the same filters as its page; an export of the
log is itself an event of the log."""

from __future__ import annotations

from collections.abc import AsyncIterator

from litestar.response import Stream
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal
from charity.audit.service import Actor, record
from charity.audit_log.service import AuditFilter, actor_name, events_of, state_text
from charity.db import Database
from charity.exports.pdf import refuse_unprintable
from charity.exports.report import Column, Format, Kind, Report, Row, closing_facts, file_name
from charity.exports.response import export_answer
from charity.models import AuditEvent, Role, User

COLUMNS = [
    Column("Lúc", Kind.TIME, 17),
    Column("Người làm", Kind.TEXT, 20),
    Column("Từ", Kind.TEXT, 14),
    Column("Việc", Kind.TEXT, 18),
    Column("Đối tượng", Kind.TEXT, 12),
    Column("Số đối tượng", Kind.INTEGER, 9),
    Column("Trước", Kind.TEXT, 40),
    Column("Sau", Kind.TEXT, 40),
]
_BATCH = 2_000


def _filters(where: AuditFilter) -> dict[str, object]:
    return {
        "user_id": where.user_id,
        "action": where.action or None,
        "object": where.object_type or None,
        "object_id": where.object_id,
        "from": where.date_from.isoformat() if where.date_from else None,
        "to": where.date_to.isoformat() if where.date_to else None,
    }


async def _report(session: AsyncSession, principal: Principal, where: AuditFilter) -> Report:
    events = events_of(principal, where).subquery()
    rows = await session.stream(
        select(
            events.c.occurred_at,
            events.c.actor_id,
            User.full_name,
            User.username,
            events.c.actor_ip,
            events.c.action,
            events.c.object_type,
            events.c.object_id,
            events.c.before,
            events.c.after,
        )
        .outerjoin(User, User.id == events.c.actor_id)
        .order_by(events.c.id)
        .execution_options(yield_per=_BATCH)
    )

    async def batches() -> AsyncIterator[list[Row]]:
        async for batch in rows.partitions():
            yield [
                (
                    at,
                    actor_name(actor_id, full_name, username),
                    ip,
                    action,
                    object_type,
                    object_id,
                    state_text(before),
                    state_text(after),
                )
                for at, actor_id, full_name, username, ip, action, object_type, object_id, before, after in batch
            ]

    kept = [f"{name}: {value}" for name, value in _filters(where).items() if value is not None]
    return Report(
        title="NHẬT KÝ HOẠT ĐỘNG",
        facts=[
            ("Phạm vi", "toàn hệ thống" if principal.is_admin else "các đơn vị kiểm tra viên phụ trách"),
            ("Bộ lọc", "; ".join(kept) or "không"),
            *closing_facts(where.date_from, where.date_to, principal.full_name or principal.username),
        ],
        columns=COLUMNS,
        batches=batches(),
    )


async def log_file(
    database: Database,
    session: AsyncSession,
    actor: Actor,
    principal: Principal,
    where: AuditFilter,
    format: Format,
) -> Stream:
    """The log as a file: checked and recorded (an event of the log) in the request's `session`, then
    read and sent from a snapshot of its own."""
    if format == Format.PDF:
        count = (
            await session.execute(events_of(principal, where).with_only_columns(func.count(AuditEvent.id)))
        ).scalar_one()
        refuse_unprintable("Nhật ký đã lọc", count)
    # Filed under a unit of the auditor's, so that they find their own exports in the log.
    units = principal.units_where([Role.AUDITOR])
    await record(
        session,
        actor,
        "audit.export",
        object_type="audit",
        unit_id=units[0] if units else None,
        after=_filters(where) | {"format": format.value},
    )
    name = file_name("nhat-ky", date_from=where.date_from, date_to=where.date_to)

    async def make(reading: AsyncSession) -> Report:
        return await _report(reading, principal, where)

    return export_answer(database, make, format, name)
