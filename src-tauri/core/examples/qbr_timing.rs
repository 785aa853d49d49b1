//! Times `Store::qbr` on a generated desk: one client's quarter and every client's, with the
//! load (queries and sealed-record parsing) and the figures timed apart. Prints medians.
//!
//! `ticketflow-cli --data-dir DIR demo-data --tickets 20000 --seed 3`, then
//! `cargo run --release -p ticketflow-core --example qbr_timing -- DIR CLIENT FROM TO [RUNS]`.

use std::time::Instant;
use ticketflow_core::store::Store;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        return Err("usage: qbr_timing DATA_DIR CLIENT FROM TO [RUNS]".into());
    }
    let store = Store::open_read_only(
        &std::path::Path::new(&args[1]).join(ticketflow_core::paths::DB_FILE),
    )?;
    let client = store
        .companies()?
        .into_iter()
        .find(|c| c.name == args[2])
        .ok_or("no such client")?;
    let (from, to) = (args[3].parse()?, args[4].parse()?);
    let runs: usize = args.get(5).map(|r| r.parse()).transpose()?.unwrap_or(15);
    let now = chrono::Utc::now();
    for (label, company) in [("one client", Some(client.id)), ("every client", None)] {
        let (mut load, mut figures, mut total) = (vec![], vec![], vec![]);
        let mut tickets = 0;
        for _ in 0..runs {
            let t0 = Instant::now();
            let input = store.qbr_input(company, from, to, now)?;
            let t1 = Instant::now();
            let q = ticketflow_core::qbr::compute(&input);
            let t2 = Instant::now();
            tickets = q.tickets.len();
            load.push((t1 - t0).as_secs_f64() * 1e3);
            figures.push((t2 - t1).as_secs_f64() * 1e3);
            total.push((t2 - t0).as_secs_f64() * 1e3);
        }
        let max = total.iter().cloned().fold(0.0, f64::max);
        println!(
            "{label}: {tickets} tickets, {runs} runs: median {:.1} ms (load {:.1}, figures {:.1}), max {:.1} ms",
            median(total),
            median(load),
            median(figures),
            max
        );
    }
    Ok(())
}
