//! The rules of the ticket workflow, applied to a ticket in memory.
//!
//! Every command takes the ticket, the template it pinned, the time and the actor, and either
//! changes the ticket and returns the audit events describing the change, or returns a coded error
//! and leaves the ticket untouched (callers work on a copy). Persistence is the store's job; the
//! rules only read the directory through [`Lookup`].

mod attempts;
mod drafts;
mod escalation;
mod handoff;
mod intake;
mod needs;
mod rules;
pub mod values;

pub use attempts::{failed_attempts, FailedAttempt};
pub use drafts::{discard, is_draft};
pub use escalation::{assign_escalation, EscalateTo};
pub use handoff::step_prefill;
pub use intake::{intake_preview, IntakeGap, IntakePreview, IntakeStep};
pub use needs::{Facts, Need, NeedCode};
pub use rules::{
    close_blockers, complete_step, end_user_signature_invalidated, resume, sign_off_statement,
    sla_status, step_needs, step_state, step_state_given, wait_on_customer, StepState, WaitRequest,
};

use crate::directory::{Asset, Company, Contact, Incident};
use crate::error::Result;
use crate::priority::PriorityMatrix;
use crate::sla::SlaPolicy;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Read access to what the rules need beyond the ticket itself.
pub trait Lookup {
    fn contact(&self, id: i64) -> Result<Contact>;
    fn company(&self, id: i64) -> Result<Company>;
    fn asset(&self, id: i64) -> Result<Asset>;
    fn incident(&self, id: i64) -> Result<Incident>;
    /// The company a runbook entry belongs to; `None` for a desk-wide entry.
    fn runbook_company(&self, id: i64) -> Result<Option<i64>>;
    /// What this ticket did to a runbook entry (created it, updated it), as the store recorded.
    fn runbook_touch(&self, ticket_id: i64, runbook_id: i64) -> Result<RunbookTouch>;
    fn time_entry_count(&self, ticket_id: i64) -> Result<i64>;
    fn sla_policies(&self) -> Result<Vec<SlaPolicy>>;
    fn priority_matrix(&self) -> Result<PriorityMatrix>;
    /// The terms `t`'s clocks run on, `company` being its client and `priority` its priority now.
    /// The store answers with what the ticket pinned when its clock started, so later edits of
    /// the targets or the calendar apply to tickets opened afterwards. This default (and the
    /// store, for a clock the rules started in the change being made, not pinned yet) gives the
    /// desk's terms now, which are what opening pins.
    fn sla_terms(
        &self,
        t: &crate::ticket::Ticket,
        company: &Company,
        priority: crate::priority::Priority,
    ) -> Result<Option<crate::sla::SlaTerms>> {
        let _ = t;
        Ok(crate::sla::SlaTerms::current(
            &self.sla_policies()?,
            company,
            priority,
        ))
    }
}

/// Whether a ticket created or updated a runbook entry (step 20 needs the proof, not a claim).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunbookTouch {
    pub created: bool,
    pub updated: bool,
}

pub struct Ctx<'a> {
    pub now: DateTime<Utc>,
    pub actor: &'a str,
    pub lookup: &'a dyn Lookup,
    /// Fraction of an SLA target after which it counts as at risk.
    pub at_risk_ratio: f64,
}

/// An audit-worthy change to a ticket, before it is chained and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub action: String,
    pub before: Value,
    pub after: Value,
}

impl Change {
    pub fn new(action: &str, before: Value, after: Value) -> Change {
        Change {
            action: action.into(),
            before,
            after,
        }
    }
}
