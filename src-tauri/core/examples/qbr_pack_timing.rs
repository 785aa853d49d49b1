//! Times the QBR pack on a generated desk: how long a batch takes to choose its clients (checked
//! against the clients every client's figures name, which it used to compute first), one
//! client's pack for a period computed, signed and written (median of runs, with the figures and
//! the PDF timed apart), then every client's pack for the period as a batch on one thread and on
//! every core, back to back.
//!
//! The desk is read from `$TICKETFLOW_BENCH_DATA` (a data directory; the run takes one checkpoint
//! in it if its newest events are unsigned, so use a copy):
//! `TICKETFLOW_BENCH_DATA=DIR cargo run --release -p ticketflow-core --example qbr_pack_timing --
//! FROM TO [CLIENT] [RUNS]`. Without CLIENT, the client with the most tickets in the period.

use std::collections::HashMap;
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use ticketflow_core::qbr::pdf::{export_qbr_batch, render_qbr_signed};
use ticketflow_core::report::{self, BatchControl};
use ticketflow_core::signing::Identity;
use ticketflow_core::store::Store;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::var("TICKETFLOW_BENCH_DATA")
        .map_err(|_| "set TICKETFLOW_BENCH_DATA to a copy of a generated desk's data directory")?;
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        return Err("usage: qbr_pack_timing FROM TO [CLIENT] [RUNS]".into());
    }
    let (from, to) = (args[1].parse()?, args[2].parse()?);
    let runs: usize = args.get(4).map(|r| r.parse()).transpose()?.unwrap_or(7);
    let db = std::path::Path::new(&data).join(ticketflow_core::paths::DB_FILE);
    let t = Instant::now();
    let mut store = Store::open(&db)?;
    println!("open (and migrate if needed): {:.0} ms", ms(t));
    let now = chrono::Utc::now();
    let identity = Identity::ephemeral("Bench MSP", now)?;

    // The batch's clients, chosen from the tickets' times (5 runs), then as every client's
    // figures name them (the rule itself, which a batch used to compute first): same clients.
    let mut found = Vec::new();
    let mut clients = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        clients = store.qbr_clients(from, to, now)?;
        found.push(ms(t));
    }
    let found_max = found.iter().cloned().fold(0.0, f64::max);
    println!(
        "clients with tickets in {from}..{to}: {} (found in median {:.0} ms, max {:.0} ms, 5 runs)",
        clients.len(),
        median(found),
        found_max
    );
    let t = Instant::now();
    let all = store.qbr(None, from, to, now)?;
    let every = ms(t);
    let mut named: Vec<&str> = all.tickets.iter().map(|t| t.client.as_str()).collect();
    named.sort_unstable();
    named.dedup();
    let mut picked: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    picked.sort_unstable();
    picked.dedup();
    println!(
        "every client's figures computed to name them: {every:.0} ms; the same clients: {}",
        named == picked
    );
    if named != picked {
        return Err("the batch's clients differ from those every client's figures name".into());
    }
    let client = match args.get(3).filter(|c| !c.is_empty()) {
        Some(name) => clients
            .iter()
            .find(|c| &c.name == name)
            .ok_or("no such client with tickets in the period")?
            .clone(),
        None => {
            let mut per: HashMap<&str, usize> = HashMap::new();
            for t in &all.tickets {
                *per.entry(t.client.as_str()).or_default() += 1;
            }
            clients
                .iter()
                .max_by_key(|c| per.get(c.name.as_str()).copied().unwrap_or(0))
                .ok_or("no client has tickets in the period")?
                .clone()
        }
    };
    // A checkpoint covering the head, once: every pack after this one reuses it.
    let t = Instant::now();
    let anchor = store.checkpointed_history(&identity, now)?;
    println!("checkpoint covering the history: {:.0} ms", ms(t));

    let out = tempfile::tempdir()?;
    let (mut figures, mut pdf_ms, mut total) = (vec![], vec![], vec![]);
    let (mut bytes, mut tickets, mut pages) = (0, 0, 0);
    for _ in 0..runs {
        let t0 = Instant::now();
        let mut input = store.qbr_pack_input(Some(client.id), from, to, now)?;
        input.anchor = anchor.clone();
        let t1 = Instant::now();
        let pdf = render_qbr_signed(&input, &identity, now)?;
        report::write_file(&out.path().join("pack.pdf"), &pdf)?;
        figures.push((t1 - t0).as_secs_f64() * 1e3);
        pdf_ms.push(ms(t1));
        total.push(ms(t0));
        bytes = pdf.len();
        tickets = input.qbr.tickets.len();
        pages = page_count(&pdf);
    }
    let max = total.iter().cloned().fold(0.0, f64::max);
    println!(
        "one pack ({}, {tickets} tickets, {pages} pages, {bytes} bytes), {runs} runs: median {:.0} ms \
         (figures of the period and the one before {:.0} ms, PDF laid out, signed and written {:.0} ms), max {:.0} ms",
        client.name,
        median(total),
        median(figures),
        median(pdf_ms),
        max
    );
    drop(store);

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let never = AtomicBool::new(false);
    let quiet = |_: &report::BatchProgress| {};
    let control = BatchControl {
        cancel: &never,
        progress: &quiet,
    };
    for threads in [1, cores] {
        let dir = out.path().join(format!("batch-{threads}"));
        let t = Instant::now();
        let s = export_qbr_batch(
            &db, &clients, from, to, &dir, &identity, now, threads, &control,
        )?;
        let elapsed = ms(t);
        println!(
            "every client's pack on {threads} thread(s): {} packs ({} failed, {} bytes) in {:.0} ms, {:.0} ms per pack",
            s.exported,
            s.failed.len(),
            s.bytes,
            elapsed,
            elapsed / s.exported.max(1) as f64
        );
    }
    Ok(())
}

/// Pages of a PDF, counted from its page objects (`/Type /Page` not followed by `s`).
fn page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type/Page";
    let spaced = b"/Type /Page";
    let count = |n: &[u8]| {
        pdf.windows(n.len() + 1)
            .filter(|w| &w[..n.len()] == n && w[n.len()] != b's')
            .count()
    };
    count(needle) + count(spaced)
}
