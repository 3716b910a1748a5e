"""What a donor who scans a QR code or types a wrong address sees: Vietnamese pages, and never the
staff's sign-in form as the way home."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path", ["/verify/", "/verify/khong-phai-ma-that", "/khong-co-trang-nay", "/receipts/abc"]
)
def test_a_wrong_public_address_answers_in_vietnamese_without_the_sign_in_form(
    visit, width: int, path: str
) -> None:
    donor = visit(width=width)
    answer = donor.go(path)
    assert answer.status == 404
    text = donor.page.locator("main").inner_text()
    assert "Không tìm thấy" in donor.page.get_by_role("heading", level=1).inner_text()
    assert "Not Found" not in text
    hrefs = donor.page.locator("a").evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert not [href for href in hrefs if href and href.startswith("/login")]
    donor.screenshot("not-found-" + path.strip("/").replace("/", "-"))
