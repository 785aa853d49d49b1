//! `import`, `import-batches`, `import-undo` and `export` (issue 16): the read side
//! (`ticketflow_core::import`) turns files into rows, the store writes them as one batch.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use ticketflow_core::directory::Tier;
use ticketflow_core::export::{write_export, ExportFilter, ExportKind};
use ticketflow_core::import::{self, Kind, Plan};
use ticketflow_core::store::{
    natural_key, ImportFile, ImportMode, ImportProgress, ImportReport, ImportRequest, IncomingRow,
    RecordKind, Store,
};
use ticketflow_core::text::visible::marked;
use ticketflow_core::{Error, Result};

pub struct ImportArgs {
    pub files: Vec<PathBuf>,
    pub source: Option<String>,
    pub kind: Option<String>,
    pub map: Vec<String>,
    pub mode: ImportMode,
    pub default_tier: String,
    pub dry_run: bool,
    pub errors: Option<PathBuf>,
}

/// Refused rows printed on the terminal; the error file has them all.
const SHOWN_REFUSALS: usize = 20;

fn record_kind(k: Kind) -> RecordKind {
    match k {
        Kind::Companies => RecordKind::Company,
        Kind::Contacts => RecordKind::Contact,
        Kind::Assets => RecordKind::Asset,
        Kind::Runbooks => RecordKind::Runbook,
    }
}

