from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.db import Database
from charity.models import AuditEvent, User
from tests import factories

PASSWORD = "Quan-tri-vien-2026"


async def _setup_link(database: Database) -> str:
    async with database.write() as session:
        secret = await signin.create_setup_link(session)
    assert secret
    return f"/setup/{secret}"


def _csrf(page: httpx.Response) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)


async def test_the_setup_link_creates_the_first_admin_once(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    link = await _setup_link(database)
    form = await client.get(link)
    assert form.status_code == 200
    assert "Tạo tài khoản quản trị đầu tiên" in form.text
    fields = {
        "username": "QuanTri",
        "full_name": "Trần Văn Quản",
        "password": PASSWORD,
        "password_again": PASSWORD,
    }
    response = await client.post(link, data={**fields, "_csrf_token": _csrf(form)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert SESSION_COOKIE in response.cookies
    home = await client.get("/")
    assert "Trần Văn Quản" in home.text
    assert "Quản trị viên" in home.text

    again = await client.get(link)
    assert again.status_code == 404
    assert "không còn hiệu lực" in again.text
    # The form token was renewed at sign-in: a second attempt carries the current one.
    second = await client.post(
        link, data={**fields, "username": "hacker", "_csrf_token": _csrf(home)}, follow_redirects=False
    )
    assert second.status_code == 404
    async with database.read() as session:
        users = (await session.execute(select(User.username, User.is_admin))).all()
        audited = (await session.execute(select(AuditEvent.action))).scalars().all()
    assert users == [("quantri", True)]
    assert "setup.first_admin" in audited


async def test_a_weak_password_keeps_the_form_and_the_link(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    link = await _setup_link(database)
    form = await client.get(link)
    response = await client.post(
        link,
        data={
            "username": "quantri",
            "password": "ngan",
            "password_again": "ngan",
            "_csrf_token": _csrf(form),
        },
    )
    assert response.status_code == 422
    assert "ít nhất 10 ký tự" in response.text
    assert 'value="quantri"' in response.text
    assert (await client.get(link)).status_code == 200


async def test_forged_and_superseded_links_do_not_work(
    client: AsyncTestClient[Litestar], database: Database
) -> None:
    old = await _setup_link(database)
    new = await _setup_link(database)
    assert (await client.get("/setup/forged-link")).status_code == 404
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200


async def test_no_setup_link_once_a_user_exists(database: Database) -> None:
    async with database.write() as session:
        await factories.user(session)
        assert await signin.create_setup_link(session) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_prints_the_setup_link_on_an_empty_database(cli_env: dict[str, str]) -> None:
    port = _free_port()
    with subprocess.Popen(
        [f"{sys.prefix}/bin/charity", "serve", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as server:
        try:
            link, said = None, []
            deadline = time.monotonic() + 30
            while link is None and time.monotonic() < deadline:
                said.append(server.stdout.readline())
                found = re.search(rf"http://127\.0\.0\.1:{port}/setup/\S+", said[-1])
                link = found.group(0) if found else None
            assert link, "serve printed a setup link"
            # Without CHARITY_PUBLIC_URL, receipts' QR codes would lead to this machine only.
            assert any("CHARITY_PUBLIC_URL" in line for line in said), said
            page = None
            for _ in range(100):
                try:
                    page = httpx.get(link, timeout=2)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            assert page is not None
            assert page.status_code == 200
            assert "Tạo tài khoản quản trị" in page.text
        finally:
            server.terminate()
