//! The Import screen's commands (issue 16): what a file holds and how it maps, its first rows as
//! they will be stored, a dry run, the import itself with progress and cancel, the batches and
//! their undo, the error file, and exports.
//!
//! The window never hands the core a plan to trust: every plan it sends back is read again from
//! its file with the window's choices (source, kind, one field per column), so a page can only
//! choose among mappings the core itself would make. Paths come from the native dialogs; files
//! are written only as `.csv`/`.xlsx` into a folder that exists.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use ticketflow_core::directory::Tier;
use ticketflow_core::error::{Error, ErrorPayload};
use ticketflow_core::export::{
    write_export, ExportFilter, ExportFormat, ExportKind, ExportSummary,
};
use ticketflow_core::import::{self, ColumnMap, Kind, Plan, PreviewRow, Source};
use ticketflow_core::store::{
    ImportBatch, ImportFile, ImportMode, ImportProgress, ImportReport, ImportRequest, IncomingRow,
    UndoReport,
};

use crate::commands::reports::chosen_file;
use crate::state::guarded;
use crate::{AppState, INTERNAL_ERROR};

/// Most rows a preview shows.
const PREVIEW_MAX: usize = 50;
/// Most files one inspection reads.
const FILES_MAX: usize = 20;

/// One table of a chosen file and how it will be read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportTable {
    pub path: String,
    pub plan: Plan,
}

/// The running import's cancel flag and the last report with its tables (for the error file).
#[derive(Default)]
pub struct ImportEnv {
    cancel: Arc<AtomicBool>,
    running: Arc<AtomicBool>,
    last: Mutex<Option<(Vec<ImportTable>, ImportReport)>>,
}

/// Clears the running flag however the import ends.
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl ImportEnv {
    /// Takes the one slot for import work (a dry run, an import, an undo), or says it is taken.
    fn claim(&self) -> Result<Running, ErrorPayload> {
        if self
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Err(Error::ImportRunning.payload());
        }
        self.cancel.store(false, Ordering::SeqCst);
        Ok(Running(Arc::clone(&self.running)))
    }
}

/// A file the user chose in the open dialog: absolute and readable.
fn chosen_input(path: &str) -> ticketflow_core::Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || path.len() > 4096 || path.contains('\0') || !p.is_absolute() {
        return Err(Error::invalid(
            "path",
            "choose the file with the open dialog (an absolute path)",
        ));
    }
    if !p.is_file() {
        return Err(Error::invalid(
            "path",
            format!("{path} is not a file that can be read: choose it again"),
        ));
    }
    Ok(p.to_path_buf())
}

/// The window's mapping as `--map` pairs (`-` leaves a column out).
fn overrides_of(columns: &[ColumnMap]) -> Vec<(String, String)> {
    columns
        .iter()
        .map(|c| {
            let field = c.field.map(|f| f.as_str()).unwrap_or("-");
            (c.column.clone(), field.to_string())
        })
        .collect()
}

/// Every table of every file, companies first (contacts and assets find them then).
fn inspect_all(
    paths: &[String],
    source: Option<Source>,
    kind: Option<Kind>,
    overrides: &[(String, String)],
) -> ticketflow_core::Result<Vec<ImportTable>> {
    if paths.is_empty() || paths.len() > FILES_MAX {
        return Err(Error::invalid(
            "paths",
            format!("choose from 1 to {FILES_MAX} files to import"),
        ));
    }
    let checked = paths
        .iter()
        .map(|p| chosen_input(p))
        .collect::<ticketflow_core::Result<Vec<PathBuf>>>()?;
    // A mapping applies to every file with its column (refused only when no file has it).
    let mut tables: Vec<ImportTable> = import::inspect_all(&checked, source, kind, overrides)?
        .into_iter()
        .map(|(p, plan)| {
            let i = checked.iter().position(|c| *c == p).unwrap_or_default();
            ImportTable {
                path: paths[i].clone(),
                plan,
            }
        })
        .collect();
    tables.sort_by_key(|t| Kind::ALL.iter().position(|k| *k == t.plan.kind));
    Ok(tables)
}

