#!/usr/bin/env python3
"""Where a page's launch goes, from WebKit's own clock: the floor's page against Ticketflow's.

    target/e2e-venv/bin/python tests/perf/page_timing.py [--ticketflow BIN] [--desk DIR] [--launches 5]

Each app is launched through WebKitWebDriver (tests/e2e/tfwindow.py) --launches times on one
private Xvfb; after its painted mark the page's Navigation and Paint Timing entries are read
(milliseconds from the navigation's start): the HTML and every script and style sheet fetched
(responseEnd of the last), the module scripts run (domContentLoadedEventEnd), first contentful
paint, and the number of elements in the document. Medians are printed. A measurement script
(WebDriver adds its own start-up), for the breakdown; tests/perf/floor.sh gives the launch ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from tfwindow import REPO, Display, Page, Sandbox, Window, copy_data  # noqa: E402

TIMING = """
const nav = performance.getEntriesByType('navigation')[0] || {};
const paint = Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime]));
const res = performance.getEntriesByType('resource');
return {
  html: nav.responseEnd || 0,
  fetched: Math.max(nav.responseEnd || 0, ...res.map(r => r.responseEnd)),
  resources: res.length,
  scripts_run: nav.domContentLoadedEventEnd || 0,
  fcp: paint['first-contentful-paint'] || 0,
  elements: document.getElementsByTagName('*').length,
};
"""


def measure(app: Path, desk: Path | None, launches: int, display: Display) -> dict[str, list[float]]:
    sandbox = Sandbox()
    if desk is not None:
        copy_data(desk, sandbox.tf_data)
    out: dict[str, list[float]] = {}
    try:
        for i in range(launches + 1):
            window = Window(app, display, sandbox, sandbox.root / f"app-{i}.log").start()
            try:
                window.wait_log(r" painted: \d+ rows", timeout=120)
                time.sleep(0.5)
                timing = window.driver.execute_script(TIMING)
            finally:
                window.stop()
            if i > 0:  # the first launch is cold
                for key, value in timing.items():
                    out.setdefault(key, []).append(float(value))
    finally:
        sandbox.remove()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ticketflow", type=Path, default=REPO / "target/release/ticketflow")
    ap.add_argument("--floor", type=Path, default=REPO / "target/release/tauri-floor")
    ap.add_argument("--desk", type=Path, help="a desk directory (copied); default: empty")
    ap.add_argument("--launches", type=int, default=5)
    args = ap.parse_args()
    with Display("1280x800x24") as display:
        results = {
            "floor": measure(args.floor.resolve(), None, args.launches, display),
            "ticketflow": measure(args.ticketflow.resolve(), args.desk, args.launches, display),
        }
    keys = list(results["floor"])
    print(f"{'median, ms from navigation start':<34}" + "".join(f"{k:>12}" for k in results))
    for key in keys:
        print(f"{key:<34}" + "".join(f"{statistics.median(v[key]):>12.0f}" for v in results.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
