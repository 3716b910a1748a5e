from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.db import Database
from charity.models import AuditEvent
from tests.integration.stock.conftest import StockWorld, give_rice, stock_of
from tests.support import pdf_pages


def _conversion(world: StockWorld, quantity: str, price: int, **more: object) -> dict[str, object]:
    return {
        "drive_id": world.drive_id,
        "moved_on": world.today(),
        "items": [{"item_type_id": world.rice_id, "quantity": quantity}],
        "cash": {"amount": price, "method": "cash"},
        "buyer": "Đại lý gạo Minh Phát",
        **more,
    }


def _count(world: StockWorld, counted: str, reason: str = "lost", **more: object) -> dict[str, object]:
    return {
        "drive_id": world.drive_id,
        "counted_on": world.today(),
        "item_type_id": world.rice_id,
        "counted_quantity": counted,
        "reason": reason,
        **more,
    }


async def _verify(client: AsyncTestClient[Litestar], world: StockWorld, drive_id: int) -> None:
    check = await client.get(f"/api/drives/{drive_id}/ledger/verify", headers=world.auth("coordinator2"))
    assert check.status_code == 200, check.text
    assert check.json()["intact"]
    assert check.json()["head_matches"]


async def _goods_book(client: AsyncTestClient[Litestar], world: StockWorld, drive_id: int) -> dict:
    book = await client.get(
        f"/api/drives/{drive_id}/books/goods?item_type_id={world.rice_id}", headers=world.auth("coordinator2")
    )
    assert book.status_code == 200, book.text
    return book.json()


async def test_a_conversion_moves_the_goods_out_and_the_price_in_together(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 10_000)
    made = await client.post(
        "/api/conversions", json=_conversion(world, "40", 500_000), headers=world.auth("coordinator")
    )
    assert made.status_code == 201, made.text
    body = made.json()
    year = world.today()[:4]
    assert body["number"] == f"CD-{year}/00001"
    assert (body["kind"], body["status"], body["counterparty"]) == (
        "conversion",
        "posted",
        "Đại lý gạo Minh Phát",
    )
    assert body["cash"]["amount"] == 500_000
    assert [(line["quantity"], line["value"]) for line in body["lines"]] == [("40.000", 400_000)]
    held = await stock_of(client, world, world.drive_id)
    assert (held[None]["name"], held[None]["value"]) == ("Tiền", 500_000)
    assert (held[world.rice_id]["quantity"], held[world.rice_id]["value"]) == ("60.000", 600_000)
    book = await _goods_book(client, world, world.drive_id)
    assert [line["source"] for line in book["lines"]] == ["receipt", "conversion"]
    assert book["closing"]["quantity"] == "60.000"
    await _verify(client, world, world.drive_id)
    listed = await client.get(f"/api/conversions?drive_id={world.drive_id}", headers=world.auth("auditor"))
    assert [item["number"] for item in listed.json()["items"]] == [body["number"]]
    again = await client.get(f"/api/conversions/{body['id']}", headers=world.auth("auditor"))
    assert again.json() == body
    # Another kind's route does not know it.
    assert (
        await client.get(f"/api/transfers/{body['id']}", headers=world.auth("auditor"))
    ).status_code == 404


async def test_a_short_conversion_changes_nothing_and_keeps_the_number(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 10_000)
    before = await stock_of(client, world, world.drive_id)
    short = await client.post(
        "/api/conversions", json=_conversion(world, "150", 1_500_000), headers=world.auth("coordinator")
    )
    assert short.status_code == 409
    answer = short.json()
    assert answer["code"] == "short_of_stock"
    assert answer["extra"]["item"] == "Gạo"
    assert "100 kg Gạo" in answer["detail"]
    assert "150 kg" in answer["detail"]
    assert await stock_of(client, world, world.drive_id) == before
    assert before[None]["value"] == 0
    listed = await client.get("/api/conversions", headers=world.auth("coordinator"))
    assert listed.json()["total"] == 0
    made = await client.post(
        "/api/conversions", json=_conversion(world, "100", 900_000), headers=world.auth("coordinator")
    )
    assert made.json()["number"].endswith("/00001")
    held = await stock_of(client, world, world.drive_id)
    assert (held[world.rice_id]["quantity"], held[world.rice_id]["value"]) == ("0.000", 0)
    await _verify(client, world, world.drive_id)


