from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.db import Database
from tests import factories
from tests.gifts_world import GiftsWorld

NAMES = ["Nguyễn Thị Hồng", "Trần Văn Đức", "Lê Thị Mỹ Hạnh", "Đặng Thị Ngọc Ánh", "Nguyễn Hoàng Nam"]


@pytest.fixture
async def donors(world: GiftsWorld, database: Database) -> GiftsWorld:
    async with database.write() as session:
        for n, name in enumerate(NAMES[1:], start=1):
            await factories.donor(
                session,
                world.unit_id,
                name=name,
                phone=f"09120000{n:02d}",
                address=f"Ấp Bàu Công {n}",
            )
        await factories.donor(session, world.other_unit_id, name="Nguyễn Thị Hồng Nhung")
    return world


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi hong", ["Nguyễn Thị Hồng"]),
        ("NGUYỄN", ["Nguyễn Hoàng Nam", "Nguyễn Thị Hồng"]),
        ("duc", ["Trần Văn Đức"]),
        ("Đức", ["Trần Văn Đức"]),
        ("hong nguyen", ["Nguyễn Thị Hồng"]),
        ("ngoc anh", ["Đặng Thị Ngọc Ánh"]),
        ("anh", ["Lê Thị Mỹ Hạnh", "Đặng Thị Ngọc Ánh"]),
        ("0912000002", ["Lê Thị Mỹ Hạnh"]),
        ("bau cong 3", ["Đặng Thị Ngọc Ánh"]),
        ("100%", []),
        ("", sorted(NAMES)),
    ],
)
async def test_search_ignores_case_and_diacritics(
    client: AsyncTestClient[Litestar], donors: GiftsWorld, query: str, expected: list[str]
) -> None:
    response = await client.get("/api/donors", params={"q": query}, headers=donors.auth("volunteer"))
    assert response.status_code == 200
    assert sorted(d["name"] for d in response.json()["items"]) == sorted(expected)


async def test_names_that_match_come_before_addresses_and_phones(
    client: AsyncTestClient[Litestar], donors: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await factories.donor(
            session, donors.unit_id, name="Võ Văn Kiệt", address="Khu phố 4, thị trấn Hậu Nghĩa"
        )
        await factories.donor(session, donors.unit_id, name="Dương Văn Khánh", phone="0913 000 111")
    response = await client.get("/api/donors", params={"q": "tran"}, headers=donors.auth("volunteer"))
    assert [d["name"] for d in response.json()["items"]] == ["Trần Văn Đức", "Võ Văn Kiệt"]


async def test_the_list_is_alphabetical_ignoring_diacritics(
    client: AsyncTestClient[Litestar], donors: GiftsWorld, database: Database
) -> None:
    async with database.write() as session:
        await factories.donor(session, donors.unit_id, name="Dương Văn Khánh")
    response = await client.get("/api/donors", headers=donors.auth("volunteer"))
    assert [d["name"] for d in response.json()["items"]] == [
        "Đặng Thị Ngọc Ánh",
        "Dương Văn Khánh",
        "Lê Thị Mỹ Hạnh",
        "Nguyễn Hoàng Nam",
        "Nguyễn Thị Hồng",
        "Trần Văn Đức",
    ]


async def test_a_known_phone_offers_the_existing_donors(
    client: AsyncTestClient[Litestar], donors: GiftsWorld
) -> None:
    body = {"unit_id": donors.unit_id, "name": "Nguyễn T. Hồng", "phone": "0903 512 846"}
    response = await client.post("/api/donors", json=body, headers=donors.auth("volunteer"))
    assert response.status_code == 409
    duplicates = response.json()["extra"]["duplicates"]
    assert [d["name"] for d in duplicates] == ["Nguyễn Thị Hồng"]
    created = await client.post(
        "/api/donors", json=body | {"allow_duplicate": True}, headers=donors.auth("volunteer")
    )
    assert created.status_code == 201
    assert created.json()["phone"] == "0903512846"


async def test_donor_fields_are_checked(client: AsyncTestClient[Litestar], donors: GiftsWorld) -> None:
    cases = [
        ({"name": ""}, "name"),
        ({"name": "X", "phone": "12"}, "phone"),
        ({"name": "X", "email": "khong-phai-email"}, "email"),
        ({"name": "X", "tax_code": "12ab"}, "tax_code"),
        ({"name": "X", "kind": "robot"}, "kind"),
    ]
    for fields, field in cases:
        response = await client.post(
            "/api/donors", json={"unit_id": donors.unit_id, **fields}, headers=donors.auth("volunteer")
        )
        assert response.status_code == 422, fields
        assert field in str(response.json()["extra"])


async def test_donors_are_updated_and_found_by_their_new_name(
    client: AsyncTestClient[Litestar], donors: GiftsWorld
) -> None:
    response = await client.patch(
        f"/api/donors/{donors.donor_id}",
        json={"name": "Nguyễn Thị Hồng Vân"},
        headers=donors.auth("volunteer"),
    )
    assert response.status_code == 200
    found = (await client.get("/api/donors?q=hong van", headers=donors.auth("volunteer"))).json()
    assert [d["id"] for d in found["items"]] == [donors.donor_id]
