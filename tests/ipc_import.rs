//! The Import screen's commands through the real IPC layer, on the Autotask fixtures: the source
//! recognized from the header row, a mapping edited and re-read by the core, the preview as it
//! will be stored, the dry run's counts with refused rows and their error file, the import with
//! progress on a channel and its cancel, the batch list and its undo, and exports.

mod support;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::ipc::InvokeResponseBody;
use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri::{WebviewWindow, WebviewWindowBuilder};
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/core/tests/fixtures/import")
        .join(rel)
        .display()
        .to_string()
}

fn state() -> AppState {
    let store = Store::open_in_memory().expect("in-memory store");
    state_over(store)
}

fn state_over(store: Store) -> AppState {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    AppState::new(store, clock)
}

/// The app over a desk in a file, as the real app has it: imports then run on a connection of
/// their own (an in-memory desk has no file to share, and imports run on its one connection).
struct FileDesk {
    _app: tauri::App<Mock>,
    _dir: tempfile::TempDir,
}

fn file_state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ticketflow.db")).expect("a desk in a file");
    (state_over(store), dir)
}

fn set_up(w: &WebviewWindow<Mock>) {
    invoke(
        w,
        "set_up_desk",
        json!({
            "setup": {
                "desk_name": "Northwind IT",
                "time_zone": "Europe/Berlin",
                "technician": {"name": "Alex Morgan", "tier": "tier2", "email": "alex@northwind.example", "on_call": true}
            },
            "pin": "246810"
        }),
    )
    .expect("the desk is set up");
}

/// An empty, set-up desk.
fn desk() -> (tauri::App<Mock>, WebviewWindow<Mock>) {
    let (app, w) = app_with(state());
    set_up(&w);
    (app, w)
}

/// An empty, set-up desk (in a file) whose channel messages are collected.
fn desk_heard() -> (FileDesk, WebviewWindow<Mock>, Arc<Mutex<Vec<Value>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let tap = Arc::clone(&heard);
    let builder = mock_builder().channel_interceptor(move |_, _, _, body| {
        if let InvokeResponseBody::Json(text) = body {
            tap.lock()
                .unwrap()
                .push(serde_json::from_str(text).unwrap());
        }
        true
    });
    let (state, dir) = file_state();
    let app = ticketflow_lib::configure(builder, state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let w = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    set_up(&w);
    (
        FileDesk {
            _app: app,
            _dir: dir,
        },
        w,
        heard,
    )
}

fn inspect(w: &WebviewWindow<Mock>, paths: &[String]) -> Vec<Value> {
    invoke(
        w,
        "import_inspect",
        json!({"paths": paths, "source": null, "kind": null, "overrides": []}),
    )
    .unwrap()
    .as_array()
    .unwrap()
    .clone()
}

fn run_args(tables: &[Value]) -> Value {
    json!({"tables": tables, "mode": "both", "defaultTier": "bronze", "onProgress": "__CHANNEL__:9"})
}

fn autotask() -> Vec<String> {
    // Contacts first on purpose: the tables come back companies first.
    vec![
        fixture("autotask/contacts.csv"),
        fixture("autotask/companies.csv"),
    ]
}

#[test]
fn the_source_is_recognized_and_an_edited_mapping_is_the_cores_own() {
    let (_app, w) = desk();
    let tables = inspect(&w, &autotask());
    assert_eq!(tables.len(), 2);
    assert_eq!(tables[0]["plan"]["kind"], "companies");
    assert_eq!(tables[1]["plan"]["kind"], "contacts");
    for t in &tables {
        assert_eq!(t["plan"]["source"], "autotask", "{t}");
    }
    let contacts = &tables[1]["plan"];
    // Address 1 fills nothing: listed, not dropped unseen.
    assert!(contacts["unknown"]
        .as_array()
        .unwrap()
        .contains(&json!("Address 1")));
    let phone = contacts["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column"] == "Phone")
        .unwrap();
    assert_eq!(phone["field"], "phone");

    // Leaving Phone out: the core re-reads the file and lists it as unknown.
    let overrides = json!([{"column": "Phone", "field": null}]);
    let again = invoke(
        &w,
        "import_inspect",
        json!({"paths": [fixture("autotask/contacts.csv")], "overrides": overrides}),
    )
    .unwrap();
    let plan = &again[0]["plan"];
    assert!(plan["unknown"]
        .as_array()
        .unwrap()
        .contains(&json!("Phone")));

    // The preview follows the plan the window sends, as the core re-reads it: no phone now.
    let preview = invoke(
        &w,
        "import_preview",
        json!({"path": fixture("autotask/contacts.csv"), "plan": plan, "rows": 3}),
    )
    .unwrap();
    let rows = preview.as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["record"]["record"], "contact");
    assert_eq!(rows[0]["record"]["name"], "Dana Reyes");
    assert_eq!(rows[0]["record"]["phone"], Value::Null);
    // Lee Park is inactive in Autotask: not authorized in the desk.
    assert_eq!(rows[2]["record"]["name"], "Lee Park");
    assert_eq!(rows[2]["record"]["authorized"], false);

    // A required field unmapped: the window sees it flagged and the dry run is refused by code.
    let no_name = json!([{"column": "Name", "field": null}]);
    let companies = invoke(
        &w,
        "import_inspect",
        json!({"paths": [fixture("autotask/companies.csv")], "overrides": no_name}),
    )
    .unwrap();
    assert!(companies[0]["plan"]["missing_required"]
        .as_array()
        .unwrap()
        .contains(&json!("name")));
    assert_eq!(
        code(invoke(&w, "import_plan", run_args(&[companies[0].clone()]))),
        "IMPORT_COLUMN_MISSING"
    );
}

