from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from charity.accounts.guard import SESSION_COOKIE
from charity.accounts.passwords import hash_password
from charity.app import create_app
from charity.db import Database
from charity.models import WebSession, utcnow
from charity.settings import Settings
from tests import factories

PASSWORD = "Bong-sen-trang-2026"


@pytest.fixture
async def member(database: Database) -> int:
    async with database.write() as session:
        return (
            await factories.user(
                session, username="lan", full_name="Nguyễn Thị Lan", password_hash=hash_password(PASSWORD)
            )
        ).id


async def _form_token(client: AsyncTestClient[Litestar], path: str = "/login") -> str:
    page = await client.get(path)
    assert page.status_code == 200
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, "the form carries a CSRF token"
    return match.group(1)


async def _sign_in(client: AsyncTestClient[Litestar], password: str = PASSWORD, next_path: str = "/"):
    token = await _form_token(client)
    return await client.post(
        "/login",
        data={"username": "lan", "password": password, "next": next_path, "_csrf_token": token},
        follow_redirects=False,
    )


def _set_cookie(response, name: str) -> str:
    return next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith(name)
    )


async def test_signing_in_sets_a_protected_session_cookie_and_opens_the_home_page(
    client: AsyncTestClient[Litestar], member: int
) -> None:
    response = await _sign_in(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = _set_cookie(response, SESSION_COOKIE).lower()
    assert f"max-age={12 * 3600}" in cookie
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie
    home = await client.get("/")
    assert home.status_code == 200
    assert "Nguyễn Thị Lan" in home.text
    assert "Đăng xuất" in home.text


async def test_the_cookie_is_secure_when_served_over_https(settings: Settings, member: int) -> None:
    async with AsyncTestClient(
        app=create_app(replace(settings, secure_cookies=True)), base_url="https://testserver.local"
    ) as client:
        response = await _sign_in(client)
    assert "secure" in _set_cookie(response, SESSION_COOKIE).lower()


async def test_a_wrong_password_keeps_the_form_and_says_so(
    client: AsyncTestClient[Litestar], member: int
) -> None:
    response = await _sign_in(client, password="sai-mat-khau-roi")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    assert 'value="lan"' in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_a_form_without_the_csrf_token_is_refused(
    client: AsyncTestClient[Litestar], member: int
) -> None:
    await client.get("/login")
    response = await client.post(
        "/login", data={"username": "lan", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    forged = await client.post(
        "/login",
        data={"username": "lan", "password": PASSWORD, "_csrf_token": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


async def test_the_session_id_changes_at_sign_in_and_the_old_one_dies(
    client: AsyncTestClient[Litestar], database: Database, member: int
) -> None:
    first = (await _sign_in(client)).cookies[SESSION_COOKIE]
    second_response = await _sign_in(client)
    second = second_response.cookies[SESSION_COOKIE]
    assert first != second
    client.cookies.set(SESSION_COOKIE, first)
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 303
    client.cookies.set(SESSION_COOKIE, second)
    assert (await client.get("/")).status_code == 200


async def test_the_form_token_is_renewed_at_sign_in(client: AsyncTestClient[Litestar], member: int) -> None:
    before = await _form_token(client)
    signed_in = await _sign_in(client)
    assert "Max-Age=0" in _set_cookie(signed_in, "charity_csrf=")
    after = await _form_token(client, "/")
    assert after != before
    stale = await client.post("/logout", data={"_csrf_token": before}, follow_redirects=False)
    assert stale.status_code == 403


async def test_anonymous_pages_lead_to_the_sign_in_form_and_back(
    client: AsyncTestClient[Litestar], member: int
) -> None:
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F"
    signed_in = await _sign_in(client, next_path="/?tab=1")
    assert signed_in.headers["location"] == "/?tab=1"
    foreign = await _sign_in(client, next_path="//evil.example/")
    assert foreign.headers["location"] == "/"


async def test_a_session_lasts_twelve_hours_at_most(
    client: AsyncTestClient[Litestar], database: Database, member: int
) -> None:
    await _sign_in(client)
    async with database.read() as session:
        row = (await session.execute(select(WebSession))).scalar_one()
    assert row.expires_at - row.created_at == timedelta(hours=12)


@pytest.mark.parametrize(
    ("column", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
    ids=["idle-30-minutes", "absolute-12-hours"],
)
async def test_sessions_expire(
    client: AsyncTestClient[Litestar], database: Database, member: int, column: str, age: timedelta
) -> None:
    await _sign_in(client)
    async with database.write() as session:
        values = {column: utcnow() - age}
        if column == "created_at":
            values["expires_at"] = utcnow() - timedelta(minutes=1)
        await session.execute(update(WebSession).values(**values))
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_use_keeps_a_session_alive(
    client: AsyncTestClient[Litestar], database: Database, member: int
) -> None:
    await _sign_in(client)
    async with database.write() as session:
        await session.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    assert (await client.get("/")).status_code == 200
    async with database.read() as session:
        last_seen = (await session.execute(select(WebSession.last_seen_at))).scalar_one()
    assert utcnow() - last_seen < timedelta(minutes=1)


async def test_signing_out_ends_the_session(client: AsyncTestClient[Litestar], member: int) -> None:
    cookie = (await _sign_in(client)).cookies[SESSION_COOKIE]
    token = await _form_token(client, "/")
    response = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    client.cookies.set(SESSION_COOKIE, cookie)
    assert (await client.get("/", follow_redirects=False)).status_code == 303


async def test_a_session_cookie_does_not_open_the_api(client: AsyncTestClient[Litestar], member: int) -> None:
    await _sign_in(client)
    assert (await client.get("/api/me")).status_code == 401
