//! Delimited text as the tools write it: RFC 4180 quoting (commas and newlines inside quotes,
//! doubled quotes), CRLF or LF, a BOM, a comma, semicolon (German Excel) or tab (Excel's
//! "Unicode text") between cells. Parsing is the `csv` crate's; this module adds the decoding,
//! the delimiter guess, line numbers and a cap on one record's length.

use super::decode::{self, DecodeReader};
use super::{codes, import_error, limits, Plan, RawRow, RawRows, RowProblem, TableHead};
use crate::error::Result;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The header row and the first `sample` rows of a CSV file.
pub(crate) fn head(path: &Path, sample: usize) -> Result<TableHead> {
    let name = super::file_name(path);
    let encoding = decode::sniff(std::fs::File::open(path)?, &name)?;
    let mut table = read_table(std::fs::File::open(path)?, encoding, &name)?;
    let headers = match table.next() {
        Some(Ok((_, headers))) => headers,
        Some(Err((_, problem))) => {
            return Err(import_error(
                codes::FORMAT_UNKNOWN,
                format!(
                    "{name}: the header row cannot be read ({})",
                    problem.message
                ),
            ))
        }
        None => {
            return Err(import_error(
                codes::EMPTY,
                format!("{name} is empty: export it again with its header row"),
            ))
        }
    };
    let headers = check_headers(headers, &name)?;
    let rows = table
        .take(sample)
        .filter_map(|row| row.ok().map(|(_, cells)| cells))
        .collect();
    Ok(TableHead {
        part: None,
        encoding: encoding.name().to_string(),
        headers,
        sample: rows,
        known: None,
    })
}

/// Header cells trimmed (a BOM the decoder did not see, e.g. doubled, is dropped too); a header
/// row with no name in it, or too many columns, is refused.
pub(crate) fn check_headers(headers: Vec<String>, name: &str) -> Result<Vec<String>> {
    let headers: Vec<String> = headers
        .into_iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    if headers.len() > limits::MAX_COLUMNS {
        return Err(import_error(
            codes::TOO_LARGE,
            format!(
                "{name} has {} columns, more than the {} an import reads: is it a CSV export?",
                headers.len(),
                limits::MAX_COLUMNS
            ),
        ));
    }
    if headers.iter().all(|h| h.is_empty()) {
        return Err(import_error(
            codes::EMPTY,
            format!("{name} has no header row: the first line must name the columns"),
        ));
    }
    Ok(headers)
}

/// The data rows (after the header) of the plan's CSV file.
pub(crate) fn rows(path: &Path, plan: &Plan) -> Result<RawRows> {
    let encoding = decode::by_name(&plan.encoding).ok_or_else(|| {
        import_error(
            codes::ENCODING,
            format!(
                "unknown encoding {:?} in the plan: inspect the file again",
                plan.encoding
            ),
        )
    })?;
    let mut table = read_table(std::fs::File::open(path)?, encoding, &plan.file_name)?;
    table.next(); // the header row
    let width = plan.headers.len();
    Ok(Box::new(table.map(move |row| shape(row, width))))
}

/// Pads a short row with empty cells; a long row is a problem unless its extra cells are empty
/// (a trailing delimiter, as Excel writes after the last column).
pub(crate) fn shape(row: RawRow, width: usize) -> RawRow {
    let (line, mut cells) = row?;
    if cells.len() > width {
        if cells[width..].iter().any(|c| !c.trim().is_empty()) {
            let extra = cells.len() - width;
            return Err((
                line,
                RowProblem::new(
                    codes::ROW_SHAPE,
                    format!("the row has {extra} more cell(s) than the header has columns: a delimiter inside a value that is not quoted?"),
                ),
            ));
        }
        cells.truncate(width);
    }
    cells.resize(width, String::new());
    Ok((line, cells))
}

/// Rows of a text table from any byte stream (a file, a ZIP entry): decoded, delimiter guessed
/// from the first line, blank rows skipped.
pub(crate) fn read_table<R: Read>(
    input: R,
    encoding: &'static encoding_rs::Encoding,
    name: &str,
) -> Result<CsvRows<RecordGuard<DecodeReader<R>>>> {
    let record_start = Arc::new(AtomicU64::new(0));
    let mut text = BufReader::with_capacity(
        64 * 1024,
        RecordGuard {
            inner: DecodeReader::new(input, encoding),
            read: 0,
            record_start: Arc::clone(&record_start),
        },
    );
    let delimiter = guess_delimiter(text.fill_buf().map_err(|e| unreadable(name, e))?);
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // Records end at LF only (a CRLF's CR is taken off the last cell below): csv's CRLF mode
        // counts the LF into the next record, and line numbers would be one short.
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(text);
    Ok(CsvRows {
        reader,
        record: csv::StringRecord::new(),
        record_start,
        done: false,
    })
}

fn unreadable(name: &str, e: io::Error) -> crate::error::Error {
    import_error(codes::FORMAT_UNKNOWN, format!("{name} cannot be read: {e}"))
}

