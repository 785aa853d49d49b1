//! Fix attempts that failed verification. After the reopen sends the ticket back, the step
//! records of the failed attempt are superseded and the reopen no longer applies; the attempt must
//! still be visible in the checklist, so it is read back from the step records that history keeps.
//! The reopen and the fix are found by key in the ticket's template version.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::template::{builtin as b, Template};
use crate::ticket::Ticket;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FailedAttempt {
    /// 1 for the first attempt that failed.
    pub number: u32,
    /// What did not work, as written at the reopen.
    pub what_failed: String,
    /// The fix that was tried (the fix step's notes of that attempt), if recorded.
    pub fix: Option<String>,
    /// Where the ticket went: back to diagnosis or to Tier 2.
    pub route: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Every failed attempt, oldest first: one per completion of the reopen and reassign step of
/// `tmpl`, the ticket's template version.
pub fn failed_attempts(t: &Ticket, tmpl: &Template) -> Vec<FailedAttempt> {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    let mut out = Vec::new();
    let Some(reopen) = tmpl.number_of(b::REOPEN_REASSIGN) else {
        return out;
    };
    let fix_step = tmpl.number_of(b::APPLY_FIX);
    for (i, r) in t.steps.iter().enumerate().filter(|(_, r)| r.step == reopen) {
        // The fix of this attempt is the last record of the fix step before the reopen.
        let fix = t.steps[..i]
            .iter()
            .rev()
            .find(|f| Some(f.step) == fix_step)
            .and_then(|f| text(f.values.get("notes")));
        out.push(FailedAttempt {
            number: out.len() as u32 + 1,
            what_failed: text(r.values.get("what_failed")).unwrap_or_default(),
            fix,
            route: text(r.values.get("route")),
            recorded_by: r.completed_by.clone(),
            recorded_at: r.completed_at,
        });
    }
    out
}
