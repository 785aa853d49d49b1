//! Signatures bound to what the signer saw, and the technician's PIN before a sign-off.

mod common;

use chrono::Duration;
use common::{Desk, PIN, SUMMARY, TECH};
use serde_json::json;
use ticketflow_core::canonical::sha256_hex;
use ticketflow_core::directory::TechTier;
use ticketflow_core::store::{Store, FIRST_LOCK_SECS, FREE_ATTEMPTS};
use ticketflow_core::template::{builtin as b, msp_support_ticket, SignerRole};
use ticketflow_core::ticket::TicketStatus;
use ticketflow_core::workflow::end_user_signature_invalidated;

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected a refusal").code()
}

// ---- Content binding ---------------------------------------------------------------------------

#[test]
fn the_stored_signature_carries_the_hash_of_what_was_shown_and_a_claimed_one_is_refused() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let sig = d.signature(SignerRole::EndUser);
    let mut claimed = sig.clone();
    claimed["content_sha256"] = json!("0".repeat(64));
    assert_eq!(
        code(d.step(
            id,
            13,
            json!({"outcome": b::VERIFIED, "signature": claimed})
        )),
        "INVALID_INPUT"
    );
    let t = d
        .step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
        .unwrap();
    let stored = t.value(13, "signature").unwrap();
    assert_eq!(stored["content"], json!(SUMMARY));
    assert_eq!(
        stored["content_sha256"],
        json!(sha256_hex(SUMMARY.as_bytes()))
    );
}

#[test]
fn a_signature_means_what_its_step_says() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let mut sig = d.signature(SignerRole::EndUser);
    sig["meaning"] = json!("closure sign-off");
    assert_eq!(
        code(d.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))),
        "INVALID_INPUT"
    );
}

#[test]
fn a_changed_summary_invalidates_the_end_user_signature_until_it_is_taken_again() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    assert!(
        end_user_signature_invalidated(&d.store.ticket(id).unwrap(), &msp_support_ticket())
            .is_none()
    );

    let changed = "We fixed your sign-in and replaced your keyboard.";
    let t = d.step(id, 16, json!({"summary": changed})).unwrap();
    assert!(end_user_signature_invalidated(&t, &msp_support_ticket()).is_some());
    let audit = d.store.ticket_audit(id, 1000).unwrap();
    let event = audit
        .iter()
        .find(|e| e.action == "signature_invalidated")
        .expect("the invalidation is audited");
    assert_eq!(
        event.before["content_sha256"],
        json!(sha256_hex(SUMMARY.as_bytes()))
    );
    let err = d.close(id).unwrap_err();
    assert_eq!(err.code(), "CLOSE_BLOCKED");
    assert!(
        err.to_string().contains("take it again at step 13"),
        "{err}"
    );

    // Re-signing the old text does not help; signing the text that was sent does.
    let old = d.signature(SignerRole::EndUser);
    d.step(id, 13, json!({"outcome": b::VERIFIED, "signature": old}))
        .unwrap();
    assert_eq!(code(d.close(id)), "CLOSE_BLOCKED");
    let mut new = d.signature(SignerRole::EndUser);
    new["content"] = json!(changed);
    new["content_sha256"] = json!(sha256_hex(changed.as_bytes()));
    let t = d
        .step(id, 13, json!({"outcome": b::VERIFIED, "signature": new}))
        .unwrap();
    assert_eq!(t.status, TicketStatus::Resolved);
    assert!(end_user_signature_invalidated(&t, &msp_support_ticket()).is_none());
    assert_eq!(d.close(id).unwrap().status, TicketStatus::Closed);
}

#[test]
fn only_an_invalidated_signature_is_taken_again_after_resolution() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let sig = d.signature(SignerRole::EndUser);
    assert_eq!(
        code(d.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))),
        "GATE_BLOCKED"
    );
    d.step(id, 16, json!({"summary": "Something else."}))
        .unwrap();
    assert_eq!(
        code(d.step(id, 13, json!({"outcome": b::STILL_FAILING}))),
        "INVALID_INPUT",
        "a verified fix is not un-verified by re-signing"
    );
}

// ---- Technician sign-off -------------------------------------------------------------------------

#[test]
fn sign_off_without_a_pin_is_refused_and_writes_nothing() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let before = d.store.ticket_audit(id, 1000).unwrap().len();
    let code_ = b::RESOLUTION_CODES[0];
    let sig = d.sign_off_signature(id, code_, "none");
    let err = d
        .step(
            id,
            21,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": sig}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "PIN_REQUIRED");
    let now = d.now;
    assert_eq!(code(d.store.verify_pin(TECH, "", now)), "PIN_REQUIRED");
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::Resolved);
    assert_eq!(d.store.ticket_audit(id, 1000).unwrap().len(), before);
}

#[test]
fn sign_off_with_a_wrong_pin_is_refused() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let now = d.now;
    let err = d.store.verify_pin(TECH, "000000", now).unwrap_err();
    assert_eq!(err.code(), "PIN_WRONG");
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::Resolved);
}

#[test]
fn the_sign_off_is_over_the_closing_statement_by_the_technician_who_entered_the_pin() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let code_ = b::RESOLUTION_CODES[0];
    let other_notes = d.sign_off_signature(id, code_, "different notes");
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": other_notes})
        )),
        "INVALID_INPUT"
    );
    let mut someone_else = d.sign_off_signature(id, code_, "none");
    someone_else["signer_name"] = json!("Robin Vega");
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": someone_else.clone()})
        )),
        "INVALID_INPUT"
    );
    assert_eq!(d.close(id).unwrap().status, TicketStatus::Closed);
    // Once closed, any further sign-off is told the ticket is closed, whoever it names.
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": someone_else})
        )),
        "TICKET_CLOSED"
    );
}

