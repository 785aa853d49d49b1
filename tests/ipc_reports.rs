//! Closure reports through the real IPC layer (mock runtime): export, print, batch with progress
//! and cancel, settings, the root certificate. Keys live in keyring-core's in-memory store, never
//! the real keychain; the report files are checked with the core's own verifier.

mod support;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use serde_json::{json, Value};
use support::{code, invoke, Mock};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::{App, WebviewWindow, WebviewWindowBuilder};
use ticketflow_core::clock::ManualClock;
use ticketflow_core::report;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

/// Progress messages as the window would receive them, and a gate that holds the batch inside
/// its progress callback (so a test can act while a batch is certainly running).
#[derive(Default)]
struct Channel {
    messages: Mutex<Vec<Value>>,
    arrived: Condvar,
    held: Mutex<bool>,
    released: Condvar,
}

impl Channel {
    fn hold(&self) {
        *self.held.lock().unwrap() = true;
    }

    fn release(&self) {
        *self.held.lock().unwrap() = false;
        self.released.notify_all();
    }

    fn wait_for(&self, n: usize) {
        let guard = self.messages.lock().unwrap();
        let (_guard, timeout) = self
            .arrived
            .wait_timeout_while(guard, std::time::Duration::from_secs(120), |m| m.len() < n)
            .unwrap();
        assert!(!timeout.timed_out(), "no progress arrived");
    }

    fn messages(&self) -> Vec<Value> {
        self.messages.lock().unwrap().clone()
    }
}

struct Desk {
    dir: tempfile::TempDir,
    _app: App<Mock>,
    w: WebviewWindow<Mock>,
    channel: Arc<Channel>,
    viewed: Arc<Mutex<Vec<PathBuf>>>,
}

impl Desk {
    fn db(&self) -> Store {
        Store::open(&self.dir.path().join("ticketflow.db")).unwrap()
    }

    /// A file path in an existing folder.
    fn out(&self, name: &str) -> PathBuf {
        self.folder("out").join(name)
    }

    /// A new, empty folder.
    fn folder(&self, name: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::create_dir_all(&p).unwrap();
        p
    }
}

/// The demo desk once, copied for each test (generating it is the slow part).
fn demo_db() -> &'static Path {
    static DB: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let mut store = Store::open_in_memory().unwrap();
        ticketflow_core::demo::generate(&mut store, 90, 11, |_, _| {}).unwrap();
        store.backup(&path).unwrap();
        (dir, path)
    })
    .1
}

/// A demo desk in a data directory, wired like the app; `keychain` false leaves the state with
/// no key store at all.
fn desk_with(keychain: bool) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(ticketflow_core::paths::DB_FILE);
    std::fs::copy(demo_db(), &db).unwrap();
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    let mut state = AppState::new(Store::open(&db).unwrap(), clock);
    if keychain {
        state = state.with_keychain(dir.path().to_path_buf(), SecretStore::in_memory().unwrap());
    }
    let viewed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&viewed);
    let state = state.with_viewer(dir.path().join("print"), move |p: &Path| {
        seen.lock().unwrap().push(p.to_path_buf());
        Ok(())
    });
    let channel = Arc::new(Channel::default());
    let tap = Arc::clone(&channel);
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
    Desk {
        dir,
        _app: app,
        w,
        channel,
        viewed,
    }
}

fn desk() -> Desk {
    desk_with(true)
}

/// Tauri's own refusal (wrong argument types): a plain string naming the argument.
fn refused(r: Result<Value, Value>, arg: &str) {
    match r {
        Err(Value::String(s)) => assert!(s.contains(arg), "{s}"),
        other => panic!("expected Tauri to refuse `{arg}`: {other:?}"),
    }
}

/// Every ticket of the desk.
fn tickets(store: &Store) -> Vec<ticketflow_core::ticket::Ticket> {
    (1..=store.ticket_count().unwrap())
        .map(|id| store.ticket(id).unwrap())
        .collect()
}

fn closed_id(store: &Store) -> i64 {
    tickets(store).iter().find(|t| t.is_closed()).unwrap().id
}

fn open_id(store: &Store) -> i64 {
    tickets(store).iter().find(|t| !t.is_closed()).unwrap().id
}

/// The company with the most closed tickets, and their numbers.
fn busiest_company(store: &Store) -> (i64, Vec<String>) {
    let all = tickets(store);
    store
        .companies()
        .unwrap()
        .into_iter()
        .map(|c| {
            let numbers: Vec<String> = all
                .iter()
                .filter(|t| t.is_closed() && t.company_id == Some(c.id))
                .map(|t| t.number.clone())
                .collect();
            (c.id, numbers)
        })
        .max_by_key(|(_, n)| n.len())
        .unwrap()
}

