//! Closed tickets worth a report, and the poppler / qpdf / NSS tools that check the PDFs.
#![allow(dead_code)]

use crate::common::{vals, Desk, PIN, TECH};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;
use ticketflow_core::directory::{NewAsset, NewContact, TechTier};
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signature::Signature;
use ticketflow_core::signing::Identity;
use ticketflow_core::store::NewTimeEntry;
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::workflow::sign_off_statement;

pub struct Closed {
    pub desk: Desk,
    pub id: i64,
    pub number: String,
}

const SUMMARY: &str = "We fixed your sign-in: Outlook no longer asks for your password.";

fn signature(
    name: &str,
    role: SignerRole,
    meaning: &str,
    content: &str,
    at: DateTime<Utc>,
    seed: u64,
) -> serde_json::Value {
    let offset = FixedOffset::east_opt(if role == SignerRole::EndUser {
        3600
    } else {
        -5 * 3600
    })
    .expect("offset");
    serde_json::to_value(Signature::synthetic(
        name,
        role,
        meaning,
        content,
        at.with_timezone(&offset),
        seed,
    ))
    .unwrap()
}

const LONG: &str = "Reproduced on the user's own profile and on a clean test profile. The Outlook \
    client prompts for a password every few minutes after the weekend patch; the modern \
    authentication broker logs AADSTS50076 and then falls back to basic authentication, which the \
    tenant blocks by conditional access. Event logs show the WAM plug-in crashing with 0xc0000409 \
    after each token refresh.";

fn long(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(LONG);
        if i + 1 < n {
            s.push_str("\n\n");
        }
    }
    s
}

/// A closed ticket for Zoë Ødegård, signed by her and by Łukasz Nowak. With `complex`, the ticket
/// was escalated, failed its first verification, waited on the customer, and carries long notes
/// and several time entries (a report of four pages or more); without, it is a short, clean one.
pub fn closed(complex: bool) -> Closed {
    closed_with(complex, "zoe.odegard@contoso.example")
}

