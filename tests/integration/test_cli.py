from __future__ import annotations

import io
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from charity.cli import main
from charity.db import Database
from charity.models import AuditEvent, Donor, Drive, DriveStatus, Membership, Unit, User

STRONG_PASSWORD = "Hoa-sen-no-giua-dam-2026"


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def charity(cli_env: dict[str, str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        return run(capsys, monkeypatch, *argv, stdin=stdin)

    return call


async def _count(database_url: str, model: type, *where: object) -> int:
    database = Database(database_url)
    try:
        async with database.read() as session:
            return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()
    finally:
        await database.dispose()


def count(database_url: str, model: type, *where: object) -> int:
    import asyncio

    return asyncio.run(_count(database_url, model, *where))


def test_units_create_builds_a_tree(charity, database_url: str) -> None:
    assert charity("units", "create", "LA", "Hội LHPN tỉnh Long An")[0] == 0
    code, out, _ = charity("units", "create", "la-dh", "Hội LHPN huyện Đức Hòa", "--parent", "LA")
    assert code == 0
    assert "LA-DH" in out
    assert count(database_url, Unit) == 2
    assert count(database_url, AuditEvent, AuditEvent.action == "unit.create") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("units", "create", "LA-X", "Xã mới", "--parent", "NOPE"), "Không có đơn vị mã NOPE"),
        (("units", "create", "LA", "Trùng mã"), "Đã có đơn vị mã LA"),
        (("units", "create", "có dấu", "Tên"), "Mã đơn vị chỉ gồm"),
        (("units", "create", "LA-Y", "   "), "Tên đơn vị không được để trống"),
    ],
    ids=["unknown-parent", "duplicate-code", "bad-code", "empty-name"],
)
def test_units_create_refuses_bad_input(
    charity, database_url: str, argv: tuple[str, ...], message: str
) -> None:
    assert charity("units", "create", "LA", "Hội LHPN tỉnh Long An")[0] == 0
    code, _, err = charity(*argv)
    assert code != 0
    assert message in err
    assert count(database_url, Unit) == 1


def test_users_create_with_a_role(charity, database_url: str) -> None:
    charity("units", "create", "LA", "Hội LHPN tỉnh Long An")
    code, out, _ = charity(
        "users", "create", "Lan.Nguyen", "--password-stdin", "--role", "volunteer", "--unit", "la",
        stdin=STRONG_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, out
    assert "lan.nguyen" in out
    assert count(database_url, User, User.username == "lan.nguyen", User.is_admin.is_(False)) == 1
    assert count(database_url, Membership, Membership.role == "volunteer") == 1


def test_users_create_admin(charity, database_url: str) -> None:
    code, _, _ = charity("users", "create", "admin", "--password-stdin", "--admin", stdin=STRONG_PASSWORD)
    assert code == 0
    assert count(database_url, User, User.is_admin.is_(True)) == 1


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (("users", "create", "lan", "--password-stdin"), "ngan\n", "ít nhất 10 ký tự"),
        (("users", "create", "lan", "--password-stdin"), "password123\n", "quá phổ biến"),
        (("users", "create", "lan", "--password-stdin"), "lan-lan-lan-2026\n", "tên đăng nhập"),
        (("users", "create", "lan", "--password-stdin"), "", "Không đọc được mật khẩu"),
        (("users", "create", "lan"), STRONG_PASSWORD, "--password-stdin"),
        (("users", "create", "Nguyễn Lan", "--password-stdin"), STRONG_PASSWORD, "Tên đăng nhập dài"),
        (("users", "create", "x", "--password-stdin"), STRONG_PASSWORD, "Tên đăng nhập dài"),
        (
            ("users", "create", "lan", "--password-stdin", "--role", "volunteer", "--unit", "NOPE"),
            STRONG_PASSWORD,
            "Không có đơn vị mã NOPE",
        ),
        (
            ("users", "create", "lan", "--password-stdin", "--role", "volunteer"),
            STRONG_PASSWORD,
            "đi cùng nhau",
        ),
        (("users", "create", "taken", "--password-stdin"), STRONG_PASSWORD, "đã được dùng"),
        (("users", "create", "TAKEN", "--password-stdin"), STRONG_PASSWORD, "đã được dùng"),
    ],
    ids=[
        "short-password",
        "common-password",
        "password-has-username",
        "no-password",
        "no-stdin-flag",
        "username-with-spaces",
        "username-too-short",
        "unknown-unit",
        "role-without-unit",
        "duplicate-username",
        "duplicate-username-other-case",
    ],
)
def test_users_create_refuses_bad_input(
    charity, database_url: str, argv: tuple[str, ...], stdin: str, message: str
) -> None:
    assert charity("users", "create", "taken", "--password-stdin", stdin=STRONG_PASSWORD)[0] == 0
    code, _, err = charity(*argv, stdin=stdin)
    assert code != 0
    assert message in err
    assert count(database_url, User) == 1
    assert count(database_url, Membership) == 0


def test_demo_loads_once(charity, database_url: str) -> None:
    code, out, _ = charity("demo")
    assert code == 0, out
    assert count(database_url, Unit) == 5
    assert count(database_url, Drive, Drive.status == DriveStatus.OPEN) == 5
    today = date.today()
    assert count(database_url, Drive, Drive.starts_on <= today, Drive.ends_on >= today) == 5
    assert count(database_url, Donor) >= 30
    assert count(database_url, Donor, Donor.name == "Nguyễn Thị Hồng") == 1

    code, _, err = charity("demo")
    assert code != 0
    assert "cơ sở dữ liệu trống" in err
    assert count(database_url, Unit) == 5


def test_commands_refuse_a_database_that_is_behind(
    charity, blank_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHARITY_DATABASE_URL", blank_database_url)
    code, _, err = charity("units", "create", "LA", "Long An")
    assert code != 0
    assert "charity migrate" in err
    code, _, err = charity("serve", "--port", "1")
    assert code != 0
    assert "charity migrate" in err

    code, out, _ = charity("migrate")
    assert code == 0
    assert "Đã tạo cơ sở dữ liệu mới" in out
    assert charity("units", "create", "LA", "Long An")[0] == 0
    code, out, _ = charity("migrate")
    assert code == 0
    assert "đã ở phiên bản mới nhất" in out


def test_the_installed_command_reads_the_password_from_stdin(
    cli_env: dict[str, str], database_url: str
) -> None:
    result = subprocess.run(
        ["charity", "users", "create", "thuquy", "--password-stdin", "--admin"],
        input=STRONG_PASSWORD + "\n",
        capture_output=True,
        text=True,
        env={**cli_env, "PATH": f"{sys.prefix}/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    weak = subprocess.run(
        ["charity", "users", "create", "thuquy2", "--password-stdin"],
        input="123\n",
        capture_output=True,
        text=True,
        env={**cli_env, "PATH": f"{sys.prefix}/bin"},
        check=False,
    )
    assert weak.returncode == 1
    assert "ít nhất 10 ký tự" in weak.stderr
    assert count(database_url, User) == 1


def test_ledger_verify_checks_every_drive(charity, database_url: str) -> None:
    assert charity("demo")[0] == 0
    code, out, err = charity("ledger", "verify")
    assert code == 0, err
    assert "nguyên vẹn" in out
    assert count(database_url, AuditEvent, AuditEvent.action == "ledger.verify") == out.count("Cuộc vận động")
    code, _, err = charity("ledger", "verify", "--drive", "999999")
    assert code == 1
    assert "Không có cuộc vận động này." in err
