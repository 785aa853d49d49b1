//! Settings › Priority matrix and the intake's dry run through the real IPC layer: a saved matrix
//! changes the preview and what opening stores identically; a bad matrix is refused by cell, with
//! nothing saved; the preview writes nothing.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_core::template::builtin as b;
use ticketflow_lib::AppState;

fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, 10, 2, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    app_with(AppState::new(store, clock))
}

/// An authorized caller and one of their company's assets.
fn caller_and_asset(w: &WebviewWindow<Mock>) -> (i64, i64) {
    let hits = invoke(w, "search_contacts", json!({"query": ""})).unwrap();
    let caller = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["refusal"].is_null())
        .cloned()
        .unwrap();
    let company = caller["contact"]["company_id"].as_i64().unwrap();
    let assets = invoke(
        w,
        "search_assets",
        json!({"companyId": company, "query": ""}),
    )
    .unwrap();
    (
        caller["contact"]["id"].as_i64().unwrap(),
        assets[0]["id"].as_i64().unwrap(),
    )
}

/// Each step by key (what the preview reads) and by its number in the built-in template (what
/// `complete_step` on a ticket pinned to it takes).
fn steps(caller: i64, asset: i64, impact: &str, urgency: &str) -> Value {
    json!([
        {"key": "verify_caller", "step": 1, "values": {"contact": caller, "authorization": b::AUTHORIZED}},
        {"key": "scope_assets", "step": 2, "values": {"assets": [asset]}},
        {"key": "set_priority", "step": 3, "values": {"impact": impact, "urgency": urgency}},
        {"key": "check_noc", "step": 4, "values": {}},
        {"key": "open_ticket", "step": 5, "values": {"problem_statement": "VPN drops every hour"}},
    ])
}

/// Opens a ticket the way the intake form does: the preview's priority goes into step 3.
fn open(w: &WebviewWindow<Mock>, steps: &Value, priority: &Value) -> Value {
    let id = invoke(w, "create_ticket", json!({})).unwrap()["ticket"]["id"]
        .as_i64()
        .unwrap();
    let mut view = Value::Null;
    for s in steps.as_array().unwrap() {
        let mut values = s["values"].clone();
        if s["step"] == 3 {
            values["priority"] = priority.clone();
        }
        view = invoke(
            w,
            "complete_step",
            json!({"id": id, "step": s["step"], "values": values}),
        )
        .unwrap();
    }
    view["ticket"].clone()
}

#[test]
fn an_edited_matrix_changes_the_preview_and_the_stored_priority_alike() {
    let (_app, w) = desk();
    let (caller, asset) = caller_and_asset(&w);
    let s = steps(caller, asset, "department", "request");
    let before = invoke(&w, "preview_intake", json!({"steps": s})).unwrap();
    assert_eq!(before["priority_computed"], "P4");
    assert_eq!(before["missing"], json!([]));

    let rows = json!([["P1", "P2", "P3"], ["P2", "P3", "P2"], ["P2", "P3", "P4"]]);
    let saved = invoke(&w, "set_priority_matrix", json!({"rows": rows})).unwrap();
    assert_eq!(saved["cells"], rows);
    assert_eq!(
        invoke(&w, "get_priority_matrix", json!({})).unwrap()["cells"],
        rows
    );

    let after = invoke(&w, "preview_intake", json!({"steps": s})).unwrap();
    assert_eq!(after["priority_computed"], "P2");
    assert_eq!(after["priority"], "P2");
    let t = open(&w, &s, &after["priority"]);
    assert_eq!(t["status"], "open");
    assert_eq!(t["priority"], after["priority"]);
    assert_eq!(t["priority_computed"], after["priority_computed"]);
}

#[test]
fn a_bad_matrix_is_refused_by_cell_and_nothing_is_saved() {
    let (_app, w) = desk();
    let before = invoke(&w, "get_priority_matrix", json!({})).unwrap();
    let err = invoke(
        &w,
        "set_priority_matrix",
        json!({"rows": [["P1", "P2", "P3"], ["P2", "P5", "P4"], ["P2", "P3", "P4"]]}),
    );
    let payload = err.clone().unwrap_err();
    assert_eq!(code(err), "INVALID_INPUT");
    assert!(
        payload.to_string().contains("department × degraded"),
        "{payload}"
    );
    assert_eq!(
        code(invoke(&w, "set_priority_matrix", json!({"rows": [["P1"]]}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        invoke(&w, "get_priority_matrix", json!({})).unwrap(),
        before
    );
}

#[test]
fn the_preview_lists_what_opening_would_refuse() {
    let (_app, w) = desk();
    let empty = json!([
        {"key": "verify_caller", "step": 1, "values": {}}, {"key": "scope_assets", "step": 2, "values": {}},
        {"key": "set_priority", "step": 3, "values": {"impact": "organization", "urgency": "blocked", "priority": "P3"}},
        {"key": "check_noc", "step": 4, "values": {}}, {"key": "open_ticket", "step": 5, "values": {}},
    ]);
    let p = invoke(&w, "preview_intake", json!({"steps": empty})).unwrap();
    assert_eq!(p["priority_computed"], "P1");
    assert_eq!(p["priority"], "P3");
    assert_eq!(p["overridden"], true);
    let steps_missing: Vec<i64> = p["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["step"].as_i64().unwrap())
        .collect();
    for n in [1, 2, 3, 5] {
        assert!(steps_missing.contains(&n), "step {n}: {p}");
    }
}
