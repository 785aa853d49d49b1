//! The ticket, directory and record commands through the real IPC layer: every error code the
//! UI switches on arrives as `{code, message}`, malformed payloads are refused, nothing panics.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
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

fn contact_named(window: &WebviewWindow<Mock>, authorized: bool) -> Value {
    let hits = invoke(window, "search_contacts", json!({"query": ""})).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .find(|h| h["refusal"].is_null() == authorized)
        .cloned()
        .expect("the demo desk has such a caller")
}

#[test]
fn changes_need_a_current_technician() {
    let store = Store::open_in_memory().unwrap();
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    let (_app, w) = app_with(AppState::new(store, clock));
    assert_eq!(
        code(invoke(&w, "create_ticket", json!({}))),
        "NO_TECHNICIAN"
    );
    assert_eq!(
        code(invoke(
            &w,
            "switch_technician",
            json!({"name": "Nobody", "pin": "123456"})
        )),
        "DESK_NOT_SET_UP"
    );
}

#[test]
fn a_ticket_goes_through_intake_over_ipc() {
    let (_app, w) = desk();
    let view = invoke(&w, "create_ticket", json!({})).unwrap();
    let id = view["ticket"]["id"].as_i64().unwrap();
    assert_eq!(view["ticket"]["status"], "new");
    assert_eq!(view["phases"].as_array().unwrap().len(), 4);
    assert_eq!(view["phases"][0]["steps"][0]["state"]["state"], "available");
    assert_eq!(view["phases"][0]["steps"][1]["state"]["state"], "blocked");

    let refused = contact_named(&w, false);
    let err = invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 1, "values": {"contact": refused["contact"]["id"], "authorization": b::AUTHORIZED}}),
    );
    assert_eq!(code(err), "CALLER_NOT_AUTHORIZED");
    let override_without_reason = invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 1, "values": {"contact": refused["contact"]["id"], "authorization": b::OVERRIDE}}),
    );
    assert_eq!(code(override_without_reason), "OVERRIDE_REASON_REQUIRED");

    let caller = contact_named(&w, true);
    let company = caller["contact"]["company_id"].as_i64().unwrap();
    let v = invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 1, "values": {"contact": caller["contact"]["id"], "authorization": b::AUTHORIZED}}),
    )
    .unwrap();
    assert_eq!(v["company"]["id"], company);
    let assets = invoke(
        &w,
        "search_assets",
        json!({"companyId": company, "query": ""}),
    )
    .unwrap();
    let asset = assets[0]["id"].as_i64().unwrap();
    invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 2, "values": {"assets": [asset]}}),
    )
    .unwrap();
    invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 3, "values": {"impact": "user", "urgency": "blocked", "priority": "P2"}}),
    )
    .unwrap();
    invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 4, "values": {}}),
    )
    .unwrap();
    invoke(
        &w,
        "save_draft",
        json!({"id": id, "step": 5, "field": "problem_statement", "text": "Outlook keeps"}),
    )
    .unwrap();
    let v = invoke(&w, "get_ticket", json!({"id": id})).unwrap();
    assert_eq!(
        v["phases"][0]["steps"][4]["drafts"]["problem_statement"],
        "Outlook keeps"
    );
    // An open ticket is drawn from its live rows: no sealed record.
    assert!(v["sealed"].is_null(), "{}", v["sealed"]);
    let v = invoke(
        &w,
        "complete_step",
        json!({"id": id, "step": 5, "values": {"problem_statement": "Outlook keeps prompting"}}),
    )
    .unwrap();
    assert_eq!(v["ticket"]["status"], "open");
    assert!(v["first_response"]["due_at"].is_string());
    assert_eq!(
        v["phases"][0]["steps"][4]["drafts"],
        json!({}),
        "drafts go once the step is done"
    );
    assert_eq!(
        code(invoke(
            &w,
            "complete_step",
            json!({"id": id, "step": 11, "values": {}})
        )),
        "STEP_NOT_APPLICABLE"
    );
    assert_eq!(
        code(invoke(
            &w,
            "complete_step",
            json!({"id": id, "step": 10, "values": {"decision": b::ESCALATE}})
        )),
        "GATE_BLOCKED"
    );
    let n = invoke(&w, "queue_count", json!({"query": {}})).unwrap();
    assert!(n.as_i64().unwrap() > 0);
}

