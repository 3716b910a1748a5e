"""The consent form a person signs (Decree 13/2023/NĐ-CP), read back from the PDF: the national heading,
the unit, the person as the printing reader may see them, each purpose to tick, the rights and the
signature lines; printing a filled form is recorded, printing a blank one is not."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.beneficiaries.conftest import propose
from tests.support import pdf_pages
from tests.world import World

CCCD = "048168001234"
PURPOSES = (
    "Nhận hỗ trợ",
    "Công khai tên (đã che) và xã trong danh sách công khai",
    "Được liên hệ",
    "Lưu số CCCD và thông tin sức khỏe, khuyết tật",
)
RIGHTS = (
    "Được rút lại sự đồng ý bất cứ lúc nào",
    "Việc rút lại không ảnh hưởng đến các khoản hỗ trợ đã nhận",
    "Được yêu cầu xem (truy cập), chỉnh sửa, cung cấp bản sao hoặc xóa dữ liệu của mình",
)
SIGNATURES = ("Người đồng ý / Người giám hộ", "Người làm chứng", "Đại diện đơn vị", "ngày …… tháng …… năm ……")


async def _form(client: AsyncTestClient[Litestar], world: World, who: str, path: str, **query: Any) -> str:
    """The form's text, one page, as a person reads it (runs of white space made one)."""
    answer = await client.get(path, params=query, headers=world.auth(who))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    pages = pdf_pages(answer.content)
    assert len(pages) == 1
    return " ".join(pages[0].split())


async def _printed(client: AsyncTestClient[Litestar], world: World) -> list[dict[str, Any]]:
    log = await client.get(
        "/api/audit", params={"action": "beneficiary.consent_form"}, headers=world.auth("auditor")
    )
    assert log.status_code == 200, log.text
    return log.json()["items"]


def _is_the_form(text: str) -> None:
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN",
        "Nghị định số 13/2023/NĐ-CP",
        "Dữ liệu cá nhân nhạy cảm",
        "Thời gian lưu trữ",
        "trẻ em (dưới 16 tuổi)",
        *PURPOSES,
        *RIGHTS,
        *SIGNATURES,
    ):
        assert words in text, words


async def test_a_coordinators_form_has_the_person_written_in_with_the_cccd_and_is_recorded(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    household = await propose(client, world, address="Xóm 2, xã Phú Sơn")
    text = await _form(client, world, "coordinator", f"/api/beneficiaries/{household['id']}/consent-form")
    _is_the_form(text)
    for words in (
        "Hội Phụ nữ COMMUNE",
        f"Mã hồ sơ: {household['code']}",
        "Họ và tên: Nguyễn Thị Hồng",
        "Năm sinh: 1968",
        "Thôn, ấp, tổ: Thôn Phú Sơn",
        "Xóm 2, xã Phú Sơn",
        CCCD,
        # The public listing shows the name as it would be shown.
        "“Nguyễn T. H.”",
        "bình xét lại sau mỗi 12 tháng",
    ):
        assert words in text, words

    [event] = await _printed(client, world)
    assert event["actor_id"] == world.users["coordinator"]
    assert event["object_id"] == household["id"]
    assert event["after"]["code"] == household["code"]
    assert set(event["after"]["filled"]) == {"name", "birth_year", "hamlet", "address", "id_number"}
    # The log names fields, never what they hold.
    assert "Nguyễn" not in str(event["after"])
    assert CCCD not in str(event["after"])


async def test_a_volunteers_form_has_only_what_a_volunteer_sees(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    household = await propose(client, world, address="Xóm 2, xã Phú Sơn")
    text = await _form(client, world, "volunteer", f"/api/beneficiaries/{household['id']}/consent-form")
    _is_the_form(text)
    assert "Họ và tên: Nguyễn Thị Hồng" in text
    assert "Thôn, ấp, tổ: Thôn Phú Sơn" in text
    for hidden in (CCCD, CCCD[-4:], "1968", "Xóm 2"):
        assert hidden not in text, hidden
    [event] = await _printed(client, world)
    assert event["after"]["filled"] == ["name", "hamlet"]

    # Auditors collect no consent: they print none.
    refused = await client.get(
        f"/api/beneficiaries/{household['id']}/consent-form", headers=world.auth("auditor")
    )
    assert refused.status_code == 403


async def test_a_blank_form_has_dotted_lines_and_is_not_recorded(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    text = await _form(client, world, "volunteer", "/api/beneficiaries/consent-form")
    _is_the_form(text)
    assert "Nguyễn Thị Hồng" not in text
    assert "Mã hồ sơ" not in text
    assert "Tên đơn vị: …" not in text  # drawn as a dotted rule, not written
    assert "theo kỳ bình xét của đơn vị" in text

    of_unit = await _form(
        client, world, "coordinator", "/api/beneficiaries/consent-form", unit_id=world.units["COMMUNE"]
    )
    assert "Tên đơn vị: Hội Phụ nữ COMMUNE" in of_unit
    assert "bình xét lại sau mỗi 12 tháng" in of_unit
    assert await _printed(client, world) == []

    elsewhere = await client.get(
        "/api/beneficiaries/consent-form",
        params={"unit_id": world.units["ELSEWHERE"]},
        headers=world.auth("volunteer"),
    )
    assert elsewhere.status_code == 404


async def test_an_erased_persons_form_is_not_printed(client: AsyncTestClient[Litestar], world: World) -> None:
    household = await propose(client, world)
    erased = await client.post(
        f"/api/beneficiaries/{household['id']}/erase",
        json={"reason": "Theo đơn đề nghị ngày 20/11"},
        headers=world.auth("coordinator"),
    )
    assert erased.status_code == 200, erased.text
    answer = await client.get(
        f"/api/beneficiaries/{household['id']}/consent-form", headers=world.auth("coordinator")
    )
    assert answer.status_code == 409
    assert await _printed(client, world) == []