/// The plan the core makes of `table`'s file with the window's choices; the window's own copy
/// is never used.
fn reread(table: &ImportTable) -> ticketflow_core::Result<(PathBuf, Plan)> {
    let path = chosen_input(&table.path)?;
    let wanted = &table.plan;
    let plans = import::inspect(
        &path,
        Some(wanted.source),
        Some(wanted.kind),
        &overrides_of(&wanted.columns),
    )?;
    let mut plan = plans
        .into_iter()
        .find(|p| p.part == wanted.part)
        .ok_or_else(|| {
            Error::invalid(
                "plan",
                format!(
                    "{} has no table {}: choose the file again",
                    table.path,
                    wanted.part.as_deref().unwrap_or("")
                ),
            )
        })?;
    plan.default_tier = wanted.default_tier;
    Ok((path, plan))
}

type RowStream = Box<dyn Iterator<Item = ticketflow_core::Result<IncomingRow>>>;

/// The request and its rows for `tables` (re-read), checked to come from one system.
fn request_of(
    tables: &[ImportTable],
    mode: ImportMode,
    default_tier: Tier,
) -> ticketflow_core::Result<(Vec<ImportTable>, ImportRequest, RowStream)> {
    if tables.is_empty() {
        return Err(Error::invalid("tables", "choose a file to import first"));
    }
    let mut read = Vec::new();
    for t in tables {
        let (path, mut plan) = reread(t)?;
        plan.default_tier = Some(default_tier);
        read.push((path, plan));
    }
    read.sort_by_key(|(_, p)| Kind::ALL.iter().position(|k| *k == p.kind));
    if read.windows(2).any(|w| w[0].1.source != w[1].1.source) {
        return Err(Error::invalid(
            "source",
            "the files come from different systems: import one system's files at a time",
        ));
    }
    let mut files = Vec::new();
    let mut total = Some(0u64);
    let mut streams: Vec<RowStream> = Vec::new();
    for (i, (path, plan)) in read.iter().enumerate() {
        let mut f = ImportFile::read(path)?;
        if let Some(part) = &plan.part {
            f.name = format!("{}:{part}", f.name);
        }
        files.push(f);
        total = total.zip(import::rows_estimate(path)).map(|(t, n)| t + n);
        let rows = import::rows(path, plan)?;
        streams.push(Box::new(
            rows.map(move |r| Ok(IncomingRow::from_read(i, r))),
        ));
    }
    let request = ImportRequest {
        source: read[0].1.source.as_str().to_string(),
        files,
        mode,
        default_tier,
        rows_total_estimate: total,
    };
    let used = read
        .into_iter()
        .map(|(path, plan)| ImportTable {
            path: path.display().to_string(),
            plan,
        })
        .collect();
    Ok((used, request, Box::new(streams.into_iter().flatten())))
}

/// Reads what each file holds: one plan per table, with the source and kind recognized from
/// the header row (or as given) and `overrides` applied to every table that has the column.
#[tauri::command(async)]
pub fn import_inspect(
    paths: Vec<String>,
    source: Option<Source>,
    kind: Option<Kind>,
    overrides: Option<Vec<ColumnMap>>,
) -> Result<Vec<ImportTable>, ErrorPayload> {
    let overrides = overrides_of(&overrides.unwrap_or_default());
    guarded(|| inspect_all(&paths, source, kind, &overrides))
}

/// The first `rows` rows of a table as they will be stored, or why each cannot be.
#[tauri::command(async)]
pub fn import_preview(
    path: String,
    plan: Plan,
    rows: usize,
) -> Result<Vec<PreviewRow>, ErrorPayload> {
    guarded(|| {
        let (path, plan) = reread(&ImportTable { path, plan })?;
        let rows = import::preview(&path, &plan, rows.min(PREVIEW_MAX))?;
        Ok(rows.into_iter().map(PreviewRow::from).collect())
    })
}

