//! Embedded schema migrations: all pending ones applied in one IMMEDIATE transaction.
//!
//! rusqlite_migration reads the schema version before its (deferred) transaction, so two
//! processes opening a fresh desk both saw version 0 and the second re-ran migration 1. `apply`
//! takes the write lock first and reads the version inside it; the list stays rusqlite_migration's
//! (its `validate` and `to_version` serve the tests).

use crate::error::{Error, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
#[cfg(test)]
use rusqlite_migration::{Migrations, M};

/// The migration scripts in order; migration N is `SCRIPTS[N - 1]`.
const SCRIPTS: &[&str] = &[
    include_str!("../../migrations/0001_initial.sql"),
    include_str!("../../migrations/0002_queue_order_indexes.sql"),
    include_str!("../../migrations/0003_technician_pins.sql"),
    include_str!("../../migrations/0004_documents_fts.sql"),
    include_str!("../../migrations/0005_covering_priority_queue_index.sql"),
    include_str!("../../migrations/0006_technician_identity.sql"),
    include_str!("../../migrations/0007_runbook_authoring.sql"),
    include_str!("../../migrations/0008_queue_sort_indexes.sql"),
    include_str!("../../migrations/0009_seal_every_write.sql"),
    include_str!("../../migrations/0010_audit_checkpoints.sql"),
    include_str!("../../migrations/0011_mail_outbox.sql"),
    include_str!("../../migrations/0012_signing_nonces_pin_policy.sql"),
    include_str!("../../migrations/0013_handover.sql"),
    include_str!("../../migrations/0014_template_versions.sql"),
    include_str!("../../migrations/0015_sla_settings.sql"),
    include_str!("../../migrations/0016_company_tools.sql"),
    include_str!("../../migrations/0017_import_batches.sql"),
    include_str!("../../migrations/0018_company_active.sql"),
];

/// The Rust part of a migration, run in its transaction right after its script.
fn after_script(number: i64, tx: &Connection) -> Result<()> {
    match number {
        // Seals enter the chain: tickets closed before that get their ticket_sealed event now.
        9 => super::seal::backfill_sealed_events(tx, chrono::Utc::now()).map(|_| ()),
        // A desk with history says in its chain where checkpoints began.
        10 => super::checkpoints::mark_beginning(tx, chrono::Utc::now()),
        _ => Ok(()),
    }
}

#[cfg(test)]
fn migrations() -> Migrations<'static> {
    Migrations::new(SCRIPTS.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub(crate) const LATEST: i64 = SCRIPTS.len() as i64;

pub(crate) fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// A migration failure names the migration and SQLite's reason, never the script's SQL text.
fn failed(number: i64, e: &rusqlite::Error) -> Error {
    let reason = match e {
        rusqlite::Error::SqliteFailure(f, _) => format!("{:?}", f.code),
        _ => "not applied".to_string(),
    };
    Error::Migration(format!(
        "migration {number:04} could not be applied (SQLite: {reason}); nothing was changed: close other Ticketflow windows and try again"
    ))
}

pub fn apply(conn: &mut Connection) -> Result<()> {
    // A plain storage error here (not MIGRATION_FAILED): the store names a damaged file as such.
    let version = schema_version(conn)?;
    if version == LATEST {
        return Ok(());
    }
    if version > LATEST {
        return Err(Error::Migration(format!(
            "the database has schema version {version}, newer than this Ticketflow's {LATEST}: update Ticketflow"
        )));
    }
    // The write lock first, then the version again: another process may have migrated meanwhile.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(|e| failed(version + 1, &e))?;
    let version = schema_version(&tx).map_err(|e| failed(version + 1, &e))?;
    for number in version + 1..=LATEST {
        tx.execute_batch(SCRIPTS[number as usize - 1])
            .map_err(|e| failed(number, &e))?;
        after_script(number, &tx)?;
    }
    if version < LATEST {
        tx.pragma_update(None, "user_version", LATEST)
            .map_err(|e| failed(LATEST, &e))?;
    }
    tx.commit().map_err(|e| failed(LATEST, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }

    #[test]
    fn every_table_is_strict() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        let loose: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 0 AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'runbook_fts%'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(loose.is_empty(), "non-STRICT tables: {loose:?}");
    }

    /// 0007 rebuilds `runbook_entries` under the tickets' links to it (with deferred foreign
    /// keys): the entries, their links and their search documents come through, and the
    /// recreated triggers keep both indexes in step afterwards.
    #[test]
    fn the_runbook_rebuild_keeps_links_and_search() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrations().to_version(&mut conn, 6).unwrap();
        conn.execute_batch(
            "INSERT INTO templates (key, version, name, body) VALUES ('t', 1, 'T', '{}');
             INSERT INTO companies (id, name, tier, calendar) VALUES (1, 'Contoso', 'gold', '{}');
             INSERT INTO tickets (id, number, template_key, template_version, status, company_id,
                 problem, escalated, page_on_call, verification_failed, created_at)
                 VALUES (1, 'T-000001', 't', 1, 'open', 1, 'p', 0, 0, 0, '2026-01-01T00:00:00.000000Z');
             INSERT INTO runbook_entries (id, company_id, title, body, updated_at)
                 VALUES (7, 1, 'VPN', 'split tunnel', '2026-01-02T00:00:00.000000Z');
             INSERT INTO ticket_runbooks (ticket_id, runbook_id) VALUES (1, 7);",
        )
        .unwrap();
        apply(&mut conn).unwrap();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
        assert_eq!(
            count("SELECT count(*) FROM ticket_runbooks WHERE runbook_id = 7 AND created = 0 AND updated = 0"),
            1
        );
        assert_eq!(
            count("SELECT count(*) FROM runbook_entries WHERE id = 7 AND created_at = updated_at"),
            1
        );
        let found = |word: &str| {
            (
                count(&format!(
                    "SELECT count(*) FROM runbook_fts WHERE runbook_fts MATCH '{word}'"
                )),
                count(&format!(
                    "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH '{word}'"
                )),
            )
        };
        assert_eq!(found("split"), (1, 1));
        conn.execute(
            "UPDATE runbook_entries SET body = 'full tunnel' WHERE id = 7",
            [],
        )
        .unwrap();
        assert_eq!(found("split"), (0, 0));
        assert_eq!(found("full"), (1, 1));
        conn.execute(
            "INSERT INTO runbook_entries (company_id, title, body, created_at, updated_at)
             VALUES (NULL, 'Desk-wide', 'printer', 'x', 'x')",
            [],
        )
        .unwrap();
        assert_eq!(found("printer"), (1, 1));
    }

    #[test]
    fn applying_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        apply(&mut conn).unwrap();
        apply(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        // One schema version per migration file, however many the team adds at once.
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".sql"))
            })
            .count();
        assert_eq!(v, files as i64);
    }
}
