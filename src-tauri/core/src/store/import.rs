//! Imports into the directory (issue 16, the write side): companies, contacts, assets and runbook
//! entries from a PSA, an RMM or IT Glue, as one batch.
//!
//! - Matching: a row with an id from its source system is the record that id named before
//!   (`external_ids`); a row without one is matched on its natural key ([`natural_key`]). A row
//!   whose id disagrees with the id of the record its name would match is another record: names
//!   alone never merge two ids.
//! - One import is one transaction with one `import_batch` audit event (counts and the files'
//!   digest): a cancel from the progress callback, a reader's error or a failing write rolls all
//!   of it back. A dry run ([`Store::plan_import`]) runs the very same code in a transaction that is
//!   always rolled back, so its counts are the commit's.
//! - Undo ([`Store::undo_import`]) removes what the batch created, except what a ticket (or another
//!   record) refers to, which stays and is listed, and restores what it updated from the values it
//!   kept (`import_changes.previous`).

use super::{check_actor, Durability, Store};
use crate::audit::{self, timestamp};
use crate::canonical::sha256_hex;
use crate::directory::tools::{kind_str, kind_title, parse_kind, validate_tool, CompanyTool};
use crate::directory::Tier;
use crate::error::{Error, Result};
use crate::sla::Calendar;
use crate::workflow::Change;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;

/// The kinds of record an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Company,
    Contact,
    Asset,
    Runbook,
}

impl RecordKind {
    pub const ALL: [RecordKind; 4] = [
        RecordKind::Company,
        RecordKind::Contact,
        RecordKind::Asset,
        RecordKind::Runbook,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Company => "company",
            RecordKind::Contact => "contact",
            RecordKind::Asset => "asset",
            RecordKind::Runbook => "runbook",
        }
    }

    fn parse(s: &str) -> Result<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::invalid("kind", format!("unknown record kind {s:?}")))
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What the preview states each kind is matched on when a row has no id from its source.
pub fn natural_key(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Company => "company name (any letter case)",
        RecordKind::Contact => "e-mail address; without one, the name within its company",
        RecordKind::Asset => "hostname within its company",
        RecordKind::Runbook => "title within its company (or desk-wide)",
    }
}

/// Create new records only, update existing ones only, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    Create,
    Update,
    Both,
}

impl ImportMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Create => "create",
            ImportMode::Update => "update",
            ImportMode::Both => "both",
        }
    }
}

impl std::str::FromStr for ImportMode {
    type Err = Error;
    fn from_str(s: &str) -> Result<ImportMode> {
        match s {
            "create" => Ok(ImportMode::Create),
            "update" => Ok(ImportMode::Update),
            "both" => Ok(ImportMode::Both),
            _ => Err(Error::invalid("mode", "choose create, update or both")),
        }
    }
}

/// Which company a row belongs to: by its id in the source system, else by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CompanyRef {
    pub external_id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingCompany {
    pub external_id: Option<String>,
    pub name: String,
    /// `None`: the import's default tier for a new company, unchanged for an existing one.
    pub tier: Option<Tier>,
    /// IANA zone: a new company gets business hours (Monday to Friday, 09:00 to 17:00) there.
    pub time_zone: Option<String>,
    /// The whole calendar (Ticketflow's own export carries it); wins over `time_zone`.
    pub calendar: Option<Calendar>,
    /// The file's, like a contact's `authorized`: a client the source marks inactive arrives
    /// inactive (its callers are refused at intake), one it marks active is reactivated. `None`
    /// (the file does not say): active when new, unchanged otherwise.
    pub active: Option<bool>,
    /// Tool links (issue 15) the file gives, checked as the company form checks them. A kind the
    /// file has no link for is left as it is; a blank label keeps an existing link's label (a
    /// new link takes the kind's title).
    pub tools: Vec<CompanyTool>,
}

/// Optional fields that are `None` leave an existing record's value as it is: a file without a
/// column never clears what the desk knows. `authorized` is the file's when it says (authorization
/// is data), and a file's silence never re-authorizes a contact the desk took off; a termination
/// date is never cleared by an import.
#[derive(Debug, Clone, PartialEq)]
pub struct IncomingContact {
    pub external_id: Option<String>,
    pub company: CompanyRef,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub upn: Option<String>,
    /// `None`: authorized when new, unchanged otherwise.
    pub authorized: Option<bool>,
    pub terminated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingAsset {
    pub external_id: Option<String>,
    pub company: CompanyRef,
    pub hostname: String,
    /// `None`: "device" for a new asset.
    pub kind: Option<String>,
    pub serial: Option<String>,
    pub assigned_upn: Option<String>,
    pub rmm_id: Option<String>,
    pub rmm_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingRunbook {
    pub external_id: Option<String>,
    /// `None`: a desk-wide entry.
    pub company: Option<CompanyRef>,
    pub title: String,
    pub body: String,
    /// The source's dates (already no later than the import's time). A new entry takes them
    /// (the one given stands for the other); an entry the import changes takes `updated_at`.
    /// `None`: the import's time.
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One normalized record, as the reader (`crate::import`) makes it from a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Company(IncomingCompany),
    Contact(IncomingContact),
    Asset(IncomingAsset),
    Runbook(IncomingRunbook),
}

impl Incoming {
    pub fn kind(&self) -> RecordKind {
        match self {
            Incoming::Company(_) => RecordKind::Company,
            Incoming::Contact(_) => RecordKind::Contact,
            Incoming::Asset(_) => RecordKind::Asset,
            Incoming::Runbook(_) => RecordKind::Runbook,
        }
    }
}

/// Why a row is refused: a stable code and a sentence saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RowProblem {
    pub code: String,
    pub message: String,
}

impl RowProblem {
    pub fn new(code: &str, message: impl Into<String>) -> RowProblem {
        RowProblem {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// One input row: which file (index into [`ImportRequest::files`]), its line, its cells as read
/// (for the error file) and the record or the reader's reason for refusing it.
#[derive(Debug, Clone)]
pub struct IncomingRow {
    pub file: usize,
    pub line: u64,
    pub raw: Vec<String>,
    pub record: std::result::Result<Incoming, RowProblem>,
}

/// A file of the batch as it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportFile {
    pub name: String,
    pub sha256: String,
}

impl ImportFile {
    /// The file's name (without its folder) and the SHA-256 of its bytes, read in chunks.
    pub fn read(path: &std::path::Path) -> Result<ImportFile> {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(ImportFile {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: hex::encode(hasher.finalize()),
        })
    }
}

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The source system's stable name (e.g. `connectwise`, `ninjaone`, `itglue`, `ticketflow`):
    /// external ids are kept per source.
    pub source: String,
    pub files: Vec<ImportFile>,
    pub mode: ImportMode,
    /// A new company's tier when its row has none.
    pub default_tier: Tier,
    /// For the progress bar's ETA (rows in the files, or an estimate from their size).
    pub rows_total_estimate: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportCounts {
    pub created: u64,
    pub updated: u64,
    /// Rows written nowhere: matched in create mode, new in update mode, or equal to the record.
    pub skipped: u64,
    pub refused: u64,
}

impl ImportCounts {
    fn add(&mut self, did: Did) {
        match did {
            Did::Created => self.created += 1,
            Did::Updated => self.updated += 1,
            Did::Skipped => self.skipped += 1,
            Did::Refused => self.refused += 1,
        }
    }
}

/// What a batch did to companies' tool links: counted apart from the records, since a link is
/// part of its company's row (a company whose only change is a link counts as updated).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ToolLinkCounts {
    pub added: u64,
    pub changed: u64,
    /// Links the file gives exactly as the desk has them.
    pub unchanged: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct KindCounts {
    pub kind: RecordKind,
    pub counts: ImportCounts,
}

/// A refused row: where it is, why, and its cells as read (the error file repeats them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RefusedRow {
    pub file: usize,
    pub line: u64,
    pub kind: Option<RecordKind>,
    pub code: String,
    pub message: String,
    pub raw: Vec<String>,
}

/// What an import did, or (a dry run) would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportReport {
    /// `None` for a dry run.
    pub batch_id: Option<i64>,
    pub counts: ImportCounts,
    pub by_kind: Vec<KindCounts>,
    pub refused: Vec<RefusedRow>,
    /// SHA-256 over the files' names and digests: the batch's fingerprint in the audit chain.
    pub digest: String,
    /// Companies' tool links added, changed and given unchanged (rows written, not refused).
    pub tool_links: ToolLinkCounts,
}

/// A long import's progress, for the progress bar (rows/s and ETA) and its cancel button.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportProgress {
    pub rows_done: u64,
    pub rows_total_estimate: Option<u64>,
    pub rows_per_sec: f64,
    pub eta_secs: Option<f64>,
}

