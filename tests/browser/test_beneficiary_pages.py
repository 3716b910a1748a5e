"""The registry of beneficiaries in the browser: a volunteer proposes a household on a phone with the
person's consent, another person (the commune's coordinator) verifies it at a desk, and a second
entry with the same CCCD number shows the record already there side by side with what was typed,
to open it or to say, with a reason, that it is someone else."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, Response, expect

from charity.clock import local_today

CCCD = "080162001234"
PHONE = "0918 273 645"


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


def _the_same_person(page: Page, name: str) -> None:
    """The propose form with another entry of the household's head: same CCCD, a name spelled otherwise."""
    page.locator("#name").fill(name)
    page.get_by_label("Giới tính").first.select_option(label="Nữ")
    page.get_by_label("Năm sinh").first.fill("1962")
    page.get_by_label("Thôn, ấp, tổ").fill("Ấp Chánh")
    page.locator("#id_number").fill(CCCD)
    page.get_by_label("Lưu số CCCD và thông tin sức khỏe, khuyết tật").check()


def test_a_household_is_proposed_on_a_phone_verified_at_a_desk_and_not_entered_twice(visit) -> None:
    lan = visit("lan", width=360)
    page = lan.page
    page.get_by_role("navigation", name="Chức năng").get_by_role("link", name="Đối tượng").click()
    expect(page.get_by_role("heading", name="Đối tượng thụ hưởng", level=1)).to_be_visible()
    page.get_by_role("link", name="+ Đề xuất đối tượng").click()
    expect(page.get_by_role("heading", name="Đề xuất đối tượng", level=1)).to_be_visible()
    # Lan proposes for her commune alone: it is chosen; a household is what is proposed most.
    expect(page.get_by_label("Đơn vị")).to_have_value(re.compile(r"\d+"))
    expect(page.get_by_role("radio", name="Hộ gia đình")).to_be_checked()
    expect(page.get_by_label("Ngày đồng ý")).to_have_value(local_today().isoformat())
    expect(page.locator("#witness")).to_be_hidden()
    _fits(page)

    page.locator("#name").fill("Nguyễn Thị Bé")
    page.get_by_label("Giới tính").first.select_option(label="Nữ")
    page.get_by_label("Năm sinh").first.fill("1962")
    page.get_by_label("Thôn, ấp, tổ").fill("Ấp Chánh")
    page.get_by_label("Số điện thoại").fill(PHONE)
    page.locator("#id_number").fill(CCCD)
    page.get_by_label("Hộ nghèo", exact=True).check()
    page.get_by_label("Hoàn cảnh", exact=True).fill("Chồng mất, nuôi hai cháu nội mồ côi.")
    page.locator("#health").fill("Tiểu đường, mắt kém.")
    members = page.locator(".member-row")
    members.nth(0).get_by_label("Họ và tên").fill("Trần Văn Tí")
    members.nth(0).get_by_label("Quan hệ với chủ hộ").fill("cháu nội")
    members.nth(0).get_by_label("Năm sinh").fill("2012")
    page.get_by_role("button", name="+ Thêm thành viên").click()
    added = page.locator(".member-row").last
    expect(added.get_by_label("Họ và tên")).to_be_focused()
    added.get_by_label("Họ và tên").fill("Trần Thị Tèo")
    added.get_by_label("Quan hệ với chủ hộ").fill("cháu nội")
    page.get_by_label("Nhận hỗ trợ").check()
    page.get_by_label("Lưu số CCCD và thông tin sức khỏe, khuyết tật").check()
    page.get_by_label("Trực tiếp, có người làm chứng").check()
    page.locator("#witness").fill("Lê Văn Hai, trưởng ấp")
    _fits(page)
    lan.screenshot("beneficiary-new")
    assert _send(page, "Lưu đề xuất") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã đề xuất đối tượng.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Thị Bé")
    record_url = page.url.split("?")[0]
    # What a volunteer's role may not see is not on her page, though she typed it.
    main = page.locator("main")
    for secret in (CCCD, "1234", "0918273645", "Tiểu đường", "Trần Văn Tí"):
        expect(main).not_to_contain_text(secret)
    expect(main).to_contain_text("Không hiển thị với vai trò của bạn")
    expect(main).to_contain_text("Nhận hỗ trợ; lưu số CCCD")
    expect(main).to_contain_text("Chưa đủ điều kiện")
    _fits(page)
    lan.screenshot("beneficiary-volunteer")

    hoa = visit("hoa", width=1280)
    desk = hoa.page
    hoa.go("/beneficiaries?q=nguyen thi be")
    row = desk.locator("table.beneficiary-list tbody tr", has_text="Nguyễn Thị Bé")
    expect(row).to_contain_text("Đề xuất")
    expect(row).to_contain_text("Hộ nghèo")
    hoa.screenshot("beneficiaries")
    row.get_by_role("link", name="Nguyễn Thị Bé").click()
    expect(desk.locator("main")).to_contain_text(CCCD)
    expect(desk.locator("main")).to_contain_text("Tiểu đường, mắt kém.")
    expect(desk.locator("table.members")).to_contain_text("Trần Thị Tèo")
    expect(desk.locator("main")).to_contain_text(
        "Trực tiếp, có người làm chứng (người làm chứng: Lê Văn Hai, trưởng ấp)"
    )
    desk.locator("summary", has_text=re.compile(r"^Công nhận$")).click()
    # The verify form as it opens names no meeting: it says so.
    assert _send(desk, "Công nhận") == 422
    expect(desk.get_by_role("alert")).to_contain_text("Cần ghi ngày họp bình xét hoặc số biên bản cuộc họp.")
    desk.get_by_label("Ngày họp bình xét").first.fill(local_today().isoformat())
    desk.get_by_label("Số biên bản").first.fill("12/BB-HPN")
    assert _send(desk, "Công nhận") == 200
    expect(desk.get_by_role("status")).to_contain_text("Đã công nhận đối tượng.")
    expect(desk.locator(".badges")).to_contain_text("Đã công nhận")
    expect(desk.locator(".badges")).to_contain_text("Đủ điều kiện nhận hỗ trợ")
    expect(desk.locator("main")).to_contain_text("biên bản số 12/BB-HPN")
    hoa.screenshot("beneficiary-coordinator")

    # The same woman entered again on the phone: the record already there shows beside what was typed,
    # as much of it as a volunteer may see.
    lan.go("/beneficiaries/new")
    _the_same_person(page, "Nguyễn T. Bé")
    assert _send(page, "Lưu đề xuất") == 409
    duplicates = page.locator("#duplicates")
    expect(duplicates).to_contain_text("Có thể đã có trong danh sách")
    expect(duplicates).to_contain_text("Trùng số CCCD")
    compared = duplicates.locator("table.compare")
    expect(compared).to_contain_text("Nguyễn Thị Bé")
    expect(compared).to_contain_text("Nguyễn T. Bé")
    expect(compared.locator("tr", has_text="Số CCCD")).to_contain_text("Không hiển thị")
    expect(page.locator("#name")).to_have_value("Nguyễn T. Bé")
    _fits(page)
    lan.screenshot("beneficiary-duplicate")
    duplicates.get_by_role("link", name="Mở hồ sơ đã có").click()
    assert page.url == record_url
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Thị Bé")

    # At the desk the coordinator knows them apart: not this person, and why.
    hoa.go("/beneficiaries/new")
    _the_same_person(desk, "Nguyễn Thị Bé Hai")
    assert _send(desk, "Lưu đề xuất") == 409
    expect(desk.locator("#duplicates table.compare")).to_contain_text(CCCD)
    hoa.screenshot("beneficiary-duplicate")
    desk.get_by_label("Không phải người này").check()
    assert _send(desk, "Lưu đề xuất") == 422
    expect(desk.get_by_role("alert")).to_contain_text(
        "Cần ghi lý do đây không phải người đã có trong danh sách."
    )
    expect(desk.get_by_label("Không phải người này")).to_be_checked()
    desk.get_by_label("Vì sao không phải cùng một người?").fill(
        "Hai chị em sinh đôi; CCCD của em sẽ được kiểm tra lại"
    )
    assert _send(desk, "Lưu đề xuất") == 200
    expect(desk.get_by_role("status")).to_contain_text("Đã đề xuất đối tượng.")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("Nguyễn Thị Bé Hai")


