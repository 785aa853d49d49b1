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
///
/// The temporary file has a random name and is created exclusively (`O_EXCL`), so nothing planted
/// at a guessable name (a symlink to another file) is followed; the rename replaces a symlink at
/// `path` itself rather than writing through it. A report is for the client, not a secret: it gets
/// the mode any new file gets (0666 less the umask), not tempfile's private 0600.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.file_name().is_none() {
        return Err(Error::invalid("path", "must name a file"));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ticketflow-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // On failure the temporary file is removed when the error (which owns it) is dropped.
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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

    #[cfg(unix)]
    #[test]
    fn a_report_gets_the_mode_of_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r.pdf");
        write_file(&report, b"%PDF").unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&report), mode(&plain));
    }

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

    /// Symlinks planted at every name the old writer could have used (`.r.pdf.<pid>.tmp`, the
    /// usual `r.pdf.tmp`/`.r.pdf.tmp`) and at the target itself are never written through: the
    /// file they point at keeps its contents, the report lands at the target as a regular file.
    #[cfg(unix)]
    #[test]
    fn write_file_follows_no_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, b"precious").unwrap();
        let planted = [
            format!(".r.pdf.{}.tmp", std::process::id()),
            ".r.pdf.tmp".to_string(),
            "r.pdf.tmp".to_string(),
            "r.pdf".to_string(),
        ];
        for name in &planted {
            std::os::unix::fs::symlink(&victim, dir.path().join(name)).unwrap();
        }
        let path = dir.path().join("r.pdf");
        write_file(&path, b"%PDF report").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.file_type().is_file(), "the target is still a symlink");
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF report");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut expected: Vec<String> = planted[..3].to_vec();
        expected.extend(["r.pdf".to_string(), "victim.txt".to_string()]);
        expected.sort();
        assert_eq!(names, expected, "a temporary file was left behind");
    }
}