fn verifies(desk: &Desk, pdf: &[u8]) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let certs = signing::load_certificates(desk.dir.path()).unwrap();
    assert!(certs.is_some(), "the identity's certificates were written");
    let v = report::verify_report(pdf, &desk.db(), certs.as_ref()).unwrap();
    assert!(v.ok(), "{:?}", v.checks);
}

fn batch_args(company: i64, folder: &Path) -> Value {
    json!({
        "companyId": company,
        "from": "2000-01-01",
        "to": "2100-12-31",
        "folder": folder,
        "onProgress": "__CHANNEL__:7",
    })
}

#[test]
fn a_closed_ticket_exports_a_signed_report_that_verifies() {
    let d = desk();
    let id = closed_id(&d.db());
    let path = d.out("report.pdf");
    let saved = invoke(&d.w, "export_report", json!({"ticketId": id, "path": path})).unwrap();
    assert_eq!(saved["path"], path.display().to_string());
    let pdf = std::fs::read(&path).unwrap();
    assert_eq!(saved["bytes"], pdf.len());
    assert_eq!(saved["ticket"], d.db().ticket(id).unwrap().number);
    assert_eq!(
        saved["record_hash"].as_str().unwrap(),
        d.db().record_hash(id).unwrap().unwrap()
    );
    verifies(&d, &pdf);

    // The identity is made once: a second export is signed by the same certificate.
    let again = d.out("again.pdf");
    invoke(
        &d.w,
        "export_report",
        json!({"ticketId": id, "path": again}),
    )
    .unwrap();
    verifies(&d, &std::fs::read(&again).unwrap());
}

#[test]
fn an_open_ticket_has_no_report_and_nothing_is_written() {
    let d = desk();
    let path = d.out("open.pdf");
    let id = open_id(&d.db());
    let r = invoke(&d.w, "export_report", json!({"ticketId": id, "path": path}));
    assert_eq!(code(r), "NOT_CLOSED");
    let r = invoke(&d.w, "print_report", json!({"ticketId": id}));
    assert_eq!(code(r), "NOT_CLOSED");
    let r = invoke(
        &d.w,
        "export_report",
        json!({"ticketId": 999_999, "path": path}),
    );
    assert_eq!(code(r), "NOT_FOUND");
    assert!(!path.exists());
    assert!(d.viewed.lock().unwrap().is_empty());
}

#[test]
fn without_a_keychain_exporting_is_a_coded_error_not_a_crash() {
    let d = desk_with(false);
    let id = closed_id(&d.db());
    let path = d.out("r.pdf");
    let r = invoke(&d.w, "export_report", json!({"ticketId": id, "path": path}));
    assert_eq!(code(r), "KEYCHAIN_UNAVAILABLE");
    let r = invoke(&d.w, "print_report", json!({"ticketId": id}));
    assert_eq!(code(r), "KEYCHAIN_UNAVAILABLE");
    let (company, _) = busiest_company(&d.db());
    let r = invoke(
        &d.w,
        "batch_export",
        batch_args(company, &d.folder("batch")),
    );
    assert_eq!(code(r), "KEYCHAIN_UNAVAILABLE");
    assert!(!path.exists());
    // The app still answers.
    assert!(invoke(&d.w, "get_report_settings", json!({})).is_ok());
}

#[test]
fn print_writes_a_signed_copy_and_opens_it_in_the_viewer() {
    let d = desk();
    let id = closed_id(&d.db());
    let saved = invoke(&d.w, "print_report", json!({"ticketId": id})).unwrap();
    let path = PathBuf::from(saved["path"].as_str().unwrap());
    assert!(path.starts_with(d.dir.path().join("print")), "{path:?}");
    assert_eq!(*d.viewed.lock().unwrap(), vec![path.clone()]);
    verifies(&d, &std::fs::read(&path).unwrap());
}

#[test]
fn a_viewer_that_cannot_open_the_report_is_a_coded_error() {
    let d = desk();
    let id = closed_id(&d.db());
    let dir = d.dir.path().join("print-elsewhere");
    let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
    let store = Store::open(&d.dir.path().join(ticketflow_core::paths::DB_FILE)).unwrap();
    let state = AppState::new(store, clock)
        .with_keychain(
            d.dir.path().to_path_buf(),
            SecretStore::in_memory().unwrap(),
        )
        .with_viewer(dir.clone(), |p: &Path| {
            Err(ticketflow_core::ErrorPayload {
                code: "IO_ERROR".into(),
                message: format!("no PDF viewer for {}", p.display()),
            })
        });
    let (_app, w) = support::app_with(state);
    let err = invoke(&w, "print_report", json!({"ticketId": id})).unwrap_err();
    assert_eq!(err["code"], "IO_ERROR");
    assert!(
        err["message"].as_str().unwrap().contains("print-elsewhere"),
        "{err}"
    );
}

