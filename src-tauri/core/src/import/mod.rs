//! Reading the files a PSA, an RMM or IT Glue exports (issue 16), the read side only: what a file
//! holds ([`inspect`] gives a [`Plan`] per table), its first rows as they would be stored
//! ([`preview`]) and every row, streamed ([`rows`]). Writing the rows into the desk, matching them
//! to what is there, undo and audit are the store's job; nothing here touches SQL or Tauri.
//!
//! Everything in a file is untrusted: a row that cannot be read becomes a [`RowProblem`] with a
//! code and its line, never a panic, and a file that cannot be read at all is a coded
//! [`Error::Import`] that says what to do. Memory does not grow with the file: CSV is read one
//! record at a time, worksheets and ZIP entries are read on a worker thread that hands rows over a
//! small bounded channel. The exceptions are a workbook's tables that calamine holds whole (an
//! XLSX's shared-string table, about 3 bytes per byte of its XML; an XLS, bounded by the format):
//! both are capped in `sheet.rs`, and CSV is the way for anything larger.

mod csv_file;
mod decode;
mod html_text;
mod itglue;
mod map;
mod normalize;
mod ole_check;
mod sheet;
mod source;

use crate::directory::tools::TOOL_KINDS;
use crate::directory::Tier;
use crate::error::{Error, Result};
use crate::template::ToolKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub use map::parse_override;
pub use normalize::DateOrder;

/// Error and row-problem codes of the import. The UI and the CLI switch on these, never on text.
pub mod codes {
    /// The file is none of CSV, XLSX, XLS or an IT Glue ZIP (or is empty).
    pub const FORMAT_UNKNOWN: &str = "IMPORT_FORMAT_UNKNOWN";
    /// The text could not be decoded (e.g. UTF-16 with an odd number of bytes).
    pub const ENCODING: &str = "IMPORT_ENCODING";
    /// A column the kind needs is not in the file and was not mapped.
    pub const COLUMN_MISSING: &str = "IMPORT_COLUMN_MISSING";
    /// A `--map COLUMN=FIELD` names no column of the file or no field of the desk.
    pub const MAP_INVALID: &str = "IMPORT_MAP_INVALID";
    /// The file, an archive entry or the archive as a whole is larger than the import reads.
    pub const TOO_LARGE: &str = "IMPORT_TOO_LARGE";
    /// The file claims a format but its insides are broken (bad ZIP, bad workbook).
    pub const FILE_DAMAGED: &str = "IMPORT_FILE_DAMAGED";
    /// The file has no header row, or the archive nothing to import.
    pub const EMPTY: &str = "IMPORT_EMPTY";
    /// `--source`/`--kind` asked for something this file cannot be.
    pub const SOURCE_MISMATCH: &str = "IMPORT_SOURCE_MISMATCH";

    /// Row: the record could not be read (unclosed quote running past the row limit, broken sheet).
    pub const ROW_UNREADABLE: &str = "IMPORT_ROW_UNREADABLE";
    /// Row: more cells than the header has columns.
    pub const ROW_SHAPE: &str = "IMPORT_ROW_SHAPE";
    /// Row: a value the kind needs (name, hostname, company, title) is empty.
    pub const VALUE_MISSING: &str = "IMPORT_VALUE_MISSING";
    /// Row: a value is longer than the desk keeps.
    pub const VALUE_TOO_LONG: &str = "IMPORT_VALUE_TOO_LONG";
    /// Row: an e-mail address does not look like one.
    pub const EMAIL_INVALID: &str = "IMPORT_EMAIL_INVALID";
    /// Row: a yes/no column holds something else.
    pub const BOOL_INVALID: &str = "IMPORT_BOOL_INVALID";
    /// Row: a date is in none of the formats the tools write, or not in the plan's day order.
    pub const DATE_INVALID: &str = "IMPORT_DATE_INVALID";
    /// Row: a tier that is not platinum, gold, silver or bronze.
    pub const TIER_UNKNOWN: &str = "IMPORT_TIER_UNKNOWN";
    /// Row: a time zone that is not in the tz database (nor a Windows name we translate).
    pub const TIME_ZONE_UNKNOWN: &str = "IMPORT_TIME_ZONE_UNKNOWN";
    /// Row: an RMM link that is not an http(s) URL.
    pub const URL_INVALID: &str = "IMPORT_URL_INVALID";
    /// Row: a company's tool link that the company form would refuse too (not http(s), a user
    /// name or password in it, an unknown placeholder, ...): checked by `directory::tools`.
    pub const TOOL_URL_INVALID: &str = "IMPORT_TOOL_URL_INVALID";
    /// Row: a tool link's button label that the company form would refuse too (longer than
    /// `TOOL_LABEL_MAX`, a control or hidden character).
    pub const TOOL_LABEL_INVALID: &str = "IMPORT_TOOL_LABEL_INVALID";
    /// Row: a tool link's label with no link of that kind in the same row. Refused rather than
    /// dropped: the file meant a link and lost its URL, and a label alone cannot become one.
    pub const TOOL_LABEL_WITHOUT_URL: &str = "IMPORT_TOOL_LABEL_WITHOUT_URL";
}

