"""Every JSON API operation fuzzed from the API's own OpenAPI document with schemathesis, against a real
`charity serve` on each engine, as a coordinator and as an administrator: no request may answer a 5xx,
nor a status its operation's document does not list. Gifts the fuzzer generates are aimed at rows that
exist, and some must be recorded.

The document is built when the module is collected, from the application the server runs: schemathesis
makes one test per operation at collection (a schema loaded from a fixture would make them with a
pytest internal this pytest no longer has). Runs are derandomized, so CI sends the same requests every
time and a failure comes back on the next run."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import hypothesis
import msgspec
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import status_code_conformance
from sqlalchemy import select

from charity.accounts import signin
from charity.app import create_app
from charity.clock import local_today
from charity.db import Database
from charity.donations.schemas import GiftIn
from charity.models import User
from charity.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.support import ENGINES, POSTGRES_ENV, PostgresDatabases, SqliteDatabases, postgres_url, serving
from tests.world import World, build_world

# Generated requests per operation, besides the coverage phase's boundary, wrong-type and
# unexpected-method cases (about 2,400 over the API, always sent): 3,200 requests for each engine and
# role, some 20 seconds.
EXAMPLES = 20
# Generated gifts per engine, of which some are recorded.
GIFTS = 100
CHECKS = [not_a_server_error, status_code_conformance]
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    # A request may wait for a receipt's PDF, and shrinking a failure repeats requests.
    deadline=None,
    derandomize=True,
    database=None,
    # No `explain`: it reruns a failing example many times over to say which parts mattered.
    phases=(hypothesis.Phase.explicit, hypothesis.Phase.generate, hypothesis.Phase.shrink),
    # Drawing bodies with long patterned strings can be slow on a busy machine; that is no failure.
    suppress_health_check=[hypothesis.HealthCheck.too_slow],
)


def _document() -> dict[str, Any]:
    # Never connected to: the application is built for its document only.
    app = create_app(Settings(database_url="postgresql+asyncpg://unused/unused", secret_key=TEST_SECRET_KEY))
    return app.openapi_schema.to_schema()


# The JSON API, not the pages (which answer HTML, and forms with a CSRF token).
schema = schemathesis.openapi.from_dict(
    _document(),
    config=schemathesis.Config.from_dict({"seed": 20_260_601, "phases": {"stateful": {"enabled": False}}}),
).include(path_regex="^/api/")

# One worker runs the fuzz's servers, one after another, so that each run sees its operations in order.
pytestmark = pytest.mark.xdist_group("fuzz")


@dataclass
class Served:
    url: str
    database_url: str
    world: World
    who: str


async def _build(database_url: str) -> World:
    database = Database(database_url)
    try:
        return await build_world(database)
    finally:
        await database.dispose()


async def _fresh_token(database_url: str, user_id: int) -> str:
    database = Database(database_url)
    try:
        async with database.write() as session:
            user = (await session.execute(select(User).where(User.id == user_id))).scalar_one()
            token, _ = await signin.issue_api_token(session, user, "127.0.0.1")
            return token
    finally:
        await database.dispose()


@pytest.fixture(scope="module", params=ENGINES)
def fuzz_engine(request: pytest.FixtureRequest) -> str:
    """The engine, as conftest's `engine` (whose scope is one test; this one's is the module's)."""
    if request.param == "postgresql" and postgres_url() is None:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    return request.param


