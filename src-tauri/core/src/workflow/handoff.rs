//! The Tier 2 hand-off starts from what diagnosis already recorded, so the technician edits
//! instead of retyping the diagnosis notes. Steps are found by key in the ticket's template
//! version: a desk's version may number them differently or leave a diagnosis step out.

use std::collections::BTreeMap;

use crate::template::{builtin as b, Template};
use crate::ticket::Ticket;

/// The diagnosis steps whose notes the hand-off's "Diagnostics already run" starts from, with
/// the heading each one's notes get there.
const DIAGNOSTICS: &[(&str, &str)] = &[
    (b::CHANGE_HISTORY, "Change history (RMM)"),
    (b::EDR_ALERTS, "EDR and Defender alerts"),
    (b::RUNBOOK_SEARCH, "Runbook search"),
];

fn notes(t: &Ticket, tmpl: &Template, key: &str) -> Option<String> {
    t.value(tmpl.number_of(key)?, "notes")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Suggested values for step `step`'s paragraphs (a number of `tmpl`), by field key: only the
/// Tier 2 hand-off has any. Fields with nothing to start from are left out.
pub fn step_prefill(t: &Ticket, tmpl: &Template, step: u8) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if tmpl.number_of(b::TIER2_HANDOFF) != Some(step) || t.is_done(step) {
        return out;
    }
    let problem = t.problem.trim();
    if !problem.is_empty() {
        out.insert("symptom".into(), problem.to_string());
    }
    if let Some(repro) = notes(t, tmpl, b::REPRODUCE) {
        out.insert("repro_steps".into(), repro);
    }
    let diagnostics: Vec<String> = DIAGNOSTICS
        .iter()
        .filter_map(|(key, label)| notes(t, tmpl, key).map(|text| format!("{label}: {text}")))
        .collect();
    if !diagnostics.is_empty() {
        out.insert("diagnostics_run".into(), diagnostics.join("\n\n"));
    }
    out
}
