//! Mail to requesters through the real IPC layer (issue 18): the account is saved with its
//! password in the keychain only; completing step 16 queues the summary when the desk has an
//! account, and a mail problem never refuses the step but shows on the ticket, coded; the close
//! queues the signed report; without an account the summary opens as a draft; a rating given at
//! hand-over means no survey link.
//!
//! Nothing is sent here (the mock app runs no sender): delivery is tested against a real SMTP
//! server in `core/tests/mail.rs` and in the window by `tests/e2e/test_mail.py`.

mod support;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use support::{app_with, code, invoke, Mock};
use tauri::WebviewWindow;
use ticketflow_core::clock::ManualClock;
use ticketflow_core::demo::{self, DEMO_PIN};
use ticketflow_core::paths;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signature::Signature;
use ticketflow_core::store::Store;
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_lib::AppState;

const PASSWORD: &str = "app-password-6c1d9e";
const SURVEY: &str = "https://survey.example/r?t={ticket}&e={contact_email}";

/// The demo desk once, copied for each test (generating it is the slow part).
fn demo_db() -> &'static Path {
    static DB: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let mut store = Store::open_in_memory().unwrap();
        demo::generate(&mut store, 40, 3, |_, _| {}).unwrap();
        // Every client has a survey link: whether a message carries it is the rule under test.
        let now = demo::anchor();
        let companies: Vec<i64> = store.companies().unwrap().iter().map(|c| c.id).collect();
        for id in companies {
            ticketflow_core::mail::set_company_survey_url(
                &mut store,
                id,
                Some(SURVEY),
                "setup",
                now,
            )
            .unwrap();
        }
        store.backup(&path).unwrap();
        (dir, path)
    })
    .1
}

struct Desk {
    _app: tauri::App<Mock>,
    w: WebviewWindow<Mock>,
    dir: tempfile::TempDir,
    viewed: Arc<Mutex<Vec<PathBuf>>>,
}

/// A demo desk in a data directory with an in-memory keychain; drafts are "opened" into `viewed`.
fn desk() -> Desk {
    desk_with_survey(SURVEY)
}

