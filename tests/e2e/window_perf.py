#!/usr/bin/env python3
"""How fast the real window is on a big desk (a measurement script, not a test).

    tests/e2e/window_perf.py APP [--cli CLI] [--tickets 100000] [--launches 20] [--clicks 50]

APP is the app binary with the UI embedded; measure a release build:

    npm --prefix ui run build && cargo build --release -p ticketflow
    cargo build --release -p ticketflow-core           # the CLI that makes the demo desk
    target/e2e-venv/bin/python tests/e2e/window_perf.py target/release/ticketflow

(target/e2e-venv is made by tests/e2e/run.sh.) The demo desk is made once with the CLI and
cached under target/perf-data/<N>/ (100,000 tickets take a minute or two); each run works on a
copy, so the cache stays as generated.

What it measures, under a private Xvfb (1280x800) in one sandbox (HOME, XDG dirs), so every launch
after the first finds WebKit's caches warm:

* launch to painted queue: the app started directly (no WebDriver), timed by the app itself: the
  UI reports its first painted queue through the `ui_painted` command and the shell logs
  "queue painted: N rows, T ms after launch" (T from the process's start). One cold launch is
  thrown away, then --launches warm ones.
* click to painted ticket: in one WebDriver session, a queue row is clicked (element.click() in
  the page) and the time runs until the ticket view shows that ticket's number and its steps and
  the next frame has been produced (requestAnimationFrame, then a task), measured with
  performance.now() in the page (1 ms resolution in WebKitGTK). --clicks different tickets,
  back to the queue in between; each click waits until the queue's rows have been drawn (two
  animation frames), as a person's would, so the queue's repaint is not counted in the click.
* memory: the PSS (proportional set size, from /proc/PID/smaps_rollup) of the app and its WebKit
  processes together, after the queue painted and --idle seconds of idling (direct launch).

E2E_COMPOSITING=0 measures with WEBKIT_DISABLE_COMPOSITING_MODE=1 (see tfwindow.compositing).
TICKETFLOW_RASTER=cpu measures with Skia's CPU rasterizer (src-tauri/rendering.rs).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tfwindow import (  # noqa: E402
    REPO,
    Display,
    HarnessError,
    Page,
    Sandbox,
    Window,
    compositing,
    make_demo_data,
    process_tree,
    pss_kib,
)

PAINTED = re.compile(r"queue painted: (\d+) rows, (\d+) ms after launch")
#: What the app logs when it has WebKit rasterize on the CPU (src-tauri/rendering.rs).
CPU_RASTER = "WebKit rasterizes on the CPU"

CLICK_TO_PAINT = """
const [rowId, done] = [arguments[0], arguments[arguments.length - 1]];
const row = document.querySelector(`[data-testid="queue-row"][data-ticket-id="${rowId}"]`);
if (!row) { done({error: 'row not drawn'}); return; }
const number = (row.textContent.match(/T-\\d+/) || [''])[0];
const painted = () => {
  const shown = document.querySelector('[data-testid="ticket-number"]');
  return shown && shown.textContent.trim() === number
    && document.querySelector('[data-testid^="phase-"]');
};
const t0 = performance.now();
let finished = false;
const finish = () => {
  if (finished || !painted()) return;
  finished = true;
  observer.disconnect();
  // The DOM is ready; the ticket is on screen once the next frame has been produced.
  requestAnimationFrame(() => setTimeout(() => done({ms: performance.now() - t0, number}), 0));
};
const observer = new MutationObserver(finish);
observer.observe(document.body, {childList: true, subtree: true, characterData: true});
setTimeout(() => { if (!finished) { observer.disconnect(); done({error: 'no ticket after 20 s'}); } }, 20000);
row.click();
finish();
"""

#: Resolves after the next frame has been produced (a frame starts, then the one after it).
NEXT_FRAME = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => done(true)));
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def demo_desk(cli: Path, tickets: int, seed: int) -> Path:
    where = REPO / "target" / "perf-data" / (f"{tickets // 1000}k" if tickets % 1000 == 0 else str(tickets))
    marker = where / ".complete"
    if marker.exists():
        return where
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    print(f"making the demo desk: {tickets:,} tickets into {where} (once) ...", flush=True)
    t0 = time.monotonic()
    make_demo_data(cli, where, tickets, seed)
    marker.write_text(f"tickets={tickets} seed={seed}\n")
    print(f"  done in {time.monotonic() - t0:.0f} s", flush=True)
    return where


def launch_direct(app: Path, display: Display, sandbox: Sandbox, log: Path) -> subprocess.Popen:
    env = sandbox.env(display)
    env.pop("TAURI_WEBVIEW_AUTOMATION", None)
    if not compositing():
        env["WEBKIT_DISABLE_COMPOSITING_MODE"] = "1"
    return subprocess.Popen(
        ["dbus-run-session", "--", str(app)], env=env, stdin=subprocess.DEVNULL,
        stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def wait_painted(log: Path, proc: subprocess.Popen, timeout: float = 120) -> tuple[int, int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = PAINTED.search(log.read_text(errors="replace"))
        if m:
            return int(m.group(1)), int(m.group(2))
        if proc.poll() is not None:
            raise HarnessError(f"the app exited before painting its queue; see {log}")
        time.sleep(0.02)
    raise HarnessError(f"no painted queue within {timeout} s; see {log}")


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(5)
            return
        except subprocess.TimeoutExpired:
            continue


def app_processes(proc: subprocess.Popen, app: Path) -> list[int]:
    """The app and everything below it (WebKit's web and network processes)."""
    target = str(app.resolve())
    for pid in process_tree(proc.pid):
        try:
            if os.readlink(f"/proc/{pid}/exe") in (target, target + " (deleted)"):
                return process_tree(pid)
        except OSError:
            continue
    return []


def take_screens(page: Page, window: Window, sandbox: Sandbox, where: Path) -> None:
    """The pictures to look at: the big queue, intake under way and a ticket in diagnosis at
    1280x800, and the ticket view at the smallest window, 1024x700."""
    from selenium.webdriver.support.ui import Select

    from flows import Intake, assets_of, callers, go_queue

    where.mkdir(parents=True, exist_ok=True)
    d = window.driver
    d.set_window_size(1280, 800)
    go_queue(page)
    page.until(lambda: page.find_all("queue-row"))
    page.screenshot(where / "queue-1280x800.png")

    caller = callers(sandbox.db, refused=False)[0]
    intake = Intake(page)
    intake.start()
    intake.find_caller(caller.name)
    intake.link_asset(assets_of(sandbox.db, caller.company_id)[0].hostname)
    intake.rate("user", "blocked")
    intake.problem("Outlook hangs at 'Loading profile' since the weekend patch")
    d.execute_script("document.querySelector('[data-testid=intake-form]').scrollIntoView()")
    page.screenshot(where / "intake-1280x800.png")

    # A ticket in diagnosis: open, with some diagnosis steps done and some left.
    go_queue(page)
    Select(page.find("queue-filter-status")).select_by_value("open")
    row = page.until(lambda: next((r for r in page.find_all("queue-row")
                                   if r.get_attribute("data-status") == "open"), None),
                     message="no open ticket in the queue")
    row.click()
    page.wait("ticket-header")
    page.wait("phase-diagnosis")
    page.screenshot(where / "ticket-diagnosis-1280x800.png")
    d.set_window_size(1024, 700)
    page.until(lambda: d.execute_script("return innerWidth") == 1024)
    page.screenshot(where / "ticket-1024x700.png")
    d.set_window_size(1280, 800)
    print(f"screenshots in {where}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("app", type=Path, help="the app binary (release build recommended)")
    ap.add_argument("--cli", type=Path, default=REPO / "target/release/ticketflow-cli")
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--launches", type=int, default=20)
    ap.add_argument("--clicks", type=int, default=50)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--keep", action="store_true", help="keep the sandbox (logs) afterwards")
    ap.add_argument("--screens", type=Path, metavar="DIR",
                    help="also save screenshots (queue, intake, ticket at 1280x800 and 1024x700)")
    args = ap.parse_args()

    app = args.app.resolve()
    if not os.access(app, os.X_OK):
        ap.error(f"{app} is not an executable")
    cli = args.cli.resolve()
    if not os.access(cli, os.X_OK):
        ap.error(f"{cli} is missing: cargo build --release -p ticketflow-core")

    desk = demo_desk(cli, args.tickets, args.seed)
    sandbox = Sandbox()
    for item in desk.iterdir():  # a private copy: the app may write (drafts, WAL)
        if item.is_file() and not item.name.startswith("."):
            shutil.copy2(item, sandbox.tf_data / item.name)
    logs = sandbox.root / "logs"
    logs.mkdir()
    results: dict[str, list[float]] = {}
    rows_painted = 0
    cpu_raster = False
    try:
        with Display("1280x800x24") as display:
            # -- launch to painted queue ----------------------------------------------------
            launch_ms = []
            for i in range(args.launches + 1):
                log = logs / f"launch-{i}.log"
                proc = launch_direct(app, display, sandbox, log)
                try:
                    rows_painted, ms = wait_painted(log, proc)
                    cpu_raster = CPU_RASTER in log.read_text(errors="replace")
                    if i == args.launches:  # the last one stays up for the memory reading
                        time.sleep(args.idle)
                        pids = app_processes(proc, app)
                        pss = pss_kib(pids)
                        results["PSS after idle, app + WebKit (MiB)"] = [sum(pss.values()) / 1024]
                        names = {}
                        for pid, kib in pss.items():
                            try:
                                name = Path(f"/proc/{pid}/comm").read_text().strip()
                            except OSError:
                                name = str(pid)
                            names[name] = names.get(name, 0) + kib
                        for name, kib in sorted(names.items()):
                            results[f"  PSS {name} (MiB)"] = [kib / 1024]
                finally:
                    stop(proc)
                if i > 0:  # the first launch is cold
                    launch_ms.append(ms)
                print(f"launch {i}{' (cold, not counted)' if i == 0 else ''}: "
                      f"{rows_painted} rows painted {ms} ms after launch", flush=True)
            results["launch to painted queue (ms)"] = launch_ms

            # -- click to painted ticket ------------------------------------------------------
            window = Window(app, display, sandbox, logs / "webdriver.log").start()
            try:
                page = Page(window.driver, timeout=120)
                window.wait_log(r"queue painted: \d+ rows", timeout=120)
                page.wait("queue-list")
                clicks = []
                for i in range(args.clicks):
                    rows = page.until(lambda: page.find_all("queue-row"), message="no rows")
                    row = rows[i % len(rows)]
                    ticket_id = row.get_attribute("data-ticket-id")
                    out = window.driver.execute_async_script(CLICK_TO_PAINT, ticket_id)
                    if "error" in out:
                        raise HarnessError(f"click {i}: {out['error']}")
                    clicks.append(out["ms"])
                    page.click("nav-queue")
                    page.wait_hash(r"^(#/?)?$")
                    page.wait("queue-list")
                    page.until(lambda: page.find_all("queue-row"))
                    # A person clicks a row they can see: let the queue's frame be produced first,
                    # or its painting is counted in the next click.
                    window.driver.execute_async_script(NEXT_FRAME)
                    if i % 10 == 9:
                        print(f"clicks {i + 1}/{args.clicks}: last {out['ms']:.0f} ms", flush=True)
                results["click to painted ticket (ms)"] = clicks
                if args.screens:
                    take_screens(page, window, sandbox, args.screens)
            finally:
                window.stop()
    finally:
        if args.keep:
            print(f"sandbox kept: {sandbox.root}")
        else:
            sandbox.remove()

    mode = ("composited" if compositing() else "WEBKIT_DISABLE_COMPOSITING_MODE=1") + (
        ", CPU raster" if cpu_raster else ", GPU raster")
    print()
    print(f"Ticketflow window, {args.tickets:,} demo tickets ({rows_painted} rows drawn), {mode}")
    print(f"app: {app}")
    print(f"{'measure':<42}{'n':>4}{'median':>10}{'p95':>10}{'min':>10}{'max':>10}")
    for name, values in results.items():
        if len(values) == 1:
            print(f"{name:<42}{1:>4}{values[0]:>10.0f}")
            continue
        print(f"{name:<42}{len(values):>4}{statistics.median(values):>10.0f}"
              f"{percentile(values, 95):>10.0f}{min(values):>10.0f}{max(values):>10.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
