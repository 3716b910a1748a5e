from __future__ import annotations

from datetime import datetime

import msgspec

from charity.models import Donor, DonorKind


class DonorFields(msgspec.Struct, forbid_unknown_fields=True):
    """A donor described by the person recording the gift."""

    name: str
    kind: DonorKind = DonorKind.PERSON
    phone: str = ""
    address: str = ""
    email: str = ""
    tax_code: str = ""


class DonorCreate(DonorFields, forbid_unknown_fields=True):
    unit_id: int = 0
    # Set after the form showed the donors with the same phone and the user chose a new one anyway.
    allow_duplicate: bool = False


class DonorUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None
    kind: DonorKind | None = None
    phone: str | None = None
    address: str | None = None
    email: str | None = None
    tax_code: str | None = None


class DonorOut(msgspec.Struct):
    id: int
    unit_id: int
    kind: DonorKind
    name: str
    phone: str
    address: str
    email: str
    tax_code: str
    created_at: datetime

    @classmethod
    def of(cls, donor: Donor) -> DonorOut:
        return cls(
            id=donor.id,
            unit_id=donor.unit_id,
            kind=DonorKind(donor.kind),
            name=donor.name,
            phone=donor.phone,
            address=donor.address,
            email=donor.email,
            tax_code=donor.tax_code,
            created_at=donor.created_at,
        )
