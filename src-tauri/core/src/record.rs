//! The canonical record of a closed ticket: everything the closure report shows, as RFC 8785 JSON.
//!
//! Its SHA-256 is stored in the same transaction that seals the ticket, so any later change to
//! what was closed is detectable by recomputing it. The report is drawn from this record (not from
//! the live tables), so what a client reads is exactly what was hashed; the record also travels
//! inside the PDF as an attachment so anyone can recompute the hash printed in the footer.
//!
//! The record is rebuilt from stored rows, so it must not depend on anything that is not stored:
//! times are taken at the stored (microsecond) precision and database ids of step records are
//! left out.

use crate::audit::timestamp;
use crate::canonical::{canonical_json, sha256_hex};
use crate::directory::{Asset, Company, Contact, Incident};
use crate::error::{Error, Result};
use crate::priority::{Impact, Priority, Urgency};
use crate::sla::{Calendar, Pause, SlaPolicy, SlaStatus, DEFAULT_AT_RISK_RATIO};
use crate::store::{Store, TimeEntry};
use crate::template::{builtin as b, FieldKind};
use crate::ticket::{Ticket, TicketStatus, Values};
use crate::workflow::Lookup;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Names the shape of the record, so a reader can tell versions apart.
pub const RECORD_FORMAT: &str = "ticketflow-closure-record/2";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosureRecord {
    pub format: String,
    pub ticket: TicketPart,
    pub company: Option<Company>,
    pub contact: Option<Contact>,
    pub assets: Vec<Asset>,
    pub parent_incident: Option<Incident>,
    pub priority: PriorityPart,
    pub sla: Option<SlaPart>,
    /// Every step completion in the order it happened, earlier (superseded) attempts included.
    pub steps: Vec<StepPart>,
    /// The notes of the latest hand-off to Tier 2, if there was one.
    pub handoff: Option<Values>,
    pub time: TimePart,
    pub csat: Option<CsatPart>,
    pub resolution: ResolutionPart,
    /// Signatures with their strokes, printed name, role, meaning and time (removed from the
    /// step values they were collected in, so they are held once).
    pub signatures: Vec<SignaturePart>,
    /// Hash of the last audit event written when the ticket closed: binds the record to the chain.
    pub audit_head: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketPart {
    pub number: String,
    pub template_key: String,
    pub template_version: u32,
    pub template_name: String,
    pub status: TicketStatus,
    pub problem: String,
    pub assignee: Option<String>,
    pub escalated: bool,
    pub page_on_call: bool,
    pub caller_override_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub opened_at: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub resolution_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriorityPart {
    pub priority: Option<Priority>,
    /// What the impact × urgency matrix gave.
    pub computed: Option<Priority>,
    pub override_reason: Option<String>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaPart {
    pub policy: Option<SlaPolicy>,
    pub calendar: Calendar,
    pub first_response: Option<SlaStatus>,
    pub resolution: Option<SlaStatus>,
    /// Waiting-on-customer segments, during which the clocks did not run.
    pub pauses: Vec<Pause>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepPart {
    pub number: u8,
    pub key: String,
    pub title: String,
    pub phase: String,
    pub completed_by: String,
    pub completed_at: DateTime<Utc>,
    /// A later completion of the same step replaced this one.
    pub superseded: bool,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimePart {
    pub entries: Vec<TimeEntry>,
    pub billable_minutes: u64,
    pub non_billable_minutes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatPart {
    /// 1–5, or `None` when the survey was sent and not answered.
    pub rating: Option<i64>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResolutionPart {
    pub code: Option<String>,
    pub root_cause: Option<String>,
    pub changes: Option<String>,
    pub references: Option<String>,
    pub summary: Option<String>,
    pub closure_notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignaturePart {
    pub step: u8,
    pub field: String,
    /// The stored signature as collected (see [`crate::signature::Signature`]).
    pub signature: Value,
}

/// The record with its canonical form and hash.
#[derive(Debug, Clone)]
pub struct SealedRecord {
    pub record: ClosureRecord,
    pub canonical_json: String,
    pub hash: String,
}

/// Times as stored: the database keeps microseconds, so the record must too.
fn stored(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&timestamp(at))
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or(at)
}

fn stored_opt(at: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    at.map(stored)
}

fn text_of(values: &Values, key: &str) -> Option<String> {
    values.get(key).and_then(Value::as_str).map(str::to_string)
}

/// Builds the record of a ticket as it is at close.
pub fn build(conn: &Connection, t: &Ticket, audit_head: &str) -> Result<ClosureRecord> {
    build_with(conn, t, audit_head, &crate::store::lookup_over(conn))
}

/// The record of a ticket, with the directory (company, contact, assets, incident, SLA
/// policies) read through `db`: the live directory when sealing, the sealed record's own copy
/// when checking a sealed ticket's live rows against it ([`rebuild_sealed`]).
fn build_with(
    conn: &Connection,
    t: &Ticket,
    audit_head: &str,
    db: &dyn Lookup,
) -> Result<ClosureRecord> {
    let template = crate::store::template_over(conn, &t.template_key, t.template_version)?;
    let company = t.company_id.map(|id| db.company(id)).transpose()?;
    let contact = t.contact_id.map(|id| db.contact(id)).transpose()?;
    let assets = t
        .asset_ids
        .iter()
        .map(|id| db.asset(*id))
        .collect::<Result<Vec<_>>>()?;
    let parent_incident = t.parent_incident_id.map(|id| db.incident(id)).transpose()?;
    let entries: Vec<TimeEntry> = crate::store::time_entries_over(conn, t.id)?;
    let closed_at = stored_opt(t.closed_at);

    // SLA figures as they stood at the close; times at stored precision so a rebuild agrees.
    let mut at_close = t.clone();
    at_close.opened_at = stored_opt(t.opened_at);
    at_close.first_response_at = stored_opt(t.first_response_at);
    at_close.resolved_at = stored_opt(t.resolved_at);
    at_close.closed_at = closed_at;
    at_close.pauses = t
        .pauses
        .iter()
        .map(|p| Pause {
            from: stored(p.from),
            to: stored_opt(p.to),
        })
        .collect();
    let sla = match &company {
        Some(c) => {
            let now = closed_at.unwrap_or_else(|| stored(t.created_at));
            let (fr, res) = crate::workflow::sla_status(&at_close, db, now, DEFAULT_AT_RISK_RATIO)?;
            // The terms the ticket pinned when its clock started, not the desk's at the close.
            let terms = match t.priority {
                Some(p) => db.sla_terms(&at_close, c, p)?,
                None => None,
            };
            Some(SlaPart {
                policy: terms.as_ref().map(|s| s.policy),
                calendar: terms.map_or_else(|| c.calendar.clone(), |s| s.calendar),
                first_response: fr,
                resolution: res,
                pauses: at_close.pauses.clone(),
            })
        }
        None => None,
    };

    let mut signatures = Vec::new();
    let mut steps = Vec::new();
    for r in &t.steps {
        let step = template.step(r.step);
        let mut values = r.values.clone();
        if let Some(step) = step {
            for f in &step.fields {
                if matches!(f.kind, FieldKind::Signature { .. }) {
                    if let Some(sig) = values.remove(&f.key) {
                        if !r.superseded {
                            signatures.push(SignaturePart {
                                step: r.step,
                                field: f.key.clone(),
                                signature: crate::signature::without_preview(sig),
                            });
                        }
                    }
                }
            }
        }
        steps.push(StepPart {
            number: r.step,
            key: step.map(|s| s.key.clone()).unwrap_or_default(),
            title: step.map(|s| s.title.clone()).unwrap_or_default(),
            phase: template
                .phase_of(r.step)
                .map(|p| p.title.clone())
                .unwrap_or_default(),
            completed_by: r.completed_by.clone(),
            completed_at: stored(r.completed_at),
            superseded: r.superseded,
            values,
        });
    }

    // Steps by key: the ticket's template version gives them their numbers.
    let number = |key: &str| template.number_of(key);
    let current = |key: &str| number(key).and_then(|n| t.completion(n)).map(|r| &r.values);
    // The hand-off happened even if a later reopen superseded it: report the latest one.
    let handoff = number(b::TIER2_HANDOFF).and_then(|n| {
        t.steps
            .iter()
            .rev()
            .find(|r| r.step == n)
            .map(|r| r.values.clone())
    });
    let csat = current(b::CSAT).map(|v| CsatPart {
        rating: v.get("rating").and_then(Value::as_i64),
        comment: text_of(v, "comment"),
    });
    let from = |step: &str, key: &str| current(step).and_then(|v| text_of(v, key));
    let resolution = ResolutionPart {
        code: t.resolution_code.clone(),
        root_cause: from(b::DOCUMENT_RESOLUTION, "root_cause"),
        changes: from(b::DOCUMENT_RESOLUTION, "changes"),
        references: from(b::DOCUMENT_RESOLUTION, "references"),
        summary: from(b::SUMMARY, "summary"),
        closure_notes: from(b::CLOSE, "closure_notes"),
    };
    let billable_minutes = entries
        .iter()
        .filter(|e| e.billable)
        .map(|e| u64::from(e.minutes))
        .sum();
    let non_billable_minutes = entries
        .iter()
        .filter(|e| !e.billable)
        .map(|e| u64::from(e.minutes))
        .sum();

    Ok(ClosureRecord {
        format: RECORD_FORMAT.into(),
        ticket: TicketPart {
            number: t.number.clone(),
            template_key: t.template_key.clone(),
            template_version: t.template_version,
            template_name: template.name.clone(),
            status: t.status,
            problem: t.problem.clone(),
            assignee: t.assignee.clone(),
            escalated: t.escalated,
            page_on_call: t.page_on_call,
            caller_override_reason: t.caller_override_reason.clone(),
            created_at: stored(t.created_at),
            opened_at: stored_opt(t.opened_at),
            first_response_at: stored_opt(t.first_response_at),
            resolved_at: stored_opt(t.resolved_at),
            closed_at,
            resolution_code: t.resolution_code.clone(),
        },
        company,
        contact,
        assets,
        parent_incident,
        priority: PriorityPart {
            priority: t.priority,
            computed: t.priority_computed,
            override_reason: t.priority_override_reason.clone(),
            impact: t.impact,
            urgency: t.urgency,
        },
        sla,
        steps,
        handoff,
        time: TimePart {
            entries,
            billable_minutes,
            non_billable_minutes,
        },
        csat,
        resolution,
        signatures,
        audit_head: audit_head.to_string(),
    })
}

/// Everything the closure report shows, in one JSON value.
pub fn canonical_record(conn: &Connection, t: &Ticket, audit_head: &str) -> Result<Value> {
    serde_json::to_value(build(conn, t, audit_head)?)
        .map_err(|e| Error::invalid("record", e.to_string()))
}

/// The directory as a sealed record saw it. The directory may change after a close (a contact
/// moves on, a policy is renegotiated) without touching what was sealed, so a sealed ticket's
/// live rows are rebuilt against this copy: any difference is then in the ticket's own rows.
struct SealedDirectory<'a>(&'a ClosureRecord);

impl SealedDirectory<'_> {
    fn absent<T>(what: &'static str, id: i64) -> Result<T> {
        Err(Error::not_found(
            what,
            format!("{id} (not in the sealed record)"),
        ))
    }
}

impl Lookup for SealedDirectory<'_> {
    fn contact(&self, id: i64) -> Result<Contact> {
        match &self.0.contact {
            Some(c) if c.id == id => Ok(c.clone()),
            _ => Self::absent("contact", id),
        }
    }
    fn company(&self, id: i64) -> Result<Company> {
        match &self.0.company {
            Some(c) if c.id == id => Ok(c.clone()),
            _ => Self::absent("company", id),
        }
    }
    fn asset(&self, id: i64) -> Result<Asset> {
        match self.0.assets.iter().find(|a| a.id == id) {
            Some(a) => Ok(a.clone()),
            None => Self::absent("asset", id),
        }
    }
    fn incident(&self, id: i64) -> Result<Incident> {
        match &self.0.parent_incident {
            Some(i) if i.id == id => Ok(i.clone()),
            _ => Self::absent("incident", id),
        }
    }
    fn runbook_company(&self, id: i64) -> Result<Option<i64>> {
        Self::absent("runbook entry", id)
    }
    fn runbook_touch(
        &self,
        _ticket_id: i64,
        runbook_id: i64,
    ) -> Result<crate::workflow::RunbookTouch> {
        Self::absent("runbook entry", runbook_id)
    }
    fn time_entry_count(&self, ticket_id: i64) -> Result<i64> {
        Self::absent("time entries of ticket", ticket_id)
    }
    fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        // The one policy the record was measured against (none: none applied then either).
        Ok(self
            .0
            .sla
            .as_ref()
            .and_then(|s| s.policy)
            .into_iter()
            .collect())
    }
    fn sla_terms(
        &self,
        _t: &Ticket,
        _company: &Company,
        _priority: crate::priority::Priority,
    ) -> Result<Option<crate::sla::SlaTerms>> {
        // The terms the record was measured against, as it states them.
        Ok(self.0.sla.as_ref().and_then(|s| {
            s.policy.map(|policy| crate::sla::SlaTerms {
                policy,
                calendar: s.calendar.clone(),
            })
        }))
    }
    fn priority_matrix(&self) -> Result<crate::priority::PriorityMatrix> {
        Err(Error::invalid(
            "priority matrix",
            "a sealed record does not keep one",
        ))
    }
}

/// Rebuilds a sealed ticket's record from its live rows (`t`, loaded now), with the directory
/// and chain head taken from the sealed record: equal to `sealed` unless the ticket's own rows
/// changed after the seal.
pub(crate) fn rebuild_sealed(
    conn: &Connection,
    t: &Ticket,
    sealed: &ClosureRecord,
) -> Result<ClosureRecord> {
    build_with(conn, t, &sealed.audit_head, &SealedDirectory(sealed))
}

fn seal(record: ClosureRecord) -> Result<SealedRecord> {
    let canonical_json = canonical_json(&record)?;
    let hash = sha256_hex(canonical_json.as_bytes());
    Ok(SealedRecord {
        record,
        canonical_json,
        hash,
    })
}

/// Builds the record of a ticket being closed, stores its canonical JSON, and returns its hash.
/// Called inside the closing transaction, before the ticket row says closed (the seal triggers
/// refuse a closure record for a closed ticket).
pub(crate) fn seal_record(conn: &Connection, t: &Ticket, audit_head: &str) -> Result<String> {
    let sealed = seal(build(conn, t, audit_head)?)?;
    crate::store::insert_closure_record(conn, t.id, &sealed.canonical_json)?;
    Ok(sealed.hash)
}

impl Store {
    /// The sealed record of a closed ticket as stored when it closed, checked against the
    /// stored hash and the hash its seal event carries: RECORD_MISMATCH if the stored record was
    /// altered.
    pub fn closure_record(&self, ticket_id: i64) -> Result<SealedRecord> {
        self.sealed_record_of(&self.ticket(ticket_id)?)
    }

    /// [`Store::closure_record`] of a ticket already loaded (the ticket view has it).
    pub(crate) fn sealed_record_of(&self, t: &Ticket) -> Result<SealedRecord> {
        if !t.is_closed() {
            return Err(Error::NotClosed(t.number.clone()));
        }
        let stored = crate::store::closure_record_json(self.conn(), t.id)?
            .ok_or_else(|| Error::not_found("closure record", &t.number))?;
        let stored_hash = t.record_hash.clone().unwrap_or_default();
        let computed = sha256_hex(stored.as_bytes());
        let record: Option<ClosureRecord> = serde_json::from_str(&stored).ok();
        // The hash the chain sealed, too: a record and its hash rewritten together in the ticket's
        // rows still differ from the seal event (rewriting that as well breaks the chain's
        // checkpoints, which verify-audit checks).
        let sealed_hash =
            crate::audit::last_of_ticket(self.conn(), t.id, crate::audit::SEALED_ACTION)?
                .and_then(|e| e.after.get("record_hash")?.as_str().map(str::to_string));
        if sealed_hash.as_deref() != Some(computed.as_str()) {
            return Err(Error::RecordMismatch {
                ticket: t.number.clone(),
                stored: sealed_hash.unwrap_or_else(|| "(no seal event)".into()),
                computed,
            });
        }
        match record {
            Some(record) if computed == stored_hash && canonical_json(&record)? == stored => {
                Ok(SealedRecord {
                    record,
                    canonical_json: stored,
                    hash: computed,
                })
            }
            _ => Err(Error::RecordMismatch {
                ticket: t.number.clone(),
                stored: stored_hash,
                computed,
            }),
        }
    }
}
