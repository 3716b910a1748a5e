"""The consent form (phiếu đồng ý xử lý dữ liệu cá nhân) a person signs before the unit keeps their
data, on A4: blank, or with what the printing reader may see of a beneficiary written in.

What it states follows Decree 13/2023/NĐ-CP: a consent holds only if the person knows the kind of data,
the purposes, who processes it and their rights and obligations (Article 11.2); each purpose is listed
to be agreed to on its own, by ticking a box, on a form that can be printed (Article 11.3); withdrawing
does not undo what was lawfully done before (Article 12.1); a child's data needs the consent of the
parent or guardian, and the child's own from the age of seven (Article 20.2). The rights listed are
those of Article 9.

A filled form is personal data leaving the system: printing one is an audit event, which names the
record's code and what was written in, never the values.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.response import Stream
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from charity import pdf
from charity.access import Principal
from charity.audit.service import Actor, record
from charity.beneficiaries import registry
from charity.beneficiaries.identity import mask_name
from charity.beneficiaries.privacy import View
from charity.beneficiaries.schemas import BeneficiaryOut
from charity.errors import Conflict, Forbidden, NotFound
from charity.exports.response import printed_answer
from charity.labels import CONSENT_PURPOSES
from charity.models import BeneficiaryStatus, ConsentPurpose, Unit
from charity.text import ascii_slug

# What each purpose means to the person who ticks it, after its name (CONSENT_PURPOSES).
_DETAILS = {
    ConsentPurpose.SUPPORT: "xét duyệt, bình xét và trao hỗ trợ bằng tiền, hiện vật từ các cuộc vận động "
    "của đơn vị; ghi các khoản đã nhận vào sổ sách",
    ConsentPurpose.PUBLIC_LISTING: "họ tên chỉ hiện họ và chữ đầu của tên đệm, tên (như “{masked}”) cùng "
    "tên xã, để mọi người kiểm tra được việc hỗ trợ",
    ConsentPurpose.CONTACT: "cán bộ gọi điện, nhắn tin hoặc đến nhà để báo, hỏi về việc hỗ trợ",
    ConsentPurpose.SENSITIVE_DATA: "dữ liệu cá nhân nhạy cảm, dùng để xác minh hoàn cảnh và để một người "
    "không có hai hồ sơ",
}
_EXAMPLE_NAME = "Nguyễn T. H."
CSS = "consent.css"


@dataclass(frozen=True, slots=True)
class Controller:
    """The unit that collects the data and answers for it."""

    name: str
    address: str
    review_months: int


@dataclass(frozen=True, slots=True)
class Person:
    """What is written in about the person; "" leaves the dotted line to fill in by hand."""

    code: str
    name: str
    birth_year: str
    hamlet: str
    address: str
    id_number: str


def _letter(purpose: ConsentPurpose) -> str:
    """The purpose's letter on the form: a), b), …"""
    return chr(ord("a") + list(ConsentPurpose).index(purpose))


def _purposes(person: Person | None) -> list[tuple[str, str, str]]:
    """Each purpose as the form lists it: its letter, name and what it means."""
    masked = mask_name(person.name) if person and person.name else _EXAMPLE_NAME
    return [
        (
            _letter(purpose),
            CONSENT_PURPOSES[purpose][:1].upper() + CONSENT_PURPOSES[purpose][1:],
            _DETAILS[purpose].format(masked=masked),
        )
        for purpose in ConsentPurpose
    ]


def html_of(controller: Controller | None, person: Person | None) -> str:
    return pdf.templates.get_template("consent.html").render(
        controller=controller,
        person=person,
        purposes=_purposes(person),
        sensitive=_letter(ConsentPurpose.SENSITIVE_DATA),
    )


def _controller(unit: Unit) -> Controller:
    return Controller(unit.name, unit.address, unit.review_months)


def _person(seen: BeneficiaryOut) -> Person:
    """What the reader may see of the beneficiary; the CCCD number only for a coordinator, since
    anyone else sees it masked or not at all."""
    return Person(
        code=seen.code,
        name=seen.name or "",
        birth_year=str(seen.birth_year) if seen.birth_year else "",
        hamlet=seen.hamlet or "",
        address=seen.address or "",
        id_number=(seen.id_number or "") if seen.view == View.COORDINATOR.value else "",
    )


async def filled_form(
    session: AsyncSession, principal: Principal, actor: Actor, beneficiary_id: int
) -> Stream:
    """The form with the beneficiary written in, as the caller may see them, for the volunteers and
    coordinators who collect consent; recorded in the request's `session`."""
    seen = await registry.get_beneficiary(session, principal, beneficiary_id)
    if seen.view not in (View.COORDINATOR.value, View.VOLUNTEER.value):
        raise Forbidden("Chỉ tình nguyện viên và điều phối viên của đơn vị in được phiếu đồng ý.")
    if seen.status == BeneficiaryStatus.ERASED:
        raise Conflict("Hồ sơ đã xóa theo yêu cầu của đối tượng.")
    unit = (await session.execute(select(Unit).where(Unit.id == seen.unit_id))).scalar_one()
    person = _person(seen)
    await record(
        session,
        actor,
        "beneficiary.consent_form",
        object_type="beneficiary",
        object_id=seen.id,
        unit_id=seen.unit_id,
        after={
            "code": seen.code,
            "view": seen.view,
            "filled": [
                name
                for name in ("name", "birth_year", "hamlet", "address", "id_number")
                if getattr(person, name)
            ],
        },
    )
    return printed_answer(html_of(_controller(unit), person), CSS, f"phieu-dong-y-{ascii_slug(seen.code)}")


async def blank_form(session: AsyncSession, principal: Principal, unit_id: int | None) -> Stream:
    """The form with nothing of a person written in: with the unit's name, address and review period
    when `unit_id` names one where the caller collects consent."""
    if unit_id is None:
        return printed_answer(html_of(None, None), CSS, "phieu-dong-y-xu-ly-du-lieu-ca-nhan")
    scopes = await registry.scopes_of(session, principal)
    unit = (await session.execute(select(Unit).where(Unit.id == unit_id))).scalar_one_or_none()
    if unit is None or unit.id not in scopes.coordinator | scopes.volunteer:
        raise NotFound("Không có đơn vị này.", field="unit_id")
    return printed_answer(html_of(_controller(unit), None), CSS, f"phieu-dong-y-{ascii_slug(unit.name)}")
