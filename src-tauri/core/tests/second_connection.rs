//! A second connection to the desk for long work (an import): the same file with the same
//! per-connection settings, and the first connection's writes held (refused by code, not left to
//! wait out the busy timeout) until the long work ends, while its reads go on.

use chrono::{TimeZone, Utc};
use ticketflow_core::directory::{NewCompany, Tier};
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::Store;

fn company(name: &str) -> NewCompany {
    NewCompany {
        name: name.into(),
        tier: Tier::Gold,
        calendar: Calendar::AlwaysOn,
    }
}

#[test]
fn an_in_memory_store_has_no_second_connection() {
    let store = Store::open_in_memory().unwrap();
    assert!(store.open_another().unwrap().is_none());
}

#[test]
fn the_second_connection_shares_the_file_and_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ticketflow.db")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    store
        .add_company(&company("Contoso"), "admin", now)
        .unwrap();
    let mut other = store
        .open_another()
        .unwrap()
        .expect("a file has a second connection");
    assert_eq!(
        other.connection_settings().unwrap(),
        store.connection_settings().unwrap()
    );
    assert_eq!(other.connection_settings().unwrap().journal_mode, "wal");
    // What one writes, the other reads.
    other
        .add_company(&company("Fabrikam"), "admin", now)
        .unwrap();
    let names: Vec<String> = store
        .companies()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn held_writes_are_refused_by_code_until_the_hold_ends_and_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("ticketflow.db")).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let mut other = store.open_another().unwrap().unwrap();
    let held = store.hold_writes();
    let refused = store
        .add_company(&company("Contoso"), "admin", now)
        .unwrap_err();
    assert_eq!(refused.code(), "IMPORT_RUNNING");
    assert!(refused.to_string().contains("try again"), "{refused}");
    assert!(store.companies().unwrap().is_empty());
    // The connection doing the long work is not held by its own hold.
    other
        .add_company(&company("Fabrikam"), "admin", now)
        .unwrap();
    assert_eq!(store.companies().unwrap().len(), 1);
    drop(held);
    store
        .add_company(&company("Contoso"), "admin", now)
        .unwrap();
    assert_eq!(store.companies().unwrap().len(), 2);
}

/// Another program holding the desk's write lock past the busy timeout (an import from the CLI)
/// is `DESK_BUSY` with a way forward, not a bare "database is locked"; nothing is written.
#[test]
fn a_write_behind_another_programs_import_is_desk_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticketflow.db");
    let mut store = Store::open(&path).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = store
        .add_company(&company("Contoso"), "admin", now)
        .unwrap_err();
    assert_eq!(err.code(), "DESK_BUSY", "{err}");
    assert!(err.to_string().contains("try again"), "{err}");
    other.execute_batch("ROLLBACK").unwrap();
    assert!(store.companies().unwrap().is_empty());
    store
        .add_company(&company("Contoso"), "admin", now)
        .unwrap();
}
