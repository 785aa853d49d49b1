//! The workflow's rules on a desk's own edit of the template (`common::renumbered_template`):
//! steps reordered within their phases, the desk's own steps (required or not) between the
//! protected ones in every phase, everything renumbered. The same rule tests as on the built-in
//! template (`rules_suite/`) must hold, plus the rules only a desk's own steps have.

mod common;

use common::desk_steps::*;
use common::{renumbered_template, Desk, Upto};
use serde_json::json;
use ticketflow_core::template::{builtin as b, Gate};
use ticketflow_core::ticket::TicketStatus;
use ticketflow_core::workflow::{step_state, StepState};

/// A desk whose tickets follow the renumbered template.
fn desk() -> Desk {
    let d = Desk::with_template(renumbered_template());
    assert_eq!(d.template.key, b::BUILTIN_KEY);
    assert!(
        d.template.version > b::BUILTIN_VERSION,
        "the desk's edit is a new version of the built-in template"
    );
    d
}

#[path = "rules_suite/rules.rs"]
mod rules;

#[path = "rules_suite/no_dead_ends.rs"]
mod no_dead_ends;

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected the rule to refuse").code()
}

fn values(d: &Desk, key: &str) -> serde_json::Value {
    common::custom_values(d.step_def(key))
}

// ---- The desk really runs another template -----------------------------------------------------

#[test]
fn every_protected_step_has_another_number_and_the_desk_steps_are_in_every_phase() {
    let mut d = desk();
    let builtin = b::msp_support_ticket();
    for key in b::PROTECTED_STEPS {
        assert_ne!(
            d.template.number_of(key),
            builtin.number_of(key),
            "{key} kept its built-in number: the suite would not notice a rule that uses it"
        );
    }
    for phase in &d.template.phases {
        let own: Vec<(&str, bool)> = phase
            .steps
            .iter()
            .filter(|s| s.gate == Gate::Custom)
            .map(|s| (s.key.as_str(), s.required))
            .collect();
        assert!(
            own.iter().any(|(_, r)| *r) && own.iter().any(|(_, r)| !*r),
            "phase {} has a required and an optional desk step: {own:?}",
            phase.key
        );
    }
    // The ticket's checklist is this template's, in its order and numbering.
    let id = d.new_ticket();
    let view = d.store.ticket_view(id, d.now).unwrap();
    let shown: Vec<(u8, String)> = view
        .phases
        .iter()
        .flat_map(|p| &p.steps)
        .map(|s| (s.number, s.key.clone()))
        .collect();
    let template: Vec<(u8, String)> = d
        .template
        .steps()
        .map(|s| (s.number, s.key.clone()))
        .collect();
    assert_eq!(shown, template);
}

// ---- A desk's own steps ------------------------------------------------------------------------

#[test]
fn a_required_desk_step_the_decision_requires_blocks_it_until_done() {
    let mut d = desk();
    let id = d.intake();
    d.drive(
        id,
        Upto::Before("escalation_decision"),
        &[],
        &[CUSTOMER_IMPACT],
    );
    let s = step_state(
        &d.store.ticket(id).unwrap(),
        &d.template,
        d.n("escalation_decision"),
    );
    assert!(matches!(s, StepState::Blocked(_)), "{s:?}");
    let err = d
        .step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    let title = &d.step_def(CUSTOMER_IMPACT).title;
    assert!(err.to_string().contains(&d.named(CUSTOMER_IMPACT)), "{err}");
    assert!(err.to_string().contains(title.as_str()), "{err}");
    assert!(!d.done(&d.store.ticket(id).unwrap(), "escalation_decision"));
    let v = values(&d, CUSTOMER_IMPACT);
    d.step(id, CUSTOMER_IMPACT, v).unwrap();
    let t = d
        .step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    assert_eq!(t.status, TicketStatus::Escalated);
}

