#!/usr/bin/env python3
"""Issue 13's attacks on a demo desk, as whoever holds the database file would make them.

Each attack is made with what such a person has: the file, Python's sqlite3 module, a text
editor for PDFs and the shipped command line. The script prints one line per attack (and per
hostile file): what was done, then DETECTED / REFUSED with the tool's own message, or UNDETECTED.
It exits 1 if any attack goes undetected, 2 if the script itself cannot run (for instance when its
recomputation of the audit chain does not reproduce the stored hashes: an attack built on a wrong
recomputation would prove nothing).

Usage (as CI runs it; signing uses the kernel's session keyring, never the developer's keychain):
    keyctl session - env TICKETFLOW_KEYSTORE=keyutils python3 tests/attacks/run.py target/debug/ticketflow-cli

Python standard library only (sqlite3 included). Everything happens in a temporary directory,
with HOME and XDG_DATA_HOME pointing into it, so the default data directory is never touched;
ATTACKS_KEEP=1 keeps that directory (and prints it) for a closer look at the attacked desks.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

DB = "ticketflow.db"
SIGNING_DIR = "report-signing"
# A hostile PDF must be refused quickly; over this it is reported as a hang (a real failure).
HANG_SECONDS = 10.0
# The child verifying a hostile PDF gets this much address space: an allocation of absurd size
# then aborts the child (exit 134), which fails the attack instead of swapping the machine.
CHILD_ADDRESS_SPACE = 1 << 30
# Text a user-facing error must never show (issue 13: MIGRATION_FAILED carried the whole schema).
SQL_TEXT = re.compile(
    r"CREATE (TABLE|INDEX|TRIGGER|VIRTUAL)|INSERT INTO|ALTER TABLE|DROP (TABLE|TRIGGER)|"
    r"PRAGMA |SELECT .* FROM|UPDATE \w+ SET|DELETE FROM"
)


def die(message: str):
    """The script itself cannot run: exit 2, apart from an undetected attack's 1."""
    print(message, file=sys.stderr)
    sys.exit(2)


# --- RFC 8785 canonical JSON, as src/canonical.rs hashes (serde_jcs) ---------------------------

def _number(x: int | float) -> str:
    """ECMAScript's Number::toString, which RFC 8785 prescribes for numbers."""
    if isinstance(x, int):
        return str(x)
    if x != x or x in (float("inf"), float("-inf")):
        raise ValueError("NaN and infinities have no JSON form")
    if x == 0:
        return "0"
    # repr() gives the shortest digits that round-trip, as ECMAScript (and ryu) choose them.
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k  # the value is 0.DIGITS x 10^n
    if k <= n <= 21:
        out = digits + "0" * (n - k)
    elif 0 < n <= 21:
        out = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        out = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return ("-" if x < 0 else "") + out


