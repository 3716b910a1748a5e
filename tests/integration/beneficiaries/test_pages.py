"""The beneficiary pages: each role sees on them what the privacy matrix lets it see and nothing
more; the forms post and lead on (303), or come back with the Vietnamese error beside its field and
what was typed, having kept nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from charity.accounts import signin
from charity.accounts.guard import SESSION_COOKIE
from charity.app import create_app
from charity.clock import local_today
from charity.db import Database
from charity.models import AuditEvent, Beneficiary, DuplicateSuspicion, User
from charity.settings import Settings
from tests.integration.beneficiaries.conftest import household, propose
from tests.world import World

TODAY = local_today().isoformat()
CCCD = "048168001234"
HEALTH = "Thoát vị đĩa đệm, không làm việc nặng được."
PHONE = "0903512846"


@pytest.fixture
async def pages(
    settings: Settings, world: World, database: Database
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A browser's client; the commune's own coordinator gets a browser session too."""
    async with database.write() as session:
        user = await session.get_one(User, world.users["commune-coordinator"])
        world.sessions["commune-coordinator"], _ = await signin.start_web_session(session, user, "127.0.0.1")
    async with AsyncTestClient(app=create_app(settings)) as client:
        await client.get("/login")
        yield client


async def _open(client: AsyncTestClient[Litestar], world: World, who: str, path: str) -> httpx.Response:
    client.cookies.set(SESSION_COOKIE, world.sessions[who])
    return await client.get(path, follow_redirects=False)


async def _send(
    client: AsyncTestClient[Litestar], world: World, who: str, path: str, body: dict[str, Any]
) -> httpx.Response:
    client.cookies.set(SESSION_COOKIE, world.sessions[who])
    return await client.post(
        path, data=body, headers={"x-csrftoken": client.cookies["charity_csrf"]}, follow_redirects=False
    )


async def _count(database: Database) -> int:
    async with database.read() as session:
        return (await session.execute(select(func.count()).select_from(Beneficiary))).scalar_one()


def _form(world: World, **fields: Any) -> dict[str, Any]:
    """The propose form as a volunteer fills it in for a poor household, consent included."""
    return {
        "unit_id": str(world.units["COMMUNE"]),
        "kind": "household",
        "name": "Võ Thị Mận",
        "sex": "female",
        "birth_year": "1971",
        "hamlet": "Thôn Đông",
        "address": "",
        "phone": "",
        "id_number": "",
        "circumstances": "Chồng đau ốm lâu năm.",
        "health": "",
        "poor_cert_number": "",
        "poor_cert_year": "",
        "category_ids": ["1"],
        "member_name": ["Lê Văn Sơn", ""],
        "member_relation": ["chồng", ""],
        "member_sex": ["male", ""],
        "member_birth_year": ["1969", ""],
        "purposes": ["support", "contact"],
        "method": "signed_form",
        "witness": "",
        "given_by": "self",
        "guardian_name": "",
        "guardian_relation": "",
        "given_on": TODAY,
    } | fields


