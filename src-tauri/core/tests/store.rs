//! The store's own guarantees: pragmas on every connection, search, queue ordering, durability.

mod common;

use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::store::{NewRunbookEntry, QueueQuery, Store};
use ticketflow_core::ticket::TicketStatus;

#[test]
fn open_sets_wal_foreign_keys_and_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("t.db");
    drop(Store::open(&path).unwrap());
    // Reopen: the pragmas are per connection, set by open(), not persisted by a migration.
    let s = Store::open(&path).unwrap().connection_settings().unwrap();
    assert_eq!(s.journal_mode, "wal");
    assert_eq!(s.synchronous, "1", "NORMAL between durable commits");
    assert!(s.foreign_keys);
    assert_eq!(s.busy_timeout_ms, 5000);
    let m = Store::open_in_memory()
        .unwrap()
        .connection_settings()
        .unwrap();
    assert!(m.foreign_keys && m.busy_timeout_ms == 5000);
}

#[test]
fn durable_commits_restore_normal_sync() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    d.close(id).unwrap();
    assert_eq!(d.store.connection_settings().unwrap().synchronous, "1");
}

#[test]
fn foreign_keys_are_enforced() {
    let mut d = Desk::new();
    let now = d.now;
    let bad = ticketflow_core::directory::NewContact {
        company_id: 999,
        name: "Ghost".into(),
        email: None,
        phone: None,
        upn: None,
        authorized: true,
        terminated_on: None,
    };
    assert_eq!(
        d.store.add_contact(&bad, TECH, now).unwrap_err().code(),
        "NOT_FOUND"
    );
}

#[test]
fn runbook_search_is_per_client_and_safe_with_fts_syntax() {
    let mut d = Desk::new();
    let now = d.now;
    let entry = |company_id, title: &str, body: &str| NewRunbookEntry {
        company_id,
        title: title.into(),
        body: body.into(),
    };
    d.store
        .add_runbook_entry(
            &entry(
                d.company.id,
                "VPN split tunnel",
                "Accounting app needs split tunnelling",
            ),
            TECH,
            now,
        )
        .unwrap();
    d.store
        .add_runbook_entry(
            &entry(d.company.id, "Printers", "Floor 2 printers live on VLAN 30"),
            TECH,
            now,
        )
        .unwrap();
    d.store
        .add_runbook_entry(
            &entry(d.other_company.id, "VPN at Fabrikam", "Always-on VPN"),
            TECH,
            now,
        )
        .unwrap();
    let hits = d.store.search_runbooks(d.company.id, "vpn", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "VPN split tunnel");
    let prefix = d.store.search_runbooks(d.company.id, "tunn", 10).unwrap();
    assert_eq!(prefix.len(), 1, "words match as prefixes");
    for hostile in ["\"", "vpn AND (", "NEAR(", "*", "title:x OR", ""] {
        assert!(
            d.store.search_runbooks(d.company.id, hostile, 10).is_ok(),
            "{hostile:?}"
        );
    }
}

#[test]
fn contact_type_ahead_matches_name_email_and_phone() {
    let d = Desk::new();
    assert_eq!(
        d.store.search_contacts("dana", 10).unwrap()[0].name,
        "Dana Reyes"
    );
    assert_eq!(
        d.store.search_contacts("temp.worker@", 10).unwrap()[0].name,
        "Temp Worker"
    );
    assert!(d.store.search_contacts("zzz", 10).unwrap().is_empty());
}

#[test]
fn queue_sorts_by_sla_due_and_filters() {
    let mut d = Desk::new();
    let new_one = d.intake();
    let a = d.intake();
    d.step(a, 5, json!({"problem_statement": "later ticket"}))
        .unwrap();
    let b = d.intake();
    d.step(b, 5, json!({"problem_statement": "printer on fire"}))
        .unwrap();
    let q = d.store.queue(&QueueQuery::default(), d.now).unwrap();
    let ids: Vec<i64> = q.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        vec![a, b, new_one],
        "earliest deadline first, no deadline last"
    );
    let open = d
        .store
        .queue(
            &QueueQuery {
                status: Some(TicketStatus::Open),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(open.len(), 2);
    let found = d
        .store
        .queue(
            &QueueQuery {
                search: Some("fire".into()),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(found.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b]);
    let page = d
        .store
        .queue(
            &QueueQuery {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), vec![b]);
    let wild = d
        .store
        .queue(
            &QueueQuery {
                search: Some("%_%".into()),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert!(
        wild.is_empty(),
        "LIKE wildcards in a search are plain text, not patterns: no ticket holds \"%_%\""
    );
}

#[test]
fn closed_tickets_leave_the_default_queue() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    d.close(id).unwrap();
    assert!(d
        .store
        .queue(&QueueQuery::default(), d.now)
        .unwrap()
        .is_empty());
    let closed = d
        .store
        .queue(
            &QueueQuery {
                status: Some(TicketStatus::Closed),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(closed.len(), 1);
}

#[test]
fn the_database_refuses_to_change_a_sealed_ticket_even_behind_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut d = Desk::new();
    let id = d.ready_to_close();
    d.close(id).unwrap();
    d.store.backup(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute(
            "UPDATE tickets SET problem = 'rewritten' WHERE id = ?1",
            [id],
        )
        .unwrap_err();
    assert!(err.to_string().contains("TICKET_CLOSED"), "{err}");
    let err = conn
        .execute(
            "UPDATE step_records SET vals = '{}' WHERE ticket_id = ?1",
            [id],
        )
        .unwrap_err();
    assert!(err.to_string().contains("TICKET_CLOSED"), "{err}");
}

#[test]
fn audit_tampering_is_detected_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut d = Desk::new();
    d.diagnosed();
    d.store.backup(&path).unwrap();
    let report = Store::open(&path).unwrap().verify_audit().unwrap();
    assert!(report.events > 10);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 5", [])
        .unwrap();
    let err = Store::open(&path).unwrap().verify_audit().unwrap_err();
    assert_eq!(err.code(), "AUDIT_BROKEN");
    assert!(err.to_string().contains("event 5"), "{err}");
}