def canonical(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canonical(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def link_hash(ev: dict, prev_hash: str) -> str:
    """src/audit.rs link_hash: SHA-256 of the canonical JSON of the event and its link."""
    return sha256_hex(canonical({
        "id": ev["id"], "ticket_id": ev["ticket_id"], "actor": ev["actor"], "at": ev["at"],
        "action": ev["action"], "before": ev["before"], "after": ev["after"], "prev_hash": prev_hash,
    }))


GENESIS = "0" * 64


def read_chain(conn: sqlite3.Connection) -> list[dict]:
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT id, ticket_id, actor, at, action, before, after, prev_hash, hash FROM audit_events ORDER BY id"
    ).fetchall()
    conn.row_factory = None
    chain = []
    for r in rows:
        ev = dict(r)
        ev["before"] = json.loads(ev["before"])
        ev["after"] = json.loads(ev["after"])
        chain.append(ev)
    return chain


def check_recomputation(conn: sqlite3.Connection) -> int:
    """Recomputes the untouched chain: every stored hash must come out, or the attacks are void."""
    prev = GENESIS
    chain = read_chain(conn)
    for ev in chain:
        h = link_hash(ev, prev)
        if ev["prev_hash"] != prev or h != ev["hash"]:
            die(f"attacks: recomputing event {ev['id']} gives {h}, stored {ev['hash']}: "
                     "this script no longer hashes as src/audit.rs does (fix the script first)")
        prev = h
    return len(chain)


def rewrite_chain(conn: sqlite3.Connection, edit) -> dict[str, str]:
    """Applies `edit(event, new_hashes)` to each event (it returns True when it changed it), then
    recomputes every link from the first change on and moves the head, as an attacker would.
    Returns old hash -> new hash. The caller has dropped the append-only triggers."""
    chain = read_chain(conn)
    prev, dirty, moved = GENESIS, False, {}
    for ev in chain:
        changed = edit(ev, moved)
        if changed or dirty or ev["prev_hash"] != prev:
            dirty = True
            new = link_hash(ev, prev)
            moved[ev["hash"]] = new
            conn.execute(
                "UPDATE audit_events SET actor = ?, before = ?, after = ?, prev_hash = ?, hash = ? WHERE id = ?",
                (ev["actor"], json.dumps(ev["before"], separators=(",", ":"), ensure_ascii=False),
                 json.dumps(ev["after"], separators=(",", ":"), ensure_ascii=False), prev, new, ev["id"]),
            )
            ev["hash"] = new
        prev = ev["hash"]
    conn.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1", (chain[-1]["id"], prev))
    return moved


class Guards:
    """Drops every guard trigger (those that RAISE: the seal and the append-only ones), keeping
    their SQL to put them back, as the issue's attacker does."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.saved = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%' ORDER BY name"
        ).fetchall()

    def __enter__(self):
        for name, _ in self.saved:
            self.conn.execute(f'DROP TRIGGER "{name}"')
        return self

    def __exit__(self, *exc):
        for _, sql in self.saved:
            self.conn.execute(sql)
        return False


# --- running the CLI -----------------------------------------------------------------------------

class Ran:
    def __init__(self, rc: int, out: str, err: str, took: float):
        self.rc, self.out, self.err, self.took = rc, out, err, took

    def message(self) -> str:
        """The tool's message: its first error line if any, else all it printed, on one line."""
        lines = [ln.strip() for ln in (self.out + "\n" + self.err).splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("error[")]
        text = errors[0] if errors else (" / ".join(lines) if lines else "(no output)")
        text = re.sub(r"\s+", " ", text.replace("\r", " ")).strip()
        return text if len(text) <= 400 else text[:397] + "..."


class Cli:
    def __init__(self, binary: Path, home: Path):
        self.binary = binary
        self.env = {k: v for k, v in os.environ.items() if k != "TICKETFLOW_DATA_DIR"}
        self.env["HOME"] = str(home)
        self.env["XDG_DATA_HOME"] = str(home / ".local" / "share")

    def run(self, *args, limit_memory=False, timeout=60) -> Ran:
        started = time.monotonic()
        limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))) \
            if limit_memory else None
        try:
            p = subprocess.run([str(self.binary), *map(str, args)], env=self.env, capture_output=True,
                               text=True, errors="replace", timeout=timeout, preexec_fn=limit)
            return Ran(p.returncode, p.stdout, p.stderr, time.monotonic() - started)
        except subprocess.TimeoutExpired:
            return Ran(-1, "", f"(killed after {timeout} s)", time.monotonic() - started)

    def start(self, *args) -> subprocess.Popen:
        return subprocess.Popen([str(self.binary), *map(str, args)], env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace")


class Report:
    def __init__(self):
        self.failed: list[str] = []

    def line(self, name: str, did: str, held: bool, verdict: str, message: str):
        status = verdict if held else "UNDETECTED"
        print(f"{name:<26} {status:<10} {did} -> {message}", flush=True)
        if not held:
            self.failed.append(name)


def copy_desk(base: Path, to: Path, cli: "Cli | None" = None) -> Path:
    """A copy of the demo desk. With `cli`, the copy is then used where it now lives (one
    runbook entry written): its session's checkpoint moves this machine's keychain mark to it, as
    the desk an attacker edits in place would have."""
    shutil.copytree(base, to)
    if cli is not None:
        r = cli.run("--data-dir", str(to), "runbook", "add", "--title", "Desk in use here",
                    "--body", "Written so the keychain's mark names this copy.")
        if r.rc != 0:
            raise SystemExit(f"could not use the copied desk at {to}: {r.err}")
    return to


def files_under(d: Path) -> dict[str, str]:
    if not d.exists():
        return {}
    return {str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(d.rglob("*")) if p.is_file()}


def closed_ticket(conn: sqlite3.Connection) -> tuple[int, str]:
    return conn.execute("SELECT id, number FROM tickets WHERE status = 'closed' ORDER BY id LIMIT 1").fetchone()


# --- the attacks ---------------------------------------------------------------------------------

def attack_rewrite_event(cli: Cli, base: Path, work: Path, rep: Report, drop_checkpoints=False):
    """One event rewritten and every later link recomputed; with `drop_checkpoints`, the signed
    checkpoints (which the attacker cannot re-sign) deleted as well."""
    d = copy_desk(base, work / ("a-no-checkpoints" if drop_checkpoints else "a"), cli)
    conn = sqlite3.connect(d / DB, isolation_level=None)
    events = conn.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0]
    covered = conn.execute(
        "SELECT COALESCE(MAX(event_id), 0) FROM audit_checkpoints").fetchone()[0] \
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_checkpoints'").fetchone() else 0
    # An event a third of the way in (and one a checkpoint covers, when there is one): a caller
    # override's reason if the demo data has one by then, else the event's actor.
    limit = min(events // 3, covered) if covered else events // 3
    target = conn.execute(
        "SELECT id FROM audit_events WHERE id <= ? AND after LIKE '%override_reason\":\"%' ORDER BY id LIMIT 1",
        (limit,)).fetchone()
    target_id = target[0] if target else max(1, limit)
    what = {}

    def edit(ev, _moved):
        if ev["id"] != target_id:
            return False
        text = json.dumps(ev["after"])
        if target and "override_reason" in text:
            def swap(v):
                if isinstance(v, dict):
                    return {k: ("the caller was authorised by phone" if k.endswith("override_reason") and
                                isinstance(x, str) else swap(x)) for k, x in v.items()}
                if isinstance(v, list):
                    return [swap(x) for x in v]
                return v
            ev["after"] = swap(ev["after"])
            what["did"] = f"rewrote the override reason in event {target_id}"
        else:
            what["did"] = f"changed event {target_id}'s actor {ev['actor']!r} to 'Mallory Intruder'"
            ev["actor"] = "Mallory Intruder"
        return True

    conn.execute("BEGIN IMMEDIATE")
    with Guards(conn):
        moved = rewrite_chain(conn, edit)
        dropped = conn.execute("DELETE FROM audit_checkpoints").rowcount if drop_checkpoints else 0
    conn.execute("COMMIT")
    conn.close()
    r = cli.run("--data-dir", d, "verify-audit")
    rep.line("a.checkpoints-deleted" if drop_checkpoints else "a.event-rewritten",
             f"{what['did']}, recomputed {len(moved)} links and the head (of {events})"
             + (f", deleted all {dropped} checkpoints" if drop_checkpoints else "")
             + f", triggers restored; verify-audit exit {r.rc}",
             r.rc == 1, "DETECTED", r.message())


def rewrite_notes(value, old: str, new: str):
    """The closure notes `old` -> `new` wherever they appear in a record or step values, and each
    signature over a statement quoting them re-hashed, as a consistent forger would."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k == "closure_notes" and v == old:
                out[k] = new
            else:
                out[k] = rewrite_notes(v, old, new)
        if isinstance(out.get("content"), str) and "content_sha256" in out and old in out["content"]:
            out["content"] = out["content"].replace(old, new)
            out["content_sha256"] = sha256_hex(out["content"])
        return out
    if isinstance(value, list):
        return [rewrite_notes(v, old, new) for v in value]
    return value


def forge_sealed(d: Path, resign_checkpoints=None) -> str:
    """Rewrites the first closed ticket's closure notes consistently (step record, sealed record
    and its hash, the ticket's hash, its events and every later link), the guard triggers dropped
    and put back. `resign_checkpoints(conn)`, if given, runs before they are. Says what it did."""
    conn = sqlite3.connect(d / DB, isolation_level=None)
    ticket, number = closed_ticket(conn)
    record = json.loads(conn.execute("SELECT record FROM closure_records WHERE ticket_id = ?", (ticket,)).fetchone()[0])
    old = record["resolution"]["closure_notes"]
    new = "The client declined any follow-up and waived the warranty claim."
    conn.execute("BEGIN IMMEDIATE")
    with Guards(conn):
        steps = 0
        for sid, vals in conn.execute("SELECT id, vals FROM step_records WHERE ticket_id = ?", (ticket,)).fetchall():
            v = json.loads(vals)
            w = rewrite_notes(v, old, new)
            if w != v:
                steps += 1
                conn.execute("UPDATE step_records SET vals = ? WHERE id = ?",
                             (json.dumps(w, separators=(",", ":"), ensure_ascii=False), sid))
        sealed = {}

        def edit(ev, moved):
            if ev["ticket_id"] != ticket:
                return False
            if ev["action"] == "ticket_sealed":
                # The record names the chain head it was built at: the recomputed one now.
                forged = rewrite_notes(record, old, new)
                forged["audit_head"] = moved.get(forged["audit_head"], forged["audit_head"])
                text = canonical(forged)
                sealed["text"], sealed["hash"] = text, sha256_hex(text)
                ev["after"] = dict(ev["after"], record_hash=sealed["hash"])
                return True
            before, after = ev["before"], ev["after"]
            ev["before"], ev["after"] = rewrite_notes(before, old, new), rewrite_notes(after, old, new)
            return ev["before"] != before or ev["after"] != after

        moved = rewrite_chain(conn, edit)
        conn.execute("UPDATE closure_records SET record = ? WHERE ticket_id = ?", (sealed["text"], ticket))
        conn.execute("UPDATE tickets SET record_hash = ? WHERE id = ?", (sealed["hash"], ticket))
        extra = resign_checkpoints(conn) if resign_checkpoints else ""
    conn.execute("COMMIT")
    conn.close()
    return (f"{number}: closure notes changed in {steps} step record(s), the sealed record (hash recomputed), "
            f"tickets.record_hash, its ticket_sealed event; {len(moved)} links recomputed{extra}; "
            "triggers dropped and restored")


def attack_rewrite_sealed(cli: Cli, base: Path, report: Path, work: Path, rep: Report):
    d = copy_desk(base, work / "b", cli)
    did = forge_sealed(d)
    audit = cli.run("--data-dir", d, "verify-audit")
    rep.line("b.sealed-rewritten", f"{did}; verify-audit exit {audit.rc}", audit.rc == 1, "DETECTED", audit.message())
    deep = cli.run("--data-dir", d, "verify-audit", "--deep")
    print(f"{'  (b: --deep, for info)':<26} {'':<10} a consistent rewrite leaves the live rows and the record "
          f"agreeing; verify-audit --deep exit {deep.rc} -> {deep.message()}", flush=True)
    with_desk = cli.run("verify-report", report, "--data-dir", d)
    rep.line("b.report-with-desk",
             f"the report exported before the rewrite, verify-report --data-dir DESK exit {with_desk.rc} (want 4: "
             "authentic report, desk changed after it was issued)",
             with_desk.rc == 4, "DETECTED",
             " / ".join(ln.strip() for ln in with_desk.out.splitlines() if "FAILED" in ln) or with_desk.message())
    before = files_under(cli_home(cli))
    alone = cli.run("verify-report", report)
    created = files_under(cli_home(cli)) != before
    rep.line("b.report-alone",
             f"the same report with no desk (no --data-dir, TICKETFLOW_DATA_DIR unset) exit {alone.rc} (want 0)"
             + ("; it CREATED files under HOME" if created else ""),
             alone.rc == 0 and not created, "VERIFIED", alone.message())


def cli_home(cli: Cli) -> Path:
    return Path(cli.env["HOME"])


# --- the checkpoints re-signed with a key of the attacker's own (openssl) --------------------------

P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def openssl(*args, data: bytes | None = None) -> bytes:
    return subprocess.run(["openssl", *map(str, args)], input=data, capture_output=True, check=True).stdout


def der_to_raw(der: bytes) -> bytes:
    """An ECDSA signature as DER (openssl's) -> r||s, 64 bytes, low s (as p256 signs)."""
    def integer(at: int) -> tuple[int, int]:
        assert der[at] == 0x02
        n = der[at + 1]
        return int.from_bytes(der[at + 2: at + 2 + n], "big"), at + 2 + n
    r, at = integer(2)
    s, _ = integer(at)
    s = min(s, P256_ORDER - s)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def raw_to_der(raw: bytes) -> bytes:
    def integer(v: bytes) -> bytes:
        v = v.lstrip(b"\0") or b"\0"
        v = b"\0" + v if v[0] & 0x80 else v
        return bytes([0x02, len(v)]) + v
    body = integer(raw[:32]) + integer(raw[32:])
    return bytes([0x30, len(body)]) + body


def checkpoint_message(c: dict) -> str:
    """src/checkpoint.rs Checkpoint::message."""
    return canonical({"format": "ticketflow-checkpoint/1", **{k: c[k] for k in (
        "seq", "event_id", "head_hash", "at", "reason", "key_id", "prev")}})


def checkpoint_digest(c: dict) -> str:
    """src/checkpoint.rs Checkpoint::digest: every field, the signature included."""
    return sha256_hex(canonical({k: c[k] for k in (
        "seq", "event_id", "head_hash", "at", "reason", "key_id", "prev", "signature")}))


def read_checkpoints(conn: sqlite3.Connection) -> list[dict]:
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("SELECT * FROM audit_checkpoints ORDER BY seq")]
    conn.row_factory = None
    return rows


def check_checkpoint_recomputation(desk: Path, keys: Path) -> int:
    """This script's checkpoint message and digest must be the core's: the stored signatures
    verify over the messages it builds, and each `prev` is its digest of the one before."""
    conn = sqlite3.connect(f"file:{desk / DB}?mode=ro", uri=True)
    checkpoints = read_checkpoints(conn)
    conn.close()
    pem = (desk / SIGNING_DIR / "certificates.pem").read_bytes()
    (keys / "desk-signer.pub").write_bytes(openssl("x509", "-pubkey", "-noout", data=pem))
    prev = GENESIS
    for c in checkpoints:
        (keys / "message").write_text(checkpoint_message(c))
        (keys / "signature").write_bytes(raw_to_der(bytes.fromhex(c["signature"])))
        verified = subprocess.run(["openssl", "dgst", "-sha256", "-verify", keys / "desk-signer.pub",
                                   "-signature", keys / "signature", keys / "message"], capture_output=True)
        if verified.returncode != 0 or c["prev"] != prev:
            die(f"attacks: checkpoint {c['seq']}: this script's message or digest is not the core's "
                "(src/checkpoint.rs): fix the script first")
        prev = checkpoint_digest(c)
    return len(checkpoints)


def attack_replace_identity(cli: Cli, base: Path, report: Path, work: Path, rep: Report):
    """Attack b, then a signing identity of the attacker's own in report-signing/ (same names) and
    every checkpoint re-signed with it: all the desk's files agree again."""
    if not shutil.which("openssl"):
        print(f"{'b.identity-replaced':<26} {'SKIPPED':<10} needs the openssl command to make a key", flush=True)
        return
    keys = work / "attacker-keys"
    keys.mkdir()
    check_checkpoint_recomputation(base, keys)
    for who, subject in [("root", "/CN=IT Service Desk report root/O=IT Service Desk"),
                         ("signer", "/CN=IT Service Desk closure reports/O=IT Service Desk")]:
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keys / f"{who}.key")
        openssl("req", "-new", "-key", keys / f"{who}.key", "-subj", subject, "-out", keys / f"{who}.csr")
    openssl("x509", "-req", "-in", keys / "root.csr", "-signkey", keys / "root.key", "-sha256", "-days", 3650,
            "-out", keys / "root.pem")
    openssl("x509", "-req", "-in", keys / "signer.csr", "-CA", keys / "root.pem", "-CAkey", keys / "root.key",
            "-CAcreateserial", "-sha256", "-days", 3650, "-out", keys / "signer.pem")
    spki = openssl("pkey", "-pubin", "-outform", "DER",
                   data=openssl("x509", "-in", keys / "signer.pem", "-pubkey", "-noout"))
    key_id = hashlib.sha256(spki).hexdigest()

    def resign(conn: sqlite3.Connection) -> str:
        heads = dict(conn.execute("SELECT id, hash FROM audit_events"))
        prev = GENESIS
        checkpoints = read_checkpoints(conn)
        for c in checkpoints:
            c.update(head_hash=heads[c["event_id"]], key_id=key_id, prev=prev)
            c["signature"] = der_to_raw(openssl("dgst", "-sha256", "-sign", keys / "signer.key",
                                                data=checkpoint_message(c).encode())).hex()
            prev = checkpoint_digest(c)
            conn.execute("UPDATE audit_checkpoints SET head_hash = ?, key_id = ?, prev = ?, signature = ? "
                         "WHERE seq = ?", (c["head_hash"], key_id, c["prev"], c["signature"], c["seq"]))
        return f", all {len(checkpoints)} checkpoints re-signed with the attacker's own key"

    d = copy_desk(base, work / "b-identity", cli)
    did = forge_sealed(d, resign)
    (d / SIGNING_DIR / "certificates.pem").write_bytes(
        (keys / "signer.pem").read_bytes() + (keys / "root.pem").read_bytes())
    did += "; report-signing/certificates.pem replaced by the attacker's signer and root"
    audit = cli.run("--data-dir", d, "verify-audit")
    rep.line("b.identity-replaced", f"{did}; verify-audit exit {audit.rc} (this machine's keychain reachable)",
             audit.rc == 1, "DETECTED", audit.message())
    with_desk = cli.run("verify-report", report, "--data-dir", d)
    rep.line("b.identity-report",
             f"the report exported before, verify-report --data-dir DESK exit {with_desk.rc} (want 4: authentic "
             "report, desk changed after it was issued)",
             with_desk.rc == 4, "DETECTED",
             " / ".join(ln.strip() for ln in with_desk.out.splitlines() if "FAILED" in ln) or with_desk.message())


