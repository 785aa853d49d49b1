//! The desk's template history in the store: a draft is edited and published as a new version,
//! new tickets start on the newest version while tickets under way keep theirs, a template with
//! problems is refused with every problem and nothing written, restoring adds a version, files
//! carry a template from one desk to another, every change is audited, and the published rows
//! cannot be changed behind the store's back.

mod common;

use common::{Desk, TECH};
use rusqlite::Connection;
use serde_json::json;
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use ticketflow_core::store::{read_template_file, Store};
use ticketflow_core::template::versions::DESK_TEMPLATE_KEY;
use ticketflow_core::template::{
    exchange, Condition, Field, FieldKind, Gate, Step, Template, BUILTIN_KEY,
};

const BACKUP_CHECK: &str = "backup_check";

/// A desk in a database file, so that the test can also reach it with raw SQL.
fn desk_on_file() -> (Desk, TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    (Desk::on_file(&path), dir, path)
}

/// The desk's own step: an optional check at the start of diagnosis.
fn backup_step() -> Step {
    Step {
        number: 0,
        key: BACKUP_CHECK.into(),
        title: "Check the last backup".into(),
        guidance: "Make sure the device's last backup finished before changing anything.".into(),
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
    }
}

/// `t` with the desk's own step first in diagnosis.
fn with_backup_step(mut t: Template) -> Template {
    t.phases[1].steps.insert(0, backup_step());
    t
}

/// `t` without a step every template must keep: publishing it is refused.
fn without_verification(mut t: Template) -> Template {
    for p in &mut t.phases {
        p.steps.retain(|s| s.key != "verify_fix");
    }
    t
}

fn count(path: &Path, sql: &str) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

fn actions(path: &Path) -> Vec<(String, serde_json::Value)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT action, after FROM audit_events WHERE action LIKE 'template%' ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>("action")?,
                serde_json::from_str(&r.get::<_, String>("after")?).unwrap(),
            ))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// Publishes `t` through the draft, as the Templates screen does.
fn publish(store: &mut Store, t: &Template, note: &str, now: chrono::DateTime<chrono::Utc>) -> u32 {
    store.start_template_draft(TECH, now).unwrap();
    let d = store.save_template_draft(t, TECH, now).unwrap();
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    store.publish_template(note, TECH, now).unwrap().version
}

#[test]
fn new_tickets_start_on_the_published_version_and_tickets_under_way_keep_theirs() {
    let (mut desk, _dir, _path) = desk_on_file();
    let now = desk.now;
    let old = desk.intake();
    assert_eq!(desk.store.ticket(old).unwrap().template_version, 1);

    let draft = desk.store.start_template_draft(TECH, now).unwrap();
    assert_eq!(draft.base_version, 1);
    assert_eq!(
        draft.template.phases,
        desk.store.published_template().unwrap().phases
    );
    let edited = with_backup_step(draft.template);
    let saved = desk.store.save_template_draft(&edited, TECH, now).unwrap();
    // Saved renumbered: the desk's step is 6 and the built-in steps after it move down one.
    assert_eq!(saved.template.number_of(BACKUP_CHECK), Some(6));
    assert_eq!(saved.template.number_of("reproduce"), Some(7));
    assert!(saved.problems.is_empty(), "{:?}", saved.problems);

    let v2 = desk
        .store
        .publish_template("Backup check before any change", TECH, now)
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.based_on, Some(1));
    assert_eq!(v2.published_by, TECH);
    assert_eq!(v2.steps, 22);
    assert!(
        desk.store.template_overview().unwrap().draft.is_none(),
        "publishing closes the draft"
    );

    let new = desk.store.create_ticket(TECH, now).unwrap();
    assert_eq!(
        (new.template_key.as_str(), new.template_version),
        (BUILTIN_KEY, 2)
    );
    let new_template = desk.store.template(&new.template_key, 2).unwrap();
    assert_eq!(new_template.number_of(BACKUP_CHECK), Some(6));

    // The ticket under way still runs on version 1: its step 6 is still "reproduce".
    let t = desk.store.ticket(old).unwrap();
    assert_eq!(t.template_version, 1);
    let v1 = desk.store.template(BUILTIN_KEY, 1).unwrap();
    assert_eq!(v1.number_of(BACKUP_CHECK), None);
    desk.store
        .complete_step(
            old,
            5,
            common::vals(json!({"problem_statement": "Outlook will not start"})),
            TECH,
            now,
        )
        .unwrap();
    let done = desk
        .store
        .complete_step(
            old,
            6,
            common::vals(json!({"notes": "Fails on the user's profile"})),
            TECH,
            now,
        )
        .unwrap();
    assert!(done.is_done(6));
    assert_eq!(v1.step(6).unwrap().key, "reproduce");

    let overview = desk.store.template_overview().unwrap();
    assert_eq!(overview.published.version, 2);
    let counts: Vec<(u32, i64)> = overview
        .versions
        .iter()
        .map(|v| (v.version, v.tickets))
        .collect();
    assert_eq!(
        counts,
        vec![(2, 1), (1, 1)],
        "newest first, with their tickets"
    );
    assert_eq!(overview.versions[1].published_by, "built-in");
    assert_eq!(overview.versions[1].based_on, None);
}

