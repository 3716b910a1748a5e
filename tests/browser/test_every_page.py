"""Every page opens without errors for the people who use it, at phone and desktop widths, and is
saved as a screenshot under var/screenshots/ to be looked at."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS
from tests.support import pdf_pages

COORDINATOR_PAGES = {
    "home": "/",
    "gift-form-empty": "/gifts/new",
    "receipts": "/receipts",
    "drives": "/drives",
    "drive-new": "/drives/new",
    "donors": "/donors",
    "donors-search": "/donors?q=nguyen",
    "registers": "/registers",
    "registers-distributions": "/registers?kind=distributions",
    "beneficiary-import-form": "/beneficiaries/import",
    "beneficiaries": "/beneficiaries",
    "beneficiary-new": "/beneficiaries/new",
    "beneficiary-duplicates": "/beneficiaries/duplicates",
    "beneficiary-categories": "/beneficiaries/categories",
    "distributions": "/distributions",
    "distribution-new": "/distributions/new",
    "rounds": "/rounds",
    "round-new": "/rounds/new",
}
ADMIN_PAGES = {"admin-home": "/", "admin-units": "/admin/units", "admin-users": "/admin/users"}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_opens_and_is_captured(visit, width: int) -> None:
    anonymous = visit(width=width)
    anonymous.go("/login")
    anonymous.screenshot("login")
    assert anonymous.go("/verify/not-a-real-token").status == 404
    anonymous.screenshot("verify-unknown")

    hoa = visit("hoa", width=width)
    page = hoa.page
    # One gift per width: the same gift again within minutes would be asked about first.
    hoa.start_gift("nguyen thi hong", "Nguyễn Thị Hồng", f"{1_250_000 + width}")
    hoa.screenshot("gift-form")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    hoa.screenshot("receipt")
    pdf = page.request.get(
        hoa.server.url + page.get_by_role("link", name="Xem", exact=True).get_attribute("href")
    )
    text = "".join(pdf_pages(pdf.body()))
    verify_path = re.search(r"/verify/[\w-]+", text.replace("\n", ""))
    assert verify_path
    anonymous.go(verify_path.group())
    assert anonymous.page.get_by_role("status").inner_text() == "Biên nhận hợp lệ"
    anonymous.screenshot("verify")

    hoa.go("/receipts")
    page.get_by_role("button", name="Hủy").first.click()
    hoa.screenshot("void-dialog")
    page.get_by_role("button", name="Không hủy").click()

    for name, path in COORDINATOR_PAGES.items():
        assert hoa.go(path).status == 200, path
        expect(hoa.page.get_by_role("heading", level=1)).to_be_visible()
        hoa.screenshot(name)
    hoa.go("/drives")
    hoa.page.get_by_role("link", name=re.compile("Hũ gạo tình thương")).first.click()
    hoa.screenshot("drive")
    hoa.page.get_by_role("link", name="Tồn kho").click()
    expect(hoa.page.get_by_role("heading", level=1)).to_contain_text("Tồn kho")
    hoa.screenshot("drive-stock")
    hoa.page.go_back()
    hoa.page.get_by_role("link", name="Sửa").click()
    hoa.screenshot("drive-edit")
    hoa.go("/donors?q=nguyen thi hong")
    hoa.page.get_by_role("link", name="Nguyễn Thị Hồng").click()
    hoa.screenshot("donor")

    admin = visit("admin", width=width)
    for name, path in ADMIN_PAGES.items():
        assert admin.go(path).status == 200, path
        admin.screenshot(name)

    for visitor in (hoa, admin):
        # Nothing wider than the window: a phone never scrolls sideways to reach a field or a button.
        for path in (*COORDINATOR_PAGES.values(), "/gifts/new"):
            if visitor is admin and path not in ADMIN_PAGES.values():
                continue
            visitor.go(path)
            overflow = visitor.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
