//! The QBR screen's commands through the real IPC layer: the figures beside the period before,
//! the period picker's presets from the core, a listed ticket found by its number, and every
//! client's pack as a batch into a folder, with progress, cancel and a summary.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::{WebviewWindow, WebviewWindowBuilder};
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

/// A batch's progress as the window would hear it, and a gate that holds the batch inside its
/// progress callback, so that a test acts while the batch is certainly running.
#[derive(Default)]
struct Progress {
    messages: Mutex<Vec<Value>>,
    arrived: Condvar,
    held: Mutex<bool>,
    released: Condvar,
}

impl Progress {
    fn set_held(&self, held: bool) {
        *self.held.lock().unwrap() = held;
        self.released.notify_all();
    }

    fn wait_for(&self, n: usize) {
        let guard = self.messages.lock().unwrap();
        let (_guard, waited) = self
            .arrived
            .wait_timeout_while(guard, std::time::Duration::from_secs(120), |m| m.len() < n)
            .unwrap();
        assert!(!waited.timed_out(), "no progress arrived");
    }

    fn messages(&self) -> Vec<Value> {
        self.messages.lock().unwrap().clone()
    }
}

/// A demo desk with an in-memory keychain whose channel messages `progress` hears.
fn keyed_desk(dir: &std::path::Path) -> (tauri::App<Mock>, WebviewWindow<Mock>, Arc<Progress>) {
    let state =
        demo_state_in(dir).with_keychain(dir.to_path_buf(), SecretStore::in_memory().unwrap());
    let progress = Arc::new(Progress::default());
    let tap = Arc::clone(&progress);
    let builder = mock_builder().channel_interceptor(move |_, _, _, body| {
        if let InvokeResponseBody::Json(text) = body {
            tap.messages
                .lock()
                .unwrap()
                .push(serde_json::from_str(text).unwrap());
            tap.arrived.notify_all();
            let held = tap.held.lock().unwrap();
            let _held = tap.released.wait_while(held, |h| *h).unwrap();
        }
        true
    });
    let app = ticketflow_lib::configure(builder, state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let w = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, w, progress)
}

fn batch_args(from: &str, to: &str, folder: &std::path::Path) -> Value {
    json!({"from": from, "to": to, "folder": folder, "onProgress": "__CHANNEL__:9"})
}

fn pdfs_in(folder: &std::path::Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

#[test]
fn the_batch_writes_one_verified_pack_per_client_naming_each_as_it_goes() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w, progress) = keyed_desk(dir.path());
    let folder = dir.path().join("packs");
    std::fs::create_dir(&folder).unwrap();
    let summary = invoke(
        &w,
        "export_qbr_batch",
        batch_args("2026-07-01", "2026-09-30", &folder),
    )
    .unwrap();

    // The clients are those whose own figures list a ticket in the quarter.
    let companies = invoke(&w, "list_companies", json!({})).unwrap();
    let mut with_tickets = Vec::new();
    for c in companies.as_array().unwrap() {
        let q = invoke(
            &w,
            "get_qbr",
            json!({"companyId": c["id"], "from": "2026-07-01", "to": "2026-09-30"}),
        )
        .unwrap();
        if !q["current"]["tickets"].as_array().unwrap().is_empty() {
            with_tickets.push(c["name"].as_str().unwrap().to_string());
        }
    }
    assert!(
        with_tickets.len() >= 2,
        "the demo desk has clients with tickets"
    );
    let n = with_tickets.len();
    assert_eq!(summary["total"], n, "{summary}");
    assert_eq!(summary["exported"], n, "{summary}");
    assert_eq!(summary["failed"], json!([]));
    assert_eq!(summary["cancelled"], false);

    // One signed pack per client, each verifying against the desk and naming its client.
    let files = pdfs_in(&folder);
    assert_eq!(files.len(), n, "{files:?}");
    let store = Store::open(&dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
    let certs = ticketflow_core::signing::load_certificates(dir.path()).unwrap();
    let mut named = Vec::new();
    for f in &files {
        let pdf = std::fs::read(folder.join(f)).unwrap();
        let v = ticketflow_core::report::verify_report(&pdf, &store, certs.as_ref()).unwrap();
        assert!(v.ok(), "{f}: {:?}", v.checks);
        let subject = v.ticket.unwrap_or_default();
        named.extend(
            with_tickets
                .iter()
                .filter(|c| subject.contains(c.as_str()))
                .cloned(),
        );
    }
    named.sort();
    with_tickets.sort();
    assert_eq!(named, with_tickets);

    // Progress after each client, counting up, each naming the client just done.
    let heard = progress.messages();
    let done: Vec<u64> = heard.iter().map(|p| p["done"].as_u64().unwrap()).collect();
    assert_eq!(done, (1..=n as u64).collect::<Vec<_>>());
    let mut heard_names: Vec<String> = heard
        .iter()
        .map(|p| p["ticket"].as_str().unwrap().to_string())
        .collect();
    heard_names.sort();
    assert_eq!(heard_names, with_tickets);

    // A period no client has a ticket in writes nothing and needs no signature.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let none = invoke(
        &w,
        "export_qbr_batch",
        batch_args("2001-01-01", "2001-03-31", &empty),
    )
    .unwrap();
    assert_eq!(
        (none["total"].clone(), none["exported"].clone()),
        (json!(0), json!(0))
    );
    assert!(pdfs_in(&empty).is_empty());
}

