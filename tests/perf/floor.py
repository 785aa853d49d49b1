#!/usr/bin/env python3
"""Ticketflow's window against the floor (an empty Tauri window), launched interleaved.

    tests/perf/floor.sh [--no-build] [--desk empty|DIR] [--launches 10] [--idle 10]
                        [--ticketflow [NAME=]PATH ...] [--env NAME=VALUE ...] [--out FILE.json]

--ticketflow given more than once measures several builds in the same interleaved run (each
against the floor), e.g. --ticketflow before=/tmp/tf-old --ticketflow after=target/release/ticketflow.

(floor.sh builds both apps in release and runs this inside one `dbus-run-session`; run this file
directly only with both binaries built and a D-Bus session bus.) Python's standard library only.

One private Xvfb (1280x800x24, white root, its framebuffer memory-mapped through -fbdir) and one
sandbox per app (HOME and XDG dirs, so WebKit's caches are warm after each app's first launch).
Launches go A B A B ...: round 0 is cold and not counted, then --launches rounds. Per launch:

* mark: the app's own "queue painted: N rows, T ms after launch" line (T from the first line of
  the app's main: the page's first animation frame after the rows were in the DOM), and the same
  line as the harness saw it appear, from the spawn;
* pixels: from the spawn until the first queue row's screen region (REGION below, the rows of the
  floor's page sit there too) holds text: at least MIN_DARK near-black pixels (all of R, G, B <
  0x50; the rows' text is #1b1f24, muted text and badges are lighter) and at most MAX_DARK_SHARE of
  the region (a black, not yet drawn GL surface is not text). The framebuffer is read every
  POLL_S, and only a changed region is counted;
* CPU: user+system time of the app's whole process tree (app, WebKit's web and network processes)
  from mark+1 s to mark+6 s, and the X server's in the same window (it receives every frame);
* memory: PSS, the sum of /proc/PID/smaps_rollup over the process tree, --idle seconds after
  the mark, its anonymous part (Pss_Anon) per process name, and USS (private pages: PSS moves
  when other programs map the same WebKit libraries, USS does not);
* the 1-minute load average at the spawn.

An empty desk (--desk empty) is an empty data directory: the first (cold) launch creates the
database, later launches open that not-yet-set-up desk, whose window shows the setup screen
(SETUP_REGION, where its first lines of text are, is watched instead). A desk directory is
copied into the sandbox first (the app migrates and writes a desk; the original is not touched).
"""

from __future__ import annotations

import argparse
import json
import mmap
import os
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCREEN = (1280, 800)
#: The first queue row at 1280x800 (x0, y0, x1, y1): below the header, filters and the table's
#: column headers. The floor's page puts a row of text there.
REGION = (20, 163, 1260, 215)
#: On a desk that is not set up, Ticketflow shows its setup screen: its heading, "Set up your
#: desk", is watched (blank on the queue screen the app may draw first; the floor's page has a
#: heading there too).
SETUP_REGION = (360, 36, 600, 60)
MIN_DARK = 150
MAX_DARK_SHARE = 0.5
POLL_S = 0.005
#: How long after the pixels the painted mark may still come before the launch counts without one.
MARK_GRACE_S = 3.0
PAINTED = re.compile(r"(\w+) painted: (\d+) rows, (\d+) ms after launch")
DARK = bytes(1 if i < 0x50 else 0 for i in range(256))


class Failed(RuntimeError):
    pass


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# -- the X server and its framebuffer --------------------------------------------------------


class Xvfb:
    def __init__(self, fbdir: Path):
        self.fbdir = fbdir
        read_fd, write_fd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
                 "-fbdir", str(fbdir), "-nolisten", "tcp", "-noreset", "-wr"],
                pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            self.stop()
            raise Failed("Xvfb did not start")
        self.display = f":{number}"
        self.file = open(fbdir / "Xvfb_screen0", "rb")
        self.map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        # An XWD file: a big-endian header, the colour map, then the pixels (32 bits, B G R X).
        fields = struct.unpack(">25I", self.map[:100])
        header_size, bits_per_pixel, self.stride, ncolors = fields[0], fields[11], fields[12], fields[19]
        if bits_per_pixel != 32:
            raise Failed(f"Xvfb framebuffer has {bits_per_pixel} bits per pixel, not 32")
        self.offset = header_size + ncolors * 12

    def region(self, box: tuple[int, int, int, int]) -> bytes:
        x0, y0, x1, y1 = box
        m, start, width = self.map, self.offset + x0 * 4, (x1 - x0) * 4
        return b"".join(m[start + y * self.stride: start + y * self.stride + width] for y in range(y0, y1))

    def snapshot(self, to: Path) -> None:
        """The whole screen as an XWD file (convert it with ImageMagick: `convert F.xwd F.png`)."""
        to.write_bytes(self.map[:])

    def cpu_ticks(self) -> int:
        return tree_ticks([self.proc.pid])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def dark_pixels(pixels: bytes) -> int:
    """Pixels whose blue, green and red are all below 0x50."""
    b, g, r = (int.from_bytes(pixels[i::4].translate(DARK), "big") for i in range(3))
    return (b & g & r).bit_count()


