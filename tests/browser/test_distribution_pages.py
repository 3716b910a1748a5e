"""Giving out in the browser: a coordinator drafts a round of five households on the rice-jar drive,
a second coordinator approves it, prints its signature list and marks it handed over with one
household absent, and the drive's goods book shows the rice that went out and what is left. Then a
single distribution to a household that has just received: the form warns that it is too soon, and
the coordinator gives anyway with a reason. Every form sent as it was left says, in Vietnamese, what
is missing."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import APIRequestContext, Page, Response, expect

from charity.clock import local_today
from tests.browser.conftest import PASSWORDS, RICE_DRIVE, Visitor

HOUSEHOLDS = (
    "Nguyễn Thị Bé",
    "Trần Văn Cường",
    "Lê Thị Dung",
    "Phạm Văn Em",
    "Võ Thị Gấm",
    "Đỗ Văn Hải",
)
ABSENT = "Lê Thị Dung"
TODAY = local_today().isoformat()
LIVING = "Hỗ trợ đời sống"


def _send(page: Page, button: str) -> int:
    """Press a form's button; the status of the page it leads to (after a redirect, the page shown)."""

    def shown(response: Response) -> bool:
        return response.request.resource_type == "document" and not 300 <= response.status < 400

    with page.expect_response(shown) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    return answer.value.status


def _fits(page: Page) -> None:
    """Nothing wider than the window: a phone never scrolls sideways to reach a field or a button."""
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, page.url


def _api(request: APIRequestContext, url: str, username: str) -> dict[str, str]:
    answer = request.post(
        f"{url}/api/auth/token", data={"username": username, "password": PASSWORDS[username]}
    )
    assert answer.ok, answer.text()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _arrange(visitor: Visitor) -> dict[str, Any]:
    """What the commune has before giving: six households proposed by its volunteer with their consent
    to receive support and verified by its coordinator, and 300 kg of rice and 5.000.000 đ given to
    the rice-jar drive. Arranged through the API, as the other pages that make them are tested on
    their own."""
    request, url = visitor.page.request, visitor.server.url
    lan, hoa = _api(request, url, "lan"), _api(request, url, "hoa")
    units = request.get(f"{url}/api/units", headers=hoa).json()
    commune = next(unit for unit in units["items"] if unit["code"] == "LA-DH-HKT")
    drives = request.get(f"{url}/api/drives", headers=hoa, params={"unit_id": commune["id"]}).json()
    drive = next(drive for drive in drives["items"] if drive["name"] == RICE_DRIVE)
    items = request.get(f"{url}/api/item-types", headers=hoa).json()
    rice = next(item for item in items["items"] if item["name"] == "Gạo")
    for n, name in enumerate(HOUSEHOLDS):
        proposed = request.post(
            f"{url}/api/beneficiaries",
            headers=lan,
            data={
                "unit_id": commune["id"],
                "name": name,
                "hamlet": f"Ấp {n % 3 + 1}",
                "address": f"{n + 10} đường Rừng Sến",
                "consent": {"purposes": ["support"], "method": "signed_form", "given_on": TODAY},
            },
        )
        assert proposed.status == 201, proposed.text()
        verified = request.post(
            f"{url}/api/beneficiaries/{proposed.json()['id']}/verify",
            headers=hoa,
            data={"meeting_date": TODAY, "minutes_number": "12/BB-PN"},
        )
        assert verified.ok, verified.text()
    gift = request.post(
        f"{url}/api/donations",
        headers=hoa,
        data={
            "drive_id": drive["id"],
            "received_on": TODAY,
            "donor": {"name": "Doanh nghiệp tư nhân Gạo Thành Phát", "kind": "organisation"},
            "cash": {"amount": 5_000_000, "method": "cash"},
            "items": [{"item_type_id": rice["id"], "quantity": "300", "unit_value": 20_000}],
            "confirm_large": True,
            "confirm_duplicate": True,
        },
    )
    assert gift.status == 201, gift.text()
    return {"drive_id": drive["id"], "rice_id": rice["id"]}


def _limit_to_once_a_month(hoa: Visitor, drive_id: int) -> None:
    """On the drive form: each household receives at most once in 30 days, for living and meals."""
    hoa.go(f"/drives/{drive_id}/edit")
    page = hoa.page
    page.get_by_label("Mỗi đối tượng nhận cách nhau ít nhất … ngày").fill("30")
    page.get_by_label(LIVING).check()
    page.get_by_label("Suất ăn, bữa cơm từ thiện").check()
    hoa.screenshot("drive-edit-limits")
    assert _send(page, "Lưu") == 200
    expect(page.locator("dl.facts")).to_contain_text("cách nhau ít nhất 30 ngày")