def test_the_propose_form_sent_as_it_is_left(visit) -> None:
    lan = visit("lan", width=360)
    page = lan.page
    lan.go("/beneficiaries/new")
    assert _send(page, "Lưu đề xuất") == 422
    expect(page.get_by_role("alert")).to_contain_text("Cần nhập họ và tên.")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    page.locator("#name").fill("Đinh Văn Út")
    assert _send(page, "Lưu đề xuất") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã đề xuất đối tượng.")
    main = page.locator("main")
    expect(main).to_contain_text("Hộ gia đình")
    # Consent is never assumed: nothing was ticked, so nothing is recorded.
    expect(main).to_contain_text("Chưa có sự đồng ý nào còn hiệu lực")
    expect(main).to_contain_text("chưa có sự đồng ý nhận hỗ trợ còn hiệu lực")

    # Consent given later, on its own page, in person before a witness left unnamed: refused, then given.
    page.get_by_role("link", name="Ghi nhận đồng ý").click()
    _fits(page)
    lan.screenshot("beneficiary-consent")
    page.get_by_label("Nhận hỗ trợ").check()
    page.get_by_label("Trực tiếp, có người làm chứng").check()
    assert _send(page, "Ghi nhận sự đồng ý") == 422
    expect(page.get_by_role("alert")).to_contain_text("Đồng ý trực tiếp cần ghi người làm chứng.")
    page.locator("#witness").fill("Lê Văn Hai, trưởng ấp")
    assert _send(page, "Ghi nhận sự đồng ý") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã ghi nhận sự đồng ý.")
    expect(page.locator("main")).to_contain_text("Nhận hỗ trợ")