#[test]
fn a_closed_ticket_answers_ticket_closed() {
    let (_app, w) = desk();
    let closed = invoke(
        &w,
        "list_queue",
        json!({"query": {"status": "closed", "limit": 1}}),
    )
    .unwrap();
    let id = closed[0]["id"]
        .as_i64()
        .expect("the demo desk has a closed ticket");
    for (cmd, args) in [
        (
            "complete_step",
            json!({"id": id, "step": 14, "values": {"notes": "late"}}),
        ),
        (
            "save_draft",
            json!({"id": id, "step": 14, "field": "notes", "text": "late"}),
        ),
        (
            "wait_on_customer",
            json!({"id": id, "request": {"reason": "r", "follow_up_on": "2099-01-01"}}),
        ),
        ("assign_ticket", json!({"id": id, "technician": null})),
        (
            "add_time_entry",
            json!({"ticketId": id, "entry": {"technician": "x", "started_at": "2026-01-01T00:00:00Z", "minutes": 5, "billable": true, "work_type": "x", "note": ""}}),
        ),
    ] {
        assert_eq!(code(invoke(&w, cmd, args)), "TICKET_CLOSED", "{cmd}");
    }
    let v = invoke(&w, "get_ticket", json!({"id": id})).unwrap();
    assert_eq!(v["ticket"]["status"], "closed");
    assert_eq!(v["ticket"]["record_hash"].as_str().map(str::len), Some(64));
    // The window gets the ticket as sealed, and is told so with the record's hash.
    assert_eq!(v["sealed"]["record_hash"], v["ticket"]["record_hash"]);
}

#[test]
fn unknown_records_are_not_found() {
    let (_app, w) = desk();
    assert_eq!(
        code(invoke(&w, "get_ticket", json!({"id": 999_999}))),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(
            &w,
            "link_runbook",
            json!({"ticketId": 999_999, "runbookId": 1})
        )),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(
            &w,
            "update_time_entry",
            json!({"entryId": 999_999, "entry": {"technician": "x", "started_at": "2026-01-01T00:00:00Z", "minutes": 5, "billable": true, "work_type": "x", "note": ""}})
        )),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(
            &w,
            "save_company",
            json!({"id": 999_999, "input": {"name": "X", "tier": "gold", "calendar": {"kind": "always_on"}}})
        )),
        "NOT_FOUND"
    );
}

