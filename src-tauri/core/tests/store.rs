//! The store's own guarantees: pragmas on every connection, search, queue ordering, durability.

mod common;

use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::store::{NewRunbookEntry, QueueQuery, QueueSort, Store};
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

/// A ticket opened (step 5) with this impact and urgency; the matrix gives `priority`.
fn opened(d: &mut Desk, impact: &str, urgency: &str, priority: &str, problem: &str) -> i64 {
    let id = d.intake();
    d.step(
        id,
        3,
        json!({"impact": impact, "urgency": urgency, "priority": priority}),
    )
    .unwrap();
    d.step(id, 5, json!({ "problem_statement": problem }))
        .unwrap();
    id
}

fn ids(d: &Desk, sort: Option<QueueSort>, descending: bool) -> Vec<i64> {
    d.store
        .queue(
            &QueueQuery {
                sort,
                descending: Some(descending),
                ..Default::default()
            },
            d.now,
        )
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

#[test]
fn the_default_order_is_priority_then_the_sla_deadline_and_every_column_sorts_both_ways() {
    let mut d = Desk::new();
    let ghost = d.new_ticket(); // "+ New ticket" with nothing filled in: no priority yet
    let p3 = opened(&mut d, "user", "degraded", "P3", "slow laptop");
    let p2_early = opened(&mut d, "user", "blocked", "P2", "cannot log in");
    let p1 = opened(&mut d, "organization", "blocked", "P1", "site outage");
    let p2_late = opened(&mut d, "department", "blocked", "P2", "printer offline");
    let p2_intake = d.intake(); // P2, not opened: no deadline yet
    d.tick(60);

    let action = vec![p1, p2_early, p2_late, p2_intake, p3, ghost];
    assert_eq!(ids(&d, None, false), action, "what needs action first");
    assert_eq!(
        ids(&d, Some(QueueSort::Priority), false),
        action,
        "no sort is the priority sort"
    );
    let mut reversed = action.clone();
    reversed.reverse();
    assert_eq!(ids(&d, Some(QueueSort::Priority), true), reversed);

    let by_number = vec![ghost, p3, p2_early, p1, p2_late, p2_intake];
    assert_eq!(ids(&d, Some(QueueSort::Number), false), by_number);
    let mut youngest_first = by_number.clone();
    youngest_first.reverse();
    assert_eq!(ids(&d, Some(QueueSort::Age), false), youngest_first);
    assert_eq!(ids(&d, Some(QueueSort::Age), true), by_number);

    // Deadlines: the earliest opened first; tickets without a running clock last.
    let by_due = ids(&d, Some(QueueSort::SlaDue), false);
    assert_eq!(&by_due[..1], &[p1], "P1 has the shortest target");
    assert_eq!(&by_due[4..], &[ghost, p2_intake]);

    // Lifecycle order: the two still in intake first (then by priority), the open ones after.
    assert_eq!(
        ids(&d, Some(QueueSort::Status), false),
        vec![p2_intake, ghost, p1, p2_early, p2_late, p3]
    );

    // A client's tickets together, clients A to Z; within a client, the default order.
    let fabrikam_caller = d
        .store
        .add_contact(
            &ticketflow_core::directory::NewContact {
                company_id: d.other_company.id,
                name: "Aaron Abbott".into(),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            TECH,
            d.now,
        )
        .unwrap();
    let fab = d.new_ticket();
    let (caller, asset) = (fabrikam_caller.id, d.foreign_asset.id);
    d.step(
        fab,
        1,
        json!({"contact": caller, "authorization": ticketflow_core::template::builtin::AUTHORIZED}),
    )
    .unwrap();
    d.step(fab, 2, json!({"assets": [asset]})).unwrap();
    let by_client = ids(&d, Some(QueueSort::Client), false);
    assert_eq!(
        by_client,
        vec![p1, p2_early, p2_late, p2_intake, p3, fab, ghost],
        "Contoso Legal, then Fabrikam, then the ticket with no client yet"
    );
    let searched = d
        .store
        .queue(
            &QueueQuery {
                sort: Some(QueueSort::Client),
                search: Some("Contoso printer".into()),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(
        searched.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![p2_late],
        "the search's words apply to both parts of the client sort"
    );
    let mut z_to_a = by_client.clone();
    z_to_a.reverse();
    assert_eq!(ids(&d, Some(QueueSort::Client), true), z_to_a);
    // Filtering by that client keeps its default order.
    let only = d
        .store
        .queue(
            &QueueQuery {
                company_id: Some(d.company.id),
                sort: Some(QueueSort::Client),
                ..Default::default()
            },
            d.now,
        )
        .unwrap();
    assert_eq!(
        only.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![p1, p2_early, p2_late, p2_intake, p3]
    );
}

fn plan(store: &Store, q: &QueueQuery) -> String {
    store.queue_plan(q, common::monday_morning()).unwrap()
}

/// A page must be read from an index in order: sorting every match would cost each page of a
/// 100,000-ticket desk the whole table.
#[test]
fn every_queue_sort_reads_an_index_in_order_instead_of_sorting() {
    let d = Desk::new();
    let sorts = [
        None,
        Some(QueueSort::Priority),
        Some(QueueSort::Number),
        Some(QueueSort::Status),
        Some(QueueSort::SlaDue),
        Some(QueueSort::Age),
    ];
    let mut sorting = Vec::new();
    for sort in sorts {
        for descending in [false, true] {
            for status in [None, Some(TicketStatus::Open)] {
                let q = QueueQuery {
                    sort,
                    descending: Some(descending),
                    status,
                    limit: Some(50),
                    ..Default::default()
                };
                let plan = plan(&d.store, &q);
                if plan.contains("TEMP B-TREE") {
                    sorting.push(format!(
                        "{sort:?} desc={descending} status={status:?}:\n{plan}"
                    ));
                }
            }
        }
    }
    assert!(sorting.is_empty(), "{}", sorting.join("\n"));
    // One priority, in SLA order: its own index, read in order.
    let p2 = QueueQuery {
        priority: Some(ticketflow_core::priority::Priority::P2),
        ..Default::default()
    };
    let p2_plan = plan(&d.store, &p2);
    assert!(!p2_plan.contains("TEMP B-TREE"), "{p2_plan}");
    // By client: the clients by name, each client's tickets from an index in order, merged with
    // the few tickets without a client yet (those alone are sorted).
    for descending in [false, true] {
        let client = QueueQuery {
            sort: Some(QueueSort::Client),
            descending: Some(descending),
            ..Default::default()
        };
        let client_plan = plan(&d.store, &client);
        let with_client = client_plan.split("RIGHT").next().unwrap_or_default();
        assert!(
            client_plan.contains("MERGE") && !with_client.contains("TEMP B-TREE"),
            "{client_plan}"
        );
    }
    // One client (the client filter), in the default order or by client.
    for sort in [None, Some(QueueSort::Client)] {
        let one_client = QueueQuery {
            sort,
            company_id: Some(d.company.id),
            ..Default::default()
        };
        let one_plan = plan(&d.store, &one_client);
        assert!(!one_plan.contains("TEMP B-TREE"), "{one_plan}");
    }
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
    // The table is append-only (tests/seal.rs); an attacker drops that trigger first, and puts
    // it back after (a missing trigger is itself named: GUARDS_MISSING).
    let trigger: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'audit_events_append_only_update'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("DROP TRIGGER audit_events_append_only_update", [])
        .unwrap();
    conn.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 5", [])
        .unwrap();
    conn.execute_batch(&trigger).unwrap();
    let err = Store::open(&path).unwrap().verify_audit().unwrap_err();
    assert_eq!(err.code(), "AUDIT_BROKEN");
    assert!(err.to_string().contains("event 5"), "{err}");
}
