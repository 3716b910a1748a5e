"""Consent (Decree 13/2023/NĐ-CP) through the HTTP API: sensitive data is kept only with consent for it,
support needs a current consent to support, and a withdrawal takes away what only it allowed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.clock import local_today
from charity.db import Database
from charity.models import Beneficiary, Consent
from tests.integration.beneficiaries.conftest import CONSENT, GIVEN_ON, household, propose
from tests.world import World


async def _counts(database: Database) -> tuple[int, int]:
    async with database.read() as session:
        return (
            (await session.execute(select(func.count()).select_from(Beneficiary))).scalar_one(),
            (await session.execute(select(func.count()).select_from(Consent))).scalar_one(),
        )


@pytest.mark.parametrize(
    "consent",
    [None, CONSENT | {"purposes": ["support", "contact"]}],
    ids=["no-consent", "consent-without-sensitive-data"],
)
@pytest.mark.parametrize("field", ["id_number", "health"])
async def test_a_cccd_number_or_health_details_need_consent_for_sensitive_data(
    client: AsyncTestClient[Litestar],
    world: World,
    database: Database,
    consent: dict[str, Any] | None,
    field: str,
) -> None:
    before = await _counts(database)
    other = "health" if field == "id_number" else "id_number"
    answer = await client.post(
        "/api/beneficiaries",
        json=household(world, consent=consent, **{other: ""}),
        headers=world.auth("volunteer"),
    )
    assert answer.status_code == 422
    assert answer.json()["code"] == "consent_required"
    assert answer.json()["extra"]["field"] == field
    assert "Nghị định 13/2023/NĐ-CP" in answer.json()["detail"]
    assert await _counts(database) == before


async def test_a_record_without_sensitive_data_needs_no_consent_to_be_proposed(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    proposed = await propose(client, world, id_number="", health="", consent=None)
    assert (proposed["consented_to"], proposed["eligible"]) == ([], False)


@pytest.mark.parametrize(
    ("consent", "field"),
    [
        ({"method": "in_person"}, "consent.witness"),
        ({"given_by": "guardian"}, "consent.guardian_name"),
        ({"given_on": "2031-01-01"}, "consent.given_on"),
    ],
    ids=["in-person-without-witness", "guardian-unnamed", "future"],
)
async def test_a_consent_says_how_and_by_whom_it_was_given(
    client: AsyncTestClient[Litestar], world: World, consent: dict[str, str], field: str
) -> None:
    answer = await client.post(
        "/api/beneficiaries",
        json=household(world, consent=CONSENT | consent),
        headers=world.auth("volunteer"),
    )
    assert answer.status_code == 422
    assert answer.json()["extra"]["field"] == field


async def test_consent_given_later_makes_a_verified_record_eligible_and_a_withdrawal_ends_it(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    proposed = await propose(client, world, id_number="", health="", consent=None)
    url = f"/api/beneficiaries/{proposed['id']}"
    await client.post(f"{url}/verify", json={"minutes_number": "05/BB"}, headers=world.auth("coordinator"))
    assert (await client.get(url, headers=world.auth("volunteer"))).json()["eligible"] is False

    given = await client.post(
        f"{url}/consents",
        json={
            "purposes": ["support"],
            "method": "in_person",
            "witness": "Bí thư chi bộ thôn Phú Sơn",
            "given_by": "guardian",
            "guardian_name": "Nguyễn Văn Sáu",
            "guardian_relation": "cha",
            "given_on": local_today().isoformat(),
        },
        headers=world.auth("volunteer"),
    )
    assert given.status_code == 201, given.text
    assert (given.json()["eligible"], given.json()["consented_to"]) == (True, ["support"])
    consent = (await client.get(url, headers=world.auth("coordinator"))).json()["consents"][0]
    assert (consent["guardian_name"], consent["witness"], consent["current"]) == (
        "Nguyễn Văn Sáu",
        "Bí thư chi bộ thôn Phú Sơn",
        True,
    )

    # The volunteer hears it, the commune's coordinator (who sees the consents) records it.
    refused = await client.post(
        f"{url}/consents/{consent['id']}/withdraw", json={}, headers=world.auth("volunteer")
    )
    assert refused.status_code == 403
    withdrawn = await client.post(
        f"{url}/consents/{consent['id']}/withdraw", json={}, headers=world.auth("commune-coordinator")
    )
    assert withdrawn.status_code == 200
    assert (withdrawn.json()["eligible"], withdrawn.json()["consented_to"]) == (False, [])
    again = await client.post(
        f"{url}/consents/{consent['id']}/withdraw", json={}, headers=world.auth("coordinator")
    )
    assert again.status_code == 409


async def test_withdrawing_consent_for_sensitive_data_blanks_the_cccd_number_and_health_details(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    proposed = await propose(client, world)
    url = f"/api/beneficiaries/{proposed['id']}"
    [consent] = (await client.get(url, headers=world.auth("coordinator"))).json()["consents"]
    withdrawn = await client.post(
        f"{url}/consents/{consent['id']}/withdraw",
        json={"withdrawn_on": local_today().isoformat()},
        headers=world.auth("coordinator"),
    )
    record = withdrawn.json()
    assert (record["id_number"], record["health"]) == ("", "")
    assert record["name"] == "Nguyễn Thị Hồng"
    async with database.read() as session:
        stored = await session.get(Beneficiary, proposed["id"])
        assert stored is not None
        assert (stored.id_number, stored.health) == ("", "")
        assert "048168001234" not in stored.search_text
    # And it cannot be typed back in without consent.
    again = await client.patch(url, json={"id_number": "048168001234"}, headers=world.auth("coordinator"))
    assert again.status_code == 422
    assert again.json()["code"] == "consent_required"


async def test_a_withdrawal_is_dated_between_the_consent_and_today(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    proposed = await propose(client, world)
    url = f"/api/beneficiaries/{proposed['id']}"
    [consent] = (await client.get(url, headers=world.auth("coordinator"))).json()["consents"]
    for day in ((GIVEN_ON - timedelta(days=1)).isoformat(), "2031-01-01"):
        answer = await client.post(
            f"{url}/consents/{consent['id']}/withdraw",
            json={"withdrawn_on": day},
            headers=world.auth("coordinator"),
        )
        assert answer.status_code == 422
        assert answer.json()["extra"]["field"] == "withdrawn_on"
    assert (
        await client.post(f"{url}/consents/999999/withdraw", json={}, headers=world.auth("coordinator"))
    ).status_code == 404
