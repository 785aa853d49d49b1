//! What every command shares: the store (or why it could not be opened) and the clock.
//!
//! The store is opened once at start-up. If that fails the failure is kept instead of panicking,
//! so the window still opens and each command answers with the same coded error.
//! `Store` is `Send` but not `Sync`, hence the mutex; a panic while it was held poisons it, and
//! the next caller takes it back (SQLite rolls back an unfinished transaction on its own) rather
//! than failing forever.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use ticketflow_core::clock::{Clock, SystemClock};
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::paths;
use ticketflow_core::store::Store;

/// Code of a failure the core did not name: a panic caught at the IPC boundary.
pub const INTERNAL_ERROR: &str = "INTERNAL_ERROR";

pub struct AppState {
    store: Result<Mutex<Store>, ErrorPayload>,
    clock: Arc<dyn Clock>,
    /// Closure reports: the signing identity's keychain, print viewer, running batch.
    pub(crate) reports: crate::commands::reports::ReportEnv,
    /// Where step tool buttons' links go (the browser; tests: their own).
    pub(crate) opener: crate::commands::tools::Opener,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        AppState {
            store: Ok(Mutex::new(store)),
            clock,
            reports: Default::default(),
            opener: crate::commands::tools::default_opener(),
        }
    }

    /// A state whose every store access fails with `error` (the store could not be opened).
    pub fn unavailable(error: ErrorPayload, clock: Arc<dyn Clock>) -> Self {
        AppState {
            store: Err(error),
            clock,
            reports: Default::default(),
            opener: crate::commands::tools::default_opener(),
        }
    }

    /// The app's state at start-up, on the system clock: the store in `TICKETFLOW_DATA_DIR` when
    /// set, else in the OS app-data directory (the core's [`paths::data_dir`], shared with the CLI).
    pub fn open_default() -> Self {
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let dir = paths::data_dir().map_err(|error| error.payload());
        let opened = dir.clone().and_then(|dir| open_store_in(&dir));
        match (opened, dir) {
            (Ok(store), Ok(dir)) => AppState::new(store, clock).with_platform_keychain(dir),
            (Ok(store), Err(_)) => AppState::new(store, clock),
            (Err(error), _) => {
                eprintln!(
                    "ticketflow: the store is unavailable: {}: {}",
                    error.code, error.message
                );
                AppState::unavailable(error, clock)
            }
        }
    }

    /// Runs `f` on the store (exclusively: reads and writes alike) with the current time, turning
    /// every failure into a payload: the store's open error, a core error, or a panic
    /// (`INTERNAL_ERROR`). While a hand-over is under way it is `HANDOVER_ACTIVE` instead: the
    /// window belongs to the end user, and reads would show them other tickets.
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store, DateTime<Utc>) -> ticketflow_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        self.with_store_in_handover(|store, now| {
            store.refuse_during_handover()?;
            f(store, now)
        })
    }

    /// [`AppState::with_store`] for the hand-over's own commands, which run while it is under way.
    pub(crate) fn with_store_in_handover<T>(
        &self,
        f: impl FnOnce(&mut Store, DateTime<Utc>) -> ticketflow_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        let store = self.store.as_ref().map_err(ErrorPayload::clone)?;
        let now = self.clock.now();
        guarded(|| {
            let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut store, now)
        })
    }

    /// [`AppState::with_store`] on a connection of its own, for long work (an import, its dry run,
    /// its undo): the shared store is locked only to open that connection, so the window's reads
    /// keep answering meanwhile (WAL), and its writes are `IMPORT_RUNNING` at once until `f` ends
    /// instead of waiting out the busy timeout behind `f`'s transaction. An in-memory store has no
    /// file to share: `f` runs on it under the lock, as [`AppState::with_store`] does.
    pub(crate) fn with_own_connection<T>(
        &self,
        f: impl FnOnce(&mut Store, DateTime<Utc>) -> ticketflow_core::Result<T>,
    ) -> Result<T, ErrorPayload> {
        let opened = self.with_store(|store, _| {
            Ok(store
                .open_another()?
                .map(|other| (other, store.hold_writes())))
        })?;
        match opened {
            Some((mut other, _held)) => {
                let now = self.clock.now();
                guarded(|| f(&mut other, now))
            }
            None => self.with_store(f),
        }
    }

    /// Whether a hand-over is under way (a store that cannot answer is taken as not: it holds
    /// nothing to protect, and the window must stay closable).
    pub(crate) fn in_handover(&self) -> bool {
        self.with_store_in_handover(|store, _| store.handover())
            .map(|h| h.is_some())
            .unwrap_or(false)
    }

    /// The current time, for work done outside [`AppState::with_store`].
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Runs `f`, turning its error into a payload and a panic into `INTERNAL_ERROR`.
pub(crate) fn guarded<T>(
    f: impl FnOnce() -> ticketflow_core::Result<T>,
) -> Result<T, ErrorPayload> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(|error| error.payload()),
        Err(_) => Err(ErrorPayload {
            code: INTERNAL_ERROR.to_string(),
            message: "an internal error interrupted the request; it was not completed".to_string(),
        }),
    }
}

/// Opens (creating if needed) the database in `dir`. The path is added to the message, since
/// "cannot open" alone does not tell a technician where to look.
fn open_store_in(dir: &Path) -> Result<Store, ErrorPayload> {
    let db = dir.join(paths::DB_FILE);
    Store::open(&db).map_err(|error| at_path(error.payload(), &db))
}

fn at_path(mut payload: ErrorPayload, path: &Path) -> ErrorPayload {
    payload.message = format!("{} ({})", payload.message, path.display());
    payload
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticketflow_core::store::QueueQuery;

    fn state() -> AppState {
        let store = Store::open_in_memory().expect("in-memory store opens");
        AppState::new(store, Arc::new(SystemClock))
    }

    #[test]
    fn a_panic_becomes_a_coded_error_and_the_store_stays_usable() {
        let state = state();
        let result: Result<(), _> = state.with_store(|_, _| panic!("boom"));
        assert_eq!(result.unwrap_err().code, INTERNAL_ERROR);

        let rows = state.with_store(|store, now| store.queue(&QueueQuery::default(), now));
        assert!(rows.is_ok(), "poisoned mutex was not recovered: {rows:?}");
    }

    #[test]
    fn an_unopened_store_answers_with_its_open_error() {
        let error = ErrorPayload {
            code: "STORE_ERROR".into(),
            message: "unable to open database file (/nowhere/ticketflow.db)".into(),
        };
        let state = AppState::unavailable(error.clone(), Arc::new(SystemClock));
        let result = state.with_store(|store, now| store.queue(&QueueQuery::default(), now));
        assert_eq!(result.unwrap_err(), error);
    }

    #[test]
    fn an_unwritable_data_dir_is_a_coded_error_not_a_panic() {
        let file =
            std::env::temp_dir().join(format!("ticketflow-not-a-dir-{}", std::process::id()));
        std::fs::write(&file, b"x").expect("temp file");
        let result = open_store_in(&file.join("sub"));
        let _ = std::fs::remove_file(&file);
        let error = result.err().expect("opening under a file fails");
        assert_eq!(error.code, "IO_ERROR");
        assert!(
            error.message.contains("ticketflow-not-a-dir"),
            "{}",
            error.message
        );
    }
}
