//! The intake form's dry run: what the intake phase's steps would still refuse and what priority the ticket would
//! get, answered by running the very rules "Open ticket" runs ([`complete_step`]) on a scratch
//! ticket in memory. Nothing is stored; the window keeps no copy of any rule or of the matrix.

use super::rules::{complete_step, priority_decision};
use super::values;
use super::Ctx;
use crate::error::Error;
use crate::priority::Priority;
use crate::template::{Gate, Step, Template};
use crate::ticket::{Ticket, Values};
use serde::{Deserialize, Serialize};

/// One intake step's values as the form would send them, addressed by the step's key (numbers
/// differ between template versions).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ts_rs::TS)]
pub struct IntakeStep {
    pub key: String,
    pub values: Values,
}

/// Something an intake step would refuse, in the words the step itself would use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IntakeGap {
    /// The step's number in the ticket's template, and its key.
    pub step: u8,
    pub key: String,
    /// The error code the step would answer with (`GATE_BLOCKED` for a missing value).
    pub code: String,
    /// The field at fault, when the rule names one.
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IntakePreview {
    /// The matrix's answer, once impact and urgency are both given.
    pub priority_computed: Option<Priority>,
    /// What step 3 would store: the technician's choice, else the matrix's.
    pub priority: Option<Priority>,
    /// The choice differs from the matrix: step 3 wants a written reason.
    pub overridden: bool,
    /// Everything still refused, step by step; empty when "Open ticket" would succeed.
    pub missing: Vec<IntakeGap>,
}

fn gaps(step: &Step, err: Error) -> Vec<IntakeGap> {
    let gap = |code: &str, field: Option<String>, message: String| IntakeGap {
        step: step.number,
        key: step.key.clone(),
        code: code.into(),
        field,
        message,
    };
    match err {
        Error::GateBlocked { missing, .. } => missing
            .into_iter()
            .map(|m| gap("GATE_BLOCKED", None, m))
            .collect(),
        Error::InvalidInput { field, message } => {
            vec![gap("INVALID_INPUT", Some(field), message)]
        }
        other => vec![gap(other.code(), None, other.to_string())],
    }
}

/// Runs the steps of `tmpl`'s intake phase (a desk's own steps included), in the template's order, on a new ticket in memory with the
/// given values. Once a step is refused, the steps after it would all be refused for it; they are
/// then checked against their own values only (the same check `complete_step` starts with), so
/// the technician sees every field still to fill, once.
pub fn intake_preview(tmpl: &Template, submitted: &[IntakeStep], ctx: &Ctx) -> IntakePreview {
    let values_of = |key: &str| {
        submitted
            .iter()
            .rev()
            .find(|s| s.key == key)
            .map(|s| s.values.clone())
            .unwrap_or_default()
    };
    let mut preview = IntakePreview {
        priority_computed: None,
        priority: None,
        overridden: false,
        missing: Vec::new(),
    };
    let mut ticket = Ticket::new(0, "preview".into(), &tmpl.key, tmpl.version, ctx.now);
    let mut refused = false;
    let intake = tmpl.phases.iter().filter(|p| p.key == "intake");
    for step in intake.flat_map(|p| p.steps.iter()) {
        let mut vals: Values = values_of(&step.key);
        if !step.required && vals.is_empty() {
            // An optional step left alone is not part of opening the ticket.
            continue;
        }
        if step.gate == Gate::SetPriority {
            match priority_decision(&vals, ctx.lookup) {
                Ok((_, _, decision)) => {
                    preview.priority_computed = Some(decision.computed);
                    preview.priority = Some(decision.priority);
                    preview.overridden = decision.priority != decision.computed;
                    // No choice follows the matrix: the form sends the matrix's answer.
                    vals.entry("priority".into())
                        .or_insert_with(|| serde_json::json!(decision.computed));
                }
                Err(Error::OverrideReasonRequired) => {
                    let (computed, chosen) = matrix_and_choice(&vals, ctx);
                    preview.priority_computed = computed;
                    preview.priority = chosen;
                    preview.overridden = true;
                }
                // Impact or urgency missing: the step's own check below says so.
                Err(_) => {}
            }
        }
        if !refused {
            let mut trial = ticket.clone();
            match complete_step(&mut trial, tmpl, step.number, vals, ctx) {
                Ok(_) => ticket = trial,
                Err(e) => {
                    refused = true;
                    preview.missing.extend(gaps(step, e));
                }
            }
            continue;
        }
        match values::check(step, vals.clone()) {
            Ok((_, missing)) => preview
                .missing
                .extend(missing.into_iter().map(|m| IntakeGap {
                    step: step.number,
                    key: step.key.clone(),
                    code: "GATE_BLOCKED".into(),
                    field: None,
                    message: m,
                })),
            Err(e) => preview.missing.extend(gaps(step, e)),
        }
        if step.gate == Gate::SetPriority {
            if let Err(e @ Error::OverrideReasonRequired) = priority_decision(&vals, ctx.lookup) {
                preview.missing.extend(gaps(step, e));
            }
        }
    }
    preview
}

/// An override without its reason is refused, but the form still shows both priorities.
fn matrix_and_choice(vals: &Values, ctx: &Ctx) -> (Option<Priority>, Option<Priority>) {
    let mut bare = vals.clone();
    let chosen = bare
        .remove("priority")
        .and_then(|p| p.as_str().and_then(|p| p.parse().ok()));
    let computed = priority_decision(&bare, ctx.lookup)
        .ok()
        .map(|(_, _, d)| d.computed);
    (computed, chosen)
}
