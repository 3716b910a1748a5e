"""The `charity` command: serve, migrate, and the administrator's set-up tasks."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TypeVar

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from charity import migrate
from charity.accounts.service import NewPassword, create_user
from charity.accounts.signin import create_setup_link
from charity.audit.service import Actor
from charity.db import Database
from charity.errors import DomainError, NotFound
from charity.models import Drive, Role, User
from charity.settings import Settings, SettingsError, load_settings
from charity.units.service import create_unit, get_by_code

T = TypeVar("T")


class CommandError(Exception):
    """A command cannot go on; the message tells the operator what to do."""


def _on_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def run() -> T:
        database = Database(settings.database_url)
        try:
            await _require_current_schema(database)
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def _in_write_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def in_transaction(database: Database) -> T:
        async with database.write() as session:
            return await work(session)

    return _on_database(settings, in_transaction)


async def _require_current_schema(database: Database) -> None:
    current, head = await migrate.current_revision(database), migrate.head_revision()
    if current != head:
        raise CommandError(
            f"Cơ sở dữ liệu chưa được nâng cấp (phiên bản {current or 'trống'}, cần {head})."
            " Hãy chạy: charity migrate"
        )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from charity.app import create_app

    host, port = args.host or settings.host, args.port or settings.port

    async def prepare() -> str | None:
        database = Database(settings.database_url)
        try:
            await _require_current_schema(database)
            async with database.write() as session:
                return await create_setup_link(session)
        finally:
            await database.dispose()

    setup_secret = asyncio.run(prepare())
    if settings.public_url_is_loopback:
        print(
            f"Cảnh báo: mã QR trên biên nhận dẫn tới {settings.base_url}, địa chỉ chỉ máy này mở được;"
            " điện thoại của nhà hảo tâm sẽ không kiểm tra được biên nhận. Hãy đặt CHARITY_PUBLIC_URL"
            " là địa chỉ mà mọi người mở được (ví dụ https://tuthien.hoiphunu-longan.vn).",
            file=sys.stderr,
            flush=True,
        )
    if setup_secret:
        # No user exists yet: the first administrator is created through this one-time link.
        print(
            "Chưa có người dùng nào. Mở đường dẫn sau (dùng được một lần, trong 24 giờ) để tạo tài khoản quản trị:\n"
            f"  http://{host}:{port}/setup/{setup_secret}",
            flush=True,
        )
    app = create_app(settings)
    # What exists now (modules, routes, templates) lives as long as the server: moved out of the
    # collector's sight, it is not traversed again by every full collection while serving requests.
    gc.freeze()
    uvicorn.run(app, host=host, port=port, access_log=settings.access_log)
    return 0


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    before, head = migrate.current_revision_sync(settings.database_url), migrate.head_revision()
    migrate.upgrade(settings.database_url)
    if before is None:
        print(f"Đã tạo cơ sở dữ liệu mới ({settings.database_location}), phiên bản {head}.")
    elif before != head:
        print(f"Đã nâng cấp cơ sở dữ liệu từ phiên bản {before} lên {head}, phiên bản mới nhất.")
    else:
        print(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({head}).")
    return 0


def cmd_units_create(settings: Settings, args: argparse.Namespace) -> int:
    unit = _in_write_transaction(
        settings,
        lambda session: create_unit(
            session,
            Actor.command_line(),
            code=args.code,
            name=args.name,
            parent_code=args.parent,
            address=args.address,
        ),
    )
    print(f"Đã tạo đơn vị {unit.code}: {unit.name}")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first
    line = sys.stdin.readline()
    if not line:
        raise CommandError("Không đọc được mật khẩu từ đầu vào chuẩn (stdin).")
    return line.rstrip("\r\n")


def cmd_users_create(settings: Settings, args: argparse.Namespace) -> int:
    if not args.password_stdin:
        raise CommandError("Mật khẩu chỉ được đọc từ đầu vào chuẩn: thêm --password-stdin.")
    # Hashed before the write transaction: see `NewPassword`.
    password = asyncio.run(NewPassword.of(_read_password()))
    role = Role(args.role) if args.role else None
    if (role is None) != (args.unit is None):
        raise CommandError("--role và --unit phải đi cùng nhau.")

    async def create(session: AsyncSession) -> User:
        grants = [(await get_by_code(session, args.unit, field="unit"), role)] if role else []
        return await create_user(
            session,
            Actor.command_line(),
            username=args.username,
            password=password,
            full_name=args.full_name,
            is_admin=args.admin,
            grants=grants,
        )

    user = _in_write_transaction(settings, create)
    rights = ["quản trị"] if user.is_admin else []
    if role:
        rights.append(f"{role.value} tại {args.unit.upper()}")
    print(f"Đã tạo người dùng {user.username}" + (f" ({', '.join(rights)})" if rights else ""))
    return 0


def cmd_demo(settings: Settings, _args: argparse.Namespace) -> int:
    from charity.demo.service import load_demo

    summary = _in_write_transaction(
        settings, lambda session: load_demo(session, Actor.command_line(), today=date.today())
    )
    print(f"Đã nạp dữ liệu mẫu: {summary}")
    return 0


def cmd_receipts_print(settings: Settings, args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from charity.receipts import printing, rendering
    from charity.receipts.service import ReceiptFilter, batch_ids

    where = ReceiptFilter(
        drive_id=args.drive,
        book_id=args.book,
        date_from=date.fromisoformat(args.date_from) if args.date_from else None,
        date_to=date.fromisoformat(args.date_to) if args.date_to else None,
        not_printed=args.not_printed,
    )

    async def choose(session: AsyncSession) -> list[int]:
        return await batch_ids(session, None, where)

    # Written beside the file asked for, and put in its place once the prints are recorded: a
    # print that could not be written records nothing.
    partial = args.out.with_name(f".{args.out.name}.partial")

    def write(documents: list[printing.ReceiptDocument]) -> None:
        chunks = rendering.chunked(documents)
        with Progress() as progress:
            task = progress.add_task(f"In {len(documents)} biên nhận", total=len(chunks))
            content = rendering.render_chunks(chunks, lambda done: progress.update(task, completed=done))
        partial.write_bytes(content)

    async def make(documents: list[printing.ReceiptDocument]) -> None:
        await anyio.to_thread.run_sync(write, documents)

    async def print_them(database: Database) -> list[printing.ReceiptDocument]:
        async with database.write() as session:
            _, documents = await printing.print_receipts(
                database,
                session,
                Actor.command_line(),
                choose,
                make,
                base_url=settings.base_url,
            )
        return documents

    try:
        documents = _on_database(settings, print_them)
        partial.replace(args.out)
    except NotFound:
        raise CommandError("Không có biên nhận nào khớp bộ lọc.") from None
    except OSError as error:
        raise CommandError(f"Không ghi được tệp {args.out}: {error.strerror}.") from None
    finally:
        partial.unlink(missing_ok=True)
        rendering.shutdown_pool()
    print(f"Đã ghi {len(documents)} biên nhận vào {args.out}")
    return 0


def cmd_ledger_verify(settings: Settings, args: argparse.Namespace) -> int:
    """Every drive's ledger, or one's, checked against its hash chain; exit 1 if any is not intact."""
    from charity.drives.schemas import ChainCheckOut
    from charity.drives.service import check_chain

    async def check(database: Database) -> list[ChainCheckOut]:
        async with database.read() as session:
            ids = (
                [args.drive]
                if args.drive
                else list((await session.execute(select(Drive.id).order_by(Drive.id))).scalars())
            )
        checked = []
        for drive_id in ids:
            async with database.write() as session:
                checked.append(await check_chain(database, session, Actor.command_line(), drive_id, None))
        return checked

    checked = _on_database(settings, check)
    for result in checked:
        end = f"điểm cuối số {result.head_seq} {result.head_hash[:16]}…"
        if result.intact:
            print(f"Cuộc vận động {result.drive_id}: nguyên vẹn, {result.entries} dòng, {end}")
        else:
            where = f"dòng số {result.first_bad_seq}: " if result.first_bad_seq else ""
            print(f"Cuộc vận động {result.drive_id}: KHÔNG nguyên vẹn, {where}{result.detail} ({end})")
    return 0 if all(result.intact for result in checked) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="charity", description="Quản lý cuộc vận động từ thiện.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="chạy máy chủ web")
    serve.add_argument("--host", help="địa chỉ lắng nghe (mặc định CHARITY_HOST hoặc 127.0.0.1)")
    serve.add_argument("--port", type=int, help="cổng (mặc định CHARITY_PORT hoặc 8000)")
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="nâng cấp cơ sở dữ liệu lên phiên bản mới nhất").set_defaults(
        handler=cmd_migrate
    )

    units = commands.add_parser("units", help="đơn vị").add_subparsers(dest="action", required=True)
    units_create = units.add_parser("create", help="tạo đơn vị")
    units_create.add_argument("code", help="mã đơn vị, ví dụ LA-DH")
    units_create.add_argument("name", help="tên đơn vị")
    units_create.add_argument("--parent", metavar="CODE", help="mã đơn vị cấp trên")
    units_create.add_argument("--address", default="", help="địa chỉ")
    units_create.set_defaults(handler=cmd_units_create)

    users = commands.add_parser("users", help="người dùng").add_subparsers(dest="action", required=True)
    users_create = users.add_parser("create", help="tạo người dùng")
    users_create.add_argument("username")
    users_create.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu từ đầu vào chuẩn (bắt buộc)"
    )
    users_create.add_argument("--full-name", default="", help="họ và tên")
    users_create.add_argument("--admin", action="store_true", help="quyền quản trị toàn hệ thống")
    users_create.add_argument("--role", choices=[role.value for role in Role], help="vai trò tại đơn vị")
    users_create.add_argument("--unit", metavar="CODE", help="mã đơn vị của vai trò")
    users_create.set_defaults(handler=cmd_users_create)

    receipts = commands.add_parser("receipts", help="biên nhận").add_subparsers(dest="action", required=True)
    receipts_print = receipts.add_parser("print", help="in biên nhận ra một tệp PDF")
    receipts_print.add_argument("--drive", type=int, metavar="ID", help="chỉ cuộc vận động này")
    receipts_print.add_argument("--book", type=int, metavar="ID", help="chỉ quyển biên nhận này")
    receipts_print.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="nhận từ ngày")
    receipts_print.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="nhận đến ngày")
    receipts_print.add_argument("--not-printed", action="store_true", help="chỉ biên nhận chưa in lần nào")
    receipts_print.add_argument("--out", type=Path, required=True, metavar="FILE", help="tệp PDF ghi ra")
    receipts_print.set_defaults(handler=cmd_receipts_print)

    ledger = commands.add_parser("ledger", help="sổ quỹ, sổ kho").add_subparsers(dest="action", required=True)
    ledger_verify = ledger.add_parser("verify", help="kiểm tra toàn vẹn sổ theo chuỗi băm")
    ledger_verify.add_argument("--drive", type=int, metavar="ID", help="chỉ cuộc vận động này")
    ledger_verify.set_defaults(handler=cmd_ledger_verify)

    commands.add_parser("demo", help="nạp dữ liệu mẫu (Long An) vào cơ sở dữ liệu trống").set_defaults(
        handler=cmd_demo
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        return args.handler(settings, args)
    except DomainError as error:
        print(f"Lỗi: {error.message}", file=sys.stderr)
    except (CommandError, SettingsError, ValueError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
    except (SQLAlchemyError, OSError) as error:
        print(f"Lỗi cơ sở dữ liệu: {error}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
