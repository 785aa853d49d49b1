#!/usr/bin/env bash
# The queue's first screen as static pages in the floor app, measured interleaved with the floor
# (issue 19): what the page's words, styles and layers cost without the app's JavaScript.
#
# Usage: tests/perf/static.sh [--launches N] [--out FILE.json] [VARIANT ...]
#        (variants: tests/perf/static/variants.py; default: full text)
#
# Each variant is built as the floor app with that page (a copy of tests/perf/floor/ under
# target/static-floor/, binaries in target/static-floor/bin/), then tests/perf/floor.py launches
# the floor and the variants in turn, watching the first row's region of the screen. Add
# `--ticketflow app=target/release/ticketflow` through FLOOR_ARGS to measure the app in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."

launches=8
out=()
names=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --launches) launches="$2"; shift 2 ;;
    --out) out=(--out "$2"); shift 2 ;;
    -*) echo "static.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
[[ ${#names[@]} -gt 0 ]] || names=(full text)
for tool in Xvfb dbus-run-session python3 cargo; do
  command -v "$tool" >/dev/null || { echo "static.sh: $tool is not installed" >&2; exit 2; }
done

work=target/static-floor
mkdir -p "$work/bin"
cargo build --release --locked --manifest-path tests/perf/floor/Cargo.toml --target-dir target
apps=()
for name in "${names[@]}"; do
  # Three levels below the repository, like tests/perf/floor/, so its icon paths still resolve.
  src="$work/$name"
  rm -rf "$src"
  cp -r tests/perf/floor "$src"
  rm -rf "$src/page"
  python3 tests/perf/static/variants.py "$work/pages" "$name" >/dev/null
  cp -r "$work/pages/$name" "$src/page"
  cargo build --release --locked --manifest-path "$src/Cargo.toml" --target-dir target/static-floor/target
  cp target/static-floor/target/release/tauri-floor "$work/bin/$name"
  apps+=(--ticketflow "$name=$work/bin/$name")
done
# No desk: every page is watched at the queue's first row (x 20-1260, y 163-215).
# shellcheck disable=SC2086
exec dbus-run-session -- python3 tests/perf/floor.py --desk empty --region 20,163,1260,215 \
  --launches "$launches" "${out[@]}" "${apps[@]}" ${FLOOR_ARGS:-}
