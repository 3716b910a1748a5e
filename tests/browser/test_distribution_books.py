"""After an appeal stops receiving, its coordinator sees on the home page when it must have given
everything out and what is left; the drive page says what came in, went out and is held, and the
auditor finds each distribution in the distributions register."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import APIRequestContext, expect

from charity.clock import format_date, local_today
from tests.browser.conftest import PASSWORDS, WIDTHS

TODAY = local_today()


def _api(request: APIRequestContext, url: str, who: str) -> Any:
    token = request.post(f"{url}/api/auth/token", data={"username": who, "password": PASSWORDS[who]})
    assert token.ok, token.text()
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    def send(method: str, path: str, body: object = None) -> Any:
        answer = request.fetch(f"{url}{path}", method=method, headers=headers, data=body)
        assert answer.ok, answer.text()
        return answer.json()

    return send


@pytest.mark.parametrize("width", WIDTHS)
def test_an_appeal_past_its_window_shows_its_deadline_what_went_out_and_what_is_left(
    visit, width: int
) -> None:
    hoa = visit("hoa", width=width)
    send = _api(hoa.page.request, hoa.server.url, "hoa")
    unit_id = send("GET", "/api/me")["user"]["memberships"][0]["unit_id"]
    rice = next(t for t in send("GET", "/api/item-types?limit=100")["items"] if t["name"] == "Gạo")
    ended = TODAY - timedelta(days=5)
    name = f"Cứu trợ lũ tháng 11 ({width})"
    drive = send(
        "POST",
        "/api/drives",
        {
            "unit_id": unit_id,
            "name": name,
            "kind": "appeal",
            "starts_on": (ended - timedelta(days=30)).isoformat(),
            "ends_on": ended.isoformat(),
            "items": [{"item_type_id": rice["id"]}],
        },
    )
    send("POST", f"/api/drives/{drive['id']}/open")
    donor = send("GET", "/api/donors?q=nguyen%20thi%20hong")["items"][0]
    send(
        "POST",
        "/api/donations",
        {
            "drive_id": drive["id"],
            "received_on": ended.isoformat(),
            "donor": {"id": donor["id"]},
            "cash": {"amount": 5_000_000, "method": "bank_transfer"},
            "items": [{"item_type_id": rice["id"], "quantity": "500", "unit_value": 18_000}],
            "confirm_duplicate": True,
            "confirm_large": True,
        },
    )
    given = send(
        "POST",
        "/api/distributions",
        {
            "drive_id": drive["id"],
            "purpose": "essentials",
            "group": {"place": "Nhà văn hóa thôn 3", "count": 40, "description": "Hộ bị ngập"},
            "items": [{"item_type_id": rice["id"], "quantity": "200"}],
            "cash": {"amount": 2_000_000, "method": "cash"},
            "handed_over_on": TODAY.isoformat(),
        },
    )

    page = hoa.page
    hoa.go("/")
    appeal = page.locator("article.appeal-due", has_text=name)
    expect(appeal).to_contain_text(f"Hạn phân phối: {format_date(ended + timedelta(days=20))} (còn 15 ngày)")
    expect(appeal).to_contain_text("Chưa phân phối: 3.000.000 đ · 300 kg Gạo")
    hoa.screenshot("home-appeal-deadline")

    appeal.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    flows = page.locator("table.flows")
    expect(flows.locator("tr", has_text="Gạo")).to_contain_text("500 kg")
    expect(flows.locator("tr", has_text="Gạo")).to_contain_text("đã trao 200 kg")
    expect(flows.locator("tr", has_text="Gạo")).to_contain_text("300 kg")
    expect(flows.locator("tr", has_text="Tiền")).to_contain_text("3.000.000 đ")
    expect(page.locator(".tile", has_text="Hộ đã nhận")).to_contain_text("40 người, suất theo nhóm")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    hoa.screenshot("drive-in-out-held")

    mai = visit("mai", width=width)
    mai.go("/registers")
    form = mai.page.get_by_role("form", name="Lọc sổ đăng ký")
    form.get_by_label("Sổ").select_option(label="Sổ theo dõi trao tặng")
    form.get_by_label("Cuộc vận động").select_option(label=name)
    form.get_by_role("button", name="Xem").click()
    expect(mai.page.get_by_role("heading", level=2)).to_have_text("Sổ theo dõi trao tặng")
    line = mai.page.locator("table.distributions-register tbody tr", has_text=given["number"])
    expect(line).to_contain_text("Hộ bị ngập, Nhà văn hóa thôn 3: 40")
    expect(line).to_contain_text("2.000.000 đ")
    expect(mai.page.locator("table.distributions-register tfoot")).to_contain_text("Cộng 1 phiếu đã trao")
    assert mai.page.evaluate("document.documentElement.scrollWidth") <= width
    mai.screenshot("distributions-register")
