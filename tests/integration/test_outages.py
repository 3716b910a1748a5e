"""No input makes a 5xx. A database that cannot do the work (restarting, stopped, full) answers 503
with Retry-After and a message in Vietnamese, loses nothing it acknowledged, and is used again as
soon as it is back; each such answer is one warning line in the log. A client's fault (a body over
the limit, a client gone before its body arrived) is one line in the log too, never a traceback."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import pwd
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import asyncpg
import httpx
import pytest
from litestar import Litestar
from sqlalchemy import event, make_url, text

from charity import migrate
from charity.app import create_app
from charity.db import Database
from charity.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.gifts_world import GiftsWorld, build_gifts_world
from tests.support import SqliteDatabases, litestar_log

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from throwaway_postgres import as_server_user, server_binaries, throwaway_postgres

BASE_URL = "http://testserver.local"
VOLUNTEERS = 4
# How long PostgreSQL stays down each time: long enough for every volunteer to be refused a few times.
OUTAGE_SECONDS = 1.5
# Litestar's default limit on a request's body.
BODY_LIMIT = 10 * 1024 * 1024


async def _until_refused(
    post: Callable[[], Awaitable[httpx.Response]], tries: int, acknowledged: list[dict[str, Any]]
) -> httpx.Response:
    """Gifts until the full disk refuses one: its answer (each gift before it kept in `acknowledged`)."""
    for _ in range(tries):
        answer = await post()
        assert answer.status_code in (201, 503), answer.text
        if answer.status_code == 503:
            return answer
        acknowledged.append(answer.json())
    raise AssertionError("the disk never filled up")


def app_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "litestar"]


def assert_one_line_each(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records
    assert "Traceback" not in caplog.text
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "\n" not in record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()


def take_the_last_byte(ballast: Path) -> None:
    """Fill the ballast file's file system up; removing the file gives the room back."""
    # The last write that fits only in part is cut short; the one after it finds no room.
    with ballast.open("wb", buffering=0) as file:
        while _wrote(file, bytes(1 << 16)):
            pass


def _wrote(file: BinaryIO, data: bytes) -> bool:
    try:
        file.write(data)
    except OSError as error:
        if error.errno != errno.ENOSPC:
            raise
        return False
    return True


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    body = response.json()
    assert body["status_code"] == 503
    assert "thử lại" in body["detail"]


