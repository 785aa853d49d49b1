#!/usr/bin/env bash
# Takes a screenshot of the real Ticketflow window under a virtual X display. Builds nothing.
#
# Usage: tests/e2e/screenshot.sh APP_BINARY DATA_DIR OUT.png [SETTLE_SECONDS]
#
#   APP_BINARY      the built app, e.g. target/debug/ticketflow. Build the UI first
#                   (`npm --prefix ui run build`), then `cargo build`: the default
#                   `custom-protocol` feature embeds ui/dist in the binary (without it the
#                   window loads the Vite dev server).
#   DATA_DIR        the app's data directory (TICKETFLOW_DATA_DIR). The app creates it if missing;
#                   one it cannot open shows the window's error banner.
#   OUT.png         where the screenshot goes; the app's and the session's output go next to it
#                   as OUT.log.
#   SETTLE_SECONDS  how long to wait after the window appears for the queue to render (default 4).
#
# The app runs with its own HOME and XDG directories (WebKit writes its caches under them) inside
# `xvfb-run` and a private D-Bus session, and is killed once the picture is taken. Set
# GTK_THEME=Adwaita:dark to see the dark colour scheme.
# Needs: xvfb (xvfb-run), dbus (dbus-run-session), x11-utils (xwininfo), imagemagick (import).
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi

app=$(realpath "$1")
data_dir=$(realpath -m "$2")
out=$(realpath -m "$3")
settle=${4:-4}
log="${out%.png}.log"

[[ -x "$app" ]] || { echo "screenshot.sh: $app is not an executable" >&2; exit 2; }
for tool in xvfb-run dbus-run-session xwininfo import; do
  command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is not installed" >&2; exit 2; }
done
mkdir -p "$(dirname "$out")"
rm -f "$out"
: >"$log"

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/ticketflow-shot.XXXXXX")
# xdg-document-portal (started by GTK through D-Bus) mounts a FUSE file system on
# $XDG_RUNTIME_DIR/doc and may still hold it for a moment after the session ends.
cleanup() {
  for _ in $(seq 1 40); do
    rm -rf "$sandbox" 2>/dev/null && return 0
    if command -v fusermount >/dev/null && mountpoint -q "$sandbox/runtime/doc" 2>/dev/null; then
      fusermount -u "$sandbox/runtime/doc" 2>/dev/null || true
    fi
    sleep 0.25
  done
  echo "screenshot.sh: could not remove $sandbox" >&2
}
trap cleanup EXIT
mkdir -p "$sandbox/home" "$sandbox/data" "$sandbox/config" "$sandbox/cache" "$sandbox/runtime"
chmod 700 "$sandbox/runtime"

# Runs inside the virtual display: start the app, wait for its window, take the picture, stop it.
# Its own messages go to fd 3 (the caller's stderr); everything else goes to the log.
inner=$(cat <<'INNER'
set -u
"$APP" >>"$LOG" 2>&1 &
pid=$!
shown=""
for _ in $(seq 1 600); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "screenshot.sh: the app exited before its window appeared (see $LOG)" >&3
    exit 1
  fi
  if xwininfo -root -tree 2>/dev/null | grep -q '"Ticketflow"'; then
    shown=yes
    break
  fi
  sleep 0.1
done
if [ -z "$shown" ]; then
  echo "screenshot.sh: no Ticketflow window after 60 s (see $LOG)" >&3
  kill "$pid" 2>/dev/null
  exit 1
fi
sleep "$SETTLE"
status=0
import -window root "$OUT" 2>&3 || status=$?
kill "$pid" 2>/dev/null
for _ in $(seq 1 50); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
exit "$status"
INNER
)

shoot() {
  env \
    HOME="$sandbox/home" \
    XDG_DATA_HOME="$sandbox/data" \
    XDG_CONFIG_HOME="$sandbox/config" \
    XDG_CACHE_HOME="$sandbox/cache" \
    XDG_RUNTIME_DIR="$sandbox/runtime" \
    TICKETFLOW_DATA_DIR="$data_dir" \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 \
    NO_AT_BRIDGE=1 \
    APP="$app" OUT="$out" LOG="$log" SETTLE="$settle" \
    xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- sh -c "$inner" \
    3>&2 >>"$log" 2>&1
}

# Two `xvfb-run -a` started at the same moment can pick the same display; GTK then fails to
# start. That, and only that, is worth another try.
for attempt in 1 2 3; do
  if shoot; then
    break
  fi
  if [[ $attempt -lt 3 ]] && grep -q "Failed to initialize GTK" "$log"; then
    echo "screenshot.sh: no display (attempt $attempt); trying again" >&2
    : >"$log"
    sleep 1
    continue
  fi
  exit 1
done

[[ -s "$out" ]] || { echo "screenshot.sh: no screenshot was written" >&2; exit 1; }
echo "$out"
