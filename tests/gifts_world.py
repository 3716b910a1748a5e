"""A unit running drives, with a coordinator, a volunteer and an auditor, ready to record gifts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from charity.accounts import signin
from charity.clock import local_today
from charity.db import Database
from charity.models import DriveItemType, DriveKind, ItemType, Membership, Role
from tests import factories


@dataclass
class GiftsWorld:
    unit_id: int = 0
    other_unit_id: int = 0
    drive_id: int = 0
    other_drive_id: int = 0
    rice_id: int = 0
    notebook_id: int = 0
    donor_id: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def gift(self, **fields: object) -> dict[str, object]:
        """A gift of 500.000 đ from the world's donor. Tests send it again and again, meaning one gift
        after another: it says so (`confirm_duplicate`), except where the duplicate check is tested."""
        body: dict[str, object] = {
            "drive_id": self.drive_id,
            "received_on": local_today().isoformat(),
            "donor": {"id": self.donor_id},
            "cash": {"amount": 500_000, "method": "cash"},
            "confirm_duplicate": True,
        }
        body.update(fields)
        return body


async def build_gifts_world(database: Database, *, volunteers: int = 1) -> GiftsWorld:
    world = GiftsWorld()
    today = local_today()
    async with database.write() as session:
        unit = await factories.unit(session, code="HKT", name="Hội Phụ nữ xã Hòa Khánh Tây")
        other = await factories.unit(session, code="MHN", name="Hội Phụ nữ xã Mỹ Hạnh Nam")
        world.unit_id, world.other_unit_id = unit.id, other.id
        rice = ItemType(name="Gạo", unit_of_measure="kg")
        notebooks = ItemType(name="Vở học sinh", unit_of_measure="quyển")
        session.add_all([rice, notebooks])
        await session.flush()
        world.rice_id, world.notebook_id = rice.id, notebooks.id
        drive = await factories.drive(
            session,
            unit.id,
            name="Hũ gạo tình thương",
            kind=DriveKind.RICE_JAR,
            starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
            target_amount=10_000_000,
        )
        session.add(DriveItemType(drive_id=drive.id, item_type_id=rice.id, target_quantity=Decimal(1000)))
        other_drive = await factories.drive(session, other.id, name="Nuôi heo đất", kind=DriveKind.PIGGY_BANK)
        world.drive_id, world.other_drive_id = drive.id, other_drive.id
        donor = await factories.donor(session, unit.id, name="Nguyễn Thị Hồng", phone="0903512846")
        world.donor_id = donor.id
        roles = {"coordinator": Role.COORDINATOR, "auditor": Role.AUDITOR, "outsider": Role.COORDINATOR}
        roles |= {f"volunteer{n}" if n else "volunteer": Role.VOLUNTEER for n in range(volunteers)}
        for name, role in roles.items():
            user = await factories.user(session, username=name)
            session.add(
                Membership(user_id=user.id, unit_id=other.id if name == "outsider" else unit.id, role=role)
            )
            world.users[name] = user.id
            world.tokens[name], _ = await signin.issue_api_token(session, user, "127.0.0.1")
        admin = await factories.user(session, username="admin", is_admin=True)
        world.users["admin"] = admin.id
        world.tokens["admin"], _ = await signin.issue_api_token(session, admin, "127.0.0.1")
        await session.flush()
    return world