#[test]
fn invalid_input_is_coded() {
    let (_app, w) = desk();
    let big = "x".repeat(20_001);
    let id = invoke(&w, "create_ticket", json!({})).unwrap()["ticket"]["id"]
        .as_i64()
        .unwrap();
    assert_eq!(
        code(invoke(
            &w,
            "save_draft",
            json!({"id": id, "step": 5, "field": "problem_statement", "text": big})
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(invoke(
            &w,
            "save_draft",
            json!({"id": id, "step": 1, "field": "contact", "text": "x"})
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(invoke(
            &w,
            "complete_step",
            json!({"id": id, "step": 1, "values": {"nope": 1}})
        )),
        "INVALID_INPUT"
    );
    let bad_calendar = json!({"name": "Tz Co", "tier": "gold", "calendar": {"kind": "business_hours", "time_zone": "Mars/Olympus", "working_days": ["Mon"], "opens": "09:00:00", "closes": "17:00:00", "holidays": []}});
    assert_eq!(
        code(invoke(
            &w,
            "save_company",
            json!({"id": null, "input": bad_calendar})
        )),
        "INVALID_INPUT"
    );
    let saved = invoke(&w, "save_company", json!({"id": null, "input": {"name": "New Client", "tier": "silver", "calendar": {"kind": "always_on"}}})).unwrap();
    assert_eq!(saved["tier"], "silver");
}

#[test]
fn malformed_payloads_are_refused_not_panicked() {
    let (_app, w) = desk();
    for (cmd, args) in [
        ("get_ticket", json!({"id": "seven"})),
        ("get_ticket", json!({})),
        ("complete_step", json!({"id": 1, "step": 300, "values": {}})),
        (
            "complete_step",
            json!({"id": 1, "step": 1, "values": "not an object"}),
        ),
        (
            "save_draft",
            json!({"id": 1, "step": 1, "field": 5, "text": "x"}),
        ),
        ("save_company", json!({"id": null, "input": {"name": "x"}})),
        ("search_assets", json!({"companyId": null, "query": "x"})),
        (
            "add_time_entry",
            json!({"ticketId": 1, "entry": {"minutes": -5}}),
        ),
        ("list_queue", json!({"query": {"sneaky": true}})),
    ] {
        let err =
            invoke(&w, cmd, args.clone()).expect_err(&format!("{cmd} {args} must be refused"));
        assert!(err.is_string() || err["code"].is_string(), "{cmd}: {err}");
    }
    // The app still answers after all of that.
    assert!(
        invoke(&w, "list_technicians", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
}

#[test]
fn the_intake_preview_gets_the_configured_matrix() {
    let mut store = Store::open_in_memory().unwrap();
    let mut m = ticketflow_core::priority::PriorityMatrix::default();
    m.cells[2][1] = ticketflow_core::priority::Priority::P1;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    store.set_priority_matrix(&m, "admin", now).unwrap();
    let (_app, w) = app_with(AppState::new(store, Arc::new(ManualClock::new(now))));
    let got = invoke(&w, "get_priority_matrix", json!({})).unwrap();
    assert_eq!(got["cells"][2][1], "P1");
    assert_eq!(got["cells"][0][0], "P1");
}

#[test]
fn search_finds_ticket_texts_and_refuses_an_empty_query() {
    let (_app, w) = desk();
    let hits = invoke(
        &w,
        "search_documents",
        json!({"query": "printer", "limit": 20}),
    )
    .unwrap();
    let total = hits["total"].as_u64().unwrap();
    let hits = hits["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(total >= hits.len() as u64, "{total} < {} hits", hits.len());
    for h in hits {
        assert_eq!(h["kind"], "ticket");
        let title = h["title"].as_str().unwrap().to_lowercase();
        assert!(
            title.contains("printer")
                || h["snippet"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains("printer"),
            "{h}"
        );
    }
    assert_eq!(
        code(invoke(
            &w,
            "search_documents",
            json!({"query": "  ", "limit": 20})
        )),
        "INVALID_INPUT"
    );
}

#[test]
fn a_draft_is_reopened_then_discarded_over_ipc() {
    let (_app, w) = desk();
    let view = invoke(&w, "create_ticket", json!({})).unwrap();
    let id = view["ticket"]["id"].as_i64().unwrap();
    assert_eq!(view["is_draft"], true);
    // "+ New ticket" again: the same blank draft, not a second one.
    let again = invoke(&w, "create_ticket", json!({})).unwrap();
    assert_eq!(again["ticket"]["id"].as_i64(), Some(id));
    invoke(&w, "discard_ticket", json!({"id": id})).unwrap();
    assert_eq!(
        code(invoke(&w, "get_ticket", json!({"id": id}))),
        "NOT_FOUND"
    );
    assert_eq!(
        code(invoke(&w, "discard_ticket", json!({"id": id}))),
        "NOT_FOUND"
    );
}

#[test]
fn waiting_takes_a_reason_and_a_follow_up_date_over_ipc() {
    let (_app, w) = desk();
    let open = invoke(
        &w,
        "list_queue",
        json!({"query": {"status": "open", "limit": 1}}),
    )
    .unwrap();
    let id = open[0]["id"]
        .as_i64()
        .expect("the demo desk has an open ticket");
    // Step 1 is done on an open ticket: it is no longer a draft.
    assert_eq!(
        code(invoke(&w, "discard_ticket", json!({"id": id}))),
        "NOT_A_DRAFT"
    );
    let wait = |reason: &str, until: Value| {
        invoke(
            &w,
            "wait_on_customer",
            json!({"id": id, "request": {"reason": reason, "follow_up_on": until}}),
        )
    };
    assert_eq!(code(wait(" ", json!("2099-01-01"))), "WAIT_REASON_REQUIRED");
    assert_eq!(code(wait("the log", Value::Null)), "FOLLOW_UP_REQUIRED");
    let view = wait("the user sends the log", json!("2099-01-01")).unwrap();
    assert_eq!(view["ticket"]["status"], "waiting_on_customer");
    assert_eq!(view["waiting"]["reason"], "the user sends the log");
    assert_eq!(view["waiting"]["follow_up_on"], "2099-01-01");
    // The steps that need the ticket working say what they wait for, with its code.
    let codes: Vec<&str> = view["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap())
        .flat_map(|s| s["needs"].as_array().unwrap())
        .filter_map(|n| n["code"].as_str())
        .collect();
    assert!(codes.contains(&"waiting_on_customer"), "{codes:?}");
    // Only step 10 escalates to someone.
    assert_eq!(
        code(invoke(
            &w,
            "complete_step",
            json!({"id": id, "step": 14, "values": {"notes": "x"}, "escalateTo": {"to": "tier2_queue"}})
        )),
        "INVALID_INPUT"
    );
}
