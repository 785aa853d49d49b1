//! The QBR screen's commands through the real IPC layer: the figures beside the period before,
//! the period picker's presets from the core, and a listed ticket found by its number.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

/// The demo desk, generated once (the slow part) and copied for each test.
fn demo_db() -> &'static std::path::Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("demo.db");
        let mut store = Store::open_in_memory().expect("in-memory store");
        ticketflow_core::demo::generate(&mut store, 120, 5, |_, _| {}).expect("demo data");
        store.backup(&path).expect("backup");
        (dir, path)
    })
    .1
}

/// A copy of the demo desk on the demo's own clock (27 November 2026, 12:00 UTC); the copy
/// lives in `dir`.
fn demo_state_in(dir: &std::path::Path) -> AppState {
    let db = dir.join(ticketflow_core::paths::DB_FILE);
    std::fs::copy(demo_db(), &db).expect("copy the demo desk");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    AppState::new(Store::open(&db).expect("open the copy"), clock)
}

/// A demo desk without a keychain (the app and its data directory, which must outlive it).
fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let (app, w) = app_with(demo_state_in(dir.path()));
    (app, w, dir)
}

fn first_company(w: &WebviewWindow<Mock>) -> i64 {
    let companies = invoke(w, "list_companies", json!({})).unwrap();
    companies[0]["id"]
        .as_i64()
        .expect("the demo desk has clients")
}

/// A QBR's figures without its computed-at instant and ticket list.
fn figures(q: &Value) -> Value {
    let mut q = q.clone();
    let o = q.as_object_mut().unwrap();
    o.remove("tickets");
    o.remove("computed_at");
    q
}

#[test]
fn the_presets_are_the_quarters_of_the_clients_today() {
    let (_app, w, _dir) = desk();
    let company = first_company(&w);
    for args in [json!({"companyId": company}), json!({"companyId": null})] {
        let p = invoke(&w, "get_qbr_presets", args.clone()).unwrap();
        // 12:00 UTC on 27 November is the 27th in every zone but those past UTC+12.
        let today = p["today"].as_str().unwrap();
        assert!(today == "2026-11-27" || today == "2026-11-28", "{p}");
        assert_eq!(
            p["this_quarter"],
            json!({"from": "2026-10-01", "to": today})
        );
        assert_eq!(
            p["last_quarter"],
            json!({"from": "2026-07-01", "to": "2026-09-30"})
        );
        assert!(!p["time_zone"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        code(invoke(&w, "get_qbr_presets", json!({"companyId": 987654}))),
        "NOT_FOUND"
    );
}

#[test]
fn the_figures_come_with_those_of_the_period_just_before() {
    let (_app, w, _dir) = desk();
    let company = first_company(&w);
    let both = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2026-10-01", "to": "2026-11-27"}),
    )
    .unwrap();
    let current = &both["current"];
    assert_eq!(current["client"]["id"], company);
    assert_eq!(
        (current["from"].as_str(), current["to"].as_str()),
        (Some("2026-10-01"), Some("2026-11-27"))
    );
    assert!(
        current["volume"]["opened"].as_u64().unwrap()
            + current["volume"]["closed"].as_u64().unwrap()
            > 0,
        "the demo client has tickets this quarter: {}",
        current["volume"]
    );
    // 58 days, the 58 days before: 4 August to 30 September.
    let previous = &both["previous"];
    assert_eq!(
        (previous["from"].as_str(), previous["to"].as_str()),
        (Some("2026-08-04"), Some("2026-09-30"))
    );
    assert_eq!(previous["tickets"], json!([]));

    // The earlier period asked for itself gives the same figures.
    let alone = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2026-08-04", "to": "2026-09-30"}),
    )
    .unwrap();
    assert_eq!(figures(&alone["current"]), figures(previous));
}

#[test]
fn every_client_together_covers_each_clients_tickets() {
    let (_app, w, _dir) = desk();
    let all = invoke(
        &w,
        "get_qbr",
        json!({"companyId": null, "from": "2026-07-01", "to": "2026-11-27"}),
    )
    .unwrap();
    assert!(all["current"]["client"].is_null());
    let companies = invoke(&w, "list_companies", json!({})).unwrap();
    let mut opened = 0;
    for c in companies.as_array().unwrap() {
        let one = invoke(
            &w,
            "get_qbr",
            json!({"companyId": c["id"], "from": "2026-07-01", "to": "2026-11-27"}),
        )
        .unwrap();
        opened += one["current"]["volume"]["opened"].as_u64().unwrap();
    }
    assert_eq!(all["current"]["volume"]["opened"].as_u64().unwrap(), opened);
}

