//! Crash safety: a writer process is killed with SIGKILL at random moments while it completes
//! steps and closes tickets; after every kill the database must hold every acknowledged write,
//! pass `PRAGMA integrity_check`, verify its audit chain, and have no half-sealed ticket.
//!
//! The writer is this same test binary re-run with `CRASH_WRITER_DB` set. `CRASH_KILLS` sets how
//! many kills (default 40 for CI; the documented full run uses 200).

#![cfg(unix)]

mod common;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use ticketflow_core::directory::{NewAsset, NewCompany, NewContact, Tier};
use ticketflow_core::signature::Signature;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::{NewTimeEntry, Store};
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::ticket::{TicketStatus, Values};
use ticketflow_core::workflow::sign_off_statement;

const TECH: &str = "Crash Tester";

fn vals(v: serde_json::Value) -> Values {
    serde_json::from_value(v).expect("object")
}

fn setup(path: &Path, now: DateTime<Utc>) -> (i64, i64) {
    let mut s = Store::open(path).expect("store");
    let c = s
        .add_company(
            &NewCompany {
                name: "Crash Co".into(),
                tier: Tier::Gold,
                calendar: Calendar::AlwaysOn,
            },
            TECH,
            now,
        )
        .expect("company");
    let contact = s
        .add_contact(
            &NewContact {
                company_id: c.id,
                name: "Dana".into(),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            TECH,
            now,
        )
        .expect("contact");
    let asset = s
        .add_asset(
            &NewAsset {
                company_id: c.id,
                hostname: "CRASH-01".into(),
                kind: "laptop".into(),
                serial: None,
                assigned_upn: None,
                rmm_id: None,
                rmm_url: None,
            },
            TECH,
            now,
        )
        .expect("asset");
    common::set_up(&mut s, TECH, common::PIN, now);
    (contact.id, asset.id)
}

/// The writer: takes tickets from intake to closure forever, acknowledging each commit on stdout.
fn writer(path: &Path, contact: i64, asset: i64) -> ! {
    let mut s = Store::open(path).expect("store");
    let out = std::io::stdout();
    let mut at = common::monday_morning() + Duration::days(1);
    loop {
        at += Duration::minutes(1);
        let created = s.create_ticket(TECH, at).expect("create");
        let id = created.id;
        // Each signature its own ink (the core refuses strokes it has stored before).
        let sig = |name, role, meaning: &str, content: &str, at: DateTime<Utc>, seed: u64| {
            serde_json::to_value(Signature::synthetic(
                name,
                role,
                meaning,
                content,
                at.fixed_offset(),
                seed,
            ))
            .expect("sig")
        };
        let ink = 2 * id as u64;
        let statement = sign_off_statement(&created.number, b::RESOLUTION_CODES[0], "n");
        let steps: Vec<(u8, serde_json::Value)> = vec![
            (
                1,
                json!({"contact": contact, "authorization": b::AUTHORIZED}),
            ),
            (2, json!({"assets": [asset]})),
            (
                3,
                json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
            ),
            (4, json!({})),
            (5, json!({"problem_statement": "crash test"})),
            (6, json!({"notes": "n"})),
            (7, json!({"notes": "n"})),
            (8, json!({"notes": "n"})),
            (9, json!({"notes": "n"})),
            (10, json!({"decision": b::RESOLVE_TIER1})),
            (
                12,
                json!({"notes": "n", "infrastructure": b::NO_SHARED_INFRA}),
            ),
            (
                13,
                json!({"outcome": b::VERIFIED, "signature": sig("Dana", SignerRole::EndUser, "fix verified", "s", at, ink)}),
            ),
            (14, json!({"notes": "n"})),
            (15, json!({"root_cause": "r", "changes": "c"})),
            (16, json!({"summary": "s"})),
            (18, json!({"rating": 4})),
            (19, json!({"breach_note": "n"})),
            (20, json!({"outcome": b::RUNBOOK_NOTHING_NEW})),
            (
                21,
                json!({"resolution_code": b::RESOLUTION_CODES[0], "closure_notes": "n", "signature": sig(TECH, SignerRole::Technician, "closure sign-off", &statement, at, ink + 1)}),
            ),
        ];
        for (n, v) in steps {
            let v = common::with_nonce(&mut s, id, n, v, at);
            if n == 19 {
                let e = NewTimeEntry {
                    technician: TECH.into(),
                    started_at: at,
                    minutes: 10,
                    billable: true,
                    work_type: "Remote".into(),
                    note: String::new(),
                };
                s.add_time_entry(id, &e, TECH, at).expect("time entry");
            }
            let t = if n == 21 {
                let proof = s.verify_pin(TECH, common::PIN, at).expect("pin");
                s.sign_off(id, vals(v), proof, at)
            } else {
                s.complete_step(id, n, vals(v), TECH, at)
            }
            .expect("step");
            let mut o = out.lock();
            match t.record_hash {
                Some(h) if n == 21 => writeln!(o, "closed {id} {h}"),
                _ => writeln!(o, "ack {id} {n}"),
            }
            .and_then(|_| o.flush())
            .expect("stdout");
        }
    }
}

#[test]
fn writer_process() {
    // Only does something when re-run by `sigkill_never_loses_an_acknowledged_write`.
    if let Some(path) = std::env::var_os("CRASH_WRITER_DB") {
        let contact = std::env::var("CRASH_CONTACT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        let asset = std::env::var("CRASH_ASSET")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1);
        writer(Path::new(&path), contact, asset);
    }
}

enum Ack {
    Step(i64, u8),
    Closed(i64, String),
}

fn parse(line: &str) -> Option<Ack> {
    let mut w = line.split_whitespace();
    match (w.next()?, w.next()?.parse().ok()?, w.next()?) {
        ("ack", id, n) => Some(Ack::Step(id, n.parse().ok()?)),
        ("closed", id, h) => Some(Ack::Closed(id, h.to_string())),
        _ => None,
    }
}

#[test]
fn sigkill_never_loses_an_acknowledged_write() {
    let kills: usize = std::env::var("CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("crash.db");
    let (contact, asset) = setup(&path, common::monday_morning());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut acks: Vec<Ack> = Vec::new();
    let exe = std::env::current_exe().expect("test binary");
    for round in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "writer_process",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CRASH_WRITER_DB", &path)
            .env("CRASH_CONTACT", contact.to_string())
            .env("CRASH_ASSET", asset.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer starts");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(a) = parse(&line) {
                    if tx.send(a).is_err() {
                        break;
                    }
                }
            }
        });
        // Let it get past start-up (first ack), then kill at a random moment.
        if let Ok(first) = rx.recv_timeout(std::time::Duration::from_secs(30)) {
            acks.push(first);
        }
        std::thread::sleep(std::time::Duration::from_millis(rng.random_range(1..400)));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let _ = reader.join();
        acks.extend(rx.try_iter());

        let store = Store::open(&path).expect("reopens after kill");
        assert_eq!(
            store.integrity_check().expect("integrity"),
            "ok",
            "round {round}"
        );
        store
            .verify_audit()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        // Each acknowledged ticket is loaded once and checked against all its acknowledgements.
        let mut by_ticket: BTreeMap<i64, (Vec<u8>, Option<&str>)> = BTreeMap::new();
        for a in &acks {
            match a {
                Ack::Step(id, n) => by_ticket.entry(*id).or_default().0.push(*n),
                Ack::Closed(id, h) => by_ticket.entry(*id).or_default().1 = Some(h),
            }
        }
        for (id, (steps, sealed)) in by_ticket {
            let t = store.ticket(id).expect("acked ticket exists");
            for n in steps {
                assert!(
                    t.steps.iter().any(|r| r.step == n),
                    "round {round}: ticket {id} lost step {n}"
                );
            }
            if let Some(h) = sealed {
                assert_eq!(t.status, TicketStatus::Closed, "round {round}");
                assert_eq!(t.record_hash.as_deref(), Some(h), "round {round}");
            }
        }
        for r in store
            .queue(
                &ticketflow_core::store::QueueQuery {
                    status: Some(TicketStatus::Closed),
                    limit: Some(500),
                    ..Default::default()
                },
                common::monday_morning(),
            )
            .expect("closed")
        {
            let t = store.ticket(r.id).expect("closed ticket");
            assert!(
                t.record_hash.is_some() && t.is_done(21),
                "round {round}: ticket {} half-sealed",
                t.number
            );
        }
    }
    let closed = acks.iter().filter(|a| matches!(a, Ack::Closed(..))).count();
    println!(
        "{kills} kills, {} acknowledged commits, {closed} closures survived",
        acks.len()
    );
    assert!(
        acks.len() > kills,
        "the writer must make progress between kills"
    );
}
