from __future__ import annotations

from datetime import datetime

import msgspec

from charity.fields import Id, Text
from charity.models import Donor, DonorKind


class DonorFields(msgspec.Struct, forbid_unknown_fields=True):
    """A donor described by the person recording the gift."""

    name: Text
    kind: DonorKind = DonorKind.PERSON
    phone: Text = ""
    address: Text = ""
    email: Text = ""
    tax_code: Text = ""


class DonorCreate(DonorFields, forbid_unknown_fields=True):
    unit_id: Id = 0
    # Set after the form showed the donors with the same phone and the user chose a new one anyway.
    allow_duplicate: bool = False


class DonorUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text | None = None
    kind: DonorKind | None = None
    phone: Text | None = None
    address: Text | None = None
    email: Text | None = None
    tax_code: Text | None = None


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
