"""Every filter form of every page, sent as a user leaves it (every control on "Tất cả" or empty) and
with each of its controls set once, answers its page, never an error."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from charity.clock import local_today
from tests.browser.conftest import Visitor


def _filtered(visitor: Visitor, heading: str) -> None:
    page = visitor.page
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_the_receipt_desk_filters_with_its_defaults_and_each_control(visit) -> None:
    # A gift, so that the unit has a receipt book to choose.
    lan = visit("lan", width=360)
    lan.start_gift("hong", "Nguyễn Thị Hồng", "50000")
    lan.page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    lan.page.wait_for_url(re.compile(r"/receipts/\d+$"))
    hoa = visit("hoa", width=1280)
    page = hoa.page
    hoa.go("/receipts")
    filters = page.get_by_role("form", name="Lọc biên nhận")
    filters.get_by_role("button", name="Lọc", exact=True).click()
    _filtered(hoa, "Biên nhận")
    for label in ("Cuộc vận động", "Quyển", "Trạng thái", "Hình thức", "Người ghi"):
        hoa.go("/receipts")
        choice = filters.get_by_label(label)
        value = choice.locator("option").nth(1).get_attribute("value")
        choice.select_option(value)
        filters.get_by_role("button", name="Lọc", exact=True).click()
        _filtered(hoa, "Biên nhận")
        assert filters.get_by_label(label).input_value() == value
    for label in ("Từ ngày", "Đến ngày"):
        hoa.go("/receipts")
        filters.get_by_label(label).fill(local_today().isoformat())
        filters.get_by_role("button", name="Lọc", exact=True).click()
        _filtered(hoa, "Biên nhận")
        assert filters.get_by_label(label).input_value() == local_today().isoformat()
    for text in ("00001", "Nguyễn Thị Hồng"):
        hoa.go("/receipts")
        filters.get_by_label("Tìm số hoặc nhà hảo tâm").fill(text)
        filters.get_by_role("button", name="Lọc", exact=True).click()
        _filtered(hoa, "Biên nhận")
        assert page.locator("table.receipt-list tbody tr").count() == 1
    hoa.go("/receipts")
    filters.get_by_label("Chỉ biên nhận chưa in").check()
    filters.get_by_role("button", name="Lọc", exact=True).click()
    _filtered(hoa, "Biên nhận")
    assert filters.get_by_label("Chỉ biên nhận chưa in").is_checked()


def test_the_donor_search_answers_empty_and_typed(visit) -> None:
    hoa = visit("hoa", width=360)
    page = hoa.page
    hoa.go("/donors")
    page.get_by_role("button", name="Tìm").click()
    _filtered(hoa, "Nhà hảo tâm")
    page.get_by_role("searchbox").fill("hong")
    page.get_by_role("button", name="Tìm").click()
    _filtered(hoa, "Nhà hảo tâm")
    expect(page.get_by_role("link", name="Nguyễn Thị Hồng").first).to_be_visible()
