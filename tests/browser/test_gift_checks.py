"""The gift form asks twice before a mistake costs a receipt: a large amount is read out in words
and confirmed, and the gift just saved, sent again, is shown with its receipt first."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import WIDTHS

SAVE = "Lưu và cấp biên nhận"
RECEIPT_URL = re.compile(r"/receipts/(\d+)$")


def _saved(visitor) -> int:
    visitor.page.wait_for_url(RECEIPT_URL)
    return int(RECEIPT_URL.search(visitor.page.url).group(1))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_large_amount_is_read_in_words_and_confirmed(visit, width: int) -> None:
    lan = visit("lan", width=width)
    page = lan.page
    amount, words = {
        360: ("5000000000000", "Năm nghìn tỷ đồng"),
        1280: ("250000000", "Hai trăm năm mươi triệu đồng"),
    }[width]
    lan.start_gift("nguyen thi hong", "Nguyễn Thị Hồng", amount)
    page.get_by_role("button", name=SAVE).click()

    page.wait_for_load_state()
    assert page.url.endswith("/gifts/new")
    assert "mà đơn vị yêu cầu xác nhận lại" in page.get_by_role("alert").inner_text()
    assert page.locator("#large-words").inner_text() == words
    confirm = page.get_by_label(re.compile("Tôi đã kiểm tra: số tiền đúng là"))
    expect(confirm).to_be_visible()
    assert not confirm.is_checked()
    assert page.get_by_label("Số tiền (đồng)").input_value() == re.sub(r"\B(?=(\d{3})+$)", ".", amount)
    lan.screenshot("gift-large-confirm")

    confirm.check()
    page.get_by_role("button", name=SAVE).click()
    _saved(lan)
    assert words in page.locator("main").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_gift_sent_again_after_back_shows_the_first_receipt(visit, width: int) -> None:
    lan = visit("lan", width=width)
    page = lan.page
    amount = f"{310_000 + width}"
    lan.start_gift("tran van duc", "Trần Văn Đức", amount)
    page.get_by_role("button", name=SAVE).click()
    first = _saved(lan)
    first_number = page.get_by_role("heading", level=1).inner_text()

    page.go_back()
    page.wait_for_url(re.compile("/gifts/new$"))
    if not page.get_by_label("Số tiền (đồng)").input_value():
        lan.start_gift("tran van duc", "Trần Văn Đức", amount)
    page.get_by_role("button", name=SAVE).click()

    page.wait_for_load_state()
    assert page.url.endswith("/gifts/new")
    warning = page.locator("#confirm-duplicate")
    link = warning.get_by_role("link")
    assert link.get_attribute("href") == f"/receipts/{first}"
    assert link.inner_text().removeprefix("số ") in first_number
    lan.screenshot("gift-duplicate-warning")

    page.get_by_label(re.compile("Đây là một đóng góp khác")).check()
    page.get_by_role("button", name=SAVE).click()
    assert _saved(lan) != first


@pytest.mark.parametrize("width", WIDTHS)
def test_a_bank_transfer_keeps_its_reference(visit, live_server, width: int) -> None:
    lan = visit("lan", width=width)
    page = lan.page
    lan.start_gift("nguyen thi hong", "Nguyễn Thị Hồng", f"{1_200_000 + width}")
    reference = page.get_by_label("Mã giao dịch (theo sao kê)")
    expect(reference).to_be_hidden()  # cash has none
    page.get_by_label("Hình thức").select_option(label="Chuyển khoản")
    expect(reference).to_be_visible()
    reference.fill("FT24263 908172")
    lan.screenshot("gift-transfer-reference")
    page.get_by_role("button", name=SAVE).click()
    receipt_id = _saved(lan)

    with sqlite3.connect(live_server.database_url.removeprefix("sqlite+aiosqlite:///")) as db:
        stored = db.execute(
            "SELECT d.cash_method, d.cash_reference FROM donation d JOIN receipt r ON r.donation_id = d.id"
            " WHERE r.id = ?",
            (receipt_id,),
        ).fetchone()
    assert stored == ("bank_transfer", "FT24263 908172")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_form_sent_as_it_opens_says_what_is_missing(visit, width: int) -> None:
    hoa = visit("hoa", width=width)
    page = hoa.page
    hoa.go("/gifts/new")
    page.get_by_role("button", name=SAVE).click()

    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    assert "Cần nhập số tiền hoặc ít nhất một dòng hàng." in alert.inner_text()
    hoa.screenshot("gift-form-untouched")