def test_a_round_is_drafted_approved_printed_and_handed_over_and_a_warned_distribution_given(visit) -> None:
    hoa = visit("hoa", width=1280)
    page = hoa.page
    arranged = _arrange(hoa)
    drive_id = arranged["drive_id"]
    _limit_to_once_a_month(hoa, drive_id)

    # Hoa drafts the round from the drive's page; the form sent as it comes says what is missing.
    hoa.go(f"/drives/{drive_id}")
    page.get_by_role("link", name="+ Lập đợt trao").click()
    expect(page.get_by_role("heading", name="Lập đợt trao", level=1)).to_be_visible()
    expect(page.get_by_label("Ngày dự kiến trao")).to_have_value(TODAY)
    expect(page.locator("#held-" + str(arranged["rice_id"]))).to_have_text("Trong kho: 300 kg")
    hoa.screenshot("round-form")
    assert _send(page, "Lưu đợt trao (chờ duyệt)") == 422
    expect(page.get_by_role("alert")).to_contain_text("Chọn mục đích trao.")
    expect(page.locator("#err-purpose")).to_have_text("Chọn mục đích trao.")
    hoa.screenshot("round-form-refused")

    page.get_by_label("Tên đợt trao").fill("Trao gạo tháng này")
    page.get_by_label("Nơi trao").fill("Hội trường ấp Rừng Sến")
    page.get_by_label("Mục đích").select_option(label=LIVING)
    page.get_by_label("Người trao").fill("Trần Thị Hoa")
    page.get_by_label("Đại diện đơn vị").fill("Nguyễn Thị Hạnh")
    page.get_by_label("Đại diện chính quyền địa phương (chứng kiến)").fill("Lê Văn Tâm")
    page.get_by_label("Số tiền (đồng)").fill("200000")
    expect(page.get_by_label("Số tiền (đồng)")).to_have_value("200.000")
    page.get_by_label("Gạo (kg)").fill("10")
    for name in HOUSEHOLDS[:5]:
        page.get_by_label(name).check()
    assert _send(page, "Lưu đợt trao (chờ duyệt)") == 200
    page.wait_for_url(re.compile(r"/rounds/\d+$"))
    round_url = page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dự thảo, chờ duyệt")
    expect(page.get_by_role("status")).to_have_text(
        "Bạn lập đợt trao này: cần một điều phối viên khác duyệt."
    )
    expect(page.get_by_role("button", name="Duyệt")).to_have_count(0)
    lines = page.locator("table.round-lines tbody tr")
    expect(lines).to_have_count(5)
    expect(page.locator("dl.facts")).to_contain_text("1.000.000 đ; 50 kg Gạo")
    hoa.screenshot("round-draft")

    # Binh, the other coordinator, approves it on a phone and prints the signature list.
    binh = visit("binh", width=360)
    phone = binh.page
    binh.go(round_url.removeprefix(binh.server.url))
    _fits(phone)
    assert _send(phone, "Duyệt") == 200
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Đã duyệt, chờ trao")
    pdf = phone.request.get(
        binh.server.url + phone.get_by_role("link", name="In danh sách ký nhận").get_attribute("href")
    )
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")

    # The round is handed over in one step: everyone received but one household, absent.
    absent = phone.locator("table.round-lines tbody tr", has_text=ABSENT)
    absent.get_by_label("Vắng mặt").check()
    absent.get_by_placeholder("Ghi chú").fill("Đi làm xa, hẹn nhận sau")
    expect(phone.get_by_label("Ngày trao")).to_have_value(TODAY)
    _fits(phone)
    binh.screenshot("round-approved")
    assert _send(phone, "Đánh dấu đã trao") == 200
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Đã trao")
    rows = phone.locator("table.round-lines tbody tr")
    expect(rows.filter(has_text="Đã trao")).to_have_count(4)
    expect(rows.filter(has_text=ABSENT)).to_contain_text("Vắng mặt")
    expect(rows.filter(has_text=ABSENT)).to_contain_text("Chờ trao")
    _fits(phone)
    binh.screenshot("round-handed-over")

    # The goods book: 40 kg out with the round, 260 kg left.
    hoa.go(f"/drives/{drive_id}/books/goods")
    book = page.locator("table.book")
    expect(book.locator("tbody tr", has_text="Trao tặng")).to_have_count(4)
    expect(book.locator("tfoot tr").last.locator("td.quantity").last).to_have_text("260")
    hoa.screenshot("goods-book-after-round")

    # A single distribution: sent as it comes, it says what is missing; to a household that has just
    # received it warns, and Hoa gives anyway with a reason.
    hoa.go(f"/distributions/new?drive_id={drive_id}")
    expect(page.get_by_label("Ngày trao")).to_have_value(TODAY)
    assert _send(page, "Lưu phiếu trao") == 422
    expect(page.locator("#err-purpose")).to_have_text("Chọn mục đích trao.")
    page.get_by_label("Mục đích").select_option(label=LIVING)
    assert _send(page, "Lưu phiếu trao") == 422
    expect(page.locator("#err-beneficiary_id")).to_contain_text("Chọn đối tượng nhận")
    first = page.locator("#beneficiary_id option", has_text=HOUSEHOLDS[0]).get_attribute("value")
    page.get_by_label("Đối tượng", exact=True).select_option(first)
    page.get_by_label("Gạo (kg)").fill("10")
    assert _send(page, "Lưu phiếu trao") == 409
    expect(page.locator("#err-override_reason")).to_contain_text("cách nhau ít nhất 30 ngày")
    hoa.screenshot("distribution-too-soon")
    page.get_by_label("Lý do vẫn trao").fill("Nhà bị sập mái sau mưa lớn, cần gạo ngay")
    page.get_by_label("Gạo (kg)").fill("1.000")
    assert _send(page, "Lưu phiếu trao") == 409
    expect(page.locator(f"#err-item-{arranged['rice_id']}")).to_contain_text("chỉ còn 260 kg Gạo")
    page.get_by_label("Gạo (kg)").fill("10")
    assert _send(page, "Lưu phiếu trao") == 200
    page.wait_for_url(re.compile(r"/distributions/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã trao")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(HOUSEHOLDS[0])
    expect(facts).to_contain_text("10 kg, giá trị sổ sách 200.000 đ")
    expect(facts).to_contain_text("Nhà bị sập mái sau mưa lớn")
    expect(page.get_by_role("link", name="In biên bản")).to_have_attribute(
        "href", re.compile(r"/distributions/\d+/pdf$")
    )
    hoa.screenshot("distribution")
    # Voiding asks for a reason before anything changes.
    page.once("dialog", lambda dialog: dialog.accept())
    assert _send(page, "Hủy phiếu trao") == 422
    expect(page.locator("#err-reason")).to_have_text("Cần ghi lý do hủy.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã trao")

    # A second round, cancelled: not without a reason.
    hoa.go(f"/rounds/new?drive_id={drive_id}")
    page.get_by_label("Tên đợt trao").fill("Đợt lập nhầm")
    page.get_by_label("Mục đích").select_option(label=LIVING)
    page.get_by_label("Gạo (kg)").fill("5")
    page.get_by_label(HOUSEHOLDS[5]).check()
    assert _send(page, "Lưu đợt trao (chờ duyệt)") == 200
    page.once("dialog", lambda dialog: dialog.accept())
    assert _send(page, "Hủy đợt trao") == 422
    expect(page.locator("#err-reason")).to_have_text("Cần ghi lý do hủy.")
    page.get_by_label("Lý do hủy").fill("Lập nhầm cuộc vận động")
    page.once("dialog", lambda dialog: dialog.accept())
    assert _send(page, "Hủy đợt trao") == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đã hủy")


def test_the_giving_pages_open_at_phone_and_desk_widths(visit) -> None:
    for width in (360, 1280):
        hoa = visit("hoa", width=width)
        page = hoa.page
        for name, path in (
            ("distributions", "/distributions"),
            ("distribution-form", "/distributions/new"),
            ("rounds", "/rounds"),
            ("round-form", "/rounds/new"),
        ):
            assert hoa.go(path).status == 200, path
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            _fits(page)
            hoa.screenshot(f"{name}-{width}")
        page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Trao tặng").click()
        expect(page.get_by_role("heading", name="Trao tặng", level=1)).to_be_visible()
    mai = visit("mai", width=360)
    mai.go("/distributions")
    expect(mai.page.get_by_role("link", name="+ Trao tặng")).to_have_count(0)
    _fits(mai.page)