@pytest.fixture(scope="module", params=["coordinator", "admin"])
def who(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def served(
    fuzz_engine: str,
    who: str,
    sqlite_databases: SqliteDatabases,
    postgres_databases: PostgresDatabases | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Served]:
    """A world of its own and `charity serve` on it, for one engine and one role, kept for all the
    operations: what one operation's requests changed is there for the next ones."""
    directory = tmp_path_factory.mktemp(f"fuzz-{fuzz_engine}-{who}")
    if fuzz_engine == "sqlite":
        database_url = sqlite_databases.create(directory, migrated=True)
    else:
        assert postgres_databases is not None
        database_url = postgres_databases.create(migrated=True)
    world = asyncio.run(_build(database_url))
    env = {
        **os.environ,
        "CHARITY_DATABASE_URL": database_url,
        "CHARITY_SECRET_KEY": TEST_SECRET_KEY,
        "CHARITY_DATA_DIR": str(directory / "var"),
    }
    with serving(env) as url:
        yield Served(url, database_url, world, who)
    if postgres_databases is not None and fuzz_engine == "postgresql":
        postgres_databases.drop(database_url)


@SETTINGS
@schema.parametrize()
def test_no_request_answers_a_server_error_or_an_undocumented_status(
    case: schemathesis.Case, served: Served
) -> None:
    headers = served.world.auth(served.who)
    if case.path == "/api/auth/token" and case.method.upper() == "DELETE":
        # Signing out revokes the token it is sent with: each case signs out a token of its own, and
        # the run goes on with the role's.
        token = asyncio.run(_fresh_token(served.database_url, served.world.users[served.who]))
        headers = {"Authorization": f"Bearer {token}"}
    elif case.path == "/api/donations":
        aim_gift(case.body, served.world)
    elif case.path == "/api/receipts/{receipt_id}/replace" and isinstance(case.body, dict):
        aim_gift(case.body.get("gift"), served.world)
    response = case.call(base_url=served.url, headers=headers, timeout=60)
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_fuzzed_gifts_aimed_at_real_rows_are_recorded(database_url: str, cli_env: dict[str, str]) -> None:
    """Generated gifts that offer money or goods, tidied as a client would send them and aimed at the
    world's rows: some are recorded (201), none answers a 5xx or an undocumented status, and the drive
    counts every receipt issued."""
    world = asyncio.run(_build(database_url))
    headers = world.auth("coordinator")
    statuses: Counter[int] = Counter()
    gifts = schema["/api/donations"]["POST"].as_strategy(schemathesis.GenerationMode.POSITIVE)
    with serving(cli_env) as url:

        @hypothesis.settings(SETTINGS, max_examples=GIFTS)
        @hypothesis.given(case=gifts.filter(lambda case: _offers_something(case.body)))
        def send(case: schemathesis.Case) -> None:
            as_a_client_writes(case.body)
            aim_gift(case.body, world)
            response = case.call(base_url=url, headers=headers, timeout=60)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        send()
        summary = httpx.get(f"{url}/api/drives/{world.ids['drive']}/summary", headers=headers).json()
    assert statuses[201] >= 3, statuses
    # The world's own gift, and one receipt for each gift recorded (a replay answers 200 and issues none).
    assert summary["receipts_issued"] == 1 + statuses[201], (summary, statuses)


def _offers_something(body: Any) -> bool:
    """A gift of money or of goods; the document cannot say that one of the two is needed."""
    return isinstance(body, dict) and (isinstance(body.get("cash"), dict) or bool(body.get("items")))


def as_a_client_writes(body: Any) -> None:
    """A generated gift without the properties the server refuses but the document does not forbid,
    and with its amounts of money written as JSON integers (a generator may write 5000.0, which is an
    integer to JSON Schema but not an amount of đồng to the server)."""
    known_fields_only(body, GiftIn)
    if not isinstance(body, dict):
        return
    cash = body.get("cash")
    if isinstance(cash, dict) and _is_whole(cash.get("amount")):
        cash["amount"] = int(cash["amount"])
    items = body.get("items")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and _is_whole(item.get("unit_value")):
            item["unit_value"] = int(item["unit_value"])


def aim_gift(body: Any, world: World) -> None:
    """Point a generated gift at rows that exist (the world's drive, donor, item type and receipt book),
    received on a day inside the drive's window (this year, up to today). A value of another type is
    left as generated, for the server to refuse."""
    if not isinstance(body, dict):
        return
    for name, key in (("drive_id", "drive"), ("book_id", "book")):
        if _is_whole(body.get(name)):
            body[name] = world.ids[key]
    received = body.get("received_on")
    if isinstance(received, str):
        try:
            day = date.fromisoformat(received)
        except ValueError:
            pass
        else:
            body["received_on"] = _in_window(day).isoformat()
    donor = body.get("donor")
    if isinstance(donor, dict) and _is_whole(donor.get("id")):
        donor["id"] = world.ids["donor"]
    items = body.get("items")
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and _is_whole(item.get("item_type_id")):
            item["item_type_id"] = world.ids["rice"]


def _in_window(day: date) -> date:
    """A day of the world's drive (the factory's: the calendar year) that is not after today."""
    start = date(date.today().year, 1, 1)
    last = min(date(start.year, 12, 31), local_today())
    return start + timedelta(days=day.toordinal() % max((last - start).days + 1, 1))


def known_fields_only(value: Any, struct: type[msgspec.Struct]) -> None:
    """Drop, at every level, the properties `struct` has no field for: the server's request structs
    forbid unknown fields, the document does not say so, and most generated gifts would carry one."""
    if not isinstance(value, dict):
        return
    fields = {field.encode_name: field.type for field in msgspec.inspect.type_info(struct).fields}
    for name in [name for name in value if name not in fields]:
        del value[name]
    for name, kind in fields.items():
        inner = value.get(name)
        for option in kind.types if isinstance(kind, msgspec.inspect.UnionType) else (kind,):
            if isinstance(option, msgspec.inspect.StructType):
                known_fields_only(inner, option.cls)
            elif (
                isinstance(option, msgspec.inspect.ListType)
                and isinstance(option.item_type, msgspec.inspect.StructType)
                and isinstance(inner, list)
            ):
                for item in inner:
                    known_fields_only(item, option.item_type.cls)


def _is_whole(value: Any) -> bool:
    """A JSON integer, which a generator may write 7.0."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
