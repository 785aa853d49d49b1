//! Loading and saving the ticket aggregate, and the commands that change a ticket.
//!
//! Every command loads the ticket, applies the rules to a copy, and writes the copy and its audit
//! events in one transaction; if a rule refuses, nothing is written.

use super::directory::Db;
use super::pins::PinProof;
use super::{found, Durability, Store};
use crate::audit::{self, timestamp, AuditEvent};
use crate::directory::Technician;
use crate::error::{Error, Result};
use crate::record;
use crate::sla::{Pause, DEFAULT_AT_RISK_RATIO};
use crate::template::{Gate, Template};
use crate::ticket::{StepRecord, Ticket, TicketStatus, Values};
use crate::workflow::{self, Change, Ctx, EscalateTo, Lookup, WaitRequest};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

const TICKET_COLS: &str =
    "id, number, template_key, template_version, status, resume_status, company_id, contact_id,
    caller_override_reason, impact, urgency, priority, priority_computed, priority_override_reason,
    parent_incident_id, problem, assignee, escalated, page_on_call, verification_failed, created_at,
    opened_at, first_response_at, resolved_at, closed_at, resolution_code, record_hash";

/// The ticket row and its pauses: enough for SLA figures and the queue, without steps or assets.
pub(crate) fn load_head(conn: &Connection, id: i64) -> Result<Ticket> {
    let mut t = found(
        conn.query_row(
            &format!("SELECT {TICKET_COLS} FROM tickets WHERE id = ?1"),
            [id],
            |r| {
                Ok(Ticket {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    template_key: r.get(2)?,
                    template_version: r.get(3)?,
                    status: r.get(4)?,
                    resume_status: r.get(5)?,
                    company_id: r.get(6)?,
                    contact_id: r.get(7)?,
                    caller_override_reason: r.get(8)?,
                    impact: r.get(9)?,
                    urgency: r.get(10)?,
                    priority: r.get(11)?,
                    priority_computed: r.get(12)?,
                    priority_override_reason: r.get(13)?,
                    parent_incident_id: r.get(14)?,
                    problem: r.get(15)?,
                    assignee: r.get(16)?,
                    escalated: r.get(17)?,
                    page_on_call: r.get(18)?,
                    verification_failed: r.get(19)?,
                    created_at: r.get(20)?,
                    opened_at: r.get(21)?,
                    first_response_at: r.get(22)?,
                    resolved_at: r.get(23)?,
                    closed_at: r.get(24)?,
                    resolution_code: r.get(25)?,
                    record_hash: r.get(26)?,
                    asset_ids: Vec::new(),
                    pauses: Vec::new(),
                    steps: Vec::new(),
                })
            },
        ),
        "ticket",
        id,
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT paused_at, resumed_at FROM ticket_pauses WHERE ticket_id = ?1 ORDER BY seq",
    )?;
    t.pauses = stmt
        .query_map([id], |r| {
            Ok(Pause {
                from: r.get(0)?,
                to: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(t)
}

/// The whole aggregate: row, pauses, linked assets and every step record.
pub(crate) fn load(conn: &Connection, id: i64) -> Result<Ticket> {
    let mut t = load_head(conn, id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT asset_id FROM ticket_assets WHERE ticket_id = ?1 ORDER BY asset_id",
    )?;
    t.asset_ids = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, step, completed_by, completed_at, vals, superseded FROM step_records WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get::<_, String>(4)?,
            r.get(5)?,
        ))
    })?;
    for row in rows {
        let (rid, step, completed_by, completed_at, vals, superseded) = row?;
        let values: Values = serde_json::from_str(&vals)
            .map_err(|e| Error::invalid("step values", e.to_string()))?;
        t.steps.push(StepRecord {
            id: Some(rid),
            step,
            completed_by,
            completed_at,
            values,
            superseded,
        });
    }
    Ok(t)
}

fn opt_ts(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(timestamp)
}