/// A created record the undo left in place, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct KeptRecord {
    pub kind: RecordKind,
    pub record_id: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UndoReport {
    pub batch_id: i64,
    pub removed: u64,
    pub restored: u64,
    pub kept: Vec<KeptRecord>,
}

/// One import batch as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ImportBatch {
    pub id: i64,
    pub actor: String,
    pub imported_at: DateTime<Utc>,
    pub files: Vec<ImportFile>,
    pub digest: String,
    pub source: String,
    pub kinds: Vec<RecordKind>,
    pub mode: ImportMode,
    pub counts: ImportCounts,
    pub undone_at: Option<DateTime<Utc>>,
    pub undone_by: Option<String>,
}

/// Rows between two progress reports (and cancel checks).
const PROGRESS_EVERY: u64 = 1000;
/// Longest name, hostname, kind or e-mail address, as the directory's own forms allow.
const NAME_MAX: usize = 200;
/// Longest optional text field (phone, UPN, serial, RMM id and link).
const FIELD_MAX: usize = 1000;
/// Created records the undo lists in its audit event (all of them are in its report).
const KEPT_IN_EVENT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Did {
    Created,
    Updated,
    Skipped,
    Refused,
}

/// A row's outcome: `Err` refuses the row (the rest goes on); a fatal error is the outer `Result`.
type Row = std::result::Result<Did, RowProblem>;

fn digest_of(files: &[ImportFile]) -> String {
    let listed: String = files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect();
    sha256_hex(listed.as_bytes())
}

fn required(field: &str, value: &str, max: usize) -> std::result::Result<(), RowProblem> {
    if value.trim().is_empty() {
        return Err(RowProblem::new(
            "FIELD_REQUIRED",
            format!("{field} is empty: fill it in or map another column to it"),
        ));
    }
    optional(field, Some(value), max)
}

fn optional(field: &str, value: Option<&str>, max: usize) -> std::result::Result<(), RowProblem> {
    match value {
        Some(v) if v.chars().count() > max => Err(RowProblem::new(
            "FIELD_TOO_LONG",
            format!("{field} is longer than {max} characters: shorten it"),
        )),
        _ => Ok(()),
    }
}

/// A blank cell is no value.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The file's value where it has one, else the record's.
fn merged(new: &Option<String>, old: Option<String>) -> Option<String> {
    given(new).map(str::to_string).or(old)
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::invalid("record", e.to_string()))
}

/// A new company's calendar: the one given, else business hours in its time zone, else 24x7.
fn new_calendar(c: &IncomingCompany) -> std::result::Result<Calendar, RowProblem> {
    if let Some(cal) = &c.calendar {
        cal.validate()
            .map_err(|e| RowProblem::new("CALENDAR_INVALID", e.to_string()))?;
        return Ok(cal.clone());
    }
    match given(&c.time_zone) {
        None => Ok(Calendar::AlwaysOn),
        Some(zone) => business_hours(zone),
    }
}

fn business_hours(zone: &str) -> std::result::Result<Calendar, RowProblem> {
    use Weekday::*;
    let time = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    Calendar::business(zone, &[Mon, Tue, Wed, Thu, Fri], time(9), time(17), &[]).map_err(|_| {
        RowProblem::new(
            "TIME_ZONE_UNKNOWN",
            format!("{zone:?} is not an IANA time zone (e.g. Europe/Berlin): correct it or leave it empty"),
        )
    })
}

/// The import's work inside its transaction; shared by the dry run and the commit.
struct Engine<'c> {
    conn: &'c Connection,
    batch_id: i64,
    /// Who imports: the tool links the batch writes carry it (and the batch's time) as
    /// `updated_by`/`updated_at`, which is how the undo tells them from links set since.
    actor: String,
    tool_links: ToolLinkCounts,
    source: String,
    mode: ImportMode,
    default_tier: Tier,
    now: String,
    seq: i64,
    companies: HashMap<CompanyRef, i64>,
    counts: [ImportCounts; 4],
    kinds: Vec<RecordKind>,
    refused: Vec<RefusedRow>,
}

