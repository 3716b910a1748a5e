"""A small organisation for access tests: a province with a district and two communes below it, a
separate district elsewhere, and one user per role, each with a live API token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from charity.accounts import signin
from charity.audit.service import Actor
from charity.clock import local_today
from charity.db import Database
from charity.donations.schemas import CashIn, DonorIn, GiftIn, ItemIn
from charity.donations.service import record_gift
from charity.ledger.documents import take_number
from charity.models import (
    AdjustmentReason,
    BeneficiaryImport,
    ClosedPeriod,
    Consent,
    Distribution,
    DistributionRound,
    DocumentKind,
    DriveItemType,
    DriveKind,
    DriveStatus,
    DuplicateSuspicion,
    ItemType,
    Membership,
    PaymentMethod,
    Purpose,
    Receipt,
    Role,
    Unit,
)
from charity.stock import service as stock
from charity.stock.schemas import AdjustmentIn, ConversionIn, LineIn, TransferIn
from charity.stock.schemas import CashIn as StockCashIn
from tests import factories

ROLE_NAMES = ("admin", "coordinator", "volunteer", "auditor", "outsider")
# A list the coordinator uploaded for import into the commune, kept for its report and import.
IMPORT_TOKEN = "world-import-token"
IMPORT_CSV = "Họ và tên,Năm sinh,Thôn/Ấp\nĐỗ Văn Tám,1950,Thôn 2\n".encode()


@dataclass
class World:
    units: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    memberships: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}


async def build_world(database: Database) -> World:
    world = World()
    async with database.write() as session:

        async def unit(code: str, parent: str | None) -> Unit:
            row = await factories.unit(
                session, code=code, name=f"Hội Phụ nữ {code}", parent_id=world.units.get(parent or "")
            )
            world.units[code] = row.id
            return row

        await unit("PROVINCE", None)
        await unit("DISTRICT", "PROVINCE")
        await unit("COMMUNE", "DISTRICT")
        await unit("SIBLING", "DISTRICT")
        await unit("ELSEWHERE", None)

        memberships = {
            "coordinator": ("DISTRICT", Role.COORDINATOR),
            "volunteer": ("COMMUNE", Role.VOLUNTEER),
            "auditor": ("DISTRICT", Role.AUDITOR),
            "outsider": ("ELSEWHERE", Role.COORDINATOR),
        }
        for name in ROLE_NAMES:
            user = await factories.user(
                session, username=name, full_name=name.title(), is_admin=name == "admin"
            )
            world.users[name] = user.id
            if name in memberships:
                code, role = memberships[name]
                membership = Membership(user_id=user.id, unit_id=world.units[code], role=role)
                session.add(membership)
                await session.flush()
                world.memberships[name] = membership.id
            world.tokens[name], _ = await signin.issue_api_token(session, user, "127.0.0.1")
            world.sessions[name], _ = await signin.start_web_session(session, user, "127.0.0.1")
        # A volunteer of the sibling commune: inside the coordinator's district, not the volunteer's commune.
        other = await factories.user(session, username="sibling-volunteer")
        session.add(Membership(user_id=other.id, unit_id=world.units["SIBLING"], role=Role.VOLUNTEER))
        world.users["sibling-volunteer"] = other.id
        await session.flush()

        # What the commune runs: an open rice drive with a donor and a gift, and a drive in draft.
        rice = ItemType(name="Gạo", unit_of_measure="kg")
        session.add(rice)
        await session.flush()
        drive = await factories.drive(session, world.units["COMMUNE"], name="Hũ gạo", kind=DriveKind.RICE_JAR)
        session.add(DriveItemType(drive_id=drive.id, item_type_id=rice.id))
        draft = await factories.drive(
            session, world.units["COMMUNE"], name="Áo trắng", status=DriveStatus.DRAFT
        )
        donor = await factories.donor(session, world.units["COMMUNE"], name="Nguyễn Thị Hồng")
        world.ids |= {"rice": rice.id, "drive": drive.id, "draft": draft.id, "donor": donor.id}
        volunteer = await signin.principal_for_token(session, world.tokens["volunteer"])
        issued = await record_gift(
            session,
            volunteer,
            Actor(volunteer.user_id, "127.0.0.1"),
            GiftIn(
                drive_id=drive.id, received_on=local_today(), donor=DonorIn(id=donor.id), cash=CashIn(200_000)
            ),
        )
        receipt = await session.get(Receipt, issued.donation.receipt.id)
        world.ids |= {"receipt": receipt.id, "book": receipt.book_id}
        # A month the commune closed a year ago, for whoever reopens it.
        today = local_today()
        period = ClosedPeriod(
            unit_id=world.units["COMMUNE"],
            month=date(today.year - 1, today.month, 1),
            closed_by=world.users["coordinator"],
        )
        session.add(period)
        await session.flush()
        world.ids["period"] = period.id
        # Two households of the commune, proposed by its volunteer, that may be one.
        household = await factories.beneficiary(session, world.units["COMMUNE"], world.users["volunteer"])
        twin = await factories.beneficiary(session, world.units["COMMUNE"], world.users["volunteer"])
        suspicion = DuplicateSuspicion(first_id=household.id, second_id=twin.id, on_name=True, name_score=100)
        session.add(suspicion)
        await session.flush()
        consent = (
            await session.execute(select(Consent.id).where(Consent.beneficiary_id == household.id))
        ).scalar_one()
        world.ids |= {"beneficiary": household.id, "consent": consent, "suspicion": suspicion.id}
        # A distribution of the rice drive, planned for a hospital's kitchen, and a round drafted by
        # the administrator, for the drive's coordinator to approve.
        planned = Distribution(
            drive_id=drive.id,
            book_id=(
                await take_number(session, world.units["COMMUNE"], DocumentKind.DISTRIBUTION, today.year)
            ).book_id,
            seq=1,
            group_place="Bệnh viện Đa khoa tỉnh",
            group_count=50,
            purpose=Purpose.MEALS,
            cash_amount=10_000,
            cash_method=PaymentMethod.CASH,
            created_by=world.users["coordinator"],
        )
        drafted = DistributionRound(
            drive_id=drive.id,
            title="Trao gạo tháng 12",
            planned_on=today,
            purpose=Purpose.LIVING,
            drafted_by=world.users["admin"],
        )
        session.add_all([planned, drafted])
        await session.flush()
        world.ids |= {"distribution": planned.id, "round": drafted.id}
        session.add(
            BeneficiaryImport(
                token=IMPORT_TOKEN,
                unit_id=world.units["COMMUNE"],
                uploaded_by=world.users["coordinator"],
                file_name="danh-sach.csv",
                content=IMPORT_CSV,
            )
        )
        await session.flush()
    return world


async def add_stock(database: Database, world: World) -> None:
    """Stock for the commune's rice drive: 100 kg of rice given, 10 kg of it sold and 10 kg sent to a
    rice drive of the district, and a count awaiting approval (the commune asks for one on every
    count), made by a coordinator of the commune who is not the world's coordinator."""
    async with database.write() as session:
        district_drive = await factories.drive(session, world.units["DISTRICT"], name="Kho gạo huyện")
        session.add(DriveItemType(drive_id=district_drive.id, item_type_id=world.ids["rice"]))
        counter = await factories.user(session, username="counter", full_name="Người kiểm kê")
        session.add(Membership(user_id=counter.id, unit_id=world.units["COMMUNE"], role=Role.COORDINATOR))
        (await session.get_one(Unit, world.units["COMMUNE"])).adjustment_threshold = 0
        await session.flush()
        world.ids["district_drive"] = district_drive.id
        token, _ = await signin.issue_api_token(session, counter, "127.0.0.1")
        volunteer = await signin.principal_for_token(session, world.tokens["volunteer"])
        coordinator = await signin.principal_for_token(session, world.tokens["coordinator"])
        counting = await signin.principal_for_token(session, token)
        drive, rice, today = world.ids["drive"], world.ids["rice"], local_today()
        await record_gift(
            session,
            volunteer,
            Actor(volunteer.user_id, "127.0.0.1"),
            GiftIn(
                drive_id=drive, received_on=today, items=[ItemIn(rice, Decimal(100), 10_000)], anonymous=True
            ),
        )
        acting = Actor(coordinator.user_id, "127.0.0.1")
        ten = [LineIn(rice, Decimal(10))]
        sold = await stock.create_conversion(
            session, coordinator, acting, ConversionIn(drive, today, ten, StockCashIn(100_000))
        )
        moved = await stock.create_transfer(
            session, coordinator, acting, TransferIn(drive, district_drive.id, today, ten)
        )
        counted = await stock.create_adjustment(
            session,
            counting,
            Actor(counting.user_id, "127.0.0.1"),
            AdjustmentIn(drive, today, rice, Decimal(75), AdjustmentReason.LOST),
        )
        world.ids |= {"conversion": sold.id, "transfer": moved.id, "adjustment": counted.id}
