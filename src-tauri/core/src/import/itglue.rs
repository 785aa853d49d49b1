//! ZIP files: the IT Glue export (one CSV per type: `organizations.csv`, `contacts.csv`,
//! `configurations.csv`; documents as HTML under `documents/`), and the check that an XLSX
//! (also a ZIP) is a workbook.
//!
//! Before anything is decompressed the archive's directory is checked: at most
//! [`limits::MAX_ZIP_ENTRIES`] entries and [`limits::MAX_ZIP_UNCOMPRESSED`] bytes in all (the
//! zip crate then fails any entry that inflates past its declared size, so a bomb cannot lie its
//! way past the check). `passwords.csv`, which IT Glue exports too, is never opened: secrets do
//! not belong in the desk's database.

use super::csv_file::{check_headers, read_table, shape};
use super::{
    codes, decode, guarded, html_text, import_error, limits, spawn_rows, Kind, Plan, RawRows,
    RowProblem, Source, TableHead,
};
use crate::error::Result;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// The CSV files of an IT Glue export and what they hold.
const TABLES: &[(&str, Kind)] = &[
    ("organizations.csv", Kind::Companies),
    ("contacts.csv", Kind::Contacts),
    ("configurations.csv", Kind::Assets),
];

/// The part name of the documents plan.
pub(crate) const DOCUMENTS: &str = "documents/";

/// The headers of the documents "table" (one row per HTML document).
const DOCUMENT_HEADERS: [&str; 4] = ["path", "organization", "title", "body"];

type Archive = ZipArchive<BufReader<File>>;