impl<'c> Engine<'c> {
    fn start(
        conn: &'c Connection,
        req: &ImportRequest,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        if req.source.trim().is_empty() {
            return Err(Error::invalid(
                "source",
                "name the system the files come from",
            ));
        }
        let files = to_json(&req.files)?;
        conn.execute(
            "INSERT INTO import_batches (actor, imported_at, files, digest, source, kinds, mode,
                 created, updated, skipped, refused)
             VALUES (?1, ?2, ?3, ?4, ?5, '', ?6, 0, 0, 0, 0)",
            params![
                actor,
                timestamp(now),
                files,
                digest_of(&req.files),
                req.source.trim(),
                req.mode.as_str()
            ],
        )?;
        Ok(Engine {
            conn,
            batch_id: conn.last_insert_rowid(),
            actor: actor.to_string(),
            tool_links: ToolLinkCounts::default(),
            source: req.source.trim().to_string(),
            mode: req.mode,
            default_tier: req.default_tier,
            now: timestamp(now),
            seq: 0,
            companies: HashMap::new(),
            counts: Default::default(),
            kinds: Vec::new(),
            refused: Vec::new(),
        })
    }

    fn row(&mut self, row: IncomingRow) -> Result<()> {
        let kind = row.record.as_ref().ok().map(Incoming::kind);
        if let Some(k) = kind {
            if !self.kinds.contains(&k) {
                self.kinds.push(k);
            }
        }
        let outcome = match &row.record {
            Err(problem) => Err(problem.clone()),
            Ok(Incoming::Company(c)) => self.company(c)?,
            Ok(Incoming::Contact(c)) => self.contact(c)?,
            Ok(Incoming::Asset(a)) => self.asset(a)?,
            Ok(Incoming::Runbook(r)) => self.runbook(r)?,
        };
        let did = match outcome {
            Ok(did) => did,
            Err(problem) => {
                self.refused.push(RefusedRow {
                    file: row.file,
                    line: row.line,
                    kind,
                    code: problem.code,
                    message: problem.message,
                    raw: row.raw,
                });
                Did::Refused
            }
        };
        // A row the reader refused counts under the batch's first kind (or companies).
        let k = kind
            .or_else(|| self.kinds.first().copied())
            .unwrap_or(RecordKind::Company);
        self.counts[k.index()].add(did);
        Ok(())
    }

    fn total(&self) -> ImportCounts {
        let mut t = ImportCounts::default();
        for c in &self.counts {
            t.created += c.created;
            t.updated += c.updated;
            t.skipped += c.skipped;
            t.refused += c.refused;
        }
        t
    }

    /// Writes the batch's counts and its audit event; the report.
    fn finish(self, req: &ImportRequest, actor: &str, now: DateTime<Utc>) -> Result<ImportReport> {
        let counts = self.total();
        let kinds: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
        self.conn.execute(
            "UPDATE import_batches SET kinds = ?2, created = ?3, updated = ?4, skipped = ?5, refused = ?6
             WHERE id = ?1",
            params![
                self.batch_id,
                kinds.join(","),
                counts.created as i64,
                counts.updated as i64,
                counts.skipped as i64,
                counts.refused as i64
            ],
        )?;
        let by_kind: Vec<KindCounts> = RecordKind::ALL
            .into_iter()
            .filter(|k| self.kinds.contains(k) || self.counts[k.index()] != ImportCounts::default())
            .map(|kind| KindCounts {
                kind,
                counts: self.counts[kind.index()],
            })
            .collect();
        let digest = digest_of(&req.files);
        audit::append(
            self.conn,
            None,
            actor,
            now,
            &Change::new(
                "import_batch",
                Value::Null,
                json!({
                    "batch_id": self.batch_id,
                    "source": self.source,
                    "mode": self.mode.as_str(),
                    "kinds": kinds,
                    "files": req.files,
                    "digest": digest,
                    "counts": counts,
                    "by_kind": by_kind,
                    "tool_links": self.tool_links,
                }),
            ),
        )?;
        Ok(ImportReport {
            batch_id: Some(self.batch_id),
            counts,
            by_kind,
            refused: self.refused,
            digest,
            tool_links: self.tool_links,
        })
    }

    // --- matching -------------------------------------------------------------------------

    fn by_external(&self, kind: RecordKind, external_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT record_id FROM external_ids WHERE source = ?1 AND kind = ?2 AND external_id = ?3",
            )?
            .query_row(params![self.source, kind.as_str(), external_id], |r| r.get("record_id"))
            .optional()?)
    }

    fn has_external(&self, kind: RecordKind, record_id: i64) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM external_ids WHERE kind = ?1 AND record_id = ?2 AND source = ?3)",
            )?
            .query_row(params![kind.as_str(), record_id, self.source], |r| r.get(0))?)
    }

    /// The record a row names: by its id in the source, else by its natural key — unless the
    /// record found by name carries another id of this source (then the row is another record).
    /// `Some((id, true))` when the id is already recorded for it.
    fn find(
        &self,
        kind: RecordKind,
        external_id: Option<&str>,
        natural: impl FnOnce() -> Result<Option<i64>>,
    ) -> Result<Option<(i64, bool)>> {
        if let Some(ext) = external_id {
            if let Some(id) = self.by_external(kind, ext)? {
                return Ok(Some((id, true)));
            }
        }
        let Some(id) = natural()? else {
            return Ok(None);
        };
        if external_id.is_some() && self.has_external(kind, id)? {
            return Ok(None);
        }
        Ok(Some((id, false)))
    }

    fn remember(&self, kind: RecordKind, external_id: Option<&str>, record_id: i64) -> Result<()> {
        if let Some(ext) = external_id {
            self.conn
                .prepare_cached(
                    "INSERT INTO external_ids (source, kind, external_id, record_id, batch_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    self.source,
                    kind.as_str(),
                    ext,
                    record_id,
                    self.batch_id
                ])?;
        }
        Ok(())
    }

    fn changed(
        &mut self,
        kind: RecordKind,
        record_id: i64,
        previous: Option<String>,
    ) -> Result<()> {
        self.seq += 1;
        let action = if previous.is_some() {
            "updated"
        } else {
            "created"
        };
        self.conn
            .prepare_cached(
                "INSERT INTO import_changes (batch_id, seq, kind, record_id, action, previous)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                self.batch_id,
                self.seq,
                kind.as_str(),
                record_id,
                action,
                previous
            ])?;
        Ok(())
    }

    /// What becomes of a row before anything is written: refused when an earlier row of this
    /// import already wrote (or matched) the same record — a file with a duplicate id or key
    /// would otherwise have its second row silently overwrite the first —, else what the mode
    /// makes of the match. `None`: go on and write.
    fn settle(&self, kind: RecordKind, found: Option<(i64, bool)>) -> Result<Option<Row>> {
        if let Some((id, _)) = found {
            let seen: bool = self
                .conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM import_changes
                                    WHERE kind = ?1 AND record_id = ?2 AND batch_id = ?3)
                         OR EXISTS (SELECT 1 FROM external_ids
                                    WHERE kind = ?1 AND record_id = ?2 AND batch_id = ?3)",
                )?
                .query_row(params![kind.as_str(), id, self.batch_id], |r| r.get(0))?;
            if seen {
                return Ok(Some(Err(RowProblem::new(
                    "DUPLICATE_ROW",
                    format!(
                        "an earlier row of this import already holds this {} (same id or key): keep one row per record and import again",
                        kind.as_str()
                    ),
                ))));
            }
        }
        Ok(self.decide(found).map(Ok))
    }

    /// What the mode makes of a match (or of no match), before anything is written.
    fn decide(&self, found: Option<(i64, bool)>) -> Option<Did> {
        match (found, self.mode) {
            (Some(_), ImportMode::Create) | (None, ImportMode::Update) => Some(Did::Skipped),
            _ => None,
        }
    }

    fn company_ref(&mut self, r: &CompanyRef) -> Result<std::result::Result<i64, RowProblem>> {
        if let Some(&id) = self.companies.get(r) {
            return Ok(Ok(id));
        }
        let ext = given(&r.external_id);
        let name = given(&r.name);
        if ext.is_none() && name.is_none() {
            return Ok(Err(RowProblem::new(
                "COMPANY_MISSING",
                "the row names no company: map a company (or company id) column",
            )));
        }
        let by_ext = match ext {
            Some(e) => self.by_external(RecordKind::Company, e)?,
            None => None,
        };
        let id = match (by_ext, name) {
            (Some(id), _) => Some(id),
            (None, Some(n)) => match self.company_named(n)? {
                // Named alike but with another id of this source: not the company meant.
                Some(id) if ext.is_some() && self.has_external(RecordKind::Company, id)? => None,
                other => other,
            },
            (None, None) => None,
        };
        match id {
            Some(id) => {
                self.companies.insert(r.clone(), id);
                Ok(Ok(id))
            }
            None => Ok(Err(RowProblem::new(
                "COMPANY_NOT_FOUND",
                format!(
                    "no company {}: import the companies first (or in the same batch) or add it",
                    match (name, ext) {
                        (Some(n), _) => format!("{n:?}"),
                        (None, Some(e)) => format!("with id {e:?} from {}", self.source),
                        (None, None) => String::new(),
                    }
                ),
            ))),
        }
    }

    fn company_named(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM companies WHERE name = ?1 COLLATE NOCASE
                 ORDER BY name = ?1 DESC, id LIMIT 1",
            )?
            .query_row([name.trim()], |r| r.get("id"))
            .optional()?)
    }

    // --- companies --------------------------------------------------------------------------

    fn company(&mut self, c: &IncomingCompany) -> Result<Row> {
        if let Err(p) = required("company name", &c.name, NAME_MAX) {
            return Ok(Err(p));
        }
        let tools = match checked_tools(&c.tools) {
            Ok(tools) => tools,
            Err(p) => return Ok(Err(p)),
        };
        let name = c.name.trim();
        let ext = given(&c.external_id);
        let found = self.find(RecordKind::Company, ext, || self.company_named(name))?;
        if let Some(row) = self.settle(RecordKind::Company, found)? {
            return Ok(row);
        }
        // Any company of that name other than the one matched: the name is taken.
        let holder = self.company_named(name)?;
        let taken = |holder: Option<i64>, own: Option<i64>| {
            match holder {
            Some(h) if Some(h) != own => Err(RowProblem::new(
                "NAME_TAKEN",
                format!(
                    "a company named {name:?} already exists with another id from {}: names alone never merge two ids; rename one of them",
                    self.source
                ),
            )),
            _ => Ok(()),
        }
        };
        self.companies.clear();
        match found {
            None => {
                if let Err(p) = taken(holder, None) {
                    return Ok(Err(p));
                }
                let calendar = match new_calendar(c) {
                    Ok(cal) => to_json(&cal)?,
                    Err(p) => return Ok(Err(p)),
                };
                self.conn
                    .prepare_cached(
                        "INSERT INTO companies (name, tier, calendar, active) VALUES (?1, ?2, ?3, ?4)",
                    )?
                    .execute(params![
                        name,
                        c.tier.unwrap_or(self.default_tier),
                        calendar,
                        c.active.unwrap_or(true)
                    ])?;
                let id = self.conn.last_insert_rowid();
                self.remember(RecordKind::Company, ext, id)?;
                self.changed(RecordKind::Company, id, None)?;
                let links = self.tool_changes(id, &tools)?;
                self.write_tools(id, &links)?;
                Ok(Ok(Did::Created))
            }
            Some((id, mapped)) => {
                if let Err(p) = taken(holder.filter(|h| *h != id), Some(id)) {
                    return Ok(Err(p));
                }
                let (old_name, old_tier, old_calendar, old_active): (String, Tier, String, bool) =
                    self.conn.query_row(
                        "SELECT name, tier, calendar, active FROM companies WHERE id = ?1",
                        [id],
                        |r| {
                            Ok((
                                r.get("name")?,
                                r.get("tier")?,
                                r.get("calendar")?,
                                r.get("active")?,
                            ))
                        },
                    )?;
                let calendar = match (&c.calendar, given(&c.time_zone)) {
                    (Some(_), _) => match new_calendar(c) {
                        Ok(cal) => to_json(&cal)?,
                        Err(p) => return Ok(Err(p)),
                    },
                    (None, Some(zone)) => {
                        let mut cal: Calendar = serde_json::from_str(&old_calendar)
                            .map_err(|e| Error::invalid("calendar", e.to_string()))?;
                        // A 24x7 client has no hours to place in a zone: it stays 24x7.
                        if let Calendar::BusinessHours(h) = &mut cal {
                            if let Err(p) = business_hours(zone) {
                                return Ok(Err(p));
                            }
                            h.time_zone = zone.to_string();
                        }
                        to_json(&cal)?
                    }
                    (None, None) => old_calendar.clone(),
                };
                let tier = c.tier.unwrap_or(old_tier);
                let active = c.active.unwrap_or(old_active);
                if !mapped {
                    self.remember(RecordKind::Company, ext, id)?;
                }
                let links = self.tool_changes(id, &tools)?;
                if links.is_empty()
                    && old_name == name
                    && old_tier == tier
                    && old_calendar == calendar
                    && old_active == active
                {
                    return Ok(Ok(Did::Skipped));
                }
                let previous = json!({"name": old_name, "tier": old_tier, "calendar": old_calendar,
                                      "active": old_active});
                self.conn
                    .prepare_cached(
                        "UPDATE companies SET name = ?2, tier = ?3, calendar = ?4, active = ?5 WHERE id = ?1",
                    )?
                    .execute(params![id, name, tier, calendar, active])?;
                let previous = with_links(previous, &links);
                self.write_tools(id, &links)?;
                self.changed(RecordKind::Company, id, Some(previous.to_string()))?;
                Ok(Ok(Did::Updated))
            }
        }
    }

    // --- contacts ---------------------------------------------------------------------------

    fn contact(&mut self, c: &IncomingContact) -> Result<Row> {
        if let Err(p) = required("contact name", &c.name, NAME_MAX)
            .and(optional("email", given(&c.email), NAME_MAX))
            .and(optional("phone", given(&c.phone), FIELD_MAX))
            .and(optional("upn", given(&c.upn), FIELD_MAX))
        {
            return Ok(Err(p));
        }
        let company_id = match self.company_ref(&c.company)? {
            Ok(id) => id,
            Err(p) => return Ok(Err(p)),
        };
        let name = c.name.trim();
        let email = given(&c.email);
        let ext = given(&c.external_id);
        let found = self.find(RecordKind::Contact, ext, || {
            let mut stmt = match email {
                Some(_) => self.conn.prepare_cached(
                    "SELECT id FROM contacts WHERE email = ?1 COLLATE NOCASE ORDER BY id LIMIT 1",
                )?,
                None => self.conn.prepare_cached(
                    "SELECT id FROM contacts WHERE company_id = ?2 AND name = ?1 COLLATE NOCASE
                     ORDER BY id LIMIT 1",
                )?,
            };
            let found = match email {
                Some(e) => stmt.query_row(params![e], |r| r.get("id")),
                None => stmt.query_row(params![name, company_id], |r| r.get("id")),
            };
            Ok(found.optional()?)
        })?;
        if let Some(row) = self.settle(RecordKind::Contact, found)? {
            return Ok(row);
        }
        match found {
            None => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO contacts (company_id, name, email, phone, upn, authorized, terminated_on)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        company_id,
                        name,
                        email,
                        given(&c.phone),
                        given(&c.upn),
                        c.authorized.unwrap_or(true),
                        c.terminated_on
                    ])?;
                let id = self.conn.last_insert_rowid();
                self.remember(RecordKind::Contact, ext, id)?;
                self.changed(RecordKind::Contact, id, None)?;
                Ok(Ok(Did::Created))
            }
            Some((id, mapped)) => {
                let old = super::directory::Db(self.conn);
                let old = crate::workflow::Lookup::contact(&old, id)?;
                let mut new = old.clone();
                new.company_id = company_id;
                new.name = name.to_string();
                new.email = merged(&c.email, old.email.clone());
                new.phone = merged(&c.phone, old.phone.clone());
                new.upn = merged(&c.upn, old.upn.clone());
                new.authorized = c.authorized.unwrap_or(old.authorized);
                new.terminated_on = c.terminated_on.or(old.terminated_on);
                if !mapped {
                    self.remember(RecordKind::Contact, ext, id)?;
                }
                if new == old {
                    return Ok(Ok(Did::Skipped));
                }
                self.conn
                    .prepare_cached(
                        "UPDATE contacts SET company_id = ?2, name = ?3, email = ?4, phone = ?5, upn = ?6,
                             authorized = ?7, terminated_on = ?8 WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        new.company_id,
                        new.name,
                        new.email,
                        new.phone,
                        new.upn,
                        new.authorized,
                        new.terminated_on
                    ])?;
                self.changed(RecordKind::Contact, id, Some(to_json(&old)?))?;
                Ok(Ok(Did::Updated))
            }
        }
    }

    // --- assets -----------------------------------------------------------------------------

    fn asset(&mut self, a: &IncomingAsset) -> Result<Row> {
        if let Err(p) = required("hostname", &a.hostname, NAME_MAX)
            .and(optional("kind", given(&a.kind), NAME_MAX))
            .and(optional("serial", given(&a.serial), FIELD_MAX))
            .and(optional("assigned_upn", given(&a.assigned_upn), FIELD_MAX))
            .and(optional("rmm_id", given(&a.rmm_id), FIELD_MAX))
            .and(optional("rmm_url", given(&a.rmm_url), FIELD_MAX))
        {
            return Ok(Err(p));
        }
        let company_id = match self.company_ref(&a.company)? {
            Ok(id) => id,
            Err(p) => return Ok(Err(p)),
        };
        let hostname = a.hostname.trim();
        let ext = given(&a.external_id);
        let found = self.find(RecordKind::Asset, ext, || {
            Ok(self
                .conn
                .prepare_cached(
                    "SELECT id FROM assets WHERE company_id = ?1 AND hostname = ?2 COLLATE NOCASE
                     ORDER BY id LIMIT 1",
                )?
                .query_row(params![company_id, hostname], |r| r.get("id"))
                .optional()?)
        })?;
        if let Some(row) = self.settle(RecordKind::Asset, found)? {
            return Ok(row);
        }
        match found {
            None => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO assets (company_id, hostname, kind, serial, assigned_upn, rmm_id, rmm_url)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![
                        company_id,
                        hostname,
                        given(&a.kind).unwrap_or("device"),
                        given(&a.serial),
                        given(&a.assigned_upn),
                        given(&a.rmm_id),
                        given(&a.rmm_url)
                    ])?;
                let id = self.conn.last_insert_rowid();
                self.remember(RecordKind::Asset, ext, id)?;
                self.changed(RecordKind::Asset, id, None)?;
                Ok(Ok(Did::Created))
            }
            Some((id, mapped)) => {
                let old = crate::workflow::Lookup::asset(&super::directory::Db(self.conn), id)?;
                let mut new = old.clone();
                new.company_id = company_id;
                new.hostname = hostname.to_string();
                new.kind = given(&a.kind)
                    .map(str::to_string)
                    .unwrap_or(old.kind.clone());
                new.serial = merged(&a.serial, old.serial.clone());
                new.assigned_upn = merged(&a.assigned_upn, old.assigned_upn.clone());
                new.rmm_id = merged(&a.rmm_id, old.rmm_id.clone());
                new.rmm_url = merged(&a.rmm_url, old.rmm_url.clone());
                if !mapped {
                    self.remember(RecordKind::Asset, ext, id)?;
                }
                if new == old {
                    return Ok(Ok(Did::Skipped));
                }
                self.conn
                    .prepare_cached(
                        "UPDATE assets SET company_id = ?2, hostname = ?3, kind = ?4, serial = ?5,
                             assigned_upn = ?6, rmm_id = ?7, rmm_url = ?8 WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        new.company_id,
                        new.hostname,
                        new.kind,
                        new.serial,
                        new.assigned_upn,
                        new.rmm_id,
                        new.rmm_url
                    ])?;
                self.changed(RecordKind::Asset, id, Some(to_json(&old)?))?;
                Ok(Ok(Did::Updated))
            }
        }
    }

    // --- runbook entries --------------------------------------------------------------------

    fn runbook(&mut self, r: &IncomingRunbook) -> Result<Row> {
        if let Err(e) = super::runbooks::check_text(r.title.trim(), &r.body) {
            return Ok(Err(RowProblem::new(e.code(), e.to_string())));
        }
        let company_id = match &r.company {
            Some(c) if given(&c.external_id).is_some() || given(&c.name).is_some() => {
                match self.company_ref(c)? {
                    Ok(id) => Some(id),
                    Err(p) => return Ok(Err(p)),
                }
            }
            _ => None,
        };
        let title = r.title.trim();
        let ext = given(&r.external_id);
        let found = self.find(RecordKind::Runbook, ext, || {
            Ok(self
                .conn
                .prepare_cached(
                    "SELECT id FROM runbook_entries WHERE company_id IS ?1 AND title = ?2 COLLATE NOCASE
                     ORDER BY id LIMIT 1",
                )?
                .query_row(params![company_id, title], |r| r.get("id"))
                .optional()?)
        })?;
        if let Some(row) = self.settle(RecordKind::Runbook, found)? {
            return Ok(row);
        }
        let created_at = r
            .created_at
            .or(r.updated_at)
            .map_or_else(|| self.now.clone(), timestamp);
        let updated_at = r
            .updated_at
            .or(r.created_at)
            .map_or_else(|| self.now.clone(), timestamp);
        // A change made by this import happened when the source says, else now (never at the
        // entry's creation date).
        let changed_at = r.updated_at.map_or_else(|| self.now.clone(), timestamp);
        match found {
            None => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO runbook_entries (company_id, title, body, created_at, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![company_id, title, r.body, created_at, updated_at])?;
                let id = self.conn.last_insert_rowid();
                self.remember(RecordKind::Runbook, ext, id)?;
                self.changed(RecordKind::Runbook, id, None)?;
                Ok(Ok(Did::Created))
            }
            Some((id, mapped)) => {
                let old: RunbookRow = self.conn.query_row(
                    "SELECT company_id, title, body, created_at, updated_at FROM runbook_entries WHERE id = ?1",
                    [id],
                    RunbookRow::from_row,
                )?;
                if !mapped {
                    self.remember(RecordKind::Runbook, ext, id)?;
                }
                if old.company_id == company_id && old.title == title && old.body == r.body {
                    return Ok(Ok(Did::Skipped));
                }
                // Never before the entry's creation here (stored stamps sort as they read).
                let changed_at = changed_at.max(old.created_at.clone());
                self.conn
                    .prepare_cached(
                        "UPDATE runbook_entries SET company_id = ?2, title = ?3, body = ?4, updated_at = ?5
                         WHERE id = ?1",
                    )?
                    .execute(params![id, company_id, title, r.body, changed_at])?;
                self.changed(RecordKind::Runbook, id, Some(to_json(&old)?))?;
                Ok(Ok(Did::Updated))
            }
        }
    }
}