/// [`desk`] with every client's survey link set to `survey`.
fn desk_with_survey(survey: &str) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(paths::DB_FILE);
    std::fs::copy(demo_db(), &db).unwrap();
    let mut store = Store::open(&db).unwrap();
    if survey != SURVEY {
        let companies: Vec<i64> = store.companies().unwrap().iter().map(|c| c.id).collect();
        for id in companies {
            ticketflow_core::mail::set_company_survey_url(
                &mut store,
                id,
                Some(survey),
                "setup",
                demo::anchor(),
            )
            .unwrap();
        }
    }
    let clock = Arc::new(ManualClock::new(demo::anchor()));
    let viewed = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&viewed);
    let state = AppState::new(store, clock)
        .with_keychain(dir.path().to_path_buf(), SecretStore::in_memory().unwrap())
        .with_viewer(dir.path().join("print"), move |p: &Path| {
            seen.lock().unwrap().push(p.to_path_buf());
            Ok(())
        });
    let (app, w) = app_with(state);
    Desk {
        _app: app,
        w,
        dir,
        viewed,
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn account(port: u16, password: Option<&str>) -> Value {
    json!({"host": "127.0.0.1", "port": port, "security": "start_tls", "user": "desk",
           "from": "Northwind IT <helpdesk@northwind.example>", "tls_root_pem": null,
           "password": password})
}

fn step(w: &WebviewWindow<Mock>, id: i64, step: u8, values: Value) -> Value {
    invoke(
        w,
        "complete_step",
        json!({"id": id, "step": step, "values": values}),
    )
    .unwrap_or_else(|e| panic!("step {step}: {e}"))
}

fn ticket_with(w: &WebviewWindow<Mock>, status: &str) -> Value {
    (1..=40)
        .map(|id| invoke(w, "get_ticket", json!({ "id": id })).unwrap())
        .find(|v| v["ticket"]["status"] == status)
        .unwrap_or_else(|| panic!("the demo desk has a {status} ticket"))
}

fn signed_summary(view: &Value) -> Value {
    view["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["step"] == 13)
        .unwrap()["values"]["signature"]["content"]
        .clone()
}

/// A resolved demo ticket taken through steps 14–16 (the summary the end user signed).
fn summarised(w: &WebviewWindow<Mock>) -> (i64, Value) {
    let view = ticket_with(w, "resolved");
    let id = view["ticket"]["id"].as_i64().unwrap();
    step(w, id, 14, json!({"notes": "green"}));
    step(w, id, 15, json!({"root_cause": "r", "changes": "c"}));
    let after = step(w, id, 16, json!({ "summary": signed_summary(&view) }));
    (id, after)
}

fn mail_of(w: &WebviewWindow<Mock>, id: i64) -> Value {
    invoke(w, "get_ticket_mail", json!({ "ticketId": id })).unwrap()
}

fn problem_code(mail: &Value, kind: &str) -> String {
    let missing = mail["missing"].as_array().unwrap();
    let m = missing
        .iter()
        .find(|m| m["kind"] == kind)
        .unwrap_or_else(|| panic!("{kind} is not listed as missing: {mail}"));
    assert!(
        m["problem"]["message"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{m}"
    );
    m["problem"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_account_keeps_its_password_in_the_keychain_only() {
    let d = desk();
    assert_eq!(
        invoke(&d.w, "get_mail_account", json!({})).unwrap(),
        Value::Null
    );
    let port = closed_port();
    let saved = invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(port, Some(PASSWORD)) }),
    )
    .unwrap();
    assert_eq!(saved["password_set"], json!(true));
    assert_eq!(
        saved["from"],
        json!("Northwind IT <helpdesk@northwind.example>")
    );
    let read = invoke(&d.w, "get_mail_account", json!({})).unwrap();
    assert_eq!(read, saved);
    assert!(!read.to_string().contains(PASSWORD), "{read}");
    for file in ["ticketflow.db", "ticketflow.db-wal"] {
        let bytes = std::fs::read(d.dir.path().join(file)).unwrap_or_default();
        assert!(
            !bytes
                .windows(PASSWORD.len())
                .any(|w| w == PASSWORD.as_bytes()),
            "the password is in {file}"
        );
    }
    // The password was found in the keychain (else MAIL_PASSWORD_MISSING): the test message
    // got as far as the network, where nothing listens.
    assert_eq!(
        code(invoke(
            &d.w,
            "send_test_mail",
            json!({"to": "it@northwind.example"})
        )),
        "MAIL_CONNECT_FAILED"
    );
    assert_eq!(
        code(invoke(
            &d.w,
            "send_test_mail",
            json!({"to": "not an address"})
        )),
        "MAIL_ADDRESS_INVALID"
    );
    // Saving without a password keeps the stored one; an empty one removes it.
    let kept = invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(port, None) }),
    )
    .unwrap();
    assert_eq!(kept["password_set"], json!(true));
    let removed = invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(port, Some("")) }),
    )
    .unwrap();
    assert_eq!(removed["password_set"], json!(false));
    assert_eq!(
        code(invoke(
            &d.w,
            "send_test_mail",
            json!({"to": "it@northwind.example"})
        )),
        "MAIL_PASSWORD_MISSING"
    );

    let mut bad = account(port, None);
    bad["from"] = json!("helpdesk at northwind");
    assert_eq!(
        code(invoke(&d.w, "set_mail_account", json!({ "account": bad }))),
        "MAIL_ADDRESS_INVALID"
    );
    let mut bad = account(port, None);
    bad["tls_root_pem"] = json!("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----");
    assert_eq!(
        code(invoke(&d.w, "set_mail_account", json!({ "account": bad }))),
        "INVALID_INPUT"
    );
    let mut bad = account(port, None);
    bad["security"] = json!("plain");
    assert!(invoke(&d.w, "set_mail_account", json!({ "account": bad })).is_err());
    // The refused saves changed nothing.
    assert_eq!(
        invoke(&d.w, "get_mail_account", json!({})).unwrap(),
        removed
    );
}