/// Limits that keep a hostile file from costing unbounded memory or time.
pub mod limits {
    /// Longest CSV record (one row, all cells, quoted newlines included), in bytes.
    pub const MAX_RECORD_BYTES: u64 = 16 * 1024 * 1024;
    /// Longest cell the import keeps, in characters: a runbook body's limit (store::runbooks).
    pub const MAX_CELL_CHARS: usize = 100_000;
    /// Longest value of any other field, in characters.
    pub const MAX_FIELD_CHARS: usize = 1_000;
    /// Most columns a header row may have.
    pub const MAX_COLUMNS: usize = 1_000;
    /// Most entries a ZIP (IT Glue export, XLSX) may list.
    pub const MAX_ZIP_ENTRIES: usize = 20_000;
    /// Most bytes a ZIP's entries may hold uncompressed, all together.
    pub const MAX_ZIP_UNCOMPRESSED: u64 = 1024 * 1024 * 1024;
    /// Largest HTML document read from an IT Glue export.
    pub const MAX_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;
    /// Most rows a worker thread hands over ahead of the reader.
    pub const CHANNEL_ROWS: usize = 256;
}

/// Which system wrote the file. Recognized from the header row (and the ZIP's layout for IT
/// Glue); `--source` overrides the guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "ImportSource")]
pub enum Source {
    Autotask,
    ConnectWise,
    Halo,
    ItGlue,
    Hudu,
    NinjaOne,
    Datto,
    /// Any other CSV or sheet: columns named as the desk names its fields (or mapped by hand).
    Csv,
}

impl Source {
    pub const ALL: [Source; 8] = [
        Source::Autotask,
        Source::ConnectWise,
        Source::Halo,
        Source::ItGlue,
        Source::Hudu,
        Source::NinjaOne,
        Source::Datto,
        Source::Csv,
    ];

    /// The CLI's spelling (`--source connectwise`).
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Autotask => "autotask",
            Source::ConnectWise => "connectwise",
            Source::Halo => "halo",
            Source::ItGlue => "itglue",
            Source::Hudu => "hudu",
            Source::NinjaOne => "ninjaone",
            Source::Datto => "datto",
            Source::Csv => "csv",
        }
    }
}

impl std::str::FromStr for Source {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase().replace(['_', '-', ' '], "");
        Source::ALL
            .into_iter()
            .find(|source| source.as_str() == wanted)
            .ok_or_else(|| {
                import_error(
                    codes::SOURCE_MISMATCH,
                    format!(
                        "unknown source {s:?}: choose one of {}",
                        Source::ALL.map(Source::as_str).join(", ")
                    ),
                )
            })
    }
}

/// What a table holds, i.e. which part of the desk's directory its rows become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ImportKind")]
pub enum Kind {
    Companies,
    Contacts,
    Assets,
    Runbooks,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Companies,
        Kind::Contacts,
        Kind::Assets,
        Kind::Runbooks,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Companies => "companies",
            Kind::Contacts => "contacts",
            Kind::Assets => "assets",
            Kind::Runbooks => "runbooks",
        }
    }
}