/// A runbook entry's columns as the undo restores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct RunbookRow {
    company_id: Option<i64>,
    title: String,
    body: String,
    created_at: String,
    updated_at: String,
}

impl RunbookRow {
    fn from_row(r: &rusqlite::Row) -> rusqlite::Result<RunbookRow> {
        Ok(RunbookRow {
            company_id: r.get("company_id")?,
            title: r.get("title")?,
            body: r.get("body")?,
            created_at: r.get("created_at")?,
            updated_at: r.get("updated_at")?,
        })
    }
}

// --- companies' tool links ---------------------------------------------------------------
//
// A link is part of its company's row in `import_changes` (whose kinds are the four records):
// an updated company keeps the links it had before under `previous.tools` (`null` where it had
// none), and the links the batch writes carry the batch's actor and time, so that the undo of a
// created company removes exactly those and keeps the company when a link was set since.

/// A company's link as stored, with who set it last: what the undo puts back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredLink {
    label: String,
    url_template: String,
    updated_by: String,
    updated_at: String,
}

/// A link the batch sets, and what the company had for that kind before.
#[derive(Debug, Clone)]
struct LinkChange {
    tool: CompanyTool,
    before: Option<StoredLink>,
}

/// The links as they may be stored, each checked as the company form checks it; a blank label
/// stays blank (decided against the stored link). The first bad link refuses the row.
fn checked_tools(tools: &[CompanyTool]) -> std::result::Result<Vec<CompanyTool>, RowProblem> {
    let mut out: Vec<CompanyTool> = Vec::with_capacity(tools.len());
    for tool in tools {
        let kind = kind_str(tool.kind);
        if out.iter().any(|t| t.kind == tool.kind) {
            return Err(RowProblem::new(
                "TOOL_DUPLICATE",
                format!("the row gives two {kind} links: keep one"),
            ));
        }
        let checked = validate_tool(tool).map_err(|e| {
            let why = match e {
                Error::ToolUrlInvalid(why) => why,
                other => other.to_string(),
            };
            RowProblem::new("TOOL_URL_INVALID", format!("tool_{kind}: {why}"))
        })?;
        out.push(CompanyTool {
            label: if tool.label.trim().is_empty() {
                String::new()
            } else {
                checked.label
            },
            ..checked
        });
    }
    Ok(out)
}

