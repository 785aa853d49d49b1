//! Fuzzing every IPC command's payload: random JSON where each argument goes, plus stray keys.
//! Whatever arrives, the answer is a value or a refusal (a coded `{code, message}` from the core,
//! or Tauri's own argument error) — never a panic (`INTERNAL_ERROR`) and never a hang.

mod support;

use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use support::{app_with, invoke};
use ticketflow_core::clock::ManualClock;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

/// Each command with its argument names, as the UI sends them.
const COMMANDS: &[(&str, &[&str])] = &[
    ("list_queue", &["query"]),
    ("queue_count", &["query"]),
    ("create_ticket", &[]),
    ("discard_ticket", &["id"]),
    ("get_ticket", &["id"]),
    ("complete_step", &["id", "step", "values", "escalateTo"]),
    ("has_pin", &[]),
    ("set_pin", &["current", "newPin"]),
    ("unlock_handover", &["pin"]),
    (
        "get_sign_off_statement",
        &["ticketId", "resolutionCode", "closureNotes"],
    ),
    ("close_ticket", &["ticketId", "values", "pin"]),
    (
        "issue_signing_nonce",
        &["ticketId", "step", "role", "content"],
    ),
    ("get_pin_status", &["technician"]),
    ("unlock_pin", &["name", "by", "byPin"]),
    ("save_draft", &["id", "step", "field", "text"]),
    ("check_field_value", &["field", "value"]),
    ("wait_on_customer", &["id", "request"]),
    ("customer_replied", &["id"]),
    ("assign_ticket", &["id", "technician"]),
    ("link_runbook", &["ticketId", "runbookId"]),
    ("search_contacts", &["query"]),
    ("search_assets", &["companyId", "query"]),
    ("list_incidents", &[]),
    ("list_companies", &[]),
    ("save_company", &["id", "input"]),
    ("set_company_active", &["id", "active"]),
    ("list_contacts", &["companyId"]),
    ("save_contact", &["id", "input"]),
    ("list_assets", &["companyId"]),
    ("save_asset", &["id", "input"]),
    ("list_technicians", &[]),
    ("get_priority_matrix", &[]),
    ("get_current_technician", &[]),
    ("get_desk_status", &[]),
    ("set_up_desk", &["setup", "pin"]),
    ("load_demo_desk", &[]),
    ("add_technician", &["technician", "pin", "witnessPin"]),
    ("deactivate_technician", &["name", "witnessPin"]),
    ("switch_technician", &["name", "pin"]),
    ("add_time_entry", &["ticketId", "entry"]),
    ("update_time_entry", &["entryId", "entry"]),
    ("search_runbooks", &["companyId", "query"]),
    ("create_runbook_entry", &["entry", "ticketId"]),
    ("update_runbook_entry", &["id", "entry", "ticketId"]),
    ("get_runbook_entry", &["id"]),
    ("list_runbook_entries", &["query"]),
    ("search_runbook_entries", &["query", "companyId"]),
    ("search_documents", &["query", "limit"]),
    ("ui_painted", &["view", "rows"]),
    ("export_report", &["ticketId", "path"]),
    ("print_report", &["ticketId"]),
    (
        "batch_export",
        &["companyId", "from", "to", "folder", "onProgress"],
    ),
    ("cancel_batch_export", &[]),
    ("import_inspect", &["paths", "source", "kind", "overrides"]),
    ("import_preview", &["path", "plan", "rows"]),
    (
        "import_plan",
        &["tables", "mode", "defaultTier", "onProgress"],
    ),
    (
        "import_run",
        &["tables", "mode", "defaultTier", "onProgress"],
    ),
    ("import_cancel", &[]),
    ("import_batches", &[]),
    ("import_undo", &["batch"]),
    ("import_write_errors", &["path"]),
    (
        "export_records",
        &["kind", "companyId", "from", "to", "format", "path"],
    ),
    ("get_report_settings", &[]),
    ("set_paper_size", &["paper"]),
    ("set_msp_name", &["name"]),
    ("set_report_appendix", &["include"]),
    ("get_report_logo", &[]),
    ("set_report_logo", &["path"]),
    ("remove_report_logo", &[]),
    ("export_root_cert", &["path"]),
    ("get_qbr", &["companyId", "from", "to"]),
    ("get_qbr_presets", &["companyId"]),
    ("find_ticket_by_number", &["number"]),
    ("export_qbr", &["companyId", "from", "to", "path"]),
    ("export_qbr_batch", &["from", "to", "folder", "onProgress"]),
    ("template_overview", &[]),
    ("template_draft_start", &[]),
    ("template_draft_save", &["template"]),
    ("template_draft_discard", &[]),
    ("template_publish", &["note"]),
    ("template_restore", &["version", "note"]),
    ("template_get", &["version"]),
    ("template_diff", &["from", "to"]),
    ("template_validate", &["template"]),
    ("template_export", &["version", "path"]),
    ("template_import", &["path"]),
    ("template_draft_diff", &[]),
    ("preview_intake", &["ticketId", "steps"]),
    ("get_company_tools", &["companyId"]),
    ("set_company_tool", &["companyId", "tool"]),
    ("remove_company_tool", &["companyId", "kind"]),
    ("open_tool", &["ticketId", "step", "kind", "assetId"]),
    ("get_sla_targets", &[]),
    ("check_sla_targets", &["cells"]),
    ("set_sla_targets", &["cells"]),
    ("get_desk_calendar", &[]),
    ("set_desk_calendar", &["calendar"]),
];

