"""The auditor of the district opens a drive's cash book for a month, exports it to XLSX and checks
the ledger, from the pages alone."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from charity.clock import local_today
from tests.browser.conftest import RICE_DRIVE, WIDTHS


@pytest.mark.parametrize("width", WIDTHS)
def test_the_auditor_opens_the_cash_book_for_a_month_exports_it_and_checks_the_ledger(
    visit, width: int, tmp_path
) -> None:
    lan = visit("lan", width=width)
    amount = 3_000_000 + width
    lan.start_gift("nguyen thi hong", "Nguyễn Thị Hồng", str(amount))
    lan.page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    lan.page.wait_for_url(re.compile(r"/receipts/\d+$"))
    number = lan.page.get_by_role("heading", level=1).inner_text()

    mai = visit("mai", width=width)
    page = mai.page
    page.get_by_role("navigation").get_by_role("link", name="Sổ sách").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sổ sách")
    mai.screenshot("books-desk")
    page.locator("tr", has_text=RICE_DRIVE).get_by_role("link", name="Sổ quỹ tiền mặt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SỔ QUỸ TIỀN MẶT")
    # The period as the page leaves it is this month so far; sent as it is.
    period = page.get_by_role("form", name="Chọn kỳ")
    today = local_today()
    expect(period.get_by_label("Từ ngày")).to_have_value(today.replace(day=1).isoformat())
    expect(period.get_by_label("Đến ngày")).to_have_value(today.isoformat())
    period.get_by_role("button", name="Xem sổ").click()
    shown = f"{amount:,}".replace(",", ".")
    line = page.locator("table.book tbody tr", has_text=shown)
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Nhận ủng hộ của Nguyễn Thị Hồng")
    expect(page.locator("table.book tfoot")).to_contain_text("Số dư cuối kỳ")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the table scrolls, not the page
    mai.screenshot("cash-book")

    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất Excel (XLSX)").click()
    assert download.value.suggested_filename.startswith("so-quy-tien-mat-")
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "so.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][0] == "SỔ QUỸ TIỀN MẶT"
    assert [row for row in rows if row[4] == amount and "Nguyễn Thị Hồng" in (row[2] or "")]
    assert any(number.endswith(str(row[1])) for row in rows if row[4] == amount)

    # Dates cleared: the whole book, from its first line to now.
    period.get_by_label("Từ ngày").fill("")
    period.get_by_label("Đến ngày").fill("")
    period.get_by_role("button", name="Xem sổ").click()
    expect(page.get_by_text("Từ đầu đến nay")).to_be_visible()
    expect(line).to_have_count(1)

    page.get_by_role("link", name="Sổ kho").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SỔ KHO (THẺ KHO)")
    mai.screenshot("goods-book")

    page.get_by_role("link", name=f"← {RICE_DRIVE}").click()
    page.get_by_role("button", name="Kiểm tra toàn vẹn").click()
    expect(page.get_by_role("status")).to_contain_text("Sổ nguyên vẹn")
