//! How fast the import reads, and that its memory does not grow with the file (issue 16).
//!
//! `cargo run --release -p ticketflow-core --example import_read_bench`
//!
//! For 30,000 and 300,000 rows of an Autotask-style contacts CSV (UTF-8 BOM, CRLF, quoted commas,
//! umlauts, an inactive contact every 7th row, a termination date every 11th), each size in its
//! own child process so that its peak RSS (VmHWM) is its own: the median of 5 runs of
//! `inspect` + `preview(20)` (target: at most 2 s at 300,000 rows), the median of 5 full `rows`
//! passes (rows/s), and VmHWM after generating the file and after the runs. The machine's load
//! average is printed with each size: the machine is shared, figures move with the load.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use ticketflow_core::import::{inspect, preview, rows};

const RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(rows) = args.get(1).and_then(|a| a.parse::<usize>().ok()) {
        return child(rows);
    }
    let exe = std::env::current_exe()?;
    for rows in [30_000usize, 300_000] {
        let out = std::process::Command::new(&exe)
            .arg(rows.to_string())
            .output()?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            return Err(format!("the {rows}-row run failed").into());
        }
    }
    Ok(())
}

fn child(n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("contacts.csv");
    generate(&path, n, true)?;
    // Without a BOM, inspect reads the whole file once to tell UTF-8 from Windows-1252.
    let plain = dir.path().join("contacts-no-bom.csv");
    generate(&plain, n, false)?;
    let size = std::fs::metadata(&path)?.len();
    let hwm_generated = vm_hwm_kib();
    let load_before = load_average();

    let mut previews = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let plans = inspect(&path, None, None, &[])?;
        let shown = preview(&path, &plans[0], 20)?;
        previews.push(start.elapsed());
        assert_eq!(shown.len(), 20);
    }
    let mut plain_previews = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let plans = inspect(&plain, None, None, &[])?;
        preview(&plain, &plans[0], 20)?;
        plain_previews.push(start.elapsed());
    }
    let plan = inspect(&path, None, None, &[])?.remove(0);
    let mut passes = Vec::new();
    let mut problems = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut count = 0usize;
        problems = 0;
        for row in rows(&path, &plan)? {
            count += 1;
            problems += usize::from(row.record.is_err());
        }
        passes.push(start.elapsed());
        assert_eq!(count, n);
    }
    let hwm_end = vm_hwm_kib();
    let preview_median = median(&mut previews);
    let pass_median = median(&mut passes);
    println!(
        "{n} rows ({:.1} MB, {:?} {:?}): inspect+preview median {:.2} ms (runs {:?} µs), {:.1} ms without a BOM; full rows pass median {:.0} ms = {:.0} rows/s ({} row problems); VmHWM {} KiB after generating, {} KiB after the runs; load average {} -> {}",
        size as f64 / 1e6,
        plan.source,
        plan.kind,
        preview_median.as_secs_f64() * 1e3,
        previews.iter().map(|d| d.as_micros()).collect::<Vec<_>>(),
        median(&mut plain_previews).as_secs_f64() * 1e3,
        pass_median.as_secs_f64() * 1e3,
        n as f64 / pass_median.as_secs_f64(),
        problems,
        hwm_generated,
        hwm_end,
        load_before,
        load_average(),
    );
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn generate(path: &Path, n: usize, bom: bool) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    if bom {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    out.write_all(b"Contact ID,First Name,Last Name,Organization ID,Organization Name,Email Address,Phone,Address 1,Active,Termination Date\r\n")?;
    for i in 0..n {
        let active = if i % 7 == 3 { "False" } else { "True" };
        let terminated = if i % 11 == 5 { "03/15/2026" } else { "" };
        write!(
            out,
            "{id},Jürgen{i},Müller,AT-{org},\"Kunde {org}, GmbH\",j{i}@kunde{org}.example,+49 30 {i:07},\"Hauptstraße {i}\r\nHof 2\",{active},{terminated}\r\n",
            id = 100_000 + i,
            org = i % 500,
        )?;
    }
    out.flush()
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}
