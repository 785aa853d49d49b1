//! Fix attempts that failed verification. After step 17 sends the ticket back, the step records of
//! the failed attempt are superseded and step 17 no longer applies; the attempt must still be
//! visible in the checklist, so it is read back from the step records that history keeps.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ticket::Ticket;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FailedAttempt {
    /// 1 for the first attempt that failed.
    pub number: u32,
    /// What did not work, as written at step 17.
    pub what_failed: String,
    /// The fix that was tried (step 12's notes of that attempt), if recorded.
    pub fix: Option<String>,
    /// Where the ticket went: back to diagnosis or to Tier 2.
    pub route: Option<String>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// Every failed attempt, oldest first: one per completion of step 17 (reopen and reassign).
pub fn failed_attempts(t: &Ticket) -> Vec<FailedAttempt> {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    let mut out = Vec::new();
    for (i, r) in t.steps.iter().enumerate().filter(|(_, r)| r.step == 17) {
        // The fix of this attempt is the last step-12 record before the reopen.
        let fix = t.steps[..i]
            .iter()
            .rev()
            .find(|f| f.step == 12)
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
