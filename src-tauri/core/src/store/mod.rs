//! The SQLite store: one connection, pragmas set through the API on every open, embedded
//! migrations, and the commands that change tickets, each in one transaction with its audit events.

pub(crate) mod audit;
mod checkpoints;
mod company_tools;
mod desk;
mod directory;
mod drafts;
mod export;
mod handover;
mod health;
mod import;
mod intake;
mod migrations;
mod outbox;
mod pins;
mod qbr;
mod qbr_pack;
mod queue;
mod records;
mod runbooks;
mod seal;
mod search;
mod settings;
mod signing;
mod sla_settings;
mod technicians;
mod templates;
mod tickets;

pub(crate) use checkpoints::{all as all_checkpoints, beginning as checkpoints_beginning};
pub use checkpoints::{CheckpointStatus, SealAnchor, CHECKPOINTS_BEGAN};
pub use desk::{DeskSetup, DeskStatus};
pub use drafts::Drafts;
pub use handover::{HandoverSession, HandoverStage, HANDOVER_FREE_MISSES};
pub use import::{
    natural_key, CompanyRef, ImportBatch, ImportCounts, ImportFile, ImportMode, ImportProgress,
    ImportReport, ImportRequest, Incoming, IncomingAsset, IncomingCompany, IncomingContact,
    IncomingRow, IncomingRunbook, KeptRecord, KindCounts, RecordKind, RefusedRow, RowProblem,
    ToolLinkCounts, UndoReport,
};
pub use outbox::{MailKind, MailState, OutboxEntry};
pub(crate) use outbox::{NewMessage, Outcome, SURVEY_LINK_SENT};
pub use pins::{
    check_format as check_pin_format, unlocker_is_another, PinProof, PinStatus, FIRST_LOCK_SECS,
    FREE_ATTEMPTS, MAX_LOCK_SECS, PIN_HARD_CAP, PIN_MAX_DIGITS, PIN_MIN_DIGITS,
};
pub use queue::{QueueQuery, QueueRow, QueueSort, QUEUE_PAGE_MAX};
pub use records::{NewTimeEntry, TimeEntry};
pub use runbooks::{
    NewRunbookEntry, RunbookEntry, RunbookHit, RunbookInput, RunbookPage, RunbookQuery, RunbookRow,
    RUNBOOK_BODY_MAX, RUNBOOK_PAGE_MAX, RUNBOOK_TITLE_MAX,
};
pub(crate) use seal::{closure_record_json, insert_closure_record, verify_seal_events};
pub use seal::{
    trigger_sql, triggers_for, DeepReport, SealDifference, SealedTable, NOT_SEALED, SEALED_TABLES,
};
pub use search::{
    DocumentHit, DocumentKind, DocumentResults, TextPart, CANDIDATES, SEARCH_LIMIT_MAX,
    SEARCH_QUERY_MAX_CHARS, SEARCH_TERMS_MAX, SEARCH_TOTAL_CAP,
};
pub use signing::SigningNonce;
pub use templates::read_template_file;
pub(crate) use templates::template_over;
pub(crate) use tickets::closed_numbers_between;
pub use tickets::Waiting;

use crate::error::{Error, Result};
use crate::template::Template;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;
use std::path::Path;
use std::sync::RwLock;
use std::time::Duration;