/// The same, for a requester whose email and UPN are `email` (long ones must wrap, not be cut).
pub fn closed_with(complex: bool, email: &str) -> Closed {
    let mut desk = Desk::new();
    let now = desk.now;
    desk.caller = desk
        .store
        .add_contact(
            &NewContact {
                company_id: desk.company.id,
                name: "Zoë Ødegård".into(),
                email: Some(email.into()),
                phone: Some("+47 22 00 00 00".into()),
                upn: Some(email.into()),
                authorized: true,
                terminated_on: None,
            },
            "admin",
            now,
        )
        .unwrap();
    desk.asset = desk
        .store
        .add_asset(
            &NewAsset {
                company_id: desk.company.id,
                hostname: "CONTOSO-LT-0042".into(),
                kind: "laptop".into(),
                serial: Some("SN-5CG1234XYZ".into()),
                assigned_upn: Some(email.into()),
                rmm_id: Some("rmm-42".into()),
                rmm_url: None,
            },
            "admin",
            now,
        )
        .unwrap();
    let id = desk.intake();
    let problem = if complex {
        "Outlook prompts for a password every few minutes since the weekend patch; Teams and OneDrive sign-in loop as well, so the user cannot work."
    } else {
        "Outlook prompts for a password"
    };
    desk.step(id, 5, json!({"problem_statement": problem}))
        .unwrap();
    if complex {
        let t = desk.tick(10);
        desk.store
            .wait_on_customer(id, &Desk::wait_request(t), TECH, t)
            .unwrap();
        let t = desk.tick(95);
        desk.store.customer_replied(id, TECH, t).unwrap();
    }
    for n in 6..=9 {
        let notes = if complex {
            long(2)
        } else {
            "Seen it fail.".into()
        };
        desk.step(id, n, json!({"notes": notes})).unwrap();
    }
    if complex {
        desk.step(id, 10, json!({"decision": b::ESCALATE, "reason": "Needs conditional-access changes (Tier 2 rights)."}))
            .unwrap();
        desk.step(
            id,
            11,
            json!({
                "symptom": problem,
                "repro_steps": "Sign in as the user on CONTOSO-LT-0042, open Outlook, wait two minutes: the prompt returns.",
                "diagnostics_run": long(2),
                "ruled_out": "Network (works on LTE), licensing (E3 assigned), profile corruption (clean profile fails too)."
            }),
        )
        .unwrap();
    } else {
        desk.step(id, 10, json!({"decision": b::RESOLVE_TIER1}))
            .unwrap();
    }
    desk.step(id, 12, json!({"notes": "Cleared the token broker cache and re-registered the device.", "infrastructure": b::NO_SHARED_INFRA}))
        .unwrap();
    if complex {
        desk.step(id, 13, json!({"outcome": b::STILL_FAILING}))
            .unwrap();
        desk.step(id, 17, json!({"what_failed": "The prompt came back after a reboot.", "route": b::ROUTE_DIAGNOSIS}))
            .unwrap();
        desk.step(id, 10, json!({"decision": b::RESOLVE_TIER1}))
            .unwrap();
        desk.step(id, 12, json!({"notes": "Excluded the device from the legacy-auth policy and rebuilt the WAM plug-in registration.", "infrastructure": b::SHARED_INFRA, "change_reference": "CHG-2026-0311"}))
            .unwrap();
    }
    let at = desk.tick(1);
    let sig = signature(
        "Zoë Ødegård",
        SignerRole::EndUser,
        "fix verified",
        SUMMARY,
        at,
        11,
    );
    desk.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
        .unwrap();
    desk.step(id, 14, json!({"notes": "No new alerts in monitoring."}))
        .unwrap();
    desk.step(
        id,
        15,
        json!({
            "root_cause": if complex { long(1) } else { "Stale token".into() },
            "changes": "Cleared the token cache; excluded the device from the legacy-auth policy.",
            "references": "KB5034441; Microsoft advisory MC123456"
        }),
    )
    .unwrap();
    desk.step(id, 16, json!({ "summary": SUMMARY })).unwrap();
    desk.step(
        id,
        18,
        json!({"rating": 4, "comment": "Ευχαριστώ! Quick and friendly — Σοφία from accounting"}),
    )
    .unwrap();
    let entries: &[(&str, u32, bool, &str)] = if complex {
        &[
            ("Σοφία Papadopoulou", 35, true, "Remote session, first fix."),
            (
                "Дмитрий Иванов",
                50,
                true,
                "Tier-2 conditional access review.",
            ),
            (
                "Łukasz Nowak",
                20,
                false,
                "Internal documentation and runbook update.",
            ),
            ("Alex Morgan", 15, true, ""),
        ]
    } else {
        &[("Alex Morgan", 30, true, "")]
    };
    for (tech, minutes, billable, note) in entries {
        let now = desk.now;
        // Time is billed to technicians of the desk: add the ones the entries name.
        let known = desk.store.technicians().unwrap();
        if !known.iter().any(|t| t.name == *tech) {
            crate::common::add_technician(
                &mut desk.store,
                (tech, TechTier::Tier2, PIN),
                (TECH, PIN),
                now,
            );
        }
        desk.store
            .add_time_entry(
                id,
                &NewTimeEntry {
                    technician: (*tech).into(),
                    started_at: now - Duration::minutes(i64::from(*minutes)),
                    minutes: *minutes,
                    billable: *billable,
                    work_type: "Remote support".into(),
                    note: (*note).into(),
                },
                TECH,
                now,
            )
            .unwrap();
    }
    desk.step(id, 19, json!({"breach_note": "none"})).unwrap();
    desk.step(id, 20, json!({"outcome": b::RUNBOOK_NOTHING_NEW}))
        .unwrap();
    let at = desk.tick(1);
    let (signer, code, notes) = ("Łukasz Nowak", b::RESOLUTION_CODES[0], "No follow-on work.");
    let number = desk.store.ticket(id).unwrap().number;
    let sig = signature(
        signer,
        SignerRole::Technician,
        "closure sign-off",
        &sign_off_statement(&number, code, notes),
        at,
        5,
    );
    if !desk
        .store
        .technicians()
        .unwrap()
        .iter()
        .any(|t| t.name == signer)
    {
        crate::common::add_technician(
            &mut desk.store,
            (signer, TechTier::Tier2, PIN),
            (TECH, PIN),
            at,
        );
    }
    let values = desk.with_nonce(
        id,
        21,
        json!({"resolution_code": code, "closure_notes": notes, "signature": sig}),
        at,
    );
    let proof = desk.store.verify_pin(signer, PIN, at).unwrap();
    let t = desk.store.sign_off(id, vals(values), proof, at).unwrap();
    assert!(t.is_closed());
    Closed {
        number: t.number.clone(),
        desk,
        id,
    }
}

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-04T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// An identity whose key lives in an in-memory keychain (tests never touch the real one).
pub fn identity(dir: &Path) -> Identity {
    let secrets = SecretStore::in_memory().unwrap();
    Identity::load_or_create(dir, &secrets, "Northwind IT Services", now()).unwrap()
}

/// Whether a checking tool is installed; in CI a missing tool is a failure, not a skip.
pub fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is required in CI (.ci/setup-debian installs it)"
        );
        eprintln!("skipping: {tool} is not installed");
    }
    found
}

pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// An NSS database that trusts `root_pem` as a CA.
pub fn nss_trusting(root_pem: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    let db = format!("sql:{}", dir.path().display());
    let (ok, out) = run(Command::new("certutil").args(["-N", "-d", &db, "--empty-password"]));
    assert!(ok, "{out}");
    let pem = dir.path().join("root.pem");
    std::fs::write(&pem, root_pem).unwrap();
    let (ok, out) = run(Command::new("certutil")
        .args([
            "-A",
            "-d",
            &db,
            "-n",
            "ticketflow-root",
            "-t",
            "CT,C,C",
            "-a",
            "-i",
        ])
        .arg(&pem));
    assert!(ok, "{out}");
    dir
}

pub fn pdfsig(pdf: &Path, nss: &Path) -> String {
    run(Command::new("pdfsig")
        .arg("-nssdir")
        .arg(format!("sql:{}", nss.display()))
        .arg(pdf))
    .1
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Copies a report into `$REPORT_ARTIFACTS` (if set) so a person can look at it.
pub fn keep_artifact(name: &str, bytes: &[u8]) {
    if let Some(dir) = std::env::var_os("REPORT_ARTIFACTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}
