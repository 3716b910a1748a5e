"""Stock documents: a conversion (rice sold: goods out at their book value, cash in at the price), an
adjustment after a count (kiểm kê: counted against the book) and a transfer between drives of the unit
tree. Each takes its number from its unit's book of its kind first, then posts through the ledger,
which locks the drives in id order, so both sides of a document move or neither does.

An adjustment whose value is above the unit's threshold waits (`pending`) and posts nothing until a
coordinator other than the one who counted approves it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from charity.access import Principal, units_below
from charity.amounts import QUANTUM, check_cash, check_quantity
from charity.audit.service import Actor, record
from charity.clock import local_today
from charity.db import page_of
from charity.drives.service import VERIFIERS, accepted_items, get_drive
from charity.errors import Conflict, Forbidden, Invalid, NotFound
from charity.ledger import service as ledger
from charity.ledger.documents import document_number, take_number
from charity.ledger.service import LockedDrive, Posting
from charity.models import (
    MAX_AMOUNT,
    MAX_AMOUNT_TEXT,
    DocumentBook,
    DocumentKind,
    Drive,
    DriveStatus,
    EntrySource,
    ItemType,
    MovementKind,
    MovementStatus,
    Role,
    StockMovement,
    StockMovementLine,
    Unit,
    User,
    utcnow,
)
from charity.money import format_quantity
from charity.receipts.schemas import CashOut
from charity.stock.schemas import (
    AdjustmentIn,
    AssetOut,
    CashIn,
    ConversionIn,
    LineIn,
    LineOut,
    MovementOut,
    StockOut,
    TransferIn,
)
from charity.text import clean

# Who records stock documents, and who reads them (those who answer for the drive's books).
WRITERS = (Role.COORDINATOR,)
READERS = VERIFIERS
MAX_LINES = 50
TEXT_MAX = 500
BUYER_MAX = 200
NO_MOVEMENT = {
    MovementKind.CONVERSION: "Không có biên bản bán hàng này.",
    MovementKind.ADJUSTMENT: "Không có biên bản kiểm kê này.",
    MovementKind.TRANSFER: "Không có biên bản điều chuyển này.",
}
_SOURCES = {
    MovementKind.CONVERSION: EntrySource.CONVERSION,
    MovementKind.ADJUSTMENT: EntrySource.ADJUSTMENT,
    MovementKind.TRANSFER: EntrySource.TRANSFER,
}


def _text(value: str, field: str, label: str, limit: int = TEXT_MAX) -> str:
    value = clean(value)
    if len(value) > limit:
        raise Invalid(f"{label} dài quá {limit} ký tự.", field=field)
    return value


def _not_after_today(day: Any, field: str) -> None:
    if day > local_today():
        raise Invalid("Ngày lập biên bản không được sau hôm nay.", field=field)


def _not_draft(drive: Drive | LockedDrive, field: str) -> None:
    if drive.status == DriveStatus.DRAFT:
        raise Invalid(f"Cuộc vận động «{drive.name}» còn là bản nháp: chưa có sổ kho.", field=field)


async def _item_types(session: AsyncSession, ids: Sequence[int]) -> dict[int, ItemType]:
    found = {
        row.id: row for row in (await session.scalars(select(ItemType).where(ItemType.id.in_(ids)))).all()
    }
    if missing := [i for i in ids if i not in found]:
        raise NotFound(f"Không có loại hàng mã {missing[0]}.", field="items")
    return found


async def _lines(session: AsyncSession, lines: list[LineIn], *, required: bool) -> dict[int, ItemType]:
    """The goods lines checked: bounded, one line per item type, each a known type and a positive
    quantity."""
    if required and not lines:
        raise Invalid("Cần ít nhất một dòng hàng.", field="items")
    if len(lines) > MAX_LINES:
        raise Invalid(f"Một biên bản có tối đa {MAX_LINES} dòng hàng.", field="items")
    types = await _item_types(session, [line.item_type_id for line in lines])
    seen: set[int] = set()
    for index, line in enumerate(lines):
        name = types[line.item_type_id].name
        if line.item_type_id in seen:
            raise Invalid(f"Loại hàng «{name}» ghi hai lần.", field=f"items[{index}].item_type_id")
        seen.add(line.item_type_id)
        check_quantity(line.quantity, name, f"items[{index}].quantity")
    return types


def _cash(cash: CashIn | None, field: str = "cash.amount") -> CashIn | None:
    if cash is not None:
        check_cash(cash.amount, field)
    return cash


_INSERT_MOVEMENT = insert(StockMovement.__table__).returning(StockMovement.id)
_INSERT_LINES = insert(StockMovementLine.__table__)


async def _insert(session: AsyncSession, values: dict[str, Any]) -> int:
    return await session.scalar(_INSERT_MOVEMENT, {"created_at": utcnow(), **values})


async def _take_out(
    session: AsyncSession, drive_id: int, lines: list[LineIn], types: dict[int, ItemType], memo: str
) -> list[Posting]:
    return [
        await ledger.take_out(
            session, drive_id, line.item_type_id, line.quantity, f"{memo}: {types[line.item_type_id].name}"
        )
        for line in lines
    ]


async def _write_lines(session: AsyncSession, movement_id: int, postings: list[Posting]) -> None:
    """The goods lines as taken out: the quantity and the value they left at."""
    await session.execute(
        _INSERT_LINES,
        [
            {
                "movement_id": movement_id,
                "item_type_id": posting.item_type_id,
                "quantity": -(posting.quantity or Decimal(0)),
                "value": -posting.amount,
            }
            for posting in postings
        ],
    )


def _facts(number: str, **more: Any) -> dict[str, Any]:
    return {"number": number, **more}


async def create_conversion(
    session: AsyncSession, principal: Principal, actor: Actor, data: ConversionIn
) -> MovementOut:
    """Goods sold: out at their book value, the price in as cash, one document and one posting."""
    drive = await get_drive(session, principal, data.drive_id, WRITERS)
    _not_draft(drive, "drive_id")
    _not_after_today(data.moved_on, "moved_on")
    types = await _lines(session, data.items, required=True)
    _cash(data.cash)
    buyer = _text(data.buyer, "buyer", "Tên người mua", BUYER_MAX)
    note = _text(data.note, "note", "Ghi chú")
    number = await take_number(session, drive.unit_id, DocumentKind.CONVERSION, local_today().year)
    movement_id = await _insert(
        session,
        {
            "kind": MovementKind.CONVERSION,
            "book_id": number.book_id,
            "seq": number.seq,
            "drive_id": drive.id,
            "moved_on": data.moved_on,
            "status": MovementStatus.POSTED,
            "counterparty": buyer,
            "cash_amount": data.cash.amount,
            "cash_method": data.cash.method,
            "note": note,
            "created_by": principal.user_id,
        },
    )
    goods = await _take_out(session, drive.id, data.items, types, f"Bán hàng {number.display}")
    await _write_lines(session, movement_id, goods)
    # The buyer stays on the document, not in the append-only ledger: a buyer may be a person.
    price = Posting(amount=data.cash.amount, memo=f"Tiền bán hàng {number.display}")
    await ledger.post(
        session,
        drive_id=drive.id,
        posted_on=data.moved_on,
        source=EntrySource.CONVERSION,
        postings=[*goods, price],
        movement_id=movement_id,
        user_id=principal.user_id,
    )
    await record(
        session,
        actor,
        "conversion.create",
        object_type="stock_movement",
        object_id=movement_id,
        unit_id=drive.unit_id,
        after=_facts(
            number.display,
            drive_id=drive.id,
            price=data.cash.amount,
            goods_value=sum(-posting.amount for posting in goods),
        ),
    )
    return await get_movement(session, principal, movement_id, MovementKind.CONVERSION)


async def _countable(session: AsyncSession, drive_id: int, item_type_id: int) -> ItemType:
    """The item type counted: one the drive accepts, or holds (or held) in its ledger."""
    item_type = (await _item_types(session, [item_type_id]))[item_type_id]
    accepted = {item.item_type_id for item in (await accepted_items(session, [drive_id]))[drive_id]}
    if item_type_id not in accepted and not any(
        balance.item_type_id == item_type_id for balance in await ledger.balances(session, drive_id)
    ):
        raise Invalid(
            f"Cuộc vận động này không nhận và không giữ loại hàng «{item_type.name}».", field="item_type_id"
        )
    return item_type


def _counted(quantity: Decimal, name: str) -> Decimal:
    """What a count found: nothing at all is a count too."""
    if quantity.is_finite() and quantity == 0:
        return quantity
    return check_quantity(quantity, name, "counted_quantity")


async def create_adjustment(
    session: AsyncSession, principal: Principal, actor: Actor, data: AdjustmentIn
) -> MovementOut:
    """A count against the book: the difference posted at once at the average book value, or, when
    its value is above the unit's threshold, recorded to wait for a second coordinator."""
    drive = await get_drive(session, principal, data.drive_id, WRITERS)
    _not_draft(drive, "drive_id")
    _not_after_today(data.counted_on, "counted_on")
    item_type = await _countable(session, drive.id, data.item_type_id)
    counted = _counted(data.counted_quantity, item_type.name)
    note = _text(data.note, "note", "Ghi chú")
    unit = await session.get_one(Unit, drive.unit_id)
    number = await take_number(session, drive.unit_id, DocumentKind.ADJUSTMENT, local_today().year)
    # The book read under the drive's lock: nothing is posted to it until this transaction ends.
    await ledger.lock(session, drive.id)
    book, book_value = await ledger.held(session, drive.id, item_type.id)
    difference = counted - book
    if difference == 0:
        raise Invalid(
            f"Số đếm được bằng số trên sổ ({format_quantity(book)} {item_type.unit_of_measure}):"
            " không có chênh lệch để điều chỉnh.",
            field="counted_quantity",
        )
    memo = f"Kiểm kê {number.display}: {item_type.name}"
    if difference < 0:
        posting = await ledger.take_out(session, drive.id, item_type.id, -difference, memo)
    else:
        value = (book_value * difference / book).quantize(Decimal(1), ROUND_HALF_UP) if book else Decimal(0)
        posting = Posting(amount=int(value), item_type_id=item_type.id, quantity=difference, memo=memo)
    if abs(posting.amount) > MAX_AMOUNT:
        raise Invalid(
            f"Giá trị chênh lệch quá lớn: tối đa {MAX_AMOUNT_TEXT}. Hãy kiểm tra lại số đếm được.",
            field="counted_quantity",
        )
    pending = abs(posting.amount) > unit.adjustment_threshold
    movement_id = await _insert(
        session,
        {
            "kind": MovementKind.ADJUSTMENT,
            "book_id": number.book_id,
            "seq": number.seq,
            "drive_id": drive.id,
            "moved_on": data.counted_on,
            "status": MovementStatus.PENDING if pending else MovementStatus.POSTED,
            "reason": data.reason,
            "note": note,
            "created_by": principal.user_id,
        },
    )
    await session.execute(
        _INSERT_LINES,
        {
            "movement_id": movement_id,
            "item_type_id": item_type.id,
            "quantity": difference,
            "counted_quantity": counted,
            "book_quantity": book,
            "value": posting.amount,
        },
    )
    if not pending:
        await _post_adjustment(session, principal, drive.id, data.counted_on, movement_id, posting)
    await record(
        session,
        actor,
        "adjustment.create",
        object_type="stock_movement",
        object_id=movement_id,
        unit_id=drive.unit_id,
        after=_facts(
            number.display,
            drive_id=drive.id,
            item_type_id=item_type.id,
            counted=str(counted),
            book=str(book),
            difference=str(difference),
            value=posting.amount,
            reason=data.reason.value,
            status=MovementStatus.PENDING if pending else MovementStatus.POSTED,
            threshold=unit.adjustment_threshold,
        ),
    )
    return await get_movement(session, principal, movement_id, MovementKind.ADJUSTMENT)


