"""A receipt is its blank form, laid out once, with its values stamped in: it must read exactly as
WeasyPrint laying out the same form filled in, and every form shape must be covered."""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import weasyprint

from charity import pdf
from charity.models import ReceiptPaper
from charity.paper.form import TESTED_WEASYPRINT
from charity.receipts.printing import PARTS, ItemLine, ReceiptDocument
from charity.receipts.rendering import filled_html, render_now
from tests.support import pdf_pages

RICE = ItemLine("Gạo tám thơm", "kg", "12,5", "18.000 đ", "225.000 đ")
NOTEBOOKS = ItemLine("Vở học sinh 96 trang", "quyển", "40", "8.000 đ", "320.000 đ")
RECEIPT = ReceiptDocument(
    book="01-2026",
    seq="00042",
    title="BIÊN NHẬN ĐÓNG GÓP",
    form_code="",
    accountant=True,
    cashier=False,
    paper="a5",
    unit_name="Hội Liên hiệp Phụ nữ huyện Đức Hòa",
    unit_address="Khu phố 4, thị trấn Hậu Nghĩa, huyện Đức Hòa, tỉnh Long An",
    issued_on=date(2026, 6, 15),
    received_on=date(2026, 6, 14),
    payer_name="Trần Văn Đức",
    payer_address="Ấp Rừng Sến, xã Hòa Khánh Tây",
    drive_name="Quỹ Vì người nghèo năm 2026",
    cash="1.250.000 đ",
    cash_method="chuyển khoản",
    cash_words="Một triệu hai trăm năm mươi nghìn đồng",
    items=[RICE, NOTEBOOKS],
    goods_total="545.000 đ",
    goods_words="Năm trăm bốn mươi lăm nghìn đồng",
    goods_valued=True,
    total="1.795.000 đ",
    total_words="Một triệu bảy trăm chín mươi lăm nghìn đồng",
    note="",
    issued_by="Lê Thị Lan",
    mark="",
    preview=False,
    void=False,
    void_reason="",
    voided_on=None,
    verify_url="https://charity.example/verify/7QGK6Lf5pwZcaxdyYLPyKw",
)
SHAPES = {
    "cash-and-goods": RECEIPT,
    "cash": dataclasses.replace(RECEIPT, title="PHIẾU THU", form_code="01-TT", items=[], cashier=True),
    "cash-public-sector": dataclasses.replace(RECEIPT, title="PHIẾU THU", form_code="C40-BB", items=[]),
    "cash-plain": dataclasses.replace(RECEIPT, items=[], accountant=False, cashier=True),
    "goods": dataclasses.replace(RECEIPT, title="BIÊN NHẬN HIỆN VẬT", cash=""),
    "goods-not-valued": dataclasses.replace(
        RECEIPT,
        title="BIÊN NHẬN HIỆN VẬT",
        cash="",
        items=[ItemLine("Gạo", "kg", "10", "", "")],
        goods_total="Chưa ước tính",
        goods_words="",
        goods_valued=False,
    ),
    "preview": dataclasses.replace(RECEIPT, preview=True),
    "electronic-copy": dataclasses.replace(RECEIPT, mark="BẢN ĐIỆN TỬ"),
    "goods-over-three-pages": dataclasses.replace(RECEIPT, items=[RICE, NOTEBOOKS] * 20),
    "note-and-copy": dataclasses.replace(RECEIPT, note="Gửi kèm hai thùng mì", mark="BẢN SAO số 3"),
    "a4-two-copies": dataclasses.replace(RECEIPT, paper="a4x2"),
    "a4-three-copies-a-copy": dataclasses.replace(RECEIPT, paper="a4x3", mark="BẢN SAO số 1"),
    "a4-three-copies-long": dataclasses.replace(RECEIPT, paper="a4x3", items=[RICE, NOTEBOOKS] * 6),
}


CONTINUED = re.compile(r"Quyển số 01-2026, số 00042 \(tiếp theo, trang (\d+)/(\d+)\)")


@pytest.mark.parametrize("receipt", SHAPES.values(), ids=SHAPES.keys())
def test_a_stamped_receipt_reads_as_the_form_filled_in_by_weasyprint(receipt: ReceiptDocument) -> None:
    stamped = pdf_pages(render_now([receipt]))
    whole = pdf_pages(pdf.layout(filled_html(receipt)).write_pdf())
    # Stamping heads each further page of a copy with its number; WeasyPrint's layout does not.
    headers = [[match.groups() for match in CONTINUED.finditer(" ".join(page.split()))] for page in stamped]
    assert [" ".join(CONTINUED.sub("", " ".join(page.split())).split()) for page in stamped] == [
        " ".join(page.split()) for page in whole
    ]
    copies = len(PARTS[ReceiptPaper(receipt.paper)])
    pages_per_copy = len(stamped) if copies == 1 else None
    if pages_per_copy and pages_per_copy > 1:
        assert headers == [[]] + [[(str(n), str(pages_per_copy))] for n in range(2, pages_per_copy + 1)]
    elif copies == 1:
        assert headers == [[]]


