"""Receipts on paper: each receipt is its blank form (templates/pdf/receipt.html, laid out by
WeasyPrint once per shape and process) with its values stamped into the form's slots (charity.paper).
One PDF of a few receipts is made in a thread, a batch's receipts are stamped in worker processes;
never inside a database transaction.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from functools import lru_cache

import anyio.to_thread
import segno

from charity import pdf
from charity.models import ReceiptPaper
from charity.paper.fonts import open_font
from charity.paper.form import Drawing, Form, Line, Slot, can_stamp, font_file
from charity.paper.stamp import DoesNotFit, Overlay, Run, Sheet, Text, place
from charity.paper.writer import PdfDocument
from charity.receipts.printing import PARTS, ReceiptDocument

# Receipts per stamping task of a batch: big enough to amortise a task, small enough to spread.
BATCH_CHUNK = 100


@dataclass(frozen=True, slots=True)
class FormShape:
    """What decides a receipt's blank form; receipts of one shape differ only in their slots."""

    paper: str
    title: str
    form_code: str
    cash: bool
    items: int
    any_valued: bool  # some goods have an estimated value, and their total is printed
    all_valued: bool
    note: bool
    accountant: bool
    cashier: bool

    @property
    def parts(self) -> list[str]:
        return PARTS[ReceiptPaper(self.paper)]

    @property
    def payer_role(self) -> str:
        return "Người nộp tiền" if not self.items else ("Người giao hàng" if not self.cash else "Người nộp")

    @property
    def signatures(self) -> list[tuple[str, str, bool]]:
        """Who signs, left to right: role, what they write, and whether it is who made the receipt
        (their name is printed under it)."""
        signs = [("Thủ trưởng đơn vị", "(Ký, họ tên, đóng dấu)", False)]
        if self.accountant:
            signs.append(("Kế toán trưởng" if self.form_code else "Kế toán", "(Ký, họ tên)", False))
        signs.append((self.payer_role, "(Ký, họ tên)", False))
        signs.append(("Người lập phiếu" if self.form_code else "Người lập biên nhận", "(Ký, họ tên)", True))
        # The cashier signs for cash put in the till, the storekeeper for goods put in store; money
        # transferred to the unit's account passes through neither.
        keepers = [role for role, kept in (("Thủ quỹ", self.cashier), ("Thủ kho", self.items)) if kept]
        if keepers:
            signs.append((", ".join(keepers).capitalize(), "(Ký, họ tên)", False))
        return signs


def html_of(shape: FormShape, values: dict[str, str] | None = None) -> str:
    return pdf.templates.get_template("receipt.html").render(form=shape, values=values)


def filled_html(document: ReceiptDocument) -> str:
    """The receipt laid out whole by WeasyPrint: what stamping the blank form must read like, and
    how a receipt is printed when stamping cannot print it well."""
    values = {
        name: text if isinstance(text, str) else "".join(run.text for run in text)
        for name, text in _values(document).items()
    }
    for frame, texts in _stamps(document).items():
        values |= texts | {frame: "shown"}
    values["qr"] = segno.make(document.verify_url, error="m").png_data_uri(scale=3, border=0)
    return html_of(_shape(document), values)


REGULAR, BOLD, ITALIC = (open_font(font_file(bold=b, italic=i)) for b, i in ((0, 0), (1, 0), (0, 1)))
FONTS = {font.name: font for font in (REGULAR, BOLD, ITALIC)}


@dataclass(frozen=True, slots=True)
class BlankForm:
    form: Form
    parts: list[dict[str, list[Slot]]]  # each copy's slots by name


_layouts = threading.Lock()


def blank_form(shape: FormShape) -> BlankForm:
    """The form laid out by WeasyPrint: once per shape and process (one layout at a time: threads
    printing the same new shape wait for the first), then reused for every receipt."""
    with _layouts:
        return _blank_form(shape)


@lru_cache(maxsize=128)
def _blank_form(shape: FormShape) -> BlankForm:
    form = Form(html_of(shape))
    parts: list[dict[str, list[Slot]]] = [{} for _ in shape.parts]
    for name, slots in form.slots.items():
        part, _, field = name.partition(":")
        parts[int(part)][field] = slots
    return BlankForm(form, parts)


