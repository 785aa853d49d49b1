//! A client's active flag (issue 16: "authorization is data, not a default"): deactivating and
//! reactivating are audited directory edits, a flag set to what it is records nothing, and
//! sealed records stay verifiable whatever the client's standing was or becomes.

mod common;

use common::{Desk, Upto, TECH};
use rusqlite::Connection;
use serde_json::{json, Value};
use ticketflow_core::template::builtin as b;

fn events(path: &std::path::Path) -> Vec<(String, Value, Value)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT actor, before, after FROM audit_events
             WHERE action = 'company_active_changed' ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        let before: String = r.get("before")?;
        let after: String = r.get("after")?;
        Ok((
            r.get("actor")?,
            serde_json::from_str(&before).unwrap(),
            serde_json::from_str(&after).unwrap(),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn deactivating_and_reactivating_are_audited_and_a_repeat_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let mut d = Desk::on_file(&path);
    let (id, now) = (d.company.id, d.now);
    assert!(d.company.active, "a new company is active");
    let off = d.store.set_company_active(id, false, TECH, now).unwrap();
    assert!(!off.active);
    d.store.set_company_active(id, false, TECH, now).unwrap();
    let listed = d.store.companies().unwrap();
    assert!(!listed.iter().find(|c| c.id == id).unwrap().active);
    d.store.set_company_active(id, true, TECH, now).unwrap();
    let seen = events(&path);
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].0, TECH);
    // Before and after are the whole company; `active` is written only when false.
    assert_eq!(seen[0].1.get("active"), None);
    assert_eq!(seen[0].2["active"], json!(false));
    assert_eq!(seen[1].1["active"], json!(false));
    assert_eq!(seen[1].2.get("active"), None);
    d.store.verify_audit().unwrap();
}

#[test]
fn an_unknown_company_or_no_actor_is_refused_with_nothing_written() {
    let mut d = Desk::new();
    let now = d.now;
    let err = d
        .store
        .set_company_active(9999, false, TECH, now)
        .unwrap_err();
    assert_eq!(err.code(), "NOT_FOUND");
    let err = d
        .store
        .set_company_active(d.company.id, false, "  ", now)
        .unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert!(d.store.companies().unwrap().iter().all(|c| c.active));
}

#[test]
fn sealed_records_verify_whatever_the_clients_standing() {
    let mut d = Desk::new();
    // Closed while the client was active, then the client is deactivated.
    let before = d.ready_to_close();
    d.close(before).unwrap();
    let now = d.now;
    let company = d.company.id;
    d.store
        .set_company_active(company, false, TECH, now)
        .unwrap();
    let kept = d.store.closure_record(before).unwrap();
    assert!(kept.record.company.as_ref().unwrap().active);
    // Opened for the inactive client with an override, closed while it is inactive.
    let id = d.new_ticket();
    let overridden = json!({"contact": d.caller.id, "authorization": b::OVERRIDE,
                            "override_reason": "Last call before the contract ends"});
    d.drive(
        id,
        Upto::Before(b::CLOSE),
        &[
            ("verify_caller", overridden),
            ("escalation_decision", json!({"decision": b::RESOLVE_TIER1})),
        ],
        &[],
    );
    d.close(id).unwrap();
    let sealed = d.store.closure_record(id).unwrap();
    assert!(!sealed.record.company.as_ref().unwrap().active);
    assert!(sealed.canonical_json.contains("\"active\":false"));
    // Reactivating changes neither record.
    d.store
        .set_company_active(company, true, TECH, now)
        .unwrap();
    assert_eq!(d.store.closure_record(id).unwrap().hash, sealed.hash);
    assert_eq!(d.store.closure_record(before).unwrap().hash, kept.hash);
    d.store.verify_audit().unwrap();
    d.store.verify_sealed_rows().unwrap();
}
