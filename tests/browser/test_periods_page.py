"""Khóa sổ in the browser: a coordinator closes a month of the commune's books (the form sent as it is
left says what is missing), and an administrator reopens it with a reason after confirming."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, Response, expect

from charity.clock import local_today
from tests.browser.conftest import WIDTHS


def _ended_month(months_back: int) -> date:
    """The first day of a month that has ended: 1 is last month."""
    month = local_today().replace(day=1)
    for _ in range(months_back):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def _send(page: Page, button: str) -> int:
    """Press a form's button; the status of the page it leads to (after a redirect, the page shown)."""

    def shown(response: Response) -> bool:
        return response.request.resource_type == "document" and not 300 <= response.status < 400

    with page.expect_response(shown) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return answer.value.status


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinator_closes_a_month_and_an_administrator_reopens_it(visit, width: int) -> None:
    # Each width closes a month of its own on the module's one server.
    month = _ended_month(WIDTHS.index(width) + 1)
    shown_month = month.strftime("%m/%Y")
    hoa = visit("hoa", width=width)
    page = hoa.page
    # The books page leads there, on a phone too (whose menu leaves it to that page).
    page.get_by_role("link", name="Sổ sách").click()
    page.get_by_role("main").get_by_role("link", name="Khóa sổ").click()
    expect(page.get_by_role("heading", name="Khóa sổ", level=1)).to_be_visible()
    form = page.locator("form[action='/periods']")
    # Hoa coordinates the commune alone: it is chosen, and the month is left to her.
    expect(form.get_by_label("Đơn vị")).not_to_have_value("")
    expect(form.get_by_label("Tháng")).to_have_value("")

    status = _send(page, "Khóa sổ")
    assert status == 422
    expect(page.get_by_role("alert")).to_contain_text("Chọn tháng cần khóa sổ.")
    expect(form.get_by_label("Tháng")).to_have_attribute("aria-invalid", "true")

    form.get_by_label("Tháng").fill(month.strftime("%Y-%m"))
    assert _send(page, "Khóa sổ") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã khóa sổ.")
    row = page.locator("table.periods tbody tr", has_text=shown_month)
    expect(row).to_contain_text("Hội Phụ nữ xã Hòa Khánh Tây")
    expect(row).to_contain_text("Đã khóa sổ")
    # A coordinator closes; only an administrator reopens.
    expect(row.get_by_role("link", name="Mở lại")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    hoa.screenshot("periods")

    # The same month again: refused in words, with the form kept.
    form.get_by_label("Tháng").fill(month.strftime("%Y-%m"))
    assert _send(page, "Khóa sổ") == 409
    expect(page.get_by_role("alert")).to_contain_text(
        f"Tháng {shown_month} của Hội Phụ nữ xã Hòa Khánh Tây đã khóa sổ rồi."
    )

    admin = visit("admin", width=width)
    page = admin.page
    page.get_by_role("link", name="Khóa sổ").click()
    page.locator("table.periods tbody tr", has_text=shown_month).get_by_role("link", name="Mở lại").click()
    expect(
        page.get_by_role("heading", name=f"Mở lại sổ tháng {shown_month} của Hội Phụ nữ xã Hòa Khánh Tây?")
    ).to_be_visible()
    assert _send(page, f"Mở lại sổ tháng {shown_month}") == 422
    expect(page.get_by_role("alert")).to_contain_text("Cần ghi lý do mở lại kỳ đã khóa sổ.")
    page.get_by_label("Lý do mở lại").fill("Bổ sung biên nhận bị sót của chi hội ấp 3")
    assert _send(page, f"Mở lại sổ tháng {shown_month}") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã mở lại kỳ khóa sổ.")
    row = page.locator("table.periods tbody tr", has_text=shown_month)
    expect(row).to_contain_text("Đã mở lại")
    expect(row).to_contain_text("Bổ sung biên nhận bị sót của chi hội ấp 3")
    expect(row.get_by_role("link", name="Mở lại")).to_have_count(0)
    admin.screenshot("periods-reopened")


def test_volunteers_have_no_periods_page(visit) -> None:
    lan = visit("lan")
    expect(lan.page.get_by_role("navigation", name="Chức năng")).to_contain_text("Biên nhận")
    expect(lan.page.get_by_role("link", name="Khóa sổ")).to_have_count(0)
