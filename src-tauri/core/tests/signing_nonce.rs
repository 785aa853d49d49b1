//! Signatures are single-use and bound (issue 14, item 2): a nonce issued before the pad opens,
//! for one ticket, step, signer role and text; used once; and ink that was stored before is
//! refused, whoever it is said to be from.

mod common;

use common::{Desk, SUMMARY, TECH};
use serde_json::{json, Value};
use ticketflow_core::canonical::sha256_hex;
use ticketflow_core::signature::Signature;
use ticketflow_core::store::SigningNonce;
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::ticket::TicketStatus;

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected a refusal").code()
}

fn nonce(d: &mut Desk, id: i64, step: u8, role: SignerRole, content: &str) -> SigningNonce {
    let now = d.now;
    d.store
        .issue_signing_nonce(id, step, role, content, now)
        .unwrap()
}

/// The end user's signature over `content` with `seed`'s ink, carrying `nonce` (the core times
/// it when the step is stored).
fn end_user(content: &str, seed: u64, nonce: &str) -> Value {
    let mut sig = Signature::synthetic(
        "Dana Reyes",
        SignerRole::EndUser,
        "fix verified",
        content,
        common::monday_morning().fixed_offset(),
        seed,
    );
    sig.nonce = nonce.to_string();
    serde_json::to_value(sig).unwrap()
}

fn verify(
    d: &mut Desk,
    id: i64,
    sig: Value,
) -> ticketflow_core::Result<ticketflow_core::ticket::Ticket> {
    d.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
}

fn audit_len(d: &Desk, id: i64) -> usize {
    d.store.ticket_audit(id, 1000).unwrap().len()
}

#[test]
fn a_nonce_is_bound_to_its_text_and_the_stored_signature_carries_both_hashes() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let n = nonce(&mut d, id, 13, SignerRole::EndUser, SUMMARY);
    assert_eq!(n.nonce.len(), 64);
    assert_eq!(n.content_sha256, sha256_hex(SUMMARY.as_bytes()));
    let t = verify(&mut d, id, end_user(SUMMARY, 500, &n.nonce)).unwrap();
    let stored = t.value(13, "signature").unwrap();
    assert_eq!(stored["nonce"], json!(n.nonce));
    assert_eq!(stored["content_sha256"], json!(n.content_sha256));
}

#[test]
fn a_nonce_used_twice_is_a_replay() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    // The summary changes after the end user signed: their signature is taken again.
    let changed = "We fixed your sign-in and your printer.";
    d.step(id, 16, json!({"summary": changed})).unwrap();
    let n = nonce(&mut d, id, 13, SignerRole::EndUser, changed);
    verify(&mut d, id, end_user(changed, 501, &n.nonce)).unwrap();
    // The same nonce again, with fresh ink: refused, and nothing is written.
    d.step(id, 16, json!({"summary": SUMMARY})).unwrap();
    let before = audit_len(&d, id);
    let err = verify(&mut d, id, end_user(changed, 502, &n.nonce)).unwrap_err();
    assert_eq!(err.code(), "SIGNATURE_REPLAYED");
    assert!(
        err.to_string().contains("ask the signer to sign again"),
        "{err}"
    );
    assert_eq!(audit_len(&d, id), before);
}

#[test]
fn the_same_strokes_are_refused_for_any_signer_ticket_or_text() {
    let mut d = Desk::new();
    let first = d.fixed(false);
    let n = nonce(&mut d, first, 13, SignerRole::EndUser, SUMMARY);
    let original = end_user(SUMMARY, 503, &n.nonce);
    verify(&mut d, first, original.clone()).unwrap();

    // The strokes copied out of the first ticket's report, with another name, on another ticket,
    // under a fresh nonce of their own.
    let second = d.fixed(false);
    let other_text = "We replaced your keyboard.";
    let n2 = nonce(&mut d, second, 13, SignerRole::EndUser, other_text);
    let mut copy = end_user(other_text, 999, &n2.nonce);
    copy["strokes"] = original["strokes"].clone();
    copy["signer_name"] = json!("Somebody Else");
    let before = audit_len(&d, second);
    let status = d.store.ticket(second).unwrap().status;
    let err = verify(&mut d, second, copy).unwrap_err();
    assert_eq!(err.code(), "SIGNATURE_REPLAYED");
    let number = d.store.ticket(first).unwrap().number;
    assert!(err.to_string().contains(&number), "{err}");
    assert_eq!(audit_len(&d, second), before);
    assert_eq!(d.store.ticket(second).unwrap().status, status);

    // The technician's sign-off cannot reuse the end user's ink either.
    let id = d.ready_to_close();
    let code_ = b::RESOLUTION_CODES[0];
    let mut sig = d.sign_off_signature(id, code_, "none");
    sig["strokes"] = original["strokes"].clone();
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": sig})
        )),
        "SIGNATURE_REPLAYED"
    );

    // The refusal used nothing up: the second ticket's nonce signs with new ink.
    verify(&mut d, second, end_user(other_text, 504, &n2.nonce)).unwrap();
}

