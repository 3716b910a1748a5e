"""A coordinator keeps a drive's stock from its page: sells some rice and records a count, each form
sent once as it stands (and refused in Vietnamese), and sees the balances change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from charity.forms import quantity
from tests.browser.conftest import RICE_DRIVE, WIDTHS, new_donor_with_rice


def _rice(page) -> tuple[str, str]:
    """The rice row of the balances: quantity and value, as shown."""
    row = page.get_by_role("table").first.get_by_role("row").filter(has_text="Gạo")
    cells = row.get_by_role("cell").all_inner_texts()
    return cells[1], cells[2]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_sells_rice_and_records_a_count_from_the_stock_page(visit, width: int) -> None:
    hoa = visit("hoa", width=width)
    page = hoa.page
    # Rice given to the drive: 50 kg at 20.000 đ a kilo.
    hoa.go("/gifts/new")
    page.get_by_label("Cuộc vận động").select_option(label=RICE_DRIVE)
    new_donor_with_rice(page, "Đỗ Thị Thu", f"0905 {width:06d}", "50")
    page.locator(".goods-line").last.get_by_label("Đơn giá ước tính (đồng)").press_sequentially("20000")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    hoa.go("/drives")
    page.get_by_role("link", name=re.compile(RICE_DRIVE)).first.click()
    page.get_by_role("link", name="Tồn kho").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Tồn kho: {RICE_DRIVE}")
    hoa.screenshot("stock")
    held, _ = _rice(page)
    kilos = quantity(held.removesuffix(" kg"), field="")
    assert kilos is not None
    assert kilos > 10
    cash_before = page.get_by_role("table").first.get_by_role("row").filter(has_text="Tiền").inner_text()

    sale = page.get_by_role("form", name="Bán hàng")
    sale.get_by_role("button", name="Ghi biên bản bán hàng").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa ghi được biên bản bán hàng.")
    expect(page.get_by_role("alert")).to_contain_text("Nhập số tiền người mua trả.")
    hoa.screenshot("stock-conversion-refused")
    sale = page.get_by_role("form", name="Bán hàng")
    sale.get_by_label("Loại hàng 1").select_option(label=f"Gạo (còn {held})")
    sale.get_by_label("Số lượng").first.fill("10")
    sale.get_by_label("Số tiền người mua trả (đồng)").press_sequentially("150000")
    sale.get_by_label("Người mua", exact=True).fill("Đại lý gạo Minh Phát")
    sale.get_by_role("button", name="Ghi biên bản bán hàng").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Đã ghi biên bản bán hàng CD-\d{4}/\d{5}"))
    after_sale, _ = _rice(page)
    assert quantity(after_sale.removesuffix(" kg"), field="") == kilos - 10
    assert (
        page.get_by_role("table").first.get_by_role("row").filter(has_text="Tiền").inner_text() != cash_before
    )
    expect(page.get_by_role("table").last).to_contain_text("Bán Gạo 10 kg được 150.000 đ")

    count = page.get_by_role("form", name="Kiểm kê")
    count.get_by_role("button", name="Ghi biên bản kiểm kê").click()
    expect(page.get_by_role("alert")).to_contain_text("Chưa ghi được biên bản kiểm kê.")
    expect(page.get_by_role("alert")).to_contain_text("Chọn loại hàng đã kiểm kê.")
    count = page.get_by_role("form", name="Kiểm kê")
    count.get_by_label("Loại hàng", exact=True).select_option(label="Gạo")
    count.get_by_label("Số lượng đếm được").fill(str(kilos - 11).replace(".", ","))
    count.get_by_label("Lý do chênh lệch").select_option(label="Hao hụt, mất")
    count.get_by_role("button", name="Ghi biên bản kiểm kê").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"biên bản kiểm kê KK-\d{4}/\d{5}"))
    after_count, _ = _rice(page)
    assert quantity(after_count.removesuffix(" kg"), field="") == kilos - 11
    hoa.screenshot("stock-after")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    record = page.get_by_role("link", name="In biên bản").first
    response = page.request.get(hoa.server.url + record.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