pub fn import(store: &mut Store, a: ImportArgs) -> Result<ExitCode> {
    let default_tier: Tier = a
        .default_tier
        .parse()
        .map_err(|_| Error::invalid("default-tier", "choose platinum, gold, silver or bronze"))?;
    let source = a.source.as_deref().map(str::parse).transpose()?;
    let kind = a.kind.as_deref().map(str::parse).transpose()?;
    let overrides = a
        .map
        .iter()
        .map(|m| import::parse_override(m))
        .collect::<Result<Vec<_>>>()?;
    // Every table of every file, companies first so that contacts and assets find them.
    let mut tables: Vec<(PathBuf, Plan)> = Vec::new();
    for (path, mut plan) in import::inspect_all(&a.files, source, kind, &overrides)? {
        plan.default_tier = Some(default_tier);
        tables.push((path, plan));
    }
    tables.sort_by_key(|(_, p)| Kind::ALL.iter().position(|k| *k == p.kind));
    let sources: Vec<&str> = tables.iter().map(|(_, p)| p.source.as_str()).collect();
    if sources.windows(2).any(|w| w[0] != w[1]) {
        return Err(Error::invalid(
            "source",
            format!(
                "the files come from different systems ({}): import one system's files at a time, or name it with --source",
                sources.join(", ")
            ),
        ));
    }
    let mut files = Vec::new();
    let mut total = Some(0u64);
    for (path, plan) in &tables {
        let mut f = ImportFile::read(path)?;
        if let Some(part) = &plan.part {
            f.name = format!("{}:{part}", f.name);
        }
        files.push(f);
        total = total.zip(import::rows_estimate(path)).map(|(t, n)| t + n);
    }
    for (path, plan) in &tables {
        let kind = record_kind(plan.kind);
        eprintln!(
            "{}{} ({}, {}): matched by the {} id, else by {}",
            path.display(),
            plan.part
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default(),
            plan.source.as_str(),
            plan.kind.as_str(),
            plan.source.as_str(),
            natural_key(kind)
        );
        if !plan.unknown.is_empty() {
            eprintln!("  columns left out: {}", marked(&plan.unknown.join(", ")));
        }
    }
    let mut rows: Vec<Box<dyn Iterator<Item = Result<IncomingRow>>>> = Vec::new();
    for (i, (path, plan)) in tables.iter().enumerate() {
        let read = import::rows(path, plan)?;
        rows.push(Box::new(
            read.map(move |r| Ok(IncomingRow::from_read(i, r))),
        ));
    }
    let mut rows = rows.into_iter().flatten();
    let request = ImportRequest {
        source: sources.first().copied().unwrap_or("csv").to_string(),
        files,
        mode: a.mode,
        default_tier,
        rows_total_estimate: total,
    };
    let mut progress = |p: ImportProgress| {
        let eta = p
            .eta_secs
            .map(|s| format!(", ETA {s:.0} s"))
            .unwrap_or_default();
        eprint!(
            "\rimport: {}{} rows ({:.0} rows/s{eta})   ",
            p.rows_done,
            p.rows_total_estimate
                .map(|t| format!("/{t}"))
                .unwrap_or_default(),
            p.rows_per_sec
        );
        let _ = std::io::stderr().flush();
        true
    };
    let report = if a.dry_run {
        store.plan_import(&request, &mut rows, &mut progress)?
    } else {
        let actor = store.actor()?;
        store.run_import(
            &request,
            &mut rows,
            &actor,
            chrono::Utc::now(),
            &mut progress,
        )?
    };
    eprintln!();
    show(&report, &tables, a.dry_run);
    if let Some(out) = &a.errors {
        write_errors(out, &report, &tables)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn show(report: &ImportReport, tables: &[(PathBuf, Plan)], dry_run: bool) {
    let verb = if dry_run { "would be" } else { "were" };
    for k in &report.by_kind {
        println!(
            "{:<9} {} created, {} updated, {} skipped, {} refused",
            k.kind.as_str(),
            k.counts.created,
            k.counts.updated,
            k.counts.skipped,
            k.counts.refused
        );
    }
    let c = report.counts;
    match report.batch_id {
        Some(id) => println!(
            "import batch {id}: {} created, {} updated, {} skipped, {} refused (undo: ticketflow-cli import-undo {id})",
            c.created, c.updated, c.skipped, c.refused
        ),
        None => println!(
            "dry run, nothing written: {} {verb} created, {} updated, {} skipped, {} refused",
            c.created, c.updated, c.skipped, c.refused
        ),
    }
    let t = report.tool_links;
    if t.added + t.changed + t.unchanged > 0 {
        println!(
            "tool links: {} added, {} changed, {} unchanged{}",
            t.added,
            t.changed,
            t.unchanged,
            if dry_run { " (would be)" } else { "" }
        );
    }
    for r in report.refused.iter().take(SHOWN_REFUSALS) {
        let file = tables
            .get(r.file)
            .map(|(p, _)| p.display().to_string())
            .unwrap_or_default();
        println!(
            "  refused {file}:{}: {} {}",
            r.line,
            r.code,
            marked(&r.message)
        );
    }
    if report.refused.len() > SHOWN_REFUSALS {
        println!(
            "  ... and {} more refused rows (--errors FILE lists them all)",
            report.refused.len() - SHOWN_REFUSALS
        );
    }
}

/// The refused rows as the input had them, plus `error`: one file per table that had refusals
/// (`OUT.csv`, or `OUT-<kind>-<n>.csv` when several tables did).
fn write_errors(out: &Path, report: &ImportReport, tables: &[(PathBuf, Plan)]) -> Result<()> {
    let mut with_refusals: Vec<usize> = report.refused.iter().map(|r| r.file).collect();
    with_refusals.dedup();
    with_refusals.sort_unstable();
    with_refusals.dedup();
    if with_refusals.is_empty() {
        with_refusals.push(0);
    }
    let several = with_refusals.len() > 1;
    for table in with_refusals {
        let Some((_, plan)) = tables.get(table) else {
            continue;
        };
        let path = if several {
            let stem = out.file_stem().unwrap_or_default().to_string_lossy();
            out.with_file_name(format!("{stem}-{}-{}.csv", plan.kind.as_str(), table + 1))
        } else {
            out.to_path_buf()
        };
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let failed = |e: csv::Error| Error::invalid("errors", e.to_string());
        let mut header = plan.headers.clone();
        header.push("error".into());
        w.write_record(&header).map_err(failed)?;
        for r in report.refused.iter().filter(|r| r.file == table) {
            let mut cells = r.raw.clone();
            cells.resize(plan.headers.len(), String::new());
            cells.push(format!("{}: {} (line {})", r.code, r.message, r.line));
            w.write_record(&cells).map_err(failed)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::invalid("errors", e.to_string()))?;
        ticketflow_core::report::write_file(&path, &bytes)?;
        println!("refused rows -> {}", path.display());
    }
    Ok(())
}

pub fn batches(store: &Store) -> Result<ExitCode> {
    println!(
        "{:>5}  {:<20} {:<20} {:<12} {:<6} {:>8} {:>8} {:>8} {:>8}  FILES",
        "BATCH", "IMPORTED", "BY", "SOURCE", "MODE", "CREATED", "UPDATED", "SKIPPED", "REFUSED"
    );
    for b in store.import_batches()? {
        let undone = b
            .undone_at
            .map(|at| {
                format!(
                    " (undone {} by {})",
                    at.format("%Y-%m-%d %H:%M"),
                    marked(b.undone_by.as_deref().unwrap_or(""))
                )
            })
            .unwrap_or_default();
        let files: Vec<String> = b.files.iter().map(|f| marked(&f.name)).collect();
        println!(
            "{:>5}  {:<20} {:<20} {:<12} {:<6} {:>8} {:>8} {:>8} {:>8}  {}{undone}",
            b.id,
            b.imported_at.format("%Y-%m-%d %H:%M UTC"),
            marked(&b.actor),
            marked(&b.source),
            b.mode.as_str(),
            b.counts.created,
            b.counts.updated,
            b.counts.skipped,
            b.counts.refused,
            files.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn undo(store: &mut Store, batch: i64) -> Result<ExitCode> {
    let actor = store.actor()?;
    let r = store.undo_import(batch, &actor, chrono::Utc::now())?;
    println!(
        "import batch {}: {} records removed, {} restored, {} kept",
        r.batch_id,
        r.removed,
        r.restored,
        r.kept.len()
    );
    for k in &r.kept {
        println!("  kept {} #{}: {}", k.kind.as_str(), k.record_id, k.reason);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn export(
    store: &Store,
    kind: &str,
    company_id: Option<i64>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    out: &Path,
) -> Result<ExitCode> {
    let kind: ExportKind = kind.parse()?;
    let filter = ExportFilter {
        company_id,
        from,
        to,
    };
    let s = write_export(store, kind, &filter, out)?;
    println!(
        "{} {} rows ({} bytes) -> {}",
        s.rows,
        kind.as_str(),
        s.bytes,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