async def test_a_conversion_is_refused_for_what_is_wrong_with_it(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "10", 10_000)
    auth = world.auth("coordinator")
    for body, field in (
        (_conversion(world, "0", 10_000), "items[0].quantity"),
        (_conversion(world, "1", 10_000, items=[]), "items"),
        (_conversion(world, "1", 10_000, moved_on="2999-01-01"), "moved_on"),
        (
            _conversion(
                world,
                "1",
                10_000,
                items=[
                    {"item_type_id": world.rice_id, "quantity": "1"},
                    {"item_type_id": world.rice_id, "quantity": "2"},
                ],
            ),
            "items[1].item_type_id",
        ),
    ):
        refused = await client.post("/api/conversions", json=body, headers=auth)
        assert refused.status_code == 422, (field, refused.text)
        assert refused.json()["extra"]["field"] == field
    assert (
        await client.post("/api/conversions", json=_conversion(world, "1", 1), headers=world.auth("auditor"))
    ).status_code == 403
    other = _conversion(world, "1", 10_000, drive_id=world.other_drive_id)
    assert (await client.post("/api/conversions", json=other, headers=auth)).status_code == 404


async def test_a_count_within_the_threshold_posts_at_once(
    client: AsyncTestClient[Litestar], world: StockWorld, database: Database
) -> None:
    await give_rice(client, world, "100", 10_000)
    lost = await client.post("/api/adjustments", json=_count(world, "95"), headers=world.auth("coordinator"))
    assert lost.status_code == 201, lost.text
    body = lost.json()
    assert (body["status"], body["reason"]) == ("posted", "lost")
    line = body["lines"][0]
    assert (line["quantity"], line["counted_quantity"], line["book_quantity"], line["value"]) == (
        "-5.000",
        "95.000",
        "100.000",
        -50_000,
    )
    found = await client.post(
        "/api/adjustments", json=_count(world, "105", "found"), headers=world.auth("coordinator")
    )
    assert found.json()["lines"][0]["value"] == 100_000
    held = await stock_of(client, world, world.drive_id)
    assert (held[world.rice_id]["quantity"], held[world.rice_id]["value"]) == ("105.000", 1_050_000)
    same = await client.post("/api/adjustments", json=_count(world, "105"), headers=world.auth("coordinator"))
    assert same.status_code == 422
    assert "không có chênh lệch" in same.json()["detail"]
    await _verify(client, world, world.drive_id)
    async with database.read() as session:
        actions = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "stock_movement"))
        ).all()
    assert sorted(actions) == ["adjustment.create", "adjustment.create"]


async def test_a_count_above_the_threshold_waits_for_another_coordinator(
    client: AsyncTestClient[Litestar], world: StockWorld, database: Database
) -> None:
    await give_rice(client, world, "100", 10_000)
    threshold = await client.patch(
        f"/api/units/{world.unit_id}", json={"adjustment_threshold": 100_000}, headers=world.auth("admin")
    )
    assert threshold.json()["adjustment_threshold"] == 100_000
    made = await client.post(
        "/api/adjustments",
        json=_count(world, "50", "spoiled", note="Gạo mốc do dột"),
        headers=world.auth("coordinator"),
    )
    body = made.json()
    assert (made.status_code, body["status"], body["lines"][0]["value"]) == (201, "pending", -500_000)
    held = await stock_of(client, world, world.drive_id)
    assert held[world.rice_id]["quantity"] == "100.000"
    own = await client.post(
        f"/api/adjustments/{body['id']}/approve", json={}, headers=world.auth("coordinator")
    )
    assert own.status_code == 403
    assert "điều phối viên khác" in own.json()["detail"]
    assert (
        await client.post(f"/api/adjustments/{body['id']}/approve", json={}, headers=world.auth("auditor"))
    ).status_code == 403
    pending = await client.get("/api/adjustments?status=pending", headers=world.auth("coordinator2"))
    assert [item["id"] for item in pending.json()["items"]] == [body["id"]]
    approved = await client.post(
        f"/api/adjustments/{body['id']}/approve",
        json={"note": "Đã xem tại kho"},
        headers=world.auth("coordinator2"),
    )
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["decided_by_name"]) == ("posted", "Trần Văn Hai")
    held = await stock_of(client, world, world.drive_id)
    assert (held[world.rice_id]["quantity"], held[world.rice_id]["value"]) == ("50.000", 500_000)
    twice = await client.post(
        f"/api/adjustments/{body['id']}/approve", json={}, headers=world.auth("coordinator2")
    )
    assert twice.status_code == 409
    await _verify(client, world, world.drive_id)
    async with database.read() as session:
        actions = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == body["id"]))
        ).all()
    assert set(actions) >= {"adjustment.create", "adjustment.approve"}