impl std::str::FromStr for Kind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase();
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == wanted)
            .ok_or_else(|| {
                import_error(
                    codes::SOURCE_MISMATCH,
                    format!(
                        "unknown kind {s:?}: choose one of {}",
                        Kind::ALL.map(Kind::as_str).join(", ")
                    ),
                )
            })
    }
}

/// A field of the desk's directory that a column can fill. `--map COLUMN=FIELD` spells it in
/// snake case (`external_id`, `company_name`); `-` leaves a column out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "ImportField")]
pub enum Field {
    /// The source system's own id of the row (Autotask's ID, ConnectWise's Company Identifier,
    /// IT Glue's id): what a re-import matches on.
    ExternalId,
    /// Company name, contact's full name, or (assets) a display name used when no hostname.
    Name,
    FirstName,
    LastName,
    /// The owning company's id in the source system.
    CompanyExternalId,
    /// The owning company's name, when the file has no id for it.
    CompanyName,
    Email,
    Phone,
    /// The contact's sign-in name (user principal name).
    Upn,
    /// Yes/no, "Active"/"Inactive", "Terminated": false makes the contact not authorized.
    Active,
    /// The inverse yes/no (Halo's "Inactive", ConnectWise's "Inactive Flag").
    Inactive,
    /// An explicit "authorized contact" yes/no.
    Authorized,
    /// The day the contact left: from then on the desk refuses the caller.
    TerminatedOn,
    /// The client's service tier (platinum, gold, silver, bronze).
    Tier,
    /// The client's IANA time zone (Windows names are translated).
    TimeZone,
    Hostname,
    /// Workstation, server, firewall, ...
    AssetKind,
    Serial,
    /// The sign-in name of the asset's user.
    AssignedUpn,
    /// The device's id in the RMM.
    RmmId,
    /// A link to the device in the RMM (http or https).
    RmmUrl,
    /// Runbook entry title.
    Title,
    /// Runbook entry text (plain text; IT Glue's HTML is turned into text first).
    Body,
    /// A company's tool links (issue 15), one field per kind of tool: the URL template the
    /// step buttons open, checked as the company form checks it.
    ToolPsa,
    ToolRemoteSession,
    ToolRmm,
    ToolEdr,
    ToolDocumentation,
    ToolNoc,
    ToolVendorStatus,
    /// The button label of a company's tool link, one field per kind (`tool_<kind>_label`, as
    /// Ticketflow's export writes it): checked as the company form checks it; blank keeps
    /// today's label (the kind's title for a new link). A label needs its link in the same row.
    ToolPsaLabel,
    ToolRemoteSessionLabel,
    ToolRmmLabel,
    ToolEdrLabel,
    ToolDocumentationLabel,
    ToolNocLabel,
    ToolVendorStatusLabel,
    /// When a runbook entry was written in the source (a date, or a date and time; UTC unless
    /// the value says otherwise). Empty: the import's time.
    CreatedAt,
    /// When a runbook entry last changed in the source. Empty: the created date, else the
    /// import's time.
    UpdatedAt,
}

impl Field {
    pub const ALL: [Field; 39] = [
        Field::ExternalId,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::CompanyExternalId,
        Field::CompanyName,
        Field::Email,
        Field::Phone,
        Field::Upn,
        Field::Active,
        Field::Inactive,
        Field::Authorized,
        Field::TerminatedOn,
        Field::Tier,
        Field::TimeZone,
        Field::Hostname,
        Field::AssetKind,
        Field::Serial,
        Field::AssignedUpn,
        Field::RmmId,
        Field::RmmUrl,
        Field::Title,
        Field::Body,
        Field::ToolPsa,
        Field::ToolRemoteSession,
        Field::ToolRmm,
        Field::ToolEdr,
        Field::ToolDocumentation,
        Field::ToolNoc,
        Field::ToolVendorStatus,
        Field::ToolPsaLabel,
        Field::ToolRemoteSessionLabel,
        Field::ToolRmmLabel,
        Field::ToolEdrLabel,
        Field::ToolDocumentationLabel,
        Field::ToolNocLabel,
        Field::ToolVendorStatusLabel,
        Field::CreatedAt,
        Field::UpdatedAt,
    ];