#[test]
fn a_plan_the_window_made_up_is_not_used() {
    let (_app, w) = desk();
    let mut tables = inspect(&w, &[fixture("autotask/contacts.csv")]);
    // A column the file does not have.
    tables[0]["plan"]["columns"][0]["column"] = json!("Password");
    assert_eq!(
        code(invoke(&w, "import_plan", run_args(&tables))),
        "IMPORT_MAP_INVALID"
    );
    // A relative path, a folder, a missing file.
    for bad in ["contacts.csv", "/", "/nonexistent/contacts.csv"] {
        assert_eq!(
            code(invoke(&w, "import_inspect", json!({"paths": [bad]}))),
            "INVALID_INPUT",
            "{bad}"
        );
    }
    assert_eq!(
        code(invoke(&w, "import_inspect", json!({"paths": []}))),
        "INVALID_INPUT"
    );
}

#[test]
fn dry_run_then_import_then_undo_with_an_error_file() {
    let (_app, w, heard) = desk_heard();
    let tables = inspect(&w, &autotask());
    let dry = invoke(&w, "import_plan", run_args(&tables)).unwrap();
    assert_eq!(dry["batch_id"], Value::Null);
    let c = &dry["counts"];
    let refused = dry["refused"].as_array().unwrap();
    assert_eq!(c["refused"].as_u64().unwrap(), refused.len() as u64);
    assert!(!refused.is_empty(), "{dry}");
    for r in refused {
        assert!(!r["code"].as_str().unwrap().is_empty(), "{r}");
        assert!(!r["message"].as_str().unwrap().is_empty(), "{r}");
    }
    // The bad e-mail address is refused with its reason.
    assert!(
        refused.iter().any(|r| r["code"] == "IMPORT_EMAIL_INVALID"),
        "{dry}"
    );
    // Nothing was written.
    assert_eq!(invoke(&w, "list_companies", json!({})).unwrap(), json!([]));
    assert_eq!(invoke(&w, "import_batches", json!({})).unwrap(), json!([]));

    // The error file: the input's header plus `error`, one line per refused row.
    let out = tempfile::tempdir().unwrap();
    let errors = out.path().join("errors.csv");
    let written = invoke(
        &w,
        "import_write_errors",
        json!({"path": errors.display().to_string()}),
    )
    .unwrap();
    let files = written.as_array().unwrap();
    assert!(!files.is_empty());
    let mut lines_written = 0;
    for f in files {
        let text = std::fs::read_to_string(f.as_str().unwrap()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        assert_eq!(header.iter().next_back(), Some("error"));
        for rec in reader.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len());
            let error = rec.get(header.len() - 1).unwrap();
            // `CODE: message (line N)`, the code and line of a refused row.
            assert!(
                refused.iter().any(|r| error
                    .starts_with(&format!("{}: ", r["code"].as_str().unwrap()))
                    && error.ends_with(&format!("(line {})", r["line"]))),
                "{error}"
            );
            lines_written += 1;
        }
    }
    assert_eq!(lines_written, refused.len());
    // Only a .csv into an existing folder.
    assert_eq!(
        code(invoke(
            &w,
            "import_write_errors",
            json!({"path": out.path().join("errors.exe").display().to_string()})
        )),
        "INVALID_INPUT"
    );

    // The import itself: the same counts as the dry run, as one batch.
    heard.lock().unwrap().clear();
    let done = invoke(&w, "import_run", run_args(&tables)).unwrap();
    assert_eq!(done["counts"], dry["counts"]);
    let batch = done["batch_id"].as_i64().expect("a batch id");
    // Every progress message the channel carried is an ImportProgress.
    for p in heard.lock().unwrap().iter() {
        assert!(p["rows_done"].is_u64(), "{p}");
        assert!(p["rows_per_sec"].is_number(), "{p}");
    }
    let companies = invoke(&w, "list_companies", json!({})).unwrap();
    let acme = companies
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Acme Dental, LLC")
        .expect("Acme imported")
        .clone();
    let contacts = invoke(
        &w,
        "list_contacts",
        json!({"companyId": acme["id"].as_i64().unwrap()}),
    )
    .unwrap();
    let lee = contacts
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Lee Park")
        .expect("Lee Park imported")
        .clone();
    assert_eq!(lee["authorized"], false, "{lee}");

    let batches = invoke(&w, "import_batches", json!({})).unwrap();
    assert_eq!(batches[0]["id"].as_i64(), Some(batch));
    assert_eq!(batches[0]["source"], "autotask");
    assert_eq!(batches[0]["undone_at"], Value::Null);

    let undo = invoke(&w, "import_undo", json!({"batch": batch})).unwrap();
    assert_eq!(undo["batch_id"].as_i64(), Some(batch));
    assert!(undo["removed"].as_u64().unwrap() > 0, "{undo}");
    assert_eq!(invoke(&w, "list_companies", json!({})).unwrap(), json!([]));
    let batches = invoke(&w, "import_batches", json!({})).unwrap();
    assert!(batches[0]["undone_at"].is_string());
    // Undoing twice is refused by code.
    assert!(!code(invoke(&w, "import_undo", json!({"batch": batch}))).is_empty());
}

