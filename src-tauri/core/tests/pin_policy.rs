//! PINs that hold (issue 14, item 3): six digits at least, every checked miss counted under the
//! write lock, and a hard cap that neither the clock nor a restart lifts: only another active
//! technician's PIN unlocks it.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{add_technician, Desk, PIN, TECH};
use std::sync::{Arc, Barrier, Mutex};
use ticketflow_core::clock::Clock;
use ticketflow_core::directory::TechTier;
use ticketflow_core::store::{Store, FREE_ATTEMPTS, PIN_HARD_CAP};

const OTHER: &str = "Sam Okafor";
const OTHER_PIN: &str = "864213";
const WRONG: &str = "000000";

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected a refusal").code()
}

fn misses(store: &Store, who: &str) -> u32 {
    store.pin_status(who).unwrap().misses
}

/// The `failures` of every `pin_rejected` event, in chain order.
fn rejected_counts(path: &std::path::Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT after ->> '$.failures' FROM audit_events WHERE action = 'pin_rejected'
             ORDER BY id",
        )
        .unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// Misses `n` times, each a day after the last, so no pause stands in the way.
fn miss(store: &mut Store, who: &str, n: u32, from: DateTime<Utc>) -> DateTime<Utc> {
    let mut at = from;
    for _ in 0..n {
        at += Duration::days(1);
        let _ = store.verify_pin(who, WRONG, at);
    }
    at
}

#[test]
fn a_new_pin_has_six_digits_at_least_wherever_it_is_set() {
    let mut d = Desk::new();
    let now = d.now;
    for short in ["12345", "1234", "12a456", "1234567890123"] {
        assert_eq!(
            code(d.store.set_pin(TECH, Some(PIN), short, now)),
            "PIN_POLICY"
        );
        let proof = d.store.verify_pin(TECH, PIN, now).unwrap();
        assert_eq!(
            code(d.store.add_technician(
                &common::technician(OTHER, TechTier::Tier1),
                short,
                proof,
                now
            )),
            "PIN_POLICY"
        );
    }
    let mut empty = Store::open_in_memory().unwrap();
    let setup = ticketflow_core::store::DeskSetup {
        desk_name: "Desk".into(),
        time_zone: "Europe/Berlin".into(),
        technician: common::technician(TECH, TechTier::Tier1),
    };
    assert_eq!(code(empty.set_up_desk(&setup, "12345", now)), "PIN_POLICY");
    assert!(!empty.desk_status().unwrap().set_up);
    empty.set_up_desk(&setup, "123456", now).unwrap();
    // The message says the rule, for the window to show as it is.
    let err = d.store.set_pin(TECH, Some(PIN), "12345", now).unwrap_err();
    assert!(err.to_string().contains("6 to 12 digits"), "{err}");
}