    /// The snake-case spelling used by `--map` and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ExternalId => "external_id",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::CompanyExternalId => "company_external_id",
            Field::CompanyName => "company_name",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Upn => "upn",
            Field::Active => "active",
            Field::Inactive => "inactive",
            Field::Authorized => "authorized",
            Field::TerminatedOn => "terminated_on",
            Field::Tier => "tier",
            Field::TimeZone => "time_zone",
            Field::Hostname => "hostname",
            Field::AssetKind => "asset_kind",
            Field::Serial => "serial",
            Field::AssignedUpn => "assigned_upn",
            Field::RmmId => "rmm_id",
            Field::RmmUrl => "rmm_url",
            Field::Title => "title",
            Field::Body => "body",
            Field::ToolPsa => "tool_psa",
            Field::ToolRemoteSession => "tool_remote_session",
            Field::ToolRmm => "tool_rmm",
            Field::ToolEdr => "tool_edr",
            Field::ToolDocumentation => "tool_documentation",
            Field::ToolNoc => "tool_noc",
            Field::ToolVendorStatus => "tool_vendor_status",
            Field::ToolPsaLabel => "tool_psa_label",
            Field::ToolRemoteSessionLabel => "tool_remote_session_label",
            Field::ToolRmmLabel => "tool_rmm_label",
            Field::ToolEdrLabel => "tool_edr_label",
            Field::ToolDocumentationLabel => "tool_documentation_label",
            Field::ToolNocLabel => "tool_noc_label",
            Field::ToolVendorStatusLabel => "tool_vendor_status_label",
            Field::CreatedAt => "created_at",
            Field::UpdatedAt => "updated_at",
        }
    }

    /// The field that holds a company's link for `kind` (`tool_` and the kind's stored name,
    /// which is also the export's column).
    pub fn for_tool(kind: ToolKind) -> Field {
        match kind {
            ToolKind::Psa => Field::ToolPsa,
            ToolKind::RemoteSession => Field::ToolRemoteSession,
            ToolKind::Rmm => Field::ToolRmm,
            ToolKind::Edr => Field::ToolEdr,
            ToolKind::Documentation => Field::ToolDocumentation,
            ToolKind::Noc => Field::ToolNoc,
            ToolKind::VendorStatus => Field::ToolVendorStatus,
        }
    }

    /// The kind of tool whose link this field holds, if it holds one.
    pub fn tool_kind(self) -> Option<ToolKind> {
        TOOL_KINDS.into_iter().find(|k| Field::for_tool(*k) == self)
    }

    /// The field that holds the button label of a company's link for `kind`
    /// (`tool_<kind>_label`, the export's column).
    pub fn for_tool_label(kind: ToolKind) -> Field {
        match kind {
            ToolKind::Psa => Field::ToolPsaLabel,
            ToolKind::RemoteSession => Field::ToolRemoteSessionLabel,
            ToolKind::Rmm => Field::ToolRmmLabel,
            ToolKind::Edr => Field::ToolEdrLabel,
            ToolKind::Documentation => Field::ToolDocumentationLabel,
            ToolKind::Noc => Field::ToolNocLabel,
            ToolKind::VendorStatus => Field::ToolVendorStatusLabel,
        }
    }

    /// The kind of tool whose button label this field holds, if it holds one.
    pub fn tool_label_kind(self) -> Option<ToolKind> {
        TOOL_KINDS
            .into_iter()
            .find(|k| Field::for_tool_label(*k) == self)
    }
}

/// One column of the file and the desk field it fills (`None`: left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportColumnMap")]
pub struct ColumnMap {
    /// The header as the file spells it.
    pub column: String,
    pub field: Option<Field>,
}