/// The delimiter of the header line: the most frequent of comma, semicolon and tab outside quotes.
fn guess_delimiter(start: &[u8]) -> u8 {
    let line_end = start
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(start.len());
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in &start[..line_end] {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

/// Counts the decoded bytes and fails the read once one record runs past
/// [`limits::MAX_RECORD_BYTES`]: an unclosed quote would otherwise make the parser buffer the
/// whole rest of the file as one cell.
pub(crate) struct RecordGuard<R> {
    inner: R,
    read: u64,
    record_start: Arc<AtomicU64>,
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let start = self.record_start.load(Ordering::Relaxed);
        if self.read.saturating_sub(start) > limits::MAX_RECORD_BYTES {
            return Err(io::Error::other(format!(
                "one row is longer than {} MB: an unclosed quote?",
                limits::MAX_RECORD_BYTES / (1024 * 1024)
            )));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

/// The records of a text table, as `(line, cells)`.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<BufReader<R>>,
    record: csv::StringRecord,
    record_start: Arc<AtomicU64>,
    done: bool,
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = RawRow;

    fn next(&mut self) -> Option<RawRow> {
        while !self.done {
            let at = self.reader.position().clone();
            self.record_start.store(at.byte(), Ordering::Relaxed);
            match self.reader.read_record(&mut self.record) {
                Ok(false) => self.done = true,
                Ok(true) => {
                    if self.record.iter().all(|cell| cell.trim().is_empty()) {
                        continue;
                    }
                    let line = self.record.position().map_or(at.line(), |p| p.line());
                    let mut cells: Vec<String> = self.record.iter().map(str::to_string).collect();
                    if let Some(last) = cells.last_mut() {
                        if last.ends_with('\r') {
                            last.pop();
                        }
                    }
                    return Some(Ok((line, cells)));
                }
                Err(e) => {
                    // After an I/O error (the record guard) the parser cannot resync: stop here.
                    let line = e.position().map_or(at.line(), |p| p.line());
                    let stop = matches!(e.kind(), csv::ErrorKind::Io(_));
                    self.done = stop;
                    let message = match e.kind() {
                        csv::ErrorKind::Io(io) => {
                            format!("the rest of the file cannot be read: {io}")
                        }
                        _ => format!("this row cannot be read: {e}"),
                    };
                    return Some(Err((line, RowProblem::new(codes::ROW_UNREADABLE, message))));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &[u8]) -> Vec<RawRow> {
        read_table(std::io::Cursor::new(text.to_vec()), encoding_rs::UTF_8, "t")
            .unwrap()
            .collect()
    }

    #[test]
    fn quoted_comma_and_newline_stay_in_their_cell_and_lines_count_them() {
        let rows =
            table(b"Name,Address\r\n\"Reyes, Dana\",\"1 Main St\r\nSuite 2\"\r\nLee,Elm\r\n");
        assert_eq!(
            rows[1],
            Ok((
                2,
                vec![
                    "Reyes, Dana".to_string(),
                    "1 Main St\r\nSuite 2".to_string()
                ]
            ))
        );
        // The quoted newline made row 2 span two lines: the next row starts on line 4.
        assert_eq!(rows[2], Ok((4, vec!["Lee".to_string(), "Elm".to_string()])));
    }

    #[test]
    fn semicolon_and_tab_delimiters_are_recognized() {
        assert_eq!(guess_delimiter(b"Name;Ort;PLZ\r\nA;B;C"), b';');
        assert_eq!(guess_delimiter(b"Name\tOrt\r\n"), b'\t');
        assert_eq!(guess_delimiter(b"\"A;B\",C\r\n"), b',');
    }

    #[test]
    fn blank_rows_are_skipped_and_short_rows_padded() {
        let rows = table(b"A,B,C\n\n,,\n1\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            shape(rows[1].clone(), 3),
            Ok((4, vec!["1".into(), String::new(), String::new()]))
        );
    }

    #[test]
    fn a_long_row_is_a_problem_unless_its_extra_cells_are_empty() {
        assert!(shape(Ok((2, vec!["a".into(), "b".into(), "".into()])), 2).is_ok());
        let problem = shape(Ok((2, vec!["a".into(), "b".into(), "c".into()])), 2).unwrap_err();
        assert_eq!(problem.1.code, codes::ROW_SHAPE);
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_record_cap_instead_of_buffering_the_file() {
        let mut text = b"A,B\n1,\"".to_vec();
        text.extend(std::iter::repeat_n(
            b'x',
            (limits::MAX_RECORD_BYTES + 2 * 1024 * 1024) as usize,
        ));
        let rows = table(&text);
        let last = rows.last().unwrap().clone().unwrap_err();
        assert_eq!(last.1.code, codes::ROW_UNREADABLE);
        assert!(last.1.message.contains("longer than"), "{}", last.1.message);
    }
}
