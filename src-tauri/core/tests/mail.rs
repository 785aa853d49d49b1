//! Mail to requesters against a real SMTP server on loopback (issue 18).
//!
//! `tests/mail/smtp_server.py` (Python's aiosmtpd) runs with implicit TLS or STARTTLS on a
//! certificate made here by openssl, under a CA the account trusts as its "in-house CA" (never
//! by turning verification off). The server parses what it receives with Python's own email
//! package and writes it out; these tests read that, so the MIME is checked by a reader
//! independent of the one that wrote it.
//!
//! Needs python3 with aiosmtpd (`.ci/setup-debian` makes target/mail-venv) and openssl.

mod common;

use chrono::Utc;
use common::{Desk, SUMMARY, TECH};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use ticketflow_core::directory::NewContact;
use ticketflow_core::mail::{self, MailAccountInput, Security, SendPolicy};
use ticketflow_core::report;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::Identity;
use ticketflow_core::store::{MailKind, MailState, OutboxEntry, Store};

const PASSWORD: &str = "correct horse battery staple";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv `.ci/setup-debian` makes, else the system's python3; either must have aiosmtpd.
fn python() -> PathBuf {
    let venv = repo_root().join("target/mail-venv/bin/python");
    let python = if venv.is_file() {
        venv
    } else {
        PathBuf::from("python3")
    };
    let ok = Command::new(&python)
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "{} cannot import aiosmtpd: run .ci/setup-debian (it makes target/mail-venv from \
         tests/mail/requirements.txt)",
        python.display()
    );
    python
}

/// A CA and a server certificate for localhost / 127.0.0.1 signed by it.
struct Pki {
    dir: TempDir,
    ca_pem: String,
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let openssl = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(d)
                .output()
                .expect("openssl is needed (apt-get install openssl)");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Ticketflow test mail CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=localhost",
        ]);
        std::fs::write(
            d.join("ext.cnf"),
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n\
             extendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        let ca_pem = std::fs::read_to_string(d.join("ca.pem")).unwrap();
        Pki { dir, ca_pem }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Implicit,
    StartTls,
    Plain,
}

/// One aiosmtpd server process; stopped (SIGKILL) when dropped.
struct Server {
    child: Child,
    out: PathBuf,
}

struct ServerSpec<'a> {
    mode: Mode,
    port: u16,
    out: &'a Path,
    script: Option<&'a Path>,
    extra: Vec<String>,
}

impl Server {
    fn start(pki: &Pki, spec: ServerSpec) -> Server {
        let mode = match spec.mode {
            Mode::Implicit => "implicit",
            Mode::StartTls => "starttls",
            Mode::Plain => "plain",
        };
        std::fs::create_dir_all(spec.out).unwrap();
        let log = spec.out.join("server.stderr");
        let mut cmd = Command::new(python());
        cmd.arg(repo_root().join("tests/mail/smtp_server.py"))
            .args(["--port", &spec.port.to_string(), "--mode", mode])
            .arg("--cert")
            .arg(pki.dir.path().join("server.pem"))
            .arg("--key")
            .arg(pki.dir.path().join("server.key"))
            .args(["--user", "desk", "--password", PASSWORD])
            .arg("--out")
            .arg(spec.out)
            .args(&spec.extra)
            .stdout(Stdio::piped())
            // aiosmtpd reports a client's aborted TLS handshake (as the untrusting client does)
            // with a traceback: kept beside what it received, out of the test's output.
            .stderr(std::fs::File::create(log).unwrap());
        if let Some(script) = spec.script {
            cmd.arg("--script").arg(script);
        }
        let mut child = cmd.spawn().expect("start the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.starts_with("READY"),
            "the server did not start: {line:?}"
        );
        Server {
            child,
            out: spec.out.to_path_buf(),
        }
    }

    /// Every message the server kept, in order.
    fn received(&self) -> Vec<Value> {
        received(&self.out)
    }

