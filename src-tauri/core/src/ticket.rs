//! The ticket aggregate and its lifecycle states.

use crate::priority::{Impact, Priority, Urgency};
use crate::sla::Pause;
use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

text_enum! {
    pub enum TicketStatus {
        /// Intake under way; no SLA clock yet.
        New = "new",
        /// Opened at step 5: the first-response clock runs.
        Open = "open",
        Escalated = "escalated",
        /// Waiting on the customer: SLA clocks pause.
        WaitingOnCustomer = "waiting_on_customer",
        /// The end user verified the fix.
        Resolved = "resolved",
        /// Sealed: read-only for good.
        Closed = "closed",
    }
}

impl TicketStatus {
    /// The lifecycle's legal moves. Closed has none: there is no close-and-reopen.
    pub fn can_become(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        matches!(
            (self, to),
            (New, Open)
                | (Open, Escalated)
                | (Open, WaitingOnCustomer)
                | (Escalated, WaitingOnCustomer)
                | (WaitingOnCustomer, Open)
                | (WaitingOnCustomer, Escalated)
                | (Escalated, Open)
                | (Open, Resolved)
                | (Escalated, Resolved)
                | (Resolved, Closed)
        )
    }
}

/// Field values of one step, by field key.
pub type Values = BTreeMap<String, serde_json::Value>;

/// One completion of a step. A step can be completed again (after a failed verification, say);
/// the older record is kept, marked superseded, so history is never rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct StepRecord {
    /// Database id; `None` until stored.
    pub id: Option<i64>,
    pub step: u8,
    pub completed_by: String,
    pub completed_at: DateTime<Utc>,
    pub values: Values,
    pub superseded: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Ticket {
    pub id: i64,
    pub number: String,
    pub template_key: String,
    pub template_version: u32,
    pub status: TicketStatus,
    /// Where a ticket goes back to when the customer answers.
    pub resume_status: Option<TicketStatus>,
    pub company_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub caller_override_reason: Option<String>,
    pub asset_ids: Vec<i64>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
    pub priority: Option<Priority>,
    pub priority_computed: Option<Priority>,
    pub priority_override_reason: Option<String>,
    pub parent_incident_id: Option<i64>,
    pub problem: String,
    pub assignee: Option<String>,
    pub escalated: bool,
    pub page_on_call: bool,
    /// Set by a failed verification until the ticket is reopened and reassigned (step 17).
    pub verification_failed: bool,
    pub created_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub resolution_code: Option<String>,
    pub record_hash: Option<String>,
    pub pauses: Vec<Pause>,
    pub steps: Vec<StepRecord>,
}

impl Ticket {
    pub fn new(
        id: i64,
        number: String,
        template_key: &str,
        template_version: u32,
        at: DateTime<Utc>,
    ) -> Ticket {
        Ticket {
            id,
            number,
            template_key: template_key.into(),
            template_version,
            status: TicketStatus::New,
            resume_status: None,
            company_id: None,
            contact_id: None,
            caller_override_reason: None,
            asset_ids: Vec::new(),
            impact: None,
            urgency: None,
            priority: None,
            priority_computed: None,
            priority_override_reason: None,
            parent_incident_id: None,
            problem: String::new(),
            assignee: None,
            escalated: false,
            page_on_call: false,
            verification_failed: false,
            created_at: at,
            opened_at: None,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            resolution_code: None,
            record_hash: None,
            pauses: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// The current (not superseded) completion of a step.
    pub fn completion(&self, step: u8) -> Option<&StepRecord> {
        self.steps
            .iter()
            .rev()
            .find(|r| r.step == step && !r.superseded)
    }

    pub fn is_done(&self, step: u8) -> bool {
        self.completion(step).is_some()
    }

    pub fn value(&self, step: u8, field: &str) -> Option<&serde_json::Value> {
        self.completion(step).and_then(|r| r.values.get(field))
    }

    pub fn is_closed(&self) -> bool {
        self.status == TicketStatus::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::TicketStatus::{self, *};

    #[test]
    fn closed_is_terminal() {
        for to in TicketStatus::ALL {
            assert!(!Closed.can_become(*to), "closed -> {to}");
        }
    }

    #[test]
    fn only_a_resolved_ticket_can_close() {
        for from in TicketStatus::ALL {
            assert_eq!(
                from.can_become(Closed),
                *from == Resolved,
                "{from} -> closed"
            );
        }
    }

    #[test]
    fn new_only_opens() {
        let reachable: Vec<_> = TicketStatus::ALL
            .iter()
            .filter(|t| New.can_become(**t))
            .collect();
        assert_eq!(reachable, vec![&Open]);
    }
}