#[test]
fn a_template_with_problems_is_saved_as_a_draft_but_never_published() {
    let (mut desk, _dir, path) = desk_on_file();
    let now = desk.now;
    let bad = without_verification(desk.store.published_template().unwrap());
    let draft = desk.store.save_template_draft(&bad, TECH, now).unwrap();
    assert!(
        !draft.problems.is_empty(),
        "removing a protected step is a problem"
    );
    let before = (
        count(&path, "SELECT count(*) FROM templates"),
        count(&path, "SELECT count(*) FROM template_versions"),
        count(&path, "SELECT count(*) FROM audit_events"),
    );

    let e = desk
        .store
        .publish_template("Shorter", TECH, now)
        .unwrap_err();
    assert_eq!(e.code(), "TEMPLATE_INVALID");
    for p in &draft.problems {
        assert!(
            e.to_string().contains(&p.path),
            "{e} does not name {}",
            p.path
        );
    }
    // Straight from a file, the same refusal.
    let e = desk
        .store
        .publish_imported_template(&bad, "Shorter", TECH, now)
        .unwrap_err();
    assert_eq!(e.code(), "TEMPLATE_INVALID");

    let after = (
        count(&path, "SELECT count(*) FROM templates"),
        count(&path, "SELECT count(*) FROM template_versions"),
        count(&path, "SELECT count(*) FROM audit_events"),
    );
    assert_eq!(before, after, "nothing was written");
    assert_eq!(desk.store.template_overview().unwrap().published.version, 1);
    let kept = desk
        .store
        .template_overview()
        .unwrap()
        .draft
        .expect("the draft stays");
    assert_eq!(kept.problems, draft.problems);
}

