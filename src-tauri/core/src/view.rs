//! What the window shows of a ticket, assembled in one call so a ticket paints from one IPC
//! round trip: the ticket, its directory records, SLA figures, each step with its state and
//! drafts, what still blocks closing, the latest audit events, time entries and runbook links.

use crate::audit::AuditEvent;
use crate::directory::{Asset, Company, Contact, Incident, Tier};
use crate::error::Result;
use crate::sla::{
    client_time_zone, clock_breaks, ClockBreaks, SlaState, SlaStatus, DEFAULT_AT_RISK_RATIO,
};
use crate::store::{RunbookHit, Store, TimeEntry};
use crate::template::Field;
use crate::ticket::{StepRecord, Ticket};
use crate::workflow::{
    close_blockers, end_user_signature_invalidated, failed_attempts, is_draft, sla_status,
    step_needs, step_prefill, step_state_given, Facts, FailedAttempt, Lookup, Need, StepState,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// How many audit events the ticket view carries; older ones are a separate request.
pub const VIEW_AUDIT_EVENTS: u32 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TicketView {
    pub ticket: Ticket,
    pub company: Option<Company>,
    pub contact: Option<Contact>,
    pub assets: Vec<Asset>,
    pub incident: Option<Incident>,
    pub first_response: Option<SlaStatus>,
    pub resolution: Option<SlaStatus>,
    /// Why each clock stood still (outside business hours, waiting on the customer).
    pub first_response_breaks: Option<ClockBreaks>,
    pub resolution_breaks: Option<ClockBreaks>,
    /// The client's tz database name: every time of this ticket is shown in it.
    pub time_zone: String,
    pub phases: Vec<PhaseView>,
    pub close_blockers: Vec<String>,
    /// Why the end user's signature (step 13) must be taken again, if it must.
    pub signature_invalidated: Option<String>,
    /// Newest first.
    pub audit: Vec<AuditEvent>,
    pub time_entries: Vec<TimeEntry>,
    pub runbooks: Vec<RunbookHit>,
    /// A draft (step 1 not done) can be discarded.
    pub is_draft: bool,
    /// Fix attempts that failed verification, oldest first.
    pub attempts: Vec<FailedAttempt>,
    /// Why the ticket waits on the customer and until when, while it does.
    pub waiting: Option<crate::store::Waiting>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PhaseView {
    pub key: String,
    pub title: String,
    /// Steps done out of those that apply.
    pub done: u32,
    pub total: u32,
    pub steps: Vec<StepView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StepView {
    pub number: u8,
    pub key: String,
    pub title: String,
    pub guidance: String,
    pub fields: Vec<Field>,
    pub state: StepState,
    pub completion: Option<StepRecord>,
    pub drafts: BTreeMap<String, String>,
    /// What the step still needs, with codes the window maps to the action that provides each.
    pub needs: Vec<Need>,
    /// Suggested starting text for paragraphs (step 11 from diagnosis), by field key.
    pub prefill: BTreeMap<String, String>,
}

/// A caller found by the intake type-ahead, with what decides whether they may proceed.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ContactHit {
    pub contact: Contact,
    pub company: String,
    pub tier: Tier,
    /// Why this caller may not proceed without an override, if anything.
    pub refusal: Option<String>,
}

impl Store {
    pub fn ticket_view(&self, id: i64, now: DateTime<Utc>) -> Result<TicketView> {
        let ticket = self.ticket(id)?;
        let template = self.template(&ticket.template_key, ticket.template_version)?;
        let db = self.lookup();
        let (first_response, resolution) = sla_status(&ticket, &db, now, DEFAULT_AT_RISK_RATIO)?;
        let mut drafts = self.drafts(id)?;
        let time_entries = self.time_entries(id)?;
        let facts = Facts {
            time_entries: time_entries.len() as i64,
            sla_breached: [&first_response, &resolution]
                .iter()
                .any(|s| s.as_ref().is_some_and(|s| s.state == SlaState::Breached)),
        };
        let phases = template
            .phases
            .iter()
            .map(|p| {
                let steps: Vec<StepView> = p
                    .steps
                    .iter()
                    .map(|s| StepView {
                        number: s.number,
                        key: s.key.clone(),
                        title: s.title.clone(),
                        guidance: s.guidance.clone(),
                        fields: s.fields.clone(),
                        state: step_state_given(&ticket, &template, s.number, &facts),
                        needs: step_needs(&ticket, &template, s.number, &facts),
                        prefill: step_prefill(&ticket, s.number),
                        completion: ticket.completion(s.number).cloned(),
                        drafts: drafts.remove(&s.number).unwrap_or_default(),
                    })
                    .collect();
                let applicable = steps
                    .iter()
                    .filter(|s| !matches!(s.state, StepState::NotApplicable(_)));
                PhaseView {
                    key: p.key.clone(),
                    title: p.title.clone(),
                    done: applicable
                        .clone()
                        .filter(|s| s.state == StepState::Done)
                        .count() as u32,
                    total: applicable.count() as u32,
                    steps,
                }
            })
            .collect();
        let company = ticket.company_id.map(|c| db.company(c)).transpose()?;
        let breaks = |s: &Option<SlaStatus>, stopped| {
            let opened = ticket.opened_at?;
            s.as_ref().map(|s| clock_breaks(s, opened, stopped, now))
        };
        Ok(TicketView {
            first_response_breaks: breaks(&first_response, ticket.first_response_at),
            resolution_breaks: breaks(&resolution, ticket.resolved_at),
            time_zone: client_time_zone(
                company.as_ref().map(|c| &c.calendar),
                self.desk_time_zone()?.as_deref(),
            ),
            company,
            contact: ticket.contact_id.map(|c| db.contact(c)).transpose()?,
            assets: ticket
                .asset_ids
                .iter()
                .map(|a| db.asset(*a))
                .collect::<Result<_>>()?,
            incident: ticket
                .parent_incident_id
                .map(|i| db.incident(i))
                .transpose()?,
            first_response,
            resolution,
            phases,
            close_blockers: if ticket.is_closed() {
                Vec::new()
            } else {
                close_blockers(&ticket, &template)
            },
            signature_invalidated: end_user_signature_invalidated(&ticket),
            audit: self.ticket_audit(id, VIEW_AUDIT_EVENTS)?,
            time_entries,
            runbooks: self.linked_runbooks(id)?,
            is_draft: is_draft(&ticket),
            attempts: failed_attempts(&ticket),
            waiting: self.waiting(&ticket)?,
            ticket,
        })
    }

    /// Intake type-ahead: callers by name, email or phone, with their client and standing.
    pub fn caller_hits(&self, query: &str, today: chrono::NaiveDate) -> Result<Vec<ContactHit>> {
        let db = self.lookup();
        self.search_contacts(query, 20)?
            .into_iter()
            .map(|contact| {
                let company = db.company(contact.company_id)?;
                Ok(ContactHit {
                    refusal: contact.refusal(today),
                    company: company.name,
                    tier: company.tier,
                    contact,
                })
            })
            .collect()
    }
}
