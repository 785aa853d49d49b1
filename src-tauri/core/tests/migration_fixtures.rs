//! Databases written by every released schema version must open, migrate and keep their data,
//! hashes and signatures intact. One fixture per released version lives in tests/fixtures/
//! (schema-vN.db, written by that release's `ticketflow-cli demo-data --tickets 25 --seed 11`,
//! then copied with its `backup` command):
//!
//! - schema-v1.db: schema 1 (migration 0001)
//! - schema-v2.db: schema 2, the release at commit 27e486f (migrations 0001–0002)
//! - schema-v5.db: schema 5, the release at commit 1cb0146 (migrations 0001–0005: technician
//!   PINs, the documents full-text index)
//!
//! Every check compares the migrated store with what the fixture held before it was opened (read
//! with a plain read-only connection), so a migration that drops or rewrites data fails here.
//! A new release with a new schema version adds its fixture to `FIXTURES`.

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
/// The demo PIN when the fixtures were written: four digits, from before the six-digit rule.
/// Such a PIN keeps working after the upgrade, and asks to be changed once it is used.
const DEMO_PIN: &str = "2468";
use ticketflow_core::store::{DocumentKind, QueueQuery, Store, FREE_ATTEMPTS};
use ticketflow_core::ticket::TicketStatus;
use ticketflow_core::Error;

/// Each fixture and the schema version its name claims.
const FIXTURES: &[(&str, i64)] = &[
    ("schema-v1.db", 1),
    ("schema-v2.db", 2),
    ("schema-v5.db", 5),
];

/// The steps that carry a signature on a closed ticket: hand-over (end user) and closure.
const SIGNED_STEPS: [u8; 2] = [13, 21];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The schema version the code migrates to: one per migration file (NNNN_name.sql).
fn current_schema_version() -> i64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let n = std::fs::read_dir(&dir)
        .expect("migrations directory")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| {
            name.ends_with(".sql")
                && name.len() > 5
                && name[..4].bytes().all(|b| b.is_ascii_digit())
                && name.as_bytes()[4] == b'_'
        })
        .count();
    i64::try_from(n).expect("migration count")
}

/// Copies a fixture into a temporary directory, so the committed file is never written to.
fn copy_fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let dst = dir.path().join("t.db");
    std::fs::copy(fixtures_dir().join(name), &dst).expect("fixture copies");
    (dir, dst)
}

fn read_only(path: &Path) -> Connection {
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .expect("raw read-only connection")
}

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version")
}

fn has_column(conn: &Connection, table: &str, column: &str) -> bool {
    conn.query_row(
        "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2",
        [table, column],
        |_| Ok(()),
    )
    .optional()
    .expect("table_info")
    .is_some()
}

fn has_table(conn: &Connection, table: &str) -> bool {
    conn.query_row(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |_| Ok(()),
    )
    .optional()
    .expect("sqlite_master")
    .is_some()
}

/// A closed ticket as the fixture stores it.
struct ClosedTicket {
    number: String,
    record_hash: String,
    record: String,
    /// The current signature of each signed step.
    signatures: BTreeMap<u8, Value>,
}

/// What a fixture holds, read straight from the file before any migration runs.
struct Before {
    tickets: i64,
    closed: BTreeMap<i64, ClosedTicket>,
    audit_events: u64,
    audit_head: String,
    runbook_entries: i64,
    /// Each ticket's problem statement (the title of its search document; empty while new).
    problems: BTreeMap<i64, String>,
    /// Technicians, and whether each has a PIN (none before schema 3).
    technicians: BTreeMap<String, bool>,
    /// The documents index's rows (schema 4 on): (kind, ref_id) -> body.
    documents: Option<BTreeMap<(String, i64), String>>,
}

fn strokes_points(sig: &Value) -> usize {
    sig["strokes"]
        .as_array()
        .expect("a signature has strokes")
        .iter()
        .map(|s| s.as_array().expect("a stroke is a list of points").len())
        .sum()
}

