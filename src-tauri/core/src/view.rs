//! What the window shows of a ticket, assembled in one call so a ticket paints from one IPC
//! round trip: the ticket, its directory records, SLA figures, each step with its state and
//! drafts, what still blocks closing, the latest audit events, time entries and runbook links.

use crate::audit::AuditEvent;
use crate::directory::{Asset, Company, Contact, Incident, Tier};
use crate::error::Result;
use crate::sla::{SlaStatus, DEFAULT_AT_RISK_RATIO};
use crate::store::{RunbookHit, Store, TimeEntry};
use crate::template::Field;
use crate::ticket::{StepRecord, Ticket};
use crate::workflow::{
    close_blockers, end_user_signature_invalidated, sla_status, step_state, Lookup, StepState,
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
    pub phases: Vec<PhaseView>,
    pub close_blockers: Vec<String>,
    /// Why the end user's signature (step 13) must be taken again, if it must.
    pub signature_invalidated: Option<String>,
    /// Newest first.
    pub audit: Vec<AuditEvent>,
    pub time_entries: Vec<TimeEntry>,
    pub runbooks: Vec<RunbookHit>,
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
                        state: step_state(&ticket, &template, s.number),
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
        Ok(TicketView {
            company: ticket.company_id.map(|c| db.company(c)).transpose()?,
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
            time_entries: self.time_entries(id)?,
            runbooks: self.linked_runbooks(id)?,
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
