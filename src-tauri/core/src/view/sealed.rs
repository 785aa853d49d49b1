//! A closed ticket as its sealed record holds it.
//!
//! The closure report is drawn from the sealed record; the window must show the same thing, or
//! someone who edits live rows behind the core (seal triggers dropped) or renames a contact in
//! the directory after the close would make the app disagree with the signed report. So a closed
//! ticket's view is built from the record alone: this module turns the record back into the
//! ticket, directory records, SLA figures and time entries the view is drawn from. Pure: no
//! database.

use super::ViewSource;
use crate::record::{ClosureRecord, SealedRecord};
use crate::ticket::{StepRecord, Ticket};
use serde::Serialize;

/// Says that a view shows a ticket's sealed record, not its live rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SealedInfo {
    /// SHA-256 (hex) of the record's canonical JSON: the hash on the closure report.
    pub record_hash: String,
}

/// What a closed ticket's view is drawn from: everything from the record, checked against its
/// hash by [`crate::store::Store::closure_record`] before it gets here. `id` is the ticket's
/// database id, which the record leaves out.
pub(super) fn sealed_source(id: i64, sealed: SealedRecord) -> ViewSource {
    let SealedRecord { record, hash, .. } = sealed;
    ViewSource {
        ticket: sealed_ticket(id, &record, &hash),
        first_response: record.sla.as_ref().and_then(|s| s.first_response),
        resolution: record.sla.as_ref().and_then(|s| s.resolution),
        company: record.company,
        contact: record.contact,
        assets: record.assets,
        incident: record.parent_incident,
        time_entries: record.time.entries,
        // Drafts belong to steps still to do; a sealed ticket has none.
        drafts: Default::default(),
        sealed: Some(SealedInfo { record_hash: hash }),
    }
}

/// The ticket as the record holds it. Step completions get back the signatures the record keeps
/// apart (it holds each once, outside the step values); database ids of step records are not in
/// the record, so they are `None`.
fn sealed_ticket(id: i64, r: &ClosureRecord, hash: &str) -> Ticket {
    let t = &r.ticket;
    let steps = r
        .steps
        .iter()
        .map(|s| {
            let mut values = s.values.clone();
            if !s.superseded {
                for sig in r.signatures.iter().filter(|g| g.step == s.number) {
                    values.insert(sig.field.clone(), sig.signature.clone());
                }
            }
            StepRecord {
                id: None,
                step: s.number,
                completed_by: s.completed_by.clone(),
                completed_at: s.completed_at,
                values,
                superseded: s.superseded,
            }
        })
        .collect();
    Ticket {
        id,
        number: t.number.clone(),
        template_key: t.template_key.clone(),
        template_version: t.template_version,
        status: t.status,
        // A closed ticket goes nowhere and no longer waits on a failed verification.
        resume_status: None,
        verification_failed: false,
        company_id: r.company.as_ref().map(|c| c.id),
        contact_id: r.contact.as_ref().map(|c| c.id),
        caller_override_reason: t.caller_override_reason.clone(),
        asset_ids: r.assets.iter().map(|a| a.id).collect(),
        impact: r.priority.impact,
        urgency: r.priority.urgency,
        priority: r.priority.priority,
        priority_computed: r.priority.computed,
        priority_override_reason: r.priority.override_reason.clone(),
        parent_incident_id: r.parent_incident.as_ref().map(|i| i.id),
        problem: t.problem.clone(),
        assignee: t.assignee.clone(),
        escalated: t.escalated,
        page_on_call: t.page_on_call,
        created_at: t.created_at,
        opened_at: t.opened_at,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        closed_at: t.closed_at,
        resolution_code: t.resolution_code.clone(),
        record_hash: Some(hash.to_string()),
        pauses: r.sla.as_ref().map(|s| s.pauses.clone()).unwrap_or_default(),
        steps,
    }
}