@asynccontextmanager
async def client_of(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """Requests sent together run at once, as from volunteers' phones."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as client:
        yield client


async def receipt_numbers(client: httpx.AsyncClient, world: GiftsWorld) -> dict[int, int]:
    """Every receipt of the unit, as its coordinator lists them: id to number."""
    numbers: dict[int, int] = {}
    while True:
        page = await client.get(
            "/api/receipts", params={"limit": 200, "offset": len(numbers)}, headers=world.auth("coordinator")
        )
        assert page.status_code == 200, page.text
        numbers |= {receipt["id"]: receipt["seq"] for receipt in page.json()["items"]}
        if len(numbers) >= page.json()["total"]:
            return numbers


def assert_kept(numbers: dict[int, int], acknowledged: list[dict[str, Any]]) -> None:
    """Numbers run without a gap, and every receipt a volunteer was given is among them."""
    assert sorted(numbers.values()) == list(range(1, len(numbers) + 1))
    for gift in acknowledged:
        assert numbers[gift["receipt"]["id"]] == gift["receipt"]["seq"]


# PostgreSQL restarted under load


@dataclass
class Server:
    """A PostgreSQL server of this test's own, which it may stop and start again."""

    url: str
    data: Path

    def _pg_ctl(self, *arguments: str) -> None:
        command = [str(server_binaries() / "pg_ctl"), "-D", str(self.data), "-w", *arguments]
        subprocess.run(as_server_user(command), check=True, stdout=subprocess.DEVNULL)

    def stop(self, mode: str) -> None:
        self._pg_ctl("-m", mode, "stop")

    def start(self) -> None:
        port, sockets = make_url(self.url).port, self.data.parent
        options = f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off -c max_connections=300"
        self._pg_ctl("-l", str(sockets / "server.log"), "-o", options, "start")


async def _data_directory(url: str) -> Path:
    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        return Path(await connection.fetchval("SHOW data_directory"))
    finally:
        await connection.close()


@pytest.fixture
def own_postgres() -> Iterator[Server]:
    """The shared test server must stay up for the other tests: this one starts its own."""
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        pytest.skip("PostgreSQL server binaries are not installed")
    with throwaway_postgres() as url:
        migrate.upgrade(url)
        yield Server(url, asyncio.run(_data_directory(url)))


async def _execute(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(
        make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
async def own_database(own_postgres: Server) -> AsyncIterator[Database]:
    database = Database(own_postgres.url)
    yield database
    await database.dispose()


@dataclass
class Answer:
    sent: float
    done: float
    response: httpx.Response


async def _keep_giving(
    client: httpx.AsyncClient, world: GiftsWorld, stop: asyncio.Event, answers: list[Answer]
) -> None:
    while not stop.is_set():
        sent = time.monotonic()
        response = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
        answers.append(Answer(sent, time.monotonic(), response))


async def _until(condition: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def _created_since(answers: list[Answer], moment: float) -> int:
    return sum(1 for answer in answers if answer.sent > moment and answer.response.status_code == 201)


async def test_gifts_while_postgresql_restarts_answer_503_and_none_acknowledged_is_lost(
    own_postgres: Server, own_database: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Volunteers keep recording gifts while the server is restarted, then crashes and recovers."""
    database = own_database
    world = await build_gifts_world(database)
    settings = Settings(database_url=own_postgres.url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path)
    app = create_app(settings, database=database)
    answers: list[Answer] = []
    up = [time.monotonic()]  # when the server was up again, and when it went down: in turn
    with litestar_log(caplog):
        async with client_of(app) as client:
            stop = asyncio.Event()
            volunteers = [
                asyncio.create_task(_keep_giving(client, world, stop, answers)) for _ in range(VOLUNTEERS)
            ]
            try:
                await _until(lambda: _created_since(answers, up[0]) >= 20)
                for mode in ("fast", "immediate"):  # a restart, then a crash and its recovery
                    up.append(time.monotonic())
                    await asyncio.to_thread(own_postgres.stop, mode)
                    await asyncio.sleep(OUTAGE_SECONDS)
                    await asyncio.to_thread(own_postgres.start)
                    up.append(time.monotonic())
                    await _until(lambda: _created_since(answers, up[-1]) >= 20)
                up.append(time.monotonic())
            finally:
                stop.set()
                await asyncio.gather(*volunteers)
            numbers = await receipt_numbers(client, world)

    for answer in answers:
        assert answer.response.status_code in (201, 503), answer.response.text
        if answer.response.status_code == 503:
            assert_unavailable(answer.response)
    for went_down, came_back in zip(up[1:-1:2], up[2::2], strict=True):
        assert any(
            answer.response.status_code == 503 for answer in answers if went_down < answer.sent < came_back
        )
    for came_up, went_down in zip(up[0::2], up[1::2], strict=True):
        assert all(
            answer.response.status_code == 201
            for answer in answers
            if came_up < answer.sent and answer.done < went_down
        )
    assert_kept(numbers, [answer.response.json() for answer in answers if answer.response.status_code == 201])
    unavailable = sum(1 for answer in answers if answer.response.status_code == 503)
    assert len(app_records(caplog)) == unavailable
    assert {record.levelno for record in app_records(caplog)} == {logging.WARNING}
    assert_one_line_each(caplog)


@pytest.fixture
def small_tablespace() -> Iterator[Path]:
    """An empty directory of the server's user on a small tmpfs of its own."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (as the tests run in CI)")
    root = Path(tempfile.mkdtemp(prefix="charity-tablespace-"))
    server_user = pwd.getpwnam("postgres")
    options = f"size=2m,mode=0700,uid={server_user.pw_uid},gid={server_user.pw_gid}"
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(root)], check=True)
    yield root
    # Lazily: the server may still hold its files open until it stops.
    subprocess.run(["umount", "--lazy", str(root)], check=True)
    root.rmdir()


async def test_gifts_on_a_full_postgresql_disk_answer_503_and_are_recorded_once_there_is_space(
    own_postgres: Server,
    own_database: Database,
    small_tablespace: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The ledger's table lives on a disk of its own, which fills up: "could not extend file"."""
    world = await build_gifts_world(own_database)
    await _execute(
        own_postgres.url,
        f"CREATE TABLESPACE small LOCATION '{small_tablespace}'",
        "ALTER TABLE ledger_entry SET TABLESPACE small",
    )
    settings = Settings(database_url=own_postgres.url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path)
    app = create_app(settings, database=own_database)
    acknowledged: list[dict[str, Any]] = []
    async with client_of(app) as client:
        take_the_last_byte(small_tablespace / "ballast")
        with litestar_log(caplog):
            # The table's last page may have room left for a few entries.
            refused = await _until_refused(
                lambda: client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer")),
                500,
                acknowledged,
            )
            assert_unavailable(refused)
        assert_one_line_each(caplog)

        (small_tablespace / "ballast").unlink()
        for _ in range(3):
            created = await client.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
            assert created.status_code == 201, created.text
            acknowledged.append(created.json())
        numbers = await receipt_numbers(client, world)
    assert_kept(numbers, acknowledged)
    assert len(numbers) == len(acknowledged)


# SQLite on a small disk


class SmallDisk:
    """Where the SQLite file fills up. On a small tmpfs of its own, a ballast file takes the last
    free byte, and SQLite runs out of room writing the log at commit. Under a page limit (SQLite's
    max_page_count, set on each new write connection), the database runs out of pages in the middle
    of a statement, and SQLite may roll the whole transaction back by itself."""

    def __init__(self, root: Path, sqlite_databases: SqliteDatabases, kind: str) -> None:
        self.root, self.kind = root, kind
        root.mkdir()
        if kind == "tmpfs":
            subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(root)], check=True)
        self.url = sqlite_databases.create(root, migrated=True)
        self.database = Database(self.url)
        self.ballast = root / "ballast"
        self.pages: int | None = None
        event.listen(self.database.write_engine.sync_engine, "connect", self._limit_pages)

    def _limit_pages(self, dbapi_connection: Any, _record: Any) -> None:
        if self.pages is not None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA max_page_count = {self.pages}")
            cursor.close()

    async def fill(self) -> None:
        if self.kind == "tmpfs":
            take_the_last_byte(self.ballast)
            return
        async with self.database.read() as session:
            self.pages = (await session.execute(text("PRAGMA page_count"))).scalar_one()
        await self.database.write_engine.dispose()  # its next connection is limited

    async def free(self) -> None:
        if self.kind == "tmpfs":
            self.ballast.unlink()
            return
        self.pages = None
        await self.database.write_engine.dispose()

    def unmount(self) -> None:
        if self.kind == "tmpfs":
            subprocess.run(["umount", str(self.root)], check=True)


@pytest.fixture(params=["tmpfs", "page limit"])
def disk_of_its_own(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_databases: SqliteDatabases
) -> Iterator[SmallDisk]:
    if request.param == "tmpfs" and os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (as the tests run in CI)")
    disk = SmallDisk(tmp_path / "small", sqlite_databases, request.param)
    yield disk
    disk.unmount()


@pytest.fixture
async def small_disk(disk_of_its_own: SmallDisk) -> AsyncIterator[SmallDisk]:
    yield disk_of_its_own
    await disk_of_its_own.database.dispose()  # the file is closed before it is unmounted


def _csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies["charity_csrf"]}


async def _sign_in(client: httpx.AsyncClient, username: str) -> None:
    await client.get("/login")
    signed_in = await client.post(
        "/login", data={"username": username, "password": "factory-password-1"}, headers=_csrf(client)
    )
    assert signed_in.status_code == 303, signed_in.text


async def _gift_form(client: httpx.AsyncClient, world: GiftsWorld) -> dict[str, str]:
    form = await client.get("/gifts/new")
    assert form.status_code == 200
    key = re.search(r'name="key" value="([^"]+)"', form.text)
    assert key is not None
    return {
        "key": key.group(1),
        "drive_id": str(world.drive_id),
        "received_on": world.gift()["received_on"],
        "donor_id": str(world.donor_id),
        "cash_amount": "200.000",
    }


async def test_gifts_on_a_full_disk_answer_503_and_are_recorded_once_there_is_space(
    small_disk: SmallDisk, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = small_disk.database
    world = await build_gifts_world(database)
    settings = Settings(database_url=small_disk.url, secret_key=TEST_SECRET_KEY, data_dir=tmp_path)
    app = create_app(settings, database=database)
    acknowledged: list[dict[str, Any]] = []
    async with client_of(app) as api, client_of(app) as browser:
        await _sign_in(browser, "volunteer")
        form = await _gift_form(browser, world)
        for _ in range(3):
            created = await api.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
            assert created.status_code == 201, created.text
            acknowledged.append(created.json())

        await small_disk.fill()
        with litestar_log(caplog):
            # The write-ahead log may have room left for a few gifts.
            refused = await _until_refused(
                lambda: api.post("/api/donations", json=world.gift(), headers=world.auth("volunteer")),
                200,
                acknowledged,
            )
            assert_unavailable(refused)
            page = await browser.post("/gifts/new", data=form, headers=_csrf(browser))
            assert page.status_code == 503
            assert int(page.headers["Retry-After"]) > 0
            assert page.headers["content-type"].startswith("text/html")
            assert "thử lại" in page.text
        assert_one_line_each(caplog)

        await small_disk.free()
        for _ in range(3):
            created = await api.post("/api/donations", json=world.gift(), headers=world.auth("volunteer"))
            assert created.status_code == 201, created.text
            acknowledged.append(created.json())
        saved = await browser.post("/gifts/new", data=form, headers=_csrf(browser))
        assert saved.status_code == 303, saved.text
        numbers = await receipt_numbers(api, world)
    assert_kept(numbers, acknowledged)
    assert len(numbers) == len(acknowledged) + 1  # and the form's gift


# Client faults


@pytest.mark.parametrize("announced", [True, False], ids=["announced", "streamed"])
async def test_a_body_over_the_limit_is_413_and_one_line_in_the_log(
    concurrent: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture, announced: bool
) -> None:
    world = await build_gifts_world(database)
    chunk = b" " * (1 << 20)

    async def streamed() -> AsyncIterator[bytes]:
        for _ in range(BODY_LIMIT // len(chunk) + 1):
            yield chunk

    body = chunk * (BODY_LIMIT // len(chunk) + 1) if announced else streamed()
    headers = world.auth("volunteer") | {"Content-Type": "application/json"}
    with litestar_log(caplog):
        response = await concurrent.post("/api/donations", content=body, headers=headers)
    assert response.status_code == 413
    assert len(app_records(caplog)) == 1
    assert_one_line_each(caplog)


async def test_a_client_gone_before_its_body_arrived_is_one_line_in_the_log(
    app: Litestar, concurrent: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """What the server hands the application when the connection drops halfway through the body."""
    world = await build_gifts_world(database)
    arriving = [
        {"type": "http.request", "body": b'{"drive_id": ', "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return arriving.pop(0) if arriving else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/donations",
        "raw_path": b"/api/donations",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver.local"),
            (b"content-type", b"application/json"),
            (b"authorization", world.auth("volunteer")["Authorization"].encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver.local", 80),
    }
    with litestar_log(caplog):
        await app(scope, receive, send)
    (start,) = [message for message in sent if message["type"] == "http.response.start"]
    assert start["status"] < 500
    assert len(app_records(caplog)) == 1
    assert_one_line_each(caplog)
    assert (await receipt_numbers(concurrent, world)) == {}