/// How one table of a file will be read: shown (and editable) before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportPlan")]
pub struct Plan {
    pub source: Source,
    pub kind: Kind,
    /// The file's name (no directories), for messages and the audit.
    pub file_name: String,
    /// The table inside the file: the ZIP entry (IT Glue), the worksheet (XLSX/XLS), or `None`
    /// for a plain CSV. For IT Glue documents it is the folder, `documents/`.
    pub part: Option<String>,
    /// How the text was decoded: "UTF-8", "windows-1252", "UTF-16LE", "UTF-16BE", or "xlsx"/"xls"
    /// for workbooks (their strings carry their own encoding).
    pub encoding: String,
    /// The header row, in file order.
    pub headers: Vec<String>,
    /// One entry per header, same order: the field each column fills.
    pub columns: Vec<ColumnMap>,
    /// Headers that fill no field (listed so that nothing is dropped unseen).
    pub unknown: Vec<String>,
    /// Fields this kind needs that no column fills: [`rows`] refuses until they are mapped.
    pub missing_required: Vec<Field>,
    /// How dates such as 03/04/2026 are read; guessed from the file's own dates (a day above
    /// 12 decides), month first when nothing decides (US exports).
    pub date_order: DateOrder,
    /// The tier for companies whose tier column is empty or absent; `None` leaves it to the desk.
    pub default_tier: Option<Tier>,
}

/// Why one row cannot become a record. `code` is one of [`codes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportRowProblem")]
pub struct RowProblem {
    pub code: String,
    /// Says which column and what to do.
    pub message: String,
}

