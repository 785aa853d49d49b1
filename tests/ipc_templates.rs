//! The Templates screen's commands through the real IPC layer: the argument names the UI sends,
//! the draft's round trip, publishing (refused with every problem, nothing written), restoring,
//! comparing, the dry run, and template files in and out.

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

/// `template` (JSON, as the UI holds it) with the desk's own step first in diagnosis.
fn with_backup_step(mut template: Value) -> Value {
    let step = json!({
        "number": 0, "key": "backup_check", "title": "Check the last backup",
        "guidance": "Make sure the last backup finished before changing anything.",
        "fields": [{"key": "backup_note", "label": "Last backup",
                    "kind": {"type": "paragraph", "max_chars": 1000}, "required": false}],
        "condition": "always", "gate": "custom", "requires": [], "resets": [],
        "required": false, "tools": []
    });
    template["phases"][1]["steps"]
        .as_array_mut()
        .unwrap()
        .insert(0, step);
    template
}

fn without_verification(mut template: Value) -> Value {
    for phase in template["phases"].as_array_mut().unwrap() {
        phase["steps"]
            .as_array_mut()
            .unwrap()
            .retain(|s| s["key"] != "verify_fix");
    }
    template
}

#[test]
fn a_draft_is_saved_published_compared_and_restored() {
    let (_app, w) = desk();
    let overview = invoke(&w, "template_overview", json!({})).unwrap();
    assert_eq!(overview["published"]["version"], 1);
    assert!(overview["draft"].is_null());

    let draft = invoke(&w, "template_draft_start", json!({})).unwrap();
    assert_eq!(draft["base_version"], 1);
    let saved = invoke(
        &w,
        "template_draft_save",
        json!({"template": with_backup_step(draft["template"].clone())}),
    )
    .unwrap();
    assert_eq!(saved["problems"], json!([]));
    assert_eq!(saved["template"]["phases"][1]["steps"][0]["number"], 6);

    assert_eq!(
        code(invoke(&w, "template_publish", json!({"note": ""}))),
        "INVALID_INPUT"
    );
    let v2 = invoke(&w, "template_publish", json!({"note": "Backup check"})).unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["based_on"], 1);

    let current = invoke(&w, "template_get", json!({"version": null})).unwrap();
    assert_eq!(current["version"], 2);
    let changes = invoke(&w, "template_diff", json!({"from": 1, "to": 2})).unwrap();
    assert!(changes.to_string().contains("backup_check"), "{changes}");

    let v3 = invoke(
        &w,
        "template_restore",
        json!({"version": 1, "note": "Undo"}),
    )
    .unwrap();
    assert_eq!(v3["version"], 3);
    let v1 = invoke(&w, "template_get", json!({"version": 1})).unwrap();
    let restored = invoke(&w, "template_get", json!({"version": 3})).unwrap();
    assert_eq!(restored["phases"], v1["phases"]);
    assert_eq!(
        code(invoke(&w, "template_get", json!({"version": 9}))),
        "TEMPLATE_VERSION_UNKNOWN"
    );

    let overview = invoke(&w, "template_overview", json!({})).unwrap();
    let versions: Vec<i64> = overview["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1]);
}

#[test]
fn problems_are_listed_and_never_published() {
    let (_app, w) = desk();
    let current = invoke(&w, "template_get", json!({"version": null})).unwrap();
    let bad = without_verification(current);

    // The dry run writes nothing and lists the problems.
    let problems = invoke(&w, "template_validate", json!({"template": bad.clone()})).unwrap();
    assert!(!problems.as_array().unwrap().is_empty());
    assert!(invoke(&w, "template_overview", json!({})).unwrap()["draft"].is_null());

    let saved = invoke(&w, "template_draft_save", json!({"template": bad})).unwrap();
    assert_eq!(saved["problems"], problems);
    let refused = invoke(&w, "template_publish", json!({"note": "Shorter"})).unwrap_err();
    assert_eq!(refused["code"], "TEMPLATE_INVALID");
    for p in problems.as_array().unwrap() {
        let path = p["path"].as_str().unwrap();
        assert!(
            refused["message"].as_str().unwrap().contains(path),
            "{refused}"
        );
    }
    let overview = invoke(&w, "template_overview", json!({})).unwrap();
    assert_eq!(overview["published"]["version"], 1);

    let after = invoke(&w, "template_draft_discard", json!({})).unwrap();
    assert!(after["draft"].is_null());
    assert_eq!(
        code(invoke(&w, "template_draft_discard", json!({}))),
        "NO_TEMPLATE_DRAFT"
    );
}

#[test]
fn template_files_go_out_and_come_back_into_the_draft() {
    let (_app, w) = desk();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("template.json");
    let written = invoke(
        &w,
        "template_export",
        json!({"version": null, "path": out.to_str().unwrap()}),
    )
    .unwrap();
    assert_eq!(written, out.to_str().unwrap());
    assert!(out.is_file());
    assert_eq!(
        code(invoke(
            &w,
            "template_export",
            json!({"version": 1, "path": "relative.json"})
        )),
        "INVALID_INPUT"
    );

    let draft = invoke(
        &w,
        "template_import",
        json!({"path": out.to_str().unwrap()}),
    )
    .unwrap();
    assert_eq!(draft["problems"], json!([]));
    let current = invoke(&w, "template_get", json!({"version": null})).unwrap();
    assert_eq!(draft["template"]["phases"], current["phases"]);

    // A file that is not a template: every problem, the draft untouched.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"phases\": 7}").unwrap();
    let before = invoke(&w, "template_overview", json!({})).unwrap();
    let refused = invoke(
        &w,
        "template_import",
        json!({"path": junk.to_str().unwrap()}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "TEMPLATE_INVALID");
    assert_eq!(invoke(&w, "template_overview", json!({})).unwrap(), before);
}