fn stored_link(
    conn: &Connection,
    company_id: i64,
    kind: crate::template::ToolKind,
) -> Result<Option<StoredLink>> {
    Ok(conn
        .prepare_cached(
            "SELECT label, url_template, updated_by, updated_at FROM company_tools
             WHERE company_id = ?1 AND kind = ?2",
        )?
        .query_row(params![company_id, kind_str(kind)], |r| {
            Ok(StoredLink {
                label: r.get("label")?,
                url_template: r.get("url_template")?,
                updated_by: r.get("updated_by")?,
                updated_at: r.get("updated_at")?,
            })
        })
        .optional()?)
}

/// `previous` with the links the batch changes as they were (`null`: none), for the undo.
fn with_links(mut previous: Value, links: &[LinkChange]) -> Value {
    if !links.is_empty() {
        let before: serde_json::Map<String, Value> = links
            .iter()
            .map(|l| (kind_str(l.tool.kind).to_string(), json!(l.before.as_ref())))
            .collect();
        previous["tools"] = Value::Object(before);
    }
    previous
}

/// Puts back the links an update changed (`previous.tools`): removes the ones it added,
/// restores the ones it replaced, with who set them and when.
fn restore_links(tx: &Connection, company_id: i64, previous: &Value) -> Result<()> {
    let Some(tools) = previous.get("tools").and_then(Value::as_object) else {
        return Ok(());
    };
    for (kind, before) in tools {
        let kind = parse_kind(kind)?;
        if before.is_null() {
            tx.prepare_cached("DELETE FROM company_tools WHERE company_id = ?1 AND kind = ?2")?
                .execute(params![company_id, kind_str(kind)])?;
            continue;
        }
        let link: StoredLink = serde_json::from_value(before.clone())
            .map_err(|e| Error::invalid("import_changes.previous", e.to_string()))?;
        tx.prepare_cached(
            "INSERT INTO company_tools (company_id, kind, label, url_template, updated_by, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (company_id, kind) DO UPDATE SET label = excluded.label,
                 url_template = excluded.url_template, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )?
        .execute(params![
            company_id,
            kind_str(kind),
            link.label,
            link.url_template,
            link.updated_by,
            link.updated_at
        ])?;
    }
    Ok(())
}

