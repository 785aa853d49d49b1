//! Step 11 (the Tier 2 hand-off) starts from what diagnosis already recorded, so the technician
//! edits instead of retyping steps 6–9.

use std::collections::BTreeMap;

use crate::ticket::Ticket;

/// The hand-off step's number in the built-in template.
pub const HANDOFF_STEP: u8 = 11;

fn notes(t: &Ticket, step: u8) -> Option<String> {
    t.value(step, "notes")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Suggested values for a step's paragraphs, by field key: only step 11 has any. Fields with
/// nothing to start from are left out.
pub fn step_prefill(t: &Ticket, step: u8) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if step != HANDOFF_STEP || t.is_done(step) {
        return out;
    }
    let problem = t.problem.trim();
    if !problem.is_empty() {
        out.insert("symptom".into(), problem.to_string());
    }
    if let Some(repro) = notes(t, 6) {
        out.insert("repro_steps".into(), repro);
    }
    let diagnostics: Vec<String> = [
        (7, "Change history (RMM)"),
        (8, "EDR and Defender alerts"),
        (9, "Runbook search"),
    ]
    .iter()
    .filter_map(|(n, label)| notes(t, *n).map(|text| format!("{label}: {text}")))
    .collect();
    if !diagnostics.is_empty() {
        out.insert("diagnostics_run".into(), diagnostics.join("\n\n"));
    }
    out
}