/// An empty desk (in a file) whose first progress message holds the import until `release` is
/// sent.
fn desk_held() -> (
    FileDesk,
    WebviewWindow<Mock>,
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::SyncSender<()>,
) {
    let (arrived_tx, arrived) = std::sync::mpsc::sync_channel::<()>(1);
    let (release, release_rx) = std::sync::mpsc::sync_channel::<()>(1);
    let release_rx = Mutex::new(Some(release_rx));
    let builder = mock_builder().channel_interceptor(move |_, _, _, _| {
        // Only the first message is held; later ones pass.
        if let Some(rx) = release_rx.lock().unwrap().take() {
            let _ = arrived_tx.send(());
            let _ = rx.recv();
        }
        true
    });
    let (state, dir) = file_state();
    let app = ticketflow_lib::configure(builder, state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let w = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    set_up(&w);
    (
        FileDesk {
            _app: app,
            _dir: dir,
        },
        w,
        arrived,
        release,
    )
}

/// A companies file with `n` rows: enough rows for progress reports (one per 1,000 rows).
fn many_companies(dir: &std::path::Path, n: usize) -> String {
    let big = dir.join("companies.csv");
    let mut text = String::from("name,tier\r\n");
    for i in 0..n {
        text.push_str(&format!("Client {i:05},silver\r\n"));
    }
    std::fs::write(&big, text).unwrap();
    big.display().to_string()
}

/// `cmd`'s answer, asked from another thread: a call stuck behind the held import fails the test
/// (after a minute) instead of hanging it. Not a timing assertion: an answer only has to come.
fn answers(w: &WebviewWindow<Mock>, cmd: &'static str, args: Value) -> Result<Value, Value> {
    let (tx, rx) = std::sync::mpsc::channel();
    let w = w.clone();
    std::thread::spawn(move || {
        let _ = tx.send(invoke(&w, cmd, args));
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .unwrap_or_else(|_| panic!("{cmd} waited behind the running import"))
}

fn company(name: &str) -> Value {
    json!({"id": null, "input": {"name": name, "tier": "gold", "calendar": {"kind": "always_on"}}})
}

fn names(companies: &Value) -> Vec<String> {
    let mut names: Vec<String> = companies
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn the_window_reads_while_an_import_runs_and_its_writes_are_refused_by_code() {
    let (_desk, w, arrived, release) = desk_held();
    invoke(&w, "save_company", company("Contoso")).unwrap();
    let ticket = invoke(&w, "create_ticket", json!({})).unwrap();
    let ticket_id = ticket["ticket"]["id"].as_i64().expect("a ticket id");
    let dir = tempfile::tempdir().unwrap();
    let tables = inspect(&w, &[many_companies(dir.path(), 5000)]);
    let w2 = w.clone();
    let args = run_args(&tables);
    let run = std::thread::spawn(move || invoke(&w2, "import_run", args));
    // The import is held inside its transaction, 1,000 rows written.
    arrived
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("a progress report");

    // The window's reads answer, from the desk as it was: the import is one transaction, and
    // none of its rows shows before it commits.
    let companies = answers(&w, "list_companies", json!({})).unwrap();
    assert_eq!(names(&companies), vec!["Contoso"]);
    let queue = answers(&w, "list_queue", json!({"query": {}})).unwrap();
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"].as_i64() == Some(ticket_id)),
        "{queue}"
    );
    let view = answers(&w, "get_ticket", json!({"id": ticket_id})).unwrap();
    assert_eq!(view["ticket"]["id"].as_i64(), Some(ticket_id));
    assert_eq!(answers(&w, "import_batches", json!({})).unwrap(), json!([]));
    // A write is refused at once, by code, and writes nothing.
    assert_eq!(
        code(answers(&w, "save_company", company("Fabrikam"))),
        "IMPORT_RUNNING"
    );
    assert_eq!(
        code(answers(&w, "discard_ticket", json!({"id": ticket_id}))),
        "IMPORT_RUNNING"
    );

    release.send(()).unwrap();
    let done = run.join().unwrap().expect("the import completes");
    assert_eq!(done["counts"]["created"], 5000);
    let companies = invoke(&w, "list_companies", json!({})).unwrap();
    assert_eq!(companies.as_array().unwrap().len(), 5001);
    assert!(!names(&companies).contains(&"Fabrikam".to_string()));
    invoke(&w, "get_ticket", json!({"id": ticket_id})).expect("the draft was not discarded");
    // The hold ends with the import: the same write goes through now.
    invoke(&w, "save_company", company("Fabrikam")).unwrap();
    let batch = done["batch_id"].as_i64().expect("a batch id");

    // The undo runs on its own connection too, and lets go of the window's writes after.
    let undo = invoke(&w, "import_undo", json!({"batch": batch})).unwrap();
    assert_eq!(undo["removed"], 5000, "{undo}");
    assert_eq!(
        names(&invoke(&w, "list_companies", json!({})).unwrap()),
        vec!["Contoso", "Fabrikam"]
    );
    invoke(&w, "save_company", company("Northwind")).unwrap();
}

#[test]
fn a_cancelled_import_writes_nothing_and_cancel_says_whether_one_ran() {
    let (_app, w, arrived, release) = desk_held();
    assert_eq!(
        invoke(&w, "import_cancel", json!({})).unwrap(),
        json!(false)
    );
    let dir = tempfile::tempdir().unwrap();
    let tables = inspect(&w, &[many_companies(dir.path(), 5000)]);
    let w2 = w.clone();
    let args = run_args(&tables);
    let run = std::thread::spawn(move || invoke(&w2, "import_run", args));
    arrived
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("a progress report");
    // While it runs, a second import and an undo are refused and cancel answers true.
    assert_eq!(
        code(invoke(&w, "import_plan", run_args(&tables))),
        "IMPORT_RUNNING"
    );
    assert_eq!(
        code(invoke(&w, "import_undo", json!({"batch": 1}))),
        "IMPORT_RUNNING"
    );
    assert_eq!(invoke(&w, "import_cancel", json!({})).unwrap(), json!(true));
    release.send(()).unwrap();
    assert_eq!(code(run.join().unwrap()), "IMPORT_CANCELLED");
    assert_eq!(invoke(&w, "list_companies", json!({})).unwrap(), json!([]));
    assert_eq!(invoke(&w, "import_batches", json!({})).unwrap(), json!([]));
    // A cancel lets go of the window's writes too.
    invoke(&w, "save_company", company("Contoso")).unwrap();
    // The next run starts afresh: the cancel does not linger.
    assert_eq!(
        invoke(&w, "import_cancel", json!({})).unwrap(),
        json!(false)
    );
    let done = invoke(&w, "import_run", run_args(&tables)).unwrap();
    assert_eq!(done["counts"]["created"], 5000);
    assert_eq!(
        invoke(&w, "list_companies", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5001
    );
}

#[test]
fn records_export_to_csv_and_xlsx_with_the_format_the_name_says() {
    let (_app, w) = desk();
    let tables = inspect(&w, &autotask());
    invoke(&w, "import_run", run_args(&tables)).unwrap();
    let out = tempfile::tempdir().unwrap();
    let csv_path = out.path().join("contacts.csv");
    let s = invoke(
        &w,
        "export_records",
        json!({"kind": "contacts", "format": "csv", "path": csv_path.display().to_string()}),
    )
    .unwrap();
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let rows = csv::Reader::from_reader(text.as_bytes()).records().count() as u64;
    assert_eq!(s["rows"].as_u64(), Some(rows));
    assert!(text.contains("Lee Park"));

    let xlsx = out.path().join("companies.xlsx");
    let s = invoke(
        &w,
        "export_records",
        json!({"kind": "companies", "format": "xlsx", "path": xlsx.display().to_string()}),
    )
    .unwrap();
    assert_eq!(s["format"], "xlsx");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));

    // The extension must say the format chosen.
    assert_eq!(
        code(invoke(
            &w,
            "export_records",
            json!({"kind": "companies", "format": "xlsx", "path": csv_path.display().to_string()})
        )),
        "INVALID_INPUT"
    );
}