impl Engine<'_> {
    /// The links of `tools` that differ from what company `company_id` has (a link equal to the
    /// stored one counts as unchanged and is not written again).
    fn tool_changes(&mut self, company_id: i64, tools: &[CompanyTool]) -> Result<Vec<LinkChange>> {
        let mut changes = Vec::new();
        for tool in tools {
            let before = stored_link(self.conn, company_id, tool.kind)?;
            let label = match (&before, tool.label.is_empty()) {
                (_, false) => tool.label.clone(),
                (Some(b), true) => b.label.clone(),
                (None, true) => kind_title(tool.kind).to_string(),
            };
            if before
                .as_ref()
                .is_some_and(|b| b.url_template == tool.url_template && b.label == label)
            {
                self.tool_links.unchanged += 1;
                continue;
            }
            changes.push(LinkChange {
                tool: CompanyTool {
                    kind: tool.kind,
                    label,
                    url_template: tool.url_template.clone(),
                },
                before,
            });
        }
        Ok(changes)
    }

    fn write_tools(&mut self, company_id: i64, links: &[LinkChange]) -> Result<()> {
        for link in links {
            self.conn
                .prepare_cached(
                    "INSERT INTO company_tools (company_id, kind, label, url_template, updated_by, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (company_id, kind) DO UPDATE SET label = excluded.label,
                         url_template = excluded.url_template, updated_by = excluded.updated_by,
                         updated_at = excluded.updated_at",
                )?
                .execute(params![
                    company_id,
                    kind_str(link.tool.kind),
                    link.tool.label,
                    link.tool.url_template,
                    self.actor,
                    self.now
                ])?;
            match link.before {
                None => self.tool_links.added += 1,
                Some(_) => self.tool_links.changed += 1,
            }
        }
        Ok(())
    }
}

/// Feeds every row to the engine, reporting progress (and honouring a cancel) as it goes.
fn feed(
    engine: &mut Engine,
    rows: &mut dyn Iterator<Item = Result<IncomingRow>>,
    total: Option<u64>,
    progress: &mut dyn FnMut(ImportProgress) -> bool,
) -> Result<()> {
    let started = Instant::now();
    let mut done = 0u64;
    let report = |done: u64| {
        let secs = started.elapsed().as_secs_f64();
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        ImportProgress {
            rows_done: done,
            rows_total_estimate: total,
            rows_per_sec: rate,
            eta_secs: total
                .filter(|_| rate > 0.0)
                .map(|t| t.saturating_sub(done) as f64 / rate),
        }
    };
    for row in rows {
        engine.row(row?)?;
        done += 1;
        if done.is_multiple_of(PROGRESS_EVERY) && !progress(report(done)) {
            return Err(Error::ImportCancelled);
        }
    }
    if !progress(report(done)) {
        return Err(Error::ImportCancelled);
    }
    Ok(())
}

