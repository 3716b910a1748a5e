"""The papers of distributions read back from their PDFs: a distribution's handover record with the
unit under its parent, the number, the recipient, the amounts in words and the signature lines; a
round's signature list spread over pages with its head on each, the totals in words and the four
signatures; each print recorded."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.clock import local_today
from charity.db import Database
from charity.models import User
from tests.distributions_world import HOUSEHOLDS, DistributionsWorld, build_distributions_world, stock_up
from tests.support import pdf_pages

YEAR = local_today().year
TODAY = local_today().isoformat()
HEAD = ("STT", "Họ và tên", "Địa chỉ (thôn)", "Diện", "Tiền (đ)", "Hàng", "Ký nhận", "Ghi chú")


async def _paper(
    client: AsyncTestClient[Litestar],
    world: DistributionsWorld,
    path: str,
    *,
    who: str = "coordinator",
    as_drawn: bool = False,
) -> tuple[list[str], str]:
    """The paper's pages as a person reads them (runs of white space made one), or `as_drawn`, and
    its file name; a page's asked for as the browser signed in (`who` "")."""
    answer = await client.get(path, headers=world.auth(who) if who else {})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "no-store"
    name = answer.headers["content-disposition"].split('filename="')[1].rstrip('"')
    return [" ".join(page.split()) for page in pdf_pages(answer.content, as_drawn=as_drawn)], name


async def _signed_in(
    client: AsyncTestClient[Litestar], database: Database, world: DistributionsWorld, who: str
) -> None:
    """The client as a browser `who` signed in with, for the pages."""
    async with database.write() as session:
        user = await session.get_one(User, world.users[who])
        token, _ = await signin.start_web_session(session, user, "127.0.0.1")
    client.cookies.set(SESSION_COOKIE, token)


async def _give(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, **fields: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/distributions", json=world.distribution(**fields), headers=world.auth("coordinator")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _printed(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, action: str
) -> list[dict[str, Any]]:
    log = await client.get("/api/audit", params={"action": action}, headers=world.auth("auditor"))
    assert log.status_code == 200, log.text
    return log.json()["items"]