def attack_delete_sealed_rows(cli: Cli, base: Path, work: Path, rep: Report):
    d = copy_desk(base, work / "c")
    conn = sqlite3.connect(d / DB, isolation_level=None)
    ticket, number = closed_ticket(conn)
    tables = [t for (t,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")
        if "ticket_id" in {c[1] for c in conn.execute(f'PRAGMA table_info("{t}")')}]
    refused, allowed, empty = [], [], []
    for t in tables + ["tickets"]:
        key = "id" if t == "tickets" else "ticket_id"
        rows = conn.execute(f'SELECT COUNT(*) FROM "{t}" WHERE {key} = ?', (ticket,)).fetchone()[0]
        if rows == 0:
            empty.append(t)
            continue
        conn.execute("BEGIN")
        try:
            conn.execute(f'DELETE FROM "{t}" WHERE {key} = ?', (ticket,))
            allowed.append(f"{t} ({rows} rows)")
        except sqlite3.DatabaseError as e:
            refused.append(f"{t}: {e}")
        conn.execute("ROLLBACK")
    rep.line("c.delete-refused",
             f"{number}: DELETE of its rows in {len(refused) + len(allowed)} tables with raw SQL "
             f"({', '.join(empty) or 'none'} had no rows)",
             not allowed, "REFUSED",
             ("allowed in " + ", ".join(allowed) + "; ") * bool(allowed) + "; ".join(sorted(set(
                 re.sub(r"^\w+: ", "", x) for x in refused))) + f" ({len(refused)} tables)")
    conn.execute("BEGIN IMMEDIATE")
    with Guards(conn):
        te = conn.execute("DELETE FROM time_entries WHERE ticket_id = ?", (ticket,)).rowcount
        sr = conn.execute(
            "DELETE FROM step_records WHERE id = (SELECT MAX(id) FROM step_records WHERE ticket_id = ? "
            "AND vals NOT LIKE '%closure_notes%')", (ticket,)).rowcount
        ta = conn.execute("DELETE FROM ticket_assets WHERE ticket_id = ?", (ticket,)).rowcount
    conn.execute("COMMIT")
    conn.close()
    plain = cli.run("--data-dir", d, "verify-audit")
    deep = cli.run("--data-dir", d, "verify-audit", "--deep")
    fields = re.findall(rf"ticket {number} field (\S+):", deep.err)
    summary = [ln for ln in deep.err.splitlines() if "differences between" in ln]
    rep.line("c.delete-behind-triggers",
             f"{number}: triggers dropped, {te} time entries, {sr} step record, {ta} asset links deleted, "
             f"triggers restored; verify-audit exit {plain.rc} (live rows are not in the chain), "
             f"verify-audit --deep exit {deep.rc}",
             deep.rc == 1 and bool(fields), "DETECTED",
             (summary[0] + ": " + ", ".join(fields)) if summary else deep.message())


def byte_range_replaced(pdf: bytes, numbers: str) -> bytes:
    at = pdf.rindex(b"/ByteRange") + len(b"/ByteRange")
    end = pdf.index(b"]", at) + 1
    return pdf[:at] + numbers.encode() + pdf[end:]


PDF_HEAD = (b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
            b"2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n")


def hostile_files(report: bytes) -> list[tuple[str, bytes]]:
    """Hand-made hostile PDFs: each refused with exit 1 by the verifier, fast and in bounded memory."""
    def xref_stream(at: int) -> bytes:
        return (f"5 0 obj\n<</Type/XRef/Size 6/W[1 99999999999999 1]/Root 1 0 R/Length 3>>\nstream\nabc\n"
                f"endstream\nendobj\nstartxref\n{at}\n%%EOF\n").encode()
    nested = PDF_HEAD + b"3 0 obj\n" + b"[" * 200_000 + b"]" * 200_000 + \
        b"\nendobj\n4 0 obj\n<</Length 999999999999/Filter/FlateDecode>>\nstream\nxx\nendstream\nendobj\n"
    nested += f"xref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 5/Root 1 0 R>>\nstartxref\n{len(nested)}\n%%EOF\n".encode()
    many = PDF_HEAD + (f"xref\n0 4000000000\n0000000000 65535 f\r\n0000000009 00000 n\r\n"
                       f"trailer\n<</Size 4000000000/Root 1 0 R>>\nstartxref\n{len(PDF_HEAD)}\n%%EOF\n").encode()
    flipped = bytearray(report)
    flipped[len(report) // 3] ^= 1
    return [
        ("absurd-xref-width", PDF_HEAD + xref_stream(len(PDF_HEAD))),
        # Appended after the signature, as an incremental update: the signature no longer covers
        # the file, and the parser must not be reached.
        ("report+absurd-width", report + b"\n" + xref_stream(len(report) + 1)),
        ("huge-object-count", many),
        ("report+huge-count", report + b"\nxref\n0 4000000000\ntrailer\n<</Size 4000000000>>\nstartxref\n"
         + str(len(report) + 1).encode() + b"\n%%EOF\n"),
        ("deeply-nested", nested),
        ("byterange-past-end", byte_range_replaced(report, "[0 100 200 99999999999]")),
        ("byterange-overflow", byte_range_replaced(report, "[0 18446744073709551615 18446744073709551615 1]")),
        ("byterange-negative", byte_range_replaced(report, "[0 -5 10 -1]")),
        ("byterange-missing", byte_range_replaced(report, "")),
        ("truncated-half", report[: len(report) // 2]),
        ("truncated-tail", report[:-7]),
        ("one-byte-flipped", bytes(flipped)),
        ("empty", b""),
        ("over-64-mib", report + b" " * (65 * 1024 * 1024 - len(report))),
    ]


def attack_hostile_pdfs(cli: Cli, base: Path, report: Path, work: Path, rep: Report):
    d = copy_desk(base, work / "d")
    good = cli.run("verify-report", report, "--data-dir", d)
    if good.rc != 0:
        die(f"attacks: the untouched report does not verify (exit {good.rc}): {good.message()}")
    for name, data in hostile_files(report.read_bytes()):
        f = work / f"hostile-{name}.pdf"
        f.write_bytes(data)
        r = cli.run("verify-report", f, "--data-dir", d, limit_memory=True, timeout=HANG_SECONDS * 3)
        coded = bool(re.search(r"error\[[A-Z_]+\]", r.err))
        held = r.rc == 1 and coded and r.took <= HANG_SECONDS
        rep.line(f"d.{name}", f"{len(data):>9} bytes, exit {r.rc} in {r.took * 1000:.0f} ms", held, "REFUSED", r.message())
        f.unlink()


def attack_concurrent_open(cli: Cli, work: Path, rep: Report, tries=20):
    bad = []
    slowest = 0.0
    for i in range(tries):
        d = work / "e" / f"fresh-{i}"
        started = time.monotonic()
        ps = [cli.start("--data-dir", d, "report-settings") for _ in range(2)]
        outs = [(p.wait(timeout=60), *p.communicate()) for p in ps]
        slowest = max(slowest, time.monotonic() - started)
        for rc, out, err in outs:
            if rc != 0 or SQL_TEXT.search(out + err):
                said = re.sub(r"\s+", " ", err.strip())[:200]
                bad.append(f"try {i}: exit {rc}: {said}")
    rep.line("e.concurrent-fresh-open",
             f"{tries} tries of two `report-settings` started together on a fresh data directory "
             f"(slowest pair {slowest * 1000:.0f} ms)",
             not bad, "HELD", bad[0] if bad else f"all {2 * tries} opens exit 0, no SQL text in any output")


def attack_backup_under_writes(cli: Cli, base: Path, work: Path, rep: Report):
    d = copy_desk(base, work / "f")
    stop = threading.Event()
    writes, failures = [0], []

    def writer():
        n = 0
        while not stop.is_set():
            n += 1
            r = cli.run("--data-dir", d, "runbook", "add", "--title", f"Load entry {n}",
                        "--body", "Written while a backup runs. " * 20)
            if r.rc == 0:
                writes[0] += 1
            else:
                failures.append(r.message())

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    results = []
    for i in range(3):
        copy = work / "f-copies" / f"copy-{i}"
        copy.mkdir(parents=True)
        w0 = writes[0]
        r = cli.run("--data-dir", d, "backup", copy / DB)
        results.append((copy, r, writes[0] - w0))
        time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()
    problems = []
    summary = []
    for copy, r, during in results:
        if r.rc != 0:
            problems.append(f"backup exit {r.rc}: {r.message()}")
            continue
        shutil.copytree(d / SIGNING_DIR, copy / SIGNING_DIR) if (d / SIGNING_DIR).exists() else None
        c = sqlite3.connect(f"file:{copy / DB}?mode=ro", uri=True)
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
        c.close()
        audit = cli.run("--data-dir", copy, "verify-audit")
        summary.append(f"{r.took:.2f} s/{during} writes")
        if integrity != "ok" or audit.rc != 0:
            problems.append(f"copy {copy.name}: integrity_check {integrity!r}, verify-audit exit {audit.rc}: {audit.message()}")
    if failures:
        problems.append(f"{len(failures)} writes failed during the backups, first: {failures[0]}")
    rep.line("f.backup-under-writes",
             f"3 backups while two writers looped `runbook add` ({writes[0]} writes; per backup: {', '.join(summary)}); "
             "each copy: PRAGMA integrity_check, verify-audit --data-dir COPY",
             not problems, "HELD", problems[0] if problems else "every copy: integrity_check ok, verify-audit exit 0")


def attack_bad_desks(cli: Cli, base: Path, report: Path, work: Path, rep: Report):
    missing = work / "g" / "no-such-parent" / "desk"
    for what, args in [("verify-audit", ["verify-audit"]), ("verify-report", ["verify-report", report])]:
        r = cli.run("--data-dir", missing, *args)
        created = (work / "g").exists()
        rep.line(f"g.missing-desk-{what.split('-')[1]}",
                 f"{what} on a data directory that does not exist: exit {r.rc}" + ("; it CREATED it" if created else ""),
                 r.rc == 1 and "error[" in r.err and not created, "REFUSED", r.message())
    rng = random.Random(13)
    for kind in ("middle", "truncated"):
        d = copy_desk(base, work / f"g-{kind}")
        db = d / DB
        data = bytearray(db.read_bytes())
        if kind == "middle":
            at = len(data) // 2
            data[at: at + 64 * 1024] = bytes(rng.getrandbits(8) for _ in range(64 * 1024))
            did = f"64 KiB of random bytes written over the middle of the {len(data)}-byte file"
        else:
            data = data[: len(data) // 2]
            did = f"the file truncated to {len(data)} bytes"
        db.write_bytes(bytes(data))
        for what, args in [("verify-audit", ["verify-audit"]), ("verify-report", ["verify-report", report])]:
            before = files_under(d)
            r = cli.run("--data-dir", d, *args)
            changed = files_under(d) != before
            rep.line(f"g.corrupt-{kind}-{what.split('-')[1]}",
                     f"{did}; {what} exit {r.rc}" + ("; files in the desk CHANGED or were created" if changed else ""),
                     r.rc == 1 and "error[" in r.err and not changed, "REFUSED", r.message())


def main() -> int:
    if len(sys.argv) != 2:
        die(__doc__)
    binary = Path(sys.argv[1]).resolve()
    if not os.access(binary, os.X_OK):
        die(f"attacks: {binary} is missing: build it first (cargo build -p ticketflow-core)")
    started = time.monotonic()
    # ATTACKS_KEEP=1 keeps the attacked desks for a closer look (their directory is printed).
    keep = os.environ.get("ATTACKS_KEEP") == "1"
    with (contextlib.nullcontext(tempfile.mkdtemp(prefix="ticketflow-attacks-")) if keep
          else tempfile.TemporaryDirectory(prefix="ticketflow-attacks-")) as tmp:
        if keep:
            print(f"attacked desks kept in {tmp}")
        work = Path(tmp)
        (work / "home").mkdir()
        cli = Cli(binary, work / "home")
        base = work / "base"
        made = cli.run("--data-dir", base, "demo-data", "--tickets", 40, "--seed", 1)
        if made.rc != 0:
            die(f"attacks: demo-data failed: {made.message()}")
        conn = sqlite3.connect(f"file:{base / DB}?mode=ro", uri=True)
        _, number = closed_ticket(conn)
        conn.close()
        report = work / "r.pdf"
        exported = cli.run("--data-dir", base, "export-report", number, "--out", report)
        if exported.rc != 0:
            die(f"attacks: export-report failed (run inside `keyctl session -` with "
                f"TICKETFLOW_KEYSTORE=keyutils): {exported.message()}")
        # A write after the export: closing, the command line takes a second checkpoint, so the
        # link between two checkpoints is there to check and to forge.
        wrote = cli.run("--data-dir", base, "runbook", "add", "--title", "Printer queue reset",
                        "--body", "Restart the spooler, then clear the queue.")
        if wrote.rc != 0:
            die(f"attacks: runbook add failed: {wrote.message()}")
        conn = sqlite3.connect(f"file:{base / DB}?mode=ro", uri=True)
        events = check_recomputation(conn)
        conn.close()
        # The control: the untouched desk verifies, so every detection below is the attack's doing.
        control = cli.run("--data-dir", base, "verify-audit", "--deep")
        if control.rc != 0:
            die(f"attacks: the untouched demo desk does not verify: {control.message()}")
        print(f"demo desk: 40 tickets, seed 1; {number}'s report exported and signed; untouched desk verifies "
              f"({control.out.splitlines()[0] if control.out else ''}); this script's recomputation "
              f"reproduces all {events} stored link hashes", flush=True)
        rep = Report()
        attack_rewrite_event(cli, base, work, rep)
        attack_rewrite_event(cli, base, work, rep, drop_checkpoints=True)
        attack_rewrite_sealed(cli, base, report, work, rep)
        attack_replace_identity(cli, base, report, work, rep)
        attack_delete_sealed_rows(cli, base, work, rep)
        attack_hostile_pdfs(cli, base, report, work, rep)
        attack_concurrent_open(cli, work, rep)
        attack_backup_under_writes(cli, base, work, rep)
        attack_bad_desks(cli, base, report, work, rep)
    took = time.monotonic() - started
    if rep.failed:
        print(f"\n{len(rep.failed)} attack(s) went undetected ({took:.1f} s): {', '.join(rep.failed)}")
        return 1
    print(f"\nevery attack was detected or refused ({took:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
