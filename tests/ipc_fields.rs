//! `check_field_value` through the real IPC layer: the window asks the core about one field as it
//! is left, and gets the value as the step would store it or the core's coded refusal naming it.

mod support;

use std::sync::Arc;

use serde_json::json;
use support::{app_with, code, invoke};
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

fn window() -> (
    tauri::App<support::Mock>,
    tauri::WebviewWindow<support::Mock>,
) {
    let store = Store::open_in_memory().expect("in-memory store");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    app_with(AppState::new(store, clock))
}

#[test]
fn a_number_is_checked_by_the_core_as_it_is_typed() {
    let (_app, w) = window();
    let hours = json!({
        "key": "hours",
        "label": "Hours on site",
        "kind": {"type": "number", "min": 0, "max": 24, "decimals": 1},
        "required": true
    });
    let ok = invoke(
        &w,
        "check_field_value",
        json!({"field": hours, "value": "7.50"}),
    );
    assert_eq!(
        ok,
        Ok(json!(7.5)),
        "the typed text comes back as the number stored"
    );

    let refused = invoke(
        &w,
        "check_field_value",
        json!({"field": hours, "value": "25"}),
    );
    assert_eq!(
        refused.clone().unwrap_err()["message"],
        "invalid hours: must be from 0 to 24"
    );
    assert_eq!(code(refused), "INVALID_INPUT");
    let text = invoke(
        &w,
        "check_field_value",
        json!({"field": hours, "value": "7,5"}),
    );
    assert_eq!(
        text.unwrap_err()["message"],
        "invalid hours: use a point for decimals, such as 12.5"
    );
}

#[test]
fn a_day_that_is_not_in_the_calendar_is_refused() {
    let (_app, w) = window();
    let day =
        json!({"key": "visit", "label": "Visit", "kind": {"type": "date"}, "required": false});
    assert_eq!(
        invoke(
            &w,
            "check_field_value",
            json!({"field": day, "value": "2028-02-29"})
        ),
        Ok(json!("2028-02-29"))
    );
    let refused = invoke(
        &w,
        "check_field_value",
        json!({"field": day, "value": "2026-02-30"}),
    );
    assert_eq!(
        refused.clone().unwrap_err()["message"],
        "invalid visit: 2026-02-30 is not a day of the calendar"
    );
    assert_eq!(code(refused), "INVALID_INPUT");
}

#[test]
fn a_field_of_no_known_kind_is_refused_by_the_bridge() {
    let (_app, w) = window();
    let odd = json!({"key": "x", "label": "X", "kind": {"type": "colour"}, "required": false});
    let e = invoke(&w, "check_field_value", json!({"field": odd, "value": 1})).unwrap_err();
    assert!(
        e.is_string() || e["code"].is_string(),
        "uncoded refusal: {e}"
    );
}
