//! Hand-over mode through the real IPC layer: while it is under way every command but its own
//! answers HANDOVER_ACTIVE (reads too: they would show the end user other tickets), the end user
//! verifies, signs over the stored text and rates, and only a technician's PIN gives the window
//! back.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::demo::{self, DEMO_PIN};
use ticketflow_core::signature::Signature;
use ticketflow_core::store::Store;
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_lib::AppState;

const SUMMARY: &str = "We reset your mail profile.";

fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    demo::generate(&mut store, 40, 3, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(demo::anchor()));
    app_with(AppState::new(store, clock))
}

/// An escalated demo ticket (hand-off done) with its fix recorded: ready for verification.
fn fixed(w: &WebviewWindow<Mock>) -> i64 {
    let view = (1..=40)
        .map(|id| invoke(w, "get_ticket", json!({"id": id})).unwrap())
        .find(|v| v["ticket"]["status"] == "escalated")
        .expect("the demo desk has an escalated ticket");
    let id = view["ticket"]["id"].as_i64().unwrap();
    invoke(
        w,
        "complete_step",
        json!({"id": id, "step": 12,
               "values": {"notes": "reset", "infrastructure": b::NO_SHARED_INFRA}}),
    )
    .expect("the fix");
    id
}

fn start(w: &WebviewWindow<Mock>, id: i64) -> Value {
    invoke(
        w,
        "start_handover",
        json!({"ticketId": id, "summary": SUMMARY}),
    )
    .expect("the hand-over starts")
}

#[test]
fn during_a_hand_over_only_its_own_commands_answer() {
    let (_app, w) = desk();
    let id = fixed(&w);
    let session = start(&w, id);
    assert_eq!(session["stage"], "verify");
    assert_eq!(session["summary"], SUMMARY);

    for (command, args) in [
        ("list_queue", json!({"query": {}})),
        ("queue_count", json!({"query": {}})),
        ("get_ticket", json!({"id": id})),
        ("create_ticket", json!({})),
        ("list_companies", json!({})),
        ("search_documents", json!({"query": "mail", "limit": 10})),
        ("get_report_settings", json!({})),
        ("has_pin", json!({})),
        (
            "start_handover",
            json!({"ticketId": id, "summary": SUMMARY}),
        ),
    ] {
        assert_eq!(
            code(invoke(&w, command, args)),
            "HANDOVER_ACTIVE",
            "{command} answered during the hand-over"
        );
    }
    assert_eq!(
        invoke(&w, "get_handover", json!({})).unwrap()["ticket_id"],
        id
    );

    assert_eq!(
        code(invoke(&w, "unlock_handover", json!({"pin": "000000"}))),
        "HANDOVER_PIN_WRONG"
    );
    invoke(&w, "unlock_handover", json!({ "pin": DEMO_PIN })).expect("the PIN");
    assert_eq!(invoke(&w, "get_handover", json!({})).unwrap(), Value::Null);
    invoke(&w, "list_queue", json!({"query": {}})).expect("the desk answers again");
    assert_eq!(
        code(invoke(&w, "unlock_handover", json!({ "pin": DEMO_PIN }))),
        "NO_HANDOVER"
    );
}

#[test]
fn the_end_user_verifies_signs_over_the_stored_text_and_rates() {
    let (_app, w) = desk();
    let id = fixed(&w);
    start(&w, id);
    let mut signature = serde_json::to_value(Signature::synthetic(
        "Dana Reyes",
        SignerRole::EndUser,
        "fix verified",
        "some other text the page made up",
        demo::anchor().fixed_offset(),
        // Ink no demo signature has (the core refuses strokes stored before).
        0x5eed_0000_0001,
    ))
    .unwrap();
    let nonce = invoke(&w, "handover_signing_nonce", json!({})).expect("a nonce");
    assert_eq!(nonce.as_str().map(str::len), Some(64));
    signature["nonce"] = nonce;
    let session = invoke(
        &w,
        "handover_verify",
        json!({"outcome": b::VERIFIED, "signature": signature}),
    )
    .expect("verified and signed");
    assert_eq!(session["stage"], "rate");
    let session = invoke(
        &w,
        "handover_rate",
        json!({"rating": 5, "comment": "thanks"}),
    )
    .expect("rated");
    assert_eq!(session["stage"], "done");
    invoke(&w, "unlock_handover", json!({ "pin": DEMO_PIN })).unwrap();

    let view = invoke(&w, "get_ticket", json!({ "id": id })).unwrap();
    let signed = view["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["step"] == 13)
        .unwrap()["values"]["signature"]
        .clone();
    assert_eq!(signed["content"], SUMMARY, "the stored text was signed");
    assert_eq!(
        signed["content_sha256"],
        ticketflow_core::canonical::sha256_hex(SUMMARY.as_bytes())
    );
}
