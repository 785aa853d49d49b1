//! One ticket's facts as the figures read them, from a sealed record or from live rows, so the
//! counting itself never needs to know which.

use super::input::{LiveTicket, SealedTicket};
use crate::directory::Company;
use crate::priority::Priority;
use crate::sla::{client_zone, evaluate, Calendar, Pause, SlaPolicy, SlaState, SlaTerms};
use crate::sla::{SlaStatus, Timer, Zone, DEFAULT_AT_RISK_RATIO};
use crate::store::TimeEntry;
use crate::template::builtin as b;
use crate::ticket::{TicketStatus, Values};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

pub(crate) struct Facts<'a> {
    pub number: String,
    /// The client as the sealed record (closed) or the live row (open) names it.
    pub company_id: Option<i64>,
    pub client: String,
    pub zone: Zone,
    pub status: TicketStatus,
    pub priority: Option<Priority>,
    /// Who CSAT is credited to (closed tickets only).
    pub credited: Option<String>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub resolution_code: Option<String>,
    pub escalated: bool,
    pub failed_verifications: u32,
    pub first_response: Option<SlaStatus>,
    pub resolution: Option<SlaStatus>,
    pub first_response_secs: Option<i64>,
    pub resolution_secs: Option<i64>,
    pub breach_note: Option<String>,
    /// `Some` when the survey was sent; the rating inside when it was answered.
    pub csat: Option<Option<i64>>,
    pub entries: &'a [TimeEntry],
    /// (id, host name) of each linked asset.
    pub assets: Vec<(i64, String)>,
    pub runbooks: Vec<i64>,
    pub record_hash: Option<String>,
}

impl Facts<'_> {
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.zone.local(at).date()
    }

    /// "YYYY-MM" of `at` in the client's zone.
    pub fn month(&self, at: DateTime<Utc>) -> String {
        self.zone.local(at).format("%Y-%m").to_string()
    }

    pub fn sealed(&self) -> bool {
        self.record_hash.is_some()
    }
}

/// The steps whose live records the figures read (the store loads only these for open tickets):
/// the escalation decision, the reopen and the time reconciliation.
pub(crate) const LIVE_STEPS: &[&str] = &[
    b::ESCALATION_DECISION,
    b::REOPEN_REASSIGN,
    b::TIME_RECONCILE,
];

/// A step's completion as the figures need it, from either source. Steps are told apart by key:
/// their numbers differ between template versions.
struct Completion<'a> {
    key: &'a str,
    superseded: bool,
    completed_by: &'a str,
    values: &'a Values,
}

fn text<'a>(values: &'a Values, key: &str) -> Option<&'a str> {
    values.get(key).and_then(Value::as_str)
}

/// Escalated to Tier 2 at any point: an escalation decision to escalate or a reopen reassigning
/// to Tier 2, superseded records included (a later reopen does not undo an escalation).
fn escalated_ever(steps: &[Completion]) -> bool {
    steps.iter().any(|s| {
        (s.key == b::ESCALATION_DECISION && text(s.values, "decision") == Some(b::ESCALATE))
            || (s.key == b::REOPEN_REASSIGN && text(s.values, "route") == Some(b::ROUTE_TIER2))
    })
}

/// One failed attempt per completion of the reopen (see `workflow::failed_attempts`).
fn failed_verifications(steps: &[Completion]) -> u32 {
    steps.iter().filter(|s| s.key == b::REOPEN_REASSIGN).count() as u32
}

fn current<'a>(steps: &'a [Completion<'a>], key: &str) -> Option<&'a Completion<'a>> {
    steps.iter().rev().find(|s| s.key == key && !s.superseded)
}