#[test]
fn without_an_account_step_16_queues_nothing_and_the_summary_opens_as_a_draft() {
    let d = desk();
    let (id, after) = summarised(&d.w);
    assert!(after["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["step"] == 16));
    let mail = mail_of(&d.w, id);
    assert_eq!(mail["account"], json!(false));
    assert_eq!(mail["messages"], json!([]));
    assert_eq!(problem_code(&mail, "summary"), "MAIL_NO_ACCOUNT");
    assert_eq!(
        code(invoke(&d.w, "queue_ticket_mail", json!({ "ticketId": id }))),
        "MAIL_NO_ACCOUNT"
    );

    let path = invoke(&d.w, "open_mail_draft", json!({ "ticketId": id })).unwrap();
    let path = PathBuf::from(path.as_str().unwrap());
    assert_eq!(*d.viewed.lock().unwrap(), vec![path.clone()]);
    assert!(
        path.starts_with(d.dir.path().join("print")),
        "{}",
        path.display()
    );
    let eml = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(eml.contains("X-Unsent: 1\r\n"), "{eml}");
    let view = invoke(&d.w, "get_ticket", json!({ "id": id })).unwrap();
    assert!(
        view["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "mail_draft_written"),
        "the draft is recorded on the ticket"
    );
}

#[test]
fn with_an_account_step_16_queues_the_summary_once() {
    let d = desk();
    invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(closed_port(), Some(PASSWORD)) }),
    )
    .unwrap();
    let (id, view) = summarised(&d.w);
    let mail = mail_of(&d.w, id);
    assert_eq!(mail["account"], json!(true));
    assert_eq!(mail["missing"], json!([]));
    let messages = mail["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 1, "{mail}");
    let summary = &messages[0];
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["state"], "queued");
    assert_eq!(summary["attempts"], 0);
    assert_eq!(summary["recipient"], view["contact"]["email"]);
    // Not rated yet: the company's survey link goes with it.
    assert!(
        summary["survey"]
            .as_str()
            .unwrap()
            .starts_with("survey link sent: https://survey.example/r?t="),
        "{summary}"
    );
    // Queuing again (the technician presses "Queue now" twice) gives the same message.
    let again = invoke(&d.w, "queue_ticket_mail", json!({ "ticketId": id })).unwrap();
    assert_eq!(again["messages"].as_array().unwrap().len(), 1);
    assert_eq!(again["messages"][0]["message_id"], summary["message_id"]);

    let mid = summary["id"].as_i64().unwrap();
    // Only a failed message is retried by hand; a queued one may be re-addressed.
    assert_eq!(
        code(invoke(&d.w, "retry_mail", json!({ "id": mid }))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(invoke(
            &d.w,
            "readdress_mail",
            json!({"id": mid, "to": "dana at contoso"})
        )),
        "MAIL_ADDRESS_INVALID"
    );
    let moved = invoke(
        &d.w,
        "readdress_mail",
        json!({"id": mid, "to": "Dana <dana.private@contoso.example>"}),
    )
    .unwrap();
    assert_eq!(moved["recipient"], "dana.private@contoso.example");
    assert_eq!(moved["state"], "queued");
    assert_ne!(moved["message_id"], summary["message_id"]);
    assert_eq!(
        code(invoke(
            &d.w,
            "readdress_mail",
            json!({"id": 999_999, "to": "a@b.example"})
        )),
        "NOT_FOUND"
    );
}

#[test]
fn a_requester_without_an_address_does_not_refuse_step_16_and_the_ticket_says_why() {
    let d = desk();
    invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(closed_port(), Some(PASSWORD)) }),
    )
    .unwrap();
    let view = ticket_with(&d.w, "resolved");
    let id = view["ticket"]["id"].as_i64().unwrap();
    let contact = view["contact"].clone();
    let mut no_email = contact.clone();
    no_email["email"] = Value::Null;
    let contact_id = contact["id"].clone();
    let save = |c: &Value| {
        invoke(
            &d.w,
            "save_contact",
            json!({"id": contact_id, "input": {
                "company_id": c["company_id"], "name": c["name"], "email": c["email"],
                "phone": c["phone"], "upn": c["upn"], "authorized": c["authorized"],
                "terminated_on": c["terminated_on"]}}),
        )
        .unwrap()
    };
    save(&no_email);
    step(&d.w, id, 14, json!({"notes": "green"}));
    step(&d.w, id, 15, json!({"root_cause": "r", "changes": "c"}));
    // The step is done even though the summary cannot go.
    let after = step(&d.w, id, 16, json!({ "summary": signed_summary(&view) }));
    assert!(after["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["step"] == 16));
    let mail = mail_of(&d.w, id);
    assert_eq!(mail["messages"], json!([]));
    assert_eq!(problem_code(&mail, "summary"), "MAIL_NO_RECIPIENT");
    assert_eq!(
        code(invoke(&d.w, "queue_ticket_mail", json!({ "ticketId": id }))),
        "MAIL_NO_RECIPIENT"
    );
    // The address added, "Queue now" queues it.
    save(&contact);
    let mail = invoke(&d.w, "queue_ticket_mail", json!({ "ticketId": id })).unwrap();
    assert_eq!(mail["missing"], json!([]));
    assert_eq!(mail["messages"][0]["recipient"], contact["email"]);
}

#[test]
fn a_rating_given_at_hand_over_means_no_survey_link() {
    let d = desk();
    invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(closed_port(), Some(PASSWORD)) }),
    )
    .unwrap();
    let view = ticket_with(&d.w, "escalated");
    let id = view["ticket"]["id"].as_i64().unwrap();
    step(
        &d.w,
        id,
        12,
        json!({"notes": "reset", "infrastructure": b::NO_SHARED_INFRA}),
    );
    const SUMMARY: &str = "We reset your mail profile.";
    invoke(
        &d.w,
        "start_handover",
        json!({"ticketId": id, "summary": SUMMARY}),
    )
    .unwrap();
    let mut signature = serde_json::to_value(Signature::synthetic(
        "Dana Reyes",
        SignerRole::EndUser,
        "fix verified",
        SUMMARY,
        demo::anchor().fixed_offset(),
        0x5eed_0000_0002,
    ))
    .unwrap();
    signature["nonce"] = invoke(&d.w, "handover_signing_nonce", json!({})).unwrap();
    invoke(
        &d.w,
        "handover_verify",
        json!({"outcome": b::VERIFIED, "signature": signature}),
    )
    .unwrap();
    invoke(&d.w, "handover_rate", json!({"rating": 4, "comment": null})).unwrap();
    invoke(&d.w, "unlock_handover", json!({ "pin": DEMO_PIN })).unwrap();

    step(&d.w, id, 14, json!({"notes": "green"}));
    step(&d.w, id, 15, json!({"root_cause": "r", "changes": "c"}));
    let after = step(&d.w, id, 16, json!({ "summary": SUMMARY }));
    // Step 18 holds the end user's rating from the hand-over...
    let csat = after["ticket"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|r| r["step"] == 18)
        .expect("step 18 was done at hand-over")
        .clone();
    assert_eq!(csat["values"]["rating"], 4);
    // ...and the summary says so instead of carrying the company's survey link.
    let mail = mail_of(&d.w, id);
    let summary = &mail["messages"][0];
    assert_eq!(summary["kind"], "summary");
    assert_eq!(
        summary["survey"],
        json!("rated 4/5 at hand-over: no survey sent")
    );
}

