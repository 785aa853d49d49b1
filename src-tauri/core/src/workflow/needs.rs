//! What a step still needs before it can be completed, each item with a machine code.
//!
//! The window shows these before the technician clicks, next to the button that provides each one
//! (the code picks the button: "Add time entry", "Go to step 5", "Customer replied"), so a step is
//! never offered only to be refused. The same items refuse the completion if it is tried anyway.

use serde::Serialize;

/// Which kind of thing is missing; the window maps each to the action that provides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NeedCode {
    /// An earlier step must be done first (`step` says which).
    StepNotDone,
    /// The ticket must have an affected asset linked (step 2).
    AssetRequired,
    /// The ticket waits on the customer: their reply must be recorded first.
    WaitingOnCustomer,
    /// The ticket is in a state where this step does not belong (the message says which).
    WrongStatus,
    /// Step 19 reconciles time: at least one time entry must exist.
    TimeEntryRequired,
    /// An SLA was breached: the step's breach note (`field`) must be written. Not blocking: it is
    /// written in the step itself.
    BreachNote,
    /// The end user's signature no longer holds and must be taken again at step 13.
    SignatureInvalidated,
    /// The ticket is closed and sealed.
    TicketClosed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Need {
    pub code: NeedCode,
    /// Shown to the technician as is.
    pub message: String,
    /// The step that provides it, when it is another step.
    pub step: Option<u8>,
    /// The field of this step that provides it, when it is one.
    pub field: Option<String>,
    /// Whether the step cannot be worked on until it is provided (a field of the step itself does
    /// not block: it is filled in the step's form).
    pub blocking: bool,
}

impl Need {
    pub fn new(code: NeedCode, message: impl Into<String>) -> Need {
        Need {
            code,
            message: message.into(),
            step: None,
            field: None,
            blocking: code != NeedCode::BreachNote,
        }
    }

    pub fn at_step(mut self, step: u8) -> Need {
        self.step = Some(step);
        self
    }

    pub fn at_field(mut self, field: &str) -> Need {
        self.field = Some(field.into());
        self
    }
}

/// What the rules know about a ticket beyond the aggregate, read by the caller from the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub time_entries: i64,
    /// Whether a first-response or resolution SLA is breached.
    pub sla_breached: bool,
}