def test_long_values_shrink_to_their_line_and_are_printed_whole() -> None:
    name = "Công ty Trách nhiệm hữu hạn Một thành viên Thương mại và Dịch vụ Vận tải Đức Hòa Long An"
    address = "Số 123, đường Nguyễn Trung Trực, khu phố 4, thị trấn Hậu Nghĩa, huyện Đức Hòa, tỉnh Long An"
    receipt = dataclasses.replace(RECEIPT, payer_name=name, payer_address=address)
    (page,) = pdf_pages(render_now([receipt]))
    lines = [" ".join(line.split()) for line in page.splitlines()]
    assert f"Họ và tên người nộp: {name}" in lines
    assert f"Địa chỉ: {address}" in lines


def test_receipts_of_several_shapes_print_together_in_order() -> None:
    receipts = [SHAPES["cash"], SHAPES["a4-two-copies"], dataclasses.replace(SHAPES["cash"], seq="00043")]
    pages = pdf_pages(render_now(receipts))
    assert len(pages) == 3
    assert ["Số: 00042" in page for page in pages] == [True, True, False]
    assert "Số: 00043" in pages[2]
    assert pages[1].count("BIÊN NHẬN ĐÓNG GÓP") == 2


def test_every_page_of_a_long_void_copy_says_so() -> None:
    receipt = dataclasses.replace(
        SHAPES["goods-over-three-pages"],
        void=True,
        void_reason="Trùng",
        voided_on=date(2026, 6, 16),
        mark="BẢN SAO số 2",
    )
    pages = pdf_pages(render_now([receipt]), as_drawn=True)
    assert len(pages) == 3
    for page in pages:
        assert "ĐÃ HỦY" in page
        assert "Ngày 16/06/2026: Trùng" in page
        assert "BẢN SAO số 2" in page  # the mark on the first, the heading on the others


@pytest.mark.parametrize(
    "fields",
    [
        {"payer_name": "Иван Петров"},
        {"note": "Gửi kèm hai thùng mì và một bao gạo, " * 12},
        {"unit_address": "Khu phố 4, thị trấn Hậu Nghĩa, " * 9},
    ],
    ids=["a letter the bundled fonts lack", "a note longer than its line", "a very long unit address"],
)
def test_what_stamping_cannot_print_well_is_laid_out_whole(fields: dict[str, str]) -> None:
    receipt = dataclasses.replace(
        SHAPES["cash"], void=True, void_reason="Trùng", voided_on=date(2026, 6, 16), **fields
    )
    content = render_now([receipt, SHAPES["cash"]])
    assert " ".join(pdf_pages(content)).count("Số: 00042") == 2
    drawn = pdf_pages(content, as_drawn=True)
    # Long values wrap over several lines, beside other columns: read in the order they were drawn.
    for value in fields.values():
        assert " ".join(value.split()) in " ".join(drawn[0].split())
    assert "ĐÃ HỦY" in drawn[0]
    assert "ĐÃ HỦY" not in drawn[-1]


def test_threads_printing_new_shapes_at_once_all_succeed() -> None:
    receipts = [dataclasses.replace(RECEIPT, items=[RICE] * count) for count in range(3, 9)]
    with ThreadPoolExecutor(max_workers=len(receipts)) as pool:
        printed = list(pool.map(lambda receipt: pdf_pages(render_now([receipt])), receipts))
    for receipt, pages in zip(receipts, printed, strict=True):
        assert f"{len(receipt.items)} Gạo tám thơm" in " ".join(" ".join(pages).split())


def test_stamping_runs_on_the_weasyprint_it_was_tested_with() -> None:
    """Stamping reads WeasyPrint's laid-out boxes, which are not public API: a WeasyPrint of another
    release must be tested with it (and TESTED_WEASYPRINT moved) before it is used."""
    assert weasyprint.__version__.split(".")[0] == TESTED_WEASYPRINT, (
        f"WeasyPrint {weasyprint.__version__} is not the release receipt stamping was tested with"
        f" ({TESTED_WEASYPRINT}): run these tests against it and update charity.paper.form"
    )


def test_on_another_weasyprint_every_receipt_is_laid_out_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    receipt = SHAPES["cash-and-goods"]
    stamped = pdf_pages(render_now([receipt]))
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    whole = pdf_pages(render_now([receipt]))
    assert whole == pdf_pages(pdf.layout(filled_html(receipt)).write_pdf())
    assert " ".join(" ".join(whole).split()) == " ".join(" ".join(stamped).split())