/// Reads the fixture copy with a plain read-only connection, after checking that its
/// `user_version` is the version its name claims.
fn read_before(path: &Path, version: i64) -> Before {
    let conn = read_only(path);
    assert_eq!(
        user_version(&conn),
        version,
        "{} is not a schema {version} database",
        path.display()
    );
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let tickets = count("SELECT count(*) FROM tickets");
    let audit_events = u64::try_from(count("SELECT count(*) FROM audit_events")).unwrap();
    let runbook_entries = count("SELECT count(*) FROM runbook_entries");
    let audit_head: String = conn
        .query_row(
            "SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("audit head");

    let mut closed = BTreeMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT t.id, t.number, t.record_hash, c.record FROM tickets t
             JOIN closure_records c ON c.ticket_id = t.id
             WHERE t.status = 'closed' ORDER BY t.id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (id, number, record_hash, record) = row.unwrap();
        let mut signatures = BTreeMap::new();
        for step in SIGNED_STEPS {
            let vals: String = conn
                .query_row(
                    "SELECT vals FROM step_records WHERE ticket_id = ?1 AND step = ?2
                     AND superseded = 0 ORDER BY id DESC LIMIT 1",
                    rusqlite::params![id, step],
                    |r| r.get(0),
                )
                .unwrap_or_else(|e| panic!("{number} step {step} has no record: {e}"));
            let vals: Value = serde_json::from_str(&vals).unwrap();
            let sig = vals["signature"].clone();
            assert!(
                strokes_points(&sig) >= 10,
                "{number} step {step}: the fixture's own signature has hardly any strokes"
            );
            signatures.insert(step, sig);
        }
        closed.insert(
            id,
            ClosedTicket {
                number,
                record_hash,
                record,
                signatures,
            },
        );
    }
    drop(stmt);
    let closed_by_status = count("SELECT count(*) FROM tickets WHERE status = 'closed'");
    assert_eq!(
        closed.len() as i64,
        closed_by_status,
        "every closed ticket in the fixture has a sealed record"
    );

    let problems = conn
        .prepare("SELECT id, problem FROM tickets ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();

    let pin_sql = if has_column(&conn, "technicians", "pin_hash") {
        "SELECT name, pin_hash IS NOT NULL FROM technicians"
    } else {
        "SELECT name, 0 FROM technicians"
    };
    let technicians = conn
        .prepare(pin_sql)
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();

    let documents = has_table(&conn, "documents").then(|| {
        conn.prepare("SELECT kind, ref_id, body FROM documents")
            .unwrap()
            .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    });

    Before {
        tickets,
        closed,
        audit_events,
        audit_head,
        runbook_entries,
        problems,
        technicians,
        documents,
    }
}

/// A fixture read raw, then opened (and so migrated) by the current store.
struct Migrated {
    _dir: tempfile::TempDir,
    path: PathBuf,
    before: Before,
    store: Store,
}

fn migrate(name: &str, version: i64) -> Migrated {
    let (dir, path) = copy_fixture(name);
    let before = read_before(&path, version);
    let store = Store::open(&path).expect("the fixture opens and migrates");
    Migrated {
        _dir: dir,
        path,
        before,
        store,
    }
}

/// The longest word of a text (letters and digits), the one least likely to be common.
fn longest_word(text: &str) -> &str {
    text.split(|c: char| !c.is_alphanumeric())
        .max_by_key(|w| w.chars().count())
        .unwrap_or_default()
}

/// The check every fixture must pass: all tickets, the closed ones with their sealed records and
/// signatures, the whole audit chain, the technicians and their PINs, and every ticket findable
/// through the documents index (filled by migration 0004 for older fixtures).
fn assert_migrates_intact(name: &str, version: i64) {
    let Migrated {
        before,
        store,
        path,
        _dir: _keep,
    } = migrate(name, version);
    assert_eq!(
        before.tickets, 25,
        "{name}: fixtures are made with --tickets 25"
    );
    assert!(
        !before.closed.is_empty(),
        "{name}: no closed ticket to check"
    );

    assert_eq!(store.ticket_count().unwrap(), before.tickets, "{name}");
    assert_eq!(store.integrity_check().unwrap(), "ok", "{name}");

    // The chain as it was, then one ticket_sealed event per closed ticket (migration 0009: those
    // tickets were sealed before seals entered the chain, and their events say so), then the
    // event that marks where checkpoints began (migration 0010), which verification reports.
    let chain = store
        .verify_audit()
        .expect("audit chain intact after migration");
    let sealed_at_migration = before.closed.len() as u64;
    assert_eq!(
        chain.events,
        before.audit_events + sealed_at_migration + 1,
        "{name}: audit events"
    );
    assert_eq!(
        chain.checkpoints_began,
        Some(chain.events as i64),
        "{name}: checkpoints begin after the history the desk had"
    );
    assert_eq!(
        (chain.checkpoints, chain.unsigned_events),
        (0, chain.events),
        "{name}: no key yet, nothing signed"
    );
    assert_eq!(chain.sealed_tickets, sealed_at_migration, "{name}: seals");
    let raw = read_only(&path);
    let old_head: String = raw
        .query_row(
            "SELECT hash FROM audit_events WHERE id = ?1",
            [before.audit_events as i64],
            |r| r.get(0),
        )
        .expect("the old head is still in the chain");
    assert_eq!(old_head, before.audit_head, "{name}: audit head");
    let mut stmt = raw
        .prepare("SELECT ticket_id, actor, after FROM audit_events WHERE id > ?1 AND action = 'ticket_sealed' ORDER BY id")
        .unwrap();
    let added: Vec<(i64, String, String)> = stmt
        .query_map([before.audit_events as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let sealed_ids: Vec<i64> = added.iter().map(|(id, _, _)| *id).collect();
    assert_eq!(
        sealed_ids,
        before.closed.keys().copied().collect::<Vec<_>>(),
        "{name}: one seal event per closed ticket, in ticket order"
    );
    for (id, actor, after) in &added {
        let after: Value = serde_json::from_str(after).unwrap();
        assert_eq!(actor, "ticketflow (migration 0009)", "{name}");
        assert_eq!(after["recorded_at_migration"], Value::Bool(true), "{name}");
        assert_eq!(
            after["record_hash"].as_str(),
            Some(before.closed[id].record_hash.as_str()),
            "{name}: ticket {id}"
        );
    }

    let closed = store
        .queue(
            &QueueQuery {
                status: Some(TicketStatus::Closed),
                limit: Some(100),
                ..Default::default()
            },
            ticketflow_core::demo::anchor(),
        )
        .unwrap();
    let closed_ids: BTreeSet<i64> = closed.iter().map(|r| r.id).collect();
    let expected_ids: BTreeSet<i64> = before.closed.keys().copied().collect();
    assert_eq!(closed_ids, expected_ids, "{name}: closed tickets");
    for (&id, was) in &before.closed {
        let sealed = store
            .closure_record(id)
            .unwrap_or_else(|e| panic!("{name} {}: sealed record: {e}", was.number));
        assert_eq!(sealed.hash, was.record_hash, "{name} {}", was.number);
        assert_eq!(sealed.canonical_json, was.record, "{name} {}", was.number);
        let t = store.ticket(id).unwrap();
        assert_eq!(t.number, was.number);
        assert_eq!(t.record_hash.as_deref(), Some(was.record_hash.as_str()));
        for (&step, sig) in &was.signatures {
            let now = t
                .value(step, "signature")
                .unwrap_or_else(|| panic!("{name} {} step {step}: signature lost", t.number));
            assert!(
                strokes_points(now) >= 10,
                "{name} {} step {step} lost its strokes",
                t.number
            );
            assert_eq!(
                now, sig,
                "{name} {} step {step}: signature changed",
                t.number
            );
        }
    }

    let technicians: BTreeSet<String> = store
        .technicians()
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let expected: BTreeSet<String> = before.technicians.keys().cloned().collect();
    assert_eq!(technicians, expected, "{name}: technicians");
    for (tech, had_pin) in &before.technicians {
        assert_eq!(
            store.has_pin(tech).unwrap(),
            *had_pin,
            "{name}: {tech}'s PIN"
        );
    }

    assert_eq!(
        store.document_count().unwrap(),
        before.tickets + before.runbook_entries,
        "{name}: one search document per ticket and runbook entry"
    );
    let described = before.problems.iter().filter(|(_, p)| !p.trim().is_empty());
    assert!(
        described.clone().count() >= 20,
        "{name}: problem statements"
    );
    for (&id, problem) in described {
        let word = longest_word(problem);
        let hits = store.search_documents(word, 100).unwrap();
        assert!(
            hits.iter()
                .any(|h| h.kind == DocumentKind::Ticket && h.id == id),
            "{name}: ticket {id} not found by {word:?} from its problem {problem:?}"
        );
    }
    // Nothing above may have written: the store still verifies as it did, and every sealed
    // record still rebuilds from the ticket's rows.
    assert_eq!(store.verify_audit().unwrap().events, chain.events);
    let deep = store.verify_sealed_rows().unwrap();
    assert_eq!(deep.tickets, sealed_at_migration, "{name}");
    assert_eq!(
        deep.differences,
        [],
        "{name}: sealed records differ from their rows"
    );
}

#[test]
fn schema_v1_database_migrates_keeping_tickets_records_signatures_and_audit_chain() {
    assert_migrates_intact("schema-v1.db", 1);
}

#[test]
fn schema_v2_database_migrates_keeping_tickets_records_signatures_and_audit_chain() {
    assert_migrates_intact("schema-v2.db", 2);
}

#[test]
fn schema_v5_database_migrates_keeping_tickets_records_signatures_and_audit_chain() {
    assert_migrates_intact("schema-v5.db", 5);
}

#[test]
fn every_fixture_reports_the_current_schema_version_after_opening() {
    let current = current_schema_version();
    assert!(current >= 5, "found {current} migration files");
    for &(name, version) in FIXTURES {
        let m = migrate(name, version);
        drop(m.store);
        assert_eq!(
            user_version(&read_only(&m.path)),
            current,
            "{name} after opening"
        );
    }
}

#[test]
fn every_fixture_file_is_checked_and_none_is_newer_than_the_code() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("schema-v") && n.ends_with(".db"))
        .collect();
    let listed: BTreeSet<String> = FIXTURES.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(on_disk, listed, "tests/fixtures and FIXTURES disagree");
    for &(name, version) in FIXTURES {
        assert_eq!(name, format!("schema-v{version}.db"));
        assert!(version <= current_schema_version(), "{name}");
    }
}

#[test]
fn schema_v5_technician_pins_still_verify_and_refuse_a_wrong_pin() {
    let Migrated {
        before, mut store, ..
    } = migrate("schema-v5.db", 5);
    let now = ticketflow_core::demo::anchor();
    let with_pin: Vec<&String> = before
        .technicians
        .iter()
        .filter(|(_, has)| **has)
        .map(|(name, _)| name)
        .collect();
    assert!(
        !with_pin.is_empty(),
        "the v5 fixture's demo technicians have PINs"
    );
    for tech in &with_pin {
        let proof = store
            .verify_pin(tech, DEMO_PIN, now)
            .unwrap_or_else(|e| panic!("{tech}'s demo PIN no longer verifies: {e}"));
        assert_eq!(proof.technician(), tech.as_str());
    }
    let wrong = "97531";
    assert_ne!(wrong, DEMO_PIN);
    let tech = with_pin[0];
    match store.verify_pin(tech, wrong, now) {
        Err(Error::PinWrong { attempts_left }) => assert_eq!(attempts_left, FREE_ATTEMPTS - 1),
        other => panic!("a wrong PIN for {tech} was not refused: {other:?}"),
    }
    // The refusal did not break the stored hash: the right PIN still verifies.
    store.verify_pin(tech, DEMO_PIN, now).unwrap();
    // A short PIN from before the rule works, and the desk now asks for a longer one.
    assert!(store.pin_status(tech).unwrap().needs_change);
    assert_eq!(
        store
            .set_pin(tech, Some(DEMO_PIN), "2469", now)
            .unwrap_err()
            .code(),
        "PIN_POLICY"
    );
}

#[test]
fn the_signatures_of_an_upgraded_desk_are_registered_so_their_ink_cannot_be_replayed() {
    for (fixture, version) in [("schema-v1.db", 1), ("schema-v5.db", 5)] {
        let migrated = migrate(fixture, version);
        let conn = rusqlite::Connection::open(&migrated.path).unwrap();
        let registered: BTreeSet<String> = conn
            .prepare("SELECT strokes_sha256 FROM signature_strokes")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut stored = BTreeSet::new();
        let mut stmt = conn.prepare("SELECT vals FROM step_records").unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for vals in rows {
            let vals: serde_json::Value = serde_json::from_str(&vals.unwrap()).unwrap();
            for v in vals.as_object().unwrap().values() {
                if let Some(strokes) = v.get("strokes") {
                    stored.insert(ticketflow_core::canonical::hash_of(strokes).unwrap());
                }
            }
        }
        assert!(!stored.is_empty(), "{fixture} holds signatures");
        assert_eq!(
            registered, stored,
            "{fixture}: every stored stroke set, and nothing else"
        );
    }
}

#[test]
fn schema_v5_documents_index_keeps_every_ticket_text() {
    let Migrated { before, store, .. } = migrate("schema-v5.db", 5);
    let documents = before
        .documents
        .as_ref()
        .expect("the v5 fixture has the documents index");
    assert_eq!(store.document_count().unwrap(), documents.len() as i64);

    // A word of the step notes (not of any problem statement): found in exactly the tickets whose
    // indexed text held it before migration.
    let word = "corruption";
    let expected: BTreeSet<i64> = documents
        .iter()
        .filter(|((kind, _), body)| kind == "ticket" && body.contains(word))
        .map(|((_, id), _)| *id)
        .collect();
    assert!(
        !expected.is_empty(),
        "the v5 fixture's ticket notes mention {word:?}"
    );
    assert!(before.problems.values().all(|p| !p.contains(word)));
    let found: BTreeSet<i64> = store
        .search_documents(word, 100)
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == DocumentKind::Ticket)
        .map(|h| h.id)
        .collect();
    assert_eq!(found, expected);

    // A word of one problem statement finds that ticket, with its number and title.
    let hits = store.search_documents("quarantined", 10).unwrap();
    let (&id, problem) = before
        .problems
        .iter()
        .find(|(_, p)| p.contains("quarantined"))
        .expect("a v5 fixture ticket mentions \"quarantined\"");
    let hit = hits
        .iter()
        .find(|h| h.kind == DocumentKind::Ticket && h.id == id)
        .expect("the ticket is found by a word of its problem");
    assert_eq!(hit.title, *problem);
    assert_eq!(
        hit.number.as_deref(),
        Some(store.ticket(id).unwrap().number.as_str())
    );
}

