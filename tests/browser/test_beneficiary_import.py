"""Importing a beneficiary list in the browser: a coordinator uploads a small XLSX (the form sent as it
is left says what is missing), reads the dry run's report row by row, and imports the valid rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import xlsxwriter
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import WIDTHS


def _xlsx(path: Path, width: int) -> Path:
    """Two good rows (a name of this width's own, so each width imports its own), one bad."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn/Ấp", "Diện"])
    sheet.write_row(1, 0, [1, f"Trần Văn Bảy {width}", 1950, "Nam", "Ấp 1", "Hộ nghèo"])
    sheet.write_row(2, 0, [2, f"Lê Thị Năm {width}", 1972, "Nữ", "Ấp 2", "Hộ cận nghèo"])
    sheet.write_row(3, 0, [3, "Phạm Văn Sáu", 1980, "Không rõ", "Ấp 3", ""])
    workbook.close()
    path.write_bytes(out.getvalue())
    return path


def _send(page: Page, button: str) -> int:
    """Press a form's button; the status of the page it leads to (after a redirect, the page shown)."""

    def shown(response: Response) -> bool:
        return response.request.resource_type == "document" and not 300 <= response.status < 400

    with page.expect_response(shown) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return answer.value.status


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_checks_a_list_then_imports_it(visit, tmp_path: Path, width: int) -> None:
    hoa = visit("hoa", width=width)
    page = hoa.page
    hoa.go("/beneficiaries")
    page.get_by_role("link", name="Nhập danh sách từ tệp").click()
    expect(page.get_by_role("heading", name="Nhập danh sách đối tượng từ tệp", level=1)).to_be_visible()
    # Hoa coordinates the commune alone: it is chosen; the file is left to her.
    expect(page.get_by_label("Đơn vị có danh sách này")).not_to_have_value("")
    assert _send(page, "Tải lên và kiểm tra") == 422
    expect(page.get_by_role("alert")).to_contain_text("Chọn tệp danh sách (.xlsx hoặc .csv).")
    hoa.screenshot("beneficiary-import")

    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(
        str(_xlsx(tmp_path / "ds.xlsx", width))
    )
    assert _send(page, "Tải lên và kiểm tra") == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kiểm tra trước khi nhập")
    rows = page.locator("table.import-rows tbody tr")
    expect(rows.filter(has_text="Phạm Văn Sáu")).to_contain_text("Không nhập được")
    expect(rows.filter(has_text="Phạm Văn Sáu")).to_contain_text("Giới tính “Không rõ” không rõ")
    expect(rows.filter(has_text=f"Trần Văn Bảy {width}")).to_contain_text("Thêm mới")
    expect(page.get_by_label("Thôn, ấp, tổ")).to_have_value("Thôn/Ấp")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    hoa.screenshot("beneficiary-import-report")

    # The mapping sent back as it is shows the same report.
    assert _send(page, "Kiểm tra lại với cách ghép này") == 200
    assert _send(page, "Nhập 2 dòng hợp lệ") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã nhập 2 đối tượng")

    # The same file again: both rows are there already.
    page.get_by_label("Tệp danh sách (.xlsx hoặc .csv)").set_input_files(str(tmp_path / "ds.xlsx"))
    assert _send(page, "Tải lên và kiểm tra") == 200
    expect(rows.filter(has_text=f"Lê Thị Năm {width}")).to_contain_text("Đã có, bỏ qua")
    expect(page.get_by_text("Không có dòng nào để nhập.")).to_be_visible()
