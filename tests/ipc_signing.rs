//! Sign-off and hand-over through the real IPC layer: the PIN is checked before the close, wrong
//! PINs are coded errors, the close signs the statement the core gives the dialog.

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

fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    demo::generate(&mut store, 40, 3, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(demo::anchor()));
    app_with(AppState::new(store, clock))
}

fn step(w: &WebviewWindow<Mock>, id: i64, step: u8, values: Value) -> Value {
    invoke(
        w,
        "complete_step",
        json!({"id": id, "step": step, "values": values}),
    )
    .unwrap_or_else(|e| panic!("step {step}: {e}"))
}

/// A resolved demo ticket taken through steps 14–20 over IPC: only the sign-off is left.
fn ready_to_close(w: &WebviewWindow<Mock>) -> (i64, String) {
    let view = (1..=40)
        .map(|id| invoke(w, "get_ticket", json!({"id": id})).unwrap())
        .find(|v| v["ticket"]["status"] == "resolved")
        .expect("the demo desk has a resolved ticket");
    let id = view["ticket"]["id"].as_i64().unwrap();
    let signed = view["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["step"] == 13)
        .unwrap()["values"]["signature"]["content"]
        .clone();
    step(w, id, 14, json!({"notes": "green"}));
    step(w, id, 15, json!({"root_cause": "r", "changes": "c"}));
    step(w, id, 16, json!({ "summary": signed }));
    step(w, id, 18, json!({"rating": 5}));
    let tech = invoke(w, "get_current_technician", json!({})).unwrap();
    invoke(
        w,
        "add_time_entry",
        json!({"ticketId": id, "entry": {"technician": tech, "started_at": "2026-01-01T00:00:00Z",
               "minutes": 5, "billable": true, "work_type": "Remote", "note": ""}}),
    )
    .unwrap();
    step(w, id, 19, json!({"breach_note": "none"}));
    step(w, id, 20, json!({"outcome": b::RUNBOOK_NOTHING_NEW}));
    (id, tech.as_str().unwrap().to_string())
}

fn close_values(w: &WebviewWindow<Mock>, id: i64, tech: &str) -> Value {
    let code = b::RESOLUTION_CODES[0];
    let statement = invoke(
        w,
        "get_sign_off_statement",
        json!({"ticketId": id, "resolutionCode": code, "closureNotes": "none"}),
    )
    .unwrap();
    // The pad asks the core for its nonce before it opens, bound to the statement shown.
    let signing = invoke(
        w,
        "issue_signing_nonce",
        json!({"ticketId": id, "step": 21, "role": "technician", "content": statement}),
    )
    .unwrap();
    let at = demo::anchor().fixed_offset();
    let mut sig = Signature::synthetic(
        tech,
        SignerRole::Technician,
        "closure sign-off",
        statement.as_str().unwrap(),
        at,
        // Ink the demo desk's own signatures (two seeds per ticket) never used.
        1 << 40,
    );
    sig.nonce = signing["nonce"].as_str().unwrap().to_string();
    assert_eq!(signing["content_sha256"], json!(sig.content_sha256));
    json!({"resolution_code": code, "closure_notes": "none", "signature": sig})
}

#[test]
fn the_close_needs_the_technicians_pin() {
    let (_app, w) = desk();
    let (id, tech) = ready_to_close(&w);
    let values = close_values(&w, id, &tech);
    assert_eq!(
        code(invoke(
            &w,
            "complete_step",
            json!({"id": id, "step": 21, "values": values})
        )),
        "PIN_REQUIRED"
    );
    let close = |pin: &str| {
        invoke(
            &w,
            "close_ticket",
            json!({"ticketId": id, "values": values, "pin": pin}),
        )
    };
    assert_eq!(code(close("")), "PIN_REQUIRED");
    assert_eq!(code(close("000000")), "PIN_WRONG");
    let view = invoke(&w, "get_ticket", json!({"id": id})).unwrap();
    assert_eq!(view["ticket"]["status"], "resolved");
    let closed = close(DEMO_PIN).unwrap();
    assert_eq!(closed["ticket"]["status"], "closed");
    let sig = &closed["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["step"] == 21)
        .unwrap()["values"]["signature"];
    assert_eq!(sig["signer_name"], json!(tech));
    assert_eq!(sig["content_sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn wrong_pins_pause_a_pin_and_another_technician_unlocks_it() {
    let (_app, w) = desk();
    assert_eq!(invoke(&w, "has_pin", json!({})).unwrap(), json!(true));
    let me = invoke(&w, "get_current_technician", json!({})).unwrap();
    let me = me.as_str().unwrap().to_string();
    let technicians = invoke(&w, "list_technicians", json!({})).unwrap();
    let other = technicians
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["active"] == json!(true) && t["name"] != json!(me))
        .expect("the demo desk has a second active technician")["name"]
        .clone();
    let switch = |pin: &str| invoke(&w, "switch_technician", json!({"name": me, "pin": pin}));
    let status = || invoke(&w, "get_pin_status", json!({"technician": me})).unwrap();
    assert_eq!(code(switch("111111")), "PIN_WRONG");
    assert_eq!(code(switch("111111")), "PIN_WRONG");
    assert_eq!(code(switch("111111")), "PIN_THROTTLED");
    assert_eq!(code(switch(DEMO_PIN)), "PIN_THROTTLED");
    assert_eq!(status()["misses"], json!(3));
    assert_eq!(status()["min_digits"], json!(6));
    // Nobody unlocks their own PIN; another technician does, with theirs.
    assert_eq!(
        code(invoke(
            &w,
            "unlock_pin",
            json!({"name": me, "by": me, "byPin": DEMO_PIN})
        )),
        "INVALID_INPUT"
    );
    let after = invoke(
        &w,
        "unlock_pin",
        json!({"name": me, "by": other, "byPin": DEMO_PIN}),
    )
    .unwrap();
    assert_eq!(after["misses"], json!(0));
    assert_eq!(after["locked"], json!(false));
    switch(DEMO_PIN).unwrap();
}

#[test]
fn a_pin_is_changed_with_the_current_one() {
    let (_app, w) = desk();
    let set = |current: Option<&str>, new: &str| {
        invoke(&w, "set_pin", json!({"current": current, "newPin": new}))
    };
    assert_eq!(code(set(None, "555555")), "PIN_REQUIRED");
    for short in ["55", "55555"] {
        assert_eq!(code(set(Some(DEMO_PIN), short)), "PIN_POLICY");
    }
    set(Some(DEMO_PIN), "555555").unwrap();
    let me = invoke(&w, "get_current_technician", json!({})).unwrap();
    invoke(
        &w,
        "switch_technician",
        json!({"name": me, "pin": "555555"}),
    )
    .unwrap();
}

#[test]
fn malformed_signing_payloads_are_coded_errors() {
    let (_app, w) = desk();
    for (cmd, args) in [
        (
            "close_ticket",
            json!({"ticketId": "one", "values": {}, "pin": "1"}),
        ),
        (
            "close_ticket",
            json!({"ticketId": 1, "values": [], "pin": 1}),
        ),
        (
            "close_ticket",
            json!({"ticketId": 1, "values": {}, "pin": "9".repeat(100_000)}),
        ),
        ("unlock_handover", json!({})),
        ("set_pin", json!({"newPin": ["123456"]})),
        (
            "get_sign_off_statement",
            json!({"ticketId": 99999, "resolutionCode": "x", "closureNotes": "y"}),
        ),
    ] {
        let err = invoke(&w, cmd, args.clone()).expect_err(&format!("{cmd} {args}"));
        assert!(err.is_string() || err["code"].is_string(), "{cmd}: {err}");
    }
}
