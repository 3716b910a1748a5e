"""Receipts on paper: each receipt is its blank form (templates/pdf/receipt.html, laid out by
WeasyPrint once per shape and process) with its values stamped into the form's slots (charity.paper).
One PDF of a few receipts is made in a thread, a batch's receipts are stamped in worker processes;
never inside a database transaction.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache

import anyio.to_thread
import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

from charity import pdf
from charity.models import ReceiptPaper
from charity.paper.fonts import Font, open_font
from charity.paper.form import Form, Slot, font_file
from charity.paper.stamp import Overlay, Run, Sheet, Text, place
from charity.paper.writer import PdfDocument
from charity.receipts.printing import PARTS, ReceiptDocument

# Receipts per stamping task of a batch: big enough to amortise a task, small enough to spread.
BATCH_CHUNK = 100

_templates = Environment(
    loader=FileSystemLoader(pdf.ASSETS_DIR), autoescape=select_autoescape(default=True), trim_blocks=True
)


@dataclass(frozen=True, slots=True)
class FormShape:
    """What decides a receipt's blank form; receipts of one shape differ only in their slots."""

    paper: str
    title: str
    cash: bool
    items: int
    note: bool
    copy: bool

    @property
    def parts(self) -> list[str]:
        return PARTS[ReceiptPaper(self.paper)]

    @property
    def payer_role(self) -> str:
        return "Người nộp tiền" if not self.items else ("Người giao hàng" if not self.cash else "Người nộp")

    @property
    def keeper_role(self) -> str:
        # Goods are handed over and kept in store: no one pays money or keeps cash for them.
        return "Thủ quỹ" if not self.items else ("Thủ kho" if not self.cash else "Thủ quỹ, thủ kho")


def html_of(shape: FormShape, values: dict[str, str] | None = None) -> str:
    return _templates.get_template("receipt.html").render(form=shape, values=values)


def filled_html(document: ReceiptDocument) -> str:
    """The receipt laid out whole by WeasyPrint: what stamping the blank form must read like."""
    values = {
        name: text if isinstance(text, str) else "".join(run.text for run in text)
        for name, text in _values(document).items()
    }
    values["qr"] = segno.make(document.verify_url, error="m").png_data_uri(scale=3, border=0)
    return html_of(_shape(document), values)


@dataclass(frozen=True, slots=True)
class BlankForm:
    form: Form
    parts: list[dict[str, list[Slot]]]  # each copy's slots by name


@lru_cache(maxsize=256)
def blank_form(shape: FormShape) -> BlankForm:
    """The form laid out by WeasyPrint: once per shape in a process, then reused for every receipt."""
    form = Form(html_of(shape))
    parts: list[dict[str, list[Slot]]] = [{} for _ in shape.parts]
    for name, slots in form.slots.items():
        part, _, field = name.partition(":")
        parts[int(part)][field] = slots
    return BlankForm(form, parts)


def _shape(document: ReceiptDocument) -> FormShape:
    return FormShape(
        document.paper,
        document.title,
        bool(document.cash),
        len(document.items),
        bool(document.note),
        document.copy_number > 0,
    )


@cache
def _fonts() -> tuple[Font, Font, Font]:
    return open_font(font_file()), open_font(font_file(bold=True)), open_font(font_file(italic=True))


def _values(document: ReceiptDocument) -> dict[str, Text]:
    """What each slot of the receipt's form says."""
    _, bold, italic = _fonts()
    issued, received = document.issued_on, document.received_on
    values: dict[str, Text] = {
        "unit_name": document.unit_name,
        "unit_address": document.unit_address,
        "book": document.book,
        "seq": document.seq,
        "copy": f"BẢN SAO số {document.copy_number}",
        "date": f"Ngày {issued.day} tháng {issued.month} năm {issued.year}",
        "payer_name": document.payer_name,
        "payer_address": document.payer_address or "…………………………………………",
        "reason": f"Đóng góp cho «{document.drive_name}»"
        + (f", nhận ngày {received:%d/%m/%Y}" if received != issued else ""),
        "cash": [Run(document.cash, bold), Run(f" ({document.cash_method})")],
        "cash_words": [Run(document.cash_words, italic)],
        "goods_total": document.goods_total,
        "goods_words": document.goods_words,
        "total": [Run(document.total, bold), Run(" ("), Run(document.total_words, italic), Run(")")],
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


@dataclass(frozen=True, slots=True)
class StampedReceipt:
    shape: FormShape
    pages: list[Overlay]


def stamp(documents: list[ReceiptDocument]) -> list[StampedReceipt]:
    """Each receipt's values stamped onto its blank form, page by page."""
    stamped = []
    for document in documents:
        shape = _shape(document)
        blank = blank_form(shape)
        sheets = [Sheet(page, _fonts()) for page in range(len(blank.form.pages))]
        values = _values(document)
        # Any of the eight masks makes a valid code; trying them all was most of a receipt's time.
        qr = segno.make(document.verify_url, error="m", mask=0, micro=False).matrix
        for slots in blank.parts:
            for name, text in values.items():
                for slot in slots.get(name, ()):
                    sheets[slot.page].fill(slot, text)
            (code,) = slots["qr"]
            sheets[code.page].qr(code, qr)
            if document.void:
                reason = f"Ngày {document.voided_on:%d/%m/%Y}: {document.void_reason}"
                (frame,), (title,), (because,) = slots["void"], slots["void_title"], slots["void_reason"]
                sheets[frame.page].stamp(frame, [(title, "ĐÃ HỦY"), (because, reason)])
        stamped.append(StampedReceipt(shape, [sheet.overlay() for sheet in sheets]))
    return stamped


def assemble(stamped: Iterable[StampedReceipt]) -> bytes:
    """One PDF of the stamped receipts, in order; each form's drawing and each font once."""
    output = PdfDocument()
    for receipt in stamped:
        form = blank_form(receipt.shape).form
        for overlay in receipt.pages:
            place(output, form, overlay, _fonts())
    return output.finish("Biên nhận")


def render_now(documents: list[ReceiptDocument]) -> bytes:
    return assemble(stamp(documents))


async def render(documents: list[ReceiptDocument]) -> bytes:
    """One PDF: a few receipts in a thread, a batch stamped in parallel processes."""
    if len(documents) <= BATCH_CHUNK:
        return await anyio.to_thread.run_sync(render_now, documents)
    return await anyio.to_thread.run_sync(render_chunks, chunked(documents))


_pool: ProcessPoolExecutor | None = None


def render_chunks(
    chunks: list[list[ReceiptDocument]], progress: Callable[[int], None] | None = None
) -> bytes:
    """Stamp chunks of a batch in worker processes (one per core, started once, from a clean fork
    server rather than a copy of this process) and put their pages together in order here."""
    global _pool
    if _pool is None:
        context = multiprocessing.get_context("forkserver")
        # Workers are forked from a server that has imported WeasyPrint already.
        context.set_forkserver_preload([__name__])
        _pool = ProcessPoolExecutor(mp_context=context)
    stamped: list[StampedReceipt] = []
    for done, chunk in enumerate(_pool.map(stamp, chunks), start=1):
        stamped.extend(chunk)
        if progress:
            progress(done)
    return assemble(stamped)


def chunked(documents: list[ReceiptDocument]) -> list[list[ReceiptDocument]]:
    return [documents[i : i + BATCH_CHUNK] for i in range(0, len(documents), BATCH_CHUNK)]


def shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None
