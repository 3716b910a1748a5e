"""A real server on the demo data set, and headless Chromium (Debian's /usr/bin/chromium) driven by
Playwright. Without Chromium these tests skip; CI installs it and fails the run if anything skipped."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from charity.clock import local_today
from tests.support import free_port, serving

CHROMIUM = os.environ.get("CHARITY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = (360, 1280)
RICE_DRIVE = f"Hũ gạo tình thương năm {local_today().year}"
PASSWORDS = {
    "admin": "Quan-tri-2026!",
    "lan": "Tinh-nguyen-2026!",
    "hoa": "Dieu-phoi-2026!",
    "binh": "Dieu-phoi-thu-hai-2026!",
    "mai": "Kiem-tra-2026!",
}


def new_donor_with_rice(page: Page, name: str, phone: str, quantity: str) -> None:
    """On the gift form: a new donor, and a line of rice."""
    page.get_by_text("Nhà hảo tâm mới").click()
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill(name)
    page.get_by_label("Số điện thoại").fill(phone)
    page.get_by_role("button", name="+ Thêm dòng hàng").click()
    line = page.locator(".goods-line").last
    line.get_by_label("Loại hàng").select_option(label="Gạo (kg)")
    line.get_by_label("Số lượng").fill(quantity)


@dataclass
class LiveServer:
    url: str
    database_url: str


def _charity(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [f"{sys.prefix}/bin/charity", *args], env=env, input=stdin, text=True, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`charity serve` on the demo data, with an administrator, a volunteer (lan) and two coordinators
    (hoa, binh) of the commune women's union that runs the rice-jar drive, and an auditor (mai) of its
    district."""
    data_dir = tmp_path_factory.mktemp("browser")
    database_url = f"sqlite+aiosqlite:///{data_dir}/charity.db"
    port = free_port()
    env = os.environ | {
        "CHARITY_DATABASE_URL": database_url,
        "CHARITY_DATA_DIR": str(data_dir),
        "CHARITY_SECRET_KEY": "browser-tests-" + "k" * 40,
        "CHARITY_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    _charity(env, "migrate")
    _charity(env, "demo")
    _charity(
        env,
        "users",
        "create",
        "admin",
        "--admin",
        "--full-name",
        "Quản trị viên",
        "--password-stdin",
        stdin=PASSWORDS["admin"],
    )
    for username, full_name, role, unit in (
        ("lan", "Lê Thị Lan", "volunteer", "LA-DH-HKT"),
        ("hoa", "Trần Thị Hoa", "coordinator", "LA-DH-HKT"),
        ("binh", "Nguyễn Thanh Bình", "coordinator", "LA-DH-HKT"),
        ("mai", "Phạm Thị Mai", "auditor", "LA-DH"),
    ):
        _charity(
            env,
            "users",
            "create",
            username,
            "--full-name",
            full_name,
            "--role",
            role,
            "--unit",
            unit,
            "--password-stdin",
            stdin=PASSWORDS[username],
        )
    with serving(env, port) as url:
        yield LiveServer(url, database_url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (CI installs Debian's chromium and fails on skips)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Visitor:
    """One signed-in person in their own browser window, failing the test on any script error."""

    def __init__(self, browser: Browser, server: LiveServer, width: int) -> None:
        self.server = server
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        # A page answered 404 or 422 on purpose is reported by the browser too; see `_response`.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.request.resource_type not in ("document", "fetch"):
            self.errors.append(f"{response.status} {response.url}")

    def go(self, path: str) -> Response:
        response = self.page.goto(self.server.url + path)
        assert response is not None
        return response

    def sign_in(self, username: str) -> None:
        self.go("/login")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(PASSWORDS[username])
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(self.server.url + "/")

    def start_gift(self, donor_query: str, donor_name: str, amount: str) -> None:
        """The gift form with the rice-jar drive, an existing donor found by `donor_query`, and cash."""
        self.go("/gifts/new")
        self.page.get_by_label("Cuộc vận động").select_option(label=RICE_DRIVE)
        self.page.get_by_label("Tìm nhà hảo tâm đã có").fill(donor_query)
        self.page.get_by_role("button", name=re.compile(donor_name)).click()
        self.page.get_by_label("Số tiền (đồng)").fill(amount)

    def screenshot(self, name: str) -> None:
        """Saved for people to look at, when CHARITY_SCREENSHOTS is set: Chromium sometimes fails to
        capture a page on a loaded machine, and a picture nobody looks at must not fail a run."""
        if not os.environ.get("CHARITY_SCREENSHOTS"):
            return
        folder = SCREENSHOTS / str(self.width)
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()
        assert not self.errors, self.errors


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # One worker runs every browser test, so the browsers and servers do not crowd the other tests.
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture
def visit(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Visitor]]:
    opened: list[Visitor] = []

    def open_window(username: str | None = None, width: int = 360) -> Visitor:
        visitor = Visitor(browser, live_server, width)
        opened.append(visitor)
        if username:
            visitor.sign_in(username)
        return visitor

    yield open_window
    for visitor in opened:
        visitor.close()
