//! `list_queue` through the real IPC layer (Tauri's mock runtime, no display), wired by the same
//! `configure` as the app: what the UI sends, the shell must answer with rows or a coded error.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
mod support;

use serde_json::{json, Value};
use support::{app_with, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{QueueQuery, Store, QUEUE_PAGE_MAX};
use ticketflow_lib::AppState;

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, 0).unwrap(),
    ))
}

/// The same deterministic demo desk each call, so one copy can serve the app and another the
/// expected answer.
fn demo_store(tickets: usize) -> Store {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, tickets, 7, |_, _| {}).expect("demo data");
    store
}

fn list_queue(window: &WebviewWindow<Mock>, query: Value) -> Result<Value, Value> {
    invoke(window, "list_queue", json!({ "query": query }))
}

#[test]
fn an_empty_store_answers_an_empty_queue() {
    let store = Store::open_in_memory().expect("in-memory store");
    let (_app, window) = app_with(AppState::new(store, clock()));

    let rows = list_queue(&window, json!({})).expect("list_queue succeeds");
    assert_eq!(rows, json!([]));

    let filtered = list_queue(
        &window,
        json!({ "status": "open", "priority": "P1", "search": "printer", "limit": 10, "offset": 0 }),
    )
    .expect("a fully specified query succeeds");
    assert_eq!(filtered, json!([]));
}

#[test]
fn the_queue_crosses_ipc_exactly_as_the_core_computes_it() {
    let now = ticketflow_core::demo::anchor();
    let (_app, window) = app_with(AppState::new(
        demo_store(60),
        Arc::new(ManualClock::new(now)),
    ));
    let expected_store = demo_store(60);
    let expect = |query: Value| -> Value {
        let query: QueueQuery = serde_json::from_value(query).expect("a valid query");
        let rows = expected_store.queue(&query, now).expect("core queue");
        serde_json::to_value(rows).expect("rows serialize")
    };

    let all = list_queue(&window, json!({ "limit": 500 })).expect("list_queue succeeds");
    assert_eq!(all, expect(json!({ "limit": 500 })));
    let rows = all.as_array().expect("an array of rows");
    assert!(!rows.is_empty(), "the demo desk has open tickets");
    for row in rows {
        for field in [
            "id",
            "number",
            "company",
            "contact",
            "priority",
            "status",
            "assignee",
            "problem",
            "created_at",
            "first_response",
            "resolution",
        ] {
            assert!(row.get(field).is_some(), "{field} is missing from {row}");
        }
    }

    for query in [
        json!({ "status": "escalated" }),
        json!({ "priority": "P1" }),
        json!({ "search": "Outlook" }),
        json!({ "limit": 5, "offset": 5 }),
        json!({ "sort": "age" }),
        json!({ "sort": "client", "descending": true, "limit": 500 }),
        json!({ "sort": "status", "status": "open" }),
        json!({ "sort": "sla_due", "priority": "P2" }),
        json!({ "sort": "number", "descending": true, "offset": 3 }),
        json!({ "sort": "priority", "descending": false }),
    ] {
        let got = list_queue(&window, query.clone()).expect("a filtered queue");
        assert_eq!(got, expect(query.clone()), "for {query}");
    }

    // No sort is the priority sort: what needs action first, then the SLA deadline.
    assert_eq!(all, expect(json!({ "limit": 500, "sort": "priority" })));
    let priorities: Vec<String> = rows
        .iter()
        .map(|row| row["priority"].as_str().unwrap_or("P9").to_string())
        .collect();
    let mut sorted = priorities.clone();
    sorted.sort();
    assert_eq!(
        priorities, sorted,
        "P1 first, tickets with no priority yet last"
    );

    // An oversized page is clamped by the core, not refused.
    let huge = list_queue(&window, json!({ "limit": u32::MAX })).expect("clamped, not refused");
    assert!(huge.as_array().unwrap().len() <= QUEUE_PAGE_MAX as usize);
}

#[test]
fn a_malformed_query_is_an_error_not_a_panic() {
    let store = Store::open_in_memory().expect("in-memory store");
    let (_app, window) = app_with(AppState::new(store, clock()));

    for bad in [
        json!({ "query": { "limit": "ten" } }),
        json!({ "query": { "status": "on_fire" } }),
        json!({ "query": { "priority": 1 } }),
        json!({ "query": { "sort": "mood" } }),
        json!({ "query": { "sort": "age", "descending": "yes" } }),
        json!({ "query": "everything" }),
        json!({}),
    ] {
        let error = invoke(&window, "list_queue", bad.clone())
            .expect_err(&format!("{bad} must be rejected"));
        let text = error.to_string();
        assert!(
            text.contains("invalid args `query` for command `list_queue`"),
            "{bad} was rejected without saying why: {text}"
        );
    }

    // The app is still answering after the bad calls.
    assert_eq!(list_queue(&window, json!({})).unwrap(), json!([]));
}

#[test]
fn an_unopenable_store_answers_with_its_coded_error() {
    let open_error = ErrorPayload {
        code: "STORE_ERROR".into(),
        message: "storage error: unable to open database file (/nowhere/ticketflow.db)".into(),
    };
    let (_app, window) = app_with(AppState::unavailable(open_error.clone(), clock()));

    let error = list_queue(&window, json!({})).expect_err("no store, no queue");
    let payload: ErrorPayload = serde_json::from_value(error).expect("a {code, message} payload");
    assert_eq!(payload, open_error);
}

#[test]
fn unknown_commands_are_refused() {
    let store = Store::open_in_memory().expect("in-memory store");
    let (_app, window) = app_with(AppState::new(store, clock()));
    assert!(invoke(&window, "drop_all_tickets", json!({})).is_err());
}