def _shape(document: ReceiptDocument) -> FormShape:
    return FormShape(
        paper=document.paper,
        title=document.title,
        form_code=document.form_code,
        cash=bool(document.cash),
        items=len(document.items),
        any_valued=bool(document.items and document.goods_words),
        all_valued=document.goods_valued,
        note=bool(document.note),
        accountant=document.accountant,
        cashier=document.cashier,
    )


def _values(document: ReceiptDocument) -> dict[str, Text]:
    """What each slot of the receipt's form says."""
    issued, received = document.issued_on, document.received_on
    values: dict[str, Text] = {
        "unit_name": document.unit_name,
        "unit_address": document.unit_address,
        "book": document.book,
        "seq": document.seq,
        "date": f"Ngày {issued.day} tháng {issued.month} năm {issued.year}",
        "payer_name": document.payer_name,
        "payer_address": document.payer_address or "…………………………………………",
        "reason": f"Đóng góp cho «{document.drive_name}»"
        + (f", nhận ngày {received:%d/%m/%Y}" if received != issued else ""),
        "cash": [Run(document.cash, BOLD), Run(f" ({document.cash_method})")],
        "cash_words": [Run(document.cash_words, ITALIC)],
        "goods_total": document.goods_total,
        "goods_words": document.goods_words,
        "total": [Run(document.total, BOLD), Run(" ("), Run(document.total_words, ITALIC), Run(")")],
        "note": document.note,
        "issued_by": document.issued_by,
        "verify_url": document.verify_url,
    }
    for line, item in enumerate(document.items):
        values[f"item_name_{line}"] = item.name
        values[f"item_unit_{line}"] = item.unit
        values[f"item_quantity_{line}"] = item.quantity
        values[f"item_unit_value_{line}"] = item.unit_value
        values[f"item_value_{line}"] = item.value
    return values


def _stamps(document: ReceiptDocument) -> dict[str, dict[str, str]]:
    """The marks the receipt has, by their frame's slot (a hidden element, drawn only when stamped),
    with the texts of the frame's own slots."""
    stamps = {}
    if document.mark:
        stamps["copy_mark"] = {"copy": document.mark}
    if document.preview:
        stamps["preview"] = {"preview_title": "BẢN XEM", "preview_note": "Không dùng để giao cho nhà hảo tâm"}
    if document.void:
        reason = f"Ngày {document.voided_on:%d/%m/%Y}: {document.void_reason}"
        stamps["void"] = {"void_title": "ĐÃ HỦY", "void_reason": reason}
    return stamps


@dataclass(frozen=True, slots=True)
class StampedReceipt:
    """A receipt's pages: its blank form's with what was stamped on them, or (when stamping could not
    print it well) the pages of the receipt laid out whole."""

    pages: list[Overlay]
    shape: FormShape | None = None
    whole: bytes = b""


def stamp(documents: list[ReceiptDocument]) -> list[StampedReceipt]:
    return [_stamp_one(document) for document in documents]


def _laid_out_whole(document: ReceiptDocument) -> StampedReceipt:
    whole = pdf.layout(filled_html(document))
    return StampedReceipt([Overlay.blank(page) for page in range(len(whole.pages))], whole=whole.write_pdf())


def _stamp_one(document: ReceiptDocument) -> StampedReceipt:
    if not can_stamp():
        return _laid_out_whole(document)
    shape = _shape(document)
    blank = blank_form(shape)
    sheets = [Sheet(page) for page in range(len(blank.form.drawing.pages))]
    values = _values(document)
    # Any of the eight masks makes a valid code; trying them all was most of a receipt's time.
    qr = segno.make(document.verify_url, error="m", mask=0, micro=False).matrix
    try:
        for slots in blank.parts:
            for name, text in values.items():
                for slot in slots.get(name, ()):
                    sheets[slot.page].fill(slot, text)
            (code,) = slots["qr"]
            sheets[code.page].qr(code, qr)
            for frame, texts in _stamps(document).items():
                # A void copy or a preview says so on each of its pages; a copy's mark heads its
                # further pages.
                pages = [slots[frame][0].page] if frame == "copy_mark" else _pages_of(slots)
                _stamp_on(sheets, slots, pages, frame, texts)
            heading = f"Quyển số {document.book}, số {document.seq}"
            if document.mark:
                heading += f", {document.mark}"
            _continuation_headers(sheets, slots, heading)
    except DoesNotFit:
        return _laid_out_whole(document)
    return StampedReceipt([sheet.overlay() for sheet in sheets], shape=shape)