#[test]
fn the_hard_cap_holds_across_a_clock_jump_and_a_restart_until_another_technician_unlocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let mut d = Desk::on_file(&path);
    let t0 = d.now;
    add_technician(
        &mut d.store,
        (OTHER, TechTier::Tier1, OTHER_PIN),
        (TECH, PIN),
        t0,
    );
    let at = miss(&mut d.store, TECH, PIN_HARD_CAP - 1, t0);
    assert_eq!(misses(&d.store, TECH), PIN_HARD_CAP - 1);
    assert!(!d.store.pin_status(TECH).unwrap().locked);
    let at = at + Duration::days(1);
    assert_eq!(code(d.store.verify_pin(TECH, WRONG, at)), "PIN_LOCKED");
    // Locked: the right PIN is refused now, a year later, and after the store is reopened.
    assert_eq!(code(d.store.verify_pin(TECH, PIN, at)), "PIN_LOCKED");
    let next_year = at + Duration::days(366);
    assert_eq!(code(d.store.verify_pin(TECH, PIN, next_year)), "PIN_LOCKED");
    drop(d);
    let mut store = Store::open(&path).unwrap();
    assert!(store.pin_status(TECH).unwrap().locked);
    assert_eq!(code(store.verify_pin(TECH, PIN, next_year)), "PIN_LOCKED");
    // Refused checks while locked are not misses: nothing was compared.
    assert_eq!(misses(&store, TECH), PIN_HARD_CAP);
    // Changing the PIN needs the current one, so it is locked too.
    assert_eq!(
        code(store.set_pin(TECH, Some(PIN), "246813", next_year)),
        "PIN_LOCKED"
    );
    // The message says what to do, and who cannot do it.
    let err = store.verify_pin(TECH, PIN, next_year).unwrap_err();
    assert!(
        err.to_string().contains("another active technician"),
        "{err}"
    );

    // Another technician unlocks it with their own PIN; the technician cannot unlock themselves.
    let other = store.verify_pin(OTHER, OTHER_PIN, next_year).unwrap();
    let mut second = Store::open(&path).unwrap();
    let own = {
        // A proof for TECH cannot be had while locked, so build the self-unlock case on OTHER.
        second.verify_pin(OTHER, OTHER_PIN, next_year).unwrap()
    };
    assert_eq!(
        code(second.unlock_pin(OTHER, own, next_year)),
        "INVALID_INPUT"
    );
    store.unlock_pin(TECH, other, next_year).unwrap();
    let status = store.pin_status(TECH).unwrap();
    assert!(!status.locked);
    assert_eq!(status.misses, 0);
    store.verify_pin(TECH, PIN, next_year).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let unlocked_by: String = conn
        .query_row(
            "SELECT actor FROM audit_events WHERE action = 'pin_unlocked'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unlocked_by, OTHER);
}

#[test]
fn a_deactivated_technician_cannot_unlock_a_pin() {
    let mut d = Desk::new();
    let t0 = d.now;
    add_technician(
        &mut d.store,
        (OTHER, TechTier::Tier1, OTHER_PIN),
        (TECH, PIN),
        t0,
    );
    add_technician(
        &mut d.store,
        ("Kim Lee", TechTier::Tier1, "975310"),
        (TECH, PIN),
        t0,
    );
    let at = miss(&mut d.store, TECH, PIN_HARD_CAP, t0);
    assert_eq!(code(d.store.verify_pin(TECH, PIN, at)), "PIN_LOCKED");
    // OTHER proves who they are, then is deactivated before the proof is used.
    let stale = d.store.verify_pin(OTHER, OTHER_PIN, at).unwrap();
    let kim = d.store.verify_pin("Kim Lee", "975310", at).unwrap();
    d.store.deactivate_technician(OTHER, kim, at).unwrap();
    assert_eq!(
        code(d.store.unlock_pin(TECH, stale, at)),
        "TECHNICIAN_INACTIVE"
    );
    assert!(d.store.pin_status(TECH).unwrap().locked);
    let kim = d.store.verify_pin("Kim Lee", "975310", at).unwrap();
    d.store.unlock_pin(TECH, kim, at).unwrap();
    d.store.verify_pin(TECH, PIN, at).unwrap();
}

/// A clock that moves on a day each time it is read: read under the write lock, it gives every
/// check a time after all the checks counted before it, so no pause comes between them.
struct Ticking(Mutex<DateTime<Utc>>);

impl Clock for Ticking {
    fn now(&self) -> DateTime<Utc> {
        let mut t = self.0.lock().unwrap();
        *t += Duration::days(1);
        *t
    }
}

#[test]
fn wrong_pins_from_eight_threads_each_with_its_own_store_are_all_counted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let d = Desk::on_file(&path);
    let clock = Arc::new(Ticking(Mutex::new(d.now)));
    drop(d);
    let threads = 8;
    let start = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (path, clock, start) = (path.clone(), clock.clone(), start.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                start.wait();
                code(store.verify_pin_with(TECH, WRONG, clock.as_ref())).to_string()
            })
        })
        .collect();
    let outcomes: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let store = Store::open(&path).unwrap();
    assert_eq!(misses(&store, TECH), threads as u32, "{outcomes:?}");
    // Each miss was counted on top of the one before: 1, 2, … 8, none lost, none twice.
    assert_eq!(
        rejected_counts(&path),
        (1..=threads as i64).collect::<Vec<_>>()
    );
    let wrong = outcomes.iter().filter(|c| *c == "PIN_WRONG").count();
    assert_eq!(wrong, (FREE_ATTEMPTS - 1) as usize, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|c| c == "PIN_WRONG" || c == "PIN_THROTTLED"),
        "{outcomes:?}"
    );
}

