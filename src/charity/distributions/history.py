"""What a beneficiary received ("Đã nhận hỗ trợ"), as their record page shows it: each distribution
to them, from which drives, and what the handed-over ones add up to.

The beneficiaries feature sits below this one, so its record page cannot ask for distributions: the
app hands it `received_section` as the page's `received` dependency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from charity.access import Principal, may
from charity.clock import format_date
from charity.distributions.schemas import DistributionOut
from charity.distributions.service import READERS, DistributionFilter, list_distributions
from charity.labels import DISTRIBUTION_STATUSES, PAYMENT_METHODS
from charity.models import DistributionStatus
from charity.money import format_quantity, format_vnd

# A household receives a few times a year: a page of its history is all of it for years.
SHOWN = 100


def _what(distribution: DistributionOut) -> str:
    parts = [
        f"{format_quantity(item.quantity)} {item.unit_of_measure} {item.name}" for item in distribution.items
    ]
    if distribution.cash is not None:
        parts.insert(
            0, f"{format_vnd(distribution.cash.amount)} ({PAYMENT_METHODS[distribution.cash.method]})"
        )
    return ", ".join(parts)


def _row(distribution: DistributionOut) -> dict[str, Any]:
    return {
        "on": format_date(distribution.handed_over_on) if distribution.handed_over_on else "",
        "number": distribution.number or "",
        "drive": distribution.drive_name,
        "drive_id": distribution.drive_id,
        "what": _what(distribution),
        "value": format_vnd(distribution.total_value) if distribution.total_value is not None else "",
        "status": DISTRIBUTION_STATUSES[distribution.status],
        "void": distribution.status == DistributionStatus.VOID,
        "void_reason": distribution.void_reason,
    }


def _totals(given: list[DistributionOut]) -> dict[str, Any]:
    """What the handed-over distributions add up to: how many, the money, each item type, the value."""
    cash = sum(d.cash.amount for d in given if d.cash is not None)
    goods: dict[tuple[str, str], Decimal] = {}
    for distribution in given:
        for item in distribution.items:
            key = (item.name, item.unit_of_measure)
            goods[key] = goods.get(key, Decimal(0)) + item.quantity
    return {
        "count": len(given),
        "cash": format_vnd(cash),
        "goods": ", ".join(
            f"{format_quantity(q)} {unit} {name}" for (name, unit), q in sorted(goods.items())
        ),
        "value": format_vnd(sum(d.total_value or 0 for d in given)),
        "drives": sorted({d.drive_name for d in given}),
    }


async def received_section(
    session: AsyncSession, principal: Principal, beneficiary_id: int
) -> dict[str, Any] | None:
    """The section for one who reads distributions (coordinators and auditors of the drives'
    units); None for anyone else, who is shown no section."""
    if not may(principal, *READERS):
        return None
    found, total = await list_distributions(
        session, principal, DistributionFilter(beneficiary_id=beneficiary_id), limit=SHOWN, offset=0
    )
    # A line of a round not yet approved is a plan, not something received.
    shown = [d for d in found if d.status != DistributionStatus.DRAFT]
    given = [d for d in shown if d.status == DistributionStatus.HANDED_OVER]
    return {
        "rows": [_row(d) for d in shown],
        "totals": _totals(given),
        "more": total - len(found),
    }
