from __future__ import annotations

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from charity.accounts.passwords import needs_rehash
from charity.db import Database
from charity.models import ApiToken, AuditEvent, User, utcnow
from tests import factories

PASSWORD = "Bong-sen-trang-2026"


async def _user(database: Database, username: str = "thuquy", password: str = PASSWORD, **fields) -> int:
    from charity.accounts.passwords import hash_password

    async with database.write() as session:
        return (
            await factories.user(session, username=username, password_hash=hash_password(password), **fields)
        ).id


async def _token(client: AsyncTestClient[Litestar], username: str = "thuquy", password: str = PASSWORD):
    return await client.post("/api/auth/token", json={"username": username, "password": password})


async def test_a_password_buys_a_bearer_token_that_identifies_the_user(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    user_id = await _user(database)
    response = await _token(client, username="ThuQuy")  # usernames ignore case
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert len(body["access_token"]) >= 43  # 256 random bits, base64url
    lifetime = datetime.fromisoformat(body["expires_at"]) - utcnow()
    assert timedelta(hours=11, minutes=59) < lifetime <= timedelta(hours=12)
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["id"] == user_id
    async with database.read() as session:
        stored = (await session.execute(select(ApiToken.token_hash))).scalars().all()
    assert body["access_token"] not in stored  # only the digest is kept


async def test_unknown_user_and_wrong_password_look_the_same(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database)
    unknown = await _token(client, username="khong-co-ai")
    wrong = await _token(client, password="sai-mat-khau-roi")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


async def test_an_expired_token_is_refused(client: AsyncTestClient[Litestar], database: Database) -> None:
    await _user(database)
    token = (await _token(client)).json()["access_token"]
    async with database.write() as session:
        await session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_a_change_made_by_another_process_is_seen_at_once(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    """A user deactivated through another connection pool, as a second server or the `charity`
    command would, is refused on the next request."""
    await _user(database)
    headers = {"Authorization": f"Bearer {(await _token(client)).json()['access_token']}"}
    assert (await client.get("/api/me", headers=headers)).status_code == 200
    async with database.write() as session:
        await session.execute(update(User).values(is_active=False))
    assert (await client.get("/api/me", headers=headers)).status_code == 401


async def test_a_revoked_token_is_refused_and_others_still_work(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database)
    first = (await _token(client)).json()["access_token"]
    second = (await _token(client)).json()["access_token"]
    assert (
        await client.delete("/api/auth/token", headers={"Authorization": f"Bearer {first}"})
    ).status_code == 204
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {first}"})).status_code == 401
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {second}"})).status_code == 200


async def test_deactivating_a_user_ends_their_tokens(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database, username="quantri", is_admin=True)
    user_id = await _user(database)
    admin = (await _token(client, username="quantri")).json()["access_token"]
    token = (await _token(client)).json()["access_token"]
    response = await client.post(
        f"/api/users/{user_id}/deactivate", headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).status_code == 401
    assert (await _token(client)).status_code == 401


async def test_a_password_hashed_with_weaker_parameters_is_rehashed_at_sign_in(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with database.write() as session:
        user_id = (await factories.user(session, username="thuquy", password_hash=weak)).id
    assert needs_rehash(weak)
    assert (await _token(client)).status_code == 201
    async with database.read() as session:
        stored = (await session.get(User, user_id)).password_hash
    assert stored != weak
    assert not needs_rehash(stored)
    assert (await _token(client)).status_code == 201


async def test_sign_ins_are_audited(client: AsyncTestClient[Litestar], database: Database) -> None:
    await _user(database)
    await _token(client, password="sai-mat-khau-roi")
    await _token(client)
    async with database.read() as session:
        actions = (await session.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars().all()
        failures = (
            await session.execute(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login.failure")
            )
        ).scalar_one()
    assert actions[-2:] == ["login.failure", "login.success"]
    assert failures == 1


async def test_changing_ones_password_ends_the_other_tokens_only(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database)
    current = (await _token(client)).json()["access_token"]
    other = (await _token(client)).json()["access_token"]
    response = await client.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "Mat-khau-moi-2026!"},
        headers={"Authorization": f"Bearer {current}"},
    )
    assert response.status_code == 204
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {current}"})).status_code == 200
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {other}"})).status_code == 401
    assert (await _token(client)).status_code == 401
    assert (await _token(client, password="Mat-khau-moi-2026!")).status_code == 201
    async with database.read() as session:
        actions = (await session.execute(select(AuditEvent.action))).scalars().all()
    assert "user.password_change" in actions