/// Runs `work` with progress on `on_progress` and the cancel flag checked at every report;
/// keeps the report for the error file.
fn with_progress(
    env: &ImportEnv,
    tables: &[ImportTable],
    mode: ImportMode,
    default_tier: Tier,
    on_progress: &Channel<ImportProgress>,
    work: impl FnOnce(
        &ImportRequest,
        &mut RowStream,
        &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportReport, ErrorPayload>,
) -> Result<ImportReport, ErrorPayload> {
    let _running = env.claim()?;
    // A failed or cancelled run leaves no error file behind from an earlier one.
    *env.last.lock().unwrap_or_else(PoisonError::into_inner) = None;
    let (used, request, mut rows) = guarded(|| request_of(tables, mode, default_tier))?;
    let cancel = Arc::clone(&env.cancel);
    let mut progress = |p: ImportProgress| {
        // A window that went away stops listening; the import still finishes.
        let _ = on_progress.send(p);
        !cancel.load(Ordering::SeqCst)
    };
    let report = work(&request, &mut rows, &mut progress)?;
    *env.last.lock().unwrap_or_else(PoisonError::into_inner) = Some((used, report.clone()));
    Ok(report)
}

/// Runs `work` on a blocking thread rather than one of the async runtime's workers (a 300k-row
/// import takes seconds, and this machine may have two of them).
async fn on_blocking_thread<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    work: impl FnOnce(&AppState, &ImportEnv) -> Result<T, ErrorPayload> + Send + 'static,
) -> Result<T, ErrorPayload> {
    let job = tauri::async_runtime::spawn_blocking(move || {
        work(&app.state::<AppState>(), &app.state::<ImportEnv>())
    });
    job.await.unwrap_or_else(|e| {
        Err(ErrorPayload {
            code: INTERNAL_ERROR.into(),
            message: format!("the import stopped unexpectedly: {e}; nothing was written"),
        })
    })
}