# -- processes ---------------------------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()


def process_tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and fields[0] != "Z":
                parents.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def tree_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total


def pss(pids: list[int]) -> dict[str, dict[str, int]]:
    """KiB of Pss, Pss_Anon and private memory (USS: pages no other process maps) per process
    name. PSS splits shared pages among every process mapping them, so other WebKit apps
    running on the machine lower it; USS does not move with them."""
    out: dict[str, dict[str, int]] = {}
    for pid in pids:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        entry = out.setdefault(name, {"pss": 0, "anon": 0, "private": 0})
        for line in text.splitlines():
            if line.startswith("Pss:"):
                entry["pss"] += int(line.split()[1])
            elif line.startswith("Pss_Anon:"):
                entry["anon"] += int(line.split()[1])
            elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                entry["private"] += int(line.split()[1])
    return out


# -- one app -------------------------------------------------------------------------------


class App:
    def __init__(self, name: str, binary: Path, root: Path, desk: Path | None):
        self.name, self.binary = name, binary
        self.root = root / name
        self.data = self.root / "data"
        for d in ("home", "xdg-data", "xdg-config", "xdg-cache", "runtime", "data", "logs"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        (self.root / "runtime").chmod(0o700)
        if desk is not None:
            for item in desk.iterdir():
                if item.is_file():
                    shutil.copy2(item, self.data / item.name)
        self.runs: list[dict] = []
        self.extra: dict[str, str] = {}

    def env(self, display: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "WAYLAND", "GTK_MODULES", "TAURI_", "WEBKIT_", "TICKETFLOW_"))}
        env.update(
            DISPLAY=display, HOME=str(self.root / "home"),
            XDG_DATA_HOME=str(self.root / "xdg-data"), XDG_CONFIG_HOME=str(self.root / "xdg-config"),
            XDG_CACHE_HOME=str(self.root / "xdg-cache"), XDG_RUNTIME_DIR=str(self.root / "runtime"),
            TICKETFLOW_DATA_DIR=str(self.data), NO_AT_BRIDGE="1", GDK_BACKEND="x11", LC_ALL="C.UTF-8",
        )
        env.update(self.extra)
        return env