#[test]
fn a_nonce_for_another_ticket_step_signer_or_text_is_refused() {
    let mut d = Desk::new();
    let a = d.fixed(false);
    let other = d.fixed(false);
    let for_other = nonce(&mut d, other, 13, SignerRole::EndUser, SUMMARY);
    assert_eq!(
        code(verify(&mut d, a, end_user(SUMMARY, 505, &for_other.nonce))),
        "SIGNING_NONCE_INVALID"
    );
    // Issued for another text than the one signed.
    let for_text = nonce(&mut d, a, 13, SignerRole::EndUser, "We did something else.");
    let err = verify(&mut d, a, end_user(SUMMARY, 506, &for_text.nonce)).unwrap_err();
    assert_eq!(err.code(), "SIGNING_NONCE_INVALID");
    assert!(err.to_string().contains("another text"), "{err}");
    // Never issued, or missing.
    let made_up = "ab".repeat(32);
    assert_eq!(
        code(verify(&mut d, a, end_user(SUMMARY, 507, &made_up))),
        "SIGNING_NONCE_INVALID"
    );
    let mut bare = end_user(SUMMARY, 508, "");
    bare.as_object_mut().unwrap().remove("nonce");
    // (the desk harness would add one: go to the store directly)
    let now = d.tick(1);
    let values = common::vals(json!({"outcome": b::VERIFIED, "signature": bare}));
    assert_eq!(
        code(d.store.complete_step(a, 13, values, TECH, now)),
        "SIGNING_NONCE_INVALID"
    );

    // The end user's nonce does not sign the technician's close.
    let id = d.ready_to_close();
    let code_ = b::RESOLUTION_CODES[0];
    let mut sig = d.sign_off_signature(id, code_, "none");
    let content = sig["content"].as_str().unwrap().to_string();
    let wrong_step = nonce(&mut d, id, 13, SignerRole::EndUser, &content);
    sig["nonce"] = json!(wrong_step.nonce);
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": sig.clone()})
        )),
        "SIGNING_NONCE_INVALID"
    );
    sig.as_object_mut().unwrap().remove("nonce");
    assert_eq!(
        d.sign_off(
            id,
            json!({"resolution_code": code_, "closure_notes": "none", "signature": sig})
        )
        .unwrap()
        .status,
        TicketStatus::Closed
    );
    // A closed ticket is issued no nonce.
    let now = d.now;
    assert_eq!(
        code(
            d.store
                .issue_signing_nonce(id, 21, SignerRole::Technician, &content, now)
        ),
        "TICKET_CLOSED"
    );
}

#[test]
fn only_the_pad_opened_last_can_sign_and_not_after_two_hours() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let older = nonce(&mut d, id, 13, SignerRole::EndUser, SUMMARY);
    let newer = nonce(&mut d, id, 13, SignerRole::EndUser, SUMMARY);
    let err = verify(&mut d, id, end_user(SUMMARY, 509, &older.nonce)).unwrap_err();
    assert_eq!(err.code(), "SIGNING_NONCE_INVALID");
    assert!(err.to_string().contains("newer pad"), "{err}");
    d.tick(3 * 60);
    assert_eq!(
        code(verify(&mut d, id, end_user(SUMMARY, 510, &newer.nonce))),
        "SIGNING_NONCE_INVALID"
    );
    let fresh = nonce(&mut d, id, 13, SignerRole::EndUser, SUMMARY);
    verify(&mut d, id, end_user(SUMMARY, 511, &fresh.nonce)).unwrap();
}

#[test]
fn nonces_are_issued_only_for_a_signature_the_step_takes() {
    let mut d = Desk::new();
    let id = d.fixed(false);
    let now = d.now;
    for (step, role) in [
        (12, SignerRole::EndUser),
        (13, SignerRole::Technician),
        (21, SignerRole::EndUser),
    ] {
        assert_eq!(
            code(d.store.issue_signing_nonce(id, step, role, SUMMARY, now)),
            "INVALID_INPUT",
            "step {step}"
        );
    }
    assert_eq!(
        code(
            d.store
                .issue_signing_nonce(id, 13, SignerRole::EndUser, "  ", now)
        ),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(
            d.store
                .issue_signing_nonce(999_999, 13, SignerRole::EndUser, SUMMARY, now)
        ),
        "NOT_FOUND"
    );
    // Only the nonce's hash is kept: the nonce itself is nowhere in the database.
    let n = nonce(&mut d, id, 13, SignerRole::EndUser, SUMMARY);
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    d.store.backup(&copy).unwrap();
    let bytes = std::fs::read(&copy).unwrap();
    assert!(!bytes.windows(64).any(|w| w == n.nonce.as_bytes()));
    assert!(bytes
        .windows(64)
        .any(|w| w == sha256_hex(n.nonce.as_bytes()).as_bytes()));
}
