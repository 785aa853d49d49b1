//! A client's active flag through the real IPC layer (mock runtime): Directory deactivates a
//! client, the intake type-ahead, the intake dry run and step 1 itself then refuse its callers
//! (CALLER_NOT_AUTHORIZED, saying the client is inactive and how to go on), and reactivating it
//! lets them through again. An unknown company is refused by code with nothing changed.

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

/// An authorized caller the type-ahead offers without a refusal: (contact id, company id).
fn caller(w: &WebviewWindow<Mock>) -> (i64, i64) {
    let hits = invoke(w, "search_contacts", json!({"query": ""})).unwrap();
    let hit = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["refusal"].is_null())
        .cloned()
        .expect("an authorized caller");
    (
        hit["contact"]["id"].as_i64().unwrap(),
        hit["contact"]["company_id"].as_i64().unwrap(),
    )
}

fn refusal_of(w: &WebviewWindow<Mock>, contact: i64) -> Value {
    let hits = invoke(w, "search_contacts", json!({"query": ""})).unwrap();
    hits.as_array()
        .unwrap()
        .iter()
        .find(|h| h["contact"]["id"] == contact)
        .map(|h| h["refusal"].clone())
        .expect("the caller is listed")
}

fn preview(w: &WebviewWindow<Mock>, contact: i64) -> Value {
    invoke(
        w,
        "preview_intake",
        json!({"ticketId": null, "steps": [{"key": "verify_caller",
               "values": {"contact": contact, "authorization": b::AUTHORIZED}}]}),
    )
    .unwrap()
}

#[test]
fn an_inactive_clients_callers_are_refused_until_it_is_reactivated() {
    let (_app, w) = desk();
    let (contact, company) = caller(&w);
    let before = preview(&w, contact);
    assert!(
        before["missing"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["step"] != 1),
        "{before}"
    );

    let off = invoke(
        &w,
        "set_company_active",
        json!({"id": company, "active": false}),
    )
    .unwrap();
    assert_eq!(off["active"], false);
    let listed = invoke(&w, "list_companies", json!({})).unwrap();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == company)
        .unwrap();
    assert_eq!(row["active"], false, "{row}");

    // The type-ahead, the dry run and the step say the same.
    let why = refusal_of(&w, contact);
    assert!(
        why.as_str().unwrap().contains("is an inactive client"),
        "{why}"
    );
    let dry = preview(&w, contact);
    let gap = &dry["missing"][0];
    assert_eq!(
        (gap["step"].as_u64(), gap["code"].as_str()),
        (Some(1), Some("CALLER_NOT_AUTHORIZED"))
    );
    assert!(
        gap["message"]
            .as_str()
            .unwrap()
            .contains("reactivate it in Directory"),
        "{gap}"
    );
    let id = invoke(&w, "create_ticket", json!({})).unwrap()["ticket"]["id"]
        .as_i64()
        .unwrap();
    let step1 = json!({"id": id, "step": 1,
                       "values": {"contact": contact, "authorization": b::AUTHORIZED}});
    let err = invoke(&w, "complete_step", step1.clone()).unwrap_err();
    assert_eq!(err["code"], "CALLER_NOT_AUTHORIZED", "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("override with a reason"),
        "{err}"
    );

    // Reactivated: an active client is sent without the flag, and its callers go through.
    let on = invoke(
        &w,
        "set_company_active",
        json!({"id": company, "active": true}),
    )
    .unwrap();
    assert!(on.get("active").is_none() || on["active"] == true, "{on}");
    assert!(refusal_of(&w, contact).is_null());
    let view = invoke(&w, "complete_step", step1).unwrap();
    assert_eq!(view["ticket"]["contact_id"], contact);
}

#[test]
fn an_unknown_company_is_refused_by_code() {
    let (_app, w) = desk();
    assert_eq!(
        code(invoke(
            &w,
            "set_company_active",
            json!({"id": 999_999, "active": false})
        )),
        "NOT_FOUND"
    );
    let listed = invoke(&w, "list_companies", json!({})).unwrap();
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c.get("active").is_none()));
}