/// Opens a ZIP and checks its directory against the limits.
pub(crate) fn open_checked(path: &Path) -> Result<Archive> {
    let name = super::file_name(path);
    let archive = ZipArchive::new(BufReader::new(File::open(path)?)).map_err(|e| {
        import_error(
            codes::FILE_DAMAGED,
            format!("{name} is not a readable ZIP ({e}): download or export it again"),
        )
    })?;
    if archive.len() > limits::MAX_ZIP_ENTRIES {
        return Err(import_error(
            codes::TOO_LARGE,
            format!(
                "{name} lists {} files, more than the {} an import opens: export less at a time",
                archive.len(),
                limits::MAX_ZIP_ENTRIES
            ),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let size = archive.by_index_data(i).map(|e| e.size()).unwrap_or(0);
        total = total.saturating_add(size);
    }
    if total > limits::MAX_ZIP_UNCOMPRESSED {
        return Err(import_error(
            codes::TOO_LARGE,
            format!(
                "{name} unpacks to {} MB, more than the {} MB an import reads: export less at a time",
                total / (1024 * 1024),
                limits::MAX_ZIP_UNCOMPRESSED / (1024 * 1024)
            ),
        ));
    }
    Ok(archive)
}

/// Whether a ZIP is an Excel workbook (XLSX) rather than an export of files.
pub(crate) fn is_workbook(path: &Path) -> Result<bool> {
    let archive = open_checked(path)?;
    Ok(archive.index_for_name("xl/workbook.xml").is_some())
}

/// Entry names, each with its lower-case file name.
fn names(archive: &Archive) -> Vec<(usize, String)> {
    (0..archive.len())
        .filter_map(|i| {
            let entry = archive.by_index_data(i).ok()?;
            if entry.is_dir() {
                return None;
            }
            Some((i, entry.name().ok()?.into_owned()))
        })
        .collect()
}

fn base_name(entry: &str) -> String {
    entry.rsplit('/').next().unwrap_or(entry).to_lowercase()
}

/// The HTML documents, in name order: (index, entry name).
fn documents(archive: &Archive) -> Vec<(usize, String)> {
    let mut docs: Vec<(usize, String)> = names(archive)
        .into_iter()
        .filter(|(_, n)| {
            let lower = n.to_lowercase();
            (lower.starts_with(DOCUMENTS) || lower.contains("/documents/"))
                && (lower.ends_with(".html") || lower.ends_with(".htm"))
        })
        .collect();
    docs.sort_by(|a, b| a.1.cmp(&b.1));
    docs
}

/// One plan head per IT Glue table found, plus one for the documents.
pub(crate) fn heads(path: &Path, sample: usize) -> Result<Vec<TableHead>> {
    let path: PathBuf = path.to_path_buf();
    let name = super::file_name(&path);
    guarded(&name.clone(), move || {
        let mut archive = open_checked(&path)?;
        let entries = names(&archive);
        let mut heads = Vec::new();
        for (table, kind) in TABLES {
            let Some((index, entry)) = entries.iter().find(|(_, n)| base_name(n) == *table) else {
                continue;
            };
            let encoding = {
                let file = archive.by_index(*index).map_err(|e| damaged(&name, e))?;
                // An entry that inflates past its declared size fails here (the zip crate's
                // check): a damaged or hostile archive, not an I/O problem of the disk.
                decode::sniff(
                    file.take(limits::MAX_ZIP_UNCOMPRESSED),
                    &format!("{name}/{entry}"),
                )
                .map_err(|e| match e {
                    crate::error::Error::Io(io) => import_error(
                        codes::FILE_DAMAGED,
                        format!("{name} is damaged ({entry}: {io}): download or export it again"),
                    ),
                    other => other,
                })?
            };
            let file = archive.by_index(*index).map_err(|e| damaged(&name, e))?;
            let mut rows = read_table(file.take(limits::MAX_ZIP_UNCOMPRESSED), encoding, entry)?;
            let Some(Ok((_, headers))) = rows.next() else {
                continue;
            };
            let headers = check_headers(headers, entry)?;
            let sample = rows
                .take(sample)
                .filter_map(|r| r.ok().map(|(_, c)| c))
                .collect();
            heads.push(TableHead {
                part: Some(entry.clone()),
                encoding: encoding.name().to_string(),
                headers,
                sample,
                known: Some((Source::ItGlue, *kind)),
            });
        }
        if !documents(&archive).is_empty() {
            heads.push(TableHead {
                part: Some(DOCUMENTS.to_string()),
                encoding: "UTF-8".to_string(),
                headers: DOCUMENT_HEADERS.map(String::from).to_vec(),
                sample: Vec::new(),
                known: Some((Source::ItGlue, Kind::Runbooks)),
            });
        }
        if heads.is_empty() {
            return Err(import_error(
                codes::FORMAT_UNKNOWN,
                format!("{name} is a ZIP but neither an XLSX workbook nor an IT Glue export (organizations.csv, contacts.csv, configurations.csv, documents/): unpack it and import its CSV files"),
            ));
        }
        Ok(heads)
    })
}

fn damaged(name: &str, e: zip::result::ZipError) -> crate::error::Error {
    import_error(
        codes::FILE_DAMAGED,
        format!("{name} is damaged ({e}): download or export it again"),
    )
}

/// The rows of one IT Glue table (or of the documents), read on a worker thread.
pub(crate) fn rows(path: &Path, plan: &Plan) -> Result<RawRows> {
    let path = path.to_path_buf();
    let part = plan.part.clone().unwrap_or_default();
    let encoding = decode::by_name(&plan.encoding).ok_or_else(|| {
        import_error(
            codes::ENCODING,
            format!(
                "unknown encoding {:?}: inspect the file again",
                plan.encoding
            ),
        )
    })?;
    let width = plan.headers.len();
    // Open once here so that a missing or oversized archive is an error, not a row problem.
    let archive = open_checked(&path)?;
    let index = if part == DOCUMENTS {
        None
    } else {
        Some(archive.index_for_name(&part).ok_or_else(|| {
            import_error(
                codes::FILE_DAMAGED,
                format!(
                    "{} no longer holds {part}: inspect it again",
                    plan.file_name
                ),
            )
        })?)
    };
    Ok(spawn_rows(move |tx| {
        let mut archive = archive;
        match index {
            None => send_documents(&mut archive, tx),
            Some(index) => {
                let Ok(file) = archive.by_index(index) else {
                    return;
                };
                let Ok(mut table) =
                    read_table(file.take(limits::MAX_ZIP_UNCOMPRESSED), encoding, &part)
                else {
                    return;
                };
                table.next(); // the header row
                for row in table {
                    if tx.send(shape(row, width)).is_err() {
                        return; // the reader stopped listening
                    }
                }
            }
        }
    }))
}

fn send_documents(archive: &mut Archive, tx: &std::sync::mpsc::SyncSender<super::RawRow>) {
    for (n, (index, entry)) in documents(archive).into_iter().enumerate() {
        let line = n as u64 + 1;
        let row = document(archive, index, &entry)
            .map(|cells| (line, cells))
            .map_err(|p| (line, p));
        if tx.send(row).is_err() {
            return;
        }
    }
}

/// One document as `[path, organization, title, body]`: the organization is the folder under
/// `documents/` (none for a document directly in it), the title the HTML's own or the file's name.
fn document(
    archive: &mut Archive,
    index: usize,
    entry: &str,
) -> std::result::Result<Vec<String>, RowProblem> {
    let mut bytes = Vec::new();
    let read = archive
        .by_index(index)
        .map_err(|e| e.to_string())
        .and_then(|f| {
            f.take(limits::MAX_DOCUMENT_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())
        });
    if let Err(e) = read {
        return Err(RowProblem::new(
            codes::ROW_UNREADABLE,
            format!("{entry} cannot be read: {e}"),
        ));
    }
    if bytes.len() as u64 > limits::MAX_DOCUMENT_BYTES {
        return Err(RowProblem::new(
            codes::VALUE_TOO_LONG,
            format!(
                "{entry} is larger than {} MB: split the document in IT Glue",
                limits::MAX_DOCUMENT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let (html, _, _) = encoding_rs::UTF_8.decode(&bytes);
    let text = html_text::to_text(&html);
    let lower = entry.to_lowercase();
    let start = lower.find(DOCUMENTS).map_or(0, |i| i + DOCUMENTS.len());
    let inside: Vec<&str> = entry[start..].split('/').collect();
    let organization = if inside.len() > 1 {
        inside[0].to_string()
    } else {
        String::new()
    };
    let stem = inside
        .last()
        .map(|f| f.rsplit_once('.').map_or(*f, |(s, _)| s).to_string())
        .unwrap_or_default();
    Ok(vec![
        entry.to_string(),
        organization,
        text.title.unwrap_or(stem),
        text.body,
    ])
}