/// One small demo desk, made once; each case works on its own copy.
fn demo_db() -> &'static std::path::Path {
    static DB: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("demo.db");
        let mut store = Store::open_in_memory().expect("store");
        ticketflow_core::demo::generate(&mut store, 6, 1, |_, _| {}).expect("demo");
        store.backup(&path).expect("backup");
        (dir, path)
    })
    .1
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-5i64..40).prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::String),
        Just(json!("x".repeat(25_000))),
        Just(json!("<img src=x onerror=alert(1)>")),
        Just(json!("Authorized")),
        Just(json!("2026-03-02T09:00:00Z")),
        Just(json!("2026-03-02")),
        Just(json!("__CHANNEL__:1")),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn payload() -> impl Strategy<Value = (usize, Value)> {
    (
        0..COMMANDS.len(),
        prop::collection::vec(json_value(), 5),
        any::<bool>(),
        json_value(),
    )
        .prop_map(|(i, values, stray, extra)| {
            let mut args = Map::new();
            for (name, v) in COMMANDS[i].1.iter().zip(values) {
                args.insert((*name).to_string(), v);
            }
            if stray {
                args.insert("stray".into(), extra);
            }
            (i, Value::Object(args))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_payload_panics_and_every_refusal_is_coded((i, args) in payload()) {
        let dir = tempfile::tempdir().expect("tmp");
        let db = dir.path().join("fuzz.db");
        std::fs::copy(demo_db(), &db).expect("copy the demo desk");
        let store = Store::open(&db).expect("store");
        let clock = Arc::new(ManualClock::new(ticketflow_core::demo::anchor()));
        // A random payload that happens to open a tool link must not launch a browser.
        let state = AppState::new(store, clock).with_opener(|_| Ok(()));
        let (_app, w) = app_with(state);
        let cmd = COMMANDS[i].0;
        match invoke(&w, cmd, args.clone()) {
            Ok(_) => {}
            Err(Value::String(tauri_refusal)) => prop_assert!(!tauri_refusal.is_empty()),
            Err(err) => {
                let code = err["code"].as_str().unwrap_or_default();
                prop_assert!(!code.is_empty(), "{cmd} {args}: uncoded error {err}");
                prop_assert_ne!(code, "INTERNAL_ERROR", "{} panicked on {}", cmd, args);
            }
        }
    }
}
