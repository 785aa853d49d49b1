"""Drives the real Ticketflow window: a virtual X display, a private sandbox per app instance,
WebKitWebDriver launching the app binary, and helpers that wait for what the window shows.

Used by the pytest suite (conftest.py) and by window_perf.py. Nothing here builds anything: the
app and the CLI must already be built (tests/e2e/run.sh says how).

Layout of one app instance:

    Xvfb :N (one per pytest session, 1280x800x24, started with -displayfd: no display-number
    race, and the developer's own display is never used)
      dbus-run-session -- WebKitWebDriver --port=P     (own process group, own D-Bus session)
        ticketflow  (launched by the driver; TAURI_WEBVIEW_AUTOMATION=true lets it accept)
          WebKitWebProcess, WebKitNetworkProcess

with HOME, XDG_* and TICKETFLOW_DATA_DIR pointing into the sandbox, so nothing is shared between
tests and nothing of the developer's own profile is touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parents[2]
T = TypeVar("T")

#: Generous upper bounds: a debug build on a busy 2-core CI machine is slow. Waits return as soon
#: as their condition holds, so these only matter when something is broken.
LAUNCH_TIMEOUT = 60.0
WAIT_TIMEOUT = 20.0


class HarnessError(RuntimeError):
    """The harness itself could not do its job (a missing tool, a window that never came up)."""


def require_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise HarnessError(
            "missing tools: " + ", ".join(missing) + " (Debian: xvfb, dbus, webkit2gtk-driver)"
        )


def compositing() -> bool:
    """Whether WebKit composites (the default on a desktop; under Xvfb through Mesa's software
    GL, which libwebkit2gtk-4.1-0 depends on). E2E_COMPOSITING=0 sets
    WEBKIT_DISABLE_COMPOSITING_MODE=1 instead: the non-composited path repaints far more per
    change (typing into the intake form costs ~150-400 ms of CPU per key there, ~20 ms
    composited), which makes a typing-heavy suite several times slower."""
    return os.environ.get("E2E_COMPOSITING", "1") != "0"


def free_port() -> int:
    """A TCP port nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The virtual display


class Display:
    """An Xvfb server. `-displayfd` makes Xvfb pick a free display number itself and tell us, so
    two runs started at the same moment cannot collide (xvfb-run -a can)."""

    def __init__(self, size: str = "1280x800x24"):
        self.size = size
        self.proc: subprocess.Popen | None = None
        self.name = ""

    def start(self) -> "Display":
        require_tools("Xvfb")
        read_fd, write_fd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", self.size,
                 "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_fd,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            self.stop()
            raise HarnessError("Xvfb did not start (no display number reported)")
        self.name = f":{number}"
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> "Display":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------------------------------------------------------------------------------------------
# Sandboxes and data


class Sandbox:
    """Private HOME and XDG directories (WebKit keeps its caches and localStorage under them) and
    the app's data directory. Survives app restarts; removed by `remove()`."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="ticketflow-e2e."))
        self.home = self.root / "home"
        self.data_home = self.root / "xdg-data"
        self.config = self.root / "xdg-config"
        self.cache = self.root / "xdg-cache"
        self.runtime = self.root / "runtime"
        self.tf_data = self.root / "ticketflow-data"
        #: More variables for the app, e.g. TICKETFLOW_KEYSTORE=keyutils for a test that signs.
        self.extra: dict[str, str] = {}
        for d in (self.home, self.data_home, self.config, self.cache, self.runtime, self.tf_data):
            d.mkdir(parents=True, exist_ok=True)
        self.runtime.chmod(0o700)

    @property
    def db(self) -> Path:
        return self.tf_data / "ticketflow.db"

    def env(self, display: Display) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items()
            if not k.startswith(("DBUS_", "XDG_", "WAYLAND", "GTK_MODULES"))
        }
        env.update(
            DISPLAY=display.name,
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_CONFIG_HOME=str(self.config),
            XDG_CACHE_HOME=str(self.cache),
            XDG_RUNTIME_DIR=str(self.runtime),
            TICKETFLOW_DATA_DIR=str(self.tf_data),
            # Step tool buttons write their link here instead of starting a browser.
            TICKETFLOW_OPENER_LOG=str(self.root / "opened-links.txt"),
            TAURI_WEBVIEW_AUTOMATION="true",
            NO_AT_BRIDGE="1",
            GDK_BACKEND="x11",
            LC_ALL="C.UTF-8",
        )
        env.update(self.extra)
        return env

    def remove(self) -> None:
        # xdg-document-portal (started through D-Bus by GTK) mounts a FUSE file system on
        # $XDG_RUNTIME_DIR/doc that may outlive the session for a moment.
        # Once the portal is gone its mount answers "transport endpoint is not connected", which
        # os.path.ismount() reports as no mount at all: ask the mount table instead.
        doc = self.runtime / "doc"
        for _ in range(40):
            if _mounted(doc) and shutil.which("fusermount"):
                subprocess.run(["fusermount", "-u", "-z", str(doc)], capture_output=True)
            try:
                shutil.rmtree(self.root)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.25)
        shutil.rmtree(self.root, ignore_errors=True)


def _mounted(path: Path) -> bool:
    try:
        with open("/proc/self/mounts") as f:
            return any(line.split()[1] == str(path) for line in f if len(line.split()) > 1)
    except OSError:
        return False


def make_demo_data(cli: Path, data_dir: Path, tickets: int, seed: int,
                   anchor: str | None = None) -> None:
    """Fills an empty data directory with the CLI's deterministic demo desk."""
    cmd = [str(cli), "--data-dir", str(data_dir), "demo-data", "--tickets", str(tickets),
           "--seed", str(seed)]
    if anchor:
        cmd += ["--anchor", anchor]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise HarnessError(f"demo-data failed ({done.returncode}): {done.stderr[-2000:]}")