#[test]
fn parallel_guesses_at_one_instant_are_stopped_by_the_first_pause() {
    // The same instant for every thread: once FREE_ATTEMPTS misses are counted the PIN pauses,
    // and the other guesses are refused without being compared (they learn nothing).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let d = Desk::on_file(&path);
    let now = d.now;
    drop(d);
    let start = Arc::new(Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (path, start) = (path.clone(), start.clone());
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                start.wait();
                code(store.verify_pin(TECH, WRONG, now)).to_string()
            })
        })
        .collect();
    let outcomes: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let store = Store::open(&path).unwrap();
    assert_eq!(misses(&store, TECH), FREE_ATTEMPTS, "{outcomes:?}");
    assert_eq!(
        rejected_counts(&path),
        (1..=FREE_ATTEMPTS as i64).collect::<Vec<_>>()
    );
}

#[test]
fn a_short_pin_set_before_the_rule_still_works_and_asks_to_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.db");
    let d = Desk::on_file(&path);
    let now = d.now;
    // A 4-digit PIN as an older Ticketflow stored it: an argon2id hash in the row.
    let legacy = {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let salt = SaltString::generate(&mut rand_core::OsRng);
        argon2::Argon2::default()
            .hash_password(b"2468", &salt)
            .unwrap()
            .to_string()
    };
    drop(d);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE technicians SET pin_hash = ?1 WHERE name = ?2",
            [&legacy, TECH],
        )
        .unwrap();
    let mut store = Store::open(&path).unwrap();
    assert!(!store.pin_status(TECH).unwrap().needs_change);
    store.verify_pin(TECH, "2468", now).unwrap();
    assert!(store.pin_status(TECH).unwrap().needs_change);
    // A restart does not forget it.
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert!(store.pin_status(TECH).unwrap().needs_change);
    store.set_pin(TECH, Some("2468"), "246813", now).unwrap();
    let status = store.pin_status(TECH).unwrap();
    assert!(!status.needs_change && status.set);
    assert_eq!(code(store.verify_pin(TECH, "2468", now)), "PIN_WRONG");
    store.verify_pin(TECH, "246813", now).unwrap();
}

/// `ticketflow-cli technician unlock NAME --by OTHER`, with OTHER's PIN on stdin.
#[test]
fn the_cli_unlocks_a_locked_pin_only_by_another_technician() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(ticketflow_core::paths::DB_FILE);
    let mut d = Desk::on_file(&path);
    let t0 = d.now;
    add_technician(
        &mut d.store,
        (OTHER, TechTier::Tier1, OTHER_PIN),
        (TECH, PIN),
        t0,
    );
    miss(&mut d.store, TECH, PIN_HARD_CAP, t0);
    drop(d);
    let run = |by: &str, pin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ticketflow-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["technician", "unlock", TECH, "--by", by])
            .env_remove("TICKETFLOW_PIN")
            .env_remove("TICKETFLOW_WITNESS_PIN")
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env("HOME", dir.path().join("home"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{pin}\n").as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    // Nobody unlocks their own PIN (refused before any PIN is read).
    let (exit, err) = run(TECH, PIN);
    assert_ne!(exit, 0);
    assert!(err.contains("INVALID_INPUT"), "{err}");
    assert!(err.contains("another active technician"), "{err}");
    let (exit, err) = run(OTHER, WRONG);
    assert_ne!(exit, 0);
    assert!(err.contains("PIN_WRONG"), "{err}");
    let (exit, err) = run(OTHER, OTHER_PIN);
    assert_eq!(exit, 0, "{err}");
    let mut store = Store::open(&path).unwrap();
    assert!(!store.pin_status(TECH).unwrap().locked);
    store.verify_pin(TECH, PIN, chrono::Utc::now()).unwrap();
}