#[test]
fn a_batch_writes_one_verified_report_per_closed_ticket_with_progress() {
    let d = desk();
    let (company, numbers) = busiest_company(&d.db());
    assert!(numbers.len() >= 3, "the demo desk closes tickets");
    let folder = d.folder("batch");
    let summary = invoke(&d.w, "batch_export", batch_args(company, &folder)).unwrap();
    assert_eq!(summary["total"], numbers.len());
    assert_eq!(summary["exported"], numbers.len());
    assert_eq!(summary["failed"], json!([]));
    assert_eq!(summary["cancelled"], false);

    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = numbers.iter().map(|n| format!("{n}.pdf")).collect();
    expected.sort();
    assert_eq!(files, expected);
    for f in &files {
        verifies(&d, &std::fs::read(folder.join(f)).unwrap());
    }

    let progress = d.channel.messages();
    let done: Vec<u64> = progress
        .iter()
        .map(|p| p["done"].as_u64().unwrap())
        .collect();
    assert_eq!(done, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert!(progress.iter().all(|p| p["total"] == numbers.len()));

    // A range with nothing closed in it exports nothing and needs no keychain.
    let empty = json!({"companyId": company, "from": "2001-01-01", "to": "2001-01-31",
        "folder": folder, "onProgress": "__CHANNEL__:8"});
    let summary = invoke(&d.w, "batch_export", empty).unwrap();
    assert_eq!(
        (summary["total"].clone(), summary["exported"].clone()),
        (json!(0), json!(0))
    );
}

#[test]
fn a_ticket_that_fails_is_listed_and_the_others_are_exported() {
    let d = desk();
    let (company, numbers) = busiest_company(&d.db());
    let folder = d.folder("partly");
    // A folder where the first report's file should go: that one write fails.
    std::fs::create_dir(folder.join(format!("{}.pdf", numbers[0]))).unwrap();
    let summary = invoke(&d.w, "batch_export", batch_args(company, &folder)).unwrap();
    assert_eq!(summary["exported"], numbers.len() - 1);
    assert_eq!(summary["cancelled"], false);
    let failed = summary["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{summary}");
    assert_eq!(failed[0]["ticket"], numbers[0]);
    assert_eq!(failed[0]["error"]["code"], "IO_ERROR");
    // Nothing half-written is left behind: the folder, and one report per other ticket.
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), numbers.len());
    let last = d.channel.messages().pop().unwrap();
    assert_eq!(last["failed"], 1);
    assert_eq!(last["done"], numbers.len());
}

#[test]
fn cancel_stops_a_running_batch_early() {
    let d = desk();
    let (company, numbers) = busiest_company(&d.db());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(
        numbers.len() > cores,
        "need more tickets ({}) than workers ({cores})",
        numbers.len()
    );
    assert_eq!(
        invoke(&d.w, "cancel_batch_export", json!({})).unwrap(),
        false,
        "nothing to cancel yet"
    );
    let folder = d.folder("cancelled");
    d.channel.hold();
    let w = d.w.clone();
    let args = batch_args(company, &folder);
    let batch = std::thread::spawn(move || invoke(&w, "batch_export", args));
    d.channel.wait_for(1);

    // While it runs, a second batch is refused, and cancel reaches the first.
    let second = invoke(&d.w, "batch_export", batch_args(company, &folder));
    assert_eq!(code(second), "INVALID_INPUT");
    assert_eq!(
        invoke(&d.w, "cancel_batch_export", json!({})).unwrap(),
        true
    );
    d.channel.release();

    let summary = batch.join().unwrap().unwrap();
    assert_eq!(summary["cancelled"], true);
    let exported = summary["exported"].as_u64().unwrap() as usize;
    // Each worker finishes the ticket in hand; none starts another.
    assert!(
        (1..=cores).contains(&exported),
        "{exported} exported of {}",
        numbers.len()
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), exported);

    // The flag is cleared for the next batch, which runs to the end.
    let again = d.folder("after");
    let summary = invoke(&d.w, "batch_export", batch_args(company, &again)).unwrap();
    assert_eq!(summary["exported"], numbers.len());
    assert_eq!(summary["cancelled"], false);
}

