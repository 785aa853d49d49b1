#!/usr/bin/env bash
# The end-to-end suite in the real window: pytest + selenium driving target/debug/ticketflow
# through WebKitWebDriver, under a private Xvfb, each test with its own app instance, D-Bus
# session, HOME/XDG directories and data directory. Builds nothing.
#
# Usage: tests/e2e/run.sh [PYTEST_ARGS...]   e.g. tests/e2e/run.sh -x test_xss.py (paths from tests/e2e)
#
#   Build first (tests/run-all does): npm --prefix ui run build && cargo build --workspace
#   TICKETFLOW_E2E_APP / TICKETFLOW_E2E_CLI   other binaries (default: target/debug/...)
#   E2E_COMPOSITING=0   run WebKit with WEBKIT_DISABLE_COMPOSITING_MODE=1 (about 3x slower:
#                       typing into a form costs ~150-400 ms per key on that path)
#   E2E_TRACE=1         print every WebDriver command slower than 0.3 s
#
# The Python packages (tests/e2e/requirements.txt, all pinned) go into target/e2e-venv, made
# again whenever that file changes. Failing tests leave a screenshot, the page source and the
# app's log under artifacts/e2e/<test>/; the JUnit report is artifacts/e2e/junit.xml.
# Needs: python3 with venv, Xvfb (xvfb), dbus-run-session (dbus), WebKitWebDriver (webkit2gtk-driver).
set -euo pipefail
cd "$(dirname "$0")/../.."

app=${TICKETFLOW_E2E_APP:-target/debug/ticketflow}
cli=${TICKETFLOW_E2E_CLI:-target/debug/ticketflow-cli}
venv=target/e2e-venv
requirements=tests/e2e/requirements.txt

for tool in python3 Xvfb dbus-run-session WebKitWebDriver keyctl; do
  command -v "$tool" >/dev/null || {
    echo "e2e: $tool is not installed (.ci/setup-debian installs it)" >&2
    exit 2
  }
done
for bin in "$app" "$cli"; do
  [[ -x $bin ]] || {
    echo "e2e: $bin is missing: build first (npm --prefix ui run build && cargo build --workspace)" >&2
    exit 2
  }
done

app=$(realpath "$app")
cli=$(realpath "$cli")

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [[ ! -x $venv/bin/python || "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]]; then
  echo "e2e: installing the Python packages into $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv"; then
    echo "e2e: python3 cannot make a venv (Debian: apt-get install python3-venv)" >&2
    exit 2
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    -r "$requirements"
  echo "$want" >"$venv/.requirements.sha256"
fi

mkdir -p artifacts/e2e
root=$PWD
export PYTHONDONTWRITEBYTECODE=1
cd tests/e2e
# A throwaway session keyring: a test that signs reports sets TICKETFLOW_KEYSTORE=keyutils for
# its app, whose key then lives and dies with this run, never in the developer's keychain.
exec keyctl session - "$root/$venv/bin/python" -m pytest -c pytest.ini --rootdir . \
  --app="$app" --cli="$cli" \
  --artifacts="$root/artifacts/e2e" --junitxml="$root/artifacts/e2e/junit.xml" "$@"