def _stamp_on(
    sheets: list[Sheet],
    slots: dict[str, list[Slot]],
    pages: list[int],
    frame_name: str,
    texts: dict[str, str],
) -> None:
    """The stamp where the form has it and, on the copy's other `pages`, in the middle of what the
    copy has there."""
    (frame,) = slots[frame_name]
    placed = [(slots[name][0], text) for name, text in texts.items()]
    for page in pages:
        shift = 0.0 if page == frame.page else _middle(slots, page) - (frame.y + frame.height / 2)
        sheets[page].stamp(
            _moved(frame, page, shift), [(_moved(slot, page, shift), text) for slot, text in placed]
        )


def _continuation_headers(sheets: list[Sheet], slots: dict[str, list[Slot]], number: str) -> None:
    """Each page of a copy after its first says whose it is, at the top: the number and the page."""
    pages = _pages_of(slots)
    (date,) = slots["date"]
    for index, page in enumerate(pages[1:], start=2):
        top = max(slot.y + slot.height for named in slots.values() for slot in named if slot.page == page)
        line = Line(date.x, top + 3 * date.size, date.width)
        header = replace(date, page=page, lines=(line,), font=ITALIC, align="center")
        sheets[page].fill(header, f"{number} (tiếp theo, trang {index}/{len(pages)})")


def _pages_of(slots: dict[str, list[Slot]]) -> list[int]:
    return sorted({slot.page for named in slots.values() for slot in named})


def _middle(slots: dict[str, list[Slot]], page: int) -> float:
    """Halfway up what the copy has on the page."""
    boxes = [slot for named in slots.values() for slot in named if slot.page == page]
    return (min(slot.y for slot in boxes) + max(slot.y + slot.height for slot in boxes)) / 2


def _moved(slot: Slot, page: int, shift: float) -> Slot:
    lines = tuple(replace(line, baseline=line.baseline + shift) for line in slot.lines)
    return replace(slot, page=page, y=slot.y + shift, lines=lines)


def assemble(stamped: Iterable[StampedReceipt]) -> bytes:
    """One PDF of the stamped receipts, in order; each form's drawing and each font once."""
    output = PdfDocument()
    for receipt in stamped:
        drawing = blank_form(receipt.shape).form.drawing if receipt.shape else Drawing(receipt.whole)
        for overlay in receipt.pages:
            place(output, drawing, overlay, FONTS)
    return output.finish("Biên nhận")


def render_now(documents: list[ReceiptDocument]) -> bytes:
    return assemble(stamp(documents))


async def render(documents: list[ReceiptDocument]) -> bytes:
    """One PDF: a few receipts in a thread, a batch stamped in parallel processes."""
    if len(documents) <= BATCH_CHUNK:
        return await anyio.to_thread.run_sync(render_now, documents)
    return await anyio.to_thread.run_sync(render_chunks, chunked(documents))


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def render_chunks(
    chunks: list[list[ReceiptDocument]], progress: Callable[[int], None] | None = None
) -> bytes:
    """Stamp chunks of a batch in worker processes (one per core, started once, from a clean fork
    server rather than a copy of this process) and put their pages together in order here."""
    global _pool
    with _pool_lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            # Workers are forked from a server that has imported WeasyPrint already.
            context.set_forkserver_preload([__name__])
            _pool = ProcessPoolExecutor(mp_context=context)
        pool = _pool
    stamped: list[StampedReceipt] = []
    try:
        for done, chunk in enumerate(pool.map(stamp, chunks), start=1):
            stamped.extend(chunk)
            if progress:
                progress(done)
    except BrokenProcessPool:
        # A worker died (the kernel's out-of-memory killer, say): this batch fails, the next one
        # gets a new pool.
        shutdown_pool()
        raise
    return assemble(stamped)


def chunked(documents: list[ReceiptDocument]) -> list[list[ReceiptDocument]]:
    return [documents[i : i + BATCH_CHUNK] for i in range(0, len(documents), BATCH_CHUNK)]


def shutdown_pool() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
            _pool = None
