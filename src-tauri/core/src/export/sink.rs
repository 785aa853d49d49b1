//! Writing an export's rows to a file: CSV (the `csv` crate) or XLSX (`rust_xlsxwriter`, one
//! worksheet in constant memory: its rows go to a temporary file as they come, so a 200,000-row
//! export does not sit in memory). The file appears under its name only when complete.

use super::{Cell, ExportFilter, ExportKind};
use crate::error::{Error, Result};
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Most rows a worksheet holds (the header is one of them): Excel's own limit.
const XLSX_MAX_ROWS: u64 = 1_048_576;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// From the file's extension: `.xlsx` is XLSX, `.csv` CSV; anything else is refused.
    pub fn of(path: &Path) -> Result<ExportFormat> {
        match path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .as_deref()
        {
            Some("csv") => Ok(ExportFormat::Csv),
            Some("xlsx") => Ok(ExportFormat::Xlsx),
            _ => Err(Error::invalid(
                "out",
                format!(
                    "{}: name the file .csv or .xlsx, which says the format",
                    path.display()
                ),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportSummary {
    pub kind: ExportKind,
    pub format: ExportFormat,
    pub rows: u64,
    pub bytes: u64,
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError, row: u64) -> Error {
    use rust_xlsxwriter::XlsxError;
    match e {
        XlsxError::MaxStringLengthExceeded => Error::invalid(
            "out",
            format!("row {row} has a cell longer than XLSX's 32,767 characters (a runbook entry's text?): export it as .csv, which keeps every character"),
        ),
        XlsxError::RowColumnLimitError => Error::invalid(
            "out",
            "more rows than a worksheet holds (1,048,576): export as .csv, or narrow --from/--to or --client",
        ),
        other => Error::invalid("out", format!("the XLSX file could not be written: {other}")),
    }
}

/// Writes every row of `kind` that `filter` selects to `path` (`.csv` or `.xlsx`).
pub fn write_export(
    store: &Store,
    kind: ExportKind,
    filter: &ExportFilter,
    path: &Path,
) -> Result<ExportSummary> {
    let format = ExportFormat::of(path)?;
    if path.file_name().is_none() {
        return Err(Error::invalid("out", "must name a file"));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".ticketflow-export-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let rows = match format {
        ExportFormat::Csv => {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(std::io::BufWriter::new(tmp.as_file()));
            let failed = |e: csv::Error| Error::invalid("out", e.to_string());
            w.write_record(kind.columns()).map_err(failed)?;
            let rows = store.export_rows(kind, filter, &mut |cells| {
                w.write_record(cells.iter().map(Cell::text)).map_err(failed)
            })?;
            w.flush()?;
            rows
        }
        ExportFormat::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            book.set_tempdir(dir).map_err(|e| xlsx_error(e, 0))?;
            let sheet = book
                .add_worksheet_with_constant_memory()
                .map_err(|e| xlsx_error(e, 0))?;
            sheet
                .set_name(kind.as_str())
                .map_err(|e| xlsx_error(e, 0))?;
            for (col, name) in kind.columns().iter().enumerate() {
                sheet
                    .write_string(0, col as u16, *name)
                    .map_err(|e| xlsx_error(e, 0))?;
            }
            let mut row: u64 = 0;
            let rows = store.export_rows(kind, filter, &mut |cells| {
                row += 1;
                if row >= XLSX_MAX_ROWS {
                    return Err(xlsx_error(
                        rust_xlsxwriter::XlsxError::RowColumnLimitError,
                        row,
                    ));
                }
                for (col, cell) in cells.iter().enumerate() {
                    let (r, c) = (row as u32, col as u16);
                    // Text cells are text: a name starting with '=' never runs as a formula.
                    let written = match cell {
                        Cell::Empty => continue,
                        Cell::Int(i) => sheet.write_number(r, c, *i as f64).map(|_| ()),
                        Cell::Text(t) => sheet.write_string(r, c, t.as_str()).map(|_| ()),
                    };
                    written.map_err(|e| xlsx_error(e, row))?;
                }
                Ok(())
            })?;
            book.save_to_writer(std::io::BufWriter::new(tmp.as_file()))
                .map_err(|e| xlsx_error(e, 0))?;
            rows
        }
    };
    tmp.as_file().sync_all()?;
    let bytes = tmp.as_file().metadata()?.len();
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(ExportSummary {
        kind,
        format,
        rows,
        bytes,
    })
}
