//! Workbooks (HaloPSA and Autotask export XLSX; older tools XLS), read by calamine.
//!
//! XLSX is streamed: calamine's cell reader walks the worksheet's XML one cell at a time (only
//! the shared-string table is held, and the ZIP and that table were checked against the size
//! limits first).
//! Calamine's readers borrow the workbook, so they run on a worker thread that hands rows over a
//! bounded channel; a panic inside the parser ends the rows with a problem. XLS (BIFF) is read
//! whole by calamine, which the format itself bounds (65,536 rows of 256 columns), and the file
//! size is capped.

use super::{
    codes, guarded, import_error, itglue, limits, spawn_rows, Plan, RawRow, RawRows, RowProblem,
    TableHead,
};
use crate::error::Result;
use calamine::{open_workbook, Data, DataRef, Reader, Xls, Xlsx};
use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

/// Largest XLS file read (calamine reads XLS whole).
const MAX_XLS_BYTES: u64 = 256 * 1024 * 1024;

/// Largest shared-string table (`xl/sharedStrings.xml`, uncompressed) of an XLSX. Calamine holds
/// the whole table while it reads a sheet: the one part of a workbook whose memory grows with
/// the file, about 3.2 bytes of memory per byte of XML (import_read_bench: 42.6 MB of strings
/// for 300,000 rows of unique names and addresses, 137 MB peak). 128 MB keeps a workbook under
/// roughly 450 MB; larger exports go through CSV, which streams.
const MAX_SHARED_STRINGS_BYTES: u64 = 128 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Book {
    Xlsx,
    Xls,
}

impl Book {
    fn label(self) -> &'static str {
        match self {
            Book::Xlsx => "xlsx",
            Book::Xls => "xls",
        }
    }
}

fn damaged(name: &str, e: impl std::fmt::Display) -> crate::error::Error {
    import_error(
        codes::FILE_DAMAGED,
        format!("{name} is not a readable workbook ({e}): open it in Excel and save it again, or export it as CSV"),
    )
}

fn check_size(path: &Path, book: Book, name: &str) -> Result<()> {
    match book {
        Book::Xlsx => {
            let archive = itglue::open_checked(path)?;
            let strings: u64 = (0..archive.len())
                .filter_map(|i| archive.by_index_data(i).ok())
                .filter(|e| {
                    e.name()
                        .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
                })
                .map(|e| e.size())
                .sum();
            if strings > MAX_SHARED_STRINGS_BYTES {
                return Err(import_error(
                    codes::TOO_LARGE,
                    format!(
                        "{name} holds {} MB of distinct texts, more than the {} MB a workbook may: export it as CSV (read row by row, any size)",
                        strings / (1024 * 1024),
                        MAX_SHARED_STRINGS_BYTES / (1024 * 1024)
                    ),
                ));
            }
        }
        Book::Xls => {
            if std::fs::metadata(path)?.len() > MAX_XLS_BYTES {
                return Err(import_error(
                    codes::TOO_LARGE,
                    format!(
                        "{name} is larger than {} MB: export it as CSV",
                        MAX_XLS_BYTES / (1024 * 1024)
                    ),
                ));
            }
            super::ole_check::check(path, name)?;
        }
    }
    Ok(())
}

/// One head per worksheet that has a header row.
pub(crate) fn heads(path: &Path, book: Book, sample: usize) -> Result<Vec<TableHead>> {
    let name = super::file_name(path);
    check_size(path, book, &name)?;
    let path: PathBuf = path.to_path_buf();
    guarded(&name.clone(), move || {
        let mut heads = Vec::new();
        let mut each = |sheet: String, rows: &mut dyn Iterator<Item = RawRow>| -> Result<()> {
            let mut rows = rows.filter_map(|r| r.ok());
            let Some((_, headers)) = rows.next() else {
                return Ok(());
            };
            let headers =
                super::csv_file::check_headers(headers, &format!("{name}, sheet {sheet}"))?;
            let sample = rows.take(sample).map(|(_, cells)| cells).collect();
            heads.push(TableHead {
                part: Some(sheet),
                encoding: book.label().to_string(),
                headers,
                sample,
                known: None,
            });
            Ok(())
        };
        match book {
            Book::Xlsx => {
                let mut workbook: Xlsx<_> = open_workbook(&path).map_err(|e| damaged(&name, e))?;
                for sheet in workbook.sheet_names() {
                    let mut cells = workbook
                        .worksheet_cells_reader(&sheet)
                        .map_err(|e| damaged(&name, e))?;
                    let mut rows = XlsxRows::new(&mut cells, limits::MAX_COLUMNS);
                    each(sheet.clone(), &mut rows)?;
                }
            }
            Book::Xls => {
                let mut workbook: Xls<_> = open_workbook(&path).map_err(|e| damaged(&name, e))?;
                for sheet in workbook.sheet_names() {
                    let range = workbook
                        .worksheet_range(&sheet)
                        .map_err(|e| damaged(&name, e))?;
                    let mut rows = range_rows(&range, limits::MAX_COLUMNS);
                    each(sheet.clone(), &mut rows)?;
                }
            }
        }
        if heads.is_empty() {
            return Err(import_error(
                codes::EMPTY,
                format!("{name} has no sheet with a header row"),
            ));
        }
        Ok(heads)
    })
}

