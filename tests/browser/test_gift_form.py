"""A volunteer on a phone records gifts and gets their receipts."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import RICE_DRIVE, new_donor_with_rice
from tests.support import pdf_pages

NUMBER = re.compile(r"\d{2}-\d{4}/\d{5}")


def _receipt_number(visitor) -> str:
    heading = visitor.page.get_by_role("heading", level=1).inner_text()
    found = NUMBER.search(heading)
    assert found, heading
    return found.group()


def test_a_volunteer_records_a_cash_gift_and_a_rice_gift_and_opens_the_receipt(visit) -> None:
    lan = visit("lan", width=360)
    page = lan.page
    page.get_by_role("link", name="Ghi nhận", exact=True).click()
    page.get_by_label("Cuộc vận động").select_option(label=RICE_DRIVE)
    page.get_by_label("Tìm nhà hảo tâm đã có").fill("nguyen thi hong")
    page.get_by_role("button", name=re.compile("Nguyễn Thị Hồng")).click()
    assert "Nguyễn Thị Hồng" in page.locator("#donor-chosen").inner_text()
    amount = page.get_by_label("Số tiền (đồng)")
    amount.press_sequentially("500000")
    assert amount.input_value() == "500.000"
    lan.screenshot("gift-form")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()

    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    first = _receipt_number(lan)
    body = page.locator("main").inner_text()
    assert "Nguyễn Thị Hồng" in body
    assert "500.000 đ" in body
    assert "Năm trăm nghìn đồng" in body
    lan.screenshot("receipt")

    pdf_link = page.get_by_role("link", name="Xem", exact=True)
    response = page.request.get(lan.server.url + pdf_link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    text = "".join(pdf_pages(response.body()))
    assert first.split("/")[1] in text
    assert "Nguyễn Thị Hồng" in text

    page.get_by_role("link", name="Ghi tiếp").click()
    assert re.search(
        "Hũ gạo tình thương", page.get_by_label("Cuộc vận động").locator("option:checked").inner_text()
    )
    new_donor_with_rice(page, "Phạm Thị Mai", "0907 112 233", "12,5")
    page.get_by_label("Địa chỉ").fill("Ấp Rừng Sến, xã Hòa Khánh Tây")
    page.locator(".goods-line").last.get_by_label("Đơn giá ước tính (đồng)").press_sequentially("18000")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()

    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    second = _receipt_number(lan)
    assert second != first
    body = page.locator("main").inner_text()
    assert "Phạm Thị Mai" in body
    assert "12,5" in body
    assert "kg" in body
    assert "225.000 đ" in body
    assert "Hai trăm hai mươi lăm nghìn đồng" in body


def test_a_form_with_an_error_comes_back_with_everything_typed(visit) -> None:
    lan = visit("lan", width=360)
    page = lan.page
    lan.go("/gifts/new")
    page.get_by_label("Cuộc vận động").select_option(label=RICE_DRIVE)
    new_donor_with_rice(page, "Võ Thị Sáu", "0909 000 111", "mười ký")
    page.get_by_label("Ghi chú").fill("Gửi tặng bà con vùng lũ")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()

    page.wait_for_load_state()
    assert page.url.endswith("/gifts/new")
    expect(page.get_by_role("alert")).to_be_visible()
    line = page.locator(".goods-line").last
    assert line.locator(".field-error").inner_text() == "Số lượng phải là một số, ví dụ 12,5."
    assert line.get_by_label("Số lượng").input_value() == "mười ký"
    assert line.get_by_label("Số lượng").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Họ và tên (hoặc tên tổ chức)").input_value() == "Võ Thị Sáu"
    assert page.get_by_label("Số điện thoại").input_value() == "0909 000 111"
    assert page.get_by_label("Ghi chú").input_value() == "Gửi tặng bà con vùng lũ"
    assert "Hũ gạo tình thương" in page.get_by_label("Cuộc vận động").locator("option:checked").inner_text()
    lan.screenshot("gift-form-error")

    line.get_by_label("Số lượng").fill("10")
    page.get_by_role("button", name="Lưu và cấp biên nhận").click()
    page.wait_for_url(re.compile(r"/receipts/\d+$"))
    assert "Võ Thị Sáu" in page.locator("main").inner_text()


def test_a_double_submit_or_a_form_sent_again_issues_one_receipt(visit, live_server) -> None:
    lan = visit("lan", width=360)
    page = lan.page
    lan.start_gift("tran van duc", "Trần Văn Đức", "300000")
    # The form as it stands is what a browser would send again after a lost answer.
    sent_twice = page.evaluate(
        """async () => {
            const form = document.querySelector("form.gift-form");
            const urls = [];
            for (let i = 0; i < 2; i++) {
                const response = await fetch(form.action, {method: "POST", body: new FormData(form)});
                urls.push(response.url);
            }
            return urls;
        }"""
    )
    assert sent_twice[0] == sent_twice[1]
    assert re.search(r"/receipts/\d+$", sent_twice[0])

    lan.start_gift("tran van duc", "Trần Văn Đức", "700000")
    page.get_by_role("button", name="Lưu và cấp biên nhận").dblclick()
    page.wait_for_url(re.compile(r"/receipts/\d+$"))

    lan.go("/receipts")
    rows = page.locator("table.list tbody tr", has_text="Trần Văn Đức")
    totals = sorted(rows.locator("td.num").all_inner_texts())
    assert totals == ["300.000 đ", "700.000 đ"]
