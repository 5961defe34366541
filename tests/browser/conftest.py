"""The pages in a real browser: the app served by uvicorn in its own process, Debian's
Chromium driven by Playwright, an axe-core check on every page a test visits.

Data: the recorded sample feeds loaded by the real ``portal demo`` command into the
suite's test database (SQLite or PostgreSQL, whichever the run targets), plus one
vacancy closed the way a harvest closes it, so the detail page of a closed posting can
be seen. The server is started once for the tests of this package; every test gets a
browser of its own with a fresh profile (``--user-data-dir``) and a Norwegian locale.

Screenshots go to ``tests/artifacts/<engine>/`` (ignored by git); a failing test leaves
``FAILED-<test>-<tab>.png`` there too, and the server's log lines of that test.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import (
    BrowserContext,
    Page,
    Playwright,
    Response,
    async_playwright,
    expect,
)

from portal.settings import REPO_ROOT
from tests.candidates.conftest import PASSWORD
from tests.mail_server import Inbox, free_port
from tests.mail_server import mail_server as local_mail_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SERVER_START_SECONDS = 30
# Playwright's waits (navigation, expect(), wait_for_*) give up after this long.
WAIT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


# --- data and server ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoData:
    open_id: int
    closed_id: int


@pytest.fixture(scope="package")
async def demo_data(database) -> DemoData:
    """The recorded sample feeds, loaded by ``portal demo`` as an operator would."""
    from vacancies.tables import HarvestRun, Source, SourceLock, Vacancy, VacancyStatus

    for table in (Vacancy, HarvestRun, SourceLock, Source):
        await table.delete(force=True)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "portal.cli",
        "demo",
        "--json",
        cwd=REPO_ROOT,
        # The demo's samples stand in for the live sources of the repository's file.
        env={**os.environ, "PORTAL_SOURCES_FILE": str(REPO_ROOT / "sources.toml")},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=300)
    assert process.returncode == 0, stderr.decode()
    runs = json.loads(stdout)
    assert [run["status"] for run in runs] == ["ok"] * len(runs)
    assert all(run["new"] > 0 for run in runs), runs

    # Close one posting as a harvest does when it vanished from its source's listing.
    ids = [
        row["id"]
        for row in await Vacancy.select(Vacancy.id)
        .where(Vacancy.organization_acronym == "UNICEF")
        .order_by(Vacancy.id)
    ]
    await Vacancy.update(
        {
            Vacancy.status: VacancyStatus.closed,
            Vacancy.closed_at: datetime.now(UTC),
            Vacancy.closed_reason: "missing",
        }
    ).where(Vacancy.id == ids[0])
    return DemoData(open_id=ids[1], closed_id=ids[0])


@dataclass(frozen=True)
class Server:
    base_url: str
    log: Path


@pytest.fixture(scope="package")
def mail_server() -> Iterator[tuple[Inbox, int]]:
    """A real local SMTP server (aiosmtpd) the portal's account mail goes to."""
    with local_mail_server() as server:
        yield server


@pytest.fixture
def inbox(mail_server: tuple[Inbox, int]) -> Inbox:
    return mail_server[0]


