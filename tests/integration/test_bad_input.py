"""Input no user should send answers a clear 4xx and changes nothing, on every engine: ids no row can
have, text no person types, names that differ only in case, JSON nested without end, paging out of
range, malformed Idempotency-Keys."""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import Donation, Donor, ItemType
from tests.support import litestar_log
from tests.world import World, build_world

PAST_POSTGRES = 2**31
PAST_SQLITE = 2**63


@pytest.fixture
async def world(database: Database) -> World:
    return await build_world(database)


async def _count(database: Database, model: type) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


@pytest.mark.parametrize(
    "path",
    [
        "/api/receipts/{}",
        "/api/receipts/{}/pdf",
        "/api/drives/{}",
        "/api/donors/{}",
        "/api/units/{}",
        "/api/receipt-books/{}",
        "/api/item-types/{}",
        "/receipts/{}",
        "/drives/{}",
    ],
)
@pytest.mark.parametrize("number", [PAST_POSTGRES, PAST_SQLITE, 0])
async def test_a_path_id_no_row_can_have_is_not_found(
    client: AsyncTestClient[Litestar], world: World, path: str, number: int
) -> None:
    who = "admin" if "units" in path else "coordinator"
    if path.startswith("/api/"):
        response = await client.get(path.format(number), headers=world.auth(who))
    else:
        client.cookies.set(SESSION_COOKIE, world.sessions[who])
        response = await client.get(path.format(number))
    assert response.status_code == 404, response.text
    if path.startswith("/api/"):
        assert response.json()["detail"]
    else:
        assert "Không tìm thấy" in response.text


@pytest.mark.parametrize(
    "query",
    [
        f"drive_id={PAST_POSTGRES}",
        f"book_id={PAST_SQLITE}",
        f"donor_id={PAST_POSTGRES}",
        f"offset={PAST_POSTGRES}",
        "offset=-1",
        "limit=0",
        "limit=201",
    ],
)
async def test_query_numbers_out_of_range_are_refused(
    client: AsyncTestClient[Litestar], world: World, query: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), litestar_log(caplog):
        response = await client.get(f"/api/receipts?{query}", headers=world.auth("coordinator"))
    assert response.status_code == 422
    assert response.json()["detail"] == "Dữ liệu gửi lên không hợp lệ."
    # The request's session is closed cleanly: nothing but the answer happens.
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/donors", {"name": "Lê Văn Tám", "unit_id": PAST_POSTGRES}),
        ("/api/receipt-books", {"unit_id": PAST_POSTGRES, "year": 2026, "code": "02"}),
        ("/api/receipts/print", {"ids": [PAST_SQLITE]}),
        ("/api/receipt-books", {"unit_id": 1, "year": 20260, "code": "02"}),
    ],
)
async def test_body_ids_out_of_range_are_refused(
    client: AsyncTestClient[Litestar], world: World, database: Database, path: str, body: dict[str, object]
) -> None:
    response = await client.post(path, json=body, headers=world.auth("coordinator"))
    assert response.status_code == 422, response.text
    assert await _count(database, Donor) == 1


@pytest.mark.parametrize(
    "text",
    ["Lê\x00Văn Tám", "Lê Văn\x07 Tám", "Lê Văn Tám\u202e000.000.001", "Lê\u2066 Văn Tám", "Lê\x85Văn"],
    ids=["NUL", "bell", "right-to-left override", "isolate", "C1 control"],
)
async def test_text_no_person_types_is_refused_everywhere(
    client: AsyncTestClient[Litestar], world: World, database: Database, text: str
) -> None:
    coordinator = world.auth("coordinator")
    answers = [
        await client.post("/api/auth/token", json={"username": text, "password": "x" * 12}),
        await client.get("/api/donors", params={"q": text}, headers=coordinator),
        await client.post("/api/donors", json={"name": text}, headers=coordinator),
        await client.post(
            "/api/item-types", json={"name": text, "unit_of_measure": "kg"}, headers=coordinator
        ),
        await client.post(
            "/api/units", json={"code": "MOI", "name": text, "parent_code": None}, headers=world.auth("admin")
        ),
    ]
    assert [answer.status_code for answer in answers] == [422] * len(answers), [a.text for a in answers]
    assert "không được phép" in answers[2].json()["extra"][0]["message"]
    assert await _count(database, Donor) == 1
    verify = await client.get("/verify/" + quote(text))
    assert verify.status_code == 404


