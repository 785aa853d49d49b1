//! Embedded schema migrations, each applied in its own transaction (rusqlite_migration).

use crate::error::{Error, Result};
use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../../migrations/0001_initial.sql")),
        M::up(include_str!(
            "../../migrations/0002_queue_order_indexes.sql"
        )),
        M::up(include_str!("../../migrations/0003_technician_pins.sql")),
        M::up(include_str!("../../migrations/0004_documents_fts.sql")),
        M::up(include_str!(
            "../../migrations/0005_covering_priority_queue_index.sql"
        )),
        M::up(include_str!(
            "../../migrations/0006_technician_identity.sql"
        )),
        M::up(include_str!("../../migrations/0007_runbook_authoring.sql")),
        M::up(include_str!("../../migrations/0008_queue_sort_indexes.sql")),
    ])
}

pub fn apply(conn: &mut Connection) -> Result<()> {
    migrations()
        .to_latest(conn)
        .map_err(|e| Error::Migration(e.to_string()))
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
