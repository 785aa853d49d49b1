//! Saving one report where the technician chose, as the app's "Export report" and "Print" do.
//!
//! A report is written through a temporary file and a rename, so a reader (or a crash) never
//! sees half a report, and an existing file is replaced whole or not at all.

use super::{render_signed, ReportInput};
use crate::error::{Error, Result};
use crate::signing::Identity;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// A report written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SavedReport {
    /// Ticket number, e.g. "T-000042".
    pub ticket: String,
    pub path: String,
    pub bytes: u64,
    /// SHA-256 of the sealed record the report carries.
    pub record_hash: String,
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so a
/// reader (or a crash) never sees half a report.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("path", "must name a file"))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    Ok(written?)
}

/// Signs the report of `input` and writes it to `path`.
pub fn save_report(
    input: &ReportInput,
    identity: &Identity,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedReport> {
    let pdf = render_signed(input, identity, now)?;
    write_file(path, &pdf)?;
    Ok(SavedReport {
        ticket: input.sealed.record.ticket.number.clone(),
        path: path.display().to_string(),
        bytes: pdf.len() as u64,
        record_hash: input.sealed.hash.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_file_replaces_the_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, b"old contents, longer than the new").unwrap();
        write_file(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("r.pdf")]);
        let err = write_file(&dir.path().join("missing").join("r.pdf"), b"x").unwrap_err();
        assert_eq!(err.code(), "IO_ERROR");
    }
}
