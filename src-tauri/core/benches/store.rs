//! Store benchmarks at desk scale (issue "Scale, speed and crash safety").
//!
//! Data: the database in `TICKETFLOW_BENCH_DATA` (a data directory), by default
//! `target/perf-data/bench-100k`, made with
//! `ticketflow-cli --data-dir target/perf-data/bench-100k demo-data --tickets 100000 --seed 1
//! --anchor 2026-11-27T12:00:00Z` (the benchmarks' "now": without `--anchor` the demo is dated
//! from the real time, and its live tickets would lie in the benchmarks' future).
//! Without it a 2,000-ticket desk is generated so the benchmarks still run (and say so).
//!
//! Criterion reports medians; the targets are tail latencies, so each scenario is also timed
//! 1,000 times and its p50/p95/p99 printed ("percentiles:" lines).

use chrono::{DateTime, Duration, Utc};
mod common;

use common::percentiles;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use ticketflow_core::signature::Signature;
use ticketflow_core::store::{QueueQuery, QueueSort, Store};
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::ticket::{TicketStatus, Values};

fn data_dir() -> PathBuf {
    std::env::var_os("TICKETFLOW_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/perf-data/bench-100k")
        })
}

/// A private copy of the bench database (benchmarks write to it).
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    let source = data_dir().join(ticketflow_core::paths::DB_FILE);
    if source.exists() {
        Store::open(&source)
            .expect("bench db opens")
            .backup(&db)
            .expect("copy bench db");
    } else {
        eprintln!(
            "note: {} not found; benchmarking a generated 2,000-ticket desk",
            source.display()
        );
        let mut s = Store::open(&db).expect("store");
        ticketflow_core::demo::generate(&mut s, 2_000, 1, |_, _| {}).expect("demo data");
    }
    let store = Store::open(&db).expect("bench db opens");
    println!("bench desk: {} tickets", store.ticket_count().unwrap_or(0));
    (dir, store)
}

fn now() -> DateTime<Utc> {
    ticketflow_core::demo::anchor()
}

fn values(v: serde_json::Value) -> Values {
    serde_json::from_value(v).expect("object")
}

fn open_ticket(c: &mut Criterion) {
    let (_dir, store) = store();
    let ids: Vec<i64> = store
        .queue(
            &QueueQuery {
                status: Some(TicketStatus::Closed),
                limit: Some(500),
                ..Default::default()
            },
            now(),
        )
        .expect("queue")
        .iter()
        .map(|r| r.id)
        .collect();
    let mut i = 0;
    let mut next = || {
        i = (i + 1) % ids.len();
        ids[i]
    };
    percentiles("open a ticket (ticket view)", || {
        store.ticket_view(next(), now()).expect("view");
    });
    c.bench_function(
        "open a ticket (ticket view: steps, fields, 50 audit events)",
        |b| b.iter(|| store.ticket_view(next(), now()).expect("view")),
    );
}

fn queue_page(c: &mut Criterion) {
    let (_dir, store) = store();
    let open = QueueQuery {
        status: Some(TicketStatus::Open),
        limit: Some(50),
        ..Default::default()
    };
    let p2 = QueueQuery {
        priority: Some(ticketflow_core::priority::Priority::P2),
        limit: Some(50),
        offset: Some(1000),
        ..Default::default()
    };
    // What the window asks for at launch: every ticket not closed, and how many there are.
    let active = QueueQuery {
        limit: Some(50),
        ..Default::default()
    };
    percentiles(
        "queue page (every active ticket, default: priority then SLA due)",
        || {
            store.queue(&active, now()).expect("queue");
        },
    );
    percentiles("queue count (every active ticket)", || {
        store.queue_count(&active, now()).expect("count");
    });
    percentiles("queue page (open, by SLA due)", || {
        store.queue(&open, now()).expect("queue");
    });
    percentiles("queue page (P2, offset 1000)", || {
        store.queue(&p2, now()).expect("queue");
    });
    // Each sortable column, on the whole active queue (the window's view with no filter). "by SLA
    // due" is the order that was the default before the priority-first one, with the same SQL.
    let sorted = |sort, descending| QueueQuery {
        sort: Some(sort),
        descending: Some(descending),
        limit: Some(50),
        ..Default::default()
    };
    let sorts = [
        (
            "by SLA due (the old default)",
            sorted(QueueSort::SlaDue, false),
        ),
        ("by priority, descending", sorted(QueueSort::Priority, true)),
        ("by client", sorted(QueueSort::Client, false)),
        ("by status", sorted(QueueSort::Status, false)),
        ("by age", sorted(QueueSort::Age, false)),
        (
            "by ticket number, descending",
            sorted(QueueSort::Number, true),
        ),
    ];
    for (name, query) in &sorts {
        percentiles(&format!("queue page (every active ticket, {name})"), || {
            store.queue(query, now()).expect("queue");
        });
    }
    c.bench_function(
        "queue page: 50 active tickets, default order (priority, then SLA due)",
        |b| b.iter(|| store.queue(&active, now()).expect("queue")),
    );
    for (name, query) in &sorts {
        c.bench_function(&format!("queue page: 50 active tickets {name}"), |b| {
            b.iter(|| store.queue(query, now()).expect("queue"))
        });
    }
    c.bench_function("queue count: every active ticket", |b| {
        b.iter(|| store.queue_count(&active, now()).expect("count"))
    });
    c.bench_function("queue page: 50 open tickets by SLA due", |b| {
        b.iter(|| store.queue(&open, now()).expect("queue"))
    });
    c.bench_function("queue page: 50 P2 tickets at offset 1000", |b| {
        b.iter(|| store.queue(&p2, now()).expect("queue"))
    });
}

