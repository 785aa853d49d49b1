//! What the window waits for while an import runs (issue 16): a desk with 5,000 companies and
//! 100,000 contacts is imported again (every phone changed: 105,000 updates in one transaction)
//! on a second connection ([`Store::open_another`]), while the first connection reads the queue
//! and the company list over and over, as the window does. Prints the reads' median and worst
//! latency during the import next to the same reads with nothing running (back to back), the
//! import's time (what every read waited before, when the import held the one connection), and
//! what opening the second connection costs next to `Store::open` (which runs quick_check).
//!
//! `cargo run --release -p ticketflow-core --example import_alongside`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;
use ticketflow_core::import;
use ticketflow_core::store::{
    ImportFile, ImportMode, ImportRequest, IncomingRow, QueueQuery, Store,
};
use ticketflow_core::Result;

const COMPANIES: usize = 5_000;
const CONTACTS: usize = 100_000;

fn write_files(dir: &Path, round: u32) -> Vec<PathBuf> {
    let path = |n: &str| dir.join(format!("{n}-{round}.csv"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(path("companies")).unwrap());
    writeln!(w, "external_id,name,tier,time_zone,phone").unwrap();
    for c in 0..COMPANIES {
        writeln!(
            w,
            "C{c},Client {c:05},gold,Europe/Berlin,+1 555 {round}{c:05}"
        )
        .unwrap();
    }
    drop(w);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path("contacts")).unwrap());
    writeln!(w, "external_id,company_external_id,name,email,phone").unwrap();
    for p in 0..CONTACTS {
        let c = p % COMPANIES;
        writeln!(
            w,
            "P{p},C{c},Person {p},person{p}@client{c}.example,+1 556 {round}{p:06}"
        )
        .unwrap();
    }
    drop(w);
    vec![path("companies"), path("contacts")]
}

fn import_files(store: &mut Store, files: &[PathBuf]) -> Result<f64> {
    let started = Instant::now();
    let mut tables = Vec::new();
    let mut listed = Vec::new();
    for f in files {
        for plan in import::inspect(f, Some(import::Source::Csv), None, &[])? {
            tables.push((f.clone(), plan));
        }
        listed.push(ImportFile::read(f)?);
    }
    let mut rows: Vec<Box<dyn Iterator<Item = Result<IncomingRow>>>> = Vec::new();
    for (i, (path, plan)) in tables.iter().enumerate() {
        let read = import::rows(path, plan)?;
        rows.push(Box::new(
            read.map(move |r| Ok(IncomingRow::from_read(i, r))),
        ));
    }
    let req = ImportRequest {
        source: "csv".into(),
        files: listed,
        mode: ImportMode::Both,
        default_tier: ticketflow_core::directory::Tier::Bronze,
        rows_total_estimate: Some((COMPANIES + CONTACTS) as u64),
    };
    let report = store.run_import(
        &req,
        &mut rows.into_iter().flatten(),
        "bench",
        chrono::Utc::now(),
        &mut |_| true,
    )?;
    assert_eq!(report.counts.refused, 0, "{:?}", report.refused.first());
    Ok(started.elapsed().as_secs_f64())
}

/// One window read: the queue's first page and the company list, in milliseconds.
fn read(store: &Store) -> f64 {
    let started = Instant::now();
    store
        .queue(&QueueQuery::default(), chrono::Utc::now())
        .unwrap();
    assert!(store.companies().unwrap().len() >= COMPANIES);
    started.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("ticketflow.db");
    let first = write_files(dir.path(), 1);
    let second = write_files(dir.path(), 2);
    let mut store = Store::open(&db)?;
    let secs = import_files(&mut store, &first)?;
    println!(
        "desk: {COMPANIES} companies, {CONTACTS} contacts imported in {secs:.2} s; load {}",
        load()
    );

    let (mut opens, mut others) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let t = Instant::now();
        drop(Store::open(&db)?);
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        drop(store.open_another()?.expect("a file"));
        others.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "opening (median of 5, back to back): Store::open {:.1} ms, open_another {:.2} ms",
        median(opens),
        median(others)
    );

    let idle: Vec<f64> = (0..50).map(|_| read(&store)).collect();
    let mut other = store.open_another()?.expect("a file");
    let held = store.hold_writes();
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let import = std::thread::spawn(move || {
        let secs = import_files(&mut other, &second);
        finished.store(true, Ordering::SeqCst);
        secs
    });
    let mut during = Vec::new();
    while !done.load(Ordering::SeqCst) {
        during.push(read(&store));
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let import_secs = import.join().expect("the import thread")?;
    drop(held);
    println!(
        "import of {} updates on its own connection: {import_secs:.2} s (before: every window read waited this long)",
        COMPANIES + CONTACTS
    );
    println!(
        "window read (queue page + {COMPANIES} companies): idle median {:.1} ms (worst {:.1}); during the import median {:.1} ms (worst {:.1}) over {} reads",
        median(idle.clone()),
        max(&idle),
        median(during.clone()),
        max(&during),
        during.len()
    );
    println!(
        "load average after: {} (2 cores, shared with other engineers' builds)",
        load()
    );
    Ok(())
}
