//! The canonical record sealed at close: complete, reproducible, and tamper-evident.

mod common;
mod report_fixture;

use report_fixture::closed;
use ticketflow_core::canonical::{canonical_json, sha256_hex};
use ticketflow_core::report::PaperSize;
use ticketflow_core::sla::SlaState;

#[test]
fn the_rebuilt_record_hashes_to_the_hash_stored_at_close() {
    for complex in [false, true] {
        let c = closed(complex);
        let stored = c.desk.store.record_hash(c.id).unwrap().unwrap();
        let sealed = c.desk.store.closure_record(c.id).unwrap();
        assert_eq!(sealed.hash, stored);
        assert_eq!(sha256_hex(sealed.canonical_json.as_bytes()), stored);
        assert_eq!(
            canonical_json(&sealed.record).unwrap(),
            sealed.canonical_json
        );
    }
}

#[test]
fn the_record_holds_everything_the_report_shows() {
    let c = closed(true);
    let r = c.desk.store.closure_record(c.id).unwrap().record;
    assert_eq!(r.ticket.number, c.number);
    assert_eq!(r.contact.as_ref().unwrap().name, "Zoë Ødegård");
    assert_eq!(r.company.as_ref().unwrap().name, "Contoso Legal");
    assert_eq!(r.assets.len(), 1);
    assert!(r.priority.priority.is_some() && r.priority.impact.is_some());
    let sla = r.sla.as_ref().unwrap();
    assert!(sla.policy.is_some());
    assert_eq!(sla.pauses.len(), 1, "the waiting-on-customer segment");
    let res = sla.resolution.unwrap();
    assert!(matches!(res.state, SlaState::Met | SlaState::Breached));
    assert!(res.target_secs > 0);
    // Every completion, earlier attempts included, with who and when.
    assert!(r.steps.iter().any(|s| s.number == 13 && s.superseded));
    assert!(r.steps.iter().all(|s| !s.completed_by.is_empty()));
    assert!(r.handoff.as_ref().unwrap().contains_key("ruled_out"));
    assert_eq!(r.time.entries.len(), 4);
    assert_eq!(r.time.billable_minutes, 35 + 50 + 15);
    assert_eq!(r.time.non_billable_minutes, 20);
    assert_eq!(r.csat.as_ref().unwrap().rating, Some(4));
    assert!(r.resolution.root_cause.is_some() && r.resolution.summary.is_some());
    assert_eq!(
        r.resolution.closure_notes.as_deref(),
        Some("No follow-on work.")
    );
    // Both signatures, with strokes and manifestation, held once (not in the step values).
    assert_eq!(r.signatures.len(), 2);
    for s in &r.signatures {
        assert!(s.signature["strokes"]
            .as_array()
            .is_some_and(|a| !a.is_empty()));
        assert!(s.signature["meaning"].is_string() && s.signature["signed_at"].is_string());
    }
    assert!(r.steps.iter().all(|s| !s.values.contains_key("signature")));
    assert_eq!(r.audit_head.len(), 64);
}

#[test]
fn an_open_ticket_has_no_record() {
    let mut desk = common::Desk::new();
    let id = desk.diagnosed();
    let e = desk.store.closure_record(id).unwrap_err();
    assert_eq!(e.code(), "NOT_CLOSED");
    let number = desk.store.ticket(id).unwrap().number;
    assert_eq!(
        desk.store.report_input(&number).unwrap_err().code(),
        "NOT_CLOSED"
    );
    assert_eq!(
        desk.store.report_input("T-999999").unwrap_err().code(),
        "NOT_FOUND"
    );
}

#[test]
fn the_sealed_record_outlives_directory_edits_and_detects_forgery() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let mut store = ticketflow_core::store::Store::open(&db).unwrap();
    let s = ticketflow_core::demo::generate(&mut store, 12, 5, |_, _| {}).unwrap();
    assert!(s.closed > 0);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, contact): (i64, i64) = conn
        .query_row(
            "SELECT id, contact_id FROM tickets WHERE status = 'closed' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let sealed = store.closure_record(id).unwrap();
    // The directory may change after closing; the report keeps printing what was sealed.
    conn.execute(
        "UPDATE contacts SET name = 'Somebody Else' WHERE id = ?1",
        [contact],
    )
    .unwrap();
    assert_eq!(
        store.closure_record(id).unwrap().canonical_json,
        sealed.canonical_json
    );
    // The sealed record itself cannot be rewritten, and a forged one does not match its hash.
    let err = conn
        .execute(
            "UPDATE closure_records SET record = '{}' WHERE ticket_id = ?1",
            [id],
        )
        .unwrap_err();
    assert!(err.to_string().contains("TICKET_CLOSED"), "{err}");
    conn.execute("DROP TRIGGER closure_records_sealed_update", [])
        .unwrap();
    conn.execute("UPDATE closure_records SET record = replace(record, 'closure', 'clozure') WHERE ticket_id = ?1", [id]).unwrap();
    let e = store.closure_record(id).unwrap_err();
    assert_eq!(e.code(), "RECORD_MISMATCH");
}

#[test]
fn report_settings_default_to_a4_and_changes_are_audited() {
    let mut desk = common::Desk::new();
    let s = desk.store.report_settings().unwrap();
    assert_eq!(s.paper, PaperSize::A4);
    assert!(!s.msp_name.is_empty());
    let now = desk.now;
    desk.store
        .set_msp_name("  Northwind IT Services ", "admin", now)
        .unwrap();
    let s = desk
        .store
        .set_paper_size(PaperSize::Letter, "admin", now)
        .unwrap();
    assert_eq!(s.paper, PaperSize::Letter);
    assert_eq!(s.msp_name, "Northwind IT Services");
    for bad in ["", "   ", "line\nbreak", &"x".repeat(121)] {
        assert_eq!(
            desk.store
                .set_msp_name(bad, "admin", now)
                .unwrap_err()
                .code(),
            "INVALID_INPUT"
        );
    }
    assert_eq!(
        "legal".parse::<PaperSize>().unwrap_err().code(),
        "INVALID_INPUT"
    );
    desk.store.verify_audit().unwrap();
}
