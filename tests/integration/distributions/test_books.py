"""The books follow what goes out: a distribution is a line of the goods book and of the cash book,
with its number, out of the balance; its void is a line of its own that gives it back; the files an
accountant opens say the same, and no book names who received."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.clock import local_today
from tests.distributions_world import HOUSEHOLDS, DistributionsWorld, stock_up
from tests.support import pdf_pages

YEAR = local_today().year
FIRST, SECOND = f"TT-{YEAR}/00001", f"TT-{YEAR}/00002"
# The world's donor shares the first household's name: the households given to here are others.
RECEIVERS = HOUSEHOLDS[1:3]


async def _given_and_voided(client: AsyncTestClient[Litestar], world: DistributionsWorld) -> None:
    """300 kg of rice (20.000 đ a kg) and 1.000.000 đ in; 10 kg and 500.000 đ to one household, then
    20 kg to another and 30 kg to a counted group; the first voided."""
    await stock_up(client, world, rice="300", cash=1_000_000, unit_value=20_000)
    given = []
    for fields in (
        {
            "beneficiary_id": world.households[1],
            "cash": {"amount": 500_000, "method": "cash"},
        },
        {
            "beneficiary_id": world.households[2],
            "items": [{"item_type_id": world.rice_id, "quantity": "20"}],
        },
        {
            "beneficiary_id": None,
            "group": {"place": "Bệnh viện Đa khoa tỉnh", "count": 250},
            "purpose": "meals",
            "items": [{"item_type_id": world.rice_id, "quantity": "30"}],
        },
    ):
        answer = await client.post(
            "/api/distributions", json=world.distribution(**fields), headers=world.auth("coordinator")
        )
        assert answer.status_code == 201, answer.text
        given.append(answer.json())
    voided = await client.post(
        f"/api/distributions/{given[0]['id']}/void",
        json={"reason": "Trao nhầm đợt"},
        headers=world.auth("coordinator"),
    )
    assert voided.status_code == 200, voided.text


async def _book(
    client: AsyncTestClient[Litestar], world: DistributionsWorld, kind: str, **query: object
) -> Any:
    answer = await client.get(
        f"/api/drives/{world.drive_id}/books/{kind}", params=query, headers=world.auth("auditor")
    )
    assert answer.status_code == 200, answer.text
    return answer


def _lines(book: dict[str, Any], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(line[key] for key in keys) for line in book["lines"]]


async def test_the_goods_book_shows_each_distribution_and_its_void_with_the_running_balance(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _given_and_voided(client, world)
    goods = (await _book(client, world, "goods", item_type_id=world.rice_id)).json()
    third = f"TT-{YEAR}/00003"
    assert [
        (document, source, Decimal(q_in), Decimal(q_out), Decimal(held), amount_out, memo)
        for document, source, q_in, q_out, held, amount_out, memo in _lines(
            goods,
            "document",
            "source",
            "quantity_in",
            "quantity_out",
            "quantity_balance",
            "amount_out",
            "memo",
        )
    ][1:] == [
        (FIRST, "distribution", 0, 10, 290, 200_000, f"Trao tặng {FIRST}"),
        (SECOND, "distribution", 0, 20, 270, 400_000, f"Trao tặng {SECOND}"),
        (third, "distribution", 0, 30, 240, 600_000, f"Trao tặng {third}"),
        (FIRST, "void", 10, 0, 250, 0, f"Hủy phiếu trao {FIRST}"),
    ]
    assert Decimal(goods["closing"]["quantity"]) == 250
    assert goods["closing"]["amount"] == 5_000_000
    assert (Decimal(goods["total_in"]["quantity"]), Decimal(goods["total_out"]["quantity"])) == (310, 60)


async def test_the_cash_book_shows_a_distribution_out_and_its_void_back_in(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _given_and_voided(client, world)
    cash = (await _book(client, world, "cash")).json()
    assert _lines(cash, "document", "source", "method", "amount_in", "amount_out", "balance")[1:] == [
        (FIRST, "distribution", "cash", 0, 500_000, 500_000),
        (FIRST, "void", "cash", 500_000, 0, 1_000_000),
    ]
    assert cash["lines"][1]["memo"] == f"Trao tặng {FIRST}"
    assert cash["lines"][2]["memo"] == f"Hủy phiếu trao {FIRST}"
    assert (cash["total_out"]["amount"], cash["closing"]["amount"]) == (500_000, 1_000_000)
    # Money handed over in cash is not in the bank book.
    assert (await _book(client, world, "bank")).json()["lines"] == []


async def test_the_book_files_carry_the_distributions_and_name_no_one_who_received(
    client: AsyncTestClient[Litestar], world: DistributionsWorld
) -> None:
    await _given_and_voided(client, world)
    texts = []
    for kind, query in (("cash", {}), ("goods", {"item_type_id": world.rice_id})):
        texts.append((await _book(client, world, kind, **query)).text)
        rows = list(
            csv.reader(
                io.StringIO(
                    (await _book(client, world, kind, format="csv", **query)).content.decode("utf-8-sig")
                )
            )
        )
        documents = [row[1] for row in rows]
        assert FIRST in documents
        assert (SECOND in documents) == (kind == "goods")
        texts.append("\n".join(",".join(row) for row in rows))
        sheet = openpyxl.load_workbook(
            io.BytesIO((await _book(client, world, kind, format="xlsx", **query)).content)
        ).active
        cells = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
        assert FIRST in cells
        assert (SECOND in cells) == (kind == "goods")
        texts.append("\n".join(cells))
        pdf = "\n".join(pdf_pages((await _book(client, world, kind, format="pdf", **query)).content))
        assert f"Trao tặng {FIRST}" in pdf
        assert f"Hủy phiếu trao {FIRST}" in pdf
        assert (f"Trao tặng {SECOND}" in pdf) == (kind == "goods")
        texts.append(pdf)
    for text in texts:
        for name in RECEIVERS:
            assert name not in text