#[test]
fn a_bad_period_or_client_is_refused_with_a_code() {
    let (_app, w, _dir) = desk();
    let company = first_company(&w);
    let swapped = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2026-11-01", "to": "2026-10-01"}),
    );
    assert_eq!(code(swapped), "INVALID_INPUT");
    let too_long = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2000-01-01", "to": "2026-10-01"}),
    );
    assert_eq!(code(too_long), "INVALID_INPUT");
    let nobody = invoke(
        &w,
        "get_qbr",
        json!({"companyId": 987654, "from": "2026-10-01", "to": "2026-11-01"}),
    );
    assert_eq!(code(nobody), "NOT_FOUND");
    let not_a_date = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2026-13-01", "to": "2026-11-01"}),
    );
    assert!(not_a_date.is_err());
}

#[test]
fn a_listed_ticket_opens_by_its_number() {
    let (_app, w, _dir) = desk();
    let all = invoke(
        &w,
        "get_qbr",
        json!({"companyId": null, "from": "2026-07-01", "to": "2026-11-27"}),
    )
    .unwrap();
    let listed = all["current"]["tickets"].as_array().unwrap();
    assert!(!listed.is_empty());
    for t in listed.iter().take(5) {
        let id = invoke(&w, "find_ticket_by_number", json!({"number": t["number"]})).unwrap();
        let view = invoke(&w, "get_ticket", json!({"id": id})).unwrap();
        assert_eq!(view["ticket"]["number"], t["number"]);
    }
    assert_eq!(
        code(invoke(
            &w,
            "find_ticket_by_number",
            json!({"number": "T-nope"})
        )),
        "NOT_FOUND"
    );
}

#[test]
fn the_pack_is_refused_before_the_keychain_is_asked_and_written_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("qbr.pdf");
    let path = out.to_str().unwrap();
    // No keychain: whatever can be refused first is, with its own code.
    let (_app, w, _dir) = desk();
    let company = first_company(&w);
    let args = |company: Value, from: &str, to: &str, path: &str| json!({"companyId": company, "from": from, "to": to, "path": path});
    let not_pdf = invoke(
        &w,
        "export_qbr",
        args(json!(company), "2026-07-01", "2026-09-30", "/tmp/x.txt"),
    );
    assert_eq!(code(not_pdf), "INVALID_INPUT");
    let swapped = invoke(
        &w,
        "export_qbr",
        args(json!(company), "2026-09-30", "2026-07-01", path),
    );
    assert_eq!(code(swapped), "INVALID_INPUT");
    let nobody = invoke(
        &w,
        "export_qbr",
        args(json!(987654), "2026-07-01", "2026-09-30", path),
    );
    assert_eq!(code(nobody), "NOT_FOUND");
    let no_key = invoke(
        &w,
        "export_qbr",
        args(json!(company), "2026-07-01", "2026-09-30", path),
    );
    assert_eq!(code(no_key), "KEYCHAIN_UNAVAILABLE");
    assert!(!out.exists(), "nothing is written without a signature");

    // With one, the pack of the figures the screen shows.
    let keyed = tempfile::tempdir().unwrap();
    let state = demo_state_in(keyed.path()).with_keychain(
        keyed.path().to_path_buf(),
        SecretStore::in_memory().unwrap(),
    );
    let (_app, w) = app_with(state);
    let shown = invoke(
        &w,
        "get_qbr",
        json!({"companyId": company, "from": "2026-07-01", "to": "2026-09-30"}),
    )
    .unwrap();
    let saved = invoke(
        &w,
        "export_qbr",
        args(json!(company), "2026-07-01", "2026-09-30", path),
    )
    .unwrap();
    assert_eq!(saved["path"], path);
    assert_eq!(saved["client"], shown["current"]["client"]["name"]);
    assert_eq!(
        saved["tickets"].as_u64().unwrap() as usize,
        shown["current"]["tickets"].as_array().unwrap().len()
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(saved["bytes"].as_u64().unwrap(), bytes.len() as u64);
}
