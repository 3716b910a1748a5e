"""A coordinator checks a drive's ledger against its hash chain from the drive's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RICE_DRIVE, WIDTHS


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_checks_the_ledger_from_the_drive_page(visit, width: int) -> None:
    hoa = visit("hoa", width=width)
    page = hoa.page
    hoa.start_gift("nguyen thi hong", "Nguyễn Thị Hồng", f"{width}7000")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    page.get_by_role("link", name=RICE_DRIVE).click()
    page.get_by_role("button", name="Kiểm tra toàn vẹn").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kiểm tra toàn vẹn sổ"
    assert "Sổ nguyên vẹn" in page.get_by_role("status").inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert re.search(r"Khớp điểm cuối\s+Có", facts)
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off a phone
    hoa.screenshot("ledger-check")
    compare = page.get_by_role("form", name="Đối chiếu với sổ đã in")
    compare.get_by_role("button", name="Đối chiếu").click()  # left blank: the plain check again
    expect(page.get_by_role("status")).to_contain_text("Sổ nguyên vẹn")
    head = page.locator("dl.facts code.hash").last.inner_text()
    seq = re.search(r"Điểm cuối ghi trên cuộc vận động\s+số (\d+)", page.locator("dl.facts").inner_text())
    assert seq
    compare.get_by_label("Dòng số").fill(seq.group(1))
    compare.get_by_label("Mã băm").fill(head)
    compare.get_by_role("button", name="Đối chiếu").click()
    expect(page.locator("#printed-result")).to_contain_text("không dòng nào bị viết lại")
    compare.get_by_label("Mã băm").fill("abc")
    compare.get_by_role("button", name="Đối chiếu").click()
    expect(page.get_by_role("alert")).to_contain_text("64 chữ số")
    hoa.screenshot("ledger-compare")
