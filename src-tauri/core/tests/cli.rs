//! The real `ticketflow-cli` binary: demo data, audit verification against a tampered database,
//! backups, exit codes and where the data lives.
//!
//! Every run gets a fresh temporary data directory, and HOME / XDG_DATA_HOME point into a
//! temporary directory too, so no test can touch the real user's app data.

use chrono::{TimeZone, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use tempfile::TempDir;
use ticketflow_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");
const DB_FILE: &str = ticketflow_core::paths::DB_FILE;
const DATA_DIR_ENV: &str = ticketflow_core::paths::DATA_DIR_ENV;

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().expect("the CLI was killed by a signal"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// A test's sandbox: a home that stands in for the OS data directory.
struct Sandbox {
    home: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            home: TempDir::new().unwrap(),
        }
    }

    /// The binary with no data directory configured, and HOME / XDG_DATA_HOME in the sandbox.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env_remove(DATA_DIR_ENV)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("xdg"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().unwrap().into()
    }

    /// Runs with `--data-dir dir`.
    fn run_in(&self, dir: &Path, args: &[&str]) -> Run {
        let mut all = vec!["--data-dir", dir.to_str().unwrap()];
        all.extend_from_slice(args);
        self.run(&all)
    }

    fn spawn_in(&self, dir: &Path, args: &[&str]) -> Child {
        let mut all = vec!["--data-dir", dir.to_str().unwrap()];
        all.extend_from_slice(args);
        self.command(&all).spawn().unwrap()
    }

    /// Files under the sandboxed home: the OS data directory must stay untouched.
    fn home_files(&self) -> Vec<PathBuf> {
        files_under(self.home.path())
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn demo(s: &Sandbox, dir: &Path, tickets: usize, seed: u64) -> Run {
    let r = s.run_in(
        dir,
        &[
            "demo-data",
            "--tickets",
            &tickets.to_string(),
            "--seed",
            &seed.to_string(),
        ],
    );
    assert_eq!(r.code, 0, "demo-data failed: {r:?}");
    r
}

fn db(dir: &Path) -> Connection {
    Connection::open(dir.join(DB_FILE)).unwrap()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The whole audit chain as one string, in chain order.
fn audit_hashes(conn: &Connection) -> String {
    conn.query_row(
        "SELECT group_concat(hash, ',') FROM (SELECT hash FROM audit_events ORDER BY id)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

fn record_hashes(conn: &Connection) -> String {
    conn.query_row(
        "SELECT coalesce(group_concat(record_hash, ','), '')
         FROM (SELECT record_hash FROM tickets WHERE record_hash IS NOT NULL ORDER BY id)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// The number printed right before `word` ("60 tickets"), or inside "(N closed)".
fn printed(stdout: &str, word: &str) -> i64 {
    let words: Vec<&str> = stdout
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let at = words
        .iter()
        .position(|w| *w == word)
        .unwrap_or_else(|| panic!("{word:?} not in {stdout:?}"));
    assert!(at > 0, "nothing before {word:?} in {stdout:?}");
    words[at - 1]
        .parse()
        .unwrap_or_else(|_| panic!("no count before {word:?} in {stdout:?}"))
}

/// A small demo database (fast to generate) whose chain verifies, and its event count.
fn tamper_ready(s: &Sandbox) -> (TempDir, i64) {
    let dir = TempDir::new().unwrap();
    demo(s, dir.path(), 8, 3);
    let ok = s.run_in(dir.path(), &["verify-audit"]);
    assert_eq!(ok.code, 0, "untouched chain must verify: {ok:?}");
    let events = count(&db(dir.path()), "SELECT count(*) FROM audit_events");
    assert!(events > 20, "too few events to tamper with: {events}");
    // The table is append-only; whoever holds the file drops those triggers first.
    db(dir.path())
        .execute_batch(
            "DROP TRIGGER audit_events_append_only_update;
             DROP TRIGGER audit_events_append_only_delete;",
        )
        .unwrap();
    (dir, events)
}

/// Puts the append-only triggers back, as an attacker who wants the schema to look untouched
/// does (a missing trigger is itself named: GUARDS_MISSING), then verifies.
fn verify_after_tampering(s: &Sandbox, dir: &Path) -> Run {
    db(dir)
        .execute_batch(
            "CREATE TRIGGER audit_events_append_only_update BEFORE UPDATE ON audit_events BEGIN
                 SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY');
             END;
             CREATE TRIGGER audit_events_append_only_delete BEFORE DELETE ON audit_events BEGIN
                 SELECT RAISE(ABORT, 'AUDIT_APPEND_ONLY');
             END;",
        )
        .unwrap();
    s.run_in(dir, &["verify-audit"])
}

fn assert_broken(r: &Run) {
    assert_eq!(r.code, 1, "verify-audit must fail with exit 1: {r:?}");
    assert!(
        r.stderr.contains("error[AUDIT_BROKEN]"),
        "stderr must carry the code: {:?}",
        r.stderr
    );
    assert!(
        !r.stdout.contains("intact"),
        "a broken chain reported intact: {:?}",
        r.stdout
    );
}

// ---- demo-data -------------------------------------------------------------------------------

#[test]
fn demo_data_prints_counts_that_match_the_database() {
    let s = Sandbox::new();
    let dir = TempDir::new().unwrap();
    let r = demo(&s, dir.path(), 60, 7);
    let conn = db(dir.path());
    for (word, table) in [
        ("companies", "companies"),
        ("contacts", "contacts"),
        ("assets", "assets"),
        ("tickets", "tickets"),
    ] {
        assert_eq!(
            printed(&r.stdout, word),
            count(&conn, &format!("SELECT count(*) FROM {table}")),
            "printed {word} vs the database; stdout {:?}",
            r.stdout
        );
    }
    assert_eq!(printed(&r.stdout, "tickets"), 60);
    let closed = printed(&r.stdout, "closed");
    assert!(
        closed > 0,
        "a 60-ticket demo closes some tickets: {:?}",
        r.stdout
    );
    assert_eq!(
        closed,
        count(
            &conn,
            "SELECT count(*) FROM tickets WHERE status = 'closed'"
        )
    );
    assert_eq!(
        closed,
        count(
            &conn,
            "SELECT count(*) FROM tickets WHERE status = 'closed' AND length(record_hash) = 64"
        ),
        "every closed demo ticket is sealed with a record hash"
    );
    let v = s.run_in(dir.path(), &["verify-audit"]);
    assert_eq!(v.code, 0, "{v:?}");
    let events = count(&conn, "SELECT count(*) FROM audit_events");
    assert!(
        v.stdout.contains(&format!("intact: {events} events")),
        "verify-audit should report {events} events: {:?}",
        v.stdout
    );
    assert!(
        s.home_files().is_empty(),
        "--data-dir was given, yet the OS data directory was written"
    );
}

#[test]
fn demo_data_is_deterministic_per_seed() {
    let s = Sandbox::new();
    let dirs: Vec<TempDir> = (0..3).map(|_| TempDir::new().unwrap()).collect();
    let children: Vec<Child> = dirs
        .iter()
        .zip([7, 7, 8])
        .map(|(d, seed)| {
            s.spawn_in(
                d.path(),
                &[
                    "demo-data",
                    "--tickets",
                    "60",
                    "--seed",
                    &seed.to_string(),
                    // Without it the desk is dated from the real time (see below).
                    "--anchor",
                    "2026-11-27T12:00:00Z",
                ],
            )
        })
        .collect();
    for c in children {
        let r: Run = c.wait_with_output().unwrap().into();
        assert_eq!(r.code, 0, "{r:?}");
    }
    let conns: Vec<Connection> = dirs.iter().map(|d| db(d.path())).collect();
    let chains: Vec<String> = conns.iter().map(audit_hashes).collect();
    let seals: Vec<String> = conns.iter().map(record_hashes).collect();
    assert!(!chains[0].is_empty() && !seals[0].is_empty());
    assert_eq!(chains[0], chains[1], "same seed, different audit chains");
    assert_eq!(seals[0], seals[1], "same seed, different closure records");
    assert_ne!(
        chains[0], chains[2],
        "seeds 7 and 8 gave the same audit chain"
    );
    assert_ne!(
        seals[0], seals[2],
        "seeds 7 and 8 gave the same closure records"
    );
}

/// Without `--anchor` the demo desk is dated from now: its newest ticket is minutes old, not
/// weeks, so the queue's ages and SLA clocks look like today's.
#[test]
fn demo_data_is_dated_from_now_by_default() {
    let s = Sandbox::new();
    let dir = TempDir::new().unwrap();
    let r: Run = s
        .spawn_in(dir.path(), &["demo-data", "--tickets", "30", "--seed", "1"])
        .wait_with_output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "{r:?}");
    let newest: String = db(dir.path())
        .query_row("SELECT max(created_at) FROM tickets", [], |row| row.get(0))
        .unwrap();
    let newest = chrono::DateTime::parse_from_rfc3339(&newest).unwrap();
    let age = chrono::Utc::now() - newest.with_timezone(&chrono::Utc);
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::days(1),
        "the newest demo ticket is {age} old"
    );
}

#[test]
fn demo_data_refuses_a_database_that_holds_tickets() {
    let s = Sandbox::new();
    // One ticket and nothing else: only the "already holds tickets" check can refuse this one
    // (a second demo run would also trip over its own duplicate names).
    let dir = TempDir::new().unwrap();
    {
        let mut store = Store::open(&dir.path().join(DB_FILE)).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
        store.create_ticket("Alex Morgan", at).unwrap();
    }
    let before = audit_hashes(&db(dir.path()));
    let r = s.run_in(dir.path(), &["demo-data", "--tickets", "3", "--seed", "2"]);
    assert_eq!(r.code, 3, "{r:?}");
    assert!(
        r.stderr.contains("error[INVALID_INPUT]"),
        "coded error expected: {:?}",
        r.stderr
    );
    let conn = db(dir.path());
    assert_eq!(count(&conn, "SELECT count(*) FROM tickets"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM companies"), 0);
    assert_eq!(
        audit_hashes(&conn),
        before,
        "the refused run wrote to the database"
    );

    // A demo database is refused the same way.
    let demo_dir = TempDir::new().unwrap();
    demo(&s, demo_dir.path(), 3, 1);
    let again = s.run_in(demo_dir.path(), &["demo-data", "--tickets", "3"]);
    assert_eq!(again.code, 3, "{again:?}");
    assert!(again.stderr.contains("error[INVALID_INPUT]"), "{again:?}");
    assert_eq!(
        count(&db(demo_dir.path()), "SELECT count(*) FROM tickets"),
        3
    );
}

// ---- verify-audit against tampering ----------------------------------------------------------

#[test]
fn altering_an_event_is_caught_and_named() {
    let s = Sandbox::new();
    let (dir, events) = tamper_ready(&s);
    let k = events / 2;
    let changed = db(dir.path())
        .execute(
            "UPDATE audit_events SET after = '{\"x\":1}' WHERE id = ?1",
            [k],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let r = verify_after_tampering(&s, dir.path());
    assert_broken(&r);
    assert!(
        r.stderr.contains(&format!("event {k}:")),
        "stderr must name event {k}: {:?}",
        r.stderr
    );
}

#[test]
fn an_event_that_is_not_json_is_caught() {
    let s = Sandbox::new();
    let (dir, events) = tamper_ready(&s);
    let k = events / 3;
    db(dir.path())
        .execute(
            "UPDATE audit_events SET before = '{oops' WHERE id = ?1",
            [k],
        )
        .unwrap();
    let r = verify_after_tampering(&s, dir.path());
    assert_broken(&r);
    assert!(r.stderr.contains(&format!("event {k}:")), "{:?}", r.stderr);
}

#[test]
fn deleting_a_middle_event_is_caught() {
    let s = Sandbox::new();
    let (dir, events) = tamper_ready(&s);
    let k = events / 2;
    db(dir.path())
        .execute("DELETE FROM audit_events WHERE id = ?1", [k])
        .unwrap();
    let r = verify_after_tampering(&s, dir.path());
    assert_broken(&r);
    assert!(
        r.stderr.contains(&format!("event {}:", k + 1)),
        "stderr must name the event after the gap ({}): {:?}",
        k + 1,
        r.stderr
    );
}

#[test]
fn deleting_the_last_event_is_caught() {
    let s = Sandbox::new();
    let (dir, events) = tamper_ready(&s);
    let deleted = db(dir.path())
        .execute(
            "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)",
            [],
        )
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        count(&db(dir.path()), "SELECT max(id) FROM audit_events"),
        events - 1
    );
    assert_broken(&verify_after_tampering(&s, dir.path()));
}

#[test]
fn swapping_two_events_is_caught() {
    let s = Sandbox::new();
    let (dir, events) = tamper_ready(&s);
    let (a, b) = (events / 2, events / 2 + 1);
    let conn = db(dir.path());
    // Swap everything but the ids: the two events now appear in the opposite order.
    conn.execute_batch(&format!(
        "CREATE TEMP TABLE swap AS SELECT * FROM audit_events WHERE id IN ({a}, {b});
         UPDATE audit_events SET
             (ticket_id, actor, at, action, before, after, prev_hash, hash) =
             (SELECT ticket_id, actor, at, action, before, after, prev_hash, hash
              FROM swap WHERE swap.id = {a} + {b} - audit_events.id)
         WHERE id IN ({a}, {b});"
    ))
    .unwrap();
    let moved: Option<String> = conn
        .query_row(
            &format!("SELECT hash FROM audit_events WHERE id = {a}"),
            [],
            |r| r.get(0),
        )
        .optional()
        .unwrap();
    let original: String = conn
        .query_row(&format!("SELECT hash FROM swap WHERE id = {b}"), [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(moved, Some(original), "the swap did not happen");
    drop(conn);
    let r = verify_after_tampering(&s, dir.path());
    assert_broken(&r);
    assert!(r.stderr.contains(&format!("event {a}:")), "{:?}", r.stderr);
}

// ---- backup ----------------------------------------------------------------------------------

#[test]
fn backup_copies_the_database_and_never_overwrites() {
    let s = Sandbox::new();
    let dir = TempDir::new().unwrap();
    demo(&s, dir.path(), 8, 5);
    let out = TempDir::new().unwrap();
    let file = out.path().join("copy.db");
    let r = s.run_in(dir.path(), &["backup", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(file.is_file(), "no backup file at {}", file.display());
    let (src, copy) = (db(dir.path()), Connection::open(&file).unwrap());
    assert_eq!(count(&copy, "SELECT count(*) FROM tickets"), 8);
    assert_eq!(
        count(&copy, "SELECT count(*) FROM tickets"),
        count(&src, "SELECT count(*) FROM tickets")
    );
    assert_eq!(audit_hashes(&copy), audit_hashes(&src));
    drop(copy);

    let bytes = std::fs::read(&file).unwrap();
    let again = s.run_in(dir.path(), &["backup", file.to_str().unwrap()]);
    assert_eq!(again.code, 3, "{again:?}");
    assert!(
        again.stderr.contains("error[INVALID_INPUT]"),
        "{:?}",
        again.stderr
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "the refused backup changed the file"
    );

    let precious = out.path().join("notes.txt");
    std::fs::write(&precious, "not a database").unwrap();
    let onto = s.run_in(dir.path(), &["backup", precious.to_str().unwrap()]);
    assert_eq!(onto.code, 3, "{onto:?}");
    assert!(onto.stderr.contains("error[INVALID_INPUT]"));
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "not a database"
    );
}

// ---- usage, help and the data directory ------------------------------------------------------

#[test]
fn usage_errors_exit_2_and_touch_nothing() {
    let s = Sandbox::new();
    let dir = TempDir::new().unwrap();
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["demo-data", "--bogus"][..],
        &["demo-data", "--tickets", "many"][..],
        &["demo-data", "--seed", "-1"][..],
        &["backup"][..],
        &["verify-audit", "extra"][..],
    ] {
        let r = s.run_in(dir.path(), args);
        assert_eq!(r.code, 2, "{args:?}: {r:?}");
        assert!(
            r.stderr.contains("error"),
            "{args:?}: usage errors explain themselves on stderr: {r:?}"
        );
    }
    let r = s.run(&["--no-such-flag", "verify-audit"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(
        files_under(dir.path()).is_empty(),
        "a usage error opened the database"
    );
    assert!(s.home_files().is_empty());
}

#[test]
fn help_lists_the_exit_codes() {
    let s = Sandbox::new();
    let r = s.run(&["--help"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("Exit codes"), "{:?}", r.stdout);
    for line in [
        "0  success",
        "1  verification failed",
        "2  usage error",
        "3  any other error",
    ] {
        assert!(
            r.stdout.contains(line),
            "--help is missing {line:?}: {:?}",
            r.stdout
        );
    }
    for sub in ["demo-data", "verify-audit", "backup"] {
        assert!(r.stdout.contains(sub), "--help does not list {sub}");
    }
    assert!(s.home_files().is_empty());
}

#[test]
fn data_dir_env_is_used_when_the_flag_is_absent() {
    let s = Sandbox::new();
    let env_dir = TempDir::new().unwrap();
    let run_env = |args: &[&str]| -> Run {
        s.command(args)
            .env(DATA_DIR_ENV, env_dir.path())
            .output()
            .unwrap()
            .into()
    };
    let r = run_env(&["demo-data", "--tickets", "3", "--seed", "4"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        count(&db(env_dir.path()), "SELECT count(*) FROM tickets"),
        3
    );
    let v = run_env(&["verify-audit"]);
    assert_eq!(v.code, 0, "{v:?}");
    assert!(v.stdout.contains("intact"), "{:?}", v.stdout);
    assert!(
        s.home_files().is_empty(),
        "the env dir was set, yet the OS data directory was written"
    );

    // The flag wins over the environment.
    let flag_dir = TempDir::new().unwrap();
    let other_env = TempDir::new().unwrap();
    let r: Run = s
        .command(&[
            "--data-dir",
            flag_dir.path().to_str().unwrap(),
            "demo-data",
            "--tickets",
            "2",
        ])
        .env(DATA_DIR_ENV, other_env.path())
        .output()
        .unwrap()
        .into();
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(
        count(&db(flag_dir.path()), "SELECT count(*) FROM tickets"),
        2
    );
    assert!(
        files_under(other_env.path()).is_empty(),
        "--data-dir was given, yet {DATA_DIR_ENV} was used"
    );
}

/// Names, titles and notes are untrusted: a right-to-left override or zero-width space in them
/// is printed as its marker (`⟦U+202E⟧`, the window's), never applied to the terminal.
#[test]
fn hidden_characters_in_names_are_printed_as_markers() {
    use ticketflow_core::directory::{NewCompany, NewTechnician, TechTier, Tier};
    use ticketflow_core::sla::Calendar;
    use ticketflow_core::store::{DeskSetup, RunbookInput};

    const LYING: &str = "invoice_\u{202E}fdp.exe";
    const SHOWN: &str = "invoice_\u{27E6}U+202E\u{27E7}fdp.exe";
    let s = Sandbox::new();
    let dir = TempDir::new().unwrap();
    let now = Utc::now();
    {
        let mut store = Store::open(&dir.path().join(DB_FILE)).unwrap();
        let setup = DeskSetup {
            desk_name: "Northwind IT".into(),
            time_zone: "Europe/Berlin".into(),
            technician: NewTechnician {
                name: format!("Dana {LYING}"),
                tier: TechTier::Tier2,
                email: None,
                on_call: false,
            },
        };
        store.set_up_desk(&setup, "739164", now).unwrap();
        let company = NewCompany {
            name: format!("{LYING} Ltd"),
            tier: Tier::Gold,
            calendar: Calendar::AlwaysOn,
        };
        let company = store.add_company(&company, "admin", now).unwrap();
        let entry = RunbookInput {
            company_id: Some(company.id),
            title: format!("Scanner {LYING}"),
            body: "Share path\u{200B} changed".into(),
        };
        store
            .create_runbook_entry(&entry, None, "admin", now)
            .unwrap();
    }

    let techs = s.run_in(dir.path(), &["technician", "list"]);
    assert_eq!(techs.code, 0, "{techs:?}");
    assert!(techs.stdout.contains(&format!("Dana {SHOWN}")), "{techs:?}");

    let list = s.run_in(dir.path(), &["runbook", "list"]);
    assert_eq!(list.code, 0, "{list:?}");
    assert!(list.stdout.contains(&format!("{SHOWN} Ltd")), "{list:?}");
    assert!(
        list.stdout.contains(&format!("Scanner {SHOWN}")),
        "{list:?}"
    );

    let show = s.run_in(dir.path(), &["runbook", "show", "1"]);
    assert_eq!(show.code, 0, "{show:?}");
    assert!(
        show.stdout
            .contains("Share path\u{27E6}U+200B\u{27E7} changed"),
        "{show:?}"
    );

    let qbr = s.run_in(
        dir.path(),
        &[
            "qbr",
            "--client",
            &format!("{LYING} Ltd"),
            "--from",
            "2026-01-01",
            "--to",
            "2026-03-31",
        ],
    );
    assert_eq!(qbr.code, 0, "{qbr:?}");
    assert!(qbr.stdout.contains(&format!("QBR {SHOWN} Ltd")), "{qbr:?}");

    for r in [&techs, &list, &show, &qbr] {
        assert!(
            !r.stdout.contains('\u{202E}') && !r.stdout.contains('\u{200B}'),
            "a hidden character was printed as it is: {r:?}"
        );
    }
}
