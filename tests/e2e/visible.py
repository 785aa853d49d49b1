"""Hidden characters as the window shows them: the core's list (ui/src/lib/hidden-chars.json,
written by src-tauri/core/src/text/visible.rs) and its marker, ⟦U+202E⟧."""

from __future__ import annotations

import json
from pathlib import Path

_DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "ui" / "src" / "lib" / "hidden-chars.json").read_text("utf-8"))


def is_hidden(c: str) -> bool:
    cp = ord(c)
    return any(r["first"] <= cp <= r["last"] for r in _DATA["ranges"])


def marker(c: str) -> str:
    return f"{_DATA['open']}U+{ord(c):04X}{_DATA['close']}"


def visible(text: str) -> str:
    """`text` with every hidden character replaced by its marker."""
    return "".join(marker(c) if is_hidden(c) else c for c in text)
