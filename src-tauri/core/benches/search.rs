//! Full-text search over 1,000,000 documents (issue "Scale, speed and crash safety"): rare,
//! medium and very common words, prefixes and two-word queries; target p95 ≤ 50 ms each.
//!
//! Data: the database in `TICKETFLOW_SEARCH_BENCH_DATA` (a data directory), by default
//! `target/perf-data/docs-1m`, made with
//! `ticketflow-cli --data-dir target/perf-data/docs-1m demo-data --tickets 1000 --documents 1000000 --seed 1`.
//! Without it that data set is generated first (the same library calls, a few minutes).
//!
//! Criterion reports medians; the target is a tail latency, so each class is also timed 1,000
//! times (cycling through its queries) and its p50/p95/p99 printed ("percentiles:" lines).

mod common;

use common::percentiles;
use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use std::time::Instant;
use ticketflow_core::demo::{document_rare_ref, document_vocabulary, DOC_RARE_REFS};
use ticketflow_core::store::Store;

const DOCUMENTS: usize = 1_000_000;
const TICKETS: usize = 1_000;

fn data_dir() -> PathBuf {
    std::env::var_os("TICKETFLOW_SEARCH_BENCH_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/perf-data/docs-1m")
        })
}

/// The bench database (searches only read, so no private copy is needed).
fn store() -> Store {
    let db = data_dir().join(ticketflow_core::paths::DB_FILE);
    if !db.exists() {
        eprintln!(
            "note: {} not found; generating {DOCUMENTS} documents there first",
            db.display()
        );
        let mut s = Store::open(&db).expect("store");
        ticketflow_core::demo::generate(&mut s, TICKETS, 1, |_, _| {}).expect("demo desk");
        ticketflow_core::demo::generate_documents(
            &mut s,
            DOCUMENTS,
            1,
            ticketflow_core::demo::anchor(),
            |done, total| {
                if done % 100_000 == 0 {
                    eprintln!("  {done}/{total} documents");
                }
            },
        )
        .expect("documents");
    }
    Store::open(&db).expect("bench db opens")
}

/// The query classes, each a list of queries cycled through.
fn classes() -> Vec<(&'static str, Vec<String>)> {
    let words = document_vocabulary();
    // About five documents per million each.
    let rare = (0..200)
        .map(|i| document_rare_ref(i * 7919 % DOC_RARE_REFS))
        .collect();
    // Zipf ranks 300–500: each word in roughly 1–1.6% of the documents.
    let medium = words[300..500].to_vec();
    // Ranks 1–10: each word in 40–99% of the documents.
    let common = words[..10].to_vec();
    // Two to seven characters: prefix indexes cover up to five, longer ones merge term lists.
    let prefix = [
        "pr*", "ne*", "acc*", "upd*", "ser*", "pass*", "outl*", "print*", "kb01*", "kb1234*",
        "ka*", "kalo*", "zuzu*", "sync*", "printe*", "kalomi*", "passwo*", "kb01234*",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let two_words = (0..50)
        .map(|i| match i % 3 {
            0 => format!("{} {}", words[i % 10], words[300 + i]),
            1 => format!("{} {}", words[i % 10], words[(i + 1) % 10]),
            _ => format!(
                "{} {}",
                words[i % 10],
                document_rare_ref(i as u32 * 104_729)
            ),
        })
        .collect();
    vec![
        ("rare word", rare),
        ("medium word", medium),
        ("very common word", common),
        ("prefix", prefix),
        ("two words", two_words),
    ]
}

fn search(c: &mut Criterion) {
    let store = store();
    println!(
        "bench documents: {} ({} tickets)",
        store.document_count().unwrap_or(0),
        store.ticket_count().unwrap_or(0)
    );
    for (name, queries) in classes() {
        // What a class returns, for the record (and to be sure it finds something).
        let sample: Vec<String> = queries
            .iter()
            .take(3)
            .map(|q| {
                let hits = store.search_documents(q, 20).expect("search");
                format!("{q:?}: {} hits", hits.len())
            })
            .collect();
        println!("class {name}: {}", sample.join(", "));
        // The slowest queries of the class (one warm run each), to see what drives its tail.
        let mut each: Vec<(f64, &str)> = queries
            .iter()
            .map(|q| {
                let t = Instant::now();
                store.search_documents(q, 20).expect("search");
                (t.elapsed().as_secs_f64() * 1e3, q.as_str())
            })
            .collect();
        each.sort_by(|a, b| b.0.total_cmp(&a.0));
        let slowest: Vec<String> = each
            .iter()
            .take(3)
            .map(|(ms, q)| format!("{q:?} {ms:.2} ms"))
            .collect();
        println!("class {name}: slowest {}", slowest.join(", "));
        let mut i = 0;
        let mut next = || {
            i = (i + 1) % queries.len();
            queries[i].as_str()
        };
        percentiles(&format!("search, {name} (20 hits)"), || {
            store.search_documents(next(), 20).expect("search");
        });
        c.bench_function(&format!("search 1M documents: {name}"), |b| {
            b.iter(|| store.search_documents(next(), 20).expect("search"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(5));
    targets = search
}
criterion_main!(benches);
