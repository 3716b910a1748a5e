"""Receipt rendering: one receipt in a warm process beside a naive WeasyPrint render of the same
receipt's HTML (the form filled in) with the system's DejaVu Sans (default options, fonts subset per
document); the first receipt of a form not laid out yet; and 1,000 receipts into one PDF with the
batch path (stamped in worker processes, put together in this one)."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from weasyprint import CSS, HTML

from charity import pdf
from charity.models import PaymentMethod, ReceiptForm, ReceiptStatus
from charity.receipts import printing, rendering
from charity.receipts.schemas import CashOut, ItemOut, PartyOut, ReceiptOut

SINGLE_RUNS = 25
BATCH = 1000
# The same stylesheet, with the system's DejaVu Sans in place of the bundled, cut-down fonts.
NAIVE_CSS = (
    (pdf.ASSETS_DIR / "receipt.css")
    .read_text(encoding="utf-8")
    .replace("@import url(fonts.css);", "")
    .replace('"Noto Serif Bundled", serif', '"DejaVu Sans"')
)


def _receipt(n: int) -> ReceiptOut:
    today = date.today()
    return ReceiptOut(
        id=n,
        book="01",
        book_id=1,
        year=today.year,
        seq=n,
        number=f"01-{today.year}/{n:05d}",
        status=ReceiptStatus.ISSUED,
        total_value=1_250_000 + 225_000,
        issued_at=datetime.now(UTC),
        issued_by=1,
        donation_id=n,
        received_on=today,
        drive=PartyOut(1, "Quỹ Vì người nghèo năm 2026"),
        unit=PartyOut(1, "Hội Liên hiệp Phụ nữ huyện Đức Hòa"),
        donor=PartyOut(n, f"Nguyễn Thị Hồng {n}"),
        anonymous=False,
        cash=CashOut(1_250_000, PaymentMethod.CASH),
        items=[ItemOut(1, "Gạo", "kg", Decimal("12.5"), 18_000, 225_000)],
        note="",
        void_reason=None,
        voided_at=None,
        replaces_id=None,
        replaced_by_id=None,
    )


def documents(count: int) -> list[printing.ReceiptDocument]:
    extras = printing._Extras(
        "Khu phố 4, thị trấn Hậu Nghĩa, huyện Đức Hòa, tỉnh Long An",
        "a5",
        ReceiptForm.ENTERPRISE,
        "linh",
        "Ấp Rừng Sến",
        False,
        "Lê Thị Lan",
    )
    return [
        printing._document(_receipt(n), extras, 0, None, f"http://127.0.0.1:8000/verify/{n:022d}")
        for n in range(1, count + 1)
    ]


def _median_ms(render: Callable[[], object]) -> float:
    times = []
    for _ in range(SINGLE_RUNS):
        started = time.perf_counter()
        render()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _naive(html: str) -> bytes:
    """WeasyPrint as documented: fonts found by fontconfig and subset for every document."""
    return HTML(string=html).write_pdf(stylesheets=[CSS(string=NAIVE_CSS)])


def measure() -> dict[str, float]:
    receipt = documents(1)
    html = rendering.filled_html(receipt[0])
    started = time.perf_counter()
    rendering.render_now(receipt)
    first = time.perf_counter() - started
    _naive(html)
    single = _median_ms(lambda: rendering.render_now(receipt))
    naive = _median_ms(lambda: _naive(html))
    batch = documents(BATCH)
    started = time.perf_counter()
    content = rendering.render_chunks(rendering.chunked(batch))
    wall = time.perf_counter() - started
    rendering.shutdown_pool()
    return {
        "single_ms": single,
        "naive_ms": naive,
        "first_ms": first * 1000,
        "batch_s": wall,
        "batch_mb": len(content) / 1e6,
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def report(result: dict[str, float]) -> str:
    return (
        f"One receipt, warm, median of {SINGLE_RUNS}      {result['single_ms']:7.1f} ms\n"
        f"  naive render, DejaVu Sans, same HTML  {result['naive_ms']:7.1f} ms\n"
        f"  ratio (target ≤ 0.2, goal 0.1)        {result['single_ms'] / result['naive_ms']:7.3f}\n"
        f"  first receipt of a form, laid out     {result['first_ms']:7.1f} ms  (once per form shape and process)\n"
        f"{BATCH} receipts into one PDF              {result['batch_s']:7.1f} s  (target ≤ 15 s, goal 5 s),"
        f" {result['batch_mb']:.1f} MB\n"
        f"  peak memory: main process {result['self_peak_mb']:.0f} MB, largest worker {result['worker_peak_mb']:.0f} MB"
        f" (target ≤ 500 MB)"
    )
