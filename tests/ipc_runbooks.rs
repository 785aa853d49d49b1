//! Runbook entries through the real IPC layer: create, update, get, list and search as the
//! Runbooks screen and step 20 send them, their error codes, and step 20 completed with an entry
//! created from the ticket.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_core::template::builtin as b;
use ticketflow_lib::AppState;

/// A demo desk (its current technician set) in a mock app.
fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, 40, 3, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    app_with(AppState::new(store, clock))
}

/// A demo ticket whose step 20 can be completed now.
fn ticket_at_step_20(w: &WebviewWindow<Mock>) -> Value {
    (1..=40)
        .filter_map(|id| invoke(w, "get_ticket", json!({"id": id})).ok())
        .find(|view| {
            view["phases"].as_array().unwrap().iter().any(|p| {
                p["steps"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["number"] == 20 && s["state"]["state"] == "available")
            })
        })
        .expect("the demo desk has a resolved ticket at step 20")
}

#[test]
fn entries_are_written_listed_and_searched_over_ipc() {
    let (_app, w) = desk();
    let companies = invoke(&w, "list_companies", json!({})).unwrap();
    let company = companies[0]["id"].as_i64().unwrap();
    let created = invoke(
        &w,
        "create_runbook_entry",
        json!({"entry": {"company_id": company, "title": "Scanner SMB share",
                         "body": "The copier scans to \\\\files\\scans with SMB1."}}),
    )
    .unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["company_id"], company);
    assert_eq!(created["company"], companies[0]["name"]);

    let listed = invoke(
        &w,
        "list_runbook_entries",
        json!({"query": {"company_id": null, "offset": 0, "limit": 5}}),
    )
    .unwrap();
    assert_eq!(listed["rows"][0]["id"], id, "the newest entry comes first");
    assert!(listed["total"].as_i64().unwrap() >= 1);

    let found = invoke(&w, "search_runbook_entries", json!({"query": "copier smb"})).unwrap();
    assert_eq!(found[0]["id"], id);
    let desk_search = invoke(
        &w,
        "search_documents",
        json!({"query": "copier", "limit": 10}),
    )
    .unwrap();
    assert!(desk_search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["kind"] == "runbook" && h["id"] == id));

    let updated = invoke(
        &w,
        "update_runbook_entry",
        json!({"id": id, "entry": {"company_id": null, "title": "Scanner SMB share",
                                   "body": "Scans now go to OneDrive."}}),
    )
    .unwrap();
    assert_eq!(updated["company_id"], Value::Null);
    assert_eq!(
        invoke(&w, "get_runbook_entry", json!({"id": id})).unwrap()["body"],
        "Scans now go to OneDrive."
    );
    assert!(
        invoke(&w, "search_runbook_entries", json!({"query": "copier"}))
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn refusals_arrive_with_their_codes() {
    let (_app, w) = desk();
    let entry =
        |title: &str, body: String| json!({"company_id": null, "title": title, "body": body});
    assert_eq!(
        code(invoke(
            &w,
            "create_runbook_entry",
            json!({"entry": entry(" ", "x".into())})
        )),
        "RUNBOOK_TITLE_INVALID"
    );
    assert_eq!(
        code(invoke(
            &w,
            "create_runbook_entry",
            json!({"entry": entry("Big", "x".repeat(100_001))})
        )),
        "RUNBOOK_BODY_TOO_LONG"
    );
    assert_eq!(
        code(invoke(&w, "get_runbook_entry", json!({"id": 987_654}))),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(
            &w,
            "update_runbook_entry",
            json!({"id": 987_654, "entry": entry("x", "y".into())})
        )),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(
            &w,
            "create_runbook_entry",
            json!({"entry": entry("x", "y".into()), "ticketId": 987_654})
        )),
        "NOT_FOUND"
    );
}

#[test]
fn step_20_is_completed_with_an_entry_created_from_the_ticket() {
    let (_app, w) = desk();
    let view = ticket_at_step_20(&w);
    let ticket = view["ticket"]["id"].as_i64().unwrap();
    let company = view["ticket"]["company_id"].clone();
    let linked: Vec<i64> = view["runbooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // An entry that merely exists does not prove "Entry created".
    if !linked.is_empty() {
        assert_eq!(
            code(invoke(
                &w,
                "complete_step",
                json!({"id": ticket, "step": 20, "values": {"outcome": b::RUNBOOK_CREATED, "runbooks": linked}})
            )),
            "GATE_BLOCKED"
        );
    }
    let created = invoke(
        &w,
        "create_runbook_entry",
        json!({"entry": {"company_id": company, "title": "Learned today", "body": "Steps"},
               "ticketId": ticket}),
    )
    .unwrap();
    let entry = created["id"].as_i64().unwrap();
    let view = invoke(&w, "get_ticket", json!({"id": ticket})).unwrap();
    assert!(view["runbooks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == entry));
    let done = invoke(
        &w,
        "complete_step",
        json!({"id": ticket, "step": 20, "values": {"outcome": b::RUNBOOK_CREATED, "runbooks": [entry]}}),
    )
    .unwrap();
    let step20 = done["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap().iter())
        .find(|s| s["number"] == 20)
        .unwrap()
        .clone();
    assert_eq!(step20["state"]["state"], "done");
}
