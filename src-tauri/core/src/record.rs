//! The canonical record of a closed ticket: what the closure report shows, as RFC 8785 JSON.
//!
//! Its SHA-256 is stored in the same transaction that seals the ticket, so any later change to
//! what was closed is detectable by recomputing it.

use crate::canonical::hash_of;
use crate::error::Result;
use crate::store::TimeEntry;
use crate::ticket::Ticket;
use crate::workflow::Lookup;
use rusqlite::Connection;
use serde_json::{json, Value};

/// Everything the closure report shows, in one JSON value.
pub fn canonical_record(conn: &Connection, t: &Ticket, audit_head: &str) -> Result<Value> {
    let db = crate::store::lookup_over(conn);
    let company = t.company_id.map(|id| db.company(id)).transpose()?;
    let contact = t.contact_id.map(|id| db.contact(id)).transpose()?;
    let assets = t
        .asset_ids
        .iter()
        .map(|id| db.asset(*id))
        .collect::<Result<Vec<_>>>()?;
    let time_entries: Vec<TimeEntry> = crate::store::time_entries_over(conn, t.id)?;
    let steps: Vec<&crate::ticket::StepRecord> = t.steps.iter().filter(|s| !s.superseded).collect();
    Ok(json!({
        "format": "ticketflow-closure-record/1",
        "ticket": {
            "number": t.number,
            "template": {"key": t.template_key, "version": t.template_version},
            "status": t.status,
            "problem": t.problem,
            "impact": t.impact, "urgency": t.urgency,
            "priority": t.priority, "priority_computed": t.priority_computed,
            "priority_override_reason": t.priority_override_reason,
            "caller_override_reason": t.caller_override_reason,
            "parent_incident_id": t.parent_incident_id,
            "escalated": t.escalated, "page_on_call": t.page_on_call,
            "created_at": t.created_at, "opened_at": t.opened_at,
            "first_response_at": t.first_response_at, "resolved_at": t.resolved_at,
            "closed_at": t.closed_at, "resolution_code": t.resolution_code,
            "pauses": t.pauses,
        },
        "company": company,
        "contact": contact,
        "assets": assets,
        "steps": steps,
        "time_entries": time_entries,
        "audit_head": audit_head,
    }))
}

pub(crate) fn seal_hash(conn: &Connection, t: &Ticket, audit_head: &str) -> Result<String> {
    hash_of(&canonical_record(conn, t, audit_head)?)
}