async def _post_adjustment(
    session: AsyncSession,
    principal: Principal,
    drive_id: int,
    counted_on: Any,
    movement_id: int,
    posting: Posting,
) -> None:
    await ledger.post(
        session,
        drive_id=drive_id,
        posted_on=counted_on,
        source=EntrySource.ADJUSTMENT,
        postings=[posting],
        movement_id=movement_id,
        user_id=principal.user_id,
    )


async def _pending(session: AsyncSession, principal: Principal, movement_id: int) -> StockMovement:
    """A pending adjustment of a drive the principal coordinates, that they did not count."""
    movement = (
        await session.execute(
            _visible(principal, WRITERS).where(
                StockMovement.id == movement_id, StockMovement.kind == MovementKind.ADJUSTMENT
            )
        )
    ).scalar_one_or_none()
    if movement is None:
        raise NotFound(NO_MOVEMENT[MovementKind.ADJUSTMENT])
    if movement.status != MovementStatus.PENDING:
        raise Conflict("Biên bản kiểm kê này đã được duyệt hoặc từ chối trước đó.")
    if movement.created_by == principal.user_id:
        raise Forbidden(
            "Người lập biên bản kiểm kê không tự duyệt hay từ chối được: cần một điều phối viên khác."
        )
    return movement


async def _decide(
    session: AsyncSession, principal: Principal, movement_id: int, status: MovementStatus, note: str
) -> None:
    """Record the decision; of two decisions at once, the second changes no row and is refused."""
    changed = await session.execute(
        update(StockMovement)
        .where(StockMovement.id == movement_id, StockMovement.status == MovementStatus.PENDING)
        .values(status=status, decided_by=principal.user_id, decided_at=utcnow(), decision_note=note)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Conflict("Biên bản kiểm kê này đã được duyệt hoặc từ chối trước đó.")


async def approve_adjustment(
    session: AsyncSession, principal: Principal, actor: Actor, movement_id: int, note: str
) -> MovementOut:
    """A second coordinator approves: the recorded difference is posted, refused (`Short`) if the
    drive no longer holds what it takes."""
    movement = await _pending(session, principal, movement_id)
    note = _text(note, "note", "Ghi chú")
    await _decide(session, principal, movement.id, MovementStatus.POSTED, note)
    line = (
        await session.execute(select(StockMovementLine).where(StockMovementLine.movement_id == movement.id))
    ).scalar_one()
    name = await session.scalar(select(ItemType.name).where(ItemType.id == line.item_type_id))
    number = await _number_of(session, movement)
    posting = Posting(
        amount=line.value or 0,
        item_type_id=line.item_type_id,
        quantity=line.quantity,
        memo=f"Kiểm kê {number}: {name}",
    )
    await _post_adjustment(session, principal, movement.drive_id, movement.moved_on, movement.id, posting)
    await _record_decision(
        session, actor, movement, number, "adjustment.approve", MovementStatus.POSTED, note
    )
    return await get_movement(session, principal, movement.id, MovementKind.ADJUSTMENT)


async def reject_adjustment(
    session: AsyncSession, principal: Principal, actor: Actor, movement_id: int, note: str
) -> MovementOut:
    """A second coordinator rejects, saying why: nothing is posted, the number stays."""
    movement = await _pending(session, principal, movement_id)
    note = _text(note, "note", "Lý do từ chối")
    if not note:
        raise Invalid("Cần ghi lý do từ chối biên bản kiểm kê.", field="note")
    await _decide(session, principal, movement.id, MovementStatus.REJECTED, note)
    number = await _number_of(session, movement)
    await _record_decision(
        session, actor, movement, number, "adjustment.reject", MovementStatus.REJECTED, note
    )
    return await get_movement(session, principal, movement.id, MovementKind.ADJUSTMENT)


async def _record_decision(
    session: AsyncSession,
    actor: Actor,
    movement: StockMovement,
    number: str,
    action: str,
    status: MovementStatus,
    note: str,
) -> None:
    unit_id = await session.scalar(select(Drive.unit_id).where(Drive.id == movement.drive_id))
    await record(
        session,
        actor,
        action,
        object_type="stock_movement",
        object_id=movement.id,
        unit_id=unit_id,
        before={"number": number, "status": MovementStatus.PENDING.value},
        after={"number": number, "status": status.value, "note": note},
    )


async def _number_of(session: AsyncSession, movement: StockMovement) -> str:
    year = await session.scalar(select(DocumentBook.year).where(DocumentBook.id == movement.book_id))
    return document_number(movement.kind, year, movement.seq)


async def _in_tree(session: AsyncSession, unit_id: int, other_unit_id: int) -> bool:
    """Whether the other unit is this one, one above it or one below it."""
    below = select(Unit.id).where(
        or_(
            Unit.id.in_(units_below((unit_id,))) & (Unit.id == other_unit_id),
            Unit.id.in_(units_below((other_unit_id,))) & (Unit.id == unit_id),
        )
    )
    return (await session.execute(below)).first() is not None


async def tree_unit_ids(session: AsyncSession, unit_id: int) -> list[int]:
    """The unit, the units above it and those below it: where its drives may send goods."""
    above: list[int] = []
    parent: int | None = unit_id
    while parent is not None and parent not in above:
        above.append(parent)
        parent = await session.scalar(select(Unit.parent_id).where(Unit.id == parent))
    below = (await session.scalars(units_below((unit_id,)))).all()
    return sorted(set(above) | set(below))


async def destinations(session: AsyncSession, drive: Drive) -> list[Drive]:
    """The drives a drive may transfer to: of its unit tree, not in draft, not itself."""
    units = await tree_unit_ids(session, drive.unit_id)
    return list(
        (
            await session.scalars(
                select(Drive)
                .where(Drive.unit_id.in_(units), Drive.id != drive.id, Drive.status != DriveStatus.DRAFT)
                .order_by(Drive.name, Drive.id)
            )
        ).all()
    )


async def create_transfer(
    session: AsyncSession, principal: Principal, actor: Actor, data: TransferIn
) -> MovementOut:
    """Goods (and cash) from one drive to another of the unit tree: out of the source, into the
    destination at the same value, one document posting to both."""
    source = await get_drive(session, principal, data.from_drive_id, WRITERS)
    _not_draft(source, "from_drive_id")
    if data.to_drive_id == source.id:
        raise Invalid("Cuộc vận động nhận phải khác cuộc vận động giao.", field="to_drive_id")
    target = await session.get(Drive, data.to_drive_id)
    if target is None:
        raise NotFound("Không có cuộc vận động nhận này.", field="to_drive_id")
    if not await _in_tree(session, source.unit_id, target.unit_id):
        raise Invalid(
            "Chỉ điều chuyển được sang cuộc vận động của chính đơn vị, đơn vị cấp trên hoặc cấp dưới.",
            field="to_drive_id",
        )
    _not_draft(target, "to_drive_id")
    _not_after_today(data.moved_on, "moved_on")
    types = await _lines(session, data.items, required=False)
    _cash(data.cash)
    if data.cash is None and not data.items:
        raise Invalid("Cần nhập số tiền hoặc ít nhất một dòng hàng.", field="items")
    accepted = {item.item_type_id for item in (await accepted_items(session, [target.id]))[target.id]}
    for index, line in enumerate(data.items):
        if line.item_type_id not in accepted:
            raise Invalid(
                f"Cuộc vận động «{target.name}» không nhận loại hàng «{types[line.item_type_id].name}».",
                field=f"items[{index}].item_type_id",
            )
    note = _text(data.note, "note", "Ghi chú")
    number = await take_number(session, source.unit_id, DocumentKind.TRANSFER, local_today().year)
    movement_id = await _insert(
        session,
        {
            "kind": MovementKind.TRANSFER,
            "book_id": number.book_id,
            "seq": number.seq,
            "drive_id": source.id,
            "to_drive_id": target.id,
            "moved_on": data.moved_on,
            "status": MovementStatus.POSTED,
            "cash_amount": data.cash.amount if data.cash else None,
            "cash_method": data.cash.method if data.cash else None,
            "note": note,
            "created_by": principal.user_id,
        },
    )
    # Both drives locked, in id order, before anything is priced.
    await ledger.lock(session, source.id, target.id)
    out = f"Điều chuyển {number.display} sang «{target.name}»"
    goods = await _take_out(session, source.id, data.items, types, out)
    if goods:
        await _write_lines(session, movement_id, goods)
    cash = (
        [await ledger.take_out(session, source.id, None, Decimal(data.cash.amount), f"{out}: tiền")]
        if data.cash
        else []
    )
    taken = [*cash, *goods]
    await ledger.post(
        session,
        drive_id=source.id,
        posted_on=data.moved_on,
        source=EntrySource.TRANSFER,
        postings=taken,
        movement_id=movement_id,
        user_id=principal.user_id,
    )
    into = f"Nhận điều chuyển {number.display} từ «{source.name}»"
    await ledger.post(
        session,
        drive_id=target.id,
        posted_on=data.moved_on,
        source=EntrySource.TRANSFER,
        postings=[
            Posting(
                amount=-posting.amount,
                item_type_id=posting.item_type_id,
                quantity=-posting.quantity if posting.quantity is not None else None,
                memo=f"{into}: {types[posting.item_type_id].name}"
                if posting.item_type_id
                else f"{into}: tiền",
            )
            for posting in taken
        ],
        movement_id=movement_id,
        user_id=principal.user_id,
        # A destination put back to draft while this waited for its lock takes nothing.
        check=lambda locked: _not_draft(locked, "to_drive_id"),
    )
    await record(
        session,
        actor,
        "transfer.create",
        object_type="stock_movement",
        object_id=movement_id,
        unit_id=source.unit_id,
        after=_facts(
            number.display,
            drive_id=source.id,
            to_drive_id=target.id,
            cash=data.cash.amount if data.cash else None,
            goods_value=sum(-posting.amount for posting in goods),
        ),
    )
    return await get_movement(session, principal, movement_id, MovementKind.TRANSFER)


def _visible(principal: Principal, roles: tuple[Role, ...] = READERS) -> Select[tuple[StockMovement]]:
    """Movements of the drives the principal answers for: a transfer belongs to both its drives."""
    drives = select(Drive.id).where(Drive.unit_id.in_(units_below(tuple(principal.units_where(roles)))))
    return select(StockMovement).where(
        or_(StockMovement.drive_id.in_(drives), StockMovement.to_drive_id.in_(drives))
    )


_TARGET = aliased(Drive)
_CREATOR = aliased(User)
_DECIDER = aliased(User)


def _name(user: User | None) -> str | None:
    return (user.full_name or user.username) if user is not None else None


async def load(session: AsyncSession, ids: list[int]) -> list[MovementOut]:
    """The movements, in the order of `ids`, with their lines."""
    rows = await session.execute(
        select(StockMovement, DocumentBook.year, Drive, _TARGET.name, _CREATOR, _DECIDER)
        .join(DocumentBook, DocumentBook.id == StockMovement.book_id)
        .join(Drive, Drive.id == StockMovement.drive_id)
        .outerjoin(_TARGET, _TARGET.id == StockMovement.to_drive_id)
        .join(_CREATOR, _CREATOR.id == StockMovement.created_by)
        .outerjoin(_DECIDER, _DECIDER.id == StockMovement.decided_by)
        .where(StockMovement.id.in_(ids))
        # A decision just written by UPDATE is read back, not the row as first loaded.
        .execution_options(populate_existing=True)
    )
    lines: dict[int, list[LineOut]] = {movement_id: [] for movement_id in ids}
    for line, item_type in await session.execute(
        select(StockMovementLine, ItemType)
        .join(ItemType, ItemType.id == StockMovementLine.item_type_id)
        .where(StockMovementLine.movement_id.in_(ids))
        .order_by(StockMovementLine.id)
    ):
        lines[line.movement_id].append(
            LineOut(
                item_type_id=item_type.id,
                name=item_type.name,
                unit_of_measure=item_type.unit_of_measure,
                quantity=line.quantity.quantize(QUANTUM),
                value=line.value or 0,
                counted_quantity=line.counted_quantity,
                book_quantity=line.book_quantity,
            )
        )
    found = {}
    for movement, year, drive, target_name, creator, decider in rows:
        found[movement.id] = MovementOut(
            id=movement.id,
            kind=MovementKind(movement.kind),
            number=document_number(movement.kind, year, movement.seq),
            status=MovementStatus(movement.status),
            unit_id=drive.unit_id,
            drive_id=drive.id,
            drive_name=drive.name,
            to_drive_id=movement.to_drive_id,
            to_drive_name=target_name,
            moved_on=movement.moved_on,
            counterparty=movement.counterparty,
            cash=CashOut(movement.cash_amount, movement.cash_method) if movement.cash_amount else None,
            reason=movement.reason,
            note=movement.note,
            lines=lines[movement.id],
            goods_value=sum(line.value for line in lines[movement.id]),
            created_by=movement.created_by,
            created_by_name=_name(creator) or "",
            created_at=movement.created_at,
            decided_by=movement.decided_by,
            decided_by_name=_name(decider),
            decided_at=movement.decided_at,
            decision_note=movement.decision_note,
        )
    return [found[movement_id] for movement_id in ids]


async def get_movement(
    session: AsyncSession, principal: Principal, movement_id: int, kind: MovementKind
) -> MovementOut:
    found = await session.scalar(
        _visible(principal)
        .where(StockMovement.id == movement_id, StockMovement.kind == kind)
        .with_only_columns(StockMovement.id)
    )
    if found is None:
        raise NotFound(NO_MOVEMENT[kind])
    return (await load(session, [found]))[0]


async def kind_of(session: AsyncSession, principal: Principal, movement_id: int) -> MovementKind:
    """Which kind of document the movement is, if the principal may read it."""
    kind = await session.scalar(
        _visible(principal).where(StockMovement.id == movement_id).with_only_columns(StockMovement.kind)
    )
    if kind is None:
        raise NotFound("Không có biên bản này.")
    return MovementKind(kind)


async def list_movements(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: MovementKind | None,
    drive_id: int | None,
    status: MovementStatus | None = None,
    limit: int,
    offset: int,
) -> tuple[list[MovementOut], int]:
    """Movements latest first; of one drive (those it gave or took), when `drive_id` names one the
    principal answers for."""
    statement = _visible(principal).with_only_columns(StockMovement.id)
    if kind is not None:
        statement = statement.where(StockMovement.kind == kind)
    if status is not None:
        statement = statement.where(StockMovement.status == status)
    if drive_id is not None:
        await get_drive(session, principal, drive_id, READERS)
        statement = statement.where(
            or_(StockMovement.drive_id == drive_id, StockMovement.to_drive_id == drive_id)
        )
    ids, total = await page_of(
        session,
        statement,
        StockMovement.moved_on.desc(),
        StockMovement.id.desc(),
        limit=limit,
        offset=offset,
    )
    return await load(session, ids), total


async def drive_stock(session: AsyncSession, principal: Principal, drive_id: int) -> StockOut:
    """What the drive holds of each asset, from its ledger: đồng first, then each item type by name."""
    drive = await get_drive(session, principal, drive_id, READERS)
    held = await ledger.balances(session, drive.id)
    types = await _item_types(session, [b.item_type_id for b in held if b.item_type_id is not None])
    cash = next((b.amount for b in held if b.item_type_id is None), 0)
    goods = sorted(
        (
            AssetOut(
                item_type_id=b.item_type_id,
                name=types[b.item_type_id].name,
                unit_of_measure=types[b.item_type_id].unit_of_measure,
                quantity=(b.quantity or Decimal(0)).quantize(QUANTUM),
                value=b.amount,
            )
            for b in held
            if b.item_type_id is not None
        ),
        key=lambda asset: (asset.name, asset.item_type_id),
    )
    assets = [AssetOut(None, "Tiền", "đồng", Decimal(cash), cash), *goods]
    return StockOut(drive_id=drive.id, assets=assets, total_value=sum(asset.value for asset in assets))
