//! Settings › SLA targets and Settings › Business calendar through the real IPC layer: the core
//! lists an edited table's problems by cell, refuses a bad save with nothing saved, and a saved
//! table applies to tickets opened afterwards (the ticket view and the queue agree); the desk's
//! default calendar is checked and saved.

mod support;

use std::sync::Arc;

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_core::template::builtin as b;
use ticketflow_lib::AppState;

fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>, Arc<ManualClock>) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, 10, 2, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    let (app, w) = app_with(AppState::new(store, clock.clone()));
    (app, w, clock)
}

/// A ticket opened through intake for an authorized caller: its view after opening.
fn open(w: &WebviewWindow<Mock>) -> Value {
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
    let id = invoke(w, "create_ticket", json!({})).unwrap()["ticket"]["id"]
        .as_i64()
        .unwrap();
    let steps = [
        json!({"contact": caller["contact"]["id"], "authorization": b::AUTHORIZED}),
        json!({"assets": [assets[0]["id"]]}),
        json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
        json!({}),
        json!({"problem_statement": "VPN drops every hour"}),
    ];
    let mut view = Value::Null;
    for (i, values) in steps.into_iter().enumerate() {
        view = invoke(
            w,
            "complete_step",
            json!({"id": id, "step": i + 1, "values": values}),
        )
        .unwrap();
    }
    assert_eq!(view["ticket"]["status"], "open");
    view
}

fn first_response_target(view: &Value) -> i64 {
    view["first_response"]["target_secs"].as_i64().unwrap()
}

#[test]
fn problems_are_listed_by_cell_and_a_bad_table_is_refused_with_nothing_saved() {
    let (_app, w, _clock) = desk();
    let table = invoke(&w, "get_sla_targets", json!({})).unwrap();
    assert_eq!(table.as_array().unwrap().len(), 16);
    assert_eq!(
        invoke(&w, "check_sla_targets", json!({"cells": table})).unwrap(),
        json!([])
    );

    let mut bad = table.clone();
    bad[5]["first_response_minutes"] = json!(12.5);
    bad[6]["resolution_minutes"] = json!(1);
    let problems = invoke(&w, "check_sla_targets", json!({"cells": bad})).unwrap();
    let problems = problems.as_array().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0]["tier"], bad[5]["tier"]);
    assert_eq!(problems[0]["priority"], bad[5]["priority"]);
    assert_eq!(problems[0]["field"], "first_response_minutes");
    assert_eq!(problems[1]["field"], "resolution_minutes");

    let refused = invoke(&w, "set_sla_targets", json!({"cells": bad}));
    let message = refused.clone().unwrap_err()["message"].to_string();
    assert_eq!(code(refused), "INVALID_INPUT");
    assert!(message.contains("not a whole number"), "{message}");
    assert!(message.contains("shorter than first response"), "{message}");
    assert_eq!(invoke(&w, "get_sla_targets", json!({})).unwrap(), table);
}

#[test]
fn saved_targets_apply_to_tickets_opened_afterwards() {
    let (_app, w, clock) = desk();
    let before = open(&w);
    let target = first_response_target(&before);
    let tier = before["company"]["tier"].clone();
    let priority = before["ticket"]["priority"].clone();

    let mut table = invoke(&w, "get_sla_targets", json!({})).unwrap();
    for c in table.as_array_mut().unwrap() {
        if c["tier"] == tier && c["priority"] == priority {
            c["first_response_minutes"] = json!(2);
            c["resolution_minutes"] = json!(3);
        }
    }
    let saved = invoke(&w, "set_sla_targets", json!({"cells": table})).unwrap();
    assert_eq!(saved, invoke(&w, "get_sla_targets", json!({})).unwrap());

    clock.advance(chrono::Duration::minutes(1));
    let after = open(&w);
    assert_eq!(after["company"]["tier"], tier);
    assert_eq!(after["ticket"]["priority"], priority);
    assert_eq!(first_response_target(&after), 120);

    let id = |v: &Value| v["ticket"]["id"].as_i64().unwrap();
    let view = invoke(&w, "get_ticket", json!({"id": id(&before)})).unwrap();
    assert_eq!(first_response_target(&view), target);
    assert_ne!(target, 120);

    let rows = invoke(&w, "list_queue", json!({"query": {"limit": 500}})).unwrap();
    let row = |t: i64| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == t)
            .cloned()
            .unwrap()
    };
    assert_eq!(row(id(&before))["first_response"]["target_secs"], target);
    assert_eq!(row(id(&after))["first_response"]["target_secs"], 120);
}

#[test]
fn the_desks_calendar_is_checked_and_saved() {
    let (_app, w, _clock) = desk();
    let start = invoke(&w, "get_desk_calendar", json!({})).unwrap();
    assert_eq!(start["kind"], "business_hours");

    let mut bad = start.clone();
    bad["time_zone"] = json!("Mars/Olympus_Mons");
    let refused = invoke(&w, "set_desk_calendar", json!({"calendar": bad}));
    assert_eq!(code(refused), "INVALID_INPUT");
    let mut inverted = start.clone();
    inverted["opens"] = json!("18:00:00");
    assert_eq!(
        code(invoke(
            &w,
            "set_desk_calendar",
            json!({"calendar": inverted})
        )),
        "INVALID_INPUT"
    );
    assert_eq!(invoke(&w, "get_desk_calendar", json!({})).unwrap(), start);

    let mut good = start.clone();
    good["time_zone"] = json!("Europe/Vienna");
    good["working_days"] = json!(["Tue", "Mon"]);
    good["holidays"] = json!(["2026-12-25", "2026-12-24", "2026-12-25"]);
    let saved = invoke(&w, "set_desk_calendar", json!({"calendar": good})).unwrap();
    assert_eq!(saved["time_zone"], "Europe/Vienna");
    assert_eq!(saved["working_days"], json!(["Mon", "Tue"]));
    assert_eq!(saved["holidays"], json!(["2026-12-24", "2026-12-25"]));
    assert_eq!(invoke(&w, "get_desk_calendar", json!({})).unwrap(), saved);
}