    fn events(&self) -> String {
        std::fs::read_to_string(self.out.join("events.log")).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn received(out: &Path) -> Vec<Value> {
    let mut names: Vec<PathBuf> = std::fs::read_dir(out)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

fn account(port: u16, security: Security, pki: &Pki, user: &str) -> MailAccountInput {
    MailAccountInput {
        host: "localhost".into(),
        port,
        security,
        user: user.into(),
        from: "Northwind IT <helpdesk@northwind.example>".into(),
        tls_root_pem: Some(pki.ca_pem.clone()),
        password: (!user.is_empty()).then(|| PASSWORD.to_string()),
    }
}

/// Short waits, so retries happen within a test.
fn fast() -> SendPolicy {
    SendPolicy {
        first_retry: Duration::from_millis(200),
        max_retry: Duration::from_millis(800),
        max_attempts: 40,
        lease: Duration::from_secs(60),
        timeout: Duration::from_secs(10),
        max_messages: 10,
    }
}

/// Calls the sender (as the app's loop does) until every message has settled.
fn send_until_settled(store: &mut Store, secrets: &SecretStore, policy: &SendPolicy) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        mail::send_due_with(store, secrets, Utc::now(), policy).unwrap();
        let open = store
            .outbox(None)
            .unwrap()
            .iter()
            .any(|m| matches!(m.state, MailState::Queued | MailState::Sending));
        if !open {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "mail did not settle: {:?}",
            store.outbox(None)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn audit_actions(store: &Store, ticket: i64) -> Vec<(String, Value)> {
    // Newest first, as the ticket's history lists them: oldest first here.
    let mut events = store.ticket_audit(ticket, 1000).unwrap();
    events.reverse();
    events
        .into_iter()
        .filter(|e| e.action.starts_with("mail_"))
        .map(|e| (e.action, e.after))
        .collect()
}

/// A ticket with step 16 done (the summary the end user signed) and step 18 not yet.
fn summarised(desk: &mut Desk) -> i64 {
    let id = desk.verified();
    desk.step(id, 14, json!({"notes": "green"})).unwrap();
    desk.step(
        id,
        15,
        json!({"root_cause": "stale token", "changes": "cleared cache"}),
    )
    .unwrap();
    desk.step(id, 16, json!({"summary": SUMMARY})).unwrap();
    id
}

/// A closed ticket (the end user rated 5 at hand-over) and a signing identity whose keys live in
/// an in-memory keychain.
fn closed_ticket(keys: &Path) -> (Desk, i64, String, Identity) {
    let mut desk = Desk::new();
    let id = desk.ready_to_close();
    let t = desk.close(id).unwrap();
    assert!(t.is_closed());
    let secrets = SecretStore::in_memory().unwrap();
    let identity =
        Identity::load_or_create(keys, &secrets, "Northwind IT Services", desk.now).unwrap();
    (desk, id, t.number, identity)
}

fn entry(store: &Store, ticket: i64, kind: MailKind) -> OutboxEntry {
    store
        .outbox(Some(ticket))
        .unwrap()
        .into_iter()
        .find(|m| m.kind == kind)
        .unwrap()
}

#[test]
fn the_summary_and_the_signed_report_arrive_over_starttls_and_the_pdf_still_verifies() {
    let pki = Pki::new();
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: out.path(),
            script: None,
            extra: vec![],
        },
    );
    let keys = tempfile::tempdir().unwrap();
    let (desk, closed_id, number, identity) = closed_ticket(keys.path());
    let (mut store, now) = (desk.store, desk.now);
    let secrets = SecretStore::in_memory().unwrap();
    mail::save_account(
        &mut store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    // The password is in the keychain, and nowhere in the database.
    let db = tempfile::tempdir().unwrap();
    store.backup(&db.path().join("copy.db")).unwrap();
    let bytes = std::fs::read(db.path().join("copy.db")).unwrap();
    assert!(!bytes
        .windows(PASSWORD.len())
        .any(|w| w == PASSWORD.as_bytes()));

    let summary = mail::queue_summary(&mut store, closed_id, None, TECH, now).unwrap();
    let queued_report = mail::queue_report(&mut store, &identity, closed_id, TECH, now).unwrap();
    assert_eq!(summary.state, MailState::Queued);
    // The end user rated at hand-over (step 18 holds 4): no survey goes out.
    assert!(
        summary.survey.starts_with("rated 5/5"),
        "{}",
        summary.survey
    );
    // Queuing again gives the same message, not a second one.
    let again = mail::queue_summary(&mut store, closed_id, None, TECH, now).unwrap();
    assert_eq!(again.message_id, summary.message_id);
    assert_eq!(store.outbox(Some(closed_id)).unwrap().len(), 2);

    send_until_settled(&mut store, &secrets, &fast());
    let got = server.received();
    assert_eq!(got.len(), 2, "{got:#?}");
    let summary_mail = got
        .iter()
        .find(|m| m["message_id"] == json!(summary.message_id))
        .expect("the summary arrived with its queued Message-ID");
    assert_eq!(
        summary_mail["rcpt_tos"],
        json!(["dana.reyes@contoso.example"])
    );
    assert_eq!(
        summary_mail["mail_from"],
        json!("helpdesk@northwind.example")
    );
    assert_eq!(summary_mail["content_type"], json!("text/plain"));
    let text = summary_mail["text"].as_str().unwrap();
    assert!(
        text.contains(SUMMARY) && text.contains("Hello Dana Reyes"),
        "{text}"
    );
    assert!(
        !text.contains("http"),
        "no survey link after a rating: {text}"
    );
    assert_eq!(summary_mail["defects"], json!([]));

    let report_mail = got
        .iter()
        .find(|m| m["message_id"] == json!(queued_report.message_id))
        .expect("the report arrived");
    assert_eq!(report_mail["content_type"], json!("multipart/mixed"));
    let attachments = report_mail["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0]["content_type"], json!("application/pdf"));
    assert_eq!(
        attachments[0]["filename"],
        json!(format!("{number}-closure-report.pdf"))
    );
    let pdf = std::fs::read(attachments[0]["path"].as_str().unwrap()).unwrap();
    let verification = report::verify_report_alone(&pdf);
    assert!(verification.ok(), "{verification:?}");

    for m in store.outbox(Some(closed_id)).unwrap() {
        assert_eq!(m.state, MailState::Sent, "{m:?}");
        assert_eq!(m.attempts, 1);
        assert!(
            m.last_answer.as_deref().unwrap().starts_with("250"),
            "{m:?}"
        );
    }
    // Signed in over TLS only; never before the upgrade.
    let events = server.events();
    let sign_ins: Vec<&str> = events.lines().filter(|l| l.starts_with("AUTH")).collect();
    assert!(!sign_ins.is_empty(), "{events}");
    assert!(
        sign_ins.iter().all(|l| l.ends_with("tls=True ok=True")),
        "{events}"
    );
    // Each attempt and its answer are in the ticket's history.
    let actions = audit_actions(&store, closed_id);
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "mail_queued",
            "mail_queued",
            "mail_attempt",
            "mail_sent",
            "mail_attempt",
            "mail_sent"
        ]
    );
    assert!(actions[3].1["answer"].as_str().unwrap().starts_with("250"));
    // Mail events on a sealed ticket leave its seal and the chain whole.
    let chain = store
        .verify_audit_with(Some(&identity.certificates))
        .unwrap();
    assert!(chain.sealed_tickets >= 1, "{chain:?}");
    let deep = store.verify_sealed_rows().unwrap();
    assert!(deep.differences.is_empty(), "{:?}", deep.differences);
    assert_eq!(deep.tickets, 1);
}

#[test]
fn implicit_tls_carries_the_companys_survey_link_with_encoded_values() {
    let pki = Pki::new();
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::Implicit,
            port,
            out: out.path(),
            script: None,
            extra: vec![],
        },
    );
    let mut desk = Desk::new();
    let id = summarised(&mut desk);
    let now = desk.now;
    let secrets = SecretStore::in_memory().unwrap();
    let company = desk.company.id;
    let store = &mut desk.store;
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::ImplicitTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    mail::set_company_survey_url(
        store,
        company,
        Some("https://survey.example/csat?t={ticket}&psa={psa_ticket}&who={contact_email}"),
        TECH,
        now,
    )
    .unwrap();
    // The template names the PSA ticket: without it the summary is refused, nothing queued.
    let e = mail::queue_summary(store, id, None, TECH, now).unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    assert!(store.outbox(Some(id)).unwrap().is_empty());
    let queued = mail::queue_summary(store, id, Some("CW 88&1"), TECH, now).unwrap();
    let number = store.ticket(id).unwrap().number;
    let link = format!(
        "https://survey.example/csat?t={number}&psa=CW%2088%261&who=dana.reyes%40contoso.example"
    );
    assert_eq!(queued.survey, format!("survey link sent: {link}"));
    send_until_settled(store, &secrets, &fast());
    let got = server.received();
    assert_eq!(got.len(), 1, "{:?}", store.outbox(Some(id)));
    let text = got[0]["text"].as_str().unwrap();
    assert!(text.contains(&link), "{text}");
    assert!(text.contains(SUMMARY), "{text}");
    assert!(server.events().contains("tls=True"));
}