@pytest.fixture(scope="package")
def server(
    demo_data: DemoData,
    mail_server: tuple[Inbox, int],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """``portal.app:create_app`` under uvicorn, as ``portal serve`` runs it, on a free
    loopback port, against the test database (inherited ``PORTAL_DATABASE_URL``), with
    account mail going to :func:`mail_server`."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "portal.app:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "PORTAL_SMTP_HOST": "127.0.0.1",
                "PORTAL_SMTP_PORT": str(mail_server[1]),
                "PORTAL_SMTP_TLS": "none",
                "PORTAL_BASE_URL": base_url,
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, base_url, log)
        yield Server(base_url=base_url, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_healthy(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    with httpx.Client(base_url=base_url, timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
            try:
                if client.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    pytest.fail(f"the server did not answer /health in {SERVER_START_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """This run's screenshots, one folder per engine (the previous run's are removed)."""
    folder = ARTIFACTS / os.environ.get("PORTAL_TEST_DB", "sqlite")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


# --- browser --------------------------------------------------------------------------


@pytest.fixture(scope="package")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install chromium` "
            "(scripts/test.sh does this)"
        )
    return CHROMIUM


@pytest.fixture(scope="package")
async def playwright(chromium: Path) -> AsyncIterator[Playwright]:
    expect.set_options(timeout=WAIT_MS)
    async with async_playwright() as driver:
        yield driver


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            for summary_line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"       {summary_line.strip()}")
    return "\n".join(lines)


@dataclass
class Visit:
    """One browser (its own profile) with one tab on the portal.

    Every document the tab shows, whether loaded or given a new URL by htmx, must be
    checked with axe before the test ends: ``open`` does it, and after an htmx update
    the test calls ``check_accessibility``. A tab with scripts turned off cannot run axe;
    it has its pages checked by a tab that can (``checker``), from the same URL.
    """

    page: Page
    context: BrowserContext
    base_url: str
    artifacts: Path
    checker: Visit | None = None
    axe: Axe = field(default_factory=Axe)
    shown: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    async def open(self, path: str) -> Response:
        response = await self.page.goto(self.url(path))
        assert response is not None
        assert response.status == 200, f"GET {path}: {response.status}"
        await self.check_accessibility()
        return response

    async def check_accessibility(self) -> None:
        if self.checker is not None:
            await self.checker.open(self.path)
        else:
            await wait_for_htmx(self.page)
            results = await self.axe.run(self.page)
            violations = results.response["violations"]
            assert not violations, format_violations(self.page.url, violations)
        self.checked.add(document_url(self.page.url))

    async def screenshot(self, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        await self.page.screenshot(path=path, full_page=True)
        return path

    async def mark_document(self) -> str:
        """Set a marker on ``window`` that a full page load would wipe out."""
        token = f"kept-{time.monotonic_ns()}"
        await self.page.evaluate("token => { window.__portalTestMarker = token; }", token)
        return token

    async def document_marker(self) -> str | None:
        return await self.page.evaluate("() => window.__portalTestMarker ?? null")

    async def api(self, path: str, **params: Any) -> Any:
        response = await self.context.request.get(self.url(path), params=params)
        assert response.status == 200, f"GET {path}: {response.status} {await response.text()}"
        return await response.json()

    async def log_in(self, email: str, password: str = PASSWORD, *, lang: str = "en") -> None:
        """Log in through the log-in page (checked with axe) and land on the account page."""
        await self.open(f"/account/log-in?lang={lang}")
        await self.page.locator("#field-email").fill(email)
        await self.page.locator("#field-password").fill(password)
        await self.page.locator("main button[type=submit]").click()
        await expect(self.page.locator("#account-email")).to_have_text(email)
        await self.check_accessibility()

    def problems(self) -> list[str]:
        shown = dict.fromkeys(document_url(url) for url in self.shown)
        unchecked = [url for url in shown if url not in self.checked]
        return self.errors + [f"shown without an axe check: {url}" for url in unchecked]


def document_url(url: str) -> str:
    """A URL without its fragment: following ``#main`` shows no new document."""
    return url.split("#", 1)[0]


async def wait_for_htmx(page: Page) -> None:
    """Until no htmx request, swap or settle is in progress on the page."""
    await page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


class Tabs:
    """Launches browsers for one test and closes them after it."""

    def __init__(self, playwright: Playwright, server: Server, artifacts: Path, tmp: Path):
        self.playwright = playwright
        self.server = server
        self.artifacts = artifacts
        self.tmp = tmp
        self.opened: list[Visit] = []

    async def launch(self, checker: Visit | None = None, **options: Any) -> Visit:
        """A fresh Chromium with its own ``--user-data-dir``; Norwegian, desktop-sized
        unless ``options`` (Playwright context options) say otherwise.

        Reduced motion by default: Designsystemet's disclosures then open and close at
        once instead of sliding for 0.4 s, so a busy CI machine cannot catch a page
        mid-slide. A test about behaviour with motion passes
        ``reduced_motion="no-preference"``."""
        options = {"locale": "nb-NO", "viewport": DESKTOP, "reduced_motion": "reduce", **options}
        context = await self.playwright.chromium.launch_persistent_context(
            self.tmp / f"profile-{len(self.opened)}",
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            headless=True,
            **options,
        )
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        page = context.pages[0] if context.pages else await context.new_page()
        tab = Visit(
            page=page,
            context=context,
            base_url=self.server.base_url,
            artifacts=self.artifacts,
            checker=checker,
        )
        page.on("pageerror", lambda error: tab.errors.append(f"script error: {error}"))
        page.on(
            "response",
            lambda response: (
                tab.errors.append(f"{response.status} from {response.url}")
                if response.status >= 500
                else None
            ),
        )
        page.on(
            "framenavigated",
            lambda frame: tab.shown.append(frame.url) if frame == page.main_frame else None,
        )
        self.opened.append(tab)
        return tab

    async def close(self) -> None:
        for tab in self.opened:
            await tab.context.close()


@pytest.fixture
async def tabs(
    request: pytest.FixtureRequest,
    playwright: Playwright,
    server: Server,
    artifacts: Path,
    tmp_path: Path,
) -> AsyncIterator[Tabs]:
    launched = Tabs(playwright, server, artifacts, tmp_path)
    log_start = server.log.stat().st_size
    try:
        yield launched
        if request.node.stash.get(_FAILED, False):
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            for n, tab in enumerate(launched.opened):
                shot = artifacts / f"FAILED-{name}-{n}.png"
                await tab.page.screenshot(path=shot, full_page=True)
                print(f"tab {n} at {tab.page.url} ({shot}):", *tab.errors, sep="\n  ")
            print("server log:", server.log.read_bytes()[log_start:].decode(errors="replace"))
        else:
            problems = [p for tab in launched.opened for p in tab.problems()]
            assert not problems, "\n".join(problems)
    finally:
        await launched.close()


@pytest.fixture
async def visit(tabs: Tabs) -> Visit:
    """A browser tab for the test: Norwegian (nb-NO), desktop-sized, scripts on."""
    return await tabs.launch()