async def test_an_approval_that_would_overdraw_is_refused_and_a_rejection_posts_nothing(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 10_000)
    await client.patch(
        f"/api/units/{world.unit_id}", json={"adjustment_threshold": 0}, headers=world.auth("admin")
    )
    pending = (
        await client.post("/api/adjustments", json=_count(world, "50"), headers=world.auth("coordinator"))
    ).json()
    assert pending["status"] == "pending"
    sold = await client.post(
        "/api/conversions", json=_conversion(world, "80", 700_000), headers=world.auth("coordinator")
    )
    assert sold.status_code == 201
    refused = await client.post(
        f"/api/adjustments/{pending['id']}/approve", json={}, headers=world.auth("coordinator2")
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "short_of_stock"
    still = await client.get(f"/api/adjustments/{pending['id']}", headers=world.auth("coordinator2"))
    assert still.json()["status"] == "pending"
    no_reason = await client.post(
        f"/api/adjustments/{pending['id']}/reject", json={}, headers=world.auth("coordinator2")
    )
    assert no_reason.status_code == 422
    rejected = await client.post(
        f"/api/adjustments/{pending['id']}/reject",
        json={"note": "Đã bán bớt, đếm lại"},
        headers=world.auth("coordinator2"),
    )
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    held = await stock_of(client, world, world.drive_id)
    assert (held[world.rice_id]["quantity"], held[world.rice_id]["value"]) == ("20.000", 200_000)
    await _verify(client, world, world.drive_id)


async def test_a_transfer_appears_in_both_drives_books(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 12_000)
    await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
    moved = await client.post(
        "/api/transfers",
        json={
            "from_drive_id": world.drive_id,
            "to_drive_id": world.district_drive_id,
            "moved_on": world.today(),
            "items": [{"item_type_id": world.rice_id, "quantity": "30"}],
            "cash": {"amount": 200_000},
            "note": "Gửi gạo lên huyện",
        },
        headers=world.auth("coordinator"),
    )
    assert moved.status_code == 201, moved.text
    body = moved.json()
    assert body["number"].startswith("DC-")
    assert body["to_drive_name"] == "Kho gạo huyện"
    source = await stock_of(client, world, world.drive_id)
    target = await stock_of(client, world, world.district_drive_id)
    assert (source[world.rice_id]["quantity"], source[world.rice_id]["value"], source[None]["value"]) == (
        "70.000",
        840_000,
        300_000,
    )
    assert (target[world.rice_id]["quantity"], target[world.rice_id]["value"], target[None]["value"]) == (
        "30.000",
        360_000,
        200_000,
    )
    out = await _goods_book(client, world, world.drive_id)
    into = await _goods_book(client, world, world.district_drive_id)
    assert out["lines"][-1]["source"] == into["lines"][-1]["source"] == "transfer"
    assert (out["lines"][-1]["quantity_out"], into["lines"][-1]["quantity_in"]) == ("30.000", "30.000")
    for drive_id in (world.drive_id, world.district_drive_id):
        await _verify(client, world, drive_id)
        listed = await client.get(f"/api/transfers?drive_id={drive_id}", headers=world.auth("coordinator2"))
        assert [item["id"] for item in listed.json()["items"]] == [body["id"]]


async def test_a_transfer_stays_inside_the_unit_tree(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 12_000)

    def transfer(**more: object) -> dict[str, object]:
        return {
            "from_drive_id": world.drive_id,
            "to_drive_id": world.district_drive_id,
            "moved_on": world.today(),
            "items": [{"item_type_id": world.rice_id, "quantity": "10"}],
        } | more

    auth = world.auth("coordinator")
    outside = await client.post(
        "/api/transfers", json=transfer(to_drive_id=world.other_drive_id), headers=auth
    )
    assert (outside.status_code, outside.json()["extra"]["field"]) == (422, "to_drive_id")
    itself = await client.post("/api/transfers", json=transfer(to_drive_id=world.drive_id), headers=auth)
    assert itself.status_code == 422
    notebooks = await client.post(
        "/api/transfers",
        json=transfer(items=[{"item_type_id": world.notebook_id, "quantity": "5"}]),
        headers=auth,
    )
    assert notebooks.status_code == 422
    assert "Vở học sinh" in notebooks.json()["detail"]
    short = await client.post(
        "/api/transfers",
        json=transfer(items=[{"item_type_id": world.rice_id, "quantity": "101"}]),
        headers=auth,
    )
    assert short.status_code == 409
    # The district's coordinator sends back down the tree.
    await client.post("/api/transfers", json=transfer(), headers=auth)
    down = await client.post(
        "/api/transfers",
        json=transfer(
            from_drive_id=world.district_drive_id,
            to_drive_id=world.drive_id,
            items=[{"item_type_id": world.rice_id, "quantity": "4"}],
        ),
        headers=world.auth("coordinator2"),
    )
    assert down.status_code == 201, down.text
    held = await stock_of(client, world, world.drive_id)
    assert held[world.rice_id]["quantity"] == "94.000"
    # The commune's coordinator does not coordinate the district's drive.
    up = await client.post(
        "/api/transfers",
        json=transfer(from_drive_id=world.district_drive_id, to_drive_id=world.drive_id),
        headers=auth,
    )
    assert up.status_code == 404


async def test_the_printed_records_hold_numbers_words_and_signatures(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "100", 10_000)
    await client.patch(
        f"/api/units/{world.unit_id}", json={"zero_tens_word": "lẻ"}, headers=world.auth("admin")
    )
    sold = (
        await client.post(
            "/api/conversions", json=_conversion(world, "10", 105_000), headers=world.auth("coordinator")
        )
    ).json()
    counted = (
        await client.post(
            "/api/adjustments", json=_count(world, "88", "spoiled"), headers=world.auth("coordinator")
        )
    ).json()
    moved = (
        await client.post(
            "/api/transfers",
            json={
                "from_drive_id": world.drive_id,
                "to_drive_id": world.district_drive_id,
                "moved_on": world.today(),
                "items": [{"item_type_id": world.rice_id, "quantity": "8"}],
                "cash": {"amount": 1_005_000 - 900_000},
            },
            headers=world.auth("coordinator"),
        )
    ).json()
    expected = {
        f"/api/conversions/{sold['id']}/pdf": [
            "BIÊN BẢN BÁN HÀNG",
            sold["number"],
            "Một trăm lẻ năm nghìn đồng",
            "Đại lý gạo Minh Phát",
            "Người mua",
            "Người lập",
            "Thủ trưởng đơn vị",
        ],
        f"/api/adjustments/{counted['id']}/pdf": [
            "BIÊN BẢN KIỂM KÊ",
            counted["number"],
            "Theo sổ sách",
            "90",
            "88",
            "Hư hỏng",
            "Hội đồng kiểm kê",
            "Người lập",
        ],
        f"/api/transfers/{moved['id']}/pdf": [
            "BIÊN BẢN ĐIỀU CHUYỂN",
            moved["number"],
            "Kho gạo huyện",
            "Một trăm lẻ năm nghìn đồng",
            "Bên giao",
            "Bên nhận",
            "Thủ trưởng đơn vị",
        ],
    }
    for url, words in expected.items():
        response = await client.get(url, headers=world.auth("auditor"))
        assert response.status_code == 200, (url, response.text)
        assert response.headers["content-type"] == "application/pdf"
        text = " ".join(pdf_pages(response.content))
        for word in words:
            assert word in text, (url, word)
    assert (
        await client.get(f"/api/conversions/{sold['id']}/pdf", headers=world.auth("volunteer"))
    ).status_code == 403


async def test_a_count_worth_more_than_any_amount_and_a_negative_threshold_are_refused(
    client: AsyncTestClient[Litestar], world: StockWorld
) -> None:
    await give_rice(client, world, "0.001", 1_000_000)
    huge = await client.post(
        "/api/adjustments", json=_count(world, "1000000000000", "found"), headers=world.auth("coordinator")
    )
    assert huge.status_code == 422
    assert huge.json()["extra"]["field"] == "counted_quantity"
    negative = await client.patch(
        f"/api/units/{world.unit_id}", json={"adjustment_threshold": -1}, headers=world.auth("admin")
    )
    assert negative.status_code == 422
    unit = await client.get(f"/api/units/{world.unit_id}", headers=world.auth("admin"))
    assert unit.json()["adjustment_threshold"] == 1_000_000