async def test_the_record_page_shows_each_role_what_it_may_see(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    record = await propose(client, world)
    path = f"/beneficiaries/{record['id']}"

    volunteer = await _open(pages, world, "volunteer", path)
    assert volunteer.status_code == 200
    assert "Nguyễn Thị Hồng" in volunteer.text
    assert "Thôn Phú Sơn" in volunteer.text
    for secret in (PHONE, CCCD, "1234", HEALTH, "Chồng mất", "Lê Văn Minh"):
        assert secret not in volunteer.text, secret
    assert "Không hiển thị với vai trò của bạn" in volunteer.text

    auditor = await _open(pages, world, "auditor", path)
    assert auditor.status_code == 200
    assert "********1234" in auditor.text
    assert PHONE in auditor.text
    assert "Lê Văn Minh" in auditor.text
    assert CCCD not in auditor.text
    assert HEALTH not in auditor.text
    assert "Công nhận" not in auditor.text
    assert "Rút lại" not in auditor.text

    coordinator = await _open(pages, world, "coordinator", path)
    assert coordinator.status_code == 200
    for whole in (PHONE, CCCD, HEALTH, "Lê Văn Minh", "Công nhận", "Không công nhận", "Rút lại", "Sửa"):
        assert whole in coordinator.text, whole

    assert (await _open(pages, world, "outsider", path)).status_code == 404


async def test_the_list_shows_each_role_its_fields_and_finds_by_what_it_may_see(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    record = await propose(client, world)
    listed = await _open(pages, world, "volunteer", "/beneficiaries?q=nguyen thi hong")
    assert listed.status_code == 200
    assert record["code"] in listed.text
    assert "Hộ nghèo" in listed.text
    assert "Đề xuất" in listed.text
    assert PHONE not in listed.text
    # A volunteer does not find a person by a number they may not see; a coordinator does.
    assert record["code"] not in (await _open(pages, world, "volunteer", f"/beneficiaries?q={PHONE}")).text
    assert record["code"] in (await _open(pages, world, "coordinator", f"/beneficiaries?q={PHONE}")).text
    filtered = await _open(
        pages, world, "coordinator", f"/beneficiaries?status=verified&unit_id={world.units['COMMUNE']}"
    )
    assert filtered.status_code == 200
    assert record["code"] not in filtered.text
    due = await _open(pages, world, "auditor", "/beneficiaries?review_due=1&category_id=1&status=&unit_id=")
    assert due.status_code == 200
    assert "0 đối tượng" in due.text
    home = await _open(pages, world, "auditor", "/")
    assert 'href="/beneficiaries"' in home.text
    assert 'href="/beneficiaries"' not in (await _open(pages, world, "admin", "/")).text


async def test_a_volunteer_proposes_a_household_with_consent(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    form = await _open(pages, world, "volunteer", "/beneficiaries/new")
    assert form.status_code == 200
    # The unit is the volunteer's to choose (the commune alone here), and consent is never ticked for them.
    assert "— Chọn đơn vị —" not in form.text
    assert not re.search(r'name="purposes" value="\w+" checked', form.text)
    assert f'name="given_on" value="{TODAY}"' in form.text

    sent = await _send(pages, world, "volunteer", "/beneficiaries/new", _form(world))
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert re.fullmatch(r"/beneficiaries/\d+\?done=proposed", location)
    shown = await _open(pages, world, "volunteer", location)
    assert "Đã đề xuất đối tượng" in shown.text
    assert "Nhận hỗ trợ; được liên hệ" in shown.text
    saved = await client.get(
        "/api/beneficiaries/" + location.split("/")[2].split("?")[0], headers=world.auth("coordinator")
    )
    body = saved.json()
    assert body["members"] == [
        {"name": "Lê Văn Sơn", "relation": "chồng", "sex": "male", "birth_year": 1969, "birth_date": None}
    ]
    assert [c["id"] for c in body["categories"]] == [1]
    assert body["consented_to"] == ["support", "contact"]
    assert body["proposed_by_name"] == "Volunteer"


async def test_the_form_sent_as_it_opens_proposes_with_no_consent(
    pages: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    """Only the required fields typed, everything else as the form opened."""
    left = {
        "unit_id": str(world.units["COMMUNE"]),
        "kind": "household",
        "name": "Đinh Văn Út",
        "sex": "",
        "member_name": ["", "", ""],
        "member_relation": ["", "", ""],
        "member_sex": ["", "", ""],
        "member_birth_year": ["", "", ""],
        "method": "signed_form",
        "given_by": "self",
        "given_on": TODAY,
    }
    sent = await _send(pages, world, "volunteer", "/beneficiaries/new", left)
    assert sent.status_code == 303
    shown = await _open(pages, world, "coordinator", sent.headers["location"])
    assert "Đinh Văn Út" in shown.text
    assert "Chưa có sự đồng ý nào còn hiệu lực" in shown.text
    assert "Chưa ghi thành viên nào." in shown.text
    assert "chưa có sự đồng ý nhận hỗ trợ" in shown.text


async def test_a_refused_form_comes_back_with_the_error_and_what_was_typed(
    pages: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    before = await _count(database)
    for fields, status, message, invalid in (
        ({"name": " "}, 422, "Cần nhập họ và tên.", 'id="name"'),
        ({"unit_id": ""}, 422, "Chọn đơn vị đề xuất đối tượng.", 'id="unit_id"'),
        ({"unit_id": str(world.units["ELSEWHERE"])}, 404, "Không có đơn vị này.", 'id="unit_id"'),
        ({"birth_year": "19x1"}, 422, "Năm sinh phải là một năm bốn chữ số", 'id="birth_year"'),
        ({"birth_year": "2099"}, 422, "Năm sinh phải từ 1900 đến", 'id="birth_year"'),
        ({"phone": "12"}, 422, "Số điện thoại phải gồm 9–11 chữ số", 'id="phone"'),
        ({"id_number": "0481680012"}, 422, "Số CCCD gồm đúng 12 chữ số.", 'id="id_number"'),
        # A CCCD number needs consent to keep it.
        ({"id_number": "048171001234"}, 422, "chỉ được lưu khi đối tượng", 'id="id_number"'),
        ({"health": "Mù một mắt"}, 422, "chỉ được lưu khi đối tượng", 'id="health"'),
        (
            {"member_name": ["", ""], "member_birth_year": ["2001", ""]},
            422,
            "Cần nhập họ và tên.",
            'id="member-name-0"',
        ),
        ({"method": "in_person"}, 422, "Đồng ý trực tiếp cần ghi người làm chứng.", 'id="witness"'),
        ({"given_by": "guardian"}, 422, "Cần ghi tên người giám hộ", 'id="guardian_name"'),
        ({"given_on": "2099-01-01"}, 422, "Ngày đồng ý không hợp lệ", 'id="given_on"'),
        ({"purposes": [], "witness": "Trưởng thôn"}, 422, "Chọn ít nhất một điều", "purposes"),
        ({"kind": "person"}, 422, "Đối tượng là cá nhân không có thành viên hộ.", "Thành viên"),
        ({"hamlet": "Thôn\u202eĐông"}, 422, "ký tự đảo chiều", 'id="hamlet"'),
    ):
        response = await _send(pages, world, "volunteer", "/beneficiaries/new", _form(world, **fields))
        assert response.status_code == status, (fields, response.text[:2000])
        assert message in response.text, fields
        assert 'role="alert"' in response.text
        assert invalid in response.text
        if "aria-invalid" in response.text and invalid.startswith("id="):
            assert re.search(invalid + r'[^>]*aria-invalid="true"', response.text), fields
        # What was typed comes back.
        assert 'value="Lê Văn Sơn"' in response.text or "member_name" in fields
        assert "Chồng đau ốm lâu năm." in response.text
    assert await _count(database) == before


async def test_a_likely_duplicate_is_shown_beside_what_was_typed(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    first = await propose(client, world)
    again = _form(
        world,
        name="Nguyễn Thị Hồng Nhung",
        birth_year="1968",
        id_number=CCCD,
        phone="0912 345 678",
        purposes=["support", "sensitive_data"],
    )
    seen: dict[str, str] = {}
    for who in ("volunteer", "commune-coordinator"):
        refused = await _send(pages, world, who, "/beneficiaries/new", again)
        assert refused.status_code == 409
        seen[who] = refused.text
        assert "Có thể đã có trong danh sách" in refused.text
        assert "Trùng số CCCD" in refused.text
        assert f'href="/beneficiaries/{first["id"]}"' in refused.text
        assert "Mở hồ sơ đã có" in refused.text
        assert "Không phải người này" in refused.text
        assert "Nguyễn Thị Hồng" in refused.text
        assert "Thôn Phú Sơn" in refused.text
        assert "0912 345 678" in refused.text  # as typed
    # The volunteer sees of the other record only its name and hamlet; the coordinator all of it.
    assert PHONE not in seen["volunteer"]
    assert "1968" in seen["volunteer"]
    assert PHONE in seen["commune-coordinator"]
    assert await _count(database) == 3

    not_her = again | {"not_duplicate_of": [str(first["id"])], "not_duplicate_reason": " "}
    no_reason = await _send(pages, world, "volunteer", "/beneficiaries/new", not_her)
    assert no_reason.status_code == 422
    assert "Cần ghi lý do đây không phải người đã có trong danh sách." in no_reason.text
    # Still side by side, the box still ticked.
    assert "Mở hồ sơ đã có" in no_reason.text
    assert re.search(rf'name="not_duplicate_of" value="{first["id"]}" checked', no_reason.text)

    sent = await _send(
        pages,
        world,
        "volunteer",
        "/beneficiaries/new",
        not_her | {"not_duplicate_reason": "Hai chị em, số CCCD của chị ghi nhầm"},
    )
    assert sent.status_code == 303
    async with database.read() as session:
        judged = (
            (
                await session.execute(
                    select(DuplicateSuspicion.dismiss_reason).where(
                        DuplicateSuspicion.first_id == first["id"]
                    )
                )
            )
            .scalars()
            .all()
        )
    assert judged == ["Hai chị em, số CCCD của chị ghi nhầm"]


async def test_a_coordinator_other_than_the_proposer_verifies_or_rejects(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    own = await propose(client, world, "commune-coordinator", name="Trần Văn Bảy", id_number="", phone="")
    page = await _open(pages, world, "commune-coordinator", f"/beneficiaries/{own['id']}")
    assert "Sửa" in page.text
    assert "/verify" not in page.text
    assert "/reject" not in page.text
    # Asked anyway, the service says why not, on the page.
    refused = await _send(
        pages, world, "commune-coordinator", f"/beneficiaries/{own['id']}/verify", {"minutes_number": "05/BB"}
    )
    assert refused.status_code == 403
    assert "do chính mình đề xuất" in refused.text

    record = await propose(client, world)
    path = f"/beneficiaries/{record['id']}"
    left = {"meeting_date": "", "minutes_number": "", "note": ""}
    empty = await _send(pages, world, "commune-coordinator", f"{path}/verify", left)
    assert empty.status_code == 422
    assert "Cần ghi ngày họp bình xét hoặc số biên bản cuộc họp." in empty.text
    assert re.search(r'<details class="decision" open>\s*<summary>Công nhận', empty.text)
    future = await _send(
        pages, world, "commune-coordinator", f"{path}/verify", left | {"meeting_date": "2099-01-01"}
    )
    assert future.status_code == 422
    assert 'value="2099-01-01"' in future.text
    done = await _send(
        pages,
        world,
        "commune-coordinator",
        f"{path}/verify",
        left | {"meeting_date": TODAY, "minutes_number": "05/BB-HPN"},
    )
    assert (done.status_code, done.headers["location"]) == (303, f"{path}?done=verified")
    shown = await _open(pages, world, "volunteer", done.headers["location"])
    assert "Đã công nhận đối tượng." in shown.text
    assert "Đủ điều kiện nhận hỗ trợ" in shown.text
    history = (await _open(pages, world, "auditor", path)).text
    assert "biên bản số 05/BB-HPN" in history
    assert "Trần Thị Lan" in history

    no_reason = await _send(
        pages, world, "coordinator", f"{path}/reject", {"reason": "", "minutes_number": "06/BB"}
    )
    assert no_reason.status_code == 422
    assert "Cần nhập lý do." in no_reason.text
    rejected = await _send(
        pages,
        world,
        "coordinator",
        f"{path}/reject",
        {"reason": "Đã có việc làm ổn định", "minutes_number": "06/BB"},
    )
    assert rejected.status_code == 303
    shown = (await _open(pages, world, "coordinator", path)).text
    assert "Không công nhận" in shown
    assert "Đã có việc làm ổn định" in shown
    assert "/verify" not in shown


async def test_consent_is_recorded_and_withdrawn_on_the_pages(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    record = await propose(client, world)
    path = f"/beneficiaries/{record['id']}"
    form = await _open(pages, world, "volunteer", f"{path}/consents/new")
    assert form.status_code == 200
    assert f'value="{TODAY}"' in form.text
    assert (await _open(pages, world, "auditor", f"{path}/consents/new")).status_code == 403
    left = {
        "method": "signed_form",
        "given_by": "self",
        "given_on": TODAY,
        "witness": "",
        "guardian_name": "",
    }
    none = await _send(pages, world, "volunteer", f"{path}/consents/new", left)
    assert none.status_code == 422
    assert "Chọn ít nhất một điều đối tượng đồng ý." in none.text
    no_witness = await _send(
        pages,
        world,
        "volunteer",
        f"{path}/consents/new",
        left | {"purposes": ["public_listing"], "method": "in_person"},
    )
    assert no_witness.status_code == 422
    assert "Đồng ý trực tiếp cần ghi người làm chứng." in no_witness.text
    assert re.search(r'value="public_listing" checked', no_witness.text)
    given = await _send(
        pages,
        world,
        "volunteer",
        f"{path}/consents/new",
        left
        | {
            "purposes": ["public_listing"],
            "given_by": "guardian",
            "guardian_name": "Lê Văn Minh",
            "guardian_relation": "con",
        },
    )
    assert (given.status_code, given.headers["location"]) == (303, f"{path}?done=consent")
    shown = (await _open(pages, world, "coordinator", path)).text
    assert "Người giám hộ: Lê Văn Minh, con" in shown

    sensitive = next(
        c
        for c in (await client.get(f"/api/{path}", headers=world.auth("coordinator"))).json()["consents"]
        if "sensitive_data" in c["purposes"]
    )
    withdraw = f"{path}/consents/{sensitive['id']}/withdraw"
    early = await _send(pages, world, "coordinator", withdraw, {"withdrawn_on": "2020-01-01"})
    assert early.status_code == 422
    assert "Ngày rút đồng ý phải từ ngày đồng ý đến hôm nay." in early.text
    withdrawn = await _send(pages, world, "coordinator", withdraw, {"withdrawn_on": TODAY})
    assert withdrawn.status_code == 303
    shown = (await _open(pages, world, "coordinator", path)).text
    assert "Đã rút lại ngày" in shown
    assert CCCD not in shown
    assert HEALTH not in shown
    again = await _send(pages, world, "coordinator", withdraw, {"withdrawn_on": TODAY})
    assert again.status_code == 409
    assert "Sự đồng ý này đã rút ngày" in again.text


async def test_a_coordinator_edits_a_record_with_the_propose_form(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    record = await propose(client, world)
    path = f"/beneficiaries/{record['id']}/edit"
    assert (await _open(pages, world, "volunteer", path)).status_code == 403
    assert (await _open(pages, world, "auditor", path)).status_code == 403
    form = await _open(pages, world, "coordinator", path)
    assert form.status_code == 200
    assert f'value="{CCCD}"' in form.text
    assert 'value="Lê Văn Minh"' in form.text
    assert "Lưu thay đổi" in form.text
    fields = household(world)
    body = _form(
        world,
        name=fields["name"],
        birth_year="1968",
        hamlet="Thôn Phú Sơn 2",
        phone=PHONE,
        id_number=CCCD,
        circumstances=fields["circumstances"],
        health=fields["health"],
        member_name=["Lê Văn Minh", ""],
        member_relation=["con", ""],
        member_sex=["male", ""],
        member_birth_year=["2010", ""],
    )
    saved = await _send(pages, world, "coordinator", path, body)
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        f"/beneficiaries/{record['id']}?done=updated",
    )
    after = (await client.get(f"/api/beneficiaries/{record['id']}", headers=world.auth("coordinator"))).json()
    assert after["hamlet"] == "Thôn Phú Sơn 2"
    assert after["id_number"] == CCCD
    assert len(after["members"]) == 1
    wrong = await _send(pages, world, "coordinator", path, body | {"phone": "abc"})
    assert wrong.status_code == 422
    assert "Số điện thoại phải gồm" in wrong.text
    assert 'value="Thôn Phú Sơn 2"' in wrong.text


async def test_erasing_keeps_the_code_and_nothing_that_identifies(
    client: AsyncTestClient[Litestar], pages: AsyncTestClient[Litestar], world: World
) -> None:
    record = await propose(client, world)
    path = f"/beneficiaries/{record['id']}"
    assert (await _open(pages, world, "volunteer", f"{path}/erase")).status_code == 403
    confirm = await _open(pages, world, "coordinator", f"{path}/erase")
    assert confirm.status_code == 200
    assert record["code"] in confirm.text
    assert "những gì đối tượng đã nhận" in confirm.text
    empty = await _send(pages, world, "coordinator", f"{path}/erase", {"reason": ""})
    assert empty.status_code == 422
    assert "Cần nhập lý do." in empty.text
    erased = await _send(
        pages, world, "coordinator", f"{path}/erase", {"reason": "Theo đơn đề nghị ngày 20/11"}
    )
    assert (erased.status_code, erased.headers["location"]) == (303, f"{path}?done=erased")
    shown = (await _open(pages, world, "coordinator", erased.headers["location"])).text
    assert "Đã xóa" in shown
    assert record["code"] in shown
    for gone in ("Nguyễn Thị Hồng", "Thôn Phú Sơn", PHONE, CCCD, HEALTH, "Lê Văn Minh"):
        assert gone not in shown, gone
    assert "Xóa theo yêu cầu" not in shown
    assert "Ghi nhận đồng ý" not in shown


async def test_the_duplicates_report_and_its_not_a_duplicate_form(
    pages: AsyncTestClient[Litestar], world: World
) -> None:
    volunteer = await _open(pages, world, "volunteer", "/beneficiaries/duplicates")
    assert volunteer.status_code == 200
    first, second = (f"ĐT-{n:06d}" for n in (world.ids["beneficiary"], world.ids["beneficiary"] + 1))
    assert first in volunteer.text
    assert second in volunteer.text
    assert "Tên gần giống (100%)" in volunteer.text
    assert "/dismiss" not in volunteer.text
    report = await _open(pages, world, "coordinator", "/beneficiaries/duplicates")
    assert "Không trùng" in report.text
    dismiss = f"/beneficiaries/duplicates/{world.ids['suspicion']}/dismiss"
    empty = await _send(pages, world, "coordinator", dismiss, {"reason": " "})
    assert empty.status_code == 422
    assert "Cần nhập lý do." in empty.text
    assert re.search(r"<details open>\s*<summary>Không trùng", empty.text)
    done = await _send(pages, world, "coordinator", dismiss, {"reason": "Hai chị em trùng tên, khác hộ"})
    assert (done.status_code, done.headers["location"]) == (303, "/beneficiaries/duplicates?done=dismissed")
    after = await _open(pages, world, "coordinator", done.headers["location"])
    assert "Không có nghi vấn trùng nào cần xem." in after.text
    assert (await _send(pages, world, "coordinator", dismiss, {"reason": "Lần nữa"})).status_code == 409


async def test_categories_are_listed_and_coordinators_add_them(
    pages: AsyncTestClient[Litestar], world: World
) -> None:
    listed = await _open(pages, world, "volunteer", "/beneficiaries/categories")
    assert listed.status_code == 200
    assert "Hộ cận nghèo" in listed.text
    assert 'action="/beneficiaries/categories"' not in listed.text
    added = await _send(
        pages, world, "coordinator", "/beneficiaries/categories", {"name": "Người nhiễm chất độc da cam"}
    )
    assert (added.status_code, added.headers["location"]) == (303, "/beneficiaries/categories?done=category")
    assert (
        "Người nhiễm chất độc da cam"
        in (await _open(pages, world, "auditor", "/beneficiaries/categories")).text
    )
    twice = await _send(
        pages, world, "coordinator", "/beneficiaries/categories", {"name": "nguoi nhiem chat doc da cam"}
    )
    assert twice.status_code == 409
    assert "Đã có diện hoàn cảnh" in twice.text
    assert 'value="nguoi nhiem chat doc da cam"' in twice.text


async def test_the_list_is_exported_as_the_page_filters_it_and_each_role_sees_its_own_columns(
    pages: AsyncTestClient[Litestar], client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    await propose(client, world)
    await propose(
        client,
        world,
        name="Đinh Văn Út",
        sex="male",
        birth_year=1944,
        hamlet="Thôn Đông",
        phone="",
        id_number="",
        health="",
        consent=None,
    )
    coordinator = await _send(
        pages, world, "coordinator", "/beneficiaries/export", {"format": "csv", "q": "phu son"}
    )
    assert coordinator.status_code == 200
    assert coordinator.headers["content-type"].startswith("text/csv")
    assert "attachment" in coordinator.headers["content-disposition"]
    text = coordinator.content.decode("utf-8-sig")
    assert CCCD in text
    assert "Nguyễn Thị Hồng" in text
    assert "Đinh Văn Út" not in text
    volunteer = (
        await _send(pages, world, "volunteer", "/beneficiaries/export", {"format": "csv"})
    ).content.decode("utf-8-sig")
    assert "Đinh Văn Út" in volunteer
    assert "Số CCCD" not in volunteer
    assert CCCD not in volunteer
    assert PHONE not in volunteer
    async with database.read() as session:
        events = (
            (await session.execute(select(AuditEvent.after).where(AuditEvent.action == "beneficiary.export")))
            .scalars()
            .all()
        )
    assert len(events) == 2
    assert all("Nguyễn" not in str(event) and "phu son" not in str(event) for event in events)


async def test_the_consent_form_is_printed_blank_by_a_link_and_filled_in_by_a_button(
    pages: AsyncTestClient[Litestar], client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    proposed = await propose(client, world)
    blank = await _open(pages, world, "volunteer", "/beneficiaries/consent-form")
    assert (blank.status_code, blank.headers["content-type"]) == (200, "application/pdf")
    record_page = (await _open(pages, world, "volunteer", f"/beneficiaries/{proposed['id']}")).text
    assert f'action="/beneficiaries/{proposed["id"]}/consent-form"' in record_page
    filled = await _send(pages, world, "volunteer", f"/beneficiaries/{proposed['id']}/consent-form", {})
    assert (filled.status_code, filled.headers["content-type"]) == (200, "application/pdf")
    async with database.read() as session:
        printed = (
            await session.execute(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "beneficiary.consent_form")
            )
        ).scalar_one()
    assert printed == 1