def stop(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(5)
            break
        except subprocess.TimeoutExpired:
            continue
    # WebKit's helpers die with their parent; wait until none is left in the group.
    for _ in range(100):
        if not any(
            (f := _stat(int(e))) and int(f[2]) == proc.pid and f[0] != "Z"
            for e in os.listdir("/proc") if e.isdigit()
        ):
            return
        time.sleep(0.05)


def launch(app: App, x: Xvfb, region: tuple[int, int, int, int], idle: float, log: Path,
           shot: Path | None) -> dict:
    load = loadavg()
    blank = x.region(region)
    t0 = time.monotonic()
    proc = subprocess.Popen([str(app.binary)], env=app.env(x.display), stdin=subprocess.DEVNULL,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        pixels_s = mark_s = None
        mark = None
        dark_seen = 0
        last = blank
        area = (region[2] - region[0]) * (region[3] - region[1])
        deadline = t0 + 60
        while pixels_s is None or mark_s is None:
            now = time.monotonic()
            if pixels_s is not None and now > t0 + pixels_s + MARK_GRACE_S:
                break  # a screen that reports no painted mark (an older build's setup screen)
            if now > deadline:
                raise Failed(f"{app.name}: no {'pixels' if pixels_s is None else 'painted mark'} "
                             f"within 60 s (see {log})")
            if proc.poll() is not None:
                raise Failed(f"{app.name} exited with {proc.returncode} (see {log})")
            if pixels_s is None:
                seen = x.region(region)
                if seen != last:
                    last = seen
                    dark = dark_pixels(seen)
                    if MIN_DARK <= dark <= area * MAX_DARK_SHARE:
                        pixels_s = time.monotonic() - t0
                        dark_seen = dark
                        if shot is not None:
                            x.snapshot(shot.with_suffix(".pixels.xwd"))
            if mark_s is None:
                m = PAINTED.search(log.read_text(errors="replace"))
                if m:
                    mark_s = time.monotonic() - t0
                    mark = m
            time.sleep(POLL_S)
        # The CPU window and the idle time count from the mark, or from the pixels without one.
        painted_at = t0 + (mark_s if mark_s is not None else pixels_s)

        def sleep_until(t: float) -> None:
            time.sleep(max(0.0, t - time.monotonic()))

        sleep_until(painted_at + 1)
        cpu0, x0 = tree_ticks(process_tree(proc.pid)), x.cpu_ticks()
        sleep_until(painted_at + 6)
        cpu1, x1 = tree_ticks(process_tree(proc.pid)), x.cpu_ticks()
        sleep_until(painted_at + idle)
        memory = pss(process_tree(proc.pid))
        if shot is not None:
            x.snapshot(shot.with_suffix(".idle.xwd"))
        hz = os.sysconf("SC_CLK_TCK")
        return {
            "load1": load,
            "mark_ms": int(mark.group(3)) if mark else None,
            "mark_seen_ms": mark_s * 1000 if mark else None,
            "pixels_ms": pixels_s * 1000,
            "rows": int(mark.group(2)) if mark else 0,
            "dark_pixels": dark_seen,
            "view": mark.group(1) if mark else "no mark",
            "cpu_ms": (cpu1 - cpu0) * 1000 / hz,
            "xvfb_cpu_ms": (x1 - x0) * 1000 / hz,
            "pss_kib": sum(v["pss"] for v in memory.values()),
            "pss_anon_kib": sum(v["anon"] for v in memory.values()),
            "uss_kib": sum(v["private"] for v in memory.values()),
            "pss_by_process": memory,
        }
    finally:
        stop(proc)


# -- the run ---------------------------------------------------------------------------------

METRICS = [
    ("mark_ms", "launch -> painted mark (app's clock), ms"),
    ("mark_seen_ms", "spawn -> painted mark (harness), ms"),
    ("pixels_ms", "spawn -> first row's pixels, ms"),
    ("cpu_ms", "CPU mark+1 s..+6 s, app tree, ms"),
    ("xvfb_cpu_ms", "CPU mark+1 s..+6 s, X server, ms"),
    ("pss_mib", "PSS after idle, MiB"),
    ("pss_anon_mib", "  of it anonymous, MiB"),
    ("uss_mib", "USS (private memory) after idle, MiB"),
    ("load1", "1-min load average at spawn"),
]


def summary(runs: list[dict]) -> dict[str, dict[str, float]]:
    out = {}
    for key, _ in METRICS:
        if key.endswith("_mib"):
            values = [r[key.replace("_mib", "_kib")] / 1024 for r in runs]
        else:
            values = [float(r[key]) for r in runs if r[key] is not None]
        if not values:
            continue
        out[key] = {"median": statistics.median(values), "p95": percentile(values, 95),
                    "min": min(values), "max": max(values)}
    by_process: dict[str, list[float]] = {}
    for r in runs:
        for name, v in r["pss_by_process"].items():
            by_process.setdefault(name, []).append(v["pss"] / 1024)
    out["pss_by_process_mib"] = {k: statistics.median(v) for k, v in sorted(by_process.items())}
    return out


def report(apps: list[App], stats: dict[str, dict], desk: str) -> str:
    lines = [f"desk: {desk}; {len(apps[0].runs)} warm launches each, interleaved "
             f"({' '.join(a.name for a in apps)}); {os.cpu_count()} CPUs"]
    for app in apps[1:]:
        lines += ["", table(apps[0].name, app.name, stats)]
    for app in apps:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in stats[app.name]["pss_by_process_mib"].items())
        lines.append(f"\nPSS by process, {app.name} (median MiB): {parts}")
    return "\n".join(lines)


def table(floor: str, tf: str, stats: dict[str, dict]) -> str:
    lines = [f"| measure | {floor} median (p95) | {tf} median (p95) | ratio of medians |",
             "|---|---|---|---|"]
    for key, label in METRICS:
        if key not in stats[floor] or key not in stats[tf]:
            lines.append(f"| {label} | - | - | no mark from one app |")
            continue
        a, b = stats[floor][key], stats[tf][key]
        if key == "load1":
            ratio = ""
        elif key.endswith("_mib"):
            ratio = f"+{b['median'] - a['median']:.0f} MiB"
        else:
            ratio = f"{b['median'] / a['median']:.2f}x" if a["median"] else "-"
        digits = 2 if key == "load1" else 0
        lines.append(f"| {label} | {a['median']:.{digits}f} ({a['p95']:.{digits}f}) | "
                     f"{b['median']:.{digits}f} ({b['p95']:.{digits}f}) | {ratio} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ticketflow", action="append", metavar="[NAME=]PATH",
                    help="the app to measure (default target/release/ticketflow); give it again "
                         "to measure builds side by side in the same run, e.g. before=/tmp/tf-old")
    ap.add_argument("--floor", type=Path, default=REPO / "target/release/tauri-floor")
    ap.add_argument("--desk", default="empty", help="'empty' or a desk directory to copy")
    ap.add_argument("--launches", type=int, default=10)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--region", help="x0,y0,x1,y1 to watch instead of the default")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="set for every app, e.g. WEBKIT_SKIA_ENABLE_CPU_RENDERING=1")
    ap.add_argument("--out", type=Path, help="write every launch's figures here (JSON)")
    ap.add_argument("--keep", type=Path, help="keep the sandboxes, logs and screens in this dir")
    args = ap.parse_args()

    builds: list[tuple[str, Path]] = []
    for i, spec in enumerate(args.ticketflow or [str(REPO / "target/release/ticketflow")]):
        name, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        builds.append((name or ("ticketflow" if i == 0 else f"ticketflow{i + 1}"), Path(path)))
    for binary in [args.floor] + [b for _, b in builds]:
        if not os.access(binary, os.X_OK):
            ap.error(f"{binary} is not built (tests/perf/floor.sh builds both)")
    if "DBUS_SESSION_BUS_ADDRESS" not in os.environ:
        ap.error("no D-Bus session: run through tests/perf/floor.sh (dbus-run-session)")
    desk = None if args.desk == "empty" else Path(args.desk).resolve()
    if desk is not None and not (desk / "ticketflow.db").is_file():
        ap.error(f"{desk} holds no ticketflow.db")
    if args.region:
        region = tuple(int(v) for v in args.region.split(","))
    else:
        region = SETUP_REGION if desk is None else REGION

    root = Path(tempfile.mkdtemp(prefix="ticketflow-floor."))
    try:
        apps = [App("floor", args.floor.resolve(), root, None)]
        apps += [App(name, binary.resolve(), root, desk) for name, binary in builds]
        for app in apps:
            app.extra = dict(item.split("=", 1) for item in args.env)
        fbdir = root / "fb"
        fbdir.mkdir()
        x = Xvfb(fbdir)
        try:
            for i in range(args.launches + 1):
                for app in apps:
                    log = app.root / "logs" / f"launch-{i}.log"
                    shot = app.root / "logs" / f"screen-{i}" if i == 1 else None
                    r = launch(app, x, region, args.idle, log, shot)
                    if i > 0:
                        app.runs.append(r)
                    print(f"{'cold' if i == 0 else f'#{i}':>5} {app.name:<12} load {r['load1']:.2f}  "
                          f"mark {r['mark_ms'] if r['mark_ms'] is not None else '-':>4} ms  pixels {r['pixels_ms']:5.0f} ms  "
                          f"cpu {r['cpu_ms']:5.0f} ms (X {r['xvfb_cpu_ms']:4.0f})  "
                          f"PSS {r['pss_kib'] / 1024:5.0f} MiB (USS {r['uss_kib'] / 1024:3.0f})  ({r['view']}, {r['rows']} rows, "
                          f"{r['dark_pixels']} dark px)",
                          flush=True)
        finally:
            x.stop()
        stats = {app.name: summary(app.runs) for app in apps}
        text = report(apps, stats, args.desk)
        print()
        print(text)
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(
                {"desk": args.desk, "region": region, "env": args.env, "summary": stats,
                 "runs": {app.name: app.runs for app in apps}, "table": text}, indent=1))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for app in apps:
                shutil.copytree(app.root / "logs", args.keep / app.name, dirs_exist_ok=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Failed as error:
        print(f"floor.py: {error}", flush=True)
        sys.exit(1)