#[test]
fn publishing_needs_a_draft_a_note_and_a_change() {
    let mut desk = Desk::new();
    let now = desk.now;
    let e = desk.store.publish_template("note", TECH, now).unwrap_err();
    assert_eq!(e.code(), "NO_TEMPLATE_DRAFT");
    assert_eq!(
        desk.store
            .discard_template_draft(TECH, now)
            .unwrap_err()
            .code(),
        "NO_TEMPLATE_DRAFT"
    );

    let first = desk.store.start_template_draft(TECH, now).unwrap();
    let later = desk.tick(5);
    let again = desk
        .store
        .start_template_draft("Someone Else", later)
        .unwrap();
    assert_eq!(again, first, "starting again opens the draft under way");
    assert_eq!(
        desk.store
            .publish_template("same as before", TECH, now)
            .unwrap_err()
            .code(),
        "TEMPLATE_UNCHANGED"
    );

    desk.store
        .save_template_draft(&with_backup_step(first.template), TECH, now)
        .unwrap();
    assert_eq!(
        desk.store
            .publish_template("   ", TECH, now)
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
    desk.store.discard_template_draft(TECH, now).unwrap();
    assert!(desk.store.template_overview().unwrap().draft.is_none());
    assert_eq!(desk.store.template_overview().unwrap().versions.len(), 1);
}

#[test]
fn restoring_publishes_a_copy_of_the_old_steps_as_a_new_version() {
    let mut desk = Desk::new();
    let now = desk.now;
    let v1 = desk.store.published_template().unwrap();
    publish(
        &mut desk.store,
        &with_backup_step(v1.clone()),
        "Backup check",
        now,
    );

    let later = desk.tick(10);
    let v3 = desk
        .store
        .restore_template_version(1, "Back to the built-in steps", TECH, later)
        .unwrap();
    assert_eq!(v3.version, 3);
    assert_eq!(v3.based_on, Some(1));
    let restored = desk.store.template_version(3).unwrap();
    assert_eq!(restored.phases, v1.phases);
    assert_eq!(restored.name, v1.name);
    // Version 2 is still there, unchanged, and new tickets start on 3.
    assert_eq!(
        desk.store
            .template_version(2)
            .unwrap()
            .number_of(BACKUP_CHECK),
        Some(6)
    );
    assert_eq!(
        desk.store
            .create_ticket(TECH, now)
            .unwrap()
            .template_version,
        3
    );
    assert!(desk.store.template_diff(1, 3).unwrap().is_empty());
    assert!(!desk.store.template_diff(1, 2).unwrap().is_empty());

    assert_eq!(
        desk.store
            .restore_template_version(9, "no such", TECH, now)
            .unwrap_err()
            .code(),
        "TEMPLATE_VERSION_UNKNOWN"
    );
    assert_eq!(
        desk.store.template_version(9).unwrap_err().code(),
        "TEMPLATE_VERSION_UNKNOWN"
    );
    assert_eq!(
        desk.store
            .restore_template_version(3, "the newest again", TECH, now)
            .unwrap_err()
            .code(),
        "TEMPLATE_UNCHANGED"
    );
}

#[test]
fn a_template_exported_from_one_desk_imports_into_an_empty_desk_with_the_same_steps() {
    let mut desk = Desk::new();
    let now = desk.now;
    let edited = with_backup_step(desk.store.published_template().unwrap());
    publish(&mut desk.store, &edited, "Backup check", now);
    let source = desk.store.published_template().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("template.json");
    std::fs::write(&file, exchange::to_json(&source)).unwrap();

    let mut empty = Store::open(&dir.path().join("other.sqlite3")).unwrap();
    let read = read_template_file(&file).unwrap();
    let info = empty
        .publish_imported_template(&read, "From the main desk", "Other Tech", now)
        .unwrap();
    assert_eq!(info.version, 2);
    let imported = empty.published_template().unwrap();
    assert_eq!(
        imported.phases, source.phases,
        "the same steps, numbers and rules"
    );
    assert_eq!(imported.key, DESK_TEMPLATE_KEY);
    assert_eq!(
        empty
            .create_ticket("Other Tech", now)
            .unwrap()
            .template_version,
        2
    );

    // A file breaking a rule is refused as it is read, with every problem by its path.
    let bad = dir.path().join("bad.json");
    let broken = without_verification(source);
    std::fs::write(&bad, exchange::to_json(&broken)).unwrap();
    match read_template_file(&bad).unwrap_err() {
        ticketflow_core::Error::TemplateInvalid(problems) => {
            assert_eq!(
                problems,
                ticketflow_core::template::versions::problems(&broken)
            )
        }
        e => panic!("{e}"),
    }
    assert_eq!(empty.template_overview().unwrap().published.version, 2);

    // Not a template at all: every problem, nothing read.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"phases\": 7}").unwrap();
    let e = read_template_file(&junk).unwrap_err();
    assert_eq!(e.code(), "TEMPLATE_INVALID", "{e}");
}

#[test]
fn every_template_change_is_audited() {
    let (mut desk, _dir, path) = desk_on_file();
    let now = desk.now;
    let v1 = desk.store.published_template().unwrap();
    desk.store.start_template_draft(TECH, now).unwrap();
    desk.store
        .save_template_draft(&with_backup_step(v1.clone()), TECH, now)
        .unwrap();
    desk.store
        .publish_template("Backup check", TECH, now)
        .unwrap();
    desk.store
        .restore_template_version(1, "Undo the backup check", TECH, now)
        .unwrap();
    desk.store.start_template_draft(TECH, now).unwrap();
    desk.store.discard_template_draft(TECH, now).unwrap();

    let got: Vec<String> = actions(&path).into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        got,
        [
            "template_draft_started",
            "template_draft_saved",
            "template_published",
            "template_restored",
            "template_draft_started",
            "template_draft_discarded",
        ]
    );
    let events = actions(&path);
    let published = &events[2].1;
    assert_eq!(published["version"], 2);
    assert_eq!(published["note"], "Backup check");
    let changes = published["changes"].as_array().expect("the diff summary");
    assert!(!changes.is_empty());
    assert!(
        published["changes"].to_string().contains(BACKUP_CHECK),
        "the diff names the added step: {published}"
    );
    assert_eq!(events[3].1["based_on"], 1);
    desk.store.verify_audit().unwrap();
}

