//! What the window shows of a ticket, assembled in one call so a ticket paints from one IPC
//! round trip: the ticket, its directory records, SLA figures, each step with its state and
//! drafts, what still blocks closing, the latest audit events, time entries and runbook links.
//! An open ticket is drawn from its live rows; a closed one from its sealed record
//! (`view/sealed.rs`), as its closure report is, so the window and the signed report agree.

use crate::audit::AuditEvent;
use crate::directory::tools::{buttons, TicketTools, ToolButton};
use crate::directory::{Asset, Company, Contact, Incident, Tier};
use crate::error::Result;
use crate::sla::{
    client_time_zone, clock_breaks, ClockBreaks, SlaState, SlaStatus, DEFAULT_AT_RISK_RATIO,
};
use crate::store::{Drafts, RunbookHit, Store, TimeEntry};
use crate::template::Field;
use crate::ticket::{StepRecord, Ticket};
use crate::workflow::{
    close_blockers, end_user_signature_invalidated, failed_attempts, is_draft, sla_status,
    step_needs, step_prefill, step_state_given, Facts, FailedAttempt, Lookup, Need, StepState,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

mod sealed;
pub use sealed::SealedInfo;

/// How many audit events the ticket view carries; older ones are a separate request.
pub const VIEW_AUDIT_EVENTS: u32 = 50;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TicketView {
    pub ticket: Ticket,
    /// The name of the template version the ticket follows (it keeps the one it started on).
    pub template_name: String,
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
    /// Set when the view shows the ticket's sealed record (a closed ticket), not live rows.
    pub sealed: Option<SealedInfo>,
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
    /// The desk's tools this step opens, filled in for the ticket (or why each cannot open).
    pub tools: Vec<ToolButton>,
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

/// What a ticket's view is drawn from: the live rows of an open ticket, or the sealed record of
/// a closed one ([`sealed::sealed_source`]). Everything else in the view is derived from this.
struct ViewSource {
    ticket: Ticket,
    company: Option<Company>,
    contact: Option<Contact>,
    assets: Vec<Asset>,
    incident: Option<Incident>,
    first_response: Option<SlaStatus>,
    resolution: Option<SlaStatus>,
    time_entries: Vec<TimeEntry>,
    drafts: Drafts,
    sealed: Option<SealedInfo>,
}

impl Store {
    /// A ticket as the window shows it. A closed ticket is shown as it was sealed, from its
    /// closure record (the one the report is drawn from), never from live rows: if the stored
    /// record no longer matches its hash this is RECORD_MISMATCH, not a quiet fallback.
    pub fn ticket_view(&self, id: i64, now: DateTime<Utc>) -> Result<TicketView> {
        let ticket = self.ticket(id)?;
        let source = if ticket.is_closed() {
            sealed::sealed_source(id, self.sealed_record_of(&ticket)?)
        } else {
            self.live_source(ticket, now)?
        };
        self.assemble(source, now)
    }

    fn live_source(&self, ticket: Ticket, now: DateTime<Utc>) -> Result<ViewSource> {
        let db = self.lookup();
        let (first_response, resolution) = sla_status(&ticket, &db, now, DEFAULT_AT_RISK_RATIO)?;
        Ok(ViewSource {
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
            time_entries: self.time_entries(ticket.id)?,
            drafts: self.drafts(ticket.id)?,
            sealed: None,
            ticket,
        })
    }

    /// The view of `s`: step states, clock breaks and blockers derived from it, with the
    /// template, the desk's time zone, the audit trail and linked runbooks added from the desk.
    fn assemble(&self, s: ViewSource, now: DateTime<Utc>) -> Result<TicketView> {
        let ViewSource {
            ticket,
            company,
            contact,
            assets,
            incident,
            first_response,
            resolution,
            time_entries,
            mut drafts,
            sealed,
        } = s;
        let template = self.template(&ticket.template_key, ticket.template_version)?;
        let facts = Facts {
            time_entries: time_entries.len() as i64,
            sla_breached: [&first_response, &resolution]
                .iter()
                .any(|s| s.as_ref().is_some_and(|s| s.state == SlaState::Breached)),
        };
        let company_tools = self.tools_for(company.as_ref())?;
        let on_ticket =
            TicketTools::of(&ticket.number, company.as_ref(), contact.as_ref(), &assets);
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
                        prefill: step_prefill(&ticket, &template, s.number),
                        completion: ticket.completion(s.number).cloned(),
                        drafts: drafts.remove(&s.number).unwrap_or_default(),
                        tools: buttons(&s.tools, &company_tools, &on_ticket),
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
        let breaks = |s: &Option<SlaStatus>, stopped| {
            let opened = ticket.opened_at?;
            s.as_ref().map(|s| clock_breaks(s, opened, stopped, now))
        };
        Ok(TicketView {
            template_name: template.name.clone(),
            first_response_breaks: breaks(&first_response, ticket.first_response_at),
            resolution_breaks: breaks(&resolution, ticket.resolved_at),
            time_zone: client_time_zone(
                company.as_ref().map(|c| &c.calendar),
                self.desk_time_zone()?.as_deref(),
            ),
            company,
            contact,
            assets,
            incident,
            first_response,
            resolution,
            phases,
            close_blockers: if ticket.is_closed() {
                Vec::new()
            } else {
                close_blockers(&ticket, &template)
            },
            signature_invalidated: end_user_signature_invalidated(&ticket, &template),
            audit: self.ticket_audit(ticket.id, VIEW_AUDIT_EVENTS)?,
            time_entries,
            runbooks: self.linked_runbooks(ticket.id)?,
            is_draft: is_draft(&ticket, &template),
            attempts: failed_attempts(&ticket, &template),
            waiting: self.waiting(&ticket)?,
            sealed,
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
                    refusal: crate::directory::caller_refusal(&contact, &company, today),
                    company: company.name,
                    tier: company.tier,
                    contact,
                })
            })
            .collect()
    }
}
