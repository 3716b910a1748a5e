"""A unit with a rice drive that holds stock, two coordinators (one drafts a round, the other approves
it), and households in hardship that are verified and consent to receive support."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from charity.accounts import signin
from charity.clock import local_today
from charity.db import Database
from charity.models import BeneficiaryStatus, Membership, Role
from tests import factories
from tests.gifts_world import GiftsWorld, build_gifts_world

HOUSEHOLDS = ("Nguyễn Thị Hồng", "Trần Văn Bảy", "Lê Thị Mai", "Phạm Văn Tư", "Võ Thị Sáu")


@dataclass
class DistributionsWorld(GiftsWorld):
    households: list[int] = field(default_factory=list)
    unverified_id: int = 0

    def distribution(self, **fields: Any) -> dict[str, Any]:
        """10 kg of rice to the first household, handed over today."""
        body: dict[str, Any] = {
            "drive_id": self.drive_id,
            "purpose": "living",
            "beneficiary_id": self.households[0],
            "items": [{"item_type_id": self.rice_id, "quantity": "10"}],
            "handed_over_on": local_today().isoformat(),
        }
        return body | fields


async def build_distributions_world(
    database: Database, *, households: int = len(HOUSEHOLDS)
) -> DistributionsWorld:
    base = await build_gifts_world(database)
    world = DistributionsWorld(**{name: getattr(base, name) for name in base.__dataclass_fields__})
    today = local_today()
    async with database.write() as session:
        second = await factories.user(session, username="coordinator2", full_name="Trần Thị Lan")
        session.add(Membership(user_id=second.id, unit_id=world.unit_id, role=Role.COORDINATOR))
        world.users["coordinator2"] = second.id
        world.tokens["coordinator2"], _ = await signin.issue_api_token(session, second, "127.0.0.1")
        for n in range(households):
            name = HOUSEHOLDS[n % len(HOUSEHOLDS)] + ("" if n < len(HOUSEHOLDS) else f" {n}")
            row = await factories.beneficiary(
                session,
                world.unit_id,
                world.users["volunteer"],
                name=name,
                hamlet=f"Thôn {n % 4 + 1}",
                address=f"{n + 1} đường Làng, thôn {n % 4 + 1}",
                status=BeneficiaryStatus.VERIFIED,
                reviewed_by=world.users["coordinator"],
                review_until=today + timedelta(days=300),
            )
            world.households.append(row.id)
        unverified = await factories.beneficiary(
            session, world.unit_id, world.users["volunteer"], name="Đỗ Văn Tám"
        )
        world.unverified_id = unverified.id
        await session.flush()
    return world


async def stock_up(
    client: AsyncTestClient[Litestar],
    world: GiftsWorld,
    *,
    rice: str = "300",
    cash: int | None = None,
    unit_value: int = 20_000,
) -> None:
    """Give the drive rice (valued at `unit_value` đ a kg) and, if asked, money, as a gift would."""
    gift: dict[str, Any] = world.gift(
        items=[{"item_type_id": world.rice_id, "quantity": rice, "unit_value": unit_value}]
    )
    gift["cash"] = {"amount": cash, "method": "cash"} if cash else None
    if gift["cash"] is None:
        del gift["cash"]
    response = await client.post(
        "/api/donations", json=gift | {"confirm_large": True}, headers=world.auth("coordinator")
    )
    assert response.status_code == 201, response.text


def kg(value: str) -> Decimal:
    return Decimal(value)