#[test]
fn an_upgraded_desk_gets_its_first_checkpoint_over_its_old_history_and_says_so() {
    for (name, version) in [("schema-v1.db", 1), ("schema-v5.db", 5)] {
        let Migrated {
            mut store,
            _dir: _keep,
            ..
        } = migrate(name, version);
        let identity = std::sync::Arc::new(
            ticketflow_core::signing::Identity::ephemeral("Desk", chrono::Utc::now()).unwrap(),
        );
        store.set_checkpoint_key(Ok(identity));
        let chain = store.verify_audit().unwrap();
        assert_eq!(
            chain.checkpoints, 1,
            "{name}: signed as soon as the key is there"
        );
        assert_eq!(
            (chain.checkpointed_through, chain.unsigned_events),
            (chain.events as i64, 0),
            "{name}"
        );
        let began = chain
            .checkpoints_began
            .expect("the upgrade says where checkpoints began");
        let marker = store.audit_event(began).unwrap().unwrap();
        assert_eq!(
            marker.action,
            ticketflow_core::store::CHECKPOINTS_BEGAN,
            "{name}"
        );
        assert_eq!(
            marker.after["events_before"],
            Value::from(began - 1),
            "{name}"
        );
        let first = store.checkpoint_at(1).unwrap().unwrap();
        assert_eq!(
            first.reason,
            ticketflow_core::checkpoint::CheckpointReason::First,
            "{name}"
        );
    }
}