/// The dry run: what a commit would create, update, skip and refuse (each refused row with its
/// reason). Nothing is written. It runs on a connection of its own (its transaction, rolled back
/// at the end, would otherwise keep the window's reads waiting).
#[tauri::command]
pub async fn import_plan<R: Runtime>(
    app: AppHandle<R>,
    tables: Vec<ImportTable>,
    mode: ImportMode,
    default_tier: Tier,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, ErrorPayload> {
    on_blocking_thread(app, move |state, env| {
        with_progress(
            env,
            &tables,
            mode,
            default_tier,
            &on_progress,
            |req, rows, progress| {
                state.with_own_connection(|store, _| store.plan_import(req, &mut **rows, progress))
            },
        )
    })
    .await
}

/// Imports the tables as one batch (undone as one), as the current technician. Progress arrives
/// on `on_progress`; [`import_cancel`] stops it and nothing is written. It runs on a connection
/// of its own, so the window's reads answer meanwhile; its writes are `IMPORT_RUNNING` until the
/// import ends.
#[tauri::command]
pub async fn import_run<R: Runtime>(
    app: AppHandle<R>,
    tables: Vec<ImportTable>,
    mode: ImportMode,
    default_tier: Tier,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, ErrorPayload> {
    on_blocking_thread(app, move |state, env| {
        with_progress(
            env,
            &tables,
            mode,
            default_tier,
            &on_progress,
            |req, rows, progress| {
                state.with_own_connection(|store, now| {
                    let actor = store.actor()?;
                    store.run_import(req, &mut **rows, &actor, now, progress)
                })
            },
        )
    })
    .await
}

/// Asks the running import (or dry run) to stop; false when none is running.
#[tauri::command]
pub fn import_cancel(env: State<'_, ImportEnv>) -> bool {
    let running = env.running.load(Ordering::SeqCst);
    if running {
        env.cancel.store(true, Ordering::SeqCst);
    }
    running
}

/// Every import batch, newest first.
#[tauri::command(async)]
pub fn import_batches(state: State<'_, AppState>) -> Result<Vec<ImportBatch>, ErrorPayload> {
    state.with_store(|store, _| store.import_batches())
}

/// "Undo this import": removes what the batch created and restores what it updated; records
/// used since are kept, each with its reason.
/// Like the import, it runs on a connection of its own (undoing 300k rows takes a while).
#[tauri::command]
pub async fn import_undo<R: Runtime>(
    app: AppHandle<R>,
    batch: i64,
) -> Result<UndoReport, ErrorPayload> {
    on_blocking_thread(app, move |state, env| {
        // One import's work at a time: an undo during an import would wait behind its
        // transaction, and the end of either would let the window write during the other.
        let _running = env.claim()?;
        state.with_own_connection(|store, now| {
            let actor = store.actor()?;
            store.undo_import(batch, &actor, now)
        })
    })
    .await
}

/// The refused rows of the last dry run or import as the input had them, plus an `error`
/// column: `path`, or `<stem>-<kind>-<n>.csv` beside it when several tables had refusals.
/// Returns the files written.
#[tauri::command(async)]
pub fn import_write_errors(
    env: State<'_, ImportEnv>,
    path: String,
) -> Result<Vec<String>, ErrorPayload> {
    guarded(|| {
        let out = chosen_file(&path, &["csv"])?;
        let last = env.last.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((tables, report)) = last.as_ref() else {
            return Err(Error::invalid(
                "errors",
                "run a dry run or an import first: the error file lists its refused rows",
            ));
        };
        write_errors(&out, report, tables)
    })
}

fn write_errors(
    out: &Path,
    report: &ImportReport,
    tables: &[ImportTable],
) -> ticketflow_core::Result<Vec<String>> {
    let mut with_refusals: Vec<usize> = report.refused.iter().map(|r| r.file).collect();
    with_refusals.sort_unstable();
    with_refusals.dedup();
    if with_refusals.is_empty() {
        with_refusals.push(0);
    }
    let several = with_refusals.len() > 1;
    let mut written = Vec::new();
    for table in with_refusals {
        let Some(t) = tables.get(table) else {
            continue;
        };
        let path = if several {
            let stem = out.file_stem().unwrap_or_default().to_string_lossy();
            out.with_file_name(format!("{stem}-{}-{}.csv", t.plan.kind.as_str(), table + 1))
        } else {
            out.to_path_buf()
        };
        let mut header = t.plan.headers.clone();
        header.push("error".into());
        let mut text = csv_line(&header);
        for r in report.refused.iter().filter(|r| r.file == table) {
            let mut cells = r.raw.clone();
            cells.resize(t.plan.headers.len(), String::new());
            cells.push(format!("{}: {} (line {})", r.code, r.message, r.line));
            text.push_str(&csv_line(&cells));
        }
        let bytes = text.into_bytes();
        ticketflow_core::report::write_file(&path, &bytes)?;
        written.push(path.display().to_string());
    }
    Ok(written)
}

/// One CSV record (RFC 4180): every cell quoted, quotes doubled, CRLF at the end, so commas,
/// quotes and newlines in the input come back as they were.
fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
        .collect();
    format!("{}\r\n", quoted.join(","))
}

/// Exports every record of `kind` (one client's, and for dated kinds from `from` to `to`, UTC
/// days) to `path`, as `format`, which the file's extension must say.
#[tauri::command(async)]
pub fn export_records(
    state: State<'_, AppState>,
    kind: ExportKind,
    company_id: Option<i64>,
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
    format: ExportFormat,
    path: String,
) -> Result<ExportSummary, ErrorPayload> {
    let out = chosen_file(&path, &["csv", "xlsx"]).map_err(|e| e.payload())?;
    if ExportFormat::of(&out).map_err(|e| e.payload())? != format {
        return Err(Error::invalid(
            "path",
            "the file name's extension must match the format chosen (.csv or .xlsx)",
        )
        .payload());
    }
    let filter = ExportFilter {
        company_id,
        from,
        to,
    };
    state.with_store(|store, _| write_export(store, kind, &filter, &out))
}
