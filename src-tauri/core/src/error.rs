//! One error type for the core, each variant with a stable machine code.
//!
//! The code is the contract with the UI and the CLI: they switch on `code()`, never on the
//! message text, so messages can be reworded without breaking callers.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
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
    #[error("database migration failed: {0}")]
    Migration(String),
    #[error("storage error: {0}")]
    Store(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Stable machine code of this error.
    pub fn code(&self) -> &'static str {
        match self {
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
            Error::Migration(_) => "MIGRATION_FAILED",
            Error::Store(_) => "STORE_ERROR",
            Error::Io(_) => "IO_ERROR",
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
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
}
