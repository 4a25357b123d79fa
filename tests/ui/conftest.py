"""Browser-test fixtures: a live uvicorn of the real app on 127.0.0.1 (tmp data dir, demo users,
the starter knowledge indexed), and the system Chromium driven by Playwright."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
DEMO_USERS = {  # username: (role, display name)
    "unit1": ("submitter", "常宁市农业农村局"),
    "unit2": ("submitter", "常宁市教育局"),
    "reviewer1": ("reviewer", "李审核"),
    "approver1": ("approver", "王审批"),
    "admin1": ("admin", "系统管理员"),
}


@dataclass
class LiveServer:
    base_url: str
    tokens: dict[str, str]
    data_dir: Path
    thread: threading.Thread = field(repr=False)

    def client(self, username: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=60, headers={"Authorization": f"Bearer {self.tokens[username]}"}
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _create_demo_users(session_factory) -> dict[str, str]:
    from assistant.records import create_user, issue_token, session_scope

    tokens = {}
    with session_scope(session_factory) as session:
        for username, (role, display) in DEMO_USERS.items():
            create_user(session, username=username, role=role, display_name=display, actor="ui-tests")
            tokens[username] = issue_token(session, username=username, actor="ui-tests")
    return tokens


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    import uvicorn

    from api.app import create_app
    from core.settings import Settings

    data_dir = tmp_path_factory.mktemp("ui-var")
    settings = Settings(
        data_dir=data_dir,
        llm_base_url=None,
        llm_model=None,
        llm_api_key=None,
        chroma_url=None,
        database_url=None,
    )
    app = create_app(settings)
    services = app.state.services
    tokens = _create_demo_users(services.session_factory)
    services.knowledge_base()  # opens the index and indexes the starter pack
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="ui-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("界面测试：uvicorn 未能在 30 秒内启动")
        time.sleep(0.05)
    yield LiveServer(base_url=f"http://127.0.0.1:{port}", tokens=tokens, data_dir=data_dir, thread=thread)
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"system Chromium not found at {CHROMIUM} (install the Debian chromium package)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Collects what must never happen on a page: JS errors, console errors, requests off the origin."""

    def __init__(self, page, base_url: str) -> None:
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("console", lambda msg: self._console(msg))
        page.on("request", lambda req: self._request(req, base_url))

    def _console(self, msg) -> None:
        # failed API calls the UI handles (403/404 shown in place) are logged by Chromium as resource errors
        if msg.type == "error" and "Failed to load resource" not in msg.text:
            self.errors.append(f"console: {msg.text}")

    def _request(self, req, base_url: str) -> None:
        if not req.url.startswith((base_url, "blob:", "data:")):
            self.external.append(req.url)

    def assert_clean(self) -> None:
        assert not self.external, f"requests left the server: {self.external}"
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture()
def open_page(browser, live_server: LiveServer):
    """open_page(username=None) → (page, watch); logged in through the login form when a user is given."""
    contexts = []
    watches = []

    def _open(username: str | None = None):
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(page, live_server.base_url)
        watches.append(watch)
        page.goto(live_server.base_url + "/#/login")
        if username:
            login(page, live_server.tokens[username])
        return page, watch

    yield _open
    for context in contexts:
        context.close()
    for watch in watches:
        watch.assert_clean()


def login(page, token: str) -> None:
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="您好", exact=False).wait_for()


@pytest.fixture()
def shot():
    """shot(page, name): viewport and full-page screenshots under artifacts/screenshots/."""
    return screenshot


@pytest.fixture()
def ui_login():
    return login


LEAKED_VALUES = re.compile(r"\bnull\b|\bundefined\b|\[object Object\]|\bNaN\b")


def screenshot(page, name: str) -> Path:
    """Save the page as a user sees it; also guard against raw JS values leaking into the text."""
    leaked = LEAKED_VALUES.findall(page.locator("#main").inner_text())
    assert not leaked, f"{name}: raw values shown to the user: {leaked}"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px at {VIEWPORT['width']}px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)
    return path
