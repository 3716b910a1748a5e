"""Erasure at the person's request through the HTTP API: what identifies them goes, from the record, its
members, consents, reviews, search and the duplicate report, while the record's id and code stay, so
the books still add up and the ledger's chain still verifies; nothing in the audit log names them."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from charity.db import Database
from charity.models import AuditEvent, Beneficiary, BeneficiaryMember, BeneficiaryReview, Consent
from tests.integration.beneficiaries.conftest import CONSENT, household, propose
from tests.world import World

PERSONAL = (
    "Nguyễn Thị Hồng",
    "0903512846",
    "048168001234",
    "Phú Sơn",
    "Thoát vị",
    "Chồng mất",
    "Lê Văn Minh",
    "Sáu",
)


async def test_an_erased_person_is_forgotten_and_the_books_and_chain_stay_as_they_were(
    client: AsyncTestClient[Litestar], world: World, database: Database
) -> None:
    drive = world.ids["drive"]
    book_url, verify_url = f"/api/drives/{drive}/books/cash", f"/api/drives/{drive}/ledger/verify"
    book_before = (await client.get(book_url, headers=world.auth("auditor"))).json()
    proposed = await propose(
        client,
        world,
        consent=CONSENT
        | {
            "given_by": "guardian",
            "guardian_name": "Nguyễn Văn Sáu",
            "purposes": ["support", "sensitive_data", "public_listing"],
        },
    )
    url = f"/api/beneficiaries/{proposed['id']}"
    await client.post(
        f"{url}/reject",
        json={"reason": "Chồng mất nhưng có lương hưu", "minutes_number": "05/BB"},
        headers=world.auth("coordinator"),
    )
    no_reason = await client.post(f"{url}/erase", json={"reason": ""}, headers=world.auth("coordinator"))
    assert no_reason.status_code == 422
    assert (
        await client.post(f"{url}/erase", json={"reason": "x"}, headers=world.auth("volunteer"))
    ).status_code == 403

    erased = await client.post(
        f"{url}/erase",
        json={"reason": "Đơn đề nghị xóa dữ liệu ngày 01/12/2026"},
        headers=world.auth("coordinator"),
    )
    assert erased.status_code == 200, erased.text
    record = erased.json()
    assert (record["status"], record["name"], record["code"]) == (
        "erased",
        proposed["code"],
        proposed["code"],
    )
    assert (record["phone"], record["id_number"], record["hamlet"], record["circumstances"]) == (
        "",
        "",
        "",
        "",
    )
    assert record["members"] == []
    assert record["consented_to"] == []
    assert all(not consent["current"] for consent in record["consents"])
    for text in PERSONAL:
        assert text not in erased.text, text

    async with database.read() as session:
        stored = await session.get(Beneficiary, proposed["id"])
        assert stored is not None
        row = " ".join(str(value) for value in stored.model_dump().values())
        members = (
            await session.execute(
                select(BeneficiaryMember).where(BeneficiaryMember.beneficiary_id == stored.id)
            )
        ).all()
        consents = list(
            (await session.execute(select(Consent).where(Consent.beneficiary_id == stored.id))).scalars()
        )
        reviews = list(
            (
                await session.execute(
                    select(BeneficiaryReview).where(BeneficiaryReview.beneficiary_id == stored.id)
                )
            ).scalars()
        )
        events = list((await session.execute(select(AuditEvent))).scalars())
    for text in PERSONAL:
        assert text not in row, text
        assert all(text not in f"{c.guardian_name} {c.witness}" for c in consents), text
        assert all(text not in r.reason for r in reviews), text
        assert all(text not in f"{e.before} {e.after}" for e in events), text
    assert members == []
    assert [e.action for e in events if e.object_type == "beneficiary" and e.object_id == stored.id][
        -1
    ] == "beneficiary.erase"

    for query in ("nguyen thi hong", "0903512846", "048168001234", "le van minh"):
        found = await client.get("/api/beneficiaries", params={"q": query}, headers=world.auth("coordinator"))
        assert proposed["id"] not in [b["id"] for b in found.json()["items"]], query
    by_code = await client.get(
        "/api/beneficiaries", params={"q": proposed["code"]}, headers=world.auth("coordinator")
    )
    assert [b["id"] for b in by_code.json()["items"]] == [proposed["id"]]

    assert (await client.get(book_url, headers=world.auth("auditor"))).json() == book_before
    check = (await client.get(verify_url, headers=world.auth("auditor"))).json()
    assert (check["intact"], check["head_matches"], check["entries"]) == (True, True, 1)

    for again in (
        client.post(f"{url}/erase", json={"reason": "lần nữa"}, headers=world.auth("coordinator")),
        client.patch(url, json={"name": "Nguyễn Thị Hồng"}, headers=world.auth("coordinator")),
        client.post(f"{url}/verify", json={"minutes_number": "06/BB"}, headers=world.auth("coordinator")),
        client.post(f"{url}/consents", json=CONSENT, headers=world.auth("coordinator")),
    ):
        assert (await again).status_code == 409


async def test_an_erased_person_leaves_the_duplicate_report_and_is_nobody_s_duplicate(
    client: AsyncTestClient[Litestar], world: World
) -> None:
    erased = await client.post(
        f"/api/beneficiaries/{world.ids['beneficiary']}/erase",
        json={"reason": "Đơn đề nghị xóa dữ liệu"},
        headers=world.auth("coordinator"),
    )
    assert erased.status_code == 200
    report = await client.get("/api/beneficiaries/duplicates", headers=world.auth("coordinator"))
    assert report.json()["total"] == 0
    # A third "Phạm Thị Lụa" may be the twin still registered, not the person erased.
    again = await client.post(
        "/api/beneficiaries",
        json=household(world, name="Phạm Thị Lụa", phone="", id_number="", health="", birth_year=None),
        headers=world.auth("volunteer"),
    )
    assert again.status_code == 409
    [match] = again.json()["extra"]["duplicates"]
    assert match["beneficiary"]["id"] != world.ids["beneficiary"]
    assert match["beneficiary"]["name"] == "Phạm Thị Lụa"