#[test]
fn published_versions_cannot_be_changed_or_removed_with_raw_sql() {
    let (mut desk, _dir, path) = desk_on_file();
    let now = desk.now;
    let v1 = desk.store.published_template().unwrap();
    publish(&mut desk.store, &with_backup_step(v1), "Backup check", now);
    desk.store.start_template_draft(TECH, now).unwrap();

    let conn = Connection::open(&path).unwrap();
    for sql in [
        "UPDATE templates SET body = '{}' WHERE version = 1",
        "UPDATE templates SET name = 'x' WHERE version = 2",
        "DELETE FROM templates WHERE version = 2",
        "UPDATE template_versions SET published_by = 'someone' WHERE version = 2",
        "UPDATE template_versions SET note = '' WHERE version = 1",
        "DELETE FROM template_versions WHERE version = 2",
    ] {
        let e = conn.execute(sql, []).unwrap_err();
        assert!(e.to_string().contains("APPEND_ONLY"), "{sql}: {e}");
    }
    // The draft is work in progress: it may go.
    conn.execute("DELETE FROM template_drafts", []).unwrap();
    assert_eq!(count(&path, "SELECT count(*) FROM templates"), 2);
    drop(conn);

    // Dropping a guard is named by verification.
    let copy = path.with_file_name("dropped.sqlite3");
    desk.store.backup(&copy).unwrap();
    Connection::open(&copy)
        .unwrap()
        .execute_batch("DROP TRIGGER templates_append_only_update")
        .unwrap();
    let e = Store::open(&copy).unwrap().verify_audit().unwrap_err();
    assert_eq!(e.code(), "GUARDS_MISSING");
    assert!(
        e.to_string().contains("templates_append_only_update"),
        "{e}"
    );
}

#[test]
fn a_desk_from_before_template_history_gets_the_built_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v5.db");
    std::fs::copy(&fixture, &path).unwrap();
    let (tickets, first_event): (i64, String) = Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT (SELECT count(*) FROM tickets), (SELECT min(at) FROM audit_events)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(tickets > 0);

    let mut store = Store::open(&path).unwrap();
    let o = store.template_overview().unwrap();
    assert_eq!(o.versions.len(), 1);
    assert_eq!(o.published.version, 1);
    assert_eq!(o.published.published_by, "built-in");
    assert_eq!(o.published.tickets, tickets);
    assert_eq!(
        ticketflow_core::audit::timestamp(o.published.published_at),
        first_event,
        "published when the desk's history began"
    );
    // And it edits like any desk.
    let now = o.published.published_at + chrono::Duration::days(1);
    let edited = with_backup_step(store.published_template().unwrap());
    assert_eq!(publish(&mut store, &edited, "Backup check", now), 2);
    store.verify_audit().unwrap();
}