#[test]
fn a_desk_step_checks_its_own_fields() {
    let mut d = desk();
    let id = d.diagnosed();
    let v = json!({"impact_notes": "   "});
    assert_eq!(code(d.step(id, CUSTOMER_IMPACT, v)), "GATE_BLOCKED");
    assert_eq!(
        code(d.step(id, VENDOR_CASE, json!({"case": "Maybe later"}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(d.step(id, VENDOR_CASE, json!({"case": "Opened", "extra": 1}))),
        "INVALID_INPUT"
    );
    let t = d.step(id, VENDOR_CASE, json!({"case": "Opened"})).unwrap();
    assert_eq!(t.value(d.n(VENDOR_CASE), "case"), Some(&json!("Opened")));
}

#[test]
fn an_optional_desk_step_does_not_block_the_close() {
    let mut d = desk();
    let id = d.ready_to_close();
    let t = d.store.ticket(id).unwrap();
    let optional = [CALL_CHANNEL, VENDOR_CASE, MAINTENANCE_NOTE, FOLLOW_UP_OFFER];
    for key in optional {
        assert!(
            !d.done(&t, key),
            "{key} was done: the test would prove nothing"
        );
        assert!(!d.step_def(key).required);
    }
    assert_eq!(d.close(id).unwrap().status, TicketStatus::Closed);
}

#[test]
fn a_required_desk_step_blocks_the_close() {
    let mut d = desk();
    let id = d.verified();
    d.drive(id, Upto::Before(b::CLOSE), &[], &[ASSET_TAG_CHECK]);
    let err = d.close(id).unwrap_err();
    assert_eq!(err.code(), "CLOSE_BLOCKED");
    assert!(err.to_string().contains(&d.named(ASSET_TAG_CHECK)), "{err}");
    // It is the only thing missing.
    let t = d.store.ticket(id).unwrap();
    let missing = ticketflow_core::workflow::close_blockers(&t, &d.template);
    assert_eq!(missing.len(), 1, "{missing:?}");
    let v = values(&d, ASSET_TAG_CHECK);
    d.step(id, ASSET_TAG_CHECK, v).unwrap();
    assert_eq!(d.close(id).unwrap().status, TicketStatus::Closed);
}

#[test]
fn a_closure_desk_step_is_workable_only_after_verification() {
    let mut d = desk();
    let id = d.fixed(false);
    let v = values(&d, ASSET_TAG_CHECK);
    let err = d.step(id, ASSET_TAG_CHECK, v.clone()).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains("verified the fix"), "{err}");
    let verify = format!("(step {})", d.n(b::VERIFY_FIX));
    assert!(err.to_string().contains(&verify), "{err}");
    // A failed verification does not open closure either.
    d.step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    assert_eq!(code(d.step(id, ASSET_TAG_CHECK, v.clone())), "GATE_BLOCKED");
    d.step(
        id,
        "reopen_reassign",
        json!({"what_failed": "x", "route": b::ROUTE_DIAGNOSIS}),
    )
    .unwrap();
    d.drive(id, Upto::Through(b::VERIFY_FIX), &[], &[]);
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::Resolved);
    let t = d.step(id, ASSET_TAG_CHECK, v).unwrap();
    assert!(d.done(&t, ASSET_TAG_CHECK));
}

#[test]
fn an_intake_desk_step_is_workable_only_while_new() {
    let mut d = desk();
    let id = d.new_ticket();
    // Its own prerequisite first: the caller.
    let v = values(&d, SITE_ACCESS);
    let err = d.step(id, SITE_ACCESS, v.clone()).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains(&d.named("verify_caller")), "{err}");
    // One without prerequisites is workable at once.
    let channel = values(&d, CALL_CHANNEL);
    d.step(id, CALL_CHANNEL, channel.clone()).unwrap();
    d.drive(id, Upto::Through("open_ticket"), &[], &[]);
    let t = d.store.ticket(id).unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    assert!(d.done(&t, SITE_ACCESS), "required to open, so done");
    let err = d.step(id, CALL_CHANNEL, channel).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains("intake is over"), "{err}");
    assert_eq!(code(d.step(id, SITE_ACCESS, v)), "GATE_BLOCKED");
}

#[test]
fn a_required_intake_desk_step_blocks_the_opening() {
    // The opening ends intake, so it waits for the desk's required intake step: undone, it could
    // never be done afterwards.
    let mut d = desk();
    let id = d.new_ticket();
    d.drive(id, Upto::Before("open_ticket"), &[], &[SITE_ACCESS]);
    let err = d
        .step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains(&d.named(SITE_ACCESS)), "{err}");
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::New);
    // The optional one does not hold the opening up.
    let v = values(&d, SITE_ACCESS);
    d.step(id, SITE_ACCESS, v).unwrap();
    let t = d
        .step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    assert!(!d.done(&t, CALL_CHANNEL));
}

#[test]
fn a_diagnosis_desk_step_waits_for_the_opening_and_counts_as_the_first_response() {
    let mut d = desk();
    let id = d.intake();
    let v = values(&d, CUSTOMER_IMPACT);
    let err = d.step(id, CUSTOMER_IMPACT, v.clone()).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    let open = format!("(step {})", d.n("open_ticket"));
    assert!(err.to_string().contains(&open), "{err}");
    d.step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap();
    let t = d.step(id, CUSTOMER_IMPACT, v).unwrap();
    assert_eq!(t.first_response_at, Some(d.now));
}

#[test]
fn a_required_resolution_desk_step_blocks_the_verification_and_ends_with_it() {
    let mut d = desk();
    let id = d.diagnosed();
    d.drive(id, Upto::Through("apply_fix"), &[], &[BACKUP_TAKEN]);
    let sig = d.signature(ticketflow_core::template::SignerRole::EndUser);
    let verified = json!({"outcome": b::VERIFIED, "signature": sig});
    let err = d.step(id, b::VERIFY_FIX, verified.clone()).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains(&d.named(BACKUP_TAKEN)), "{err}");
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::Open);
    let v = values(&d, BACKUP_TAKEN);
    d.step(id, BACKUP_TAKEN, v).unwrap();
    let t = d.step(id, b::VERIFY_FIX, verified).unwrap();
    assert_eq!(t.status, TicketStatus::Resolved);
    // Work on the fix is over once it is verified: the optional step left undone stays undone.
    let note = values(&d, MAINTENANCE_NOTE);
    assert_eq!(code(d.step(id, MAINTENANCE_NOTE, note)), "GATE_BLOCKED");
}

#[test]
fn a_resolution_desk_step_is_worked_on_an_escalated_ticket() {
    let mut d = desk();
    let id = d.diagnosed();
    d.step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    let v = values(&d, BACKUP_TAKEN);
    let t = d.step(id, BACKUP_TAKEN, v).unwrap();
    assert_eq!(t.status, TicketStatus::Escalated);
    assert!(d.done(&t, BACKUP_TAKEN));
}

#[test]
fn a_reopen_keeps_the_desk_steps_it_does_not_reset() {
    let mut d = desk();
    let id = d.fixed(false);
    d.step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    let t = d
        .step(
            id,
            "reopen_reassign",
            json!({"what_failed": "x", "route": b::ROUTE_DIAGNOSIS}),
        )
        .unwrap();
    for key in [SITE_ACCESS, CUSTOMER_IMPACT, BACKUP_TAKEN] {
        assert!(d.done(&t, key), "{key} was set aside by the reopen");
    }
    assert!(!d.done(&t, "apply_fix"));
}
