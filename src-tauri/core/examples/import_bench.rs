//! Import benchmark (issue 16): 5,000 companies, 100,000 contacts and 200,000 assets as CSV files,
//! read by the import's read side and written as one batch into an empty desk, then imported
//! again with changed phone numbers and serials (updates into a full desk). Prints rows/s, the
//! whole import's time (target: at most 30 s) and the process's peak memory (VmHWM), with the
//! load average, since the machine is shared.
//!
//! `cargo run --release -p ticketflow-core --example import_bench [-- RUNS]` (default 3 runs;
//! medians reported).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use ticketflow_core::import;
use ticketflow_core::store::{ImportFile, ImportMode, ImportRequest, IncomingRow, Store};
use ticketflow_core::Result;

const COMPANIES: usize = 5_000;
const CONTACTS: usize = 100_000;
const ASSETS: usize = 200_000;

fn write_files(dir: &Path, round: u32) -> Vec<PathBuf> {
    let path = |n: &str| dir.join(format!("{n}-{round}.csv"));
    let mut w = std::io::BufWriter::new(std::fs::File::create(path("companies")).unwrap());
    writeln!(w, "external_id,name,tier,time_zone").unwrap();
    let tiers = ["platinum", "gold", "silver", "bronze"];
    let zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"];
    for c in 0..COMPANIES {
        writeln!(w, "C{c},Client {c:05},{},{}", tiers[c % 4], zones[c % 4]).unwrap();
    }
    drop(w);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path("contacts")).unwrap());
    writeln!(
        w,
        "external_id,company_external_id,name,email,phone,upn,authorized"
    )
    .unwrap();
    for p in 0..CONTACTS {
        let c = p % COMPANIES;
        writeln!(
            w,
            "P{p},C{c},Person {p},person{p}@client{c}.example,+1 555 {:04},person{p}@client{c}.example,{}",
            (p + round as usize) % 10_000,
            if p % 10 == 0 { "no" } else { "yes" }
        )
        .unwrap();
    }
    drop(w);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path("assets")).unwrap());
    writeln!(
        w,
        "external_id,company_external_id,hostname,asset_kind,serial,rmm_id"
    )
    .unwrap();
    for a in 0..ASSETS {
        let c = a % COMPANIES;
        writeln!(
            w,
            "D{a},C{c},HOST-{a:06},{},SN{a}-{round},R{a}",
            if a % 5 == 0 { "server" } else { "workstation" }
        )
        .unwrap();
    }
    drop(w);
    vec![path("companies"), path("contacts"), path("assets")]
}

/// The whole import as the CLI runs it: inspect, stream the rows, one batch.
fn import_files(store: &mut Store, files: &[PathBuf]) -> Result<(u64, f64, String)> {
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
        rows_total_estimate: Some((COMPANIES + CONTACTS + ASSETS) as u64),
    };
    let report = store.run_import(
        &req,
        &mut rows.into_iter().flatten(),
        "bench",
        chrono::Utc::now(),
        &mut |_| true,
    )?;
    let rows = report.counts.created
        + report.counts.updated
        + report.counts.skipped
        + report.counts.refused;
    assert_eq!(report.counts.refused, 0, "{:?}", report.refused.first());
    let c = report.counts;
    let did = format!(
        "{} created, {} updated, {} unchanged",
        c.created, c.updated, c.skipped
    );
    Ok((rows, started.elapsed().as_secs_f64(), did))
}

fn status(field: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .map(|l| l.trim_start_matches(field).trim().to_string())
        .unwrap_or_else(|| "?".into())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let dir = tempfile::tempdir()?;
    let first = write_files(dir.path(), 1);
    let second = write_files(dir.path(), 2);
    let bytes: u64 = first
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "{COMPANIES} companies, {CONTACTS} contacts, {ASSETS} assets ({:.1} MB of CSV); {runs} runs; load average before: {}",
        bytes as f64 / 1e6,
        load()
    );
    let (mut empty, mut full) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let db = dir.path().join(format!("run{run}/ticketflow.db"));
        let mut store = Store::open(&db)?;
        let (rows, secs, did) = import_files(&mut store, &first)?;
        println!(
            "run {run}: empty desk  {rows} rows ({did}) in {secs:.2} s = {:.0} rows/s (load {})",
            rows as f64 / secs,
            load()
        );
        empty.push(secs);
        let (rows, secs, did) = import_files(&mut store, &second)?;
        println!(
            "run {run}: full desk   {rows} rows ({did}) in {secs:.2} s = {:.0} rows/s (load {})",
            rows as f64 / secs,
            load()
        );
        full.push(secs);
        drop(store);
        let _ = std::fs::remove_dir_all(db.parent().unwrap_or(dir.path()));
    }
    let rows = (COMPANIES + CONTACTS + ASSETS) as f64;
    let (e, f) = (median(empty), median(full));
    println!(
        "median: empty desk {e:.2} s ({:.0} rows/s), full desk {f:.2} s ({:.0} rows/s); target <= 30 s: {}",
        rows / e,
        rows / f,
        if e.max(f) <= 30.0 { "met" } else { "NOT met" }
    );
    println!(
        "peak RSS (VmHWM) {}; load average after: {} (2 cores, shared with other engineers' builds)",
        status("VmHWM:"),
        load()
    );
    Ok(())
}
