//! `ticketflow-cli template`: list the versions, export one, check a file, publish a file as a new
//! version — with every problem of a bad file listed by its path, a non-zero exit and nothing
//! written. Every run gets its own data directory and a sandboxed HOME.

use ticketflow_core::template::{
    exchange, versions, Condition, Field, FieldKind, Gate, Step, Template,
};

use std::path::Path;

#[path = "common/cli_desk.rs"]
mod cli_desk;

use cli_desk::{CliDesk, TECH};

impl CliDesk {
    /// How many template versions, history rows and audit events the desk holds.
    fn written(&self) -> (i64, i64, i64) {
        self.sql()
            .query_row(
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
    let desk = CliDesk::new("Template IT");
    let builtin = desk.store().published_template().unwrap();

    let list = desk.run(&["template", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.contains("built-in"), "{}", list.stdout);

    let exported = desk.path("v1.json");
    let r = desk.run(&["template", "export", "--out", s(&exported)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let back = exchange::from_json(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(back.phases, builtin.phases);

    let edited = desk.path("edited.json");
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
    let old = desk.path("old.json");
    let r = desk.run(&["template", "export", "--version", "1", "--out", s(&old)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read(&old).unwrap(),
        std::fs::read(&exported).unwrap()
    );
    let missing = desk.path("missing.json");
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
    let desk = CliDesk::new("Template IT");
    let bad = broken(desk.store().published_template().unwrap());
    let expected = versions::problems(&bad);
    assert!(expected.len() >= 2, "{expected:?}");
    let file = desk.path("bad.json");
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
    let junk = desk.path("junk.json");
    std::fs::write(&junk, "{\"name\": 7").unwrap();
    let r = desk.run(&["template", "import", s(&junk), "--note", "junk"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("TEMPLATE_INVALID"), "{}", r.stderr);
    assert_eq!(desk.run(&["template", "validate", s(&junk)]).code, 1);

    // A note is required.
    let good = desk.path("good.json");
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
    let main = CliDesk::new("Template IT");
    let edited = main.path("edited.json");
    let builtin = main.store().published_template().unwrap();
    std::fs::write(&edited, exchange::to_json(&with_backup_step(builtin))).unwrap();
    assert_eq!(
        main.run(&["template", "import", s(&edited), "--note", "ours"])
            .code,
        0
    );
    let out = main.path("ours.json");
    assert_eq!(main.run(&["template", "export", "--out", s(&out)]).code, 0);

    let other = CliDesk::new("Template IT");
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
