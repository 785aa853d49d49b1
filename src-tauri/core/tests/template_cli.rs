//! `ticketflow-cli template`: list the versions, export one, check a file, publish a file as a new
//! version — with every problem of a bad file listed by its path, a non-zero exit and nothing
//! written. Every run gets its own data directory and a sandboxed HOME.

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;
use ticketflow_core::directory::{NewTechnician, TechTier};
use ticketflow_core::store::{DeskSetup, Store};
use ticketflow_core::template::{
    exchange, versions, Condition, Field, FieldKind, Gate, Step, Template,
};

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");
const TECH: &str = "Rae Quill";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// A set-up desk in its own data directory, `TECH` its current technician.
struct CliDesk {
    home: TempDir,
    dir: TempDir,
}

impl CliDesk {
    fn new() -> CliDesk {
        let dir = TempDir::new().unwrap();
        let mut store = Store::open(&dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
        store
            .set_up_desk(
                &DeskSetup {
                    desk_name: "Template IT".into(),
                    time_zone: "UTC".into(),
                    technician: NewTechnician {
                        name: TECH.into(),
                        tier: TechTier::Tier1,
                        email: None,
                        on_call: false,
                    },
                },
                "482913",
                Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
            )
            .unwrap();
        CliDesk {
            home: TempDir::new().unwrap(),
            dir,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        let o = Command::new(BIN)
            .arg("--data-dir")
            .arg(self.dir.path())
            .args(args)
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("xdg"))
            .stdin(Stdio::null())
            .output()
            .unwrap();
        Run {
            code: o.status.code().expect("the CLI was killed by a signal"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.home.path().join(name)
    }

    fn store(&self) -> Store {
        Store::open(&self.dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap()
    }

    /// How many template versions, history rows and audit events the desk holds.
    fn written(&self) -> (i64, i64, i64) {
        let conn = Connection::open(self.dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
        conn.query_row(
            "SELECT (SELECT count(*) FROM templates), (SELECT count(*) FROM template_versions),
                    (SELECT count(*) FROM audit_events)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The built-in template with the desk's own step first in diagnosis.
fn with_backup_step(mut t: Template) -> Template {
    t.phases[1].steps.insert(
        0,
        Step {
            number: 0,
            key: "backup_check".into(),
            title: "Check the last backup".into(),
            guidance: "Make sure the last backup finished before changing anything.".into(),
            fields: vec![Field {
                key: "backup_note".into(),
                label: "Last backup".into(),
                kind: FieldKind::Paragraph { max_chars: 1000 },
                required: false,
            }],
            condition: Condition::Always,
            gate: Gate::Custom,
            requires: vec![],
            resets: vec![],
            required: false,
            tools: vec![],
        },
    );
    t
}

/// Two problems at once: a protected step removed and a blank step title.
fn broken(mut t: Template) -> Template {
    for p in &mut t.phases {
        p.steps.retain(|s| s.key != "verify_fix");
    }
    t.phases[0].steps[0].title = "   ".into();
    t
}

#[test]
fn export_import_and_list_versions() {
    let desk = CliDesk::new();
    let builtin = desk.store().published_template().unwrap();

    let list = desk.run(&["template", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("built-in"), "{}", list.stdout);

    let exported = desk.file("v1.json");
    let r = desk.run(&["template", "export", "--out", s(&exported)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let back = exchange::from_json(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(back.phases, builtin.phases);

    let edited = desk.file("edited.json");
    std::fs::write(&edited, exchange::to_json(&with_backup_step(builtin))).unwrap();
    let r = desk.run(&["template", "validate", s(&edited)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let r = desk.run(&[
        "template",
        "import",
        s(&edited),
        "--note",
        "Backup check first",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("published version 2"), "{}", r.stdout);

    let list = desk.run(&["template", "list"]);
    let v2 = list
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with('2'))
        .unwrap_or_else(|| panic!("no version 2 in\n{}", list.stdout));
    for part in [TECH, "Backup check first", "(from v1)", "22"] {
        assert!(v2.contains(part), "{part} missing from {v2:?}");
    }
    let store = desk.store();
    assert_eq!(
        store
            .published_template()
            .unwrap()
            .number_of("backup_check"),
        Some(6)
    );

    // An older version by number.
    let old = desk.file("old.json");
    let r = desk.run(&["template", "export", "--version", "1", "--out", s(&old)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(&old).unwrap(),
        std::fs::read(&exported).unwrap()
    );
    let missing = desk.file("missing.json");
    let r = desk.run(&["template", "export", "--version", "9", "--out", s(&missing)]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("TEMPLATE_VERSION_UNKNOWN"),
        "{}",
        r.stderr
    );
    assert!(!missing.exists());
}

#[test]
fn a_bad_file_is_refused_with_every_problem_and_nothing_written() {
    let desk = CliDesk::new();
    let bad = broken(desk.store().published_template().unwrap());
    let expected = versions::problems(&bad);
    assert!(expected.len() >= 2, "{expected:?}");
    let file = desk.file("bad.json");
    std::fs::write(&file, exchange::to_json(&bad)).unwrap();
    let before = desk.written();

    let r = desk.run(&["template", "validate", s(&file)]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    for p in &expected {
        assert!(
            r.stdout.contains(&format!("{}: ", p.path)),
            "{} missing:\n{}",
            p.path,
            r.stdout
        );
        assert!(
            r.stdout.contains(&p.code),
            "{} missing:\n{}",
            p.code,
            r.stdout
        );
    }

    let r = desk.run(&["template", "import", s(&file), "--note", "Shorter"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("error[TEMPLATE_INVALID]"), "{}", r.stderr);
    for p in &expected {
        assert!(
            r.stderr.contains(&format!("{}: ", p.path)),
            "{} missing:\n{}",
            p.path,
            r.stderr
        );
    }
    assert_eq!(desk.written(), before, "nothing was written");

    // Not a template at all.
    let junk = desk.file("junk.json");
    std::fs::write(&junk, "{\"name\": 7").unwrap();
    let r = desk.run(&["template", "import", s(&junk), "--note", "junk"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("TEMPLATE_INVALID"), "{}", r.stderr);
    assert_eq!(desk.run(&["template", "validate", s(&junk)]).code, 1);

    // A note is required.
    let good = desk.file("good.json");
    let edited = with_backup_step(desk.store().published_template().unwrap());
    std::fs::write(&good, exchange::to_json(&edited)).unwrap();
    assert_eq!(desk.run(&["template", "import", s(&good)]).code, 2);
    let r = desk.run(&["template", "import", s(&good), "--note", "  "]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("INVALID_INPUT"), "{}", r.stderr);
    assert_eq!(desk.written(), before, "nothing was written");
}

#[test]
fn a_template_exported_from_one_desk_imports_into_another() {
    let main = CliDesk::new();
    let edited = main.file("edited.json");
    let builtin = main.store().published_template().unwrap();
    std::fs::write(&edited, exchange::to_json(&with_backup_step(builtin))).unwrap();
    assert_eq!(
        main.run(&["template", "import", s(&edited), "--note", "ours"])
            .code,
        0
    );
    let out = main.file("ours.json");
    assert_eq!(main.run(&["template", "export", "--out", s(&out)]).code, 0);

    let other = CliDesk::new();
    let r = other.run(&[
        "template",
        "import",
        s(&out),
        "--note",
        "From the main desk",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        other.store().published_template().unwrap().phases,
        main.store().published_template().unwrap().phases
    );
    // The same file again changes nothing: refused.
    let r = other.run(&["template", "import", s(&out), "--note", "again"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("TEMPLATE_UNCHANGED"), "{}", r.stderr);
}