def copy_data(template: Path, into: Path) -> None:
    """Copies a demo data directory (SQLite files included) into an empty one."""
    into.mkdir(parents=True, exist_ok=True)
    for item in template.iterdir():
        if item.is_file():
            shutil.copy2(item, into / item.name)


def query_db(db: Path, sql: str, params: Iterable = ()) -> list[tuple]:
    """Reads the app's database (read-only) to pick test fixtures; the tests act through the UI."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, tuple(params)).fetchall()
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------
# Processes


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the ppid follows the last ')'.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(entry))
    return out


def _state(pid: int) -> str:
    """A process's state letter ("R", "S", "Z", ...), or "" once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return ""
    return stat[stat.rfind(")") + 2:].split()[0]


def _group_alive(pgid: int) -> bool:
    """Whether any live (not zombie) process is in process group `pgid`."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def process_tree(root: int) -> list[int]:
    """`root` and every process below it."""
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.append(pid)
        todo.extend(_children(pid))
    return seen


def exe_of(pid: int) -> str:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return ""


def pss_kib(pids: Iterable[int]) -> dict[int, int]:
    """Proportional set size of each process, from /proc/PID/smaps_rollup (KiB)."""
    out = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        out[pid] = int(line.split()[1])
                        break
        except OSError:
            pass
    return out


# ---------------------------------------------------------------------------------------------
# One app instance driven through WebKitWebDriver


@dataclass
class Window:
    """The app, launched by WebKitWebDriver in the given sandbox. `start()` returns once the
    WebDriver session exists (the page may still be loading); `stop()` ends everything."""

    app: Path
    display: Display
    sandbox: Sandbox
    log_path: Path
    driver: webdriver.Remote | None = None
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    _log_file: object = None
    _app_pid: int = 0
    port: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    def start(self) -> "Window":
        require_tools("WebKitWebDriver", "dbus-run-session")
        if not os.access(self.app, os.X_OK):
            raise HarnessError(f"{self.app} is not an executable: build the app first")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "ab", buffering=0)
        env = self.sandbox.env(self.display)
        if not compositing():
            env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
        env.update(self.extra_env)
        # The free port may be taken between asking and binding: then try another.
        for attempt in range(3):
            port = free_port()
            if self._start_driver(env, port):
                break
            if attempt == 2:
                raise HarnessError(f"WebKitWebDriver would not start; see {self.log_path}")
        options = ArgOptions()
        options.set_capability(
            "webkitgtk:browserOptions", {"binary": str(self.app), "args": []}
        )
        config = ClientConfig(remote_server_addr=f"http://127.0.0.1:{self.port}", timeout=120)
        self.started_at = time.monotonic()
        try:
            self.driver = webdriver.Remote(
                command_executor=RemoteConnection(client_config=config), options=options
            )
        except WebDriverException as e:
            self.stop()
            raise HarnessError(f"no WebDriver session ({e.msg}); see {self.log_path}") from e
        self.driver.set_script_timeout(30)
        self.app_pid()
        return self

    def _start_driver(self, env: dict[str, str], port: int) -> bool:
        """Starts WebKitWebDriver in its own D-Bus session; True once it listens on `port`."""
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", "WebKitWebDriver", f"--port={port}", "--host=127.0.0.1"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + LAUNCH_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                self.proc = None
                return False
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                self.port = port
                return True
            except OSError:
                if time.monotonic() > deadline:
                    raise HarnessError("WebKitWebDriver did not listen in time")
                time.sleep(0.02)

    # -- processes ---------------------------------------------------------------------------

    def tree(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def app_pid(self) -> int:
        """The app's own process (not the driver, D-Bus or WebKit's helpers)."""
        if self._app_pid and _state(self._app_pid) not in ("Z", ""):
            return self._app_pid
        target = str(self.app.resolve())
        for pid in self.tree():
            exe = exe_of(pid)
            if exe == target or exe == target + " (deleted)":
                self._app_pid = pid
                return pid
        raise HarnessError("the app process is not running")

    def app_tree(self) -> list[int]:
        """The app and its WebKit processes: what the technician's machine pays for."""
        return process_tree(self.app_pid())

    def kill_app(self) -> None:
        """SIGKILL to the app: the window vanishes with no chance to save anything."""
        pid = self.app_pid()
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _state(pid) not in ("Z", ""):
            time.sleep(0.02)

    def crash(self, pids: list[int] | None = None) -> None:
        """SIGKILL to the app and its WebKit processes at the same moment, as a crash or a power
        cut would end them: nothing gets to flush anything (not even WebKit's localStorage,
        which the web and network processes still write out if only the app dies). `pids`
        (from `app_tree()` taken earlier) saves the /proc walk when every millisecond counts."""
        pids = pids or self.app_tree()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_state(p) not in ("Z", "") for p in pids):
            time.sleep(0.02)

    def close_like_a_person(self, title: str = "Ticketflow") -> None:
        """Closes the window as its title bar's close button (or Alt+F4) does: the window
        manager sends the app's X window a WM_DELETE_WINDOW message. GTK turns that into a
        close request, which the app may hold back (to save drafts) before it exits.
        WebDriver's Close Window is not the same: it closes the web view directly."""
        from Xlib import X, display as xdisplay
        from Xlib.protocol import event as xevent

        conn = xdisplay.Display(self.display.name)
        try:
            protocols = conn.intern_atom("WM_PROTOCOLS")
            delete = conn.intern_atom("WM_DELETE_WINDOW")

            def windows(parent):
                for child in parent.query_tree().children:
                    yield child
                    yield from windows(child)

            targets = [
                w for w in windows(conn.screen().root)
                if w.get_wm_name() == title and delete in (w.get_wm_protocols() or [])
            ]
            if not targets:
                raise HarnessError(f"no X window titled {title!r} takes WM_DELETE_WINDOW")
            for w in targets:
                w.send_event(
                    xevent.ClientMessage(window=w, client_type=protocols,
                                         data=(32, [delete, X.CurrentTime, 0, 0, 0])),
                    event_mask=X.NoEventMask,
                )
            conn.flush()
        finally:
            conn.close()

    def wait_gone(self, timeout: float = 20.0) -> None:
        """Waits for the app process to exit by itself (after its window was closed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                pid = self.app_pid()
            except HarnessError:
                return
            if _state(pid) in ("Z", ""):
                return
            time.sleep(0.05)
        raise HarnessError(f"the app did not exit within {timeout} s of its window closing")

    def stop(self) -> None:
        if self.driver is not None:
            try:
                self.driver.quit()
            except Exception:  # the app may already be gone (killed on purpose)
                pass
            self.driver = None
        if self.proc is not None:
            # SIGTERM to the whole group (driver, D-Bus, the portals D-Bus started), time for
            # them to exit cleanly (the document portal unmounts its FUSE file system), then
            # SIGKILL for whatever is left.
            group = self.proc.pid
            for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(group, sig)
                except ProcessLookupError:
                    break
                deadline = time.monotonic() + grace
                while time.monotonic() < deadline and _group_alive(group):
                    if self.proc.poll() is None:
                        try:
                            self.proc.wait(0.05)
                        except subprocess.TimeoutExpired:
                            pass
                    else:
                        time.sleep(0.05)
                if not _group_alive(group):
                    break
            try:
                self.proc.wait(1)
            except subprocess.TimeoutExpired:
                pass
            self.proc = None
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    # -- the app's stderr ----------------------------------------------------------------------

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def wait_log(self, pattern: str, timeout: float = LAUNCH_TIMEOUT, after: int = 0) -> re.Match:
        """Waits for a line of the app's stderr matching `pattern` (searching from offset `after`)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            m = regex.search(self.log(), after)
            if m:
                return m
            if time.monotonic() > deadline:
                raise TimeoutException(f"no log line matching {pattern!r} in {timeout} s")
            time.sleep(0.02)