fn batch_row(r: &rusqlite::Row) -> rusqlite::Result<(ImportBatch, String, String, String)> {
    let count = |c: &str| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(c)?.max(0) as u64) };
    Ok((
        ImportBatch {
            id: r.get("id")?,
            actor: r.get("actor")?,
            imported_at: r.get("imported_at")?,
            files: Vec::new(),
            digest: r.get("digest")?,
            source: r.get("source")?,
            kinds: Vec::new(),
            mode: ImportMode::Both,
            counts: ImportCounts {
                created: count("created")?,
                updated: count("updated")?,
                skipped: count("skipped")?,
                refused: count("refused")?,
            },
            undone_at: r.get("undone_at")?,
            undone_by: r.get("undone_by")?,
        },
        r.get("files")?,
        r.get("kinds")?,
        r.get("mode")?,
    ))
}

fn to_batch(
    (mut b, files, kinds, mode): (ImportBatch, String, String, String),
) -> Result<ImportBatch> {
    b.files = serde_json::from_str(&files).map_err(|e| Error::invalid("files", e.to_string()))?;
    b.kinds = kinds
        .split(',')
        .filter(|k| !k.is_empty())
        .map(RecordKind::parse)
        .collect::<Result<_>>()?;
    b.mode = mode.parse()?;
    Ok(b)
}

const BATCH_COLS: &str = "id, actor, imported_at, files, digest, source, kinds, mode, created, \
                          updated, skipped, refused, undone_at, undone_by";

impl Store {
    /// The dry run: what [`Store::run_import`] would create, update, skip and refuse, with every
    /// refused row and its reason. The same code runs in a transaction that is always rolled
    /// back: nothing is written.
    pub fn plan_import(
        &self,
        req: &ImportRequest,
        rows: &mut dyn Iterator<Item = Result<IncomingRow>>,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportReport> {
        let now = Utc::now();
        // Dropped without a commit: rolled back, whatever happened inside.
        let tx = Transaction::new_unchecked(self.conn(), TransactionBehavior::Deferred)?;
        let mut engine = Engine::start(&tx, req, "dry run", now)?;
        feed(&mut engine, rows, req.rows_total_estimate, progress)?;
        let mut report = engine.finish(req, "dry run", now)?;
        report.batch_id = None;
        drop(tx);
        Ok(report)
    }

    /// Imports the rows as one batch in one transaction: all of it is written with its
    /// `import_batch` event, or (a cancel, a reader's error, a failing write) none of it.
    pub fn run_import(
        &mut self,
        req: &ImportRequest,
        rows: &mut dyn Iterator<Item = Result<IncomingRow>>,
        actor: &str,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(ImportProgress) -> bool,
    ) -> Result<ImportReport> {
        let actor = check_actor(actor)?.to_string();
        self.conn().set_prepared_statement_cache_capacity(64);
        self.write(Durability::Normal, |tx| {
            let mut engine = Engine::start(tx, req, &actor, now)?;
            feed(&mut engine, rows, req.rows_total_estimate, progress)?;
            engine.finish(req, &actor, now)
        })
    }

    /// Every import batch, newest first.
    pub fn import_batches(&self) -> Result<Vec<ImportBatch>> {
        let rows = self
            .conn()
            .prepare(&format!(
                "SELECT {BATCH_COLS} FROM import_batches ORDER BY id DESC"
            ))?
            .query_map([], batch_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(to_batch).collect()
    }

    /// "Undo this import": removes what the batch created, except records a ticket (or another
    /// record) refers to, which stay and are listed; restores what it updated; forgets the source
    /// ids it recorded for what it removed. One transaction with one `import_undone` event.
    /// Refused (`IMPORT_UNDO_BLOCKED`) while a later import that is not undone changed the same
    /// records: undo that one first.
    pub fn undo_import(
        &mut self,
        batch_id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<UndoReport> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            let batch = to_batch(super::found(
                tx.query_row(
                    &format!("SELECT {BATCH_COLS} FROM import_batches WHERE id = ?1"),
                    [batch_id],
                    batch_row,
                ),
                "import batch",
                batch_id,
            )?)?;
            if batch.undone_at.is_some() {
                return Err(Error::ImportUndoBlocked(format!(
                    "import {batch_id} was already undone by {}",
                    batch.undone_by.unwrap_or_default()
                )));
            }
            let later: Option<i64> = tx
                .query_row(
                    "SELECT min(b.id) FROM import_changes c
                     JOIN import_changes o ON o.kind = c.kind AND o.record_id = c.record_id AND o.batch_id > c.batch_id
                     JOIN import_batches b ON b.id = o.batch_id AND b.undone_at IS NULL
                     WHERE c.batch_id = ?1",
                    [batch_id],
                    |r| r.get(0),
                )?;
            if let Some(later) = later {
                return Err(Error::ImportUndoBlocked(format!(
                    "import {later} changed records of import {batch_id} after it: undo import {later} first"
                )));
            }
            let changes: Vec<(RecordKind, i64, Option<String>)> = tx
                .prepare(
                    "SELECT kind, record_id, previous FROM import_changes WHERE batch_id = ?1 ORDER BY seq DESC",
                )?
                .query_map([batch_id], |r| {
                    Ok((r.get::<_, String>("kind")?, r.get("record_id")?, r.get("previous")?))
                })?
                .map(|r| {
                    let (k, id, prev) = r?;
                    Ok((RecordKind::parse(&k)?, id, prev))
                })
                .collect::<Result<_>>()?;
            let mut report = UndoReport {
                batch_id,
                removed: 0,
                restored: 0,
                kept: Vec::new(),
            };
            // Newest first: a company's contacts go before the company, and a record updated
            // twice in the batch ends at its first previous values.
            for (kind, id, previous) in &changes {
                match previous {
                    Some(previous) => {
                        restore(tx, *kind, *id, previous)?;
                        report.restored += 1;
                    }
                    None => match remove(tx, *kind, *id, &batch)? {
                        None => {
                            tx.prepare_cached(
                                "DELETE FROM external_ids WHERE kind = ?1 AND record_id = ?2",
                            )?
                            .execute(params![kind.as_str(), id])?;
                            report.removed += 1;
                        }
                        Some(reason) => report.kept.push(KeptRecord {
                            kind: *kind,
                            record_id: *id,
                            reason,
                        }),
                    },
                }
            }
            // Source ids the batch gave records that existed before it.
            tx.execute(
                "DELETE FROM external_ids WHERE batch_id = ?1 AND NOT EXISTS (
                     SELECT 1 FROM import_changes c WHERE c.batch_id = ?1 AND c.action = 'created'
                         AND c.kind = external_ids.kind AND c.record_id = external_ids.record_id)",
                [batch_id],
            )?;
            report.kept.reverse();
            tx.execute(
                "UPDATE import_batches SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                params![batch_id, timestamp(now), actor],
            )?;
            audit::append(
                tx,
                None,
                &actor,
                now,
                &Change::new(
                    "import_undone",
                    json!({"batch_id": batch_id, "digest": batch.digest, "counts": batch.counts}),
                    json!({
                        "batch_id": batch_id,
                        "removed": report.removed,
                        "restored": report.restored,
                        "kept": report.kept.len(),
                        "kept_records": report.kept.iter().take(KEPT_IN_EVENT).collect::<Vec<_>>(),
                    }),
                ),
            )?;
            Ok(report)
        })
    }
}

