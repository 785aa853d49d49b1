#!/usr/bin/env bash
# Ticketflow's window against an empty Tauri window (tests/perf/floor/), measured interleaved.
#
# Usage: tests/perf/floor.sh [--no-build] [floor.py options: --desk empty|DIR --launches N
#                            --idle S --out FILE.json --keep DIR]
#
# Builds the UI, Ticketflow and the floor app in release (the floor into the root target/ as
# target/release/tauri-floor, with its own copy of Cargo.lock), then runs tests/perf/floor.py in
# one private D-Bus session under its own Xvfb. --no-build measures the binaries as they are.
# Needs: xvfb (Xvfb), dbus (dbus-run-session), python3, npm, cargo.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=yes
if [[ "${1:-}" == "--no-build" ]]; then
  build=""
  shift
fi
for tool in Xvfb dbus-run-session python3; do
  command -v "$tool" >/dev/null || { echo "floor.sh: $tool is not installed" >&2; exit 2; }
done
if [[ -n "$build" ]]; then
  npm run --prefix ui build
  cargo build --release -p ticketflow
  cargo build --release --locked --manifest-path tests/perf/floor/Cargo.toml --target-dir target
fi
exec dbus-run-session -- python3 tests/perf/floor.py "$@"