impl RowProblem {
    pub(crate) fn new(code: &str, message: impl Into<String>) -> RowProblem {
        RowProblem {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// A company as the file describes it, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportCompany")]
pub struct CompanyIn {
    pub source: Source,
    pub external_id: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    /// From the tier column, else the plan's default tier.
    pub tier: Option<Tier>,
    /// A tz database name, validated (Windows names translated); the company's business-hours
    /// calendar is built in this zone by the write side.
    pub time_zone: Option<String>,
    /// False when the source marks the company inactive; `None` when the file does not say (a
    /// new company is active, an existing one keeps its flag).
    pub active: Option<bool>,
    /// The company's tool links the file gives, each checked as the company form checks it
    /// (a row with a bad link is refused whole); kinds the file has no link for are left out.
    pub tools: Vec<ToolLinkIn>,
}

/// One tool link of a company, as stored: the URL template (trimmed, scheme in lower case) and
/// the button label when the file gives one (`tool_<kind>_label`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportToolLink")]
pub struct ToolLinkIn {
    pub kind: ToolKind,
    pub url_template: String,
    /// The label checked and trimmed; `None` when the file gives none (a new link takes the
    /// kind's title, an existing one keeps its own label).
    pub label: Option<String>,
}

/// A contact (caller) as the file describes it, normalized. Authorization is data: a contact the
/// source marks inactive arrives not authorized, a termination date arrives as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportContact")]
pub struct ContactIn {
    pub source: Source,
    pub external_id: Option<String>,
    pub company_external_id: Option<String>,
    pub company_name: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub upn: Option<String>,
    /// False when the source says inactive, disabled, terminated or not authorized; `None` when
    /// the file does not say (a new contact is authorized, an existing one keeps its standing).
    pub authorized: Option<bool>,
    pub terminated_on: Option<NaiveDate>,
}

/// A device as the file describes it, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportAsset")]
pub struct AssetIn {
    pub source: Source,
    pub external_id: Option<String>,
    pub company_external_id: Option<String>,
    pub company_name: Option<String>,
    pub hostname: String,
    /// "workstation", "server", ... as the source names it (lower case); empty when not given.
    pub kind: String,
    pub serial: Option<String>,
    pub assigned_upn: Option<String>,
    pub rmm_id: Option<String>,
    pub rmm_url: Option<String>,
}

/// A runbook entry (an IT Glue document, a knowledge-base row), as plain text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportRunbook")]
pub struct RunbookIn {
    pub source: Source,
    pub external_id: Option<String>,
    /// Neither: a desk-wide entry.
    pub company_external_id: Option<String>,
    pub company_name: Option<String>,
    pub title: String,
    pub body: String,
    /// From the created/updated columns (never later than the import's time): an exported
    /// desk's entries keep their dates when imported into another desk. `None`: not given.
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One row, normalized into what the desk stores.
/// Tagged `record`, not `kind`: an asset has a `kind` of its own (the device type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "record", rename_all = "snake_case")]
#[ts(rename = "ImportRecord")]
pub enum Record {
    Company(CompanyIn),
    Contact(ContactIn),
    Asset(AssetIn),
    Runbook(RunbookIn),
}

/// One row of the file: where it is, what it said, and what it becomes (or why it cannot).
#[derive(Debug, Clone, PartialEq)]
pub struct RowOutcome {
    /// The line the row starts on (1 = the header; a quoted newline makes a row span lines), or
    /// the worksheet row number, or for IT Glue documents the document's position.
    pub line: u64,
    /// The cells as read, one per header (missing trailing cells are empty).
    pub raw: Vec<String>,
    pub record: std::result::Result<Record, RowProblem>,
}

/// [`RowOutcome`] as the Import screen receives it (a `Result` does not cross IPC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "ImportPreviewRow")]
pub struct PreviewRow {
    pub line: u64,
    pub raw: Vec<String>,
    pub record: Option<Record>,
    pub problem: Option<RowProblem>,
}

impl From<RowOutcome> for PreviewRow {
    fn from(row: RowOutcome) -> PreviewRow {
        let (record, problem) = match row.record {
            Ok(record) => (Some(record), None),
            Err(problem) => (None, Some(problem)),
        };
        PreviewRow {
            line: row.line,
            raw: row.raw,
            record,
            problem,
        }
    }
}

/// A coded import error.
pub(crate) fn import_error(code: &'static str, message: impl Into<String>) -> Error {
    Error::Import {
        code,
        message: message.into(),
    }
}

/// Lines of raw cells from some table: `(line, cells)` or a problem with the row at `line`.
pub(crate) type RawRow = std::result::Result<(u64, Vec<String>), (u64, RowProblem)>;
pub(crate) type RawRows = Box<dyn Iterator<Item = RawRow> + Send>;

/// What kind of container a file is, from its first bytes (never from its name alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// A ZIP: an XLSX workbook or an IT Glue export.
    Zip,
    /// An OLE2 compound file: an XLS workbook.
    Ole,
    /// Anything else is read as delimited text.
    Text,
}

fn container(path: &Path) -> Result<Container> {
    use std::io::Read;
    let mut head = [0u8; 8];
    let mut file = std::fs::File::open(path)?;
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(
        if head[..got].starts_with(b"PK\x03\x04") || head[..got].starts_with(b"PK\x05\x06") {
            Container::Zip
        } else if head[..got].starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            Container::Ole
        } else {
            Container::Text
        },
    )
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What a table looked like before mapping: where it is, its headers and a sample of rows (for
/// the day-order guess and the kind guess).
pub(crate) struct TableHead {
    pub part: Option<String>,
    pub encoding: String,
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    /// Set for IT Glue: the entry's name fixes source and kind.
    pub known: Option<(Source, Kind)>,
}

/// Rows sampled by [`inspect`] to guess the day order of dates.
const SAMPLE_ROWS: usize = 200;

/// Reads what `path` holds and how it would be imported: one [`Plan`] per table (a CSV or a
/// worksheet has one, an IT Glue ZIP one per file type and one for its documents).
///
/// `source` and `kind` override the guesses; `overrides` are `--map COLUMN=FIELD` pairs (`-` for
/// FIELD leaves the column out), applied to every plan that has the column. Nothing is written.
pub fn inspect(
    path: &Path,
    source: Option<Source>,
    kind: Option<Kind>,
    overrides: &[(String, String)],
) -> Result<Vec<Plan>> {
    let mut used = vec![false; overrides.len()];
    let plans = plans_of(path, source, kind, overrides, &mut used)?;
    unused_override(&file_name(path), overrides, &used)?;
    Ok(plans)
}

/// [`inspect`] for several files at once: each `--map` applies to every file that has its
/// column, and is refused only when no file has it (a map meant for the contacts file does not
/// make the companies file fail).
pub fn inspect_all(
    paths: &[PathBuf],
    source: Option<Source>,
    kind: Option<Kind>,
    overrides: &[(String, String)],
) -> Result<Vec<(PathBuf, Plan)>> {
    let mut used = vec![false; overrides.len()];
    let mut out = Vec::new();
    for path in paths {
        for plan in plans_of(path, source, kind, overrides, &mut used)? {
            out.push((path.clone(), plan));
        }
    }
    let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
    unused_override(&names.join(", "), overrides, &used)?;
    Ok(out)
}

fn unused_override(names: &str, overrides: &[(String, String)], used: &[bool]) -> Result<()> {
    match used.iter().position(|used| !used) {
        Some(i) => Err(import_error(
            codes::MAP_INVALID,
            format!(
                "--map {}={}: {names} has no column {:?}; the columns are listed by `import --dry-run`",
                overrides[i].0, overrides[i].1, overrides[i].0
            ),
        )),
        None => Ok(()),
    }
}

fn plans_of(
    path: &Path,
    source: Option<Source>,
    kind: Option<Kind>,
    overrides: &[(String, String)],
    used_overrides: &mut [bool],
) -> Result<Vec<Plan>> {
    let name = file_name(path);
    let (heads, workbook) = match container(path)? {
        Container::Text => (vec![csv_file::head(path, SAMPLE_ROWS)?], false),
        Container::Ole => (sheet::heads(path, sheet::Book::Xls, SAMPLE_ROWS)?, true),
        Container::Zip => {
            if itglue::is_workbook(path)? {
                (sheet::heads(path, sheet::Book::Xlsx, SAMPLE_ROWS)?, true)
            } else {
                (itglue::heads(path, SAMPLE_ROWS)?, false)
            }
        }
    };
    let mut plans = Vec::new();
    for head in heads {
        let guessed = match head.known {
            Some(known) => {
                // An IT Glue export holds several kinds: a --kind picks among them.
                if kind.is_some_and(|k| k != known.1) {
                    continue;
                }
                if source.is_some_and(|s| s != known.0) {
                    return Err(import_error(
                        codes::SOURCE_MISMATCH,
                        format!("{name} is an IT Glue export, not {}: leave --source out or give --source itglue", source.map(Source::as_str).unwrap_or("")),
                    ));
                }
                known
            }
            None => {
                let hint = format!("{name} {}", head.part.as_deref().unwrap_or(""));
                source::detect(&head.headers, &hint, source, kind)
            }
        };
        let (source, kind) = guessed;
        let columns = map::columns(source, kind, &head.headers);
        let columns = map::apply_overrides(columns, overrides, used_overrides)?;
        let unknown = map::unknown(&columns);
        let missing_required = map::missing_required(kind, &columns);
        let date_order = normalize::guess_date_order(&columns, &head.sample);
        plans.push(Plan {
            source,
            kind,
            file_name: name.clone(),
            part: head.part,
            encoding: head.encoding,
            headers: head.headers,
            columns,
            unknown,
            missing_required,
            date_order,
            default_tier: None,
        });
    }
    // A workbook's other sheets (report details, a legend, a pivot) are not tables of the desk:
    // a sheet where no column fills a field is left out when another sheet of the file has one.
    // Alone, it stays, so that its columns can be mapped by hand.
    let fills = |plan: &Plan| plan.columns.iter().any(|c| c.field.is_some());
    if workbook && plans.iter().any(fills) {
        plans.retain(fills);
    }
    if plans.is_empty() {
        return Err(import_error(
            codes::EMPTY,
            format!(
                "{name} holds nothing to import as {}",
                kind.map(Kind::as_str)
                    .unwrap_or("companies, contacts, assets or runbooks")
            ),
        ));
    }
    Ok(plans)
}

/// Every row of the plan's table, streamed: memory stays the same whatever the file's length.
///
/// Refuses (`IMPORT_COLUMN_MISSING`) while the plan lacks a column its kind needs, so that no
/// half-usable records reach the desk.
pub fn rows(path: &Path, plan: &Plan) -> Result<Rows> {
    if let Some(field) = plan.missing_required.first() {
        return Err(import_error(
            codes::COLUMN_MISSING,
            format!(
                "{} has no column for {} ({} needs it): map one with --map COLUMN={}",
                plan.part.as_deref().unwrap_or(&plan.file_name),
                field.as_str(),
                plan.kind.as_str(),
                field.as_str()
            ),
        ));
    }
    Ok(Rows {
        raw: raw_rows(path, plan)?,
        mapping: normalize::Mapping::new(plan).at_time(Utc::now()),
    })
}

/// The first `n` rows as they will be stored (with their problems); works on a plan that still
/// lacks a required column so that the mapping can be fixed while looking at the data.
pub fn preview(path: &Path, plan: &Plan, n: usize) -> Result<Vec<RowOutcome>> {
    let rows = Rows {
        raw: raw_rows(path, plan)?,
        mapping: normalize::Mapping::new(plan).at_time(Utc::now()),
    };
    Ok(rows.take(n).collect())
}

fn raw_rows(path: &Path, plan: &Plan) -> Result<RawRows> {
    match container(path)? {
        Container::Text => csv_file::rows(path, plan),
        Container::Ole => sheet::rows(path, sheet::Book::Xls, plan),
        Container::Zip => {
            if itglue::is_workbook(path)? {
                sheet::rows(path, sheet::Book::Xlsx, plan)
            } else {
                itglue::rows(path, plan)
            }
        }
    }
}

/// The rows of one plan, normalized as they come. See [`rows`].
pub struct Rows {
    raw: RawRows,
    mapping: normalize::Mapping,
}

impl Iterator for Rows {
    type Item = RowOutcome;

    fn next(&mut self) -> Option<RowOutcome> {
        Some(match self.raw.next()? {
            Ok((line, raw)) => {
                let record = self.mapping.record(&raw);
                RowOutcome { line, raw, record }
            }
            Err((line, problem)) => RowOutcome {
                line,
                raw: Vec::new(),
                record: Err(problem),
            },
        })
    }
}

/// Runs `produce` on a worker thread that sends rows over a bounded channel: how a worksheet or
/// a ZIP entry (whose readers borrow their archive) is streamed. A panic inside a parser ends
/// the rows with one `IMPORT_ROW_UNREADABLE` problem instead of taking the caller down.
pub(crate) fn spawn_rows<F>(produce: F) -> RawRows
where
    F: FnOnce(&std::sync::mpsc::SyncSender<RawRow>) + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::sync_channel(limits::CHANNEL_ROWS);
    let worker = std::thread::Builder::new()
        .name("import-reader".into())
        .spawn(move || produce(&tx));
    match worker {
        Ok(handle) => Box::new(WorkerRows {
            rx,
            handle: Some(handle),
            last_line: 0,
        }),
        Err(e) => Box::new(std::iter::once(Err((
            0,
            RowProblem::new(
                codes::ROW_UNREADABLE,
                format!("the reader could not start: {e}"),
            ),
        )))),
    }
}

struct WorkerRows {
    rx: std::sync::mpsc::Receiver<RawRow>,
    handle: Option<std::thread::JoinHandle<()>>,
    last_line: u64,
}

impl Iterator for WorkerRows {
    type Item = RawRow;

    fn next(&mut self) -> Option<RawRow> {
        match self.rx.recv() {
            Ok(row) => {
                self.last_line = match &row {
                    Ok((line, _)) | Err((line, _)) => *line,
                };
                Some(row)
            }
            Err(_) => {
                let handle = self.handle.take()?;
                match handle.join() {
                    Ok(()) => None,
                    Err(_) => Some(Err((
                        self.last_line + 1,
                        RowProblem::new(
                            codes::ROW_UNREADABLE,
                            "the file is damaged here: the rows after this one could not be read",
                        ),
                    ))),
                }
            }
        }
    }
}

/// Runs `work` on a worker thread and turns a panic inside a parser into `IMPORT_FILE_DAMAGED`.
pub(crate) fn guarded<T, F>(file: &str, work: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    let handle = std::thread::Builder::new()
        .name("import-inspect".into())
        .spawn(work)?;
    handle.join().unwrap_or_else(|_| {
        Err(import_error(
            codes::FILE_DAMAGED,
            format!("{file} is damaged and could not be read: export it again from the source"),
        ))
    })
}

/// The rows a text file holds, estimated from its line count (for a progress bar's ETA; a quoted
/// newline counts twice); `None` for a workbook or archive.
pub fn rows_estimate(path: &Path) -> Option<u64> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0u64;
    let mut first = true;
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        if first && (buf[..n].starts_with(b"PK") || buf[..n].starts_with(&[0xD0, 0xCF])) {
            return None;
        }
        first = false;
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
    }
    Some(lines.saturating_sub(1))
}
