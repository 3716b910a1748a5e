"""A coordinator at the office prints receipts in a batch and voids one with a reason."""

from __future__ import annotations

import re
from io import BytesIO

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.support import pdf_pages


def _record(lan, amount: str) -> None:
    lan.start_gift("hong", "Nguyễn Thị Hồng", amount)
    lan.page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    lan.page.wait_for_url(re.compile(r"/receipts/\d+$"))


def test_a_coordinator_prints_a_batch_and_voids_a_receipt(visit) -> None:
    lan = visit("lan", width=360)
    for amount in ("110000", "120000"):
        _record(lan, amount)

    hoa = visit("hoa", width=1280)
    page = hoa.page
    page.get_by_role("link", name="Biên nhận", exact=True).click()
    rows = page.locator("table.list tbody tr")
    numbers = rows.locator("td:nth-child(2)").all_inner_texts()
    assert len(numbers) >= 2
    hoa.screenshot("receipt-desk")

    page.get_by_label("Chọn tất cả").check()
    # The PDF opens in a new tab; the answer is kept on its way there to read it.
    printed: list[tuple[str, bytes]] = []

    def keep(route) -> None:
        answer = route.fetch()
        printed.append((answer.headers["content-type"], answer.body()))
        route.fulfill(response=answer)

    hoa.context.route("**/receipts/print", keep)
    with hoa.context.expect_page() as tab:
        page.get_by_role("button", name="In các biên nhận đã chọn").click()
    tab.value.wait_for_load_state()
    ((content_type, body),) = printed
    assert content_type == "application/pdf"
    pdf = PdfReader(BytesIO(body))
    assert len(pdf.pages) == len(numbers)
    text = "".join(pdf_pages(body))
    assert all(number.split("/")[1] in text for number in numbers)
    page.reload()
    assert rows.locator("td:nth-child(4)").all_inner_texts() == ["Đã in"] * len(numbers)

    target = rows.filter(has_text="120.000 đ").first
    number = target.locator("td:nth-child(2)").inner_text()
    target.get_by_role("button", name="Hủy").click()
    dialog = page.get_by_role("dialog")
    assert number in dialog.inner_text()
    hoa.screenshot("void-dialog")
    dialog.get_by_label("Lý do hủy").fill("Ghi nhầm số tiền")
    dialog.get_by_role("button", name="Xác nhận hủy").click()

    page.wait_for_url(re.compile(r"/receipts\?.*voided="))
    assert page.get_by_role("status").inner_text() == f"Đã hủy biên nhận {number}."
    voided = page.locator("table.list tbody tr", has_text=number)
    assert voided.get_attribute("class") == "is-void"
    expect(voided.get_by_text("Đã hủy")).to_be_visible()

    voided.get_by_role("link", name=number).click()
    assert "ĐÃ HỦY" in page.get_by_role("status").inner_text()
    assert "Ghi nhầm số tiền" in page.get_by_role("status").inner_text()
