from __future__ import annotations

import asyncio

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.accounts import signin
from charity.accounts.passwords import hash_password
from charity.db import Database
from charity.models import AuditEvent
from tests import factories

PASSWORD = "Bong-sen-trang-2026"


async def _nothing(_session: object, _user: object) -> None:
    return None


async def _attempt(database: Database, username: str, password: str, ip: str) -> signin.SignIn[None]:
    """A sign-in in a write transaction of its own, as a request's."""
    async with database.write() as session:
        return await signin.attempt(database, session, username, password, ip, _nothing)


_HASH = hash_password(PASSWORD)


async def _user(database: Database, username: str) -> None:
    async with database.write() as session:
        await factories.user(session, username=username, password_hash=_HASH)


async def _actions(database: Database) -> list[str]:
    async with database.read() as session:
        return list((await session.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars())


async def test_ten_failures_for_an_account_lock_it_for_a_while_even_from_other_addresses(
    database: Database,
) -> None:
    await _user(database, "thuquy")
    for n in range(signin.THROTTLE_FAILURES):
        outcome = await _attempt(database, "thuquy", "sai-mat-khau", f"10.0.0.{n}")
        assert outcome.user is None
        assert not outcome.throttled
    outcome = await _attempt(database, "thuquy", PASSWORD, "10.9.9.9")
    assert outcome.throttled
    assert outcome.user is None
    assert 0 < outcome.retry_after <= signin.THROTTLE_WINDOW.total_seconds() + 1
    assert (await _actions(database)).count("login.failure") == signin.THROTTLE_FAILURES
    assert (await _actions(database))[-1] == "login.throttled"


async def test_many_failures_from_one_address_throttle_it_across_usernames(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database, "thuquy")
    for n in range(signin.THROTTLE_ADDRESS_FAILURES):
        response = await client.post(
            "/api/auth/token", json={"username": f"doan-mo-{n}", "password": "x" * 12}
        )
        assert response.status_code == 401
    response = await client.post("/api/auth/token", json={"username": "thuquy", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "thử lại" in response.json()["detail"]
    # The web form shares the same limit.
    await client.get("/login")
    page = await client.post(
        "/login",
        data={"username": "thuquy", "password": PASSWORD},
        headers={"x-csrftoken": client.cookies["charity_csrf"]},
    )
    assert page.status_code == 429
    assert "thử lại" in page.text
    actions = await _actions(database)
    assert actions.count("login.failure") == signin.THROTTLE_ADDRESS_FAILURES
    assert actions.count("login.throttled") == 2


async def test_one_persons_wrong_passwords_do_not_lock_out_the_office_behind_the_same_address(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    async with database.write() as session:
        for n in range(30):
            await factories.user(session, username=f"canbo{n:02d}", password_hash=_HASH)
    for n in range(signin.THROTTLE_FAILURES):
        wrong = await client.post(
            "/api/auth/token", json={"username": "canbo00", "password": f"sai-{n}-0000"}
        )
        assert wrong.status_code == 401
    assert (
        await client.post("/api/auth/token", json={"username": "canbo00", "password": PASSWORD})
    ).status_code == 429
    for n in range(1, 30):
        signed_in = await client.post(
            "/api/auth/token", json={"username": f"canbo{n:02d}", "password": PASSWORD}
        )
        assert signed_in.status_code == 201, f"canbo{n:02d}: {signed_in.text}"


async def test_successful_sign_ins_do_not_count_toward_the_limit(database: Database) -> None:
    await _user(database, "thuquy")
    for _ in range(signin.THROTTLE_FAILURES + 2):
        assert (await _attempt(database, "thuquy", PASSWORD, "10.0.0.1")).user is not None


async def test_parallel_guesses_cannot_slip_under_the_limit(database: Database) -> None:
    await _user(database, "thuquy")
    guesses = [_attempt(database, "thuquy", f"doan-sai-{n}", f"10.1.0.{n}") for n in range(25)]
    outcomes = await asyncio.gather(*guesses)
    assert sum(1 for o in outcomes if not o.throttled) == signin.THROTTLE_FAILURES
    assert (await _actions(database)).count("login.failure") == signin.THROTTLE_FAILURES


async def test_changing_ones_password_is_throttled_and_audited(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    await _user(database, "thuquy")
    token = (await client.post("/api/auth/token", json={"username": "thuquy", "password": PASSWORD})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    new = {"new_password": "Mat-khau-moi-2026!"}
    for n in range(signin.THROTTLE_FAILURES):
        wrong = await client.post(
            "/api/me/password", json=new | {"current_password": f"doan-{n}"}, headers=headers
        )
        assert wrong.status_code == 422
        assert wrong.json()["extra"]["field"] == "current_password"
    right = await client.post("/api/me/password", json=new | {"current_password": PASSWORD}, headers=headers)
    assert right.status_code == 429
    assert (await _actions(database)).count("login.failure") == signin.THROTTLE_FAILURES