#[test]
fn send_test_message_names_each_failure() {
    let pki = Pki::new();
    let secrets = SecretStore::in_memory().unwrap();
    let mut desk = Desk::new();
    let now = desk.now;
    let store = &mut desk.store;
    let t = Duration::from_secs(10);
    let code = |store: &Store, to: &str| {
        mail::send_test_message(store, &secrets, to, now, t).map_err(|e| (e.code(), e.to_string()))
    };

    // No account yet.
    assert_eq!(code(store, "a@b.example").unwrap_err().0, "MAIL_NO_ACCOUNT");

    // Nothing listens.
    let closed_port = free_port();
    mail::save_account(
        store,
        &secrets,
        &account(closed_port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    assert_eq!(
        code(store, "a@b.example").unwrap_err().0,
        "MAIL_CONNECT_FAILED"
    );

    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: out.path(),
            script: None,
            extra: vec!["--refuse".into(), "nobody@contoso.example".into()],
        },
    );
    // A certificate the account does not trust.
    let mut untrusting = account(port, Security::StartTls, &pki, "desk");
    untrusting.tls_root_pem = None;
    mail::save_account(store, &secrets, &untrusting, TECH, now).unwrap();
    let (c, m) = code(store, "a@b.example").unwrap_err();
    assert_eq!(c, "MAIL_TLS_FAILED", "{m}");
    // Implicit TLS against a STARTTLS server: the handshake fails.
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::ImplicitTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    assert_eq!(code(store, "a@b.example").unwrap_err().0, "MAIL_TLS_FAILED");
    // Wrong password.
    let mut wrong = account(port, Security::StartTls, &pki, "desk");
    wrong.password = Some("not it".into());
    mail::save_account(store, &secrets, &wrong, TECH, now).unwrap();
    let (c, m) = code(store, "a@b.example").unwrap_err();
    assert_eq!(c, "MAIL_AUTH_REJECTED", "{m}");
    // The right one; a recipient the server refuses; then a good one.
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    let (c, m) = code(store, "nobody@contoso.example").unwrap_err();
    assert_eq!(c, "MAIL_RECIPIENT_REFUSED", "{m}");
    assert!(m.contains("550"), "{m}");
    assert_eq!(
        code(store, "not an address").unwrap_err().0,
        "MAIL_ADDRESS_INVALID"
    );
    let answer = code(store, "dana.reyes@contoso.example").unwrap();
    assert!(answer.starts_with("250"), "{answer}");
    assert_eq!(server.received().len(), 1);
    drop(server);

    // A server that takes at most 300 bytes.
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let small = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: out.path(),
            script: None,
            extra: vec!["--size-limit".into(), "300".into()],
        },
    );
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    let (c, m) = code(store, "dana.reyes@contoso.example").unwrap_err();
    assert_eq!(c, "MAIL_TOO_LARGE", "{m}");
    assert!(small.received().is_empty());
    drop(small);

    // A server without STARTTLS: the password is never sent in the clear.
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let plain = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::Plain,
            port,
            out: out.path(),
            script: None,
            extra: vec![],
        },
    );
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    let (c, m) = code(store, "dana.reyes@contoso.example").unwrap_err();
    assert_eq!(c, "MAIL_TLS_FAILED", "{m}");
    assert!(m.contains("STARTTLS"), "{m}");
    assert!(plain.events().contains("EHLO"), "the server was reached");
    assert!(!plain.events().contains("AUTH"), "{}", plain.events());
    assert!(plain.received().is_empty());
}

