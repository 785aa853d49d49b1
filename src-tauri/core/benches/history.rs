//! What keyed checkpoints cost at desk scale (issue 13): signing one, and verifying the whole
//! history with one checkpoint per closed ticket.
//!
//! Data: the data directory in `TICKETFLOW_BENCH_DATA` (as the store benchmarks; a copy is made,
//! and an older desk migrates on the copy). Run with
//! `TICKETFLOW_BENCH_DATA=DIR cargo bench -p ticketflow-core --bench history`.
//! Without it a 2,000-ticket desk is generated so the benchmark still runs (and says so).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use ticketflow_core::checkpoint::CheckpointReason;
use ticketflow_core::signing::Identity;
use ticketflow_core::store::Store;

fn median(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.95))
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("bench.db");
    match std::env::var_os("TICKETFLOW_BENCH_DATA").map(PathBuf::from) {
        Some(source) => {
            let t = Instant::now();
            std::fs::copy(source.join(ticketflow_core::paths::DB_FILE), &db).expect("copy");
            let _ = Store::open(&db).expect("the bench desk opens (and migrates)");
            println!("copied and opened in {:.1} s", t.elapsed().as_secs_f64());
        }
        None => {
            eprintln!("note: TICKETFLOW_BENCH_DATA not set; a generated 2,000-ticket desk");
            let mut s = Store::open(&db).expect("store");
            ticketflow_core::demo::generate(&mut s, 2_000, 1, |_, _| {}).expect("demo data");
        }
    }
    let mut store = Store::open(&db).expect("bench db opens");
    // TICKETFLOW_BENCH_KEYCHAIN=1: the identity in the platform keychain, as the app has it, so
    // each checkpoint also leaves its mark there (run inside `keyctl session -` with
    // TICKETFLOW_KEYSTORE=keyutils on a headless machine).
    let identity = Arc::new(if std::env::var_os("TICKETFLOW_BENCH_KEYCHAIN").is_some() {
        let secrets = ticketflow_core::secrets::SecretStore::platform().expect("keychain");
        println!("identity in the {} keychain", secrets.kind());
        Identity::load_or_create(dir.path(), &secrets, "Bench", chrono::Utc::now())
            .expect("identity")
    } else {
        Identity::ephemeral("Bench", chrono::Utc::now()).expect("identity")
    });
    let status = store.checkpoint_status().expect("status");
    println!(
        "desk: {} tickets, {} events, {} checkpoints",
        store.ticket_count().unwrap_or(0),
        status.events,
        status.checkpoints
    );

    // The cost of one checkpoint: an event, then the signed head over it.
    let now = chrono::Utc::now();
    let mut samples = Vec::new();
    for i in 0..101 {
        store
            .set_report_appendix(i % 2 == 0, "bench", now)
            .expect("an event");
        let t = Instant::now();
        let taken = store
            .checkpoint(&identity, CheckpointReason::Interval, now)
            .expect("checkpoint");
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(taken.is_some());
    }
    let (p50, p95) = median(samples);
    println!("checkpoint: median {p50:.3} ms, p95 {p95:.3} ms (101 checkpoints)");

    let certificates = identity.certificates.clone();
    let t = Instant::now();
    let before = store
        .verify_audit_with(Some(&certificates))
        .expect("the history verifies");
    println!(
        "verify-audit with {} checkpoints: {} events in {:.0} ms",
        before.checkpoints,
        before.events,
        t.elapsed().as_secs_f64() * 1e3
    );

    // One checkpoint per closed ticket, as a desk that sealed them all in the app would have.
    let closed = before.sealed_tickets as usize;
    let t = Instant::now();
    for i in 0..closed {
        store
            .set_report_appendix(i % 2 == 0, "bench", now)
            .expect("an event");
        store
            .checkpoint(&identity, CheckpointReason::Seal, now)
            .expect("checkpoint");
    }
    println!(
        "added {closed} checkpoints (one per closed ticket) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    const RUNS: usize = 3;
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let t = Instant::now();
        let report = store
            .verify_audit_with(Some(&certificates))
            .expect("the history verifies");
        runs.push(t.elapsed().as_secs_f64() * 1e3);
        println!(
            "verify-audit: {} events, {} checkpoints, {} sealed tickets in {:.0} ms",
            report.events,
            report.checkpoints,
            report.sealed_tickets,
            runs.last().copied().unwrap_or(0.0)
        );
    }
    let (p50, _) = median(runs);
    println!("verify-audit: median {p50:.0} ms of {RUNS} runs");
}
