//! Hand-over mode is the desk's state: stored and audited before the pad opens, refusing every
//! other write in every process of the desk, surviving a restart, ended only by a technician's
//! PIN, whose misses count against the hand-over and never against the technician.

mod common;

use common::*;
use serde_json::json;
use ticketflow_core::store::{HandoverStage, Store};
use ticketflow_core::template::{builtin as b, SignerRole};

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("refused").code()
}

/// A desk in a file (so other stores can open it as other processes would) with a fixed ticket
/// handed over for verification.
fn handed_over(dir: &tempfile::TempDir) -> (Desk, i64) {
    let mut desk = Desk::on_file(&dir.path().join("ticketflow.db"));
    let id = desk.fixed(false);
    let now = desk.tick(1);
    desk.store
        .start_handover(id, SUMMARY, now)
        .expect("the hand-over starts");
    (desk, id)
}

fn tech_failures(store_path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(store_path).unwrap();
    conn.query_row(
        "SELECT pin_failures FROM technicians WHERE name = ?1",
        [TECH],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn starting_stores_and_audits_the_text_to_be_signed_before_the_pad_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (desk, id) = handed_over(&dir);
    let session = desk.store.handover().unwrap().expect("a hand-over");
    assert_eq!(session.ticket_id, id);
    assert_eq!(session.summary, SUMMARY);
    assert_eq!(session.summary_sha256.len(), 64, "the full SHA-256");
    assert_eq!(
        session.summary_sha256,
        ticketflow_core::canonical::sha256_hex(SUMMARY.as_bytes())
    );
    assert_eq!(session.technician, TECH);
    assert_eq!(
        session.signer_name, "Dana Reyes",
        "the caller is asked to sign"
    );
    assert_eq!(session.stage, HandoverStage::Verify);
    assert!(session.ask_rating && !session.resign);

    let view = desk.store.ticket_view(id, desk.now).unwrap();
    let started = view
        .audit
        .iter()
        .find(|e| e.action == "handover_started")
        .expect("an audited start");
    assert_eq!(started.actor, TECH);
    assert_eq!(started.after["summary"], SUMMARY);
    assert_eq!(started.after["summary_sha256"], session.summary_sha256);
}

#[test]
fn while_it_is_under_way_every_other_write_is_refused_in_every_process() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, id) = handed_over(&dir);
    let now = desk.tick(1);
    assert_eq!(code(desk.store.create_ticket(TECH, now)), "HANDOVER_ACTIVE");
    assert_eq!(
        code(
            desk.store
                .complete_step(id, 16, vals(json!({"summary": "x"})), TECH, now)
        ),
        "HANDOVER_ACTIVE",
        "not even the handed-over ticket, outside the hand-over's own commands"
    );
    assert_eq!(code(desk.store.refuse_during_handover()), "HANDOVER_ACTIVE");
    assert_eq!(
        code(desk.store.start_handover(id, SUMMARY, now)),
        "HANDOVER_ACTIVE",
        "one hand-over at a time"
    );

    // Another process: its own connection to the same file.
    let mut second = Store::open(&dir.path().join("ticketflow.db")).unwrap();
    assert_eq!(code(second.create_ticket(TECH, now)), "HANDOVER_ACTIVE");
    assert_eq!(code(second.refuse_during_handover()), "HANDOVER_ACTIVE");
}

#[test]
fn the_signature_is_bound_to_the_stored_text_then_the_rating_then_done() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, id) = handed_over(&dir);
    let first = desk
        .store
        .handover_signing_nonce(desk.now)
        .expect("a nonce as the pad opens");
    let latest = desk.store.handover_signing_nonce(desk.now).unwrap();
    assert_ne!(latest, first, "each pad opening gets its own");
    let mut signature = desk.signature(SignerRole::EndUser);
    // The pad opened last signs: the nonce of the one before it was retired.
    signature["nonce"] = json!(first);
    let now = desk.tick(1);
    assert_eq!(
        code(
            desk.store
                .handover_verify(b::VERIFIED, Some(signature.clone()), now)
        ),
        "SIGNING_NONCE_INVALID"
    );
    signature["nonce"] = json!(latest);
    // A page that sends another text does not get it signed: the stored one is.
    signature["content"] = json!("I agree to pay 10,000 EUR");
    let now = desk.tick(1);
    let session = desk
        .store
        .handover_verify(b::VERIFIED, Some(signature), now)
        .unwrap();
    assert_eq!(session.stage, HandoverStage::Rate);
    assert_eq!(
        code(desk.store.handover_signing_nonce(now)),
        "INVALID_INPUT",
        "no pad once signed"
    );
    let t = desk.store.ticket(id).unwrap();
    assert_eq!(t.value(13, "signature").unwrap()["content"], SUMMARY);
    assert_eq!(
        code(desk.store.handover_verify(b::VERIFIED, None, now)),
        "INVALID_INPUT",
        "answered once"
    );

    let session = desk
        .store
        .handover_rate(5, Some("quick and friendly".into()), desk.now)
        .unwrap();
    assert_eq!(session.stage, HandoverStage::Done);
    assert_eq!(
        desk.store.ticket(id).unwrap().value(18, "rating").unwrap(),
        5
    );
}

