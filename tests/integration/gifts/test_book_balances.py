"""Whatever gifts and voids a drive takes, on whatever days, each of its books for any period holds:
the balance carried in, plus what came in, less what went out, is the balance carried out; the
running balance ends there; the next period starts from it; and the money books together agree
with the drive's summary. Examples add to the same drive, so later ones check a longer history."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import AsyncTestClient

from charity.app import create_app
from charity.clock import local_today
from charity.db import Database
from charity.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.gifts_world import GiftsWorld, build_gifts_world

DAYS = 20
cash_gift = st.tuples(
    st.just("cash"),
    st.sampled_from(["cash", "bank_transfer", "e_wallet"]),
    st.integers(1, 10**10),
    st.integers(0, DAYS),
)
goods_gift = st.tuples(
    st.just("goods"),
    st.decimals(Decimal("0.001"), Decimal(100_000), places=3),
    st.integers(0, 50_000),
    st.integers(0, DAYS),
)
void = st.tuples(st.just("void"), st.integers(0, 10**6))
operations = st.lists(st.one_of(cash_gift, goods_gift, void), min_size=1, max_size=5)
periods = st.tuples(st.integers(-2, DAYS + 2), st.integers(-2, DAYS + 2)).map(sorted)


def _day(today: date, days_ago: int) -> date:
    """A day of the test drive's window, which opens on 1 January."""
    return max(today - timedelta(days=days_ago), date(today.year, 1, 1))


@dataclass
class Drive:
    world: GiftsWorld | None = None
    issued: list[int] = field(default_factory=list)


async def _run(url: str, data_dir: Path, drive: Drive, steps: list[tuple], period: list[int]) -> None:
    database = Database(url)
    try:
        if drive.world is None:
            drive.world = await build_gifts_world(database)
    finally:
        await database.dispose()
    world = drive.world
    today = local_today()
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET_KEY, data_dir=data_dir))
    async with AsyncTestClient(app=app) as client:
        for step in steps:
            if step[0] == "void":
                if drive.issued:
                    receipt = drive.issued.pop(step[1] % len(drive.issued))
                    answer = await client.post(
                        f"/api/receipts/{receipt}/void",
                        json={"reason": "Ghi nhầm"},
                        headers=world.auth("coordinator"),
                    )
                    assert answer.status_code == 200, answer.text
                continue
            if step[0] == "cash":
                _, method, amount, days_ago = step
                parts = {"cash": {"amount": amount, "method": method}}
            else:
                _, quantity, unit_value, days_ago = step
                parts = {
                    "cash": None,
                    "items": [
                        {"item_type_id": world.rice_id, "quantity": str(quantity), "unit_value": unit_value}
                    ],
                }
            answer = await client.post(
                "/api/donations",
                json=world.gift(
                    received_on=(today - timedelta(days=days_ago)).isoformat(), confirm_large=True, **parts
                ),
                headers=world.auth("volunteer"),
            )
            assert answer.status_code == 201, answer.text
            drive.issued.append(answer.json()["receipt"]["id"])

        start, end = (today - timedelta(days=DAYS - day) for day in period)

        async def book(kind: str, **query: str) -> dict:
            if kind == "goods":
                query["item_type_id"] = str(world.rice_id)
            answer = await client.get(
                f"/api/drives/{world.drive_id}/books/{kind}", params=query, headers=world.auth("auditor")
            )
            assert answer.status_code == 200, answer.text
            return answer.json()

        closings = {}
        for kind in ("cash", "bank", "goods"):
            held = await book(kind, **{"from": start.isoformat(), "to": end.isoformat()})
            parts = ["amount"] + (["quantity"] if kind == "goods" else [])
            for part in parts:
                opening, closing = Decimal(held["opening"][part]), Decimal(held["closing"][part])
                assert opening + Decimal(held["total_in"][part]) - Decimal(held["total_out"][part]) == closing
            if held["lines"]:
                assert held["lines"][-1]["balance"] == held["closing"]["amount"]
                if kind == "goods":
                    assert held["lines"][-1]["quantity_balance"] == held["closing"]["quantity"]
            after = await book(kind, **{"from": (end + timedelta(days=1)).isoformat()})
            assert after["opening"] == held["closing"]
            closings[kind] = (await book(kind))["closing"]
        summary = (
            await client.get(f"/api/drives/{world.drive_id}/summary", headers=world.auth("coordinator"))
        ).json()
    assert summary["cash_total"] == closings["cash"]["amount"] + closings["bank"]["amount"]
    assert summary["goods_value"] == closings["goods"]["amount"]
    rice = next(item for item in summary["items"] if item["item_type_id"] == world.rice_id)
    assert Decimal(rice["quantity"]) == Decimal(closings["goods"]["quantity"])


def test_every_book_carries_its_balance_for_any_postings_and_period(
    database_url: str, tmp_path: Path
) -> None:
    drive = Drive()

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=operations, period=periods)
    def check(steps: list[tuple], period: list[int]) -> None:
        asyncio.run(_run(database_url, tmp_path, drive, steps, period))

    check()
