#!/usr/bin/env python3
"""Runs the README's command-line examples as written, so the README cannot drift from the CLI.

Every line of the `sh` blocks under "## Command line", then every inline `ticketflow-cli …` code
span of that section, runs in order in one throwaway home (HOME, XDG_DATA_HOME and the working
directory are a fresh temporary directory, so the default data directory starts EMPTY, as a new
user's does) and must exit 0. `cargo build … -p PACKAGE` lines are checked, not run (a release
build takes minutes): PACKAGE must be a workspace package that owns the `ticketflow-cli` binary
(`cargo metadata`), which is how the README once sent readers to a package without it. The
`export PATH=…` line is replaced by putting the already built CLI on PATH.

Usage: tests/readme_commands.py [CLI_BINARY]   (default target/debug/ticketflow-cli)
Run it inside `keyctl session -` with TICKETFLOW_KEYSTORE=keyutils (tests/run-all does): the
examples that sign use the kernel's session keyring, never the developer's keychain.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def section(text: str, title: str) -> str:
    m = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        sys.exit(f"readme: no '## {title}' section")
    return m.group(1)


def commands(sec: str) -> list[str]:
    blocks = re.findall(r"^```sh\n(.*?)^```", sec, re.S | re.M)
    lines = [ln.strip() for b in blocks for ln in b.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    prose = re.sub(r"^```sh\n.*?^```", "", sec, flags=re.S | re.M)
    inline = re.findall(r"`(ticketflow-cli [^`]+)`", prose)
    return lines + inline


def package_owning(binary: str) -> set[str]:
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1", "--offline"],
        cwd=REPO, check=True, capture_output=True, text=True).stdout)
    return {p["name"] for p in meta["packages"]
            if any(t["name"] == binary and "bin" in t["kind"] for t in p["targets"])}


def main() -> int:
    cli = Path(sys.argv[1] if len(sys.argv) > 1 else REPO / "target/debug/ticketflow-cli").resolve()
    if not os.access(cli, os.X_OK):
        sys.exit(f"readme: {cli} is missing: build it first (cargo build -p ticketflow-core)")
    cmds = commands(section((REPO / "README.md").read_text(), "Command line"))
    if not any(c.startswith("ticketflow-cli ") or "| ticketflow-cli " in c for c in cmds):
        sys.exit("readme: the Command line section shows no ticketflow-cli example")

    owners = package_owning("ticketflow-cli")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="tf-readme-") as home:
        env = {k: v for k, v in os.environ.items() if k != "TICKETFLOW_DATA_DIR"}
        env.update(HOME=home, XDG_DATA_HOME=f"{home}/.local/share",
                   PATH=f"{cli.parent}:{os.environ['PATH']}")
        for cmd in cmds:
            if cmd.startswith("cargo build"):
                args = shlex.split(cmd)
                pkg = args[args.index("-p") + 1] if "-p" in args else None
                ok = pkg in owners
                print(f"{'ok  ' if ok else 'FAIL'} (checked) {cmd}"
                      + ("" if ok else f": ticketflow-cli is in {sorted(owners)}, not {pkg}"))
                failed += not ok
                continue
            if cmd.startswith("export PATH="):
                print(f"ok   (CLI on PATH) {cmd}")
                continue
            r = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], cwd=home, env=env,
                               capture_output=True, text=True, timeout=600)
            print(f"{'ok  ' if r.returncode == 0 else 'FAIL'} {cmd}")
            if r.returncode != 0:
                failed += 1
                print(f"     exit {r.returncode}\n     stdout: {r.stdout.strip()}\n"
                      f"     stderr: {r.stderr.strip()}")
    print(f"readme: {len(cmds) - failed} of {len(cmds)} commands work as written")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
