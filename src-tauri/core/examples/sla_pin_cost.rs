//! What reading each ticket's pinned SLA terms costs a queue page (issue 15, Settings › SLA
//! targets). Two copies of one generated desk: as the app keeps it (every opened ticket pinned)
//! and with the pins of its tickets not closed removed, where each row falls back to the desk's terms now (the path every
//! row took before pinning, plus one missed lookup). Pages of 50 rows are timed back to back,
//! alternating the copies, and the medians and their ratio printed. The sort itself reads the
//! stored deadline (`sla_due_at`) and its indexes, which pinning does not change.
//!
//! `cargo run --release -p ticketflow-core --example sla_pin_cost -- [TICKETS] [RUNS]`

use std::time::Instant;
use ticketflow_core::store::{QueueQuery, QueueSort, Store};

fn median_ms(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let tickets: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(3_000);
    let runs: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(400);

    let dir = tempfile::tempdir()?;
    let pinned_path = dir.path().join("pinned.db");
    let bare_path = dir.path().join("bare.db");
    {
        let mut store = Store::open(&pinned_path)?;
        let t = Instant::now();
        ticketflow_core::demo::generate(&mut store, tickets, 1, |_, _| {})?;
        println!(
            "generated {tickets} tickets in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        store.backup(&bare_path)?;
    }
    {
        let raw = rusqlite::Connection::open(&bare_path)?;
        // The queue shows tickets not closed; a closed ticket's pin is sealed with it.
        let removed = raw.execute(
            "DELETE FROM ticket_sla WHERE ticket_id IN (SELECT id FROM tickets WHERE status <> 'closed')",
            [],
        )?;
        println!("pins removed from the unpinned copy: {removed}");
    }
    let pinned = Store::open(&pinned_path)?;
    let bare = Store::open(&bare_path)?;
    let now = ticketflow_core::demo::anchor();

    let queries = [
        ("default order", QueueQuery::default()),
        (
            "by SLA due",
            QueueQuery {
                sort: Some(QueueSort::SlaDue),
                ..QueueQuery::default()
            },
        ),
    ];
    for (name, q) in &queries {
        assert_eq!(
            pinned.queue(q, now)?,
            bare.queue(q, now)?,
            "same rows either way"
        );
        let (mut a, mut b) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        for _ in 0..runs {
            let t = Instant::now();
            pinned.queue(q, now)?;
            a.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            bare.queue(q, now)?;
            b.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (a, b) = (median_ms(a), median_ms(b));
        println!(
            "queue page, 50 rows, {name}: pinned {a:.3} ms, unpinned {b:.3} ms (median of {runs}), ratio {:.2}",
            a / b
        );
    }
    Ok(())
}