/// The breach note of the time reconciliation's current completion, if one was written.
fn breach_note(steps: &[Completion]) -> Option<String> {
    current(steps, b::TIME_RECONCILE)
        .and_then(|s| text(s.values, "breach_note"))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Business time from `start` to `stop` (read at `at`), less pauses: the SLA clock's count.
fn business_secs(
    calendar: &Calendar,
    start: Option<DateTime<Utc>>,
    stop: Option<DateTime<Utc>>,
    pauses: &[Pause],
    at: DateTime<Utc>,
) -> Option<i64> {
    let (start, stop) = (start?, stop?);
    let timer = Timer {
        started_at: start,
        target: Duration::zero(),
        pauses,
        stopped_at: Some(stop),
    };
    Some(evaluate(calendar, &timer, at.max(stop), DEFAULT_AT_RISK_RATIO).elapsed_secs)
}

/// A stopped clock's business time: the sealed status's count when there is one, else counted.
fn stopped_secs(
    status: Option<&SlaStatus>,
    calendar: &Calendar,
    start: Option<DateTime<Utc>>,
    stop: Option<DateTime<Utc>>,
    pauses: &[Pause],
    at: DateTime<Utc>,
) -> Option<i64> {
    stop?;
    match status {
        Some(s) if matches!(s.state, SlaState::Met | SlaState::Breached) => Some(s.elapsed_secs),
        _ => business_secs(calendar, start, stop, pauses, at),
    }
}

pub(crate) fn from_sealed<'a>(s: &'a SealedTicket, desk_zone: Option<&str>) -> Facts<'a> {
    let r = &s.record;
    let t = &r.ticket;
    let steps: Vec<Completion> = r
        .steps
        .iter()
        .map(|p| Completion {
            key: &p.key,
            superseded: p.superseded,
            completed_by: &p.completed_by,
            values: &p.values,
        })
        .collect();
    let calendar = r
        .sla
        .as_ref()
        .map(|s| s.calendar.clone())
        .or_else(|| r.company.as_ref().map(|c| c.calendar.clone()))
        .unwrap_or(Calendar::AlwaysOn);
    let pauses: &[Pause] = r.sla.as_ref().map(|s| s.pauses.as_slice()).unwrap_or(&[]);
    let fr = r.sla.as_ref().and_then(|s| s.first_response);
    let res = r.sla.as_ref().and_then(|s| s.resolution);
    let at = t.closed_at.unwrap_or(t.created_at);
    let mut runbooks: Vec<i64> = [b::RUNBOOK_SEARCH, b::RUNBOOK_UPDATE]
        .iter()
        .filter_map(|key| current(&steps, key))
        .flat_map(|s| crate::workflow::values::ids(s.values, "runbooks"))
        .collect();
    runbooks.sort_unstable();
    runbooks.dedup();
    let credited = t
        .assignee
        .clone()
        .or_else(|| current(&steps, b::CLOSE).map(|s| s.completed_by.to_string()));
    Facts {
        number: t.number.clone(),
        company_id: r.company.as_ref().map(|c| c.id),
        client: r
            .company
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        zone: client_zone(Some(&calendar), desk_zone),
        status: t.status,
        priority: r.priority.priority,
        credited,
        opened_at: t.opened_at,
        closed_at: t.closed_at,
        resolution_code: t.resolution_code.clone(),
        escalated: escalated_ever(&steps),
        failed_verifications: failed_verifications(&steps),
        first_response_secs: stopped_secs(
            fr.as_ref(),
            &calendar,
            t.opened_at,
            t.first_response_at,
            pauses,
            at,
        ),
        resolution_secs: stopped_secs(
            res.as_ref(),
            &calendar,
            t.opened_at,
            t.resolved_at,
            pauses,
            at,
        ),
        first_response: fr,
        resolution: res,
        breach_note: breach_note(&steps),
        csat: r.csat.as_ref().map(|c| c.rating),
        entries: &r.time.entries,
        assets: r
            .assets
            .iter()
            .map(|a| (a.id, a.hostname.clone()))
            .collect(),
        runbooks,
        record_hash: Some(s.hash.clone()),
    }
}

pub(crate) fn from_live<'a>(
    l: &'a LiveTicket,
    companies: &[Company],
    policies: &[SlaPolicy],
    pinned: Option<&SlaTerms>,
    desk_zone: Option<&str>,
    now: DateTime<Utc>,
) -> Facts<'a> {
    let t = &l.ticket;
    let steps: Vec<Completion> = t
        .steps
        .iter()
        .map(|r| Completion {
            // A number the ticket's template version does not know reads as no step at all.
            key: l.step_keys.get(&r.step).map_or("", String::as_str),
            superseded: r.superseded,
            completed_by: &r.completed_by,
            values: &r.values,
        })
        .collect();
    let company = t
        .company_id
        .and_then(|id| companies.iter().find(|c| c.id == id));
    // The clocks as the ticket's view shows them now (see `workflow::sla_status`): on the terms
    // it pinned when its clock started, else the desk's now.
    let terms = match (company, t.priority, t.opened_at) {
        (Some(c), Some(p), Some(_)) => pinned
            .cloned()
            .or_else(|| SlaTerms::current(policies, c, p)),
        _ => None,
    };
    let policy = terms.as_ref().map(|s| s.policy);
    let calendar = terms
        .as_ref()
        .map(|s| &s.calendar)
        .or(company.map(|c| &c.calendar));
    let clock = |minutes: u32, stopped: Option<DateTime<Utc>>| {
        let (Some(c), Some(opened)) = (calendar, t.opened_at) else {
            return None;
        };
        let timer = Timer {
            started_at: opened,
            target: Duration::minutes(minutes.into()),
            pauses: &t.pauses,
            stopped_at: stopped,
        };
        Some(evaluate(c, &timer, now, DEFAULT_AT_RISK_RATIO))
    };
    let fr = policy.and_then(|p| clock(p.first_response_minutes, t.first_response_at));
    let res = policy.and_then(|p| clock(p.resolution_minutes, t.resolved_at));
    let always_on = Calendar::AlwaysOn;
    let cal = calendar.unwrap_or(&always_on);
    Facts {
        number: t.number.clone(),
        company_id: t.company_id,
        client: company.map(|c| c.name.clone()).unwrap_or_default(),
        zone: client_zone(calendar, desk_zone),
        status: t.status,
        priority: t.priority,
        credited: None,
        opened_at: t.opened_at,
        closed_at: None,
        resolution_code: None,
        escalated: escalated_ever(&steps),
        failed_verifications: failed_verifications(&steps),
        first_response_secs: t.first_response_at.filter(|at| *at <= now).and_then(|_| {
            stopped_secs(
                fr.as_ref(),
                cal,
                t.opened_at,
                t.first_response_at,
                &t.pauses,
                now,
            )
        }),
        resolution_secs: t.resolved_at.filter(|at| *at <= now).and_then(|_| {
            stopped_secs(
                res.as_ref(),
                cal,
                t.opened_at,
                t.resolved_at,
                &t.pauses,
                now,
            )
        }),
        first_response: fr,
        resolution: res,
        breach_note: breach_note(&steps),
        csat: None,
        entries: &l.entries,
        assets: l
            .assets
            .iter()
            .map(|a| (a.id, a.hostname.clone()))
            .collect(),
        runbooks: Vec::new(),
        record_hash: None,
    }
}