#[test]
fn bad_input_is_coded_and_nothing_is_queued_or_sent() {
    let pki = Pki::new();
    let secrets = SecretStore::in_memory().unwrap();
    let mut desk = Desk::new();
    let now = desk.now;
    let id = summarised(&mut desk);
    // No account: the way forward is Settings › Mail or a draft.
    let e = mail::queue_summary(&mut desk.store, id, None, TECH, now).unwrap_err();
    assert_eq!(e.code(), "MAIL_NO_ACCOUNT");

    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: out.path(),
            script: None,
            extra: vec!["--size-limit".into(), "400".into()],
        },
    );
    mail::save_account(
        &mut desk.store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    // A bad From is refused when saved.
    let mut bad_from = account(port, Security::StartTls, &pki, "desk");
    bad_from.from = "helpdesk at northwind".into();
    assert_eq!(
        mail::save_account(&mut desk.store, &secrets, &bad_from, TECH, now)
            .unwrap_err()
            .code(),
        "MAIL_ADDRESS_INVALID"
    );

    // Requesters without an address, and with one that does not parse.
    for (name, email, code) in [
        ("No Mail", None, "MAIL_NO_RECIPIENT"),
        ("Blank Mail", Some("  "), "MAIL_NO_RECIPIENT"),
        (
            "Bad Mail",
            Some("bad mail@@contoso"),
            "MAIL_ADDRESS_INVALID",
        ),
    ] {
        desk.caller = desk
            .store
            .add_contact(
                &NewContact {
                    company_id: desk.company.id,
                    name: name.into(),
                    email: email.map(str::to_string),
                    phone: None,
                    upn: None,
                    authorized: true,
                    terminated_on: None,
                },
                "admin",
                now,
            )
            .unwrap();
        let t = summarised(&mut desk);
        let e = mail::queue_summary(&mut desk.store, t, None, TECH, now).unwrap_err();
        assert_eq!(e.code(), code, "{name}: {e}");
        assert!(desk.store.outbox(Some(t)).unwrap().is_empty());
    }

    // Over the server's SIZE limit: failed, with the reason, never sent.
    mail::queue_summary(&mut desk.store, id, None, TECH, now).unwrap();
    send_until_settled(&mut desk.store, &secrets, &fast());
    let m = entry(&desk.store, id, MailKind::Summary);
    assert_eq!(m.state, MailState::Failed, "{m:?}");
    assert_eq!(m.last_code.as_deref(), Some("MAIL_TOO_LARGE"));
    assert!(
        m.last_answer.as_deref().unwrap().contains("at most 400"),
        "{m:?}"
    );
    assert_eq!(m.sent_at, None);
    assert!(server.received().is_empty());
    // A failed message is retried by hand once the cause is fixed; a sent one cannot be.
    let again = desk.store.outbox_retry(m.id, TECH, now).unwrap();
    assert_eq!(again.state, MailState::Queued);
    assert_eq!(again.message_id, m.message_id);
    assert_eq!(
        desk.store.outbox_retry(m.id, TECH, now).unwrap_err().code(),
        "INVALID_INPUT"
    );
}

/// Each flaky server ends in exactly one delivered copy.
#[test]
fn a_dropped_connection_a_4xx_or_a_server_down_for_a_while_each_deliver_one_copy() {
    let pki = Pki::new();
    for case in ["drop", "451", "down"] {
        let secrets = SecretStore::in_memory().unwrap();
        let mut desk = Desk::new();
        let now = desk.now;
        let id = summarised(&mut desk);
        let out = tempfile::tempdir().unwrap();
        let script = out.path().join("script.json");
        let port = free_port();
        mail::save_account(
            &mut desk.store,
            &secrets,
            &account(port, Security::StartTls, &pki, "desk"),
            TECH,
            now,
        )
        .unwrap();
        let queued = mail::queue_summary(&mut desk.store, id, None, TECH, now).unwrap();
        let received_dir = out.path().join("received");
        fn spec<'a>(port: u16, out: &'a Path, script: Option<&'a Path>) -> ServerSpec<'a> {
            ServerSpec {
                mode: Mode::StartTls,
                port,
                out,
                script,
                extra: vec![],
            }
        }
        let server = match case {
            "down" => {
                // Nothing listens for the first attempts.
                let policy = fast();
                let until = Instant::now() + Duration::from_millis(1500);
                while Instant::now() < until {
                    mail::send_due_with(&mut desk.store, &secrets, Utc::now(), &policy).unwrap();
                    std::thread::sleep(Duration::from_millis(50));
                }
                let m = entry(&desk.store, id, MailKind::Summary);
                assert_eq!(m.state, MailState::Queued);
                assert_eq!(m.last_code.as_deref(), Some("MAIL_CONNECT_FAILED"));
                assert!(m.attempts >= 2, "{m:?}");
                Server::start(&pki, spec(port, &received_dir, None))
            }
            action => {
                std::fs::write(&script, json!([action]).to_string()).unwrap();
                Server::start(&pki, spec(port, &received_dir, Some(&script)))
            }
        };
        send_until_settled(&mut desk.store, &secrets, &fast());
        let got = server.received();
        assert_eq!(got.len(), 1, "{case}: {got:#?}");
        assert_eq!(got[0]["message_id"], json!(queued.message_id), "{case}");
        let m = entry(&desk.store, id, MailKind::Summary);
        assert_eq!(m.state, MailState::Sent, "{case}: {m:?}");
        assert!(m.attempts >= 2, "{case}: {m:?}");
        let retries: Vec<Value> = audit_actions(&desk.store, id)
            .into_iter()
            .filter(|(a, _)| a == "mail_retry_scheduled")
            .map(|(_, after)| after)
            .collect();
        let expected = match case {
            "drop" => "MAIL_CONNECTION_LOST",
            "451" => "MAIL_TEMPORARY",
            _ => "MAIL_CONNECT_FAILED",
        };
        assert!(!retries.is_empty(), "{case}");
        assert_eq!(retries[0]["code"], json!(expected), "{case}: {retries:?}");
        if case == "451" {
            assert!(
                retries[0]["answer"].as_str().unwrap().contains("451"),
                "{retries:?}"
            );
        }
    }
}

