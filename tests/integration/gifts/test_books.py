"""A drive's books for a period, as an auditor reads them: the balance carried in, each line with
its running balance, the totals, and the balance carried out."""

from __future__ import annotations

from datetime import timedelta

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from tests.gifts_world import GiftsWorld


async def _gift(client: AsyncTestClient[Litestar], world: GiftsWorld, **fields: object) -> dict:
    response = await client.post("/api/donations", json=world.gift(**fields), headers=world.auth("volunteer"))
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def _book(
    client: AsyncTestClient[Litestar], world: GiftsWorld, kind: str, who: str = "auditor", **query
):
    return await client.get(
        f"/api/drives/{world.drive_id}/books/{kind}", params=query, headers=world.auth(who)
    )


async def test_the_cash_bank_and_goods_books_carry_their_balances(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    today = local_today()
    before, yesterday = today - timedelta(days=2), today - timedelta(days=1)
    await _gift(client, world, received_on=before.isoformat(), cash={"amount": 100_000})
    wrong = await _gift(client, world, received_on=yesterday.isoformat(), cash={"amount": 200_000})
    await _gift(
        client, world, received_on=yesterday.isoformat(), cash={"amount": 300_000, "method": "bank_transfer"}
    )
    await _gift(client, world, cash=None, items=[{"item_type_id": world.rice_id, "quantity": "10"}])
    voided = await client.post(
        f"/api/receipts/{wrong['id']}/void", json={"reason": "Ghi nhầm"}, headers=world.auth("coordinator")
    )
    assert voided.status_code == 200

    cash = (
        await _book(client, world, "cash", **{"from": yesterday.isoformat(), "to": today.isoformat()})
    ).json()
    assert cash["opening"]["amount"] == 100_000
    assert [
        (line["document"], line["amount_in"], line["amount_out"], line["balance"]) for line in cash["lines"]
    ] == [
        (wrong["number"], 200_000, 0, 300_000),
        (wrong["number"], 0, 200_000, 100_000),
    ]
    assert (cash["total_in"]["amount"], cash["total_out"]["amount"], cash["closing"]["amount"]) == (
        200_000,
        200_000,
        100_000,
    )
    assert (
        cash["opening"]["amount"] + cash["total_in"]["amount"] - cash["total_out"]["amount"]
        == cash["closing"]["amount"]
    )
    assert cash["lines"][0]["who"]

    bank = (await _book(client, world, "bank")).json()
    assert (bank["opening"]["amount"], bank["closing"]["amount"], len(bank["lines"])) == (0, 300_000, 1)
    rice = (await _book(client, world, "goods", item_type_id=world.rice_id)).json()
    assert (rice["closing"]["quantity"], rice["lines"][0]["quantity_in"]) == ("10.000", "10.000")

    # The books agree with the drive's summary.
    summary = (
        await client.get(f"/api/drives/{world.drive_id}/summary", headers=world.auth("coordinator"))
    ).json()
    assert summary["cash_total"] == (await _book(client, world, "cash")).json()["closing"]["amount"] + 300_000


async def test_a_book_is_refused_what_it_cannot_answer(
    client: AsyncTestClient[Litestar], world: GiftsWorld
) -> None:
    today = local_today()
    assert (await _book(client, world, "goods")).status_code == 422
    assert (await _book(client, world, "cash", item_type_id=world.rice_id)).status_code == 422
    backwards = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    assert (await _book(client, world, "cash", **backwards)).status_code == 422
    assert (await _book(client, world, "ledger")).status_code == 404
    assert (await _book(client, world, "cash", who="volunteer")).status_code == 403
    assert (await _book(client, world, "cash", who="outsider")).status_code == 404
