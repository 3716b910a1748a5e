"""Receipts as a donor and an auditor will hold them: the text of the PDF, its marks, and the public
verification page its QR code opens."""

from __future__ import annotations

import re
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from pypdf import PdfReader
from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from charity.clock import local_today
from charity.db import Database
from charity.models import AuditEvent, Membership, Receipt, ReceiptPrint, ReceiptVerification, Role, Unit
from tests.gifts_world import GiftsWorld, build_gifts_world
from tests.support import pdf_pages


@pytest.fixture
async def world(database: Database) -> GiftsWorld:
    return await build_gifts_world(database)


async def gift(client: AsyncTestClient[Litestar], world: GiftsWorld, **fields: object) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def pdf(
    client: AsyncTestClient[Litestar], world: GiftsWorld, receipt_id: int, who: str = "coordinator"
):
    """The receipt printed: the paper handed over."""
    response = await client.post(f"/api/receipts/{receipt_id}/print", headers=world.auth(who))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    return response


async def set_form(database: Database, world: GiftsWorld, form: str) -> None:
    async with database.write() as session:
        await session.execute(update(Unit).where(Unit.id == world.unit_id).values(receipt_form=form))


async def test_a_cash_receipt_reads_like_form_01_tt(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await set_form(database, world, "01-TT")
    receipt = await gift(client, world, cash={"amount": 1_250_000})
    response = await pdf(client, world, receipt["id"])
    assert 'filename="bien-nhan-01-' in response.headers["content-disposition"]
    (text,) = pdf_pages(response.content)
    assert unicodedata.is_normalized("NFC", text)
    today = local_today()
    for expected in [
        "HỘI PHỤ NỮ XÃ HÒA KHÁNH TÂY",
        "Mẫu số 01-TT",
        f"Quyển số: 01-{today.year}",
        "Số: 00001",
        "PHIẾU THU",
        f"Ngày {today.day} tháng {today.month} năm {today.year}",
        "Họ và tên người nộp: Nguyễn Thị Hồng",
        "Lý do nộp: Đóng góp cho «Hũ gạo tình thương»",
        "Số tiền: 1.250.000 đ (tiền mặt)",
        "Viết bằng chữ: Một triệu hai trăm năm mươi nghìn đồng",
        "Kèm theo",
        "chứng từ gốc",
        "Thủ trưởng đơn vị",
        "Kế toán",
        "Người nộp tiền",
        "Người lập phiếu",
        "Thủ quỹ",
        "Quét mã để kiểm tra biên nhận",
    ]:
        assert expected in text, expected
    assert "BẢN SAO" not in text
    (drawn,) = pdf_pages(response.content, as_drawn=True)
    assert "ĐÃ HỦY" not in drawn


@pytest.mark.parametrize(
    ("form", "printed", "not_printed"),
    [
        ("C40-BB", ["Mẫu số C40-BB", "PHIẾU THU", "Kế toán trưởng", "Người lập phiếu", "Thủ quỹ"], ["01-TT"]),
        (
            "plain",
            ["BIÊN NHẬN ĐÓNG GÓP", "Người lập biên nhận", "Thủ quỹ"],
            ["Mẫu số", "PHIẾU THU", "Kế toán"],
        ),
    ],
    ids=["public-sector", "plain"],
)
async def test_a_cash_receipt_follows_the_units_accounting_regime(
    client: AsyncTestClient[Litestar],
    world: GiftsWorld,
    database: Database,
    form: str,
    printed: list[str],
    not_printed: list[str],
) -> None:
    await set_form(database, world, form)
    receipt = await gift(client, world, cash={"amount": 1_250_000})
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    for expected in printed:
        assert expected in text, expected
    for absent in not_printed:
        assert absent not in text, absent


async def test_a_receipt_keeps_the_form_it_was_issued_on(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await set_form(database, world, "C40-BB")
    receipt = await gift(client, world)
    await set_form(database, world, "plain")
    (original,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    (copy,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "Mẫu số C40-BB" in original
    assert "Mẫu số C40-BB" in copy
    async with database.write() as session:
        with pytest.raises(DBAPIError):
            await session.execute(update(Receipt).where(Receipt.id == receipt["id"]).values(form="plain"))


async def test_a_transfer_prints_its_reference_and_no_cashier(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await set_form(database, world, "01-TT")
    cash = {"amount": 2_000_000, "method": "bank_transfer", "reference": "FT26335 8812"}
    receipt = await gift(client, world, cash=cash)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "Số tiền: 2.000.000 đ (chuyển khoản, mã giao dịch FT26335 8812)" in text
    assert "Thủ quỹ" not in text


async def test_goods_are_never_on_a_cash_form(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    await set_form(database, world, "01-TT")
    items = [{"item_type_id": world.rice_id, "quantity": 10}]
    receipt = await gift(client, world, cash=None, items=items)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "BIÊN NHẬN HIỆN VẬT" in text
    assert "Mẫu số" not in text
    assert "PHIẾU THU" not in text
    assert "Thủ quỹ" not in text


async def test_unvalued_goods_say_so_instead_of_zero(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    items = [{"item_type_id": world.rice_id, "quantity": 10}]
    receipt = await gift(client, world, cash=None, items=items)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "Cộng giá trị hiện vật Chưa ước tính" in text
    assert "Hiện vật chưa được ước tính giá trị" in text
    assert "Không đồng" not in text
    assert "0 đ" not in text


async def test_goods_and_cash_print_together(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    items = [{"item_type_id": world.rice_id, "quantity": "12.5", "unit_value": 18_000}]
    receipt = await gift(client, world, cash={"amount": 105_000}, items=items)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "BIÊN NHẬN ĐÓNG GÓP" in text
    assert "1 Gạo kg 12,5 18.000 đ 225.000 đ" in text
    assert "Giá trị hiện vật viết bằng chữ: Hai trăm hai mươi lăm nghìn đồng" in text
    assert "Viết bằng chữ: Một trăm linh năm nghìn đồng" in text
    assert "Tổng giá trị đóng góp: 330.000 đ (Ba trăm ba mươi nghìn đồng)" in text


async def test_goods_only_and_a_unit_that_says_le(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await session.execute(update(Unit).where(Unit.id == world.unit_id).values(zero_tens_word="lẻ"))
    items = [{"item_type_id": world.rice_id, "quantity": 7, "unit_value": 15_000}]
    receipt = await gift(client, world, cash=None, items=items)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "BIÊN NHẬN HIỆN VẬT" in text
    assert "Một trăm lẻ năm nghìn đồng" in text
    assert "Số tiền:" not in text
    # Goods are handed over and kept in store: no one pays money or keeps cash for them.
    assert "Người giao hàng" in text
    assert "Thủ kho" in text
    assert "Người nộp tiền" not in text


async def test_later_prints_are_numbered_copies_and_each_print_is_audited(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    receipt = await gift(client, world)
    original = pdf_pages((await pdf(client, world, receipt["id"], "volunteer")).content)[0]
    first_copy = pdf_pages((await pdf(client, world, receipt["id"])).content)[0]
    second_copy = pdf_pages((await pdf(client, world, receipt["id"], "volunteer")).content)[0]
    assert "BẢN SAO" not in original
    assert "BẢN SAO số 1" in first_copy
    assert "BẢN SAO số 2" in second_copy
    async with database.read() as session:
        prints = (
            await session.execute(
                select(AuditEvent.actor_id, AuditEvent.after).where(AuditEvent.action == "receipt.print")
            )
        ).all()
    assert [(actor, after["copy"]) for actor, after in prints] == [
        (world.users["volunteer"], 0),
        (world.users["coordinator"], 1),
        (world.users["volunteer"], 2),
    ]


async def test_viewing_records_nothing_and_says_it_is_a_preview(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    receipt = await gift(client, world)
    for who in ("auditor", "coordinator", "volunteer", "auditor"):
        viewed = await client.get(f"/api/receipts/{receipt['id']}/pdf", headers=world.auth(who))
        assert viewed.status_code == 200, viewed.text
        assert viewed.headers["content-type"] == "application/pdf"
        assert "ban-xem" in viewed.headers["content-disposition"]
        (drawn,) = pdf_pages(viewed.content, as_drawn=True)
        assert "BẢN XEM" in drawn
        assert "Không dùng để giao cho nhà hảo tâm" in drawn
        assert "BẢN SAO" not in drawn
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(ReceiptPrint))).scalar_one() == 0
        events = select(func.count()).where(AuditEvent.action == "receipt.print")
        assert (await session.execute(events)).scalar_one() == 0
    # Still the original at its first print.
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert "BẢN SAO" not in text
    assert "BẢN XEM" not in text


async def test_auditors_view_but_never_print(client: AsyncTestClient[Litestar], world: GiftsWorld) -> None:
    receipt = await gift(client, world)
    refused = await client.post(f"/api/receipts/{receipt['id']}/print", headers=world.auth("auditor"))
    assert refused.status_code == 403
    elsewhere = await client.post(f"/api/receipts/{receipt['id']}/print", headers=world.auth("outsider"))
    assert elsewhere.status_code == 404


async def test_the_donor_opens_an_electronic_copy_from_the_link(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    items = [{"item_type_id": world.rice_id, "quantity": 10}]
    receipt = await gift(client, world, items=items)
    async with database.read() as session:
        token = (
            await session.execute(
                select(ReceiptVerification.token).where(ReceiptVerification.receipt_id == receipt["id"])
            )
        ).scalar_one()
    page = await client.get(f"/verify/{token}")
    assert page.status_code == 200
    assert "10 kg Gạo" in page.text
    assert f'href="/verify/{token}/pdf"' in page.text
    copy = await client.get(f"/verify/{token}/pdf")
    assert copy.status_code == 200
    assert copy.headers["content-type"] == "application/pdf"
    (text,) = pdf_pages(copy.content)
    assert "BẢN ĐIỆN TỬ" in text
    assert "Số: 00001" in text
    assert (await client.get(f"/verify/{token[:-2]}xx/pdf")).status_code == 404
    async with database.read() as session:
        assert (await session.execute(select(func.count()).select_from(ReceiptPrint))).scalar_one() == 0


async def test_a_void_receipt_prints_void_with_reason_and_date(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipt = await gift(client, world)
    await client.post(
        f"/api/receipts/{receipt['id']}/void",
        json={"reason": "Ghi nhầm số tiền"},
        headers=world.auth("coordinator"),
    )
    # The stamp is turned across the page: its words are read in the order they were drawn.
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content, as_drawn=True)
    assert "ĐÃ HỦY" in text
    assert f"Ngày {local_today().strftime('%d/%m/%Y')}: Ghi nhầm số tiền" in text


@pytest.mark.parametrize(
    ("fields", "printed", "hidden"),
    [
        ({"anonymous": True}, "Nhà hảo tâm (ẩn danh)", "Nguyễn Thị Hồng"),
        ({"anonymous": True, "name_on_receipt": True}, "Nguyễn Thị Hồng", "ẩn danh"),
        ({"anonymous": True, "donor": None}, "Nhà hảo tâm (ẩn danh)", "Nguyễn Thị Hồng"),
    ],
    ids=["anonymous", "anonymous-but-named-on-receipt", "no-donor"],
)
async def test_anonymous_gifts(
    client: AsyncTestClient[Litestar], world: GiftsWorld, fields: dict, printed: str, hidden: str
) -> None:
    receipt = await gift(client, world, **fields)
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    assert f"Họ và tên người nộp: {printed}" in text
    assert hidden not in text


async def test_a4_with_two_copies_per_sheet(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await session.execute(update(Unit).where(Unit.id == world.unit_id).values(receipt_paper="a4x2"))
    receipt = await gift(client, world)
    content = (await pdf(client, world, receipt["id"])).content
    (text,) = pdf_pages(content)
    assert "Liên 1: Lưu tại đơn vị" in text
    assert "Liên 2: Giao người nộp" in text
    assert text.count("BIÊN NHẬN ĐÓNG GÓP") == 2
    page = PdfReader(BytesIO(content)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 210  # A4 portrait


async def test_the_qr_code_leads_to_the_public_verification_page(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipt = await gift(client, world, donor={"name": "Trần Văn Đức", "phone": "0918274615"})
    (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
    url = re.search(r"http://\S+/verify/\s*(\S+)", text)
    assert url, text
    token = url.group(1)
    page = await client.get(f"/verify/{token}")
    assert page.status_code == 200
    assert "Biên nhận hợp lệ" in page.text
    assert "Trần V. Đ." in page.text
    assert "Trần Văn Đức" not in page.text
    assert "500.000 đ" in page.text
    assert "Hũ gạo tình thương" in page.text

    await client.post(
        f"/api/receipts/{receipt['id']}/void", json={"reason": "Trùng"}, headers=world.auth("coordinator")
    )
    void = await client.get(f"/verify/{token}")
    assert "đã bị hủy" in void.text
    assert "Trùng" in void.text

    forged = await client.get(f"/verify/{token[:-2]}xx")
    assert forged.status_code == 404
    assert (await client.get(f"/verify/{receipt['id']}")).status_code == 404


async def test_a_batch_prints_every_receipt_of_the_filter_in_order(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipts = [await gift(client, world, cash={"amount": 10_000 * (n + 1)}) for n in range(5)]
    await pdf(client, world, receipts[1]["id"])
    response = await client.post(
        "/api/receipts/print", json={"drive_id": world.drive_id}, headers=world.auth("coordinator")
    )
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert [re.search(r"Số: (\d{5})", page).group(1) for page in pages] == [
        "00001",
        "00002",
        "00003",
        "00004",
        "00005",
    ]
    assert "BẢN SAO số 1" in pages[1]
    assert "BẢN SAO" not in pages[0]

    not_printed = await client.post(
        "/api/receipts/print",
        json={"drive_id": world.drive_id, "not_printed": True},
        headers=world.auth("coordinator"),
    )
    assert not_printed.status_code == 404  # all five were printed by the batch above
    chosen = await client.post(
        "/api/receipts/print",
        json={"ids": [receipts[4]["id"], receipts[0]["id"]]},
        headers=world.auth("coordinator"),
    )
    assert [re.search(r"Số: (\d{5})", page).group(1) for page in pdf_pages(chosen.content)] == [
        "00005",
        "00001",
    ]
    foreign = await client.post(
        "/api/receipts/print", json={"ids": [receipts[0]["id"]]}, headers=world.auth("outsider")
    )
    assert foreign.status_code == 404
    volunteer = await client.post(
        "/api/receipts/print", json={"ids": [receipts[0]["id"]]}, headers=world.auth("volunteer")
    )
    assert volunteer.status_code == 403


def test_the_command_prints_a_filter_to_a_file(database_url: str, cli_env: dict[str, str], tmp_path) -> None:
    import asyncio
    import subprocess
    import sys

    async def prepare() -> None:
        database = Database(database_url)
        world = await build_gifts_world(database)
        await database.dispose()
        from charity.app import create_app
        from charity.settings import load_settings

        async with AsyncTestClient(app=create_app(load_settings())) as client:
            for n in range(3):
                await gift(client, world, cash={"amount": 1000 * (n + 1)})

    asyncio.run(prepare())

    def print_to(out: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [f"{sys.prefix}/bin/charity", "receipts", "print", "--not-printed", "--out", str(out)],
            env=cli_env,
            capture_output=True,
            text=True,
            check=False,
        )

    # A print that cannot be written records nothing: the receipts are still not printed after it.
    nowhere = print_to(tmp_path / "no" / "x.pdf")
    assert nowhere.returncode == 1
    assert "Không ghi được tệp" in nowhere.stderr
    out = tmp_path / "bien-nhan.pdf"
    result = print_to(out)
    assert result.returncode == 0, result.stderr
    assert "3 biên nhận" in result.stdout
    assert [re.search(r"Số: (\d{5})", page).group(1) for page in pdf_pages(out.read_bytes())] == [
        "00001",
        "00002",
        "00003",
    ]
    again = print_to(out)
    assert again.returncode == 1
    assert "Không có biên nhận" in again.stderr


async def test_every_copy_carries_the_qr_code_given_at_issue(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    receipt = await gift(client, world)
    urls = []
    for _ in range(2):
        (text,) = pdf_pages((await pdf(client, world, receipt["id"])).content)
        urls.append(re.search(r"/verify/\s*(\S+)", text).group(1))
    assert urls[0] == urls[1]
    assert (await client.get(f"/verify/{urls[0]}")).status_code == 200


async def test_batches_print_only_where_the_caller_coordinates(
    client: AsyncTestClient[Litestar], world: GiftsWorld, database: Database
) -> None:
    """The outsider coordinates another commune; made auditor here, they may read but not print here."""
    receipt = await gift(client, world)
    async with database.write() as session:
        session.add(Membership(user_id=world.users["outsider"], unit_id=world.unit_id, role=Role.AUDITOR))
    assert (
        await client.get(f"/api/receipts/{receipt['id']}", headers=world.auth("outsider"))
    ).status_code == 200
    by_id = await client.post(
        "/api/receipts/print", json={"ids": [receipt["id"]]}, headers=world.auth("outsider")
    )
    assert by_id.status_code == 404
    by_filter = await client.post(
        "/api/receipts/print", json={"not_printed": True}, headers=world.auth("outsider")
    )
    assert by_filter.status_code == 404
    async with database.read() as session:
        assert (await session.execute(select(ReceiptPrint))).first() is None