/// While one sender holds a message (the server is slow to answer), a second sender on the same
/// desk file finds nothing to send; the message arrives once.
#[test]
fn two_senders_on_one_desk_never_send_the_same_message() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ticketflow.db");
    let secrets = SecretStore::in_memory().unwrap();
    let mut desk = Desk::on_file(&db);
    let now = desk.now;
    let id = summarised(&mut desk);
    let out = tempfile::tempdir().unwrap();
    let script = out.path().join("script.json");
    std::fs::write(&script, json!(["stall:3"]).to_string()).unwrap();
    let received_dir = out.path().join("received");
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: &received_dir,
            script: Some(&script),
            extra: vec![],
        },
    );
    mail::save_account(
        &mut desk.store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    mail::queue_summary(&mut desk.store, id, None, TECH, now).unwrap();
    let first_secrets = secrets.clone();
    let mut first_store = desk.store;
    let first = std::thread::spawn(move || {
        mail::send_due_with(&mut first_store, &first_secrets, Utc::now(), &fast()).unwrap()
    });
    // Wait until the first sender has handed the message over (the server holds it).
    let deadline = Instant::now() + Duration::from_secs(20);
    while received(&received_dir).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the first sender never delivered"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut second = Store::open(&db).unwrap();
    // The first sender holds it (the server has not answered yet)...
    assert_eq!(
        entry(&second, id, MailKind::Summary).state,
        MailState::Sending
    );
    let done = mail::send_due_with(&mut second, &secrets, Utc::now(), &fast()).unwrap();
    // ...so the second finds nothing due.
    assert_eq!(done.attempted, 0, "the second sender took a leased message");
    let first = first.join().unwrap();
    assert_eq!(first.sent, 1);
    assert_eq!(server.received().len(), 1);
    assert_eq!(entry(&second, id, MailKind::Summary).state, MailState::Sent);
}

