"""A coordinator opens the registers from the menu and sends their filter form as it is left, then
with each control set once: every answer is the register asked for, never an error page."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from charity.clock import local_today
from tests.browser.conftest import Visitor


def _shown(visitor: Visitor, register: str) -> None:
    page = visitor.page
    expect(page).to_have_url(re.compile(r"/registers\?"))
    expect(page.get_by_role("heading", name=register, exact=True)).to_be_visible()


def test_the_registers_filter_with_their_defaults_and_each_control(visit) -> None:
    lan = visit("lan", width=360)
    lan.start_gift("hong", "Nguyễn Thị Hồng", "70000")
    lan.page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    lan.page.wait_for_url(re.compile(r"/receipts/\d+$"))
    number = lan.page.get_by_role("heading", level=1).locator(".number").inner_text()

    hoa = visit("hoa", width=1280)
    page = hoa.page
    page.get_by_role("link", name="Sổ đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ đăng ký")
    filters = page.get_by_role("form", name="Lọc sổ đăng ký")
    filters.get_by_role("button", name="Xem").click()
    _shown(hoa, "Sổ đăng ký biên nhận")
    expect(page.locator("table.receipts-register tbody tr", has_text=number)).to_contain_text("70.000 đ")
    expect(page.locator("tr.totals")).to_contain_text("Cộng")
    hoa.screenshot("registers")

    registers = {
        "receipts": "Sổ đăng ký biên nhận",
        "voids": "Sổ biên nhận đã hủy",
        "books": "Sổ theo dõi quyển biên nhận",
    }
    for kind, register in registers.items():
        hoa.go("/registers")
        filters.get_by_label("Sổ").select_option(kind)
        filters.get_by_role("button", name="Xem").click()
        _shown(hoa, register)
        expect(filters.get_by_label("Sổ")).to_have_value(kind)
    expect(page.locator("table.books-register tbody")).to_contain_text("Liên tục")
    for label in ("Cuộc vận động", "Đơn vị"):
        hoa.go("/registers")
        choice = filters.get_by_label(label)
        value = choice.locator("option").nth(1).get_attribute("value")
        assert value
        choice.select_option(value)
        filters.get_by_role("button", name="Xem").click()
        _shown(hoa, "Sổ đăng ký biên nhận")
        expect(filters.get_by_label(label)).to_have_value(value)
    today = local_today().isoformat()
    for label in ("Từ ngày", "Đến ngày"):
        hoa.go("/registers")
        filters.get_by_label(label).fill(today)
        filters.get_by_role("button", name="Xem").click()
        _shown(hoa, "Sổ đăng ký biên nhận")
        expect(filters.get_by_label(label)).to_have_value(today)
        expect(page.locator("table.receipts-register tbody")).to_contain_text(number)

    # Dates the wrong way round are said beside the field, on the same page.
    hoa.go("/registers")
    filters.get_by_label("Từ ngày").fill(today)
    filters.get_by_label("Đến ngày").fill("2000-01-01")
    filters.get_by_role("button", name="Xem").click()
    expect(page.locator(".field-error")).to_have_text("“Từ ngày” phải trước hoặc cùng ngày với “đến ngày”.")
    expect(filters.get_by_label("Từ ngày")).to_have_value(today)