/// The data rows of the plan's worksheet, streamed from a worker thread.
pub(crate) fn rows(path: &Path, book: Book, plan: &Plan) -> Result<RawRows> {
    check_size(path, book, &plan.file_name)?;
    let path = path.to_path_buf();
    let sheet = plan.part.clone().unwrap_or_default();
    let width = plan.headers.len();
    Ok(spawn_rows(move |tx| {
        let send_all = |rows: &mut dyn Iterator<Item = RawRow>, tx: &SyncSender<RawRow>| {
            let mut rows = rows.skip_while(|r| r.is_err());
            rows.next(); // the header row
            for row in rows {
                if tx.send(super::csv_file::shape(row, width)).is_err() {
                    return;
                }
            }
        };
        let fail = |e: String| {
            let _ = tx.send(Err((0, RowProblem::new(codes::ROW_UNREADABLE, e))));
        };
        match book {
            Book::Xlsx => {
                let mut workbook: Xlsx<_> = match open_workbook(&path) {
                    Ok(w) => w,
                    Err(e) => return fail(format!("the workbook cannot be read: {e}")),
                };
                let mut cells = match workbook.worksheet_cells_reader(&sheet) {
                    Ok(c) => c,
                    Err(e) => return fail(format!("sheet {sheet:?} cannot be read: {e}")),
                };
                send_all(&mut XlsxRows::new(&mut cells, width), tx);
            }
            Book::Xls => {
                let mut workbook: Xls<_> = match open_workbook(&path) {
                    Ok(w) => w,
                    Err(e) => return fail(format!("the workbook cannot be read: {e}")),
                };
                match workbook.worksheet_range(&sheet) {
                    Ok(range) => send_all(&mut range_rows(&range, width), tx),
                    Err(e) => fail(format!("sheet {sheet:?} cannot be read: {e}")),
                }
            }
        }
    }))
}

/// A cell as text: whole numbers without ".0", dates as ISO dates (with the time if it has one),
/// booleans as true/false, formula errors as Excel shows them.
fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
            }
        }
        DataRef::DateTime(dt) => number(dt.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

fn data_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => cell_text(&DataRef::DateTime(*dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// An id typed as a number (12345) must not come back as "12345.0".
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Collects a row's cells; a cell at or past `width` with a value makes the row a problem
/// (the vector never grows past `width`, whatever column a hostile sheet names).
struct RowBuilder {
    width: usize,
    cells: Vec<String>,
    overflow: bool,
}

impl RowBuilder {
    fn new(width: usize) -> Self {
        RowBuilder {
            width,
            cells: Vec::new(),
            overflow: false,
        }
    }

    fn put(&mut self, col: usize, text: String) {
        if text.is_empty() {
            return;
        }
        if col >= self.width {
            self.overflow = true;
            return;
        }
        if self.cells.len() <= col {
            self.cells.resize(col + 1, String::new());
        }
        self.cells[col] = text;
    }

    fn take(&mut self, line: u64) -> Option<RawRow> {
        let cells = std::mem::take(&mut self.cells);
        let overflow = std::mem::replace(&mut self.overflow, false);
        if overflow {
            return Some(Err((
                line,
                RowProblem::new(
                    codes::ROW_SHAPE,
                    "the row has values right of the last named column",
                ),
            )));
        }
        (!cells.iter().all(|c| c.trim().is_empty())).then_some(Ok((line, cells)))
    }
}

/// Rows from an XLSX cell reader (cells come row by row, left to right).
struct XlsxRows<'r, 'a, RS: std::io::Read + std::io::Seek> {
    cells: &'r mut calamine::XlsxCellReader<'a, RS>,
    row: Option<u32>,
    builder: RowBuilder,
    done: bool,
}

impl<'r, 'a, RS: std::io::Read + std::io::Seek> XlsxRows<'r, 'a, RS> {
    fn new(cells: &'r mut calamine::XlsxCellReader<'a, RS>, width: usize) -> Self {
        XlsxRows {
            cells,
            row: None,
            builder: RowBuilder::new(width),
            done: false,
        }
    }
}

impl<RS: std::io::Read + std::io::Seek> Iterator for XlsxRows<'_, '_, RS> {
    type Item = RawRow;

    fn next(&mut self) -> Option<RawRow> {
        while !self.done {
            match self.cells.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    let text = cell_text(cell.get_value());
                    let finished = match self.row {
                        Some(row) if row != r => self.builder.take(u64::from(row) + 1),
                        _ => None,
                    };
                    self.row = Some(r);
                    self.builder.put(c as usize, text);
                    if let Some(row) = finished {
                        return Some(row);
                    }
                }
                Ok(None) => {
                    self.done = true;
                    let line = u64::from(self.row.unwrap_or(0)) + 1;
                    return self.builder.take(line);
                }
                Err(e) => {
                    self.done = true;
                    let line = u64::from(self.row.unwrap_or(0)) + 1;
                    return Some(Err((
                        line,
                        RowProblem::new(
                            codes::ROW_UNREADABLE,
                            format!("the sheet cannot be read from here on: {e}"),
                        ),
                    )));
                }
            }
        }
        None
    }
}

/// Rows of an XLS range (already in memory), numbered as Excel numbers them.
fn range_rows(range: &calamine::Range<Data>, width: usize) -> impl Iterator<Item = RawRow> + '_ {
    let first = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    range.rows().enumerate().filter_map(move |(i, cells)| {
        let mut builder = RowBuilder::new(width);
        for (j, cell) in cells.iter().enumerate() {
            builder.put(first_col + j, data_text(cell));
        }
        builder.take(u64::from(first) + i as u64 + 1)
    })
}