/// A sender killed (SIGKILL) after handing the message to the server and before marking it sent:
/// after its lease runs out the next sender sends it again, with the same Message-ID.
#[test]
fn a_sender_killed_after_handing_over_resends_only_the_same_message() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(ticketflow_core::paths::DB_FILE);
    let secrets = SecretStore::in_memory().unwrap();
    let id;
    let queued;
    let port = free_port();
    {
        let mut desk = Desk::on_file(&db);
        let now = desk.now;
        id = summarised(&mut desk);
        // No sign-in, so the CLI needs nothing from the keychain.
        mail::save_account(
            &mut desk.store,
            &secrets,
            &account(port, Security::StartTls, &pki, ""),
            TECH,
            now,
        )
        .unwrap();
        queued = mail::queue_summary(&mut desk.store, id, None, TECH, now).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let script = out.path().join("script.json");
    // The server keeps the message, then waits before saying so: the sender is killed meanwhile.
    std::fs::write(&script, json!(["stall:30"]).to_string()).unwrap();
    let received_dir = out.path().join("received");
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: &received_dir,
            script: Some(&script),
            extra: vec!["--no-auth".into()],
        },
    );
    let cli = |lease: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ticketflow-cli"));
        c.arg("--data-dir")
            .arg(dir.path())
            .args(["mail", "send-due", "--lease-secs", lease])
            .env(ticketflow_core::secrets::KEYSTORE_ENV, "keyutils")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    };
    let mut sender = cli("1").spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received(&received_dir).is_empty() {
        if let Some(status) = sender.try_wait().unwrap() {
            let out = sender.wait_with_output().unwrap();
            panic!(
                "the sender ended ({status}) before handing over: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            Instant::now() < deadline,
            "the sender never handed the message over"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    sender.kill().unwrap(); // SIGKILL
    sender.wait().unwrap();
    {
        let store = Store::open(&db).unwrap();
        let m = entry(&store, id, MailKind::Summary);
        assert_eq!(m.state, MailState::Sending, "{m:?}");
        assert_eq!(m.sent_at, None);
    }
    // A sender started at once finds the lease still held.
    let early = cli("600").output().unwrap();
    assert!(
        early.status.success(),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    assert!(
        String::from_utf8_lossy(&early.stdout).starts_with("0 attempted"),
        "{}",
        String::from_utf8_lossy(&early.stdout)
    );
    std::thread::sleep(Duration::from_millis(1100));
    let restart = cli("600").output().unwrap();
    assert!(
        restart.status.success(),
        "{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    assert!(
        String::from_utf8_lossy(&restart.stdout).starts_with("1 attempted: 1 sent"),
        "{}",
        String::from_utf8_lossy(&restart.stdout)
    );
    let got = server.received();
    let ids: std::collections::BTreeSet<&str> = got
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    // The server kept the first copy, so the restart is a resend: two copies, one message.
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(ids.len(), 1, "one distinct message: {ids:?}");
    assert!(ids.contains(queued.message_id.as_str()));
    let store = Store::open(&db).unwrap();
    let m = entry(&store, id, MailKind::Summary);
    assert_eq!(m.state, MailState::Sent);
    assert_eq!(m.attempts, 2);
    let attempts: Vec<Value> = audit_actions(&store, id)
        .into_iter()
        .filter(|(a, _)| a == "mail_attempt")
        .map(|(_, after)| after)
        .collect();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1]["previous_attempt_unreported"], json!(true));
    assert_eq!(attempts[0]["previous_attempt_unreported"], json!(false));
}

#[test]
fn without_an_account_a_draft_eml_is_written_with_the_report_attached() {
    let keys = tempfile::tempdir().unwrap();
    let (desk, closed_id, _, identity) = closed_ticket(keys.path());
    let (mut store, now) = (desk.store, desk.now);
    let dir = tempfile::tempdir().unwrap();
    let path = mail::write_draft(
        &mut store,
        Some(&identity),
        closed_id,
        None,
        dir.path(),
        TECH,
        now,
    )
    .unwrap();
    assert_eq!(path.extension().unwrap(), "eml");
    // Python's email package reads it back: an unsent draft, the summary, the signed PDF.
    let check = r#"
import email, email.policy, json, sys
m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)
att = [p.get_payload(decode=True) for p in m.iter_attachments()]
open(sys.argv[2], 'wb').write(att[0])
print(json.dumps({"x_unsent": m["X-Unsent"], "to": m["To"], "text": m.get_body(("plain",)).get_content(),
                  "types": [p.get_content_type() for p in m.iter_attachments()], "defects": len(m.defects)}))
"#;
    let pdf_path = dir.path().join("att.pdf");
    let out = Command::new(python())
        .args(["-c", check])
        .arg(&path)
        .arg(&pdf_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed["x_unsent"], json!("1"));
    assert_eq!(parsed["types"], json!(["application/pdf"]));
    assert_eq!(parsed["defects"], json!(0));
    assert!(parsed["to"]
        .as_str()
        .unwrap()
        .contains("dana.reyes@contoso.example"));
    assert!(parsed["text"].as_str().unwrap().contains(SUMMARY));
    let pdf = std::fs::read(&pdf_path).unwrap();
    assert!(report::verify_report_alone(&pdf).ok());
    let actions = audit_actions(&store, closed_id);
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].0, "mail_draft_written");
    assert_eq!(actions[0].1["report_attached"], json!(true));
    assert!(store.outbox(Some(closed_id)).unwrap().is_empty());
}

/// A recipient the server refuses (5xx) fails the message at once, with the server's answer,
/// nothing sent; re-addressed, it goes out as a new message to the new address.
#[test]
fn a_refused_recipient_fails_for_good_and_a_readdressed_copy_arrives() {
    let pki = Pki::new();
    let secrets = SecretStore::in_memory().unwrap();
    let mut desk = Desk::new();
    let now = desk.now;
    let id = summarised(&mut desk);
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: out.path(),
            script: None,
            extra: vec!["--refuse".into(), "dana.reyes@contoso.example".into()],
        },
    );
    let store = &mut desk.store;
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::StartTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    let queued = mail::queue_summary(store, id, None, TECH, now).unwrap();
    send_until_settled(store, &secrets, &fast());
    let m = entry(store, id, MailKind::Summary);
    assert_eq!(m.state, MailState::Failed);
    assert_eq!(m.attempts, 1, "a 5xx is not retried");
    assert_eq!(m.last_code.as_deref(), Some("MAIL_RECIPIENT_REFUSED"));
    assert!(m.last_answer.as_deref().unwrap().contains("550"), "{m:?}");
    assert!(server.received().is_empty());
    let failed = audit_actions(store, id)
        .into_iter()
        .find(|(a, _)| a == "mail_failed")
        .expect("the failure is in the history");
    assert!(failed.1["answer"].as_str().unwrap().contains("550"));

    assert_eq!(
        mail::readdress(store, m.id, "not an address", TECH, now)
            .unwrap_err()
            .code(),
        "MAIL_ADDRESS_INVALID"
    );
    let moved = mail::readdress(store, m.id, "Dana Reyes <dana@home.example>", TECH, now).unwrap();
    assert_eq!(moved.state, MailState::Queued);
    assert_eq!(moved.recipient, "dana@home.example");
    assert_ne!(moved.message_id, queued.message_id);
    send_until_settled(store, &secrets, &fast());
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["rcpt_tos"], json!(["dana@home.example"]));
    assert_eq!(got[0]["to"], json!("Dana Reyes <dana@home.example>"));
    assert_eq!(got[0]["message_id"], json!(moved.message_id));
    assert!(got[0]["text"].as_str().unwrap().contains(SUMMARY));
    assert_eq!(got[0]["defects"], json!([]));
    // Sent: it cannot be re-addressed any more.
    assert_eq!(
        mail::readdress(store, m.id, "x@y.example", TECH, now)
            .unwrap_err()
            .code(),
        "INVALID_INPUT"
    );
}

