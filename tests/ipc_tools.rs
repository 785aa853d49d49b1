//! The desk's tools through the real IPC layer (mock runtime): a company's ScreenConnect link is
//! saved, the ticket's step shows its button, and `open_tool` hands the opener the link filled in
//! for the ticket's asset, computed again in the core (a URL sent by the page is ignored);
//! javascript: and file: links are refused with nothing saved, and a button the step does not
//! show opens nothing.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_core::template::builtin as b;
use ticketflow_lib::AppState;

const SC: &str = "https://contoso.screenconnect.com/Host#Access/All%20Machines//{hostname}";

type Opened = Arc<Mutex<Vec<String>>>;

/// A demo desk whose opener records the links it is handed instead of opening a browser.
fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>, Opened) {
    let mut store = Store::open_in_memory().expect("in-memory store");
    ticketflow_core::demo::generate(&mut store, 10, 2, |_, _| {}).expect("demo data");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    let opened: Opened = Arc::default();
    let seen = Arc::clone(&opened);
    let state = AppState::new(store, clock).with_opener(move |url| {
        seen.lock().unwrap().push(url.to_string());
        Ok(())
    });
    let (app, w) = app_with(state);
    (app, w, opened)
}

/// An authorized caller, their company, and a new asset PC-042 of that company.
fn caller_company_asset(w: &WebviewWindow<Mock>) -> (i64, i64, i64) {
    let hits = invoke(w, "search_contacts", json!({"query": ""})).unwrap();
    let caller = hits
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["refusal"].is_null())
        .cloned()
        .unwrap();
    let company = caller["contact"]["company_id"].as_i64().unwrap();
    let asset = invoke(
        w,
        "save_asset",
        json!({"id": null, "input": {"company_id": company, "hostname": "PC-042", "kind": "laptop",
               "serial": null, "assigned_upn": null, "rmm_id": null, "rmm_url": null}}),
    )
    .unwrap();
    (
        caller["contact"]["id"].as_i64().unwrap(),
        company,
        asset["id"].as_i64().unwrap(),
    )
}

/// A ticket opened through steps 1-5 for the caller, with the asset linked.
fn open_ticket(w: &WebviewWindow<Mock>, caller: i64, asset: i64) -> Value {
    let id = invoke(w, "create_ticket", json!({})).unwrap()["ticket"]["id"]
        .as_i64()
        .unwrap();
    let steps = [
        (
            1,
            json!({"contact": caller, "authorization": b::AUTHORIZED}),
        ),
        (2, json!({"assets": [asset]})),
        (
            3,
            json!({"impact": "user", "urgency": "degraded", "priority": "P3"}),
        ),
        (4, json!({})),
        (5, json!({"problem_statement": "Outlook hangs at start"})),
    ];
    let mut view = Value::Null;
    for (step, values) in steps {
        view = invoke(
            w,
            "complete_step",
            json!({"id": id, "step": step, "values": values}),
        )
        .unwrap_or_else(|e| panic!("step {step}: {e}"));
    }
    view
}

fn step<'a>(view: &'a Value, key: &str) -> &'a Value {
    view["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["steps"].as_array().unwrap())
        .find(|s| s["key"] == key)
        .unwrap()
}

#[test]
fn the_remote_session_button_opens_the_link_with_the_tickets_hostname() {
    let (_app, w, opened) = desk();
    let (caller, company, asset) = caller_company_asset(&w);
    let stored = invoke(
        &w,
        "set_company_tool",
        json!({"companyId": company,
               "tool": {"kind": "remote_session", "label": "ScreenConnect", "url_template": SC}}),
    )
    .unwrap();
    assert_eq!(stored["url_template"], SC);
    let tools = invoke(&w, "get_company_tools", json!({"companyId": company})).unwrap();
    assert_eq!(tools.as_array().unwrap().len(), 1);

    let view = open_ticket(&w, caller, asset);
    let id = view["ticket"]["id"].as_i64().unwrap();
    let want = "https://contoso.screenconnect.com/Host#Access/All%20Machines//PC-042";
    let buttons = &step(&view, "reproduce")["tools"];
    assert_eq!(buttons[0]["kind"], "remote_session");
    assert_eq!(buttons[0]["label"], "ScreenConnect");
    assert_eq!(buttons[0]["url"], want);

    // The page says which button; a URL it adds is not what opens.
    let answer = invoke(
        &w,
        "open_tool",
        json!({"ticketId": id, "step": "reproduce", "kind": "remote_session", "assetId": asset,
               "url": "javascript:alert(1)"}),
    )
    .unwrap();
    assert_eq!(answer, want);
    assert_eq!(*opened.lock().unwrap(), vec![want.to_string()]);
}

#[test]
fn javascript_and_file_links_are_refused_and_nothing_is_saved() {
    let (_app, w, _opened) = desk();
    let (_, company, _) = caller_company_asset(&w);
    for hostile in [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "//evil.example/{hostname}",
    ] {
        let r = invoke(
            &w,
            "set_company_tool",
            json!({"companyId": company,
                   "tool": {"kind": "remote_session", "label": "x", "url_template": hostile}}),
        );
        assert_eq!(code(r), "TOOL_URL_INVALID", "{hostile}");
    }
    let tools = invoke(&w, "get_company_tools", json!({"companyId": company})).unwrap();
    assert_eq!(tools, json!([]));
}

#[test]
fn a_button_that_cannot_open_hands_the_opener_nothing() {
    let (_app, w, opened) = desk();
    let (caller, company, asset) = caller_company_asset(&w);
    let view = open_ticket(&w, caller, asset);
    let id = view["ticket"]["id"].as_i64().unwrap();
    // Not set up for the company yet.
    let r = invoke(
        &w,
        "open_tool",
        json!({"ticketId": id, "step": "reproduce", "kind": "remote_session", "assetId": asset}),
    );
    assert_eq!(code(r), "TOOL_UNAVAILABLE");
    invoke(
        &w,
        "set_company_tool",
        json!({"companyId": company,
               "tool": {"kind": "remote_session", "label": "ScreenConnect", "url_template": SC}}),
    )
    .unwrap();
    // A kind the step does not show.
    let r = invoke(
        &w,
        "open_tool",
        json!({"ticketId": id, "step": "open_ticket", "kind": "remote_session", "assetId": asset}),
    );
    assert_eq!(code(r), "TOOL_UNAVAILABLE");
    // Removed again: nothing to open.
    let removed = invoke(
        &w,
        "remove_company_tool",
        json!({"companyId": company, "kind": "remote_session"}),
    )
    .unwrap();
    assert_eq!(removed, json!(true));
    let r = invoke(
        &w,
        "open_tool",
        json!({"ticketId": id, "step": "reproduce", "kind": "remote_session", "assetId": asset}),
    );
    assert_eq!(code(r), "TOOL_UNAVAILABLE");
    assert!(opened.lock().unwrap().is_empty());
}