#[test]
fn the_close_queues_the_signed_report() {
    let d = desk();
    invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(closed_port(), Some(PASSWORD)) }),
    )
    .unwrap();
    let (id, _) = summarised(&d.w);
    step(&d.w, id, 18, json!({"rating": 5}));
    let tech = invoke(&d.w, "get_current_technician", json!({})).unwrap();
    invoke(
        &d.w,
        "add_time_entry",
        json!({"ticketId": id, "entry": {"technician": tech, "started_at": "2026-01-01T00:00:00Z",
               "minutes": 5, "billable": true, "work_type": "Remote", "note": ""}}),
    )
    .unwrap();
    step(&d.w, id, 19, json!({"breach_note": "none"}));
    step(&d.w, id, 20, json!({"outcome": b::RUNBOOK_NOTHING_NEW}));
    // Before the close there is no report to send.
    let mail = mail_of(&d.w, id);
    assert!(mail["missing"].as_array().unwrap().is_empty(), "{mail}");
    assert!(mail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["kind"] != "report"));

    let code_ = b::RESOLUTION_CODES[0];
    let statement = invoke(
        &d.w,
        "get_sign_off_statement",
        json!({"ticketId": id, "resolutionCode": code_, "closureNotes": "none"}),
    )
    .unwrap();
    let signing = invoke(
        &d.w,
        "issue_signing_nonce",
        json!({"ticketId": id, "step": 21, "role": "technician", "content": statement}),
    )
    .unwrap();
    let mut sig = Signature::synthetic(
        tech.as_str().unwrap(),
        SignerRole::Technician,
        "closure sign-off",
        statement.as_str().unwrap(),
        demo::anchor().fixed_offset(),
        1 << 41,
    );
    sig.nonce = signing["nonce"].as_str().unwrap().to_string();
    let closed = invoke(
        &d.w,
        "close_ticket",
        json!({"ticketId": id, "pin": DEMO_PIN,
               "values": {"resolution_code": code_, "closure_notes": "none", "signature": sig}}),
    )
    .unwrap();
    assert_eq!(closed["ticket"]["status"], "closed");
    let mail = mail_of(&d.w, id);
    assert_eq!(mail["missing"], json!([]), "{mail}");
    let report = mail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "report")
        .expect("the signed report is queued at the close")
        .clone();
    assert_eq!(report["state"], "queued");
    assert!(
        report["bytes"].as_i64().unwrap() > 10_000,
        "the PDF is attached: {report}"
    );
}

