//! One error type for the core, each variant with a stable machine code.
//!
//! The code is the contract with the UI and the CLI: they switch on `code()`, never on the
//! message text, so messages can be reworded without breaking callers.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("choose who you are (the current technician) before changing tickets")]
    NoTechnician,
    #[error("ticket {0} is closed and sealed; it cannot change")]
    TicketClosed(String),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    #[error("caller cannot proceed: {0}; record an override with a reason to continue")]
    CallerNotAuthorized(String),
    #[error("an override needs a written reason")]
    OverrideReasonRequired,
    #[error("step {step} is not applicable: {reason}")]
    StepNotApplicable { step: String, reason: String },
    #[error("step {step} is blocked: {}", missing.join("; "))]
    GateBlocked { step: String, missing: Vec<String> },
    #[error("a ticket cannot go from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    #[error("the ticket cannot be closed yet: {}", missing.join("; "))]
    CloseBlocked { missing: Vec<String> },
    #[error("audit chain broken at event {event_id}: {reason}")]
    AuditBroken { event_id: i64, reason: String },
    #[error("the schema's guards were removed or changed (triggers {0}): someone wrote to the file behind Ticketflow; run verify-audit --deep to see what changed")]
    GuardsMissing(String),
    #[error("checkpoint {seq} (event {event_id}) no longer verifies: {reason}")]
    CheckpointInvalid {
        seq: i64,
        event_id: i64,
        reason: String,
    },
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("{}", store_message(.0))]
    Store(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    #[error("ticket {0} is not closed; only a closed ticket has a closure report")]
    NotClosed(String),
    #[error("the stored record of ticket {ticket} does not match its data: sealed {stored}, now {computed}; run `ticketflow-cli verify-audit --deep` to see what changed, and restore a backup from before the change")]
    RecordMismatch {
        ticket: String,
        stored: String,
        computed: String,
    },
    #[error("the closure report could not be made: {0}")]
    ReportFailed(String),
    #[error("the report could not be signed: {0}")]
    SigningFailed(String),
    #[error("the OS keychain is unavailable: {0}")]
    KeychainUnavailable(String),
    #[error("the signing key is not in the OS keychain: {0}")]
    SigningKeyMissing(String),
    #[error("the report failed verification: {0}")]
    ReportInvalid(String),
    #[error("enter your PIN to sign")]
    PinRequired,
    #[error("{0} has no PIN yet: set one first")]
    PinNotSet(String),
    #[error("wrong PIN ({attempts_left} attempts left before a pause)")]
    PinWrong { attempts_left: u32 },
    #[error("too many wrong PINs: try again in {retry_after_secs} s")]
    PinThrottled { retry_after_secs: i64 },
    #[error("a PIN is {min} to {max} digits, digits only: choose a longer PIN")]
    PinPolicy { min: usize, max: usize },
    #[error("{technician}'s PIN is locked after {misses} wrong PINs in a row: another active technician must unlock it with their own PIN (Technicians screen, or `ticketflow-cli technician unlock \"{technician}\" --by OTHER`)")]
    PinLocked { technician: String, misses: u32 },
    #[error("this signature was already used ({0}): ask the signer to sign again")]
    SignatureReplayed(String),
    #[error(
        "the signing session does not hold ({0}): close the pad and ask the signer to sign again"
    )]
    SigningNonceInvalid(String),
    #[error("ticket {0} is handed over to the end user: the technician's PIN on the hand-over screen ends the hand-over, then carry on")]
    HandoverActive(String),
    #[error("no hand-over is under way: start one from the ticket's verification step")]
    NoHandover,
    #[error(
        "wrong PIN ({misses} wrong so far on this hand-over; the next try waits {wait_secs} s)"
    )]
    HandoverPinWrong { misses: u32, wait_secs: u64 },
    #[error("this desk is already set up: add technicians on the Technicians screen (or `ticketflow-cli technician add`)")]
    DeskAlreadySetUp,
    #[error(
        "this desk is not set up yet: set it up first (the setup screen, or `ticketflow-cli init`)"
    )]
    DeskNotSetUp,
    #[error("{0} has been deactivated: choose an active technician")]
    TechnicianInactive(String),
    #[error("{0} is the last active technician: add another technician before deactivating them")]
    LastActiveTechnician(String),
    #[error("this logo cannot be used: {0}")]
    LogoRejected(String),
    #[error("the runbook entry's title is not valid: {0}")]
    RunbookTitleInvalid(String),
    #[error("the runbook entry's text is longer than {max} characters: shorten it or split it into several entries")]
    RunbookBodyTooLong { max: usize },
    #[error("the runbook entry belongs to another client: {0}")]
    RunbookOtherClient(String),
    #[error("ticket {0} is past step 1 (the caller is verified): only a draft can be discarded")]
    NotADraft(String),
    #[error("say what the customer owes us: waiting on the customer needs a reason")]
    WaitReasonRequired,
    #[error("{0}")]
    FollowUpRequired(String),
    #[error("{name} cannot take an escalation: {reason}; choose an active Tier 2 technician or the Tier 2 queue")]
    NotTierTwo { name: String, reason: String },
    #[error("there is no Ticketflow desk at {0}: check the data directory (--data-dir or TICKETFLOW_DATA_DIR); verifying never creates one")]
    DeskNotFound(String),
    #[error("the database {path} is damaged ({detail}): restore a backup over it, or start Ticketflow with TICKETFLOW_DATA_DIR set to another data directory")]
    DatabaseCorrupt { path: String, detail: String },
    #[error("the database {path} has schema version {version}, this Ticketflow reads {latest}: open it with the Ticketflow app once to bring it up to date, then verify again")]
    DeskNotMigrated {
        path: String,
        version: i64,
        latest: i64,
    },
    #[error("this tool link cannot be used: {0}")]
    ToolUrlInvalid(String),
    #[error("this tool cannot be opened for the ticket: {0}")]
    ToolUnavailable(String),
    #[error("the template is refused: {}", crate::template::versions::describe(.0))]
    TemplateInvalid(Vec<crate::template::validate::TemplateProblem>),
    #[error("there is no template draft: start one (Templates, Edit) or import a file first")]
    NoTemplateDraft,
    #[error("the template has no version {0}: choose one of the versions listed")]
    TemplateVersionUnknown(u32),
    #[error("nothing changed since version {0}: edit the draft (or choose another version) first")]
    TemplateUnchanged(u32),
    #[error("the import was cancelled: nothing was written, the desk is as it was")]
    ImportCancelled,
    #[error("this import cannot be undone: {0}")]
    ImportUndoBlocked(String),
    /// A write from the window while this process imports (or undoes an import) on a connection
    /// of its own: refused at once instead of waiting out the busy timeout behind the import's
    /// transaction.
    #[error("an import is running on this desk: this change was not saved; try again when the import ends (or cancel it on the Import screen)")]
    ImportRunning,
    /// Mail to requesters (issue 18): `code` is one of `crate::mail::codes`, the message says
    /// what went wrong and what to do about it.
    #[error("{message}")]
    Mail { code: &'static str, message: String },
    /// Reading a PSA/RMM/IT Glue export (issue 16): `code` is one of `crate::import::codes`, the
    /// message names the file and what to do about it.
    #[error("{message}")]
    Import { code: &'static str, message: String },
}

/// SQLite gave up waiting (the busy timeout) for another connection's write to end: another
/// program holds the desk's write lock, e.g. `ticketflow-cli import` or a second window.
fn busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn store_message(e: &rusqlite::Error) -> String {
    if busy(e) {
        "another program is writing to this desk (an import from ticketflow-cli, or another \
         Ticketflow window) and did not finish within 5 seconds: nothing was saved; try again \
         when it ends"
            .to_string()
    } else {
        format!("storage error: {e}")
    }
}

impl Error {
    /// Stable machine code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NoTechnician => "NO_TECHNICIAN",
            Error::TicketClosed(_) => "TICKET_CLOSED",
            Error::NotFound { .. } => "NOT_FOUND",
            Error::InvalidInput { .. } => "INVALID_INPUT",
            Error::CallerNotAuthorized(_) => "CALLER_NOT_AUTHORIZED",
            Error::OverrideReasonRequired => "OVERRIDE_REASON_REQUIRED",
            Error::StepNotApplicable { .. } => "STEP_NOT_APPLICABLE",
            Error::GateBlocked { .. } => "GATE_BLOCKED",
            Error::InvalidTransition { .. } => "INVALID_TRANSITION",
            Error::CloseBlocked { .. } => "CLOSE_BLOCKED",
            Error::AuditBroken { .. } => "AUDIT_BROKEN",
            Error::CheckpointInvalid { .. } => "CHECKPOINT_INVALID",
            Error::GuardsMissing(_) => "GUARDS_MISSING",
            Error::Migration(_) => "MIGRATION_FAILED",
            Error::Store(e) if busy(e) => "DESK_BUSY",
            Error::Store(_) => "STORE_ERROR",
            Error::Io(_) => "IO_ERROR",
            Error::NotClosed(_) => "NOT_CLOSED",
            Error::RecordMismatch { .. } => "RECORD_MISMATCH",
            Error::ReportFailed(_) => "REPORT_FAILED",
            Error::SigningFailed(_) => "SIGNING_FAILED",
            Error::KeychainUnavailable(_) => "KEYCHAIN_UNAVAILABLE",
            Error::SigningKeyMissing(_) => "SIGNING_KEY_MISSING",
            Error::ReportInvalid(_) => "REPORT_INVALID",
            Error::PinRequired => "PIN_REQUIRED",
            Error::PinNotSet(_) => "PIN_NOT_SET",
            Error::PinWrong { .. } => "PIN_WRONG",
            Error::PinThrottled { .. } => "PIN_THROTTLED",
            Error::HandoverActive(_) => "HANDOVER_ACTIVE",
            Error::NoHandover => "NO_HANDOVER",
            Error::HandoverPinWrong { .. } => "HANDOVER_PIN_WRONG",
            Error::PinPolicy { .. } => "PIN_POLICY",
            Error::PinLocked { .. } => "PIN_LOCKED",
            Error::SignatureReplayed(_) => "SIGNATURE_REPLAYED",
            Error::SigningNonceInvalid(_) => "SIGNING_NONCE_INVALID",
            Error::DeskAlreadySetUp => "DESK_ALREADY_SET_UP",
            Error::DeskNotSetUp => "DESK_NOT_SET_UP",
            Error::TechnicianInactive(_) => "TECHNICIAN_INACTIVE",
            Error::LastActiveTechnician(_) => "LAST_ACTIVE_TECHNICIAN",
            Error::LogoRejected(_) => "LOGO_REJECTED",
            Error::RunbookTitleInvalid(_) => "RUNBOOK_TITLE_INVALID",
            Error::RunbookBodyTooLong { .. } => "RUNBOOK_BODY_TOO_LONG",
            Error::RunbookOtherClient(_) => "RUNBOOK_OTHER_CLIENT",
            Error::NotADraft(_) => "NOT_A_DRAFT",
            Error::WaitReasonRequired => "WAIT_REASON_REQUIRED",
            Error::FollowUpRequired(_) => "FOLLOW_UP_REQUIRED",
            Error::NotTierTwo { .. } => "NOT_TIER_TWO",
            Error::DeskNotFound(_) => "DESK_NOT_FOUND",
            Error::DatabaseCorrupt { .. } => "DATABASE_CORRUPT",
            Error::DeskNotMigrated { .. } => "DESK_NOT_MIGRATED",
            Error::ToolUrlInvalid(_) => "TOOL_URL_INVALID",
            Error::ToolUnavailable(_) => "TOOL_UNAVAILABLE",
            Error::TemplateInvalid(_) => "TEMPLATE_INVALID",
            Error::NoTemplateDraft => "NO_TEMPLATE_DRAFT",
            Error::TemplateVersionUnknown(_) => "TEMPLATE_VERSION_UNKNOWN",
            Error::TemplateUnchanged(_) => "TEMPLATE_UNCHANGED",
            Error::ImportCancelled => "IMPORT_CANCELLED",
            Error::ImportUndoBlocked(_) => "IMPORT_UNDO_BLOCKED",
            Error::ImportRunning => "IMPORT_RUNNING",
            Error::Mail { code, .. } => code,
            Error::Import { code, .. } => code,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &'static str, id: impl ToString) -> Self {
        Error::NotFound {
            what,
            id: id.to_string(),
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }
}

/// What crosses a process boundary (IPC, CLI stderr): a code and a human message.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq, ts_rs::TS)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}
