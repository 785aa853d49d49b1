#!/usr/bin/env bash
# The real window, headless: demo data in, the app started under Xvfb, the queue painted.
#
# Passes when the UI reports through IPC that it painted the demo queue (the shell logs
# "queue painted: N rows"), and a screenshot of the window is written to artifacts/queue.png.
set -euo pipefail
cd "$(dirname "$0")/../.."

data=$(mktemp -d "${TMPDIR:-/tmp}/ticketflow-smoke.XXXXXX")
trap 'rm -rf "$data"' EXIT
target/debug/ticketflow-cli --data-dir "$data" demo-data --tickets 200 --seed 1 2>/dev/null
mkdir -p artifacts
bash tests/e2e/screenshot.sh target/debug/ticketflow "$data" artifacts/queue.png 5 >/dev/null

log=artifacts/queue.log
if ! grep -Eq 'queue painted: [1-9][0-9]* rows' "$log"; then
  echo "smoke: the window never painted the queue; app log:" >&2
  cat "$log" >&2
  exit 1
fi
grep -E 'queue painted' "$log"
echo "smoke: screenshot at artifacts/queue.png"
