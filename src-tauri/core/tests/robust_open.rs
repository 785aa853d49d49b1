//! Opening a desk: verification reads it as it is (read-only, nothing created, nothing migrated),
//! a damaged file is `DATABASE_CORRUPT` naming it (exit 1 for the verify commands), and any
//! number of processes can open a fresh desk at once.

use std::path::{Path, PathBuf};
use std::process::Command;
use ticketflow_core::paths::DB_FILE;
use ticketflow_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");

struct Run {
    code: i32,
    stderr: String,
}

fn cli(args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
        .env_remove(ticketflow_core::secrets::KEYSTORE_ENV)
        .output()
        .unwrap();
    Run {
        code: out.status.code().expect("exit code, not a signal"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A closed desk with demo tickets in `dir`.
fn desk(dir: &Path) -> PathBuf {
    let db = dir.join(DB_FILE);
    let mut store = Store::open(&db).unwrap();
    ticketflow_core::demo::generate(&mut store, 12, 7, |_, _| {}).unwrap();
    db
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn garbage_pdf(dir: &Path) -> String {
    let path = dir.join("not-a-report.pdf");
    std::fs::write(&path, b"%PDF-1.7\nnothing signed\n").unwrap();
    path.to_str().unwrap().to_string()
}

fn verify_both(data_dir: &Path, pdf: &str) -> [Run; 2] {
    let d = data_dir.to_str().unwrap();
    [
        cli(&["--data-dir", d, "verify-audit"]),
        cli(&["--data-dir", d, "verify-report", pdf]),
    ]
}

#[test]
fn verifying_a_missing_desk_is_coded_exit_1_and_creates_nothing() {
    let home = tempfile::tempdir().unwrap();
    let pdf = garbage_pdf(home.path());
    let missing = home.path().join("no-such-desk");
    for r in verify_both(&missing, &pdf) {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("error[DESK_NOT_FOUND]"), "{}", r.stderr);
        assert!(r.stderr.contains("no-such-desk"), "{}", r.stderr);
    }
    assert!(!missing.exists(), "verification created the data directory");

    // A directory without a database is no desk either, and stays empty.
    let empty = home.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for r in verify_both(&empty, &pdf) {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(r.stderr.contains("error[DESK_NOT_FOUND]"), "{}", r.stderr);
    }
    assert!(listing(&empty).is_empty(), "{:?}", listing(&empty));
    let err = Store::open_read_only(&empty.join(DB_FILE)).err().unwrap();
    assert_eq!(err.code(), "DESK_NOT_FOUND");
}

#[test]
fn verifying_a_closed_desk_leaves_its_directory_as_it_was() {
    let home = tempfile::tempdir().unwrap();
    let pdf = garbage_pdf(home.path());
    let dir = home.path().join("desk");
    let db = desk(&dir);
    let before = listing(&dir);
    let bytes = std::fs::read(&db).unwrap();
    let [audit, report] = verify_both(&dir, &pdf);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    assert_eq!(report.code, 1, "{}", report.stderr);
    assert!(
        report.stderr.contains("REPORT_INVALID"),
        "{}",
        report.stderr
    );
    assert_eq!(listing(&dir), before, "verification created files");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "verification changed the database"
    );

    // The read-only store refuses writes outright.
    let mut store = Store::open_read_only(&db).unwrap();
    assert!(store.verify_audit().is_ok());
    let err = store
        .set_msp_name("Changed", "someone", chrono::Utc::now())
        .unwrap_err();
    assert_eq!(err.code(), "STORE_ERROR", "{err}");
}

#[test]
fn an_older_desk_is_not_migrated_by_verification() {
    let home = tempfile::tempdir().unwrap();
    let pdf = garbage_pdf(home.path());
    let dir = home.path().join("desk");
    let db = desk(&dir);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.pragma_update(None, "user_version", 5).unwrap();
    drop(conn);
    for r in verify_both(&dir, &pdf) {
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains("error[DESK_NOT_MIGRATED]"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains("open it with the Ticketflow app once"),
            "{}",
            r.stderr
        );
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, 5, "verification migrated the desk");
}

/// The damage done to a copy of a good desk.
#[derive(Debug, Clone, Copy)]
enum Damage {
    FirstPageZeroed,
    CutInHalf,
    MiddlePagesScrambled,
}

fn damage(db: &Path, how: Damage) {
    use std::io::{Seek, SeekFrom, Write};
    let len = std::fs::metadata(db).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    match how {
        Damage::FirstPageZeroed => f.write_all(&[0u8; 4096]).unwrap(),
        Damage::CutInHalf => f.set_len(len / 2).unwrap(),
        Damage::MiddlePagesScrambled => {
            let page = 4096;
            f.seek(SeekFrom::Start((len / page / 2) * page)).unwrap();
            let noise: Vec<u8> = (0..3 * page).map(|i| (i * 7919 % 251) as u8).collect();
            f.write_all(&noise).unwrap();
        }
    }
}

#[test]
fn a_damaged_database_is_database_corrupt_naming_the_file() {
    let home = tempfile::tempdir().unwrap();
    let pdf = garbage_pdf(home.path());
    let good = desk(&home.path().join("good"));
    for how in [
        Damage::FirstPageZeroed,
        Damage::CutInHalf,
        Damage::MiddlePagesScrambled,
    ] {
        let dir = home.path().join(format!("{how:?}"));
        std::fs::create_dir(&dir).unwrap();
        let db = dir.join(DB_FILE);
        std::fs::copy(&good, &db).unwrap();
        damage(&db, how);
        for r in verify_both(&dir, &pdf) {
            assert_eq!(r.code, 1, "{how:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("error[DATABASE_CORRUPT]"),
                "{how:?}: {}",
                r.stderr
            );
            assert!(r.stderr.contains(&format!("{how:?}")), "{}", r.stderr);
        }
        // The app's open refuses it too, with the way forward in the message.
        let err = Store::open(&db).err().expect("a damaged desk opened");
        assert_eq!(err.code(), "DATABASE_CORRUPT", "{how:?}: {err}");
        let message = err.to_string();
        assert!(message.contains(db.to_str().unwrap()), "{message}");
        assert!(message.contains("restore a backup"), "{message}");
        assert!(message.contains("TICKETFLOW_DATA_DIR"), "{message}");
    }
}

/// Eight processes open one data directory at the same moment (each migrates and seeds it if it
/// is first), twenty times over on a fresh desk and ten on old ones: every one succeeds.
#[test]
fn processes_opening_a_fresh_or_old_desk_at_once_all_succeed() {
    let home = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for round in 0..30 {
        let dir = home.path().join(format!("round-{round}"));
        if round >= 20 {
            let old = if round % 2 == 0 {
                "schema-v1.db"
            } else {
                "schema-v5.db"
            };
            std::fs::create_dir(&dir).unwrap();
            std::fs::copy(fixtures.join(old), dir.join(DB_FILE)).unwrap();
        }
        let d = dir.to_str().unwrap().to_string();
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(BIN)
                    .args(["--data-dir", &d, "report-settings"])
                    .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let store = Store::open_read_only(&dir.join(DB_FILE)).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}

/// The same with threads in one process, each with its own connection.
#[test]
fn threads_opening_a_fresh_desk_at_once_all_succeed() {
    let home = tempfile::tempdir().unwrap();
    for round in 0..20 {
        let db = home.path().join(format!("round-{round}")).join(DB_FILE);
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (db, barrier) = (db.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&db).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for t in threads {
            t.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
    }
}

/// A migration that cannot be applied names its number, never its SQL, and leaves the database
/// as it was.
#[test]
fn a_failed_migration_names_its_number_not_its_sql() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join(DB_FILE);
    let conn = rusqlite::Connection::open(&db).unwrap();
    // Migration 1 creates `companies`; a table in its way makes it fail.
    conn.execute_batch("CREATE TABLE companies (x INTEGER) STRICT;")
        .unwrap();
    drop(conn);
    let err = Store::open(&db).err().expect("the migration should fail");
    assert_eq!(err.code(), "MIGRATION_FAILED", "{err}");
    let message = err.to_string();
    assert!(message.contains("migration 0001"), "{message}");
    for sql in ["CREATE", "TABLE", "INSERT", "companies"] {
        assert!(!message.contains(sql), "SQL in the message: {message}");
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (v, tables): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM sqlite_schema",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (v, tables),
        (0, 1),
        "a failed migration left changes behind"
    );
}
