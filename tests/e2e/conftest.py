"""Fixtures of the window suite: one Xvfb for the session, and for each test its own sandbox
(HOME, XDG dirs, data directory) and its own app instance(s) driven through WebKitWebDriver.

On a failure the test's screenshot, page source and app log are kept under
artifacts/e2e/<test>/ (the logs of passing tests are removed)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tfwindow import (
    REPO,
    Display,
    HarnessError,
    Page,
    Sandbox,
    Window,
    copy_data,
    make_demo_data,
)

#: The shared demo desk: small enough to generate in seconds with a debug CLI, big enough to
#: hold terminated and unauthorized contacts and tickets in every status.
DEMO_TICKETS = 60
DEMO_SEED = 7


def pytest_addoption(parser):
    group = parser.getgroup("ticketflow window")
    group.addoption("--app", default=str(REPO / "target/debug/ticketflow"),
                    help="the app binary, built with the UI embedded")
    group.addoption("--cli", default=str(REPO / "target/debug/ticketflow-cli"),
                    help="ticketflow-cli, for demo data")
    group.addoption("--artifacts", default=str(REPO / "artifacts/e2e"),
                    help="where failing tests leave screenshots and logs")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def app_bin(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--app")).resolve()
    if not os.access(path, os.X_OK):
        pytest.exit(f"{path} is missing: build it first (npm --prefix ui run build && cargo build)", 2)
    return path


@pytest.fixture(scope="session")
def cli_bin(pytestconfig) -> Path:
    path = Path(pytestconfig.getoption("--cli")).resolve()
    if not os.access(path, os.X_OK):
        pytest.exit(f"{path} is missing: build it first (cargo build --workspace)", 2)
    return path


@pytest.fixture(scope="session")
def display():
    with Display("1280x800x24") as d:
        yield d


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, cli_bin) -> Path:
    """One demo data set per session; each test works on its own copy."""
    where = tmp_path_factory.mktemp("demo-template")
    make_demo_data(cli_bin, where, DEMO_TICKETS, DEMO_SEED)
    return where


@pytest.fixture(scope="session")
def artifacts_root(pytestconfig) -> Path:
    root = Path(pytestconfig.getoption("--artifacts"))
    root.mkdir(parents=True, exist_ok=True)
    return root


class Desk:
    """A technician's desk for one test: a sandbox with its data, and the app (re)started in it."""

    def __init__(self, app: Path, display: Display, sandbox: Sandbox, artifacts: Path):
        self.app = app
        self.display = display
        self.sandbox = sandbox
        self.artifacts = artifacts
        self.window: Window | None = None
        self.page: Page | None = None
        self.launches = 0

    @property
    def driver(self):
        return self.window.driver

    def launch(self, wait_for_queue: bool = True) -> Page:
        """Starts the app (again) in this desk's sandbox; by default returns once the queue is
        painted: the UI reported it over IPC and the rows are in the DOM."""
        assert self.window is None, "the app is already running"
        self.launches += 1
        self.window = Window(self.app, self.display, self.sandbox,
                             self.artifacts / f"app-{self.launches}.log")
        self.window.start()
        self.page = Page(self.window.driver)
        if wait_for_queue:
            painted = re.compile(r"queue painted: \d+ rows")

            def ready():
                if painted.search(self.window.log()):
                    return "painted"
                return "error" if self.page.find_all("error-message") else False

            outcome = self.page.until(ready, timeout=60,
                                      message="the queue was neither painted nor refused")
            if outcome == "error":
                raise AssertionError(f"the window shows an error instead of the queue: "
                                     f"{self.page.errors()}")
            self.page.wait("queue-list")
        return self.page

    def kill(self) -> None:
        """The window vanishes at once (SIGKILL to the app): no blur, no unload, no flush."""
        self.window.kill_app()
        self.window.stop()
        self.window = None
        self.page = None

    def crash(self, pids: list[int] | None = None) -> None:
        """The app and its web processes die at once (SIGKILL to all of them)."""
        self.window.crash(pids)
        self.window.stop()
        self.window = None
        self.page = None

    def close_window(self) -> None:
        """The title bar's close button; waits for the app to exit by itself.

        Right after WebDriver typed, GTK sometimes drops WM_DELETE_WINDOW and the app never hears
        of the close (seen in 3 of 6 runs: no CloseRequested reached the shell). Releasing
        WebDriver's input state first, and pressing the button again if nothing happened after
        5 s (longer than the app's 3 s flush grace, so a close in progress is never cut short),
        made it 10 of 10."""
        from selenium.webdriver.common.action_chains import ActionChains

        # WebDriver's "release actions": lift any key or button its input sources still hold.
        ActionChains(self.driver).reset_actions()
        self.window.close_like_a_person()
        try:
            self.window.wait_gone(timeout=5.0)
        except HarnessError:
            self.window.close_like_a_person()
            self.window.wait_gone()
        self.quit()

    def quit(self) -> None:
        if self.window is not None:
            self.window.stop()
            self.window = None
            self.page = None

    def restart(self, wait_for_queue: bool = True) -> Page:
        self.quit()
        return self.launch(wait_for_queue)

    def save_evidence(self, name: str) -> None:
        if self.window is None or self.window.driver is None:
            return
        try:
            try:
                self.page.settle()
            except Exception:  # a hung page still gets its picture taken
                pass
            self.window.driver.save_screenshot(str(self.artifacts / f"{name}.png"))
            (self.artifacts / f"{name}.html").write_text(self.window.driver.page_source)
        except Exception:  # the session may be what broke
            pass


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:120]


@pytest.fixture
def desk_factory(request, app_bin, display, artifacts_root, demo_template):
    """Makes desks: `desk_factory(demo=True)`; every desk is torn down after the test."""
    made: list[tuple[Desk, Sandbox]] = []
    base = artifacts_root / _slug(request.node.nodeid)
    shutil.rmtree(base, ignore_errors=True)

    def make(demo: bool = True) -> Desk:
        sandbox = Sandbox()
        if demo:
            copy_data(demo_template, sandbox.tf_data)
        where = base if not made else base / f"desk-{len(made) + 1}"
        where.mkdir(parents=True, exist_ok=True)
        desk = Desk(app_bin, display, sandbox, where)
        made.append((desk, sandbox))
        return desk

    yield make

    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    for desk, sandbox in made:
        if failed:
            desk.save_evidence("failure")
        desk.quit()
        sandbox.remove()
    if not failed:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def desk(desk_factory) -> Desk:
    """A desk on a copy of the demo data."""
    return desk_factory(demo=True)


@pytest.fixture(autouse=True)
def _trace_webdriver(monkeypatch):
    """E2E_TRACE=1 prints every WebDriver command slower than 0.3 s (finding slow waits)."""
    if not os.environ.get("E2E_TRACE"):
        yield
        return
    import time as _time

    from selenium.webdriver.remote.webdriver import WebDriver

    original = WebDriver.execute

    def execute(self, command, params=None):
        t0 = _time.monotonic()
        try:
            return original(self, command, params)
        finally:
            dt = _time.monotonic() - t0
            if dt > 0.3:
                print(f"[slow webdriver] {command} {dt:.2f}s {str(params)[:120]}")

    monkeypatch.setattr(WebDriver, "execute", execute)
    yield