#[test]
fn a_survey_link_that_names_the_psa_ticket_waits_for_its_number() {
    let d = desk_with_survey("https://survey.example/r?psa={psa_ticket}");
    invoke(
        &d.w,
        "set_mail_account",
        json!({ "account": account(closed_port(), Some(PASSWORD)) }),
    )
    .unwrap();
    let (id, _) = summarised(&d.w);
    // Step 16 is done; the summary waits for the PSA's number, which Ticketflow does not keep.
    let mail = mail_of(&d.w, id);
    assert_eq!(mail["messages"], json!([]));
    assert_eq!(problem_code(&mail, "summary"), "INVALID_INPUT");
    assert_eq!(
        code(invoke(&d.w, "queue_ticket_mail", json!({ "ticketId": id }))),
        "INVALID_INPUT"
    );
    let mail = invoke(
        &d.w,
        "queue_ticket_mail",
        json!({"ticketId": id, "psaTicket": "4711"}),
    )
    .unwrap();
    assert_eq!(mail["missing"], json!([]));
    assert_eq!(
        mail["messages"][0]["survey"],
        json!("survey link sent: https://survey.example/r?psa=4711")
    );
}

#[test]
fn a_companys_survey_link_is_read_checked_and_saved_through_the_window() {
    let d = desk();
    let companies = invoke(&d.w, "list_companies", json!({})).unwrap();
    let company = companies[0]["id"].as_i64().unwrap();
    let get = |w: &WebviewWindow<Mock>| {
        invoke(w, "get_company_survey_url", json!({ "companyId": company })).unwrap()
    };
    // What the form shows when it opens: the stored template.
    assert_eq!(get(&d.w), json!(SURVEY));

    // A bad link is refused, coded and saying what to write, and the stored one stays.
    for (bad, says) in [
        ("ftp://survey.example/{ticket}", "https://"),
        ("https://survey.example/?t={ticket_id}", "{contact_email}"),
        ("https://survey.example/?t={ticket", "}"),
        ("https://survey.example/a b", "without spaces"),
    ] {
        for (cmd, args) in [
            ("check_company_survey_url", json!({ "url": bad })),
            (
                "set_company_survey_url",
                json!({"companyId": company, "url": bad}),
            ),
        ] {
            let err = invoke(&d.w, cmd, args).expect_err(bad);
            assert_eq!(err["code"], "INVALID_INPUT", "{cmd} {bad}: {err}");
            let message = err["message"].as_str().unwrap();
            assert!(
                message.contains("csat_survey_url") && message.contains(says),
                "{cmd} {bad}: {message}"
            );
        }
        assert_eq!(get(&d.w), json!(SURVEY), "{bad} changed the stored link");
    }

    // The check saves nothing; a blank link checks as none.
    let link = "https://survey.example/csat?t={ticket}&who={contact_email}";
    let checked = invoke(
        &d.w,
        "check_company_survey_url",
        json!({ "url": format!("  {link} ") }),
    )
    .unwrap();
    assert_eq!(checked, json!(link));
    assert_eq!(get(&d.w), json!(SURVEY));
    for blank in [json!("   "), json!(null)] {
        let checked = invoke(&d.w, "check_company_survey_url", json!({ "url": blank })).unwrap();
        assert_eq!(checked, json!(null));
    }

    // Saved trimmed, read back as saved; a blank one removes the link.
    let saved = invoke(
        &d.w,
        "set_company_survey_url",
        json!({"companyId": company, "url": format!(" {link}\t")}),
    )
    .unwrap();
    assert_eq!(saved, json!(link));
    assert_eq!(get(&d.w), json!(link));
    let other = companies[1]["id"].as_i64().unwrap();
    assert_eq!(
        invoke(
            &d.w,
            "get_company_survey_url",
            json!({ "companyId": other })
        )
        .unwrap(),
        json!(SURVEY),
        "only the company edited changes"
    );
    let removed = invoke(
        &d.w,
        "set_company_survey_url",
        json!({"companyId": company, "url": " "}),
    )
    .unwrap();
    assert_eq!(removed, json!(null));
    assert_eq!(get(&d.w), json!(null));

    // A company that does not exist is named as such.
    for (cmd, args) in [
        ("get_company_survey_url", json!({ "companyId": 999_999 })),
        (
            "set_company_survey_url",
            json!({"companyId": 999_999, "url": link}),
        ),
    ] {
        assert_eq!(code(invoke(&d.w, cmd, args)), "NOT_FOUND", "{cmd}");
    }
}