# ---------------------------------------------------------------------------------------------
# Page helpers (all waits are explicit and return as soon as the condition holds)


def css_testid(testid: str) -> str:
    return f'[data-testid="{testid}"]'


class Page:
    """Thin helpers over a WebDriver session, addressed by the UI's stable data-testids."""

    def __init__(self, driver: webdriver.Remote, timeout: float = WAIT_TIMEOUT):
        self.d = driver
        self.timeout = timeout

    # waiting

    def until(self, condition: Callable[[], T], timeout: float | None = None,
              message: str | Callable[[], str] = "") -> T:
        """Polls `condition` until it returns something truthy, and returns that. `message` may
        be a function, called only on a timeout (to describe what the window shows then)."""

        def check(_driver):
            try:
                return condition()
            except (NoSuchElementException, StaleElementReferenceException):
                return False

        try:
            return WebDriverWait(self.d, timeout or self.timeout, poll_frequency=0.05).until(check)
        except TimeoutException:
            if callable(message):
                try:
                    message = message()
                except WebDriverException as e:
                    message = f"(could not describe the failure: {e.msg})"
            raise TimeoutException(message or "condition not met in time") from None

    def find(self, testid: str, within: WebElement | None = None) -> WebElement:
        return (within or self.d).find_element(By.CSS_SELECTOR, css_testid(testid))

    def find_all(self, testid: str, within: WebElement | None = None) -> list[WebElement]:
        return (within or self.d).find_elements(By.CSS_SELECTOR, css_testid(testid))

    def css(self, selector: str, within: WebElement | None = None) -> WebElement:
        return (within or self.d).find_element(By.CSS_SELECTOR, selector)

    def wait(self, testid: str, timeout: float | None = None, visible: bool = True) -> WebElement:
        """The element once it is in the DOM (and displayed, unless visible=False)."""

        def found():
            el = self.find(testid)
            return el if (not visible or el.is_displayed()) else False

        return self.until(found, timeout, f"no [{testid}] appeared")

    def wait_css(self, selector: str, timeout: float | None = None) -> WebElement:
        return self.until(lambda: self.css(selector), timeout, f"no {selector} appeared")

    def wait_gone(self, testid: str, timeout: float | None = None) -> None:
        self.until(lambda: not self.find_all(testid), timeout, f"[{testid}] did not go away")

    def wait_enabled(self, testid: str, timeout: float | None = None) -> WebElement:
        def ready():
            el = self.find(testid)
            return el if el.is_enabled() else False

        return self.until(ready, timeout, f"[{testid}] never became enabled")

    def wait_hash(self, pattern: str, timeout: float | None = None) -> re.Match:
        regex = re.compile(pattern)
        return self.until(
            lambda: regex.search(self.d.execute_script("return location.hash")),
            timeout, f"the address never matched {pattern}",
        )

    # acting

    def click(self, testid: str, timeout: float | None = None) -> WebElement:
        el = self.wait_enabled(testid, timeout)
        self.scroll_into_view(el)
        el.click()
        return el

    def scroll_into_view(self, el: WebElement) -> None:
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)

    def type_into(self, el: WebElement, text: str, clear: bool = True) -> None:
        """Types like a person (one key event per character) into an input or textarea."""
        self.scroll_into_view(el)
        if clear:
            el.clear()
        el.send_keys(text)

    def insert_text(self, el: WebElement, text: str) -> None:
        """Enters `text` at the end of a field the way the browser's editor enters a paste: one
        input event with the whole text (typing thousands of characters key by key through
        WebDriver takes minutes). The field's own input handlers see it as user input."""
        self.scroll_into_view(el)
        el.click()
        inserted = self.d.execute_script(
            "const el = arguments[0]; el.focus();"
            "const end = el.value.length; el.setSelectionRange(end, end);"
            "return document.execCommand('insertText', false, arguments[1]);",
            el, text,
        )
        if not inserted:
            raise HarnessError("the browser refused to insert text into the field")

    def value(self, el: WebElement) -> str:
        return self.d.execute_script("return arguments[0].value", el)

    def choose(self, group_testid: str, option: str, within: WebElement | None = None) -> None:
        """Ticks the radio or checkbox with value `option` in a ChoiceField group."""
        group = self.find(group_testid, within)
        box = group.find_element(By.CSS_SELECTOR, f'input[value={json.dumps(option)}]')
        self.scroll_into_view(box)
        if not box.is_selected():
            # The input itself may be visually hidden behind its label: click the label.
            box.find_element(By.XPATH, "./ancestor::label[1]").click()
        self.until(lambda: box.is_selected(), message=f"{option} not chosen in {group_testid}")

    def settle(self) -> None:
        """Waits until the window has produced two more frames (WebKit runs animation-frame
        callbacks only as it renders), so a screenshot shows the DOM as it is now."""
        self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));"
        )

    def screenshot(self, path) -> None:
        self.settle()
        self.d.save_screenshot(str(path))

    def active_testid(self) -> str | None:
        return self.d.execute_script(
            "return document.activeElement && document.activeElement.getAttribute('data-testid')"
        )

    def text(self, el: WebElement | None = None) -> str:
        return self.d.execute_script(
            "return (arguments[0] || document.body).textContent", el
        )

    def errors(self) -> list[tuple[str, str]]:
        return [
            (e.get_attribute("data-code"), e.text) for e in self.find_all("error-message")
        ]
