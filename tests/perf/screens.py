#!/usr/bin/env python3
"""The queue at the smallest and a large window size, to compare builds by eye.

    target/e2e-venv/bin/python tests/perf/screens.py APP DESK_DIR OUT_DIR [--tag NAME]

Opens APP (release or debug build with the UI embedded) on a copy of DESK_DIR through
WebKitWebDriver (tests/e2e/tfwindow.py) on a 1920x1080 Xvfb, and saves the queue at 1024x700 and
1920x1080 as OUT_DIR/queue-<tag>-WxH.png, after the queue painted and a second of settling.
target/e2e-venv is made by tests/e2e/run.sh.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from tfwindow import Display, Page, Sandbox, Window, copy_data  # noqa: E402

SIZES = [(1024, 700), (1920, 1080)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("app", type=Path)
    ap.add_argument("desk", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--tag", default="app")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox()
    copy_data(args.desk, sandbox.tf_data)
    try:
        with Display("1920x1080x24") as display:
            window = Window(args.app.resolve(), display, sandbox, sandbox.root / "app.log").start()
            try:
                page = Page(window.driver, timeout=120)
                window.wait_log(r"queue painted: \d+ rows", timeout=120)
                for width, height in SIZES:
                    window.driver.set_window_size(width, height)
                    page.until(lambda: window.driver.execute_script("return innerWidth") == width)
                    page.until(lambda: page.find_all("queue-row"))
                    time.sleep(1)
                    path = args.out / f"queue-{args.tag}-{width}x{height}.png"
                    page.screenshot(path)
                    print(path)
            finally:
                window.stop()
    finally:
        sandbox.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