async def test_the_sign_in_form_refuses_control_characters(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    await client.get("/login")
    page = await client.post(
        "/login",
        data={"username": "quan\x00tri", "password": "x" * 12},
        headers={"x-csrftoken": client.cookies["charity_csrf"]},
    )
    assert page.status_code == 422
    assert "không được phép" in page.text


async def test_item_type_names_are_unique_whatever_their_case_or_form(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    coordinator = world.auth("coordinator")
    uniforms = {"name": "Đồng phục học sinh", "unit_of_measure": "bộ"}
    assert (await client.post("/api/item-types", json=uniforms, headers=coordinator)).status_code == 201
    for name in (
        "đồng phục học sinh",
        "ĐỒNG PHỤC HỌC SINH",
        unicodedata.normalize("NFD", "Đồng phục học sinh"),
    ):
        again = await client.post("/api/item-types", json=uniforms | {"name": name}, headers=coordinator)
        assert again.status_code == 409, name
    notebooks = await client.post(
        "/api/item-types", json={"name": "Vở học sinh", "unit_of_measure": "quyển"}, headers=coordinator
    )
    admin = world.auth("admin")
    renamed = await client.patch(
        f"/api/item-types/{notebooks.json()['id']}", json={"name": "ĐỒNG PHỤC học sinh"}, headers=admin
    )
    assert renamed.status_code == 409
    # Its own name in other capitals is still its name.
    recased = await client.patch(
        f"/api/item-types/{notebooks.json()['id']}", json={"name": "VỞ HỌC SINH"}, headers=admin
    )
    assert recased.status_code == 200
    assert await _count(database, ItemType) == 3


async def test_json_nested_without_end_is_refused_before_it_is_decoded(
    client: AsyncTestClient[Litestar], world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), litestar_log(caplog):
        for path, headers in (("/api/auth/token", {}), ("/api/donations", world.auth("volunteer"))):
            response = await client.post(
                path, content=b"[" * 100_000, headers=headers | {"content-type": "application/json"}
            )
            assert response.status_code == 400
            assert "lồng nhau" in response.json()["detail"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    # Nesting inside strings is text, not depth.
    deep_text = {"username": "[" * 200, "password": "{" * 200}
    assert (await client.post("/api/auth/token", json=deep_text)).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        [("Idempotency-Key", "khóa-tiếng-việt".encode())],
        [("Idempotency-Key", "has space")],
        [("Idempotency-Key", "x" * 101)],
        [("Idempotency-Key", "first"), ("Idempotency-Key", "second")],
    ],
    ids=["non-ASCII", "space", "too long", "twice"],
)
async def test_a_malformed_idempotency_key_is_refused(
    client: AsyncTestClient[Litestar],
    world: World,
    database: Database,
    headers: list[tuple[str, str | bytes]],
) -> None:
    gift = {
        "drive_id": world.ids["drive"],
        "received_on": "2026-01-15",
        "donor": {"id": world.ids["donor"]},
        "cash": {"amount": 100_000},
    }
    before = await _count(database, Donation)
    response = await client.post(
        "/api/donations", json=gift, headers=[*world.auth("volunteer").items(), *headers]
    )
    assert response.status_code == 422, response.text
    assert response.json()["extra"]["field"] == "Idempotency-Key"
    assert await _count(database, Donation) == before


async def test_invalid_utf8_in_an_idempotency_key_is_refused(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    gift = {
        "drive_id": world.ids["drive"],
        "received_on": "2026-01-15",
        "anonymous": True,
        "cash": {"amount": 1},
    }
    response = await client.post(
        "/api/donations",
        json=gift,
        headers=[
            *[(k.encode(), v.encode()) for k, v in world.auth("volunteer").items()],
            (b"idempotency-key", b"\xff\xfe"),
        ],
    )
    assert response.status_code == 422


async def test_the_api_document_names_the_statuses_each_operation_answers(
    client: AsyncTestClient[Litestar],
) -> None:
    document = (await client.get("/schema/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        if path.startswith("/api/")
        for method, operation in methods.items()
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        statuses = set(operation["responses"])
        assert {"400", "422", "503"} <= statuses, (method, path)
        # Only what the public may read answers without a sign-in.
        assert ("401" in statuses) != path.startswith("/api/public/"), (method, path)
        if path != "/api/auth/token" or method != "post":
            assert "404" in statuses, (method, path)
        if method != "get":
            assert {"409", "413"} <= statuses, (method, path)
        error = operation["responses"]["422"]["content"]["application/json"]["schema"]
        assert set(error["required"]) == {"status_code", "detail"}
    assert "429" in document["paths"]["/api/auth/token"]["post"]["responses"]
    assert "200" in document["paths"]["/api/donations"]["post"]["responses"]


@pytest.mark.parametrize("path", ["/verify/", "/verify", "/khong-co-trang-nay", f"/verify/{'x' * 40}"])
async def test_the_public_gets_vietnamese_error_pages_that_do_not_send_it_to_the_sign_in_form(
    client: AsyncTestClient[Litestar], path: str
) -> None:
    page = await client.get(path, follow_redirects=False)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Not Found" not in page.text
    assert "Không" in page.text
    assert 'href="/"' not in page.text
    assert "/login" not in page.text