async def _under_a_district(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    """Put the world's commune under a district, as the heading names both."""
    admin = world.auth("admin")
    district = await client.post(
        "/api/units", json={"code": "HV", "name": "Hội LHPN huyện Hòa Vang"}, headers=admin
    )
    assert district.status_code == 201, district.text
    moved = await client.patch(f"/api/units/{world.unit_id}", json={"parent_code": "HV"}, headers=admin)
    assert moved.status_code == 200, moved.text


async def _in_category(client: AsyncTestClient[Litestar], world: DistributionsWorld, household: int) -> str:
    """Put the household in the first hardship category, and have another coordinator verify it again,
    as the change asks."""
    categories = await client.get("/api/hardship-categories", headers=world.auth("coordinator"))
    category = categories.json()["items"][0]
    coordinator = world.auth("coordinator")
    changed = await client.patch(
        f"/api/beneficiaries/{household}", json={"category_ids": [category["id"]]}, headers=coordinator
    )
    assert changed.status_code == 200, changed.text
    verified = await client.post(
        f"/api/beneficiaries/{household}/verify",
        json={"meeting_date": TODAY},
        headers=world.auth("coordinator2"),
    )
    assert verified.status_code == 200, verified.text
    return category["name"]


async def test_the_handover_record_names_the_unit_the_recipient_and_the_amounts_in_words(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _under_a_district(client, world)
    category = await _in_category(client, world, world.households[0])
    await stock_up(client, world, rice="300", cash=5_000_000)
    given = await _give(client, world, cash={"amount": 500_000, "method": "cash"})
    number = f"TT-{YEAR}/00001"
    assert given["number"] == number

    pages, name = await _paper(client, world, f"/api/distributions/{given['id']}/pdf")
    assert name == f"bien-ban-trao_TT-{YEAR}-00001.pdf"
    assert len(pages) == 1
    text = pages[0]
    for words in (
        "HỘI LHPN HUYỆN HÒA VANG",
        "HỘI PHỤ NỮ XÃ HÒA KHÁNH TÂY",
        f"Số: {number}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"Ngày {local_today():%d} tháng {local_today():%m} năm {YEAR}",
        "GIẤY NHẬN HỖ TRỢ",
        "Cuộc vận động: Hũ gạo tình thương",
        "Họ và tên: Nguyễn Thị Hồng",
        "Thôn, ấp, tổ: Thôn 1",
        "Địa chỉ: 1 đường Làng, thôn 1",
        f"Diện hoàn cảnh: {category}",
        "Tiền: 500.000 đ (tiền mặt)",
        "Viết bằng chữ: Năm trăm nghìn đồng",
        "Gạo kg 10 200.000",
        "Tổng giá trị hỗ trợ: 700.000 đ",
        "Viết bằng chữ: Bảy trăm nghìn đồng",
        "NGƯỜI NHẬN",
        "NGƯỜI TRAO",
        "ĐẠI DIỆN ĐƠN VỊ",
        "(Ký, ghi rõ họ tên)",
    ):
        assert words in text, words
    assert "ĐÃ HỦY" not in text
    assert "CHƯA TRAO" not in text

    (event,) = await _printed(client, world, "distribution.print")
    assert event["object_id"] == given["id"]
    assert event["after"]["number"] == number


async def test_a_planned_group_record_says_it_is_not_handed_over_and_a_void_one_says_so_with_its_reason(
    client: AsyncTestClient[Litestar], database: Database, world: DistributionsWorld
) -> None:
    planned = await _give(
        client,
        world,
        beneficiary_id=None,
        group={"place": "Bệnh viện Đa khoa tỉnh", "count": 250, "description": "Bệnh nhân nghèo khoa Nội"},
        purpose="meals",
        items=[],
        cash={"amount": 2_105_000, "method": "cash"},
        handed_over_on=None,
    )
    pages, _ = await _paper(client, world, f"/api/distributions/{planned['id']}/pdf")
    text = pages[0]
    for words in (
        "BIÊN BẢN BÀN GIAO HỖ TRỢ",
        "CHƯA TRAO",
        "Nơi nhận: Bệnh viện Đa khoa tỉnh",
        "Số người, số suất: 250",
        "Bệnh nhân nghèo khoa Nội",
        # The unit reads 105 "linh năm", its default.
        "Hai triệu một trăm linh năm nghìn đồng",
        "ngày …… tháng …… năm ……",
    ):
        assert words in text, words

    voided = await client.post(
        f"/api/distributions/{planned['id']}/void",
        json={"reason": "Bệnh viện đã nhận từ đơn vị khác"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text
    await _signed_in(client, database, world, "auditor")
    pages, _ = await _paper(client, world, f"/distributions/{planned['id']}/pdf", who="")
    assert "ĐÃ HỦY" in pages[0]
    assert "Bệnh viện đã nhận từ đơn vị khác" in pages[0]
    assert len(await _printed(client, world, "distribution.print")) == 2


async def test_the_auditor_prints_the_volunteer_may_not_and_another_unit_does_not_see_it(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await stock_up(client, world)
    given = await _give(client, world)
    path = f"/api/distributions/{given['id']}/pdf"
    pages, _ = await _paper(client, world, path, who="auditor")
    assert "Nguyễn Thị Hồng" in pages[0]
    assert (await client.get(path, headers=world.auth("volunteer"))).status_code == 403
    assert (await client.get(path, headers=world.auth("outsider"))).status_code == 404
    assert (await client.get("/api/rounds/999999/pdf", headers=world.auth("coordinator"))).status_code == 404
    (event,) = await _printed(client, world, "distribution.print")
    assert event["actor_id"] == world.users["auditor"]


def _round(world: DistributionsWorld, **fields: Any) -> dict[str, Any]:
    """10 kg of rice and 500.000 đ to each household of the world."""
    return {
        "drive_id": world.drive_id,
        "title": "Trao gạo tháng 12",
        "planned_on": TODAY,
        "purpose": "living",
        "place": "Nhà văn hóa thôn 2",
        "lines": [
            {
                "beneficiary_id": household,
                "cash": {"amount": 500_000, "method": "cash"},
                "items": [{"item_type_id": world.rice_id, "quantity": "10"}],
            }
            for household in world.households
        ],
    } | fields


async def test_a_round_of_thirty_spreads_over_pages_with_the_head_on_each_and_the_signatures_at_the_end(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_distributions_world(database, households=30)
    await stock_up(client, world, rice="300", cash=15_000_000)
    drafted = await client.post(
        "/api/rounds",
        json=_round(world, handed_over_by_name="Lê Văn Trao", witness_name="Phạm Văn Chứng"),
        headers=world.auth("coordinator"),
    )
    assert drafted.status_code == 201, drafted.text
    url = f"/api/rounds/{drafted.json()['id']}"

    # Marked across every page (turned, hence read as drawn).
    pages, name = await _paper(client, world, f"{url}/pdf", as_drawn=True)
    assert name == f"danh-sach-ky-nhan_trao-gao-thang-12_{TODAY}.pdf"
    assert len(pages) >= 2
    assert all("DỰ THẢO – CHƯA DUYỆT" in page for page in pages)
    assert "Phiếu TT-" not in " ".join(pages)

    approved = await client.post(f"{url}/approve", headers=world.auth("coordinator2"))
    assert approved.status_code == 200, approved.text
    await _signed_in(client, database, world, "auditor")
    pages, _ = await _paper(client, world, f"/rounds/{drafted.json()['id']}/pdf", who="")
    assert len(pages) >= 2
    for page in pages:
        assert " ".join(HEAD) in page
        assert "DỰ THẢO" not in page
    text = " ".join(pages)
    for words in (
        "HỘI PHỤ NỮ XÃ HÒA KHÁNH TÂY",
        "DANH SÁCH KÝ NHẬN HỖ TRỢ",
        "Trao gạo tháng 12",
        "Cuộc vận động: Hũ gạo tình thương",
        "Địa điểm trao: Nhà văn hóa thôn 2",
        f"{local_today():%d/%m/%Y} (dự kiến)",
        f"Phiếu TT-{YEAR}/00001",
        "500.000 10 kg Gạo",
        f"Phiếu TT-{YEAR}/00030",
        "Cộng: 30 người nhận 15.000.000 300 kg Gạo",
        "Tổng số tiền viết bằng chữ: Mười lăm triệu đồng",
        "NGƯỜI LẬP DANH SÁCH",
        "NGƯỜI TRAO",
        "ĐẠI DIỆN ĐƠN VỊ",
        "ĐẠI DIỆN CHÍNH QUYỀN ĐỊA PHƯƠNG",
        "Lê Văn Trao",
        "Phạm Văn Chứng",
    ):
        assert words in text, words
    # In the round's order, each once, STT beside the name.
    names = [HOUSEHOLDS[n % len(HOUSEHOLDS)] + (f" {n}" if n >= len(HOUSEHOLDS) else "") for n in range(30)]
    positions = [text.index(f" {n} {name} Thôn ") for n, name in enumerate(names, start=1)]
    assert positions == sorted(positions)
    assert all(text.count(f" {name} Thôn ") == 1 for name in names)
    # The signatures close the list, on its last page, with their titles.
    assert "ĐẠI DIỆN CHÍNH QUYỀN ĐỊA PHƯƠNG" in pages[-1]
    assert "Phạm Văn Chứng" in pages[-1]

    lines = approved.json()["lines"]
    handed = await client.post(
        f"{url}/hand-over",
        json={
            "handed_over_on": TODAY,
            "exceptions": [
                {"distribution_id": lines[1]["id"], "absence": "absent", "note": "Đi viện"},
                {"distribution_id": lines[2]["id"], "absence": "refused"},
            ],
        },
        headers=world.auth("coordinator"),
    )
    assert handed.status_code == 200, handed.text
    pages, _ = await _paper(client, world, f"{url}/pdf")
    text = " ".join(pages)
    assert f"Ngày trao: {local_today():%d/%m/%Y} STT" in text
    row = text[text.index(" 2 Trần Văn Bảy ") : text.index(" 3 Lê Thị Mai ")]
    assert "Vắng mặt; Đi" in row
    assert "viện" in row
    row = text[text.index(" 3 Lê Thị Mai ") : text.index(" 4 Phạm Văn Tư ")]
    assert "Từ chối nhận" in row
    assert "Cộng (không kể phiếu đã hủy và người vắng mặt): 28 người nhận 14.000.000 280 kg Gạo" in text
    assert "Mười bốn triệu đồng" in text

    events = await _printed(client, world, "round.print")
    assert len(events) == 3
    assert {event["object_id"] for event in events} == {drafted.json()["id"]}
