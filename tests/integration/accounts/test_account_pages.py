"""The account pages' rules, through the HTTP client: one's own password, and what admins and
coordinators do to users and units from the pages. A refused change changes nothing."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.accounts.guard import CSRF_COOKIE, SESSION_COOKIE
from charity.db import Database
from charity.models import LoginAttempt, Membership, ReceiptForm, Unit, User
from tests.world import World, build_world

CURRENT = "factory-password-1"
STRONG = "Mat-khau-moi-2026!"
NBSP = "\u00a0"


async def _as(client: AsyncTestClient[Litestar], world: World, who: str) -> None:
    """Signed in as `who` in the browser, holding the form token a page hands out."""
    client.cookies.set(SESSION_COOKIE, world.sessions[who])
    await client.get("/")


def _token(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    return {"_csrf_token": client.cookies[CSRF_COOKIE]}


async def _post(client: AsyncTestClient[Litestar], path: str, data: dict[str, str]):
    return await client.post(path, data=data | _token(client), follow_redirects=False)


async def _user(database: Database, user_id: int) -> User:
    async with database.read() as session:
        return await session.get_one(User, user_id)


async def test_a_coordinator_cannot_reset_an_admins_or_another_scopes_password(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "coordinator")
    for target in ("admin", "outsider", "auditor"):
        before = (await _user(database, world.users[target])).password_hash
        assert (await client.get(f"/admin/users/{world.users[target]}/password")).status_code == 404
        response = await _post(
            client,
            f"/admin/users/{world.users[target]}/password",
            {"password": STRONG, "password_again": STRONG},
        )
        assert response.status_code == 404, target
        assert "Không có người dùng này." in response.text
        assert (await _user(database, world.users[target])).password_hash == before
        deactivate = await _post(client, f"/admin/users/{world.users[target]}/deactivate", {})
        assert deactivate.status_code == 404
        assert (await _user(database, world.users[target])).is_active


async def test_a_coordinator_resets_their_volunteers_password_and_the_volunteers_sessions_end(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "coordinator")
    volunteer = world.users["volunteer"]
    confirm = await client.get(f"/admin/users/{volunteer}/password")
    assert "Đặt lại mật khẩu cho Volunteer?" in confirm.text
    assert "Các phiên đăng nhập của người này sẽ kết thúc." in confirm.text
    before = (await _user(database, volunteer)).password_hash
    response = await _post(
        client, f"/admin/users/{volunteer}/password", {"password": STRONG, "password_again": STRONG}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/admin/users/{volunteer}?done=password"
    assert (await _user(database, volunteer)).password_hash != before
    assert "Đã đặt lại mật khẩu" in (await client.get(response.headers["location"])).text
    client.cookies.set(SESSION_COOKIE, world.sessions["volunteer"])
    assert (await client.get("/", follow_redirects=False)).status_code == 303


async def test_bad_input_answers_4xx_and_changes_nothing(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "admin")
    volunteer = world.users["volunteer"]
    before = (await _user(database, volunteer)).password_hash
    for data, message in (
        ({}, "Mật khẩu phải có ít nhất"),
        ({"password": STRONG, "password_again": STRONG + "x"}, "Hai lần nhập mật khẩu mới không khớp."),
        ({"password": "volunteer-2026-abc", "password_again": "volunteer-2026-abc"}, "tên đăng nhập"),
        ({"password": "bad\x00password-2026", "password_again": "bad\x00password-2026"}, ""),
    ):
        response = await _post(client, f"/admin/users/{volunteer}/password", data)
        assert response.status_code == 422, data
        assert message in response.text
        assert "Chưa thực hiện được." in response.text
    assert (await _user(database, volunteer)).password_hash == before
    # An admin deactivating themselves, or removing a role that is not the user's.
    response = await _post(client, f"/admin/users/{world.users['admin']}/deactivate", {})
    assert response.status_code == 409
    assert "Không thể tự khóa tài khoản của chính mình." in response.text
    assert (await _user(database, world.users["admin"])).is_active
    foreign = world.memberships["coordinator"]
    response = await _post(client, f"/admin/users/{volunteer}/memberships/{foreign}/remove", {})
    assert response.status_code == 404
    async with database.read() as session:
        assert await session.get(Membership, foreign) is not None


async def test_a_form_without_its_csrf_token_is_refused(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "admin")
    volunteer = world.users["volunteer"]
    for path, data in (
        (f"/admin/users/{volunteer}/password", {"password": STRONG, "password_again": STRONG}),
        (f"/admin/users/{volunteer}/deactivate", {}),
        (f"/admin/users/{volunteer}/memberships/{world.memberships['volunteer']}/remove", {}),
        (
            "/account/password",
            {"current_password": CURRENT, "new_password": STRONG, "new_password_again": STRONG},
        ),
        (f"/admin/units/{world.units['COMMUNE']}", {"name": "Đổi tên"}),
    ):
        response = await client.post(path, data=data, follow_redirects=False)
        assert response.status_code == 403, path
    assert (await _user(database, volunteer)).is_active
    async with database.read() as session:
        assert await session.get(Membership, world.memberships["volunteer"]) is not None
        assert (await session.get_one(Unit, world.units["COMMUNE"])).name == "Hội Phụ nữ COMMUNE"


async def test_an_admin_deactivates_and_removes_a_role_after_confirming(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "admin")
    volunteer, membership = world.users["volunteer"], world.memberships["volunteer"]
    page = await client.get(f"/admin/users/{volunteer}/memberships/{membership}/remove")
    assert "Gỡ vai trò Tình nguyện viên – Hội Phụ nữ COMMUNE (COMMUNE) của Volunteer?" in page.text
    assert (
        await _post(client, f"/admin/users/{volunteer}/memberships/{membership}/remove", {})
    ).status_code == 303
    async with database.read() as session:
        assert await session.get(Membership, membership) is None
    assert "Khóa tài khoản của Volunteer?" in (await client.get(f"/admin/users/{volunteer}/deactivate")).text
    assert (await _post(client, f"/admin/users/{volunteer}/deactivate", {})).status_code == 303
    assert not (await _user(database, volunteer)).is_active
    assert (await _post(client, f"/admin/users/{volunteer}/activate", {})).status_code == 303
    assert (await _user(database, volunteer)).is_active


async def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "volunteer")
    wrong = await _post(
        client,
        "/account/password",
        {"current_password": "not-it-at-all", "new_password": STRONG, "new_password_again": STRONG},
    )
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in wrong.text
    async with database.read() as session:
        failures = await session.execute(select(LoginAttempt).where(LoginAttempt.username == "volunteer"))
        assert [attempt.succeeded for attempt in failures.scalars()] == [False]
    mismatch = await _post(
        client,
        "/account/password",
        {"current_password": CURRENT, "new_password": STRONG, "new_password_again": "khac-han-2026!"},
    )
    assert mismatch.status_code == 422
    assert "Hai lần nhập mật khẩu mới không khớp." in mismatch.text
    empty = await _post(client, "/account/password", {})
    assert empty.status_code == 422
    before = (await _user(database, world.users["volunteer"])).password_hash
    changed = await _post(
        client,
        "/account/password",
        {"current_password": CURRENT, "new_password": STRONG, "new_password_again": STRONG},
    )
    assert changed.status_code == 303
    assert "Đã đổi mật khẩu." in (await client.get(changed.headers["location"])).text
    assert (await _user(database, world.users["volunteer"])).password_hash != before
    token = await client.get("/api/me", headers=world.auth("volunteer"))
    assert token.status_code == 401


async def test_the_coordinators_users_page_shows_their_volunteers_and_no_admin_text(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "coordinator")
    page = (await client.get("/admin/users")).text
    main = page.split('<main id="main"', 1)[1]
    assert ">volunteer<" in main
    assert ">sibling-volunteer<" in main
    for text in ("Quản trị", "quản trị", 'value="coordinator"', 'value="auditor"', ">admin<", "outsider"):
        assert text not in main, text
    # The units a coordinator may grant: their district and below, as a tree, none chosen.
    options = re.findall(r'<select id="unit_id".*?</select>', main, re.S)[0]
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", options)
    assert labels == [
        "— Chọn đơn vị —",
        "Hội Phụ nữ DISTRICT (DISTRICT)",
        f"{NBSP * 4}Hội Phụ nữ COMMUNE (COMMUNE)",
        f"{NBSP * 4}Hội Phụ nữ SIBLING (SIBLING)",
    ]
    assert '<option value="" selected>' in options


async def test_the_unit_form_saves_receipt_settings_and_refuses_what_no_option_offers(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await build_world(database)
    await _as(client, world, "admin")
    commune = world.units["COMMUNE"]
    page = (await client.get(f"/admin/units/{commune}")).text
    assert "Mẫu biên nhận tiền" in page
    assert "Phiếu thu mẫu C40-BB (kế toán hành chính, sự nghiệp)" in page
    assert "Khoản từ bao nhiêu đồng cần xác nhận lại" in page
    assert "Thời hạn công nhận đối tượng (tháng)" in page
    assert "Chênh lệch kiểm kê trên bao nhiêu đồng cần điều phối viên khác duyệt" in page
    good = {
        "name": "Chi hội Phụ nữ xã",
        "address": "",
        "parent_code": "DISTRICT",
        "receipt_form": "C40-BB",
        "receipt_paper": "a4x2",
        "zero_tens_word": "lẻ",
        "large_gift_threshold": "50.000.000",
        "review_months": "24",
        "adjustment_threshold": "2.000.000",
    }
    for field, bad in (
        ("receipt_form", "01-XX"),
        ("receipt_paper", ""),
        ("zero_tens_word", "le"),
        ("large_gift_threshold", "nhiều"),
        ("large_gift_threshold", ""),
        ("large_gift_threshold", "0"),
        ("review_months", ""),
        ("review_months", "0"),
        ("review_months", "61"),
        ("review_months", "mười"),
        ("adjustment_threshold", ""),
        ("adjustment_threshold", "nhiều"),
        ("name", ""),
        ("parent_code", "COMMUNE"),
    ):
        response = await _post(client, f"/admin/units/{commune}", good | {field: bad})
        assert response.status_code == 422, (field, bad)
        assert "Chưa lưu được." in response.text
    async with database.read() as session:
        unit = await session.get_one(Unit, commune)
        assert (unit.name, unit.receipt_form, unit.large_gift_threshold) == (
            "Hội Phụ nữ COMMUNE",
            ReceiptForm.PLAIN,
            100_000_000,
        )
    response = await _post(client, f"/admin/units/{commune}", good)
    assert response.status_code == 303
    async with database.read() as session:
        unit = await session.get_one(Unit, commune)
        assert (unit.name, unit.receipt_form, unit.receipt_paper, unit.zero_tens_word) == (
            "Chi hội Phụ nữ xã",
            "C40-BB",
            "a4x2",
            "lẻ",
        )
        assert unit.large_gift_threshold == 50_000_000
        assert unit.review_months == 24
        assert unit.adjustment_threshold == 2_000_000
    assert "Đã lưu thông tin đơn vị." in (await client.get(response.headers["location"])).text