pub struct Store {
    conn: Connection,
    /// Templates are immutable per version, so a cache never goes stale.
    templates: RwLock<HashMap<(String, u32), Template>>,
    /// Bulk loading (demo data, imports): commits skip fsync entirely until it is turned off.
    bulk: bool,
    /// The key checkpoints are signed with, once the keychain gave it (see `checkpoints.rs`).
    checkpoint_key: Option<std::sync::Arc<crate::signing::Identity>>,
    /// Why the last due checkpoint was not taken.
    checkpoint_problem: Option<String>,
    /// Set while the hand-over's own command writes: the one ticket it may change.
    handover_scope: Option<i64>,
    /// Set while an import runs on another connection of this process ([`Store::hold_writes`]):
    /// this connection's writes are `IMPORT_RUNNING` at once rather than a wait for the busy
    /// timeout behind the import's one transaction.
    writes_held: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// Keeps a store's writes refused (see [`Store::hold_writes`]) until dropped.
pub struct WritesHeld(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for WritesHeld {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub journal_mode: String,
    /// 0 off, 1 normal, 2 full.
    pub synchronous: String,
    pub foreign_keys: bool,
    pub busy_timeout_ms: u64,
}

/// How hard a commit must be on disk before it is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL with synchronous=NORMAL: survives a process crash, may lose the last commits on power loss.
    Normal,
    /// synchronous=FULL: closures and signatures, which must survive power loss too.
    Full,
}

/// How long a connection waits for another's write lock before giving up (`DESK_BUSY`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What every connection to a desk file sets, the first and any other ([`Store::open_another`]).
fn configure(conn: &Connection) -> Result<()> {
    use_wal(conn)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

/// Switches the database to WAL unless it is already.
///
/// The switch takes an exclusive lock, and SQLite answers it with SQLITE_BUSY at once (without
/// the busy handler) while another process is reading or switching a fresh desk; so it is tried
/// again for up to the busy timeout.
fn use_wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        let mode = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
            .and_then(|mode| {
                if mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory") {
                    Ok(mode)
                } else {
                    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                }
            });
        match mode {
            Ok(_) => return Ok(()),
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy)
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

impl Store {
    /// Opens (creating and migrating if needed) the database at `path`. A damaged file is
    /// `DATABASE_CORRUPT` naming it, never opened silently.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        if path.is_file() {
            health::check_file(path)?;
        }
        let conn = Connection::open(path).map_err(|e| health::at(path, e.into()))?;
        Store::init(conn, Some(path)).map_err(|e| health::at(path, e))
    }

    /// Opens an existing, up-to-date database for reading only, as verification does: it never
    /// creates a file or a directory and never migrates (an older desk is `DESK_NOT_MIGRATED`).
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Error::DeskNotFound(dir.display().to_string()));
            }
        }
        if !path.is_file() {
            return Err(Error::DeskNotFound(path.display().to_string()));
        }
        health::check_file(path)?;
        let opened = (|| -> Result<Connection> {
            let conn = health::open_read_only(path)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "query_only", true)?;
            Ok(conn)
        })();
        let conn = opened.map_err(|e| health::at(path, e))?;
        let version = migrations::schema_version(&conn).map_err(|e| health::at(path, e.into()))?;
        if version != migrations::LATEST {
            return Err(Error::DeskNotMigrated {
                path: path.display().to_string(),
                version,
                latest: migrations::LATEST,
            });
        }
        health::quick_check(&conn, path)?;
        Ok(Store::over(conn))
    }

    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, None)
    }

    fn over(conn: Connection) -> Store {
        Store {
            conn,
            templates: RwLock::new(HashMap::new()),
            bulk: false,
            checkpoint_key: None,
            checkpoint_problem: None,
            handover_scope: None,
            writes_held: Default::default(),
        }
    }

    /// A second connection to this store's file, for long work (an import) that must not hold
    /// up the app's own connection: WAL lets this one's readers go on while the other writes.
    /// Cheap on purpose: the file was checked and migrated when this store opened it, so there is
    /// no quick_check, no migration and no seeding again; only the per-connection pragmas. It
    /// shares the checkpoint key. `None` for an in-memory store, which has no file to share.
    pub fn open_another(&self) -> Result<Option<Store>> {
        let Some(path) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        configure(&conn)?;
        let mut other = Store::over(conn);
        other.checkpoint_key = self.checkpoint_key.clone();
        Ok(Some(other))
    }

    /// Refuses this connection's writes with `IMPORT_RUNNING` until the guard is dropped: an
    /// import runs on another connection ([`Store::open_another`]). Reads go on.
    pub fn hold_writes(&self) -> WritesHeld {
        self.writes_held
            .store(true, std::sync::atomic::Ordering::SeqCst);
        WritesHeld(std::sync::Arc::clone(&self.writes_held))
    }

    fn init(mut conn: Connection, path: Option<&Path>) -> Result<Store> {
        // First of all: a second process opening the desk at the same moment waits for the first
        // one's lock (switching to WAL, migrating) instead of failing with SQLITE_BUSY.
        conn.busy_timeout(BUSY_TIMEOUT)?;
        if let Some(path) = path {
            health::quick_check(&conn, path)?;
        }
        configure(&conn)?;
        migrations::apply(&mut conn)?;
        let store = Store::over(conn);
        store.seed()?;
        Ok(store)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it is written, or none of it. While a
    /// hand-over is under way (in any process of this desk) only the hand-over's own commands
    /// write; anything else is `HANDOVER_ACTIVE`.
    pub(crate) fn write<T>(
        &mut self,
        durability: Durability,
        f: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        if self.writes_held.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::ImportRunning);
        }
        let full = durability == Durability::Full && !self.bulk;
        if full {
            self.conn.pragma_update(None, "synchronous", "FULL")?;
        }
        let result = (|| {
            let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            handover::check_scope(&tx, self.handover_scope)?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        if full {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        if result.is_ok() && !self.bulk {
            self.checkpoint_if_due();
        }
        result
    }

    /// Trades durability for speed while loading many records; a crash may lose the load.
    pub fn set_bulk_load(&mut self, on: bool) -> Result<()> {
        self.conn
            .pragma_update(None, "synchronous", if on { "OFF" } else { "NORMAL" })?;
        self.bulk = on;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// A consistent copy of the database at `dest`, taken while the app writes.
    ///
    /// `VACUUM INTO` copies one read snapshot: writers carry on (WAL) and never restart it, as
    /// they restarted the online backup API's page-by-page copy on every commit, so a desk in use
    /// is copied in the time it takes to read it once. The copy is written under a random name
    /// beside `dest`, synced, then linked into place only if `dest` still does not exist: no half
    /// backup is ever visible and no existing file is replaced.
    pub fn backup(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(Error::invalid(
                "backup",
                format!("{} already exists", dest.display()),
            ));
        }
        let dir = dest
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = tempfile::Builder::new()
            .prefix(".ticketflow-backup-")
            .tempfile_in(dir)?;
        let target = tmp
            .path()
            .to_str()
            .ok_or_else(|| Error::invalid("backup", "the folder's name is not valid Unicode"))?
            .to_string();
        self.conn.execute("VACUUM INTO ?1", [&target])?;
        std::fs::File::open(tmp.path())?.sync_all()?;
        tmp.persist_noclobber(dest).map_err(|e| {
            Error::invalid(
                "backup",
                format!("{} could not be written: {}", dest.display(), e.error),
            )
        })?;
        Ok(())
    }

    /// Verifies the chain, checking checkpoints against the key this store was given.
    pub fn verify_audit(&self) -> Result<crate::audit::ChainReport> {
        let certificates = self.checkpoint_key.as_ref().map(|i| &i.certificates);
        self.verify_audit_with(certificates)
    }

    /// Verifies the chain, checking checkpoints against the desk's signing certificates.
    pub fn verify_audit_with(
        &self,
        certificates: Option<&crate::signing::Certificates>,
    ) -> Result<crate::audit::ChainReport> {
        let key = certificates
            .map(|c| crate::checkpoint::verifier(&c.signer))
            .transpose()?;
        let key = key.as_ref().map(|(k, id)| (k, id.as_str()));
        self.check_guards()?;
        // A page that cannot be read while walking the chain is damage, named as such.
        crate::audit::verify(&self.conn, key).map_err(|e| match self.conn.path() {
            Some(path) => health::at(Path::new(path), e),
            None => e,
        })
    }

    /// The connection's settings as SQLite reports them, for diagnostics and tests.
    pub fn connection_settings(&self) -> Result<ConnectionSettings> {
        let get = |pragma: &str| -> Result<String> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {pragma}"), [], |r| {
                    r.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })?)
        };
        Ok(ConnectionSettings {
            journal_mode: get("journal_mode")?,
            synchronous: get("synchronous")?,
            foreign_keys: get("foreign_keys")? == "1",
            busy_timeout_ms: get("busy_timeout")?.parse().unwrap_or(0),
        })
    }

    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Built-in template and default SLA policies, written once.
    fn seed(&self) -> Result<()> {
        let builtin = crate::template::msp_support_ticket();
        self.conn.execute(
            "INSERT OR IGNORE INTO templates (key, version, name, body) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![
                builtin.key,
                builtin.version,
                builtin.name,
                serde_json::to_string(&builtin).map_err(|e| Error::Migration(e.to_string()))?
            ],
        )?;
        // Its history row (who published it: "built-in"), which the migration could not write
        // for a desk created after it ran.
        templates::seed_history(&self.conn, chrono::Utc::now())?;
        for p in crate::sla::default_policies() {
            self.conn.execute(
                "INSERT OR IGNORE INTO sla_policies (tier, priority, first_response_minutes, resolution_minutes)
                 VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![p.tier, p.priority, p.first_response_minutes, p.resolution_minutes],
            )?;
        }
        Ok(())
    }

    pub fn template(&self, key: &str, version: u32) -> Result<Template> {
        let k = (key.to_string(), version);
        if let Some(t) = self
            .templates
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&k)
        {
            return Ok(t.clone());
        }
        let body: String = self
            .conn
            .query_row(
                "SELECT body FROM templates WHERE key = ?1 AND version = ?2",
                rusqlite::params![key, version],
                |r| r.get(0),
            )
            .map_err(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => {
                    Error::not_found("template", format!("{key} v{version}"))
                }
                e => e.into(),
            })?;
        let t = serde_json::from_str::<Template>(&body)
            .map_err(|e| Error::Migration(format!("template {key}: {e}")))?
            .with_rules();
        self.templates
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(k, t.clone());
        Ok(t)
    }
}

/// Every change is attributed to someone: a blank or absurd actor is refused.
pub(crate) fn check_actor(actor: &str) -> Result<&str> {
    let actor = actor.trim();
    if actor.is_empty() || actor.chars().count() > 200 {
        return Err(Error::invalid("actor", "who is acting must be named"));
    }
    Ok(actor)
}

/// Maps "no rows" to a coded NOT_FOUND.
pub(crate) fn found<T>(r: rusqlite::Result<T>, what: &'static str, id: impl ToString) -> Result<T> {
    match r {
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(Error::not_found(what, id)),
        other => other.map_err(Error::from),
    }
}

pub(crate) fn lookup_over(conn: &Connection) -> impl crate::workflow::Lookup + '_ {
    directory::Db(conn)
}

pub(crate) fn time_entries_over(conn: &Connection, ticket_id: i64) -> Result<Vec<TimeEntry>> {
    records::time_entries(conn, ticket_id)
}
