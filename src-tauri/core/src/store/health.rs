//! Telling a damaged database file from a usable one before anything reads or writes it.
//!
//! SQLite opens a truncated file without complaint and only fails on the first missing page,
//! maybe months later; a zeroed header fails with "file is not a database", which said nothing
//! of where or what to do. Every such failure becomes `DATABASE_CORRUPT` naming the file.

use crate::error::{Error, Result};
use std::path::Path;

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// `quick_check` runs on open up to this file size. It reads every page: measured on a
/// 192 MB desk (5,000 tickets) 1.47 s from a cold cache and 0.13-0.2 s warm, on a 765 MB one 13 s
/// cold; so up to 64 MiB (about 1,500 tickets, at most ~0.5 s cold) every open checks it all, and
/// beyond that opening checks the header, the file length the header records and the schema,
/// and `ticketflow-cli verify-audit` reads every event.
pub(crate) const QUICK_CHECK_MAX_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) fn corrupt(path: &Path, detail: impl Into<String>) -> Error {
    Error::DatabaseCorrupt {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

/// The header of an existing database file: its magic string, its page size and, when the
/// header's page count is current and no write-ahead log holds newer pages, that the file is as
/// long as the header says (a file cut short is otherwise only found when a missing page is read).
pub(crate) fn check_file(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(()); // a new database: SQLite writes its header on first use
    }
    let mut header = [0u8; 100];
    if len < header.len() as u64 {
        return Err(corrupt(path, "shorter than a database header"));
    }
    file.read_exact(&mut header)?;
    if &header[..16] != MAGIC {
        return Err(corrupt(path, "not an SQLite database header"));
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n if n >= 512 && n.is_power_of_two() => n as u64,
        _ => return Err(corrupt(path, "invalid page size in the header")),
    };
    let be32 = |at: usize| u32::from_be_bytes(header[at..at + 4].try_into().unwrap_or([0; 4]));
    let pages = be32(28) as u64;
    let current = be32(24) == be32(92) && pages > 0;
    let wal_pending = std::fs::metadata(side_file(path, "-wal")).is_ok_and(|m| m.len() > 0);
    if current && !wal_pending && len < pages * page_size {
        return Err(corrupt(
            path,
            format!(
                "the file is cut short: {len} bytes of {}",
                pages * page_size
            ),
        ));
    }
    Ok(())
}

fn side_file(path: &Path, suffix: &str) -> std::path::PathBuf {
    path.with_file_name(format!(
        "{}{suffix}",
        path.file_name().unwrap_or_default().to_string_lossy()
    ))
}

/// A read-only connection that creates no file.
///
/// A read-only connection to a WAL database creates the `-wal` and `-shm` files when they are
/// missing (a desk no one has open) and cannot delete them on close. So when there is no `-wal`
/// file the database is opened `immutable` (no side files, no locks): every commit since the
/// last checkpoint is then in the main file. If the app opens the desk during the check and
/// checkpoints into it, a page may be read torn and the check fails as damage; run it again.
/// While the app has the desk open its `-wal` and `-shm` exist and are shared as usual.
pub(crate) fn open_read_only(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if side_file(path, "-wal").exists() {
        return rusqlite::Connection::open_with_flags(path, flags);
    }
    rusqlite::Connection::open_with_flags(
        format!("{}?immutable=1", file_uri(path)),
        flags | OpenFlags::SQLITE_OPEN_URI,
    )
}

/// `path` as an SQLite `file:` URI: every byte but unreserved ones and `/` percent-encoded.
fn file_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let text = absolute.to_string_lossy();
    #[cfg(windows)]
    let text = text.replace('\\', "/");
    let mut uri = String::from("file:");
    if !text.starts_with('/') {
        uri.push('/'); // a Windows drive path: file:/C:/...
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// Whether a SQLite error means the file itself is damaged.
fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}

/// A storage error from opening `path` becomes `DATABASE_CORRUPT` when the file is damaged.
pub(crate) fn at(path: &Path, e: Error) -> Error {
    match e {
        Error::Store(ref s) if is_corruption(s) => corrupt(path, s.to_string()),
        other => other,
    }
}

/// `PRAGMA quick_check` (every page's structure, no index cross-check) on files up to
/// [`QUICK_CHECK_MAX_BYTES`]; on larger ones, the schema is read, which touches page 1 and the
/// schema pages.
pub(crate) fn quick_check(conn: &rusqlite::Connection, path: &Path) -> Result<()> {
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len > QUICK_CHECK_MAX_BYTES {
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|e| at(path, e.into()))?;
        return Ok(());
    }
    let mut stmt = conn
        .prepare("PRAGMA quick_check(1)")
        .map_err(|e| at(path, e.into()))?;
    let first: String = stmt
        .query_row([], |r| r.get(0))
        .map_err(|e| at(path, e.into()))?;
    if first != "ok" {
        let first = first.replace('\n', " ");
        return Err(corrupt(path, format!("quick_check: {first}")));
    }
    Ok(())
}