def test_the_other_beneficiary_pages_open_for_those_who_use_them(visit, tmp_path: Path) -> None:
    hoa = visit("hoa", width=1280)
    hoa.go("/beneficiaries/new")
    hoa.page.locator("#name").fill("Phan Văn Chín")
    hoa.page.get_by_label("Nhận hỗ trợ").check()
    assert _send(hoa.page, "Lưu đề xuất") == 200
    record = hoa.page.url.split("?")[0].removeprefix(hoa.server.url)
    for width in (360, 1280):
        coordinator = visit("hoa", width=width)
        for name, path in (
            ("beneficiaries", "/beneficiaries"),
            ("beneficiary-edit", f"{record}/edit"),
            ("beneficiary-erase", f"{record}/erase"),
            ("beneficiary-duplicates", "/beneficiaries/duplicates"),
            ("beneficiary-categories", "/beneficiaries/categories"),
            ("beneficiary-coordinator-own", record),
        ):
            assert coordinator.go(path).status == 200, path
            expect(coordinator.page.get_by_role("heading", level=1)).to_be_visible()
            _fits(coordinator.page)
            coordinator.screenshot(name)
        mai = visit("mai", width=width)
        assert mai.go(record).status == 200
        expect(mai.page.locator("main")).not_to_contain_text("Sửa")
        _fits(mai.page)
        mai.screenshot("beneficiary-auditor")

    # The list as a spreadsheet, and the consent form to sign, each printed by a button.
    page = hoa.page
    hoa.go("/beneficiaries?q=phan van chin")
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "ds.xlsx"
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert [row for row in rows if "Phan Văn Chín" in row]
    hoa.go(record)
    # It opens in a tab of its own.
    with page.context.expect_event(
        "response", lambda answer: answer.url.endswith("/consent-form")
    ) as printed:
        page.get_by_role("button", name="In phiếu đồng ý").click()
    assert printed.value.status == 200
    assert printed.value.headers["content-type"] == "application/pdf"

    # The coordinator erases at the person's request, after reading what is kept.
    hoa.go(record)
    page.get_by_role("link", name="Xóa theo yêu cầu").click()
    expect(page.locator("main")).to_contain_text("Được giữ: mã hồ sơ")
    assert _send(page, "Xóa hồ sơ theo yêu cầu") == 422
    page.get_by_label("Lý do xóa").fill("Theo đơn đề nghị ngày 28/11")
    assert _send(page, "Xóa hồ sơ theo yêu cầu") == 200
    expect(page.get_by_role("status")).to_contain_text("Đã xóa hồ sơ theo yêu cầu")
    expect(page.locator("main")).not_to_contain_text("Phan Văn Chín")
