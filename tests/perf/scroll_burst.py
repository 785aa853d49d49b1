#!/usr/bin/env python3
"""Whether scrolling the queue sets off a burst of redrawing once the scrolling has stopped.

    target/e2e-venv/bin/python tests/perf/scroll_burst.py APP DESK_DIR [--rounds 3]

Opens APP on a copy of DESK_DIR through WebKitWebDriver (tests/e2e/tfwindow.py), waits until the
launch has settled (10 s after the painted queue), then per round scrolls the queue's list
(20 steps of 3 rows, 50 ms apart, as a mouse wheel would) and counts the CPU time of the app's
process tree from 1 s to 6 s after the last step: WebKitGTK's overlay scrollbars fade out after a
scroll and used to redraw the list layer at every step of the fade. Prints each round's figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from tfwindow import Display, Page, Sandbox, Window, copy_data  # noqa: E402

SCROLL = """
const list = document.querySelector('[data-testid="queue-list"]');
list.scrollTop += arguments[0];
return list.scrollTop;
"""


def tree_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("app", type=Path)
    ap.add_argument("desk", type=Path)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    hz = os.sysconf("SC_CLK_TCK")
    sandbox = Sandbox()
    copy_data(args.desk, sandbox.tf_data)
    try:
        with Display("1280x800x24") as display:
            window = Window(args.app.resolve(), display, sandbox, sandbox.root / "app.log").start()
            try:
                page = Page(window.driver, timeout=120)
                window.wait_log(r"queue painted: \d+ rows", timeout=120)
                page.wait("queue-list")
                time.sleep(10)
                for i in range(args.rounds):
                    for _ in range(20):
                        window.driver.execute_script(SCROLL, 3 * 52)
                        time.sleep(0.05)
                    stopped = time.monotonic()
                    time.sleep(max(0.0, stopped + 1 - time.monotonic()))
                    before = tree_ticks(window.app_tree())
                    time.sleep(max(0.0, stopped + 6 - time.monotonic()))
                    after = tree_ticks(window.app_tree())
                    print(f"round {i + 1}: CPU from scroll end + 1 s to + 6 s: "
                          f"{(after - before) * 1000 / hz:.0f} ms", flush=True)
            finally:
                window.stop()
    finally:
        sandbox.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