// ---- PINs ------------------------------------------------------------------------------------------

#[test]
fn wrong_pins_are_throttled_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let now = common::monday_morning();
    let mut s = Store::open(&path).unwrap();
    common::set_up(&mut s, "Kim Lee", "432100", now);
    for left in (1..FREE_ATTEMPTS).rev() {
        let err = s.verify_pin("Kim Lee", "111111", now).unwrap_err();
        assert_eq!(err.code(), "PIN_WRONG");
        assert!(
            err.to_string().contains(&format!("{left} attempts left")),
            "{err}"
        );
    }
    assert_eq!(
        code(s.verify_pin("Kim Lee", "111111", now)),
        "PIN_THROTTLED"
    );
    drop(s);

    let mut s = Store::open(&path).unwrap();
    // Locked: even the right PIN is not checked.
    assert_eq!(
        code(s.verify_pin("Kim Lee", "432100", now)),
        "PIN_THROTTLED"
    );
    let later = now + Duration::seconds(FIRST_LOCK_SECS + 1);
    // The next miss doubles the pause.
    assert_eq!(
        code(s.verify_pin("Kim Lee", "111111", later)),
        "PIN_THROTTLED"
    );
    let after_first_lock = later + Duration::seconds(FIRST_LOCK_SECS + 1);
    assert_eq!(
        code(s.verify_pin("Kim Lee", "432100", after_first_lock)),
        "PIN_THROTTLED"
    );
    let after_second_lock = later + Duration::seconds(2 * FIRST_LOCK_SECS + 1);
    let proof = s
        .verify_pin("Kim Lee", "432100", after_second_lock)
        .unwrap();
    assert_eq!(proof.technician(), "Kim Lee");
    // A good PIN resets the count.
    assert_eq!(
        code(s.verify_pin("Kim Lee", "111111", after_second_lock)),
        "PIN_WRONG"
    );
}

#[test]
fn pins_are_stored_only_as_salted_argon2_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let now = common::monday_morning();
    let mut s = Store::open(&path).unwrap();
    common::set_up(&mut s, "A", "864209", now);
    common::add_technician(
        &mut s,
        ("B", TechTier::Tier1, "864209"),
        ("A", "864209"),
        now,
    );
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let hashes: Vec<String> = conn
        .prepare("SELECT pin_hash FROM technicians ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(hashes.len(), 2);
    for h in &hashes {
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("864209"));
    }
    assert_ne!(hashes[0], hashes[1], "each PIN has its own salt");
    let raw = std::fs::read(&path).unwrap();
    assert!(!raw.windows(6).any(|w| w == b"864209"));
}

#[test]
fn changing_a_pin_needs_the_current_one() {
    let mut d = Desk::new();
    let now = d.now;
    assert_eq!(
        code(d.store.set_pin(TECH, None, "222222", now)),
        "PIN_REQUIRED"
    );
    assert_eq!(
        code(d.store.set_pin(TECH, Some("999999"), "222222", now)),
        "PIN_WRONG"
    );
    for short in ["22", "22222"] {
        assert_eq!(
            code(d.store.set_pin(TECH, Some(PIN), short, now)),
            "PIN_POLICY"
        );
    }
    d.store.set_pin(TECH, Some(PIN), "222222", now).unwrap();
    assert!(d.store.verify_pin(TECH, "222222", now).is_ok());
    assert_eq!(code(d.store.verify_pin(TECH, PIN, now)), "PIN_WRONG");
}

#[test]
fn a_technician_without_a_pin_cannot_sign_off() {
    // Every technician added since the desk setup has a PIN; one added by an older version may not.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let now = common::monday_morning();
    let mut s = Store::open(&path).unwrap();
    common::set_up(&mut s, TECH, PIN, now);
    drop(s);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO technicians (name, tier) VALUES ('New Hire', 'tier1')",
            [],
        )
        .unwrap();
    let mut s = Store::open(&path).unwrap();
    assert!(!s.has_pin("New Hire").unwrap());
    assert_eq!(code(s.verify_pin("New Hire", "123456", now)), "PIN_NOT_SET");
}

#[test]
fn a_signature_is_timed_by_the_core_in_the_signers_offset() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let mut sig = d.signature(SignerRole::EndUser);
    sig["signed_at"] = json!("1999-01-01T00:00:00-05:00");
    let t = d
        .step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
        .unwrap();
    let stored = t.value(13, "signature").unwrap()["signed_at"]
        .as_str()
        .unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(stored).unwrap();
    assert_eq!(at.offset().local_minus_utc(), -5 * 3600);
    assert_eq!(at.with_timezone(&chrono::Utc), d.now);
}

#[test]
fn the_png_preview_stays_out_of_the_audit_trail_and_the_record() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let code_ = b::RESOLUTION_CODES[0];
    let mut sig = d.sign_off_signature(id, code_, "none");
    sig["preview_png"] = json!(png);
    let t = d
        .sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": sig}),
        )
        .unwrap();
    // Stored with the step, for display...
    assert_eq!(t.value(21, "signature").unwrap()["preview_png"], json!(png));
    // ...but neither in the audit event nor in the sealed record.
    let audit = d.store.ticket_audit(id, 1000).unwrap();
    let closed = audit
        .iter()
        .find(|e| e.action == "step_21_completed")
        .unwrap();
    assert!(!closed.after.to_string().contains("iVBOR"));
    let record = d.store.closure_record(id).unwrap();
    assert!(!record.canonical_json.contains("iVBOR"));
    assert!(record.canonical_json.contains("content_sha256"));
}