#[test]
fn still_failing_ends_the_end_users_part() {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, _) = handed_over(&dir);
    let now = desk.tick(1);
    let session = desk
        .store
        .handover_verify(b::STILL_FAILING, None, now)
        .unwrap();
    assert_eq!(session.stage, HandoverStage::Done);
    assert_eq!(
        code(desk.store.handover_rate(4, None, now)),
        "INVALID_INPUT"
    );
}

#[test]
fn a_restart_comes_back_to_the_hand_over_and_only_the_pin_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let (desk, id) = handed_over(&dir);
    let now = desk.now;
    drop(desk); // the process is killed: nothing runs on the way out

    let mut store = Store::open(&path).unwrap();
    let session = store.handover().unwrap().expect("still under way");
    assert_eq!(session.ticket_id, id);
    assert_eq!(code(store.create_ticket(TECH, now)), "HANDOVER_ACTIVE");
    assert_eq!(code(store.end_handover(None, "", now)), "PIN_REQUIRED");
    store.end_handover(None, PIN, now).expect("the PIN ends it");
    assert!(store.handover().unwrap().is_none());
    store
        .create_ticket(TECH, now)
        .expect("the desk works again");
    assert_eq!(code(store.end_handover(None, PIN, now)), "NO_HANDOVER");
}

#[test]
fn wrong_pins_count_against_the_hand_over_not_the_technician() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let (mut desk, _) = handed_over(&dir);
    let now = desk.now;
    for n in 1..=4u32 {
        let e = desk.store.end_handover(None, "000000", now).unwrap_err();
        assert_eq!(e.code(), "HANDOVER_PIN_WRONG");
        assert_eq!(desk.store.handover().unwrap().unwrap().pin_misses, n);
    }
    assert_eq!(
        tech_failures(&path),
        0,
        "the technician's own count is untouched"
    );
    desk.store.end_handover(None, PIN, now).unwrap();
    // Their sign-off PIN works at once, with no pause to wait out.
    desk.store
        .verify_pin(TECH, PIN, now)
        .expect("the PIN still signs");
}

#[test]
fn parallel_wrong_pins_are_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let (desk, _) = handed_over(&dir);
    let now = desk.now;
    drop(desk);
    let tries = 4;
    std::thread::scope(|s| {
        for _ in 0..tries {
            let path = path.clone();
            s.spawn(move || {
                let mut store = Store::open(&path).unwrap();
                let e = store.end_handover(None, "999999", now).unwrap_err();
                assert_eq!(e.code(), "HANDOVER_PIN_WRONG");
            });
        }
    });
    let store = Store::open(&path).unwrap();
    assert_eq!(store.handover().unwrap().unwrap().pin_misses, tries);
}

#[test]
fn another_active_technician_may_take_the_device_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let mut desk = Desk::on_file(&path);
    let now = desk.now;
    add_technician(
        &mut desk.store,
        (
            "Sam Lee",
            ticketflow_core::directory::TechTier::Tier1,
            "2468024",
        ),
        (TECH, PIN),
        now,
    );
    let id = desk.fixed(false);
    let now = desk.tick(1);
    desk.store.start_handover(id, SUMMARY, now).unwrap();
    assert_eq!(
        code(desk.store.end_handover(Some("Sam Lee"), PIN, now)),
        "HANDOVER_PIN_WRONG",
        "Sam's own PIN, not Alex's"
    );
    desk.store
        .end_handover(Some("Sam Lee"), "2468024", now)
        .unwrap();
    let view = desk.store.ticket_view(id, now).unwrap();
    let ended = view
        .audit
        .iter()
        .find(|e| e.action == "handover_ended")
        .expect("audited");
    assert_eq!(ended.after["ended_by"], "Sam Lee");
    assert_eq!(ended.after["pin_misses"], 1);
}

#[test]
fn a_hand_over_needs_a_pin_a_summary_and_a_fix_to_verify() {
    let mut desk = Desk::new();
    let open = desk.diagnosed();
    let now = desk.tick(1);
    assert_eq!(
        code(desk.store.start_handover(open, SUMMARY, now)),
        "GATE_BLOCKED",
        "nothing to verify before the fix"
    );
    let id = desk.fixed(false);
    assert_eq!(
        code(desk.store.start_handover(id, "   ", now)),
        "INVALID_INPUT"
    );
    assert!(desk.store.handover().unwrap().is_none(), "nothing stored");
}

#[test]
fn whoever_holds_the_file_cannot_end_it_by_deleting_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let (desk, _) = handed_over(&dir);
    drop(desk);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let refused = conn.execute("DELETE FROM handovers", []).unwrap_err();
    assert!(refused.to_string().contains("APPEND_ONLY"), "{refused}");
    let store = Store::open(&path).unwrap();
    assert!(store.handover().unwrap().is_some(), "still under way");
}
