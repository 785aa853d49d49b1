//! How fast the import reads, and that its memory does not grow with the file (issue 16).
//!
//! `cargo run --release -p ticketflow-core --example import_read_bench [-- csv|xlsx]` (both
//! when not given)
//!
//! CSV: for 30,000 and 300,000 rows of an Autotask-style contacts CSV (UTF-8 BOM, CRLF, quoted
//! commas, umlauts, an inactive contact every 7th row, a termination date every 11th), each size
//! in its own child process so that its peak RSS (VmHWM) is its own: the median of 5 runs of
//! `inspect` + `preview(20)` (target: at most 2 s at 300,000 rows), the median of 5 full `rows`
//! passes (rows/s), and VmHWM after generating the file and after the runs.
//!
//! XLSX: the same sizes as a HaloPSA-style users workbook (numeric ids, a boolean Inactive
//! column, real date cells, every name, address and e-mail unique, so that the shared-string
//! table grows with the file as in a real export), written by rust_xlsxwriter in its low-memory
//! mode (shared strings, as Excel writes them) by one child process and read by another, so that
//! the reader's VmHWM is the reader's alone. Time to the first preview is `inspect` + `preview`,
//! reported with `inspect` alone; the memory figure answers whether the reader grows with the
//! file (calamine holds the whole shared-string table).
//!
//! The machine's load average is printed with each size: the machine is shared, figures move
//! with the load.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};
use ticketflow_core::import::{inspect, preview, rows};

const RUNS: usize = 5;
const SIZES: [usize; 2] = [30_000, 300_000];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match (arg(0), arg(1), arg(2)) {
        (Some("child-csv"), Some(n), _) => return child(n.parse()?),
        (Some("gen-xlsx"), Some(n), Some(path)) => {
            return generate_xlsx(Path::new(path), n.parse()?)
        }
        (Some("child-xlsx"), Some(n), Some(path)) => {
            return child_xlsx(Path::new(path), n.parse()?)
        }
        _ => {}
    }
    let formats: Vec<&str> = match arg(0) {
        Some(f @ ("csv" | "xlsx")) => vec![f],
        None => vec!["csv", "xlsx"],
        Some(other) => return Err(format!("unknown format {other:?}: csv or xlsx").into()),
    };
    let exe = std::env::current_exe()?;
    let dir = tempfile::tempdir()?;
    for format in formats {
        for n in SIZES {
            let runs: Vec<Vec<String>> = if format == "csv" {
                vec![vec!["child-csv".into(), n.to_string()]]
            } else {
                let path = dir.path().join(format!("users-{n}.xlsx"));
                let path = path.to_string_lossy().into_owned();
                vec![
                    vec!["gen-xlsx".into(), n.to_string(), path.clone()],
                    vec!["child-xlsx".into(), n.to_string(), path],
                ]
            };
            for run in runs {
                let out = std::process::Command::new(&exe).args(&run).output()?;
                print!("{}", String::from_utf8_lossy(&out.stdout));
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
                if !out.status.success() {
                    return Err(format!("{run:?} failed").into());
                }
            }
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

const XLSX_HEADERS: [&str; 9] = [
    "ID",
    "Name",
    "Client Name",
    "Site Name",
    "Email Address",
    "Network Login",
    "Job Title",
    "Inactive",
    "Leaver Date",
];

/// A HaloPSA-style users export of `n` rows (see the header comment).
fn generate_xlsx(path: &Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let start = Instant::now();
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let leaver = ExcelDateTime::from_ymd(2026, 3, 15)?;
    let sheet = book.add_worksheet_with_low_memory()?;
    sheet.set_name("Users")?;
    for (c, h) in XLSX_HEADERS.iter().enumerate() {
        sheet.write_string(0, c as u16, *h)?;
    }
    for i in 0..n {
        let r = (i + 1) as u32;
        let client = i % 500;
        sheet.write_number(r, 0, (100_000 + i) as f64)?;
        sheet.write_string(r, 1, format!("Jürgen{i} Müller"))?;
        sheet.write_string(r, 2, format!("Kunde {client} GmbH"))?;
        sheet.write_string(r, 3, format!("Hauptstraße {i}"))?;
        sheet.write_string(r, 4, format!("j{i}@kunde{client}.example"))?;
        sheet.write_string(r, 5, format!("KUNDE{client}\\j{i}"))?;
        sheet.write_string(r, 6, "Technician")?;
        sheet.write_boolean(r, 7, i % 7 == 3)?;
        if i % 11 == 5 {
            sheet.write_datetime_with_format(r, 8, &leaver, &date)?;
        }
    }
    book.save(path)?;
    println!(
        "{n} rows: wrote {} ({:.1} MB) in {:.1} s",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::fs::metadata(path)?.len() as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn child_xlsx(path: &Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let size = std::fs::metadata(path)?.len();
    let hwm_start = vm_hwm_kib();
    let load_before = load_average();
    let mut inspects = Vec::new();
    let mut previews = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let plans = inspect(path, None, None, &[])?;
        inspects.push(start.elapsed());
        let shown = preview(path, &plans[0], 20)?;
        previews.push(start.elapsed());
        assert_eq!(shown.len(), 20);
    }
    let hwm_preview = vm_hwm_kib();
    let plan = inspect(path, None, None, &[])?.remove(0);
    let mut passes = Vec::new();
    let mut problems = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut count = 0usize;
        problems = 0;
        for row in rows(path, &plan)? {
            count += 1;
            problems += usize::from(row.record.is_err());
        }
        passes.push(start.elapsed());
        assert_eq!(count, n);
    }
    let pass_median = median(&mut passes);
    println!(
        "{n} rows XLSX ({:.1} MB, {:?} {:?}): inspect+preview median {:.0} ms (runs {:?} ms; inspect alone median {:.0} ms); full rows pass median {:.0} ms = {:.0} rows/s ({} row problems); VmHWM {} KiB at start, {} KiB after the previews, {} KiB after the passes; load average {} -> {}",
        size as f64 / 1e6,
        plan.source,
        plan.kind,
        median(&mut previews.clone()).as_secs_f64() * 1e3,
        previews.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
        median(&mut inspects).as_secs_f64() * 1e3,
        pass_median.as_secs_f64() * 1e3,
        n as f64 / pass_median.as_secs_f64(),
        problems,
        hwm_start,
        hwm_preview,
        vm_hwm_kib(),
        load_before,
        load_average(),
    );
    Ok(())
}