/// Writes the changed aggregate. Child rows first: once the ticket row says closed, the seal
/// triggers refuse any further write to it.
fn save(
    conn: &Connection,
    before: &Ticket,
    t: &Ticket,
    (sla_due_at, sla_risk_at): Deadlines,
) -> Result<()> {
    for r in &t.steps {
        match r.id {
            None => {
                let vals = serde_json::to_string(&r.values)
                    .map_err(|e| Error::invalid("values", e.to_string()))?;
                conn.execute(
                    "INSERT INTO step_records (ticket_id, step, completed_by, completed_at, vals, superseded)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![t.id, r.step, r.completed_by, timestamp(r.completed_at), vals, r.superseded],
                )?;
                // The completed values replace whatever was autosaved for the step.
                conn.execute(
                    "DELETE FROM drafts WHERE ticket_id = ?1 AND step = ?2",
                    params![t.id, r.step],
                )?;
            }
            Some(id) => {
                let was = before
                    .steps
                    .iter()
                    .find(|b| b.id == Some(id))
                    .map(|b| b.superseded);
                if was != Some(r.superseded) {
                    conn.execute(
                        "UPDATE step_records SET superseded = ?1 WHERE id = ?2",
                        params![r.superseded, id],
                    )?;
                }
            }
        }
    }
    if before.asset_ids != t.asset_ids {
        conn.execute("DELETE FROM ticket_assets WHERE ticket_id = ?1", [t.id])?;
        for a in &t.asset_ids {
            conn.execute(
                "INSERT INTO ticket_assets (ticket_id, asset_id) VALUES (?1, ?2)",
                params![t.id, a],
            )?;
        }
    }
    if before.pauses != t.pauses {
        conn.execute("DELETE FROM ticket_pauses WHERE ticket_id = ?1", [t.id])?;
        for (seq, p) in t.pauses.iter().enumerate() {
            conn.execute(
                "INSERT INTO ticket_pauses (ticket_id, seq, paused_at, resumed_at) VALUES (?1, ?2, ?3, ?4)",
                params![t.id, seq as i64, timestamp(p.from), opt_ts(p.to)],
            )?;
        }
    }
    conn.execute(
        "UPDATE tickets SET status = ?2, resume_status = ?3, company_id = ?4, contact_id = ?5,
            caller_override_reason = ?6, impact = ?7, urgency = ?8, priority = ?9, priority_computed = ?10,
            priority_override_reason = ?11, parent_incident_id = ?12, problem = ?13, assignee = ?14,
            escalated = ?15, page_on_call = ?16, verification_failed = ?17, opened_at = ?18,
            first_response_at = ?19, resolved_at = ?20, closed_at = ?21, resolution_code = ?22,
            record_hash = ?23, sla_due_at = ?24, sla_risk_at = ?25
         WHERE id = ?1",
        params![
            t.id, t.status, t.resume_status, t.company_id, t.contact_id, t.caller_override_reason, t.impact,
            t.urgency, t.priority, t.priority_computed, t.priority_override_reason, t.parent_incident_id,
            t.problem, t.assignee, t.escalated, t.page_on_call, t.verification_failed, opt_ts(t.opened_at),
            opt_ts(t.first_response_at), opt_ts(t.resolved_at), opt_ts(t.closed_at), t.resolution_code,
            t.record_hash, opt_ts(sla_due_at), opt_ts(sla_risk_at)
        ],
    )?;
    Ok(())
}

