//! Day one through the real IPC layer, from an EMPTY store: the status says "not set up", nothing
//! can be changed until the desk is set up, then technicians are added, switched and deactivated,
//! each proven by a PIN.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

const PIN: &str = "246810";

fn empty() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let store = Store::open_in_memory().expect("in-memory store");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    app_with(AppState::new(store, clock))
}

fn setup(name: &str) -> Value {
    json!({
        "setup": {
            "desk_name": "Northwind IT",
            "time_zone": "Europe/Berlin",
            "technician": {"name": name, "tier": "tier2", "email": "alex@northwind.example", "on_call": true}
        },
        "pin": PIN
    })
}

fn company() -> Value {
    json!({"id": null, "input": {"name": "Contoso", "tier": "gold", "calendar": {"kind": "always_on"}}})
}

fn invalid_field(r: Result<Value, Value>) -> String {
    let err = r.expect_err("must be refused");
    assert_eq!(err["code"], "INVALID_INPUT", "{err}");
    err["message"].as_str().unwrap().to_string()
}

#[test]
fn an_empty_desk_is_set_up_before_anything_changes() {
    let (_app, w) = empty();
    let status = invoke(&w, "get_desk_status", json!({})).unwrap();
    assert_eq!(status["set_up"], false);
    assert_eq!(status["companies"], 0);
    assert_eq!(code(invoke(&w, "save_company", company())), "NO_TECHNICIAN");

    // A refused setup says which field, and leaves the desk empty.
    let mut bad = setup("Alex Morgan");
    bad["setup"]["time_zone"] = json!("Mars/Olympus");
    assert!(invalid_field(invoke(&w, "set_up_desk", bad)).contains("time_zone"));
    // The PIN rule is the core's, with its own code and the rule in words for the form to show.
    let mut bad = setup("Alex Morgan");
    bad["pin"] = json!("12345");
    let err = invoke(&w, "set_up_desk", bad).expect_err("a 5-digit PIN is refused");
    assert_eq!(err["code"], "PIN_POLICY", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("6 to 12 digits"),
        "{err}"
    );
    assert_eq!(
        invoke(&w, "get_desk_status", json!({})).unwrap()["set_up"],
        false
    );

    let status = invoke(&w, "set_up_desk", setup("Alex Morgan")).unwrap();
    assert_eq!(status["set_up"], true);
    assert_eq!(status["desk_name"], "Northwind IT");
    assert_eq!(status["time_zone"], "Europe/Berlin");
    assert_eq!(
        invoke(&w, "get_current_technician", json!({})).unwrap(),
        "Alex Morgan"
    );
    // The desk name is the report's MSP name.
    assert_eq!(
        invoke(&w, "get_report_settings", json!({})).unwrap()["msp_name"],
        "Northwind IT"
    );
    invoke(&w, "save_company", company()).unwrap();
    assert_eq!(
        invoke(&w, "get_desk_status", json!({})).unwrap()["companies"],
        1
    );
    assert_eq!(
        code(invoke(&w, "set_up_desk", setup("Intruder"))),
        "DESK_ALREADY_SET_UP"
    );
    assert_eq!(
        code(invoke(&w, "load_demo_desk", json!({}))),
        "DESK_ALREADY_SET_UP"
    );
}

#[test]
fn technicians_are_added_switched_and_deactivated_with_pins() {
    let (_app, w) = empty();
    invoke(&w, "set_up_desk", setup("Alex Morgan")).unwrap();
    let sam = json!({"name": "Sam Okafor", "tier": "tier1", "email": null, "on_call": false});

    assert_eq!(
        code(invoke(
            &w,
            "add_technician",
            json!({"technician": sam, "pin": "135790", "witnessPin": "000000"})
        )),
        "PIN_WRONG"
    );
    let added = invoke(
        &w,
        "add_technician",
        json!({"technician": sam, "pin": "135790", "witnessPin": PIN}),
    )
    .unwrap();
    assert_eq!(added["active"], true);
    let list = invoke(&w, "list_technicians", json!({})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);

    // Switching takes the target's own PIN.
    assert_eq!(
        code(invoke(
            &w,
            "switch_technician",
            json!({"name": "Sam Okafor", "pin": PIN})
        )),
        "PIN_WRONG"
    );
    assert_eq!(
        invoke(&w, "get_current_technician", json!({})).unwrap(),
        "Alex Morgan"
    );
    invoke(
        &w,
        "switch_technician",
        json!({"name": "Sam Okafor", "pin": "135790"}),
    )
    .unwrap();
    assert_eq!(
        invoke(&w, "get_current_technician", json!({})).unwrap(),
        "Sam Okafor"
    );

    // Sam (current) deactivates Alex with Sam's PIN; then Sam is the last active one.
    let gone = invoke(
        &w,
        "deactivate_technician",
        json!({"name": "Alex Morgan", "witnessPin": "135790"}),
    )
    .unwrap();
    assert_eq!(gone["active"], false);
    assert_eq!(
        code(invoke(
            &w,
            "switch_technician",
            json!({"name": "Alex Morgan", "pin": PIN})
        )),
        "TECHNICIAN_INACTIVE"
    );
    assert_eq!(
        code(invoke(
            &w,
            "deactivate_technician",
            json!({"name": "Sam Okafor", "witnessPin": "135790"})
        )),
        "LAST_ACTIVE_TECHNICIAN"
    );
}

#[test]
fn demo_data_is_a_trial_on_an_empty_desk_only() {
    let (_app, w) = empty();
    let status = invoke(&w, "load_demo_desk", json!({})).unwrap();
    assert_eq!(status["set_up"], true);
    assert!(status["tickets"].as_i64().unwrap() >= 40, "{status}");
    assert!(invoke(&w, "get_current_technician", json!({}))
        .unwrap()
        .is_string());
    invoke(&w, "save_company", company()).unwrap();
    assert_eq!(
        code(invoke(&w, "load_demo_desk", json!({}))),
        "DESK_ALREADY_SET_UP"
    );
}
