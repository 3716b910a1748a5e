"""The authorization matrix, built from the application's own route list: every route declares who
may use it, anonymous callers are turned away from everything but a short public list, and each role
gets exactly the answer the permission table gives, objects of other units answering 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from charity.access import ACCESS_KEY, Access
from charity.accounts.guard import SESSION_COOKIE
from charity.app import create_app
from charity.clock import local_today
from charity.db import Database
from charity.settings import Settings
from tests.world import IMPORT_CSV, IMPORT_TOKEN, World, add_stock, build_world

STRONG = "Mat-khau-moi-2026!"
TODAY = local_today().isoformat()
YEAR = TODAY[:4]
LAST_MONTH = (local_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
ANON = "anonymous"
ROLES = (ANON, "admin", "coordinator", "volunteer", "auditor", "outsider")

# Routes anyone may call without signing in; anything else demands a sign-in.
PUBLIC_ROUTES = {
    ("GET", "/health"),
    ("POST", "/api/auth/token"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/setup/{token:str}"),
    ("POST", "/setup/{token:str}"),
    ("GET", "/verify/{token:str}"),
    ("GET", "/verify/{token:str}/pdf"),
    ("GET", "/api/public/units/{unit_id:int}/beneficiaries"),
}
# Framework-served public files: stylesheets and the OpenAPI document.
PUBLIC_PREFIXES = ("/static", "/schema")


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status) | overrides


def signed_in(status: int, **overrides: int) -> dict[str, int]:
    return everyone(status, anonymous=401) | overrides


def managers(ok: int) -> dict[str, int]:
    """Admins and coordinators over the target; the coordinator of another district gets 404."""
    return signed_in(403, admin=ok, coordinator=ok, outsider=404)


def admin_only(ok: int) -> dict[str, int]:
    return signed_in(403, admin=ok)


def readers(ok: int, **overrides: int) -> dict[str, int]:
    """Volunteers, coordinators and auditors of the scope; admins hold none of these roles."""
    return signed_in(403, coordinator=ok, volunteer=ok, auditor=ok, outsider=404) | overrides


def recorders(ok: int) -> dict[str, int]:
    return signed_in(403, coordinator=ok, volunteer=ok, outsider=404)


def coordinators(ok: int) -> dict[str, int]:
    return signed_in(403, coordinator=ok, outsider=404)


def on_page(expected: dict[str, int]) -> dict[str, int]:
    """The same rule on a page: anonymous visitors are sent to the sign-in form instead of a 401."""
    return expected | {ANON: 303}


def pages(status: int) -> dict[str, int]:
    """Pages send anonymous visitors to the sign-in form."""
    return everyone(status, anonymous=303)


@dataclass
class Case:
    method: str
    route: str
    expected: dict[str, int]
    path: Callable[[World], str] | None = None
    body: Callable[[World], Any] = field(default=lambda _world: None)
    # A file sent with the body, as a multipart form: {field: (file name, content)}.
    files: dict[str, tuple[str, bytes]] | None = None

    def url(self, world: World) -> str:
        return self.path(world) if self.path else self.route


def volunteer_path(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/users/{w.users['volunteer']}{suffix}"


def page_of_volunteer(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/admin/users/{w.users['volunteer']}{suffix}"


MATRIX = [
    Case("GET", "/health", everyone(200)),
    Case("POST", "/api/auth/token", everyone(401), body=lambda _w: {"username": "nobody", "password": "sai"}),
    Case("DELETE", "/api/auth/token", signed_in(204)),
    Case("GET", "/api/me", signed_in(200)),
    Case(
        "POST",
        "/api/me/password",
        signed_in(422),
        body=lambda _w: {"current_password": "not-the-password", "new_password": STRONG},
    ),
    Case("GET", "/api/units", signed_in(200)),
    Case(
        "POST",
        "/api/units",
        admin_only(201),
        body=lambda _w: {"code": "NEW", "name": "Chi hội mới", "parent_code": "COMMUNE"},
    ),
    Case(
        "GET",
        "/api/units/{unit_id:int}",
        signed_in(200, outsider=404),
        path=lambda w: f"/api/units/{w.units['COMMUNE']}",
    ),
    Case(
        "PATCH",
        "/api/units/{unit_id:int}",
        admin_only(200),
        path=lambda w: f"/api/units/{w.units['COMMUNE']}",
        body=lambda _w: {"name": "Hội Phụ nữ xã (tên mới)"},
    ),
    Case("GET", "/api/users", signed_in(403, admin=200, coordinator=200, outsider=200)),
    Case(
        "POST",
        "/api/users",
        managers(201),
        body=lambda w: {
            "username": "tinh-nguyen-moi",
            "password": STRONG,
            "full_name": "Nguyễn Thị Mới",
            "memberships": [{"unit_id": w.units["COMMUNE"], "role": "volunteer"}],
        },
    ),
    Case("GET", "/api/users/{user_id:int}", managers(200), path=volunteer_path()),
    Case(
        "PATCH",
        "/api/users/{user_id:int}",
        managers(200),
        path=volunteer_path(),
        body=lambda _w: {"full_name": "Lê Thị Đổi Tên"},
    ),
    Case("POST", "/api/users/{user_id:int}/deactivate", managers(200), path=volunteer_path("/deactivate")),
    Case("POST", "/api/users/{user_id:int}/activate", managers(200), path=volunteer_path("/activate")),
    Case(
        "POST",
        "/api/users/{user_id:int}/password",
        managers(204),
        path=volunteer_path("/password"),
        body=lambda _w: {"password": STRONG},
    ),
    Case(
        "POST",
        "/api/users/{user_id:int}/memberships",
        managers(201),
        path=volunteer_path("/memberships"),
        body=lambda w: {"unit_id": w.units["SIBLING"], "role": "volunteer"},
    ),
    Case(
        "DELETE",
        "/api/users/{user_id:int}/memberships/{membership_id:int}",
        # A coordinator may withdraw volunteer roles, but not a user's last one (409: lock the account).
        managers(204) | {"coordinator": 409},
        path=lambda w: f"/api/users/{w.users['volunteer']}/memberships/{w.memberships['volunteer']}",
    ),
    Case("GET", "/api/item-types", signed_in(200)),
    Case(
        "POST",
        "/api/item-types",
        signed_in(403, admin=201, coordinator=201, outsider=201),
        body=lambda _w: {"name": "Mì gói", "unit_of_measure": "thùng"},
    ),
    Case(
        "GET",
        "/api/item-types/{item_type_id:int}",
        signed_in(200),
        path=lambda w: f"/api/item-types/{w.ids['rice']}",
    ),
    Case(
        "PATCH",
        "/api/item-types/{item_type_id:int}",
        admin_only(200),
        path=lambda w: f"/api/item-types/{w.ids['rice']}",
        body=lambda _w: {"unit_of_measure": "kg gạo"},
    ),
    Case("GET", "/api/drives", readers(200, outsider=200)),
    Case(
        "POST",
        "/api/drives",
        coordinators(201),
        body=lambda w: {
            "unit_id": w.units["COMMUNE"],
            "name": "Quyển vở tình thương",
            "kind": "notebooks",
            "starts_on": f"{YEAR}-08-01",
            "ends_on": f"{YEAR}-09-05",
        },
    ),
    Case("GET", "/api/drives/{drive_id:int}", readers(200), path=lambda w: f"/api/drives/{w.ids['drive']}"),
    Case(
        "PATCH",
        "/api/drives/{drive_id:int}",
        coordinators(200),
        path=lambda w: f"/api/drives/{w.ids['drive']}",
        body=lambda _w: {"target_amount": 5_000_000},
    ),
    Case(
        "POST",
        "/api/drives/{drive_id:int}/open",
        coordinators(200),
        path=lambda w: f"/api/drives/{w.ids['draft']}/open",
    ),
    Case(
        "POST",
        "/api/drives/{drive_id:int}/close",
        coordinators(200),
        path=lambda w: f"/api/drives/{w.ids['drive']}/close",
    ),
    Case(
        "GET",
        "/api/drives/{drive_id:int}/summary",
        readers(200),
        path=lambda w: f"/api/drives/{w.ids['drive']}/summary",
    ),
    Case(
        "GET",
        "/api/drives/{drive_id:int}/books/{kind:str}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/drives/{w.ids['drive']}/books/cash",
    ),
    Case(
        "GET",
        "/api/drives/{drive_id:int}/ledger/verify",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/drives/{w.ids['drive']}/ledger/verify",
    ),
    Case("GET", "/api/donors", readers(200, outsider=200)),
    Case("GET", "/api/audit", signed_in(403, admin=200, auditor=200)),
    # A register of the caller's whole scope answers everyone who keeps one; a drive or unit of
    # another scope is not found.
    Case(
        "GET",
        "/api/registers/receipts",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/registers/receipts?drive_id={w.ids['drive']}",
    ),
    Case(
        "GET",
        "/api/registers/voids",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/registers/voids?unit_id={w.units['COMMUNE']}",
    ),
    Case("GET", "/api/registers/books", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "GET",
        "/api/registers/distributions",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/registers/distributions?drive_id={w.ids['drive']}",
    ),
    Case("GET", "/api/periods", signed_in(403, admin=200, coordinator=200, auditor=200, outsider=200)),
    Case(
        "POST",
        "/api/periods",
        managers(201),
        body=lambda w: {"unit_id": w.units["COMMUNE"], "month": LAST_MONTH},
    ),
    Case(
        "POST",
        "/api/periods/{period_id:int}/reopen",
        admin_only(200),
        path=lambda w: f"/api/periods/{w.ids['period']}/reopen",
        body=lambda _w: {"reason": "Bổ sung biên nhận bị sót"},
    ),
    # Stock documents: coordinators record them, coordinators and auditors read them.
    Case(
        "POST",
        "/api/conversions",
        coordinators(201),
        body=lambda w: {
            "drive_id": w.ids["drive"],
            "moved_on": TODAY,
            "items": [{"item_type_id": w.ids["rice"], "quantity": "5"}],
            "cash": {"amount": 60_000},
            "buyer": "Đại lý gạo",
        },
    ),
    Case(
        "POST",
        "/api/adjustments",
        coordinators(201),
        body=lambda w: {
            "drive_id": w.ids["drive"],
            "counted_on": TODAY,
            "item_type_id": w.ids["rice"],
            "counted_quantity": "79",
            "reason": "lost",
        },
    ),
    Case(
        "POST",
        "/api/adjustments/{movement_id:int}/approve",
        coordinators(200),
        path=lambda w: f"/api/adjustments/{w.ids['adjustment']}/approve",
        body=lambda _w: {},
    ),
    Case(
        "POST",
        "/api/adjustments/{movement_id:int}/reject",
        coordinators(200),
        path=lambda w: f"/api/adjustments/{w.ids['adjustment']}/reject",
        body=lambda _w: {"note": "Đếm lại"},
    ),
    Case(
        "POST",
        "/api/transfers",
        coordinators(201),
        body=lambda w: {
            "from_drive_id": w.ids["drive"],
            "to_drive_id": w.ids["district_drive"],
            "moved_on": TODAY,
            "items": [{"item_type_id": w.ids["rice"], "quantity": "5"}],
        },
    ),
    Case(
        "GET",
        "/api/drives/{drive_id:int}/stock",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/drives/{w.ids['drive']}/stock",
    ),
    Case("GET", "/api/conversions", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "GET",
        "/api/conversions/{movement_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/conversions/{w.ids['conversion']}",
    ),
    Case(
        "GET",
        "/api/conversions/{movement_id:int}/pdf",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/conversions/{w.ids['conversion']}/pdf",
    ),
    Case("GET", "/api/adjustments", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "GET",
        "/api/adjustments/{movement_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/adjustments/{w.ids['adjustment']}",
    ),
    Case(
        "GET",
        "/api/adjustments/{movement_id:int}/pdf",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/adjustments/{w.ids['adjustment']}/pdf",
    ),
    Case("GET", "/api/transfers", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "GET",
        "/api/transfers/{movement_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/transfers/{w.ids['transfer']}",
    ),
    Case(
        "GET",
        "/api/transfers/{movement_id:int}/pdf",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/transfers/{w.ids['transfer']}/pdf",
    ),
    Case("GET", "/api/beneficiaries", readers(200, outsider=200)),
    Case(
        "POST",
        "/api/beneficiaries",
        recorders(201),
        body=lambda w: {"unit_id": w.units["COMMUNE"], "name": "Đỗ Văn Tám", "hamlet": "Thôn 2"},
    ),
    Case(
        "GET",
        "/api/beneficiaries/{beneficiary_id:int}",
        readers(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}",
    ),
    Case(
        "PATCH",
        "/api/beneficiaries/{beneficiary_id:int}",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}",
        body=lambda _w: {"hamlet": "Thôn Phú Sơn"},
    ),
    Case(
        "POST",
        "/api/beneficiaries/{beneficiary_id:int}/verify",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/verify",
        body=lambda _w: {"minutes_number": "05/BB-HPN"},
    ),
    Case(
        "POST",
        "/api/beneficiaries/{beneficiary_id:int}/reject",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/reject",
        body=lambda _w: {"reason": "Đã có việc làm ổn định", "minutes_number": "05/BB-HPN"},
    ),
    Case(
        "POST",
        "/api/beneficiaries/{beneficiary_id:int}/consents",
        recorders(201),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/consents",
        body=lambda _w: {"purposes": ["contact"], "method": "signed_form", "given_on": TODAY},
    ),
    Case(
        "POST",
        "/api/beneficiaries/{beneficiary_id:int}/consents/{consent_id:int}/withdraw",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/consents/{w.ids['consent']}/withdraw",
        body=lambda _w: {},
    ),
    Case(
        "POST",
        "/api/beneficiaries/{beneficiary_id:int}/erase",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/erase",
        body=lambda _w: {"reason": "Theo đơn đề nghị của người này"},
    ),
    Case("GET", "/api/beneficiaries/duplicates", readers(200, outsider=200)),
    # A file of the caller's whole scope answers every reader; an export is an audit event.
    Case(
        "GET",
        "/api/beneficiaries/export",
        readers(200, outsider=200),
        path=lambda _w: "/api/beneficiaries/export?format=csv",
    ),
    # Those who collect consent print its form: blank, or filled in for a record of their scope.
    Case(
        "GET", "/api/beneficiaries/consent-form", signed_in(403, coordinator=200, volunteer=200, outsider=200)
    ),
    Case(
        "GET",
        "/api/beneficiaries/{beneficiary_id:int}/consent-form",
        recorders(200),
        path=lambda w: f"/api/beneficiaries/{w.ids['beneficiary']}/consent-form",
    ),
    Case(
        "POST",
        "/api/beneficiaries/duplicates/{suspicion_id:int}/dismiss",
        coordinators(200),
        path=lambda w: f"/api/beneficiaries/duplicates/{w.ids['suspicion']}/dismiss",
        body=lambda _w: {"reason": "Hai chị em trùng tên, khác hộ"},
    ),
    Case(
        "POST",
        "/api/beneficiaries/import",
        coordinators(200),
        body=lambda w: {"unit_id": str(w.units["COMMUNE"])},
        files={"file": ("danh-sach.csv", IMPORT_CSV)},
    ),
    Case("GET", "/beneficiaries/import", on_page(coordinators(200) | {"outsider": 200})),
    Case(
        "POST",
        "/beneficiaries/import",
        on_page(coordinators(303)),
        body=lambda w: {"unit_id": str(w.units["COMMUNE"])},
        files={"file": ("danh-sach.csv", IMPORT_CSV)},
    ),
    # A kept list is its uploader's, the coordinator's: anyone else's answers 404.
    Case(
        "GET",
        "/beneficiaries/import/{token:str}",
        on_page(coordinators(200)),
        path=lambda _w: f"/beneficiaries/import/{IMPORT_TOKEN}",
    ),
    Case(
        "POST",
        "/beneficiaries/import/{token:str}/mapping",
        on_page(coordinators(303)),
        path=lambda _w: f"/beneficiaries/import/{IMPORT_TOKEN}/mapping",
        body=lambda _w: {"map_name": "Họ và tên", "map_hamlet": "Thôn/Ấp"},
    ),
    Case(
        "POST",
        "/beneficiaries/import/{token:str}",
        on_page(coordinators(303)),
        path=lambda _w: f"/beneficiaries/import/{IMPORT_TOKEN}",
    ),
    Case("GET", "/api/distributions", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "POST",
        "/api/distributions",
        coordinators(201),
        body=lambda w: {
            "drive_id": w.ids["drive"],
            "purpose": "meals",
            "group": {"place": "Bệnh viện Đa khoa tỉnh", "count": 40},
            "cash": {"amount": 1_000},
            "handed_over_on": local_today().isoformat(),
        },
    ),
    Case(
        "GET",
        "/api/distributions/{distribution_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/distributions/{w.ids['distribution']}",
    ),
    Case(
        "GET",
        "/api/distributions/{distribution_id:int}/pdf",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/distributions/{w.ids['distribution']}/pdf",
    ),
    Case(
        "POST",
        "/api/distributions/{distribution_id:int}/hand-over",
        coordinators(200),
        path=lambda w: f"/api/distributions/{w.ids['distribution']}/hand-over",
        body=lambda _w: {"handed_over_on": local_today().isoformat()},
    ),
    Case(
        "POST",
        "/api/distributions/{distribution_id:int}/void",
        coordinators(200),
        path=lambda w: f"/api/distributions/{w.ids['distribution']}/void",
        body=lambda _w: {"reason": "Ghi nhầm"},
    ),
    Case("GET", "/api/rounds", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    # The world's household is only proposed: the coordinator gets past the door and is refused it.
    Case(
        "POST",
        "/api/rounds",
        coordinators(422),
        body=lambda w: {
            "drive_id": w.ids["drive"],
            "title": "Đợt trao",
            "planned_on": local_today().isoformat(),
            "purpose": "living",
            "lines": [{"beneficiary_id": w.ids["beneficiary"], "cash": {"amount": 1_000}}],
        },
    ),
    Case(
        "GET",
        "/api/rounds/{round_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/rounds/{w.ids['round']}",
    ),
    Case(
        "GET",
        "/api/rounds/{round_id:int}/pdf",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/rounds/{w.ids['round']}/pdf",
    ),
    Case(
        "POST",
        "/api/rounds/{round_id:int}/approve",
        coordinators(200),
        path=lambda w: f"/api/rounds/{w.ids['round']}/approve",
    ),
    Case(
        "POST",
        "/api/rounds/{round_id:int}/hand-over",
        coordinators(409),
        path=lambda w: f"/api/rounds/{w.ids['round']}/hand-over",
        body=lambda _w: {"handed_over_on": local_today().isoformat()},
    ),
    Case(
        "POST",
        "/api/rounds/{round_id:int}/cancel",
        coordinators(200),
        path=lambda w: f"/api/rounds/{w.ids['round']}/cancel",
        body=lambda _w: {"reason": "Lập nhầm"},
    ),
    Case("GET", "/distributions", on_page(signed_in(403, coordinator=200, auditor=200, outsider=200))),
    Case("GET", "/distributions/new", on_page(coordinators(200) | {"outsider": 200})),
    Case(
        "POST",
        "/distributions/new",
        on_page(coordinators(303)),
        body=lambda w: {
            "drive_id": str(w.ids["drive"]),
            "purpose": "meals",
            "to": "group",
            "group_place": "Bệnh viện Đa khoa tỉnh",
            "group_count": "40",
            "cash_amount": "1.000",
            "cash_method": "cash",
            "handed_over_on": TODAY,
        },
    ),
    Case(
        "GET",
        "/distributions/{distribution_id:int}",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/distributions/{w.ids['distribution']}",
    ),
    Case(
        "POST",
        "/distributions/{distribution_id:int}/hand-over",
        on_page(coordinators(303)),
        path=lambda w: f"/distributions/{w.ids['distribution']}/hand-over",
        body=lambda _w: {"handed_over_on": TODAY},
    ),
    Case(
        "POST",
        "/distributions/{distribution_id:int}/void",
        on_page(coordinators(303)),
        path=lambda w: f"/distributions/{w.ids['distribution']}/void",
        body=lambda _w: {"reason": "Ghi nhầm"},
    ),
    Case("GET", "/rounds", on_page(signed_in(403, coordinator=200, auditor=200, outsider=200))),
    Case("GET", "/rounds/new", on_page(coordinators(200) | {"outsider": 200})),
    # The world's household is only proposed: the form comes back saying so.
    Case(
        "POST",
        "/rounds/new",
        on_page(coordinators(422)),
        body=lambda w: {
            "drive_id": str(w.ids["drive"]),
            "title": "Đợt trao",
            "planned_on": TODAY,
            "purpose": "living",
            "cash_amount": "1.000",
            "beneficiary_id": str(w.ids["beneficiary"]),
        },
    ),
    Case(
        "GET",
        "/rounds/{round_id:int}",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/rounds/{w.ids['round']}",
    ),
    Case(
        "POST",
        "/rounds/{round_id:int}/approve",
        on_page(coordinators(303)),
        path=lambda w: f"/rounds/{w.ids['round']}/approve",
    ),
    # Not yet approved: the page comes back saying so.
    Case(
        "POST",
        "/rounds/{round_id:int}/hand-over",
        on_page(coordinators(409)),
        path=lambda w: f"/rounds/{w.ids['round']}/hand-over",
        body=lambda _w: {"handed_over_on": TODAY},
    ),
    Case(
        "POST",
        "/rounds/{round_id:int}/cancel",
        on_page(coordinators(303)),
        path=lambda w: f"/rounds/{w.ids['round']}/cancel",
        body=lambda _w: {"reason": "Lập nhầm"},
    ),
    Case("GET", "/api/hardship-categories", readers(200, outsider=200)),
    Case(
        "POST",
        "/api/hardship-categories",
        signed_in(403, coordinator=201, outsider=201),
        body=lambda _w: {"name": "Người nhiễm chất độc da cam"},
    ),
    Case(
        "GET",
        "/api/public/units/{unit_id:int}/beneficiaries",
        everyone(200),
        path=lambda w: f"/api/public/units/{w.units['COMMUNE']}/beneficiaries",
    ),
    Case(
        "POST",
        "/api/donors",
        recorders(201),
        body=lambda w: {"unit_id": w.units["COMMUNE"], "name": "Trần Văn Đức", "phone": "0918274615"},
    ),
    Case("GET", "/api/donors/{donor_id:int}", readers(200), path=lambda w: f"/api/donors/{w.ids['donor']}"),
    Case(
        "PATCH",
        "/api/donors/{donor_id:int}",
        recorders(200),
        path=lambda w: f"/api/donors/{w.ids['donor']}",
        body=lambda _w: {"address": "Ấp Rừng Sến"},
    ),
    Case(
        "POST",
        "/api/donations",
        recorders(201),
        body=lambda w: {
            "drive_id": w.ids["drive"],
            "received_on": TODAY,
            "donor": {"id": w.ids["donor"]},
            "cash": {"amount": 100_000},
        },
    ),
    Case("GET", "/api/receipts", readers(200, outsider=200)),
    Case(
        "GET",
        "/api/receipts/{receipt_id:int}",
        readers(200),
        path=lambda w: f"/api/receipts/{w.ids['receipt']}",
    ),
    Case(
        "GET",
        "/api/receipts/{receipt_id:int}/pdf",
        readers(200),
        path=lambda w: f"/api/receipts/{w.ids['receipt']}/pdf",
    ),
    Case(
        "POST",
        "/api/receipts/{receipt_id:int}/print",
        recorders(200),
        path=lambda w: f"/api/receipts/{w.ids['receipt']}/print",
    ),
    Case("POST", "/api/receipts/print", coordinators(200), body=lambda w: {"ids": [w.ids["receipt"]]}),
    Case(
        "POST",
        "/api/receipts/{receipt_id:int}/void",
        coordinators(200),
        path=lambda w: f"/api/receipts/{w.ids['receipt']}/void",
        body=lambda _w: {"reason": "Ghi nhầm số tiền"},
    ),
    Case(
        "POST",
        "/api/receipts/{receipt_id:int}/replace",
        coordinators(201),
        path=lambda w: f"/api/receipts/{w.ids['receipt']}/replace",
        body=lambda w: {
            "reason": "Ghi nhầm số tiền",
            "gift": {
                "drive_id": w.ids["drive"],
                "received_on": TODAY,
                "cash": {"amount": 250_000},
                "anonymous": True,
            },
        },
    ),
    Case("GET", "/api/receipt-books", signed_in(403, coordinator=200, auditor=200, outsider=200)),
    Case(
        "POST",
        "/api/receipt-books",
        coordinators(201),
        body=lambda w: {"unit_id": w.units["COMMUNE"], "year": int(YEAR), "code": "02"},
    ),
    Case(
        "GET",
        "/api/receipt-books/{book_id:int}",
        signed_in(403, coordinator=200, auditor=200, outsider=404),
        path=lambda w: f"/api/receipt-books/{w.ids['book']}",
    ),
    Case(
        "POST",
        "/api/receipt-books/{book_id:int}/close",
        coordinators(200),
        path=lambda w: f"/api/receipt-books/{w.ids['book']}/close",
    ),
    Case("GET", "/gifts/new", on_page(recorders(200) | {"outsider": 200})),
    Case(
        "POST",
        "/gifts/new",
        on_page(recorders(303)),
        body=lambda w: {
            "key": "matrix-0001",
            "drive_id": str(w.ids["drive"]),
            "received_on": TODAY,
            "donor_id": str(w.ids["donor"]),
            "cash_amount": "100.000",
        },
    ),
    Case(
        "GET",
        "/receipts/{receipt_id:int}/replace",
        on_page(coordinators(200)),
        path=lambda w: f"/receipts/{w.ids['receipt']}/replace",
    ),
    Case(
        "POST",
        "/receipts/{receipt_id:int}/replace",
        on_page(coordinators(303)),
        path=lambda w: f"/receipts/{w.ids['receipt']}/replace",
        body=lambda w: {
            "key": "matrix-0002",
            "reason": "Ghi nhầm số tiền",
            "drive_id": str(w.ids["drive"]),
            "received_on": TODAY,
            "donor_id": str(w.ids["donor"]),
            "cash_amount": "150.000",
        },
    ),
    Case(
        "GET",
        "/gifts/donors",
        on_page(recorders(200) | {"outsider": 200}),
        path=lambda _w: "/gifts/donors?q=hong",
    ),
    Case("GET", "/receipts", on_page(readers(200, outsider=200))),
    Case(
        "GET",
        "/receipts/{receipt_id:int}",
        on_page(readers(200)),
        path=lambda w: f"/receipts/{w.ids['receipt']}",
    ),
    Case(
        "GET",
        "/receipts/{receipt_id:int}/pdf",
        on_page(readers(200)),
        path=lambda w: f"/receipts/{w.ids['receipt']}/pdf",
    ),
    Case(
        "POST",
        "/receipts/{receipt_id:int}/print",
        on_page(recorders(200)),
        path=lambda w: f"/receipts/{w.ids['receipt']}/print",
    ),
    Case(
        "POST", "/receipts/print", on_page(coordinators(200)), body=lambda w: {"ids": str(w.ids["receipt"])}
    ),
    Case(
        "POST",
        "/receipts/{receipt_id:int}/void",
        on_page(coordinators(303)),
        path=lambda w: f"/receipts/{w.ids['receipt']}/void",
        body=lambda _w: {"reason": "Ghi nhầm số tiền", "back": "/receipts"},
    ),
    Case("GET", "/drives", on_page(readers(200, outsider=200))),
    Case("GET", "/drives/{drive_id:int}", on_page(readers(200)), path=lambda w: f"/drives/{w.ids['drive']}"),
    Case("GET", "/drives/new", on_page(coordinators(200) | {"outsider": 200})),
    Case(
        "POST",
        "/drives/new",
        on_page(coordinators(303)),
        body=lambda w: {
            "unit_id": str(w.units["COMMUNE"]),
            "name": "Quyển vở tình thương",
            "kind": "notebooks",
            "starts_on": f"{YEAR}-08-01",
            "ends_on": f"{YEAR}-09-05",
        },
    ),
    Case(
        "GET",
        "/drives/{drive_id:int}/edit",
        on_page(coordinators(200)),
        path=lambda w: f"/drives/{w.ids['drive']}/edit",
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/edit",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['draft']}/edit",
        body=lambda _w: {
            "name": "Áo trắng tặng học sinh",
            "kind": "goods",
            "starts_on": f"{YEAR}-08-01",
            "ends_on": f"{YEAR}-09-05",
        },
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/open",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['draft']}/open",
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/close",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/close",
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/ledger/verify",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/drives/{w.ids['drive']}/ledger/verify",
    ),
    Case("GET", "/donors", on_page(readers(200, outsider=200))),
    Case("GET", "/beneficiaries", on_page(readers(200, outsider=200))),
    Case("GET", "/beneficiaries/new", on_page(recorders(200) | {"outsider": 200})),
    Case(
        "POST",
        "/beneficiaries/new",
        on_page(recorders(303)),
        body=lambda w: {"unit_id": str(w.units["COMMUNE"]), "kind": "household", "name": "Đỗ Văn Tám"},
    ),
    Case(
        "GET",
        "/beneficiaries/{beneficiary_id:int}",
        on_page(readers(200)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}",
    ),
    Case(
        "GET",
        "/beneficiaries/{beneficiary_id:int}/edit",
        on_page(coordinators(200)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/edit",
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/edit",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/edit",
        body=lambda _w: {"kind": "household", "name": "Phạm Thị Lụa", "hamlet": "Thôn Phú Sơn"},
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/verify",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/verify",
        body=lambda _w: {"minutes_number": "05/BB-HPN"},
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/reject",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/reject",
        body=lambda _w: {"reason": "Đã có việc làm ổn định", "minutes_number": "05/BB-HPN"},
    ),
    Case(
        "GET",
        "/beneficiaries/{beneficiary_id:int}/consents/new",
        on_page(recorders(200)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/consents/new",
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/consents/new",
        on_page(recorders(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/consents/new",
        body=lambda _w: {
            "purposes": "contact",
            "method": "signed_form",
            "given_by": "self",
            "given_on": TODAY,
        },
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/consents/{consent_id:int}/withdraw",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/consents/{w.ids['consent']}/withdraw",
        body=lambda _w: {"withdrawn_on": ""},
    ),
    Case(
        "GET",
        "/beneficiaries/{beneficiary_id:int}/erase",
        on_page(coordinators(200)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/erase",
    ),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/erase",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/erase",
        body=lambda _w: {"reason": "Theo đơn đề nghị của người này"},
    ),
    Case("GET", "/beneficiaries/duplicates", on_page(readers(200, outsider=200))),
    Case(
        "POST",
        "/beneficiaries/duplicates/{suspicion_id:int}/dismiss",
        on_page(coordinators(303)),
        path=lambda w: f"/beneficiaries/duplicates/{w.ids['suspicion']}/dismiss",
        body=lambda _w: {"reason": "Hai chị em trùng tên, khác hộ"},
    ),
    Case("GET", "/beneficiaries/categories", on_page(readers(200, outsider=200))),
    Case(
        "POST",
        "/beneficiaries/categories",
        on_page(signed_in(403, coordinator=303, outsider=303)),
        body=lambda _w: {"name": "Người nhiễm chất độc da cam"},
    ),
    Case(
        "POST",
        "/beneficiaries/export",
        on_page(readers(200, outsider=200)),
        body=lambda _w: {"format": "csv"},
    ),
    Case("GET", "/beneficiaries/consent-form", on_page(recorders(200) | {"outsider": 200})),
    Case(
        "POST",
        "/beneficiaries/{beneficiary_id:int}/consent-form",
        on_page(recorders(200)),
        path=lambda w: f"/beneficiaries/{w.ids['beneficiary']}/consent-form",
        body=lambda _w: {},
    ),
    Case("GET", "/audit", on_page(signed_in(403, admin=200, auditor=200))),
    Case(
        "POST",
        "/audit/export",
        on_page(signed_in(403, admin=200, auditor=200)),
        body=lambda _w: {"format": "csv"},
    ),
    Case(
        "GET",
        "/distributions/{distribution_id:int}/pdf",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/distributions/{w.ids['distribution']}/pdf",
    ),
    Case(
        "GET",
        "/rounds/{round_id:int}/pdf",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/rounds/{w.ids['round']}/pdf",
    ),
    Case("GET", "/books", on_page(signed_in(403, coordinator=200, auditor=200, outsider=200))),
    Case(
        "GET",
        "/drives/{drive_id:int}/books/{kind:str}",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/drives/{w.ids['drive']}/books/cash",
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/books/{kind:str}/export",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/drives/{w.ids['drive']}/books/cash/export",
        body=lambda _w: {"format": "csv"},
    ),
    Case(
        "GET",
        "/registers",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/registers?kind=books&drive_id={w.ids['drive']}",
    ),
    Case(
        "POST",
        "/registers/export",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=200)),
        body=lambda _w: {"kind": "voids", "format": "csv"},
    ),
    Case(
        "GET",
        "/drives/{drive_id:int}/stock",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock",
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/stock/conversions",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock/conversions",
        body=lambda w: {
            "moved_on": TODAY,
            "item_type_id": str(w.ids["rice"]),
            "quantity": "5",
            "cash_amount": "60.000",
            "cash_method": "cash",
        },
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/stock/adjustments",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock/adjustments",
        body=lambda w: {
            "counted_on": TODAY,
            "item_type_id": str(w.ids["rice"]),
            "counted_quantity": "79",
            "reason": "lost",
        },
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/stock/transfers",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock/transfers",
        body=lambda w: {
            "moved_on": TODAY,
            "to_drive_id": str(w.ids["district_drive"]),
            "item_type_id": str(w.ids["rice"]),
            "quantity": "5",
        },
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/stock/adjustments/{movement_id:int}/approve",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock/adjustments/{w.ids['adjustment']}/approve",
        body=lambda _w: {},
    ),
    Case(
        "POST",
        "/drives/{drive_id:int}/stock/adjustments/{movement_id:int}/reject",
        on_page(coordinators(303)),
        path=lambda w: f"/drives/{w.ids['drive']}/stock/adjustments/{w.ids['adjustment']}/reject",
        body=lambda _w: {"note": "Đếm lại"},
    ),
    Case(
        "GET",
        "/stock/{movement_id:int}/pdf",
        on_page(signed_in(403, coordinator=200, auditor=200, outsider=404)),
        path=lambda w: f"/stock/{w.ids['conversion']}/pdf",
    ),
    Case("GET", "/periods", on_page(signed_in(403, admin=200, coordinator=200, auditor=200, outsider=200))),
    Case(
        "POST",
        "/periods",
        on_page(managers(303)),
        body=lambda w: {"unit_id": str(w.units["COMMUNE"]), "month": LAST_MONTH},
    ),
    Case(
        "GET",
        "/periods/{period_id:int}/reopen",
        on_page(admin_only(200)),
        path=lambda w: f"/periods/{w.ids['period']}/reopen",
    ),
    Case(
        "POST",
        "/periods/{period_id:int}/reopen",
        on_page(admin_only(303)),
        path=lambda w: f"/periods/{w.ids['period']}/reopen",
        body=lambda _w: {"reason": "Bổ sung biên nhận bị sót"},
    ),
    Case("GET", "/donors/{donor_id:int}", on_page(readers(200)), path=lambda w: f"/donors/{w.ids['donor']}"),
    Case("GET", "/admin/units", on_page(admin_only(200))),
    Case(
        "POST",
        "/admin/units",
        on_page(admin_only(303)),
        body=lambda _w: {"code": "NEW", "name": "Chi hội mới", "parent_code": "COMMUNE"},
    ),
    Case("GET", "/admin/users", on_page(signed_in(403, admin=200, coordinator=200, outsider=200))),
    Case(
        "POST",
        "/admin/users",
        on_page(managers(303)),
        body=lambda w: {
            "username": "tinh-nguyen-moi",
            "password": STRONG,
            "full_name": "Nguyễn Thị Mới",
            "unit_id": str(w.units["COMMUNE"]),
            "role": "volunteer",
        },
    ),
    Case(
        "POST",
        "/admin/users/memberships",
        on_page(managers(303)),
        body=lambda w: {
            "user_id": str(w.users["volunteer"]),
            "unit_id": str(w.units["SIBLING"]),
            "role": "volunteer",
        },
    ),
    Case(
        "GET",
        "/admin/units/{unit_id:int}",
        on_page(admin_only(200)),
        path=lambda w: f"/admin/units/{w.units['COMMUNE']}",
    ),
    Case(
        "POST",
        "/admin/units/{unit_id:int}",
        on_page(admin_only(303)),
        path=lambda w: f"/admin/units/{w.units['COMMUNE']}",
        body=lambda _w: {
            "name": "Chi hội xã",
            "parent_code": "DISTRICT",
            "receipt_form": "C40-BB",
            "receipt_paper": "a5",
            "zero_tens_word": "lẻ",
            "large_gift_threshold": "50.000.000",
            "review_months": "24",
            "adjustment_threshold": "1.000.000",
        },
    ),
    Case("GET", "/account/password", pages(200)),
    Case(
        "POST",
        "/account/password",
        on_page(signed_in(422)),
        body=lambda _w: {
            "current_password": "not-the-password",
            "new_password": STRONG,
            "new_password_again": STRONG,
        },
    ),
    Case("GET", "/admin/users/{user_id:int}", on_page(managers(200)), path=page_of_volunteer()),
    Case(
        "GET",
        "/admin/users/{user_id:int}/password",
        on_page(managers(200)),
        path=page_of_volunteer("/password"),
    ),
    Case(
        "POST",
        "/admin/users/{user_id:int}/password",
        on_page(managers(303)),
        path=page_of_volunteer("/password"),
        body=lambda _w: {"password": STRONG, "password_again": STRONG},
    ),
    Case(
        "GET",
        "/admin/users/{user_id:int}/deactivate",
        on_page(managers(200)),
        path=page_of_volunteer("/deactivate"),
    ),
    Case(
        "POST",
        "/admin/users/{user_id:int}/deactivate",
        on_page(managers(303)),
        path=page_of_volunteer("/deactivate"),
    ),
    Case(
        "POST",
        "/admin/users/{user_id:int}/activate",
        on_page(managers(303)),
        path=page_of_volunteer("/activate"),
    ),
    Case(
        "GET",
        "/admin/users/{user_id:int}/memberships/{membership_id:int}/remove",
        on_page(managers(200)),
        path=lambda w: f"/admin/users/{w.users['volunteer']}/memberships/{w.memberships['volunteer']}/remove",
    ),
    # A coordinator may not take away a volunteer's last role (they would drop out of sight): 409.
    Case(
        "POST",
        "/admin/users/{user_id:int}/memberships/{membership_id:int}/remove",
        on_page(managers(303) | {"coordinator": 409}),
        path=lambda w: f"/admin/users/{w.users['volunteer']}/memberships/{w.memberships['volunteer']}/remove",
    ),
    Case("GET", "/login", everyone(303, anonymous=200)),
    Case("POST", "/login", everyone(401), body=lambda _w: {"username": "nobody", "password": "sai"}),
    Case("POST", "/logout", pages(303)),
    Case("GET", "/setup/{token:str}", everyone(404), path=lambda _w: "/setup/not-a-real-link"),
    Case(
        "POST",
        "/setup/{token:str}",
        everyone(404),
        path=lambda _w: "/setup/not-a-real-link",
        body=lambda _w: {},
    ),
    Case("GET", "/", pages(200)),
    Case("GET", "/verify/{token:str}", everyone(404), path=lambda _w: "/verify/not-a-real-token"),
    Case("GET", "/verify/{token:str}/pdf", everyone(404), path=lambda _w: "/verify/not-a-real-token/pdf"),
]


def app_routes(app: Litestar) -> set[tuple[str, str]]:
    """(method, path) of every handler the application serves, except the automatic OPTIONS answers
    and the framework's file routes."""
    routes = set()
    for route in app.routes:
        if route.path.startswith(PUBLIC_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods - {"OPTIONS"}:
                routes.add((method, route.path))
    return routes


@pytest.fixture
def bare_app(tmp_path) -> Litestar:
    return create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db", secret_key="k" * 40))


def test_every_route_declares_who_may_use_it(bare_app: Litestar) -> None:
    undeclared = [
        (sorted(handler.http_methods), route.path)
        for route in bare_app.routes
        for handler in route.route_handlers
        if handler.http_methods - {"OPTIONS"} and not isinstance(handler.opt.get(ACCESS_KEY), Access)
    ]
    assert undeclared == []


def test_the_public_routes_are_exactly_the_short_list(bare_app: Litestar) -> None:
    public = {
        (method, route.path)
        for route in bare_app.routes
        for handler in route.route_handlers
        for method in handler.http_methods - {"OPTIONS"}
        if handler.opt[ACCESS_KEY].public and not route.path.startswith(PUBLIC_PREFIXES)
    }
    assert public == PUBLIC_ROUTES


def test_the_matrix_covers_every_route(bare_app: Litestar) -> None:
    assert {(case.method, case.route) for case in MATRIX} == app_routes(bare_app)


async def test_a_route_without_a_declaration_is_refused_to_everyone(
    database_url: str, settings: Settings
) -> None:
    @get("/api/forgotten")
    async def forgotten() -> dict[str, str]:
        return {"secret": "leaked"}

    database = Database(database_url)
    world = await build_world(database)
    await database.dispose()
    app = create_app(settings)
    app.register(forgotten)
    async with AsyncTestClient(app=app) as client:
        for who in ("anonymous", "admin", "coordinator"):
            response = await client.get("/api/forgotten", headers=world.auth(who))
            assert response.status_code == 403, who
            assert "leaked" not in response.text


async def _csrf_header(client: AsyncTestClient[Litestar]) -> dict[str, str]:
    await client.get("/login")
    return {"x-csrftoken": client.cookies["charity_csrf"]}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda case: f"{case.method} {case.route}")
async def test_each_role_gets_the_answer_of_the_permission_table(
    database_url: str, settings: Settings, case: Case, who: str
) -> None:
    database = Database(database_url)
    world = await build_world(database)
    await add_stock(database, world)
    await database.dispose()
    async with AsyncTestClient(app=create_app(settings)) as client:
        headers: dict[str, str] = {}
        is_page = not case.route.startswith("/api/") and case.route != "/health"
        if is_page:
            if case.method != "GET":
                headers |= await _csrf_header(client)
            if who in world.sessions:
                client.cookies.set(SESSION_COOKIE, world.sessions[who])
        else:
            headers |= world.auth(who)
        body = case.body(world)
        kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
        if case.files is not None:
            kwargs |= {"files": case.files, "data": body or {}}
        elif body is not None:
            kwargs["data" if is_page else "json"] = body
        response = await client.request(case.method, case.url(world), **kwargs)
    assert response.status_code == case.expected[who], response.text
    if response.status_code == 401 and case.route.startswith("/api/"):
        assert response.json()["status_code"] == 401
    if who == ANON and response.status_code == 303 and case.route != "/login":
        assert response.headers["location"].startswith("/login?next=")