/// Puts an updated record's columns back as they were before the batch.
fn restore(tx: &Connection, kind: RecordKind, id: i64, previous: &str) -> Result<()> {
    let bad = |e: serde_json::Error| Error::invalid("import_changes.previous", e.to_string());
    match kind {
        RecordKind::Company => {
            let v: Value = serde_json::from_str(previous).map_err(bad)?;
            // A batch recorded before companies had the flag kept no `active`: leave it as it is.
            tx.prepare_cached(
                "UPDATE companies SET name = ?2, tier = ?3, calendar = ?4,
                     active = coalesce(?5, active) WHERE id = ?1",
            )?
            .execute(params![
                id,
                v["name"].as_str().unwrap_or_default(),
                v["tier"].as_str().unwrap_or_default(),
                v["calendar"].as_str().unwrap_or_default(),
                v["active"].as_bool()
            ])?;
            restore_links(tx, id, &v)?;
        }
        RecordKind::Contact => {
            let c: crate::directory::Contact = serde_json::from_str(previous).map_err(bad)?;
            tx.prepare_cached(
                "UPDATE contacts SET company_id = ?2, name = ?3, email = ?4, phone = ?5, upn = ?6,
                     authorized = ?7, terminated_on = ?8 WHERE id = ?1",
            )?
            .execute(params![
                id,
                c.company_id,
                c.name,
                c.email,
                c.phone,
                c.upn,
                c.authorized,
                c.terminated_on
            ])?;
        }
        RecordKind::Asset => {
            let a: crate::directory::Asset = serde_json::from_str(previous).map_err(bad)?;
            tx.prepare_cached(
                "UPDATE assets SET company_id = ?2, hostname = ?3, kind = ?4, serial = ?5,
                     assigned_upn = ?6, rmm_id = ?7, rmm_url = ?8 WHERE id = ?1",
            )?
            .execute(params![
                id,
                a.company_id,
                a.hostname,
                a.kind,
                a.serial,
                a.assigned_upn,
                a.rmm_id,
                a.rmm_url
            ])?;
        }
        RecordKind::Runbook => {
            let r: RunbookRow = serde_json::from_str(previous).map_err(bad)?;
            tx.prepare_cached(
                "UPDATE runbook_entries SET company_id = ?2, title = ?3, body = ?4, created_at = ?5,
                     updated_at = ?6 WHERE id = ?1",
            )?
            .execute(params![id, r.company_id, r.title, r.body, r.created_at, r.updated_at])?;
        }
    }
    Ok(())
}

/// Removes a record the batch created; `Some(reason)` when it must stay. A company goes with
/// the tool links `batch` wrote for it, and stays (links and all) when one was set since.
fn remove(
    tx: &Connection,
    kind: RecordKind,
    id: i64,
    batch: &ImportBatch,
) -> Result<Option<String>> {
    let (tickets_sql, delete_sql) = match kind {
        RecordKind::Company => (
            "SELECT number FROM tickets WHERE company_id = ?1 ORDER BY id LIMIT 3",
            "DELETE FROM companies WHERE id = ?1",
        ),
        RecordKind::Contact => (
            "SELECT number FROM tickets WHERE contact_id = ?1 ORDER BY id LIMIT 3",
            "DELETE FROM contacts WHERE id = ?1",
        ),
        RecordKind::Asset => (
            "SELECT t.number FROM ticket_assets a JOIN tickets t ON t.id = a.ticket_id
             WHERE a.asset_id = ?1 ORDER BY t.id LIMIT 3",
            "DELETE FROM assets WHERE id = ?1",
        ),
        RecordKind::Runbook => (
            "SELECT t.number FROM ticket_runbooks l JOIN tickets t ON t.id = l.ticket_id
             WHERE l.runbook_id = ?1 ORDER BY t.id LIMIT 3",
            "DELETE FROM runbook_entries WHERE id = ?1",
        ),
    };
    let tickets: Vec<String> = tx
        .prepare_cached(tickets_sql)?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !tickets.is_empty() {
        return Ok(Some(format!(
            "ticket {} refers to it: it stays",
            tickets.join(", ")
        )));
    }
    // Anything else that refers to it (a contact or tool added since, SLA terms) keeps it too:
    // the foreign key says so, and the savepoint takes the refused delete back.
    tx.execute_batch("SAVEPOINT import_undo_row")?;
    if kind == RecordKind::Company {
        tx.prepare_cached(
            "DELETE FROM company_tools WHERE company_id = ?1 AND updated_by = ?2 AND updated_at = ?3",
        )?
        .execute(params![id, batch.actor, timestamp(batch.imported_at)])?;
    }
    match tx.prepare_cached(delete_sql)?.execute([id]) {
        Ok(_) => {
            tx.execute_batch("RELEASE import_undo_row")?;
            Ok(None)
        }
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            tx.execute_batch("ROLLBACK TO import_undo_row; RELEASE import_undo_row")?;
            Ok(Some(
                "other records added since refer to it (contacts, assets, entries, tools or SLA terms): it stays"
                    .to_string(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The read side's records (`crate::import`) as the write side takes them.
impl From<crate::import::Record> for Incoming {
    fn from(record: crate::import::Record) -> Incoming {
        use crate::import::Record;
        let company =
            |external_id: Option<String>, name: Option<String>| CompanyRef { external_id, name };
        match record {
            Record::Company(c) => Incoming::Company(IncomingCompany {
                external_id: c.external_id,
                name: c.name,
                tier: c.tier,
                time_zone: c.time_zone,
                calendar: None,
                active: c.active,
                tools: c
                    .tools
                    .into_iter()
                    .map(|t| CompanyTool {
                        kind: t.kind,
                        // Blank: the file gives no label (decided against the stored link).
                        label: t.label.unwrap_or_default(),
                        url_template: t.url_template,
                    })
                    .collect(),
            }),
            Record::Contact(c) => Incoming::Contact(IncomingContact {
                external_id: c.external_id,
                company: company(c.company_external_id, c.company_name),
                name: c.name,
                email: c.email,
                phone: c.phone,
                upn: c.upn,
                authorized: c.authorized,
                terminated_on: c.terminated_on,
            }),
            Record::Asset(a) => Incoming::Asset(IncomingAsset {
                external_id: a.external_id,
                company: company(a.company_external_id, a.company_name),
                hostname: a.hostname,
                kind: Some(a.kind).filter(|k| !k.trim().is_empty()),
                serial: a.serial,
                assigned_upn: a.assigned_upn,
                rmm_id: a.rmm_id,
                rmm_url: a.rmm_url,
            }),
            Record::Runbook(r) => Incoming::Runbook(IncomingRunbook {
                external_id: r.external_id,
                company: (r.company_external_id.is_some() || r.company_name.is_some())
                    .then(|| company(r.company_external_id, r.company_name)),
                title: r.title,
                body: r.body,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }),
        }
    }
}

impl IncomingRow {
    /// A row the read side made from file number `file` of the batch.
    pub fn from_read(file: usize, row: crate::import::RowOutcome) -> IncomingRow {
        IncomingRow {
            file,
            line: row.line,
            raw: row.raw,
            record: row.record.map(Incoming::from).map_err(|p| RowProblem {
                code: p.code,
                message: p.message,
            }),
        }
    }
}