#[test]
fn the_batch_is_refused_before_the_keychain_is_asked() {
    let (_app, w, dir) = desk();
    let folder = dir.path().join("packs");
    std::fs::create_dir(&folder).unwrap();
    let refused = |args: Value| code(invoke(&w, "export_qbr_batch", args));
    assert_eq!(
        refused(batch_args(
            "2026-07-01",
            "2026-09-30",
            std::path::Path::new("relative/dir")
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        refused(batch_args(
            "2026-07-01",
            "2026-09-30",
            &dir.path().join("missing")
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        refused(batch_args("2026-09-30", "2026-07-01", &folder)),
        "INVALID_INPUT"
    );
    assert_eq!(
        refused(batch_args("2000-01-01", "2026-09-30", &folder)),
        "INVALID_INPUT"
    );
    // Only then the keychain, which this session has not: nothing written, and the slot free.
    assert_eq!(
        refused(batch_args("2026-07-01", "2026-09-30", &folder)),
        "KEYCHAIN_UNAVAILABLE"
    );
    assert!(pdfs_in(&folder).is_empty());
    assert_eq!(invoke(&w, "cancel_batch_export", json!({})).unwrap(), false);
}

#[test]
fn cancel_stops_the_batch_and_it_shares_one_slot_with_closure_reports() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w, progress) = keyed_desk(dir.path());
    let folder = dir.path().join("packs");
    std::fs::create_dir(&folder).unwrap();
    progress.set_held(true);
    let args = batch_args("2026-07-01", "2026-09-30", &folder);
    let w2 = w.clone();
    let batch = std::thread::spawn(move || invoke(&w2, "export_qbr_batch", args));
    progress.wait_for(1);

    // While it runs, neither another batch of packs nor one of closure reports starts.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    assert_eq!(
        code(invoke(
            &w,
            "export_qbr_batch",
            batch_args("2026-07-01", "2026-09-30", &other)
        )),
        "INVALID_INPUT"
    );
    let company = first_company(&w);
    assert_eq!(
        code(invoke(
            &w,
            "batch_export",
            json!({"companyId": company, "from": "2026-07-01", "to": "2026-09-30",
                "folder": other, "onProgress": "__CHANNEL__:9"})
        )),
        "INVALID_INPUT"
    );
    assert_eq!(invoke(&w, "cancel_batch_export", json!({})).unwrap(), true);
    progress.set_held(false);

    let summary = batch.join().unwrap().unwrap();
    assert_eq!(summary["cancelled"], true, "{summary}");
    let exported = summary["exported"].as_u64().unwrap() as usize;
    let total = summary["total"].as_u64().unwrap() as usize;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Each worker finishes the client in hand; none starts another.
    assert!(
        exported >= 1 && exported <= cores && exported < total,
        "{summary}"
    );
    assert_eq!(pdfs_in(&folder).len(), exported);
    assert!(pdfs_in(&other).is_empty());

    // The slot is free again: the next batch runs to the end.
    let again = dir.path().join("again");
    std::fs::create_dir(&again).unwrap();
    let summary = invoke(
        &w,
        "export_qbr_batch",
        batch_args("2026-07-01", "2026-09-30", &again),
    )
    .unwrap();
    assert_eq!(summary["exported"].as_u64().unwrap() as usize, total);
    assert_eq!(summary["cancelled"], false);
}