/// A ticket brought to "fix applied", ready for the durable step-13 verification.
fn fixed_ticket(store: &mut Store, at: DateTime<Utc>) -> i64 {
    let t = "Bench Tech";
    let company = store.companies().expect("companies")[0].clone();
    let contact = store
        .contacts_of(company.id)
        .expect("contacts")
        .into_iter()
        .find(|c| c.refusal(at.date_naive()).is_none())
        .expect("an authorized contact");
    let asset = store.assets_of(company.id).expect("assets")[0].id;
    let id = store.create_ticket(t, at).expect("ticket").id;
    let mut step = |n: u8, v: serde_json::Value| {
        store.complete_step(id, n, values(v), t, at).expect("step");
    };
    step(
        1,
        json!({"contact": contact.id, "authorization": b::AUTHORIZED}),
    );
    step(2, json!({"assets": [asset]}));
    step(
        3,
        json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
    );
    step(4, json!({}));
    step(5, json!({"problem_statement": "bench"}));
    for n in 6..=9 {
        step(n, json!({"notes": "n"}));
    }
    step(10, json!({"decision": b::RESOLVE_TIER1}));
    step(
        12,
        json!({"notes": "n", "infrastructure": b::NO_SHARED_INFRA}),
    );
    id
}

fn complete_step_durably(c: &mut Criterion) {
    let (_dir, mut store) = store();
    let at = now();
    // Each signature has its own nonce and its own ink (the core refuses a replay), made before
    // the clock starts.
    let verify = |store: &mut Store, id: i64| {
        let content = "We fixed your sign-in.";
        let nonce = store
            .issue_signing_nonce(id, 13, SignerRole::EndUser, content, at)
            .expect("nonce");
        let mut sig = Signature::synthetic(
            "Dana",
            SignerRole::EndUser,
            "fix verified",
            content,
            at.fixed_offset(),
            // Far from the demo desk's own seeds (two per ticket).
            (1 << 40) + id as u64,
        );
        sig.nonce = nonce.nonce;
        values(json!({"outcome": b::VERIFIED, "signature": sig}))
    };
    let ready: Vec<(i64, _)> = (0..1000)
        .map(|_| {
            let id = fixed_ticket(&mut store, at);
            (id, verify(&mut store, id))
        })
        .collect();
    let mut it = ready.into_iter();
    percentiles(
        "complete a step durably (signature, synchronous=FULL)",
        || {
            let (id, v) = it.next().expect("prepared ticket");
            store
                .complete_step(id, 13, v, "Bench Tech", at + Duration::minutes(5))
                .expect("verify");
        },
    );
    c.bench_function(
        "complete a step durably (signature, synchronous=FULL)",
        |b| {
            b.iter_custom(|iters| {
                let ready: Vec<(i64, _)> = (0..iters)
                    .map(|_| {
                        let id = fixed_ticket(&mut store, at);
                        (id, verify(&mut store, id))
                    })
                    .collect();
                let started = Instant::now();
                for (id, v) in ready {
                    store
                        .complete_step(id, 13, v, "Bench Tech", at + Duration::minutes(5))
                        .expect("verify");
                }
                started.elapsed()
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(5));
    targets = open_ticket, queue_page, complete_step_durably
}
criterion_main!(benches);