/// The number of step 18 records of a ticket (superseded ones included).
fn csat_records(store: &Store, id: i64) -> Vec<ticketflow_core::ticket::StepRecord> {
    let t = store.ticket(id).unwrap();
    t.steps.into_iter().filter(|r| r.step == 18).collect()
}

#[test]
fn a_sent_survey_link_records_step_18_as_sent_but_never_over_a_rating_or_a_hand_over() {
    let pki = Pki::new();
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = Server::start(
        &pki,
        ServerSpec {
            mode: Mode::Implicit,
            port,
            out: out.path(),
            script: None,
            extra: vec![],
        },
    );
    let mut desk = Desk::new();
    // Two tickets whose summaries carry the survey link, and a third handed over to its user.
    let surveyed = summarised(&mut desk);
    let rated_later = summarised(&mut desk);
    let handed_over = desk.fixed(false);
    let now = desk.tick(1);
    let secrets = SecretStore::in_memory().unwrap();
    let company = desk.company.id;
    let store = &mut desk.store;
    mail::save_account(
        store,
        &secrets,
        &account(port, Security::ImplicitTls, &pki, "desk"),
        TECH,
        now,
    )
    .unwrap();
    mail::set_company_survey_url(
        store,
        company,
        Some("https://survey.example/csat?t={ticket}"),
        TECH,
        now,
    )
    .unwrap();
    for id in [surveyed, rated_later] {
        let queued = mail::queue_summary(store, id, None, TECH, now).unwrap();
        assert!(
            queued.survey.starts_with("survey link sent: "),
            "{queued:?}"
        );
    }
    // Queuing alone records nothing: the survey has not gone out yet.
    assert!(!store.ticket(surveyed).unwrap().is_done(18));
    // The end user of the second ticket rates by phone before the mail goes out.
    store
        .complete_step(
            rated_later,
            18,
            common::vals(json!({"rating": 3})),
            TECH,
            now,
        )
        .unwrap();

    // A hand-over holds the desk: the sender is refused, and nothing is failed or recorded.
    store.start_handover(handed_over, SUMMARY, now).unwrap();
    let e = mail::send_due_with(store, &secrets, Utc::now(), &fast()).unwrap_err();
    assert_eq!(e.code(), "HANDOVER_ACTIVE");
    for id in [surveyed, rated_later] {
        let m = entry(store, id, MailKind::Summary);
        assert_eq!(m.state, MailState::Queued, "{m:?}");
        assert_eq!(m.attempts, 0);
    }
    assert!(csat_records(store, surveyed).is_empty());
    assert!(server.received().is_empty());
    // ...and the hand-over is intact: still under way, ended by the PIN as ever.
    assert_eq!(
        store.handover().unwrap().map(|h| h.ticket_id),
        Some(handed_over)
    );
    store.end_handover(None, common::PIN, now).unwrap();

    send_until_settled(store, &secrets, &fast());
    assert_eq!(server.received().len(), 2);

    // The survey went out: step 18 says "sent", by the technician who queued the message, in the
    // transaction that marked the message sent (its event comes right before `mail_sent`).
    let records = csat_records(store, surveyed);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].values.get("rating"), Some(&json!("sent")));
    assert_eq!(records[0].completed_by, TECH);
    let mut events = store.ticket_audit(surveyed, 1000).unwrap();
    events.reverse();
    let sent_at = events
        .iter()
        .position(|e| e.action == "mail_sent")
        .expect("mail_sent");
    assert_eq!(events[sent_at - 1].action, "step_18_completed");
    assert_eq!(events[sent_at - 1].actor, TECH);
    assert_eq!(
        events[sent_at].after["csat_step"],
        json!(format!("recorded as sent by {TECH}"))
    );
    let message = entry(store, surveyed, MailKind::Summary);
    assert_eq!(message.state, MailState::Sent);

    // The rating given first stands: no second step 18 record, and the event says why.
    let records = csat_records(store, rated_later);
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].values.get("rating"), Some(&json!(3)));
    let sent = audit_actions(store, rated_later)
        .into_iter()
        .find(|(a, _)| a == "mail_sent")
        .expect("mail_sent")
        .1;
    assert_eq!(
        sent["csat_step"],
        json!("not recorded: step 18 was already done")
    );
}

/// A desk on file whose first ticket's summary (with the survey link) is queued, a second
/// ticket ready to be handed over, and a STARTTLS server without sign-in that keeps the message
/// and answers only after `stall` seconds.
struct Stalled {
    desk: Desk,
    db: PathBuf,
    surveyed: i64,
    handed_over: i64,
    queued: OutboxEntry,
    secrets: SecretStore,
    server: Server,
    _dirs: (TempDir, TempDir),
}