/// Applies a rule to a copy of the ticket and stores the result with its audit events, inside
/// the caller's transaction: for a write that changes a ticket along with something else (the
/// outbox marking the survey sent completes step 18 in the same transaction).
pub(super) fn change_in(
    tx: &Connection,
    id: i64,
    actor: &str,
    now: DateTime<Utc>,
    rule: impl FnOnce(&mut Ticket, &Ctx) -> Result<Vec<Change>>,
) -> Result<Ticket> {
    let before = load(tx, id)?;
    if before.is_closed() {
        return Err(Error::TicketClosed(before.number.clone()));
    }
    let mut t = before.clone();
    let lookup = Db(tx);
    let ctx = Ctx {
        now,
        actor,
        lookup: &lookup,
        at_risk_ratio: DEFAULT_AT_RISK_RATIO,
    };
    let changes = rule(&mut t, &ctx)?;
    // A clock that starts here runs on the desk's terms now, whatever is edited later.
    super::sla_settings::pin_on_change(tx, &before, &t)?;
    // A signature stored with this change uses up its nonce and its strokes, or nothing is.
    super::signing::consume_new_signatures(tx, &t, now)?;
    let mut events: Vec<AuditEvent> = Vec::with_capacity(changes.len());
    for c in &changes {
        events.push(audit::append(tx, Some(id), actor, now, c)?);
    }
    if t.is_closed() {
        let head = events.last().map(|e| e.hash.clone()).unwrap_or_default();
        let hash = record::seal_record(tx, &t, &head)?;
        // The seal enters the chain: rewriting the record now means rewriting the chain.
        super::seal::append_sealed(tx, t.id, &t.number, &hash, actor, now)?;
        t.record_hash = Some(hash);
    }
    // Every child row before the ticket row: once it says closed, the seal refuses them.
    super::records::sync_csat(tx, &t, now)?;
    let due = next_due(tx, &t, now)?;
    save(tx, &before, &t, due)?;
    Ok(t)
}

/// How old a blank draft may be and still be reopened by "+ New ticket": about a shift.
const BLANK_DRAFT_REUSE: chrono::Duration = chrono::Duration::hours(8);

/// Why a ticket waits on the customer, shown in its header while it does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Waiting {
    pub reason: String,
    /// `None` only for a wait recorded before follow-up dates were asked for.
    pub follow_up_on: Option<chrono::NaiveDate>,
    pub since: DateTime<Utc>,
    pub by: String,
}

/// The running deadline and the instant it turns "at risk", as stored on the ticket row.
type Deadlines = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The deadline the queue sorts by (first response until it happens, then resolution), and the
/// instant that deadline turns "at risk"; both `None` while no clock runs.
fn next_due(conn: &Connection, t: &Ticket, now: DateTime<Utc>) -> Result<Deadlines> {
    let db = Db(conn);
    let (fr, res) = workflow::sla_status(t, &db, now, DEFAULT_AT_RISK_RATIO)?;
    let current = match (fr, res) {
        (Some(fr), _) if t.first_response_at.is_none() => fr,
        (_, Some(res)) if t.resolved_at.is_none() => res,
        _ => return Ok((None, None)),
    };
    let Some(due) = current.due_at else {
        return Ok((None, None));
    };
    let risk_secs =
        (current.target_secs as f64 * DEFAULT_AT_RISK_RATIO) as i64 - current.elapsed_secs;
    let risk = if risk_secs <= 0 {
        due.min(now)
    } else {
        // The calendar the clock runs on: the one the ticket pinned.
        let terms = match (t.company_id, t.priority) {
            (Some(id), Some(p)) => db.sla_terms(t, &db.company(id)?, p)?,
            _ => None,
        };
        let Some(terms) = terms else {
            return Ok((Some(due), None));
        };
        terms
            .calendar
            .add_working_time(now, chrono::Duration::seconds(risk_secs))
    };
    Ok((Some(due), Some(risk)))
}

