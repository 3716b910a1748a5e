from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.db import Database
from charity.models import AuditEvent, Membership, User
from tests.world import World, build_world

STRONG = "Mat-khau-moi-2026!"


async def _count(database: Database, model: type) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def _world(database: Database) -> World:
    return await build_world(database)


async def test_admin_creates_a_user_with_memberships(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    response = await client.post(
        "/api/users",
        headers=world.auth("admin"),
        json={
            "username": "Ke.Toan",
            "password": STRONG,
            "full_name": "Phạm Thị Kế Toán",
            "memberships": [
                {"unit_id": world.units["DISTRICT"], "role": "coordinator"},
                {"unit_id": world.units["DISTRICT"], "role": "auditor"},
            ],
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["username"] == "ke.toan"
    assert {(m["unit_code"], m["role"]) for m in body["memberships"]} == {
        ("DISTRICT", "coordinator"),
        ("DISTRICT", "auditor"),
    }
    token = await client.post("/api/auth/token", json={"username": "KE.TOAN", "password": STRONG})
    assert token.status_code == 201


async def test_bad_user_input_is_a_422_and_writes_nothing(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    users, memberships = await _count(database, User), await _count(database, Membership)
    cases = [
        ({"username": "a b", "password": STRONG}, "username", "Tên đăng nhập"),
        ({"username": "moi", "password": "ngan"}, "password", "ít nhất 10 ký tự"),
        ({"username": "moi", "password": "password123"}, "password", "phổ biến"),
        ({"username": "moi", "password": STRONG, "full_name": "x" * 201}, "full_name", "Họ tên"),
        ({"username": "moi", "password": 12345678901}, "password", "chuỗi"),
        ({"username": "moi"}, "password", "Thiếu"),
        (
            {"username": "moi", "password": STRONG, "memberships": [{"unit_id": 99999, "role": "volunteer"}]},
            None,
            None,
        ),
        (
            {"username": "moi", "password": STRONG, "memberships": [{"unit_id": 1, "role": "boss"}]},
            None,
            None,
        ),
    ]
    for body, field, words in cases:
        response = await client.post("/api/users", headers=world.auth("admin"), json=body)
        assert response.status_code in (404, 422), (body, response.text)
        payload = response.json()
        assert payload["status_code"] == response.status_code
        if field:
            assert response.status_code == 422
            text = str(payload)
            assert field in text, payload
            assert words in text, payload
    assert (await _count(database, User), await _count(database, Membership)) == (users, memberships)


async def test_usernames_are_unique_whatever_the_case(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    response = await client.post(
        "/api/users", headers=world.auth("admin"), json={"username": "VOLUNTEER", "password": STRONG}
    )
    assert response.status_code == 409
    assert "đã được dùng" in response.json()["detail"]


async def test_a_coordinator_manages_only_volunteers_of_their_scope(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    coordinator = world.auth("coordinator")
    listed = (await client.get("/api/users", headers=coordinator)).json()
    assert {user["username"] for user in listed["items"]} == {"volunteer", "sibling-volunteer"}
    assert listed["total"] == 2

    as_coordinator = await client.post(
        "/api/users",
        headers=coordinator,
        json={
            "username": "dieu-phoi-2",
            "password": STRONG,
            "memberships": [{"unit_id": world.units["COMMUNE"], "role": "coordinator"}],
        },
    )
    assert as_coordinator.status_code == 403
    as_admin = await client.post(
        "/api/users", headers=coordinator, json={"username": "sep", "password": STRONG, "is_admin": True}
    )
    assert as_admin.status_code == 403
    above = await client.post(
        "/api/users",
        headers=coordinator,
        json={
            "username": "tinh-nguyen-tinh",
            "password": STRONG,
            "memberships": [{"unit_id": world.units["PROVINCE"], "role": "volunteer"}],
        },
    )
    assert above.status_code == 404
    # A fellow coordinator and the auditor are not theirs to manage.
    for other in ("auditor", "admin", "outsider"):
        response = await client.post(f"/api/users/{world.users[other]}/deactivate", headers=coordinator)
        assert response.status_code == 404, other


async def test_password_reset_ends_the_users_tokens(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    response = await client.post(
        f"/api/users/{world.users['volunteer']}/password",
        headers=world.auth("coordinator"),
        json={"password": STRONG},
    )
    assert response.status_code == 204
    assert (await client.get("/api/me", headers=world.auth("volunteer"))).status_code == 401
    token = await client.post("/api/auth/token", json={"username": "volunteer", "password": STRONG})
    assert token.status_code == 201


async def test_admins_cannot_lock_themselves_or_the_last_admin_out(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    admin = world.auth("admin")
    assert (
        await client.post(f"/api/users/{world.users['admin']}/deactivate", headers=admin)
    ).status_code == 409
    demote = await client.patch(f"/api/users/{world.users['admin']}", headers=admin, json={"is_admin": False})
    assert demote.status_code == 409
    assert "cuối cùng" in demote.json()["detail"]


async def test_memberships_can_be_granted_and_withdrawn(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    admin = world.auth("admin")
    user = world.users["volunteer"]
    granted = await client.post(
        f"/api/users/{user}/memberships",
        headers=admin,
        json={"unit_id": world.units["SIBLING"], "role": "auditor"},
    )
    assert granted.status_code == 201
    assert ("SIBLING", "auditor") in {(m["unit_code"], m["role"]) for m in granted.json()["memberships"]}
    duplicate = await client.post(
        f"/api/users/{user}/memberships",
        headers=admin,
        json={"unit_id": world.units["SIBLING"], "role": "auditor"},
    )
    assert duplicate.status_code == 409
    removed = await client.delete(
        f"/api/users/{user}/memberships/{world.memberships['volunteer']}", headers=admin
    )
    assert removed.status_code == 204
    me = (await client.get("/api/me", headers=world.auth("volunteer"))).json()
    assert [(m["unit_code"], m["role"]) for m in me["user"]["memberships"]] == [("SIBLING", "auditor")]
    async with database.read() as session:
        actions = set((await session.execute(select(AuditEvent.action))).scalars())
    assert {"membership.add", "membership.remove"} <= actions


async def test_me_lists_the_scope_below_each_membership(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    me = (await client.get("/api/me", headers=world.auth("coordinator"))).json()
    assert [unit["code"] for unit in me["scope"]] == ["COMMUNE", "DISTRICT", "SIBLING"]
    volunteer = (await client.get("/api/me", headers=world.auth("volunteer"))).json()
    assert [unit["code"] for unit in volunteer["scope"]] == ["COMMUNE"]


async def test_users_change_their_own_password(client: AsyncTestClient[Litestar], database: Database) -> None:
    world = await _world(database)
    response = await client.post(
        "/api/me/password",
        headers=world.auth("volunteer"),
        json={"current_password": "factory-password-1", "new_password": STRONG},
    )
    assert response.status_code == 204
    assert (
        await client.post("/api/auth/token", json={"username": "volunteer", "password": STRONG})
    ).status_code == 201


async def test_coordinators_grant_and_withdraw_volunteer_roles_only(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    coordinator = world.auth("coordinator")
    volunteer = world.users["volunteer"]
    promote = await client.post(
        f"/api/users/{volunteer}/memberships",
        headers=coordinator,
        json={"unit_id": world.units["COMMUNE"], "role": "coordinator"},
    )
    assert promote.status_code == 403
    theirs = await client.delete(
        f"/api/users/{world.users['auditor']}/memberships/{world.memberships['auditor']}", headers=coordinator
    )
    assert theirs.status_code == 404
    last = await client.delete(
        f"/api/users/{volunteer}/memberships/{world.memberships['volunteer']}", headers=coordinator
    )
    assert last.status_code == 409
    assert "khóa tài khoản" in last.json()["detail"]
    second = await client.post(
        f"/api/users/{volunteer}/memberships",
        headers=coordinator,
        json={"unit_id": world.units["SIBLING"], "role": "volunteer"},
    )
    assert second.status_code == 201
    removed = await client.delete(
        f"/api/users/{volunteer}/memberships/{world.memberships['volunteer']}", headers=coordinator
    )
    assert removed.status_code == 204


async def test_the_same_grant_twice_is_refused(client: AsyncTestClient[Litestar], database: Database) -> None:
    world = await _world(database)
    grant = {"unit_id": world.units["COMMUNE"], "role": "volunteer"}
    response = await client.post(
        "/api/users",
        headers=world.auth("coordinator"),
        json={"username": "trung-lap", "password": STRONG, "memberships": [grant, grant]},
    )
    assert response.status_code == 422
    assert (await _count(database, User)) == 6


async def test_an_admin_cannot_reset_their_own_password_without_the_current_one(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    world = await _world(database)
    response = await client.post(
        f"/api/users/{world.users['admin']}/password", headers=world.auth("admin"), json={"password": STRONG}
    )
    assert response.status_code == 409
