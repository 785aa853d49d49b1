//! What the store loads for a QBR: the figures are computed from this alone.

use crate::directory::{Asset, Company};
use crate::record::{CsatPart, PriorityPart, SlaPart, StepPart, TicketPart, TimePart};
use crate::sla::SlaPolicy;
use crate::store::TimeEntry;
use crate::ticket::Ticket;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;

/// A closed ticket, as its sealed record holds it (the whole record's text checked against the
/// stored hash first).
#[derive(Debug, Clone)]
pub struct SealedTicket {
    pub hash: String,
    pub record: SealedFigures,
}

/// The parts of a sealed [`crate::record::ClosureRecord`] the figures read, in its own shapes.
/// The rest (signatures with their strokes, most of a record's bytes; the contact, the
/// hand-off notes) is skipped unparsed: a quarter's records are parsed several times faster.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SealedFigures {
    pub ticket: TicketPart,
    pub company: Option<Company>,
    pub assets: Vec<Asset>,
    pub priority: PriorityPart,
    pub sla: Option<SlaPart>,
    pub steps: Vec<StepPart>,
    pub time: TimePart,
    pub csat: Option<CsatPart>,
}

/// A ticket not closed yet, from its live rows.
#[derive(Debug, Clone)]
pub struct LiveTicket {
    /// The row with its pauses and the step records the figures read (the escalation decision
    /// and the reopen, superseded ones included, and the time reconciliation); other steps may be
    /// left out.
    pub ticket: Ticket,
    /// The key of each step number of the ticket's template version (one map shared by the
    /// tickets of a version): the figures tell steps apart by key, as numbers differ between
    /// versions.
    pub step_keys: Arc<HashMap<u8, String>>,
    pub assets: Vec<Asset>,
    pub entries: Vec<TimeEntry>,
}

#[derive(Debug, Clone)]
pub struct QbrInput {
    /// The client reported on; none for every client.
    pub client: Option<Company>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub now: DateTime<Utc>,
    /// The desk's default zone, which a 24x7 client's days are read in.
    pub desk_zone: Option<String>,
    /// The directory's clients now (names and calendars of open tickets' clients).
    pub companies: Vec<Company>,
    /// The SLA policies now, which an open ticket that pinned no terms runs against.
    pub policies: Vec<SlaPolicy>,
    /// The terms each open ticket pinned when its clock started, by ticket id: its clocks run
    /// on these, whatever the desk's targets and its client's calendar are now.
    pub pinned: HashMap<i64, crate::sla::SlaTerms>,
    /// Closed tickets that may fall in the period (the figures pick by the records' own times).
    pub closed: Vec<SealedTicket>,
    /// Open tickets that may fall in the period.
    pub open: Vec<LiveTicket>,
    /// Titles of the runbook entries linked on the closed tickets, by id.
    pub runbook_titles: HashMap<i64, String>,
    /// The client's (or every client's) assets in the directory now.
    pub endpoints: u32,
}