impl Store {
    /// A new ticket, assigned to the technician who opens it. Its number is never one a discarded
    /// draft had: the audit trail still names that draft's id.
    pub fn create_ticket(&mut self, actor: &str, now: DateTime<Utc>) -> Result<Ticket> {
        let actor = super::check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let id: i64 = tx.query_row(
                "SELECT max(coalesce((SELECT max(id) FROM tickets), 0),
                            coalesce((SELECT max(ticket_id) FROM audit_events), 0)) + 1",
                [],
                |r| r.get(0),
            )?;
            // The newest published version; tickets under way keep the one they pinned.
            let (key, version) = super::templates::for_new_tickets(tx)?;
            let mut t = Ticket::new(id, format!("T-{id:06}"), key, version, now);
            t.assignee = Some(actor.to_string());
            tx.execute(
                "INSERT INTO tickets (id, number, template_key, template_version, status, problem, escalated,
                    page_on_call, verification_failed, created_at, assignee)
                 VALUES (?1, ?2, ?3, ?4, ?5, '', 0, 0, 0, ?6, ?7)",
                params![t.id, t.number, t.template_key, t.template_version, t.status, timestamp(now), t.assignee],
            )?;
            audit::append(
                tx,
                Some(id),
                actor,
                now,
                &Change::new("ticket_created", json!(null), json!({"number": t.number, "assignee": t.assignee})),
            )?;
            Ok(t)
        })
    }

    /// "+ New ticket": the technician's own untouched draft from this shift if they left one
    /// (nothing recorded, typed, timed or linked on it), else a new ticket. Repeated clicks do not
    /// pile up drafts; an older blank draft is not handed out as new (its age would be wrong).
    pub fn start_ticket(&mut self, actor: &str, now: DateTime<Utc>) -> Result<Ticket> {
        let who = super::check_actor(actor)?;
        let blank: Option<i64> = self
            .conn()
            .query_row(
                "SELECT t.id FROM tickets t
                 WHERE t.assignee = ?1 AND t.status = 'new' AND t.created_at >= ?2
                   AND NOT EXISTS (SELECT 1 FROM step_records s WHERE s.ticket_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.ticket_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM time_entries e WHERE e.ticket_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM ticket_runbooks l WHERE l.ticket_id = t.id)
                   AND NOT EXISTS (SELECT 1 FROM ticket_assets a WHERE a.ticket_id = t.id)
                 ORDER BY t.id DESC LIMIT 1",
                params![who, timestamp(now - BLANK_DRAFT_REUSE)],
                |r| r.get(0),
            )
            .optional()?;
        match blank {
            Some(id) => self.ticket(id),
            None => self.create_ticket(who, now),
        }
    }

    /// Discards a draft (a ticket whose caller is not verified yet): it leaves the queue and the
    /// search, with its autosaved text and any time logged on it; the audit trail keeps the discard.
    pub fn discard_ticket(&mut self, id: i64, actor: &str, now: DateTime<Utc>) -> Result<()> {
        let actor = super::check_actor(actor)?;
        // Its template version says which step verifies the caller (templates never change).
        let tmpl = self.ticket_template(id)?;
        self.write(Durability::Normal, |tx| {
            let t = load(tx, id)?;
            let minutes: Vec<i64> = tx
                .prepare_cached(
                    "SELECT minutes FROM time_entries WHERE ticket_id = ?1 ORDER BY id",
                )?
                .query_map([id], |r| r.get("minutes"))?
                .collect::<rusqlite::Result<_>>()?;
            let change = workflow::discard(&t, &tmpl, &minutes)?;
            audit::append(tx, Some(id), actor, now, &change)?;
            for table in [
                "drafts",
                "time_entries",
                "ticket_runbooks",
                "ticket_assets",
                "ticket_pauses",
                "csat_responses",
                "step_records",
            ] {
                tx.execute(&format!("DELETE FROM {table} WHERE ticket_id = ?1"), [id])?;
            }
            tx.execute("DELETE FROM tickets WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn ticket(&self, id: i64) -> Result<Ticket> {
        load(self.conn(), id)
    }

    pub fn ticket_id_by_number(&self, number: &str) -> Result<i64> {
        found(
            self.conn()
                .query_row("SELECT id FROM tickets WHERE number = ?1", [number], |r| {
                    r.get(0)
                }),
            "ticket",
            number,
        )
    }

    /// Applies a rule to a copy of the ticket and stores the result with its audit events.
    fn change(
        &mut self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
        durability: Durability,
        rule: impl FnOnce(&mut Ticket, &Ctx) -> Result<Vec<Change>>,
    ) -> Result<Ticket> {
        let actor = super::check_actor(actor)?;
        self.write(durability, |tx| change_in(tx, id, actor, now, rule))
    }

    /// Completes a step. The close is refused here: it needs the technician's PIN ([`Store::sign_off`]).
    /// An escalation made here (the CLI, scripts) goes to the Tier 2 queue; the window asks to
    /// whom and uses [`Store::complete_step_escalating`].
    pub fn complete_step(
        &mut self,
        id: i64,
        step: u8,
        values: Values,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.complete_step_escalating(id, step, values, None, actor, now)
    }

    /// Completes a step; when it escalates the ticket (step 10), `escalate_to` says to whom: an
    /// active Tier 2 technician, or the Tier 2 queue (also when `None`). The assignment is audited
    /// in the same transaction as the step.
    pub fn complete_step_escalating(
        &mut self,
        id: i64,
        step: u8,
        values: Values,
        escalate_to: Option<EscalateTo>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let template = self.ticket_template(id)?;
        let gate = template.step(step).map(|s| s.gate);
        if gate == Some(Gate::Close) {
            return Err(Error::PinRequired);
        }
        if gate != Some(Gate::EscalationDecision) {
            if escalate_to.is_some() {
                return Err(Error::invalid(
                    "escalate_to",
                    "only the escalation decision (step 10) escalates to someone",
                ));
            }
            return self.complete(id, &template, step, values, actor, now);
        }
        // The named technician's record, for the rule to judge (the store is one connection behind
        // a lock: nothing changes between this read and the write below).
        let technician: Option<Technician> = match &escalate_to {
            Some(EscalateTo::Technician(name)) => Some(
                self.technicians()?
                    .into_iter()
                    .find(|t| t.name == *name)
                    .ok_or_else(|| Error::not_found("technician", name))?,
            ),
            Some(EscalateTo::Tier2Queue) | None => None,
        };
        self.change(id, actor, now, Durability::Normal, |t, ctx| {
            let mut changes = workflow::complete_step(t, &template, step, values, ctx)?;
            if !t.escalated {
                if escalate_to.is_some() {
                    return Err(Error::invalid(
                        "escalate_to",
                        "resolving at Tier 1 escalates to nobody",
                    ));
                }
                return Ok(changes);
            }
            changes.push(workflow::assign_escalation(t, technician.as_ref())?);
            Ok(changes)
        })
    }

    /// Closes a ticket with the technician's sign-off, once their PIN was checked: the proof is
    /// used up, and the signature must carry the technician's own name.
    pub fn sign_off(
        &mut self,
        id: i64,
        values: Values,
        proof: PinProof,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let ticket = load(self.conn(), id)?;
        // No close-and-reopen: a closed ticket says so, whoever the new sign-off names.
        if ticket.is_closed() {
            return Err(Error::TicketClosed(ticket.number));
        }
        let template = self.template(&ticket.template_key, ticket.template_version)?;
        let close = template
            .steps()
            .find(|s| s.gate == Gate::Close)
            .ok_or_else(|| Error::not_found("step", "close"))?
            .number;
        let technician = proof.technician();
        let signer = values
            .get("signature")
            .and_then(|s| s.get("signer_name"))
            .and_then(|n| n.as_str());
        if signer.is_some_and(|n| n.trim() != technician) {
            return Err(Error::invalid(
                "signature",
                format!("the sign-off must be signed by {technician}, who entered the PIN"),
            ));
        }
        self.complete(id, &template, close, values, technician, now)
    }

    pub(super) fn ticket_template(&self, id: i64) -> Result<Template> {
        let t = load(self.conn(), id)?;
        self.template(&t.template_key, t.template_version)
    }

    fn complete(
        &mut self,
        id: i64,
        template: &Template,
        step: u8,
        values: Values,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        // Signatures and the close are evidence: they must survive a power loss once acknowledged.
        let durable = template.step(step).is_some_and(|s| {
            s.fields
                .iter()
                .any(|f| matches!(f.kind, crate::template::FieldKind::Signature { .. }))
        });
        let durability = if durable {
            Durability::Full
        } else {
            Durability::Normal
        };
        self.change(id, actor, now, durability, |t, ctx| {
            workflow::complete_step(t, template, step, values, ctx)
        })
    }

    /// Puts the ticket on hold for the customer, with why and the day to follow up.
    pub fn wait_on_customer(
        &mut self,
        id: i64,
        request: &WaitRequest,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        self.change(id, actor, now, Durability::Normal, |t, ctx| {
            workflow::wait_on_customer(t, request, ctx)
        })
    }

    /// Why a waiting ticket waits and when to follow up (from the event that put it on hold);
    /// `None` unless the ticket is waiting on the customer now.
    pub fn waiting(&self, t: &Ticket) -> Result<Option<Waiting>> {
        if t.status != TicketStatus::WaitingOnCustomer {
            return Ok(None);
        }
        let row = self
            .conn()
            .query_row(
                "SELECT actor, at, after ->> '$.reason' AS reason,
                        after ->> '$.follow_up_on' AS follow_up_on
                 FROM audit_events WHERE ticket_id = ?1 AND action = 'waiting_on_customer'
                 ORDER BY id DESC LIMIT 1",
                [t.id],
                |r| {
                    Ok(Waiting {
                        since: r.get("at")?,
                        by: r.get("actor")?,
                        reason: r.get::<_, Option<String>>("reason")?.unwrap_or_default(),
                        follow_up_on: r
                            .get::<_, Option<String>>("follow_up_on")?
                            .and_then(|d| d.parse().ok()),
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    pub fn customer_replied(&mut self, id: i64, actor: &str, now: DateTime<Utc>) -> Result<Ticket> {
        self.change(id, actor, now, Durability::Normal, workflow::resume)
    }

    pub fn assign(
        &mut self,
        id: i64,
        technician: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Ticket> {
        let current = load(self.conn(), id)?;
        if current.is_closed() {
            return Err(Error::TicketClosed(current.number));
        }
        // A deactivated technician takes no new work.
        let name = match technician {
            Some(n) => Some(super::technicians::require_active(self.conn(), n)?.name),
            None => None,
        };
        self.change(id, actor, now, Durability::Normal, move |t, _| {
            let before = json!({"assignee": t.assignee});
            t.assignee = name;
            Ok(vec![Change::new(
                "assigned",
                before,
                json!({"assignee": t.assignee}),
            )])
        })
    }

    pub fn ticket_audit(&self, id: i64, limit: u32) -> Result<Vec<AuditEvent>> {
        audit::for_ticket(self.conn(), id, limit.min(1000))
    }

    pub fn ticket_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))?)
    }

    /// The stored record hash of a closed ticket.
    pub fn record_hash(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT record_hash FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .flatten())
    }
}

/// Numbers of a client's closed tickets closed in `[start, end)` (stored timestamps), oldest
/// first.
pub(crate) fn closed_numbers_between(
    conn: &Connection,
    company_id: i64,
    start: &str,
    end: &str,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT number FROM tickets
         WHERE company_id = :company_id AND status = :status
           AND closed_at >= :start AND closed_at < :end
         ORDER BY closed_at, id",
    )?;
    let rows = stmt.query_map(
        rusqlite::named_params! {
            ":company_id": company_id,
            ":status": TicketStatus::Closed,
            ":start": start,
            ":end": end,
        },
        |r| r.get("number"),
    )?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}
