#!/usr/bin/env python3
"""Pages for the floor app that split what the queue's first screen costs (issue 19).

    python3 tests/perf/static/variants.py OUT_DIR [NAME ...]

first-screen.html is the queue's DOM just after launch (300-ticket demo desk, 1280x800, 526
elements), saved with its CSS inlined; its only script is the floor's painted mark (floor.js).
Each variant changes one thing, so a run of tests/perf/static.sh shows what that thing costs
against the floor's own page:

  full        the saved first screen as it is
  text        the same words, one line per row, in the app's font and colours, and nothing else
  nolayer     no layer of the rows' own (`will-change`) and no `contain: strict`
  noscroll    the list does not scroll (no scrolling layer, no scrollbar)
  nocontrols  the header's select, search box and checkboxes as plain boxes
  flat        no rounded corners and no card shadow
  noclip      pills and SLA tiles do not clip their text (no rounded clips)
  flatrows    the rows' badges, pills and SLA tiles square, the rest as it is
  onebold     every weight folded into one bold face
  nobox       no backgrounds, borders or shadows: the text and its layout only
  nologo      without the logo image

Each OUT_DIR/NAME/ holds index.html, floor.js and logo.svg, ready to be the floor's `page/`.
"""

from __future__ import annotations

import html
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
MARK = '<script type="module" src="/floor.js"></script>'


def with_mark(page: str) -> str:
    return page.replace("</head>", MARK + "</head>", 1)


def add_css(page: str, css: str) -> str:
    return page.replace("</style>", css + "</style>", 1)


def rule(page: str, selector: str) -> str:
    """The first CSS block whose selector ends with `selector`."""
    found = re.search(re.escape(selector) + r"\s*\{[^}]*\}", page)
    if found is None:
        raise SystemExit(f"variants.py: no CSS rule for {selector} in first-screen.html")
    return found.group(0)


def edit_rule(page: str, selector: str, old: str, new: str) -> str:
    block = rule(page, selector)
    if old not in block:
        raise SystemExit(f"variants.py: {selector} has no '{old}'")
    return page.replace(block, block.replace(old, new))


class Lines(HTMLParser):
    """The page's visible words, one line per header, form, row and hint."""

    BREAKS = {"header", "form", "p", "nav"}

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.words: list[str] = []
        self.in_option = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option":
            self.in_option += 1
        if tag in self.BREAKS or dict(attrs).get("role") == "row":
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self.in_option -= 1

    def handle_data(self, data: str) -> None:
        if not self.in_option and data.strip():
            self.words.append(data.strip())

    def flush(self) -> None:
        if self.words:
            self.lines.append(" ".join(self.words))
            self.words = []


def text_only(page: str) -> str:
    parser = Lines()
    parser.feed(page[page.index("<body") :])
    parser.flush()
    rows = "".join(f'<div class="row">{html.escape(line)}</div>\n' for line in parser.lines)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="color-scheme" content="light dark"><title>tauri-floor</title><style>'
        "html{color:#1b1f24;background:#f4f5f7}"
        "body{font-family:system-ui,sans-serif;font-size:14px;line-height:1.45;margin:8px 20px;"
        f"white-space:nowrap;overflow:hidden}}</style>{MARK}</head><body>\n{rows}</body></html>"
    )


def no_controls(page: str) -> str:
    def first_option(select: re.Match[str]) -> str:
        label = re.search(r"<option[^>]*>([^<]*)</option>", select.group(0))
        return f'<span class="ctl">{label.group(1) if label else ""}</span>'

    page = re.sub(r"<select[^>]*>.*?</select>", first_option, page, flags=re.S)
    page = re.sub(r"<input[^>]*>", '<span class="ctl"></span>', page)
    return add_css(
        page,
        ".ctl{display:inline-block;min-width:120px;height:38px;border:1px solid #c3c9d2;"
        "border-radius:8px;background:#fff}",
    )


def variants(page: str) -> dict[str, str]:
    flat_rows = page
    for selector in (".badge", ".pill", ".sla.svelte-1cdqnc5"):
        block = rule(flat_rows, selector)
        flat_rows = flat_rows.replace(block, re.sub(r"border-radius:[^;}]*", "border-radius: 0", block))
    no_clip = edit_rule(page, ".pill", "overflow: hidden;", "")
    no_clip = edit_rule(no_clip, ".sla.svelte-1cdqnc5", "overflow: hidden;", "")
    return {
        "full": page,
        "text": text_only(page),
        "nolayer": page.replace("will-change: transform;", "").replace("contain: strict;", ""),
        "noscroll": edit_rule(page, ".viewport.svelte-1cpjs53", "overflow: hidden auto;", "overflow: hidden;"),
        "nocontrols": no_controls(page),
        "flat": re.sub(r"border-radius:[^;}]*", "border-radius: 0", page).replace(
            "box-shadow: var(--shadow)", "box-shadow: none"
        ),
        "noclip": no_clip,
        "flatrows": flat_rows,
        "onebold": add_css(
            re.sub(r"font-weight:\s*(400|500|600|650|700|inherit)", "font-weight: 700", page),
            "html{font-weight:700}",
        ),
        "nobox": add_css(
            page,
            "*{background:none!important;border-color:transparent!important;"
            "box-shadow:none!important}html{background:#f4f5f7!important}",
        ),
        "nologo": re.sub(r"<img [^>]*>", "", page),
    }


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    pages = variants((HERE / "first-screen.html").read_text(encoding="utf-8"))
    wanted = sys.argv[2:] or list(pages)
    unknown = [name for name in wanted if name not in pages]
    if unknown:
        print(f"variants.py: no variant {', '.join(unknown)}; known: {', '.join(pages)}", file=sys.stderr)
        return 2
    for name in wanted:
        page = pages[name]
        if name != "text":
            page = with_mark(page)
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        (target / "index.html").write_text(page, encoding="utf-8")
        (target / "floor.js").write_bytes((REPO / "tests/perf/floor/page/floor.js").read_bytes())
        (target / "logo.svg").write_bytes((REPO / "ui/public/logo.svg").read_bytes())
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