fn stalled(pki: &Pki, stall: u32) -> Stalled {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join(ticketflow_core::paths::DB_FILE);
    let secrets = SecretStore::in_memory().unwrap();
    let port = free_port();
    let mut desk = Desk::on_file(&db);
    let surveyed = summarised(&mut desk);
    let handed_over = desk.fixed(false);
    let now = desk.tick(1);
    let company = desk.company.id;
    mail::save_account(
        &mut desk.store,
        &secrets,
        &account(port, Security::StartTls, pki, ""),
        TECH,
        now,
    )
    .unwrap();
    mail::set_company_survey_url(
        &mut desk.store,
        company,
        Some("https://survey.example/csat?t={ticket}"),
        TECH,
        now,
    )
    .unwrap();
    let queued = mail::queue_summary(&mut desk.store, surveyed, None, TECH, now).unwrap();
    let out = tempfile::tempdir().unwrap();
    let script = out.path().join("script.json");
    std::fs::write(&script, json!([format!("stall:{stall}")]).to_string()).unwrap();
    let server = Server::start(
        pki,
        ServerSpec {
            mode: Mode::StartTls,
            port,
            out: &out.path().join("received"),
            script: Some(&script),
            extra: vec!["--no-auth".into()],
        },
    );
    Stalled {
        desk,
        db,
        surveyed,
        handed_over,
        queued,
        secrets,
        server,
        _dirs: (dir, out),
    }
}

/// Runs the sender on its own connection (as the app's sender thread does) with `lease`.
fn sender_thread(
    s: &Stalled,
    lease: Duration,
) -> std::thread::JoinHandle<ticketflow_core::Result<mail::SendSummary>> {
    let db = s.db.clone();
    let secrets = s.secrets.clone();
    std::thread::spawn(move || {
        let mut store = Store::open(&db).unwrap();
        let policy = SendPolicy { lease, ..fast() };
        mail::send_due_with(&mut store, &secrets, Utc::now(), &policy)
    })
}

/// Waits until the server holds the message (it has not answered yet), then starts the hand-over.
fn hand_over_once_received(s: &mut Stalled) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while s.server.received().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the server never got the message"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    s.desk
        .store
        .start_handover(s.handed_over, SUMMARY, Utc::now())
        .unwrap();
}

#[test]
fn a_hand_over_begun_while_the_server_has_the_survey_holds_the_sent_marking_until_it_ends() {
    let pki = Pki::new();
    let mut s = stalled(&pki, 2);
    let sender = sender_thread(&s, Duration::from_secs(60));
    hand_over_once_received(&mut s);
    // The server has answered by now; the sender holds the answer instead of failing the
    // message or dropping it, and writes nothing while the hand-over is under way.
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        !sender.is_finished(),
        "the sender gave up during the hand-over"
    );
    let m = entry(&s.desk.store, s.surveyed, MailKind::Summary);
    assert_eq!(m.state, MailState::Sending, "{m:?}");
    assert!(!s.desk.store.ticket(s.surveyed).unwrap().is_done(18));
    assert_eq!(
        s.desk.store.handover().unwrap().map(|h| h.ticket_id),
        Some(s.handed_over)
    );
    s.desk
        .store
        .end_handover(None, common::PIN, Utc::now())
        .unwrap();

    let done = sender.join().unwrap().unwrap();
    assert_eq!((done.attempted, done.sent), (1, 1));
    // One copy, marked sent at once, step 18 recorded: nothing waits for a lease to run out.
    let got = s.server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["message_id"], json!(s.queued.message_id));
    let m = entry(&s.desk.store, s.surveyed, MailKind::Summary);
    assert_eq!((m.state, m.attempts), (MailState::Sent, 1), "{m:?}");
    let t = s.desk.store.ticket(s.surveyed).unwrap();
    assert_eq!(t.value(18, "rating"), Some(&json!("sent")));
}

#[test]
fn a_hand_over_outlasting_the_lease_leaves_the_message_sending_never_failed() {
    let pki = Pki::new();
    let mut s = stalled(&pki, 2);
    // A short lease: the sender stops holding the answer before the hand-over ends.
    let lease = Duration::from_secs(4);
    let sender = sender_thread(&s, lease);
    hand_over_once_received(&mut s);
    let e = sender.join().unwrap().unwrap_err();
    assert_eq!(e.code(), "HANDOVER_ACTIVE");
    let m = entry(&s.desk.store, s.surveyed, MailKind::Summary);
    assert_eq!(m.state, MailState::Sending, "{m:?}");
    assert!(!s.desk.store.ticket(s.surveyed).unwrap().is_done(18));
    assert!(s.desk.store.handover().unwrap().is_some());
    s.desk
        .store
        .end_handover(None, common::PIN, Utc::now())
        .unwrap();
    // Once the lease has run out the message goes again, under the same Message-ID, and the
    // survey is recorded then.
    std::thread::sleep(lease);
    send_until_settled(&mut s.desk.store, &s.secrets, &fast());
    let got = s.server.received();
    assert_eq!(got.len(), 2);
    assert!(got
        .iter()
        .all(|m| m["message_id"] == json!(s.queued.message_id)));
    let m = entry(&s.desk.store, s.surveyed, MailKind::Summary);
    assert_eq!((m.state, m.attempts), (MailState::Sent, 2), "{m:?}");
    let t = s.desk.store.ticket(s.surveyed).unwrap();
    assert_eq!(t.value(18, "rating"), Some(&json!("sent")));
}
