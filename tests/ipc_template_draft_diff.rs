//! The publish panel's command through the real IPC layer: what publishing the draft would
//! change against the published version, and a coded refusal when there is no draft.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, 4, 3, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    app_with(AppState::new(store, clock))
}

fn kinds_for(changes: &Value, step: &str) -> Vec<String> {
    changes
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["step"] == step)
        .map(|c| c["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_draft_is_compared_with_the_published_version() {
    let (_app, w) = desk();
    assert_eq!(
        code(invoke(&w, "template_draft_diff", json!({}))),
        "NO_TEMPLATE_DRAFT"
    );

    let draft = invoke(&w, "template_draft_start", json!({})).unwrap();
    // An untouched draft changes nothing.
    assert_eq!(
        invoke(&w, "template_draft_diff", json!({})).unwrap(),
        json!([])
    );

    let mut t = draft["template"].clone();
    let diagnosis = t["phases"][1]["steps"].as_array_mut().unwrap();
    let at = diagnosis
        .iter()
        .position(|s| s["key"] == "escalation_decision")
        .unwrap();
    diagnosis[at]["requires"]
        .as_array_mut()
        .unwrap()
        .push(json!("check_backup_status"));
    diagnosis.insert(
        at,
        json!({
            "number": 0, "key": "check_backup_status", "title": "Check backup status",
            "guidance": "Look at last night's backup job.",
            "fields": [{"key": "backup_status", "label": "Backup status", "required": true,
                        "kind": {"type": "list", "options": ["ok", "failing", "not applicable"],
                                 "multiple": false}}],
            "condition": "always", "gate": "custom", "requires": [], "resets": [],
            "required": true, "tools": []
        }),
    );
    let saved = invoke(&w, "template_draft_save", json!({"template": t})).unwrap();
    assert_eq!(saved["problems"], json!([]));

    let changes = invoke(&w, "template_draft_diff", json!({})).unwrap();
    assert_eq!(kinds_for(&changes, "check_backup_status"), ["step_added"]);
    assert_eq!(
        kinds_for(&changes, "escalation_decision"),
        ["requires_changed"]
    );
    // Nothing was published by asking.
    let overview = invoke(&w, "template_overview", json!({})).unwrap();
    assert_eq!(overview["published"]["version"], 1);

    // Once published, the draft is gone and the same changes are version 2's.
    invoke(&w, "template_publish", json!({"note": "Backups first"})).unwrap();
    assert_eq!(
        code(invoke(&w, "template_draft_diff", json!({}))),
        "NO_TEMPLATE_DRAFT"
    );
    assert_eq!(
        invoke(&w, "template_diff", json!({"from": 1, "to": 2})).unwrap(),
        changes
    );
}