#[test]
fn report_settings_round_trip_and_are_checked() {
    let d = desk();
    let s = invoke(&d.w, "get_report_settings", json!({})).unwrap();
    assert_eq!(
        s,
        json!({"paper": "a4", "msp_name": report::DEFAULT_MSP_NAME, "include_appendix": true, "has_logo": false})
    );
    let s = invoke(&d.w, "set_paper_size", json!({"paper": "letter"})).unwrap();
    assert_eq!(s["paper"], "letter");
    let s = invoke(&d.w, "set_msp_name", json!({"name": "  Northwind IT  "})).unwrap();
    assert_eq!(s["msp_name"], "Northwind IT");
    let s = invoke(&d.w, "get_report_settings", json!({})).unwrap();
    assert_eq!(
        s,
        json!({"paper": "letter", "msp_name": "Northwind IT", "include_appendix": true, "has_logo": false})
    );

    assert_eq!(
        code(invoke(&d.w, "set_msp_name", json!({"name": "  "}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(invoke(
            &d.w,
            "set_msp_name",
            json!({"name": "x".repeat(121)})
        )),
        "INVALID_INPUT"
    );
    refused(
        invoke(&d.w, "set_paper_size", json!({"paper": "a5"})),
        "paper",
    );
    let s = invoke(&d.w, "get_report_settings", json!({})).unwrap();
    assert_eq!(
        s,
        json!({"paper": "letter", "msp_name": "Northwind IT", "include_appendix": true, "has_logo": false})
    );
}

#[test]
fn the_root_certificate_exports_and_anchors_the_reports() {
    let d = desk();
    // A fresh installation: exporting the root creates the identity.
    let path = d.out("root.pem");
    let written = invoke(&d.w, "export_root_cert", json!({"path": path})).unwrap();
    assert_eq!(written, path.display().to_string());
    let pem = std::fs::read_to_string(&path).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    assert_eq!(pem, signing::export_root_pem(d.dir.path()).unwrap());

    // Reports exported afterwards chain to that same root.
    let id = closed_id(&d.db());
    let report = d.out("r.pdf");
    invoke(
        &d.w,
        "export_report",
        json!({"ticketId": id, "path": report}),
    )
    .unwrap();
    verifies(&d, &std::fs::read(&report).unwrap());
    let again = d.out("root2.pem");
    invoke(&d.w, "export_root_cert", json!({"path": again})).unwrap();
    assert_eq!(std::fs::read_to_string(&again).unwrap(), pem);
}

#[test]
fn malformed_payloads_are_refused_with_codes() {
    let d = desk();
    let id = closed_id(&d.db());
    let out = d.out("x.pdf");
    let dir = out.parent().unwrap().to_path_buf();
    for bad in [
        json!("relative.pdf"),
        json!(""),
        json!(dir.join("report.txt")),
        json!(dir.join("missing-folder").join("r.pdf")),
        json!(dir),
    ] {
        let r = invoke(&d.w, "export_report", json!({"ticketId": id, "path": bad}));
        assert_eq!(code(r), "INVALID_INPUT", "{bad}");
    }
    refused(
        invoke(
            &d.w,
            "export_report",
            json!({"ticketId": "T-1", "path": out}),
        ),
        "ticketId",
    );
    refused(
        invoke(&d.w, "export_report", json!({"ticketId": id})),
        "path",
    );
    refused(
        invoke(&d.w, "print_report", json!({"ticketId": null})),
        "ticketId",
    );
    assert_eq!(
        code(invoke(
            &d.w,
            "export_root_cert",
            json!({"path": dir.join("root.pdf")})
        )),
        "INVALID_INPUT"
    );

    let (company, _) = busiest_company(&d.db());
    let mut args = batch_args(company, &dir);
    args["from"] = json!("2026-12-31");
    args["to"] = json!("2026-01-01");
    assert_eq!(code(invoke(&d.w, "batch_export", args)), "INVALID_INPUT");
    let mut args = batch_args(company, &dir);
    args["folder"] = json!(dir.join("no-such-folder"));
    assert_eq!(code(invoke(&d.w, "batch_export", args)), "INVALID_INPUT");
    let mut args = batch_args(company, &dir);
    args["companyId"] = json!(999_999);
    assert_eq!(code(invoke(&d.w, "batch_export", args)), "NOT_FOUND");
    let mut args = batch_args(company, &dir);
    args["from"] = json!("last tuesday");
    refused(invoke(&d.w, "batch_export", args), "from");
    let mut args = batch_args(company, &dir);
    args["onProgress"] = json!(12);
    refused(invoke(&d.w, "batch_export", args), "onProgress");
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}
