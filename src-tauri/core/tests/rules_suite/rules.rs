//! One test (at least) per rule of the workflow; each fails if its rule breaks. Steps are named by
//! key and their numbers come from the desk's template, so the same tests run on the built-in
//! template and on a desk's reordered, extended and renumbered one (`super::desk()` decides).

use super::desk;
use crate::common::{vals, Desk, Upto, TECH};
use serde_json::json;
use ticketflow_core::priority::{Priority, PriorityMatrix};
use ticketflow_core::sla::SlaState;
use ticketflow_core::store::QueueQuery;
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::ticket::TicketStatus;
use ticketflow_core::workflow::{step_state, StepState};

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected the rule to refuse").code()
}

fn audit_len(d: &Desk, id: i64) -> usize {
    d.store.ticket_audit(id, 1000).unwrap().len()
}

// ---- Caller verification ---------------------------------------------------------------------

#[test]
fn terminated_caller_is_stopped() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.terminated.id;
    let err = d
        .step(
            id,
            "verify_caller",
            json!({"contact": c, "authorization": b::AUTHORIZED}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "CALLER_NOT_AUTHORIZED");
    assert!(err.to_string().contains("terminated"), "{err}");
    assert!(!d.done(&d.store.ticket(id).unwrap(), "verify_caller"));
}

#[test]
fn unauthorized_caller_is_stopped() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.unauthorized.id;
    assert_eq!(
        code(d.step(
            id,
            "verify_caller",
            json!({"contact": c, "authorization": b::AUTHORIZED})
        )),
        "CALLER_NOT_AUTHORIZED"
    );
}

#[test]
fn a_caller_of_an_inactive_client_is_stopped_until_reactivated_or_overridden() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.caller.id;
    let now = d.now;
    let company = d.company.id;
    let off = d
        .store
        .set_company_active(company, false, TECH, now)
        .unwrap();
    assert!(!off.active);
    let authorized = json!({"contact": c, "authorization": b::AUTHORIZED});
    let err = d.step(id, "verify_caller", authorized.clone()).unwrap_err();
    assert_eq!(err.code(), "CALLER_NOT_AUTHORIZED");
    let msg = err.to_string();
    assert!(msg.contains("is an inactive client"), "{msg}");
    assert!(
        msg.contains("reactivate it in Directory") && msg.contains("override with a reason"),
        "{msg}"
    );
    assert!(!d.done(&d.store.ticket(id).unwrap(), "verify_caller"));
    // The type-ahead tells the same before the step is tried.
    let hits = d.store.caller_hits("", now.date_naive()).unwrap();
    let hit = hits.iter().find(|h| h.contact.id == c).unwrap();
    assert!(hit
        .refusal
        .as_deref()
        .unwrap_or_default()
        .contains("inactive client"));
    // An override with a reason goes through and names the client's standing.
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::OVERRIDE, "override_reason": "Final invoice call"}),
    )
    .unwrap();
    let events = d.store.ticket_audit(id, 20).unwrap();
    let ov = events
        .iter()
        .find(|e| e.action == "caller_override")
        .expect("override audited");
    assert!(ov.before["refusal"]
        .as_str()
        .unwrap()
        .contains("inactive client"));
    // Reactivated (audited like other directory edits), the caller needs no override.
    let on = d
        .store
        .set_company_active(company, true, TECH, now)
        .unwrap();
    assert!(on.active);
    let t = d.step(id, "verify_caller", authorized).unwrap();
    assert_eq!(t.caller_override_reason, None);
}

#[test]
fn override_needs_a_reason_and_is_audited() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.terminated.id;
    assert_eq!(
        code(d.step(
            id,
            "verify_caller",
            json!({"contact": c, "authorization": b::OVERRIDE, "override_reason": "   "})
        )),
        "OVERRIDE_REASON_REQUIRED"
    );
    let t = d
        .step(id, "verify_caller", json!({"contact": c, "authorization": b::OVERRIDE, "override_reason": "HR confirmed rehire"}))
        .unwrap();
    assert_eq!(
        t.caller_override_reason.as_deref(),
        Some("HR confirmed rehire")
    );
    let events = d.store.ticket_audit(id, 10).unwrap();
    let ov = events
        .iter()
        .find(|e| e.action == "caller_override")
        .expect("override audited");
    assert_eq!(ov.after["reason"], "HR confirmed rehire");
    assert_eq!(ov.actor, TECH);
}

#[test]
fn client_and_tier_come_from_the_contacts_company() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.caller.id;
    let t = d
        .step(
            id,
            "verify_caller",
            json!({"contact": c, "authorization": b::AUTHORIZED}),
        )
        .unwrap();
    assert_eq!(t.company_id, Some(d.company.id));
    assert_eq!(t.contact_id, Some(c));
}

#[test]
fn unknown_contact_is_not_found() {
    let mut d = desk();
    let id = d.new_ticket();
    assert_eq!(
        code(d.step(
            id,
            "verify_caller",
            json!({"contact": 9999, "authorization": b::AUTHORIZED})
        )),
        "NOT_FOUND"
    );
}

#[test]
fn a_caller_of_another_client_sets_aside_the_assets_and_priority_only() {
    let mut d = desk();
    let id = d.new_ticket();
    d.drive(id, Upto::Before("open_ticket"), &[], &[]);
    let now = d.now;
    let other = d
        .store
        .add_contact(
            &ticketflow_core::directory::NewContact {
                company_id: d.other_company.id,
                name: "Fabrikam Caller".into(),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            "admin",
            now,
        )
        .unwrap();
    let before = d.store.ticket(id).unwrap();
    let t = d
        .step(
            id,
            "verify_caller",
            json!({"contact": other.id, "authorization": b::AUTHORIZED}),
        )
        .unwrap();
    assert_eq!(t.company_id, Some(d.other_company.id));
    assert!(t.asset_ids.is_empty() && t.priority.is_none());
    // What was captured for the first client is done again; nothing else is.
    for s in d.template.phases[0].steps.iter() {
        let expected = match s.key.as_str() {
            "scope_assets" | "set_priority" => false,
            _ => before.is_done(s.number),
        };
        assert_eq!(
            t.is_done(s.number),
            expected,
            "step {} ({}) after the caller changed client",
            s.number,
            s.key
        );
    }
}

// ---- Asset linkage ---------------------------------------------------------------------------

#[test]
fn no_asset_link_no_opening() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.caller.id;
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    let err = d
        .step(id, "scope_assets", json!({"assets": []}))
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    d.step(
        id,
        "set_priority",
        json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
    )
    .unwrap();
    d.step(id, "check_noc", json!({})).unwrap();
    let err = d
        .step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains(&d.named("scope_assets")), "{err}");
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::New);
}

#[test]
fn assets_of_another_client_are_refused() {
    let mut d = desk();
    let id = d.new_ticket();
    let (c, f) = (d.caller.id, d.foreign_asset.id);
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    assert_eq!(
        code(d.step(id, "scope_assets", json!({"assets": [f]}))),
        "INVALID_INPUT"
    );
}

// ---- Priority matrix -------------------------------------------------------------------------

#[test]
fn priority_comes_from_the_matrix_and_an_override_needs_a_reason() {
    let mut d = desk();
    let id = d.new_ticket();
    let c = d.caller.id;
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    assert_eq!(
        code(d.step(
            id,
            "set_priority",
            json!({"impact": "user", "urgency": "degraded", "priority": "P1"})
        )),
        "OVERRIDE_REASON_REQUIRED"
    );
    let t = d
        .step(
            id,
            "set_priority",
            json!({"impact": "user", "urgency": "degraded", "priority": "P3"}),
        )
        .unwrap();
    assert_eq!(
        (t.priority, t.priority_override_reason.clone()),
        (Some(Priority::P3), None)
    );
    let t = d
        .step(id, "set_priority", json!({"impact": "user", "urgency": "degraded", "priority": "P1", "override_reason": "CEO's laptop before board meeting"}))
        .unwrap();
    assert_eq!(t.priority, Some(Priority::P1));
    assert_eq!(t.priority_computed, Some(Priority::P3));
}

#[test]
fn a_configured_matrix_replaces_the_default() {
    let mut d = desk();
    let mut m = PriorityMatrix::default();
    m.cells[2][1] = Priority::P2; // user × degraded
    let now = d.now;
    d.store.set_priority_matrix(&m, "admin", now).unwrap();
    let id = d.new_ticket();
    let c = d.caller.id;
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    let t = d
        .step(
            id,
            "set_priority",
            json!({"impact": "user", "urgency": "degraded", "priority": "P2"}),
        )
        .unwrap();
    assert_eq!(
        t.priority_override_reason, None,
        "P2 is the configured matrix's answer"
    );
}

// ---- Parent incident -------------------------------------------------------------------------

#[test]
fn linking_an_incident_makes_the_ticket_its_child() {
    let mut d = desk();
    let now = d.now;
    let inc = d
        .store
        .add_incident("Exchange Online degraded", "Microsoft", now, "noc", now)
        .unwrap();
    let id = d.new_ticket();
    let c = d.caller.id;
    d.step(
        id,
        "verify_caller",
        json!({"contact": c, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    assert_eq!(
        code(d.step(id, "check_noc", json!({"parent_incident": 777}))),
        "NOT_FOUND"
    );
    let t = d
        .step(id, "check_noc", json!({"parent_incident": inc.id}))
        .unwrap();
    assert_eq!(t.parent_incident_id, Some(inc.id));
}

// ---- Opening starts the first-response clock -------------------------------------------------

#[test]
fn opening_starts_the_first_response_timer() {
    let mut d = desk();
    let id = d.intake();
    let q = d.store.queue(&QueueQuery::default(), d.now).unwrap();
    let row = q.iter().find(|r| r.id == id).unwrap();
    assert!(
        row.first_response.is_none(),
        "no clock before the ticket is open"
    );
    let t = d
        .step(
            id,
            "open_ticket",
            json!({"problem_statement": "Outlook prompts"}),
        )
        .unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    let opened = t.opened_at.unwrap();
    assert_eq!(opened, d.now);
    let q = d.store.queue(&QueueQuery::default(), d.now).unwrap();
    let fr = q
        .iter()
        .find(|r| r.id == id)
        .unwrap()
        .first_response
        .unwrap();
    // Gold P2: 60 working minutes; Monday morning in Berlin is inside hours.
    assert_eq!(fr.target_secs, 3600);
    assert_eq!(fr.state, SlaState::Running);
    assert_eq!(fr.due_at, Some(opened + chrono::Duration::minutes(60)));
}

#[test]
fn diagnosis_work_is_the_first_response() {
    let mut d = desk();
    let id = d.intake();
    d.step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap();
    let t = d
        .step(id, "reproduce", json!({"notes": "reproduced"}))
        .unwrap();
    assert_eq!(t.first_response_at, Some(d.now));
    let (fr, _) =
        ticketflow_core::workflow::sla_status(&t, &d.store.lookup(), d.now, 0.75).unwrap();
    assert_eq!(fr.unwrap().state, SlaState::Met);
}

#[test]
fn diagnosis_needs_an_open_ticket() {
    let mut d = desk();
    let id = d.intake();
    assert_eq!(
        code(d.step(id, "reproduce", json!({"notes": "x"}))),
        "GATE_BLOCKED"
    );
}

#[test]
fn intake_is_locked_once_open() {
    let mut d = desk();
    let id = d.intake();
    d.step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap();
    let c = d.caller.id;
    assert_eq!(
        code(d.step(
            id,
            "verify_caller",
            json!({"contact": c, "authorization": b::AUTHORIZED})
        )),
        "GATE_BLOCKED"
    );
}

// ---- Waiting on the customer pauses the clocks ----------------------------------------------

#[test]
fn waiting_on_the_customer_pauses_the_sla() {
    let mut d = desk();
    let id = d.diagnosed();
    let now = d.now;
    d.store
        .wait_on_customer(id, &Desk::wait_request(now), TECH, now)
        .unwrap();
    let t = d.store.ticket(id).unwrap();
    assert_eq!(t.status, TicketStatus::WaitingOnCustomer);
    let (_, res) = ticketflow_core::workflow::sla_status(&t, &d.store.lookup(), now, 0.75).unwrap();
    let elapsed_at_pause = res.unwrap().elapsed_secs;
    let later = d.tick(120);
    let (_, res) =
        ticketflow_core::workflow::sla_status(&t, &d.store.lookup(), later, 0.75).unwrap();
    let res = res.unwrap();
    assert_eq!(res.state, SlaState::Paused);
    assert_eq!(
        res.elapsed_secs, elapsed_at_pause,
        "no time counts while waiting"
    );
    let t = d.store.customer_replied(id, TECH, later).unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    assert_eq!(t.pauses.len(), 1);
    assert_eq!(t.pauses[0].to, Some(later));
    assert_eq!(
        code(d.store.customer_replied(id, TECH, later)),
        "INVALID_TRANSITION"
    );
}

// ---- Escalation and hand-off -----------------------------------------------------------------

#[test]
fn hand_off_applies_only_when_escalated() {
    let mut d = desk();
    let id = d.diagnosed();
    d.step(
        id,
        "escalation_decision",
        json!({"decision": b::RESOLVE_TIER1}),
    )
    .unwrap();
    assert_eq!(code(d.handoff(id)), "STEP_NOT_APPLICABLE");
    let t = d.store.ticket(id).unwrap();
    let tmpl = d
        .store
        .template(&t.template_key, t.template_version)
        .unwrap();
    assert_eq!(
        step_state(&t, &tmpl, d.n("tier2_handoff")),
        StepState::NotApplicable("only when escalated to Tier 2".into())
    );
}

#[test]
fn escalating_requires_the_hand_off_before_the_fix() {
    let mut d = desk();
    let id = d.diagnosed();
    let t = d
        .step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    assert_eq!(t.status, TicketStatus::Escalated);
    let fix = json!({"notes": "x", "infrastructure": b::NO_SHARED_INFRA});
    assert_eq!(code(d.step(id, "apply_fix", fix.clone())), "GATE_BLOCKED");
    assert_eq!(
        code(d.step(id, "tier2_handoff", json!({"symptom": "only this"}))),
        "GATE_BLOCKED"
    );
    d.handoff(id).unwrap();
    d.step(id, "apply_fix", fix).unwrap();
}

#[test]
fn escalation_decision_needs_the_diagnosis_steps() {
    let mut d = desk();
    let id = d.intake();
    d.step(id, "open_ticket", json!({"problem_statement": "x"}))
        .unwrap();
    d.step(id, "reproduce", json!({"notes": "x"})).unwrap();
    let err = d
        .step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(
        err.to_string().contains(&d.named("change_history")),
        "{err}"
    );
    assert!(!err.to_string().contains(&d.named("reproduce")), "{err}");
}

#[test]
fn p2_hand_off_with_sla_at_risk_pages_on_call() {
    let mut d = desk();
    let id = d.diagnosed();
    d.step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    // Gold P2 resolution is 960 working minutes; 13 working hours later it is past 75%.
    d.tick(60 * 24 + 13 * 60);
    let t = d.handoff(id).unwrap();
    assert!(t.page_on_call);
    assert!(d
        .store
        .ticket_audit(id, 5)
        .unwrap()
        .iter()
        .any(|e| e.action == "page_on_call"));
}

#[test]
fn p2_hand_off_in_good_time_does_not_page() {
    let mut d = desk();
    let id = d.diagnosed();
    d.step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    let t = d.handoff(id).unwrap();
    assert!(!t.page_on_call);
}

#[test]
fn p4_hand_off_never_pages() {
    let mut d = desk();
    let id = d.new_ticket();
    let p4 = json!({"impact": "user", "urgency": "request", "priority": "P4"});
    d.drive(
        id,
        Upto::Before("escalation_decision"),
        &[("set_priority", p4)],
        &[],
    );
    assert_eq!(d.store.ticket(id).unwrap().priority, Some(Priority::P4));
    d.step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    d.tick(60 * 24 * 30);
    assert!(!d.handoff(id).unwrap().page_on_call);
}

// ---- Change management -----------------------------------------------------------------------

#[test]
fn shared_infrastructure_needs_a_change_reference() {
    let mut d = desk();
    let id = d.diagnosed();
    d.step(
        id,
        "escalation_decision",
        json!({"decision": b::RESOLVE_TIER1}),
    )
    .unwrap();
    let err = d
        .step(
            id,
            "apply_fix",
            json!({"notes": "GPO edit", "infrastructure": b::SHARED_INFRA}),
        )
        .unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains("change-management"), "{err}");
    d.step(id, "apply_fix", json!({"notes": "GPO edit", "infrastructure": b::SHARED_INFRA, "change_reference": "CHG-1042"}))
        .unwrap();
}

// ---- Verification, and no close-and-reopen ---------------------------------------------------

#[test]
fn verified_fix_needs_the_end_user_signature() {
    let mut d = desk();
    let id = d.fixed(false);
    assert_eq!(
        code(d.step(id, b::VERIFY_FIX, json!({"outcome": b::VERIFIED}))),
        "GATE_BLOCKED"
    );
    let wrong = d.signature(SignerRole::Technician);
    assert_eq!(
        code(d.step(
            id,
            b::VERIFY_FIX,
            json!({"outcome": b::VERIFIED, "signature": wrong})
        )),
        "INVALID_INPUT"
    );
    let sig = d.signature(SignerRole::EndUser);
    let t = d
        .step(
            id,
            b::VERIFY_FIX,
            json!({"outcome": b::VERIFIED, "signature": sig}),
        )
        .unwrap();
    assert_eq!(t.status, TicketStatus::Resolved);
    assert_eq!(t.resolved_at, Some(d.now));
}

#[test]
fn still_failing_keeps_the_ticket_open_and_routes_to_reopen() {
    let mut d = desk();
    let id = d.fixed(false);
    let t = d
        .step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    assert_eq!(t.status, TicketStatus::Open);
    assert!(t.verification_failed);
    // Never to closure: closure steps and the close itself are refused.
    assert_eq!(
        code(d.step(id, b::SUMMARY, json!({"summary": "x"}))),
        "GATE_BLOCKED"
    );
    assert_eq!(code(d.close(id)), "CLOSE_BLOCKED");
    // The fix cannot be retried before the reopen records what failed.
    let sig = d.signature(SignerRole::EndUser);
    assert_eq!(
        code(d.step(
            id,
            b::VERIFY_FIX,
            json!({"outcome": b::VERIFIED, "signature": sig})
        )),
        "GATE_BLOCKED"
    );
    let t = d
        .step(
            id,
            "reopen_reassign",
            json!({"what_failed": "error after reboot", "route": b::ROUTE_DIAGNOSIS}),
        )
        .unwrap();
    assert!(!t.verification_failed);
    assert_eq!(t.status, TicketStatus::Open);
    for key in ["escalation_decision", "apply_fix", b::VERIFY_FIX] {
        let n = d.n(key);
        assert!(!t.is_done(n), "{key} must be redone after reopening");
        assert!(
            t.steps.iter().any(|r| r.step == n && r.superseded),
            "{key}'s history kept"
        );
    }
    assert!(d.done(&t, "reproduce"), "diagnosis notes are kept");
}

#[test]
fn reopen_to_tier2_escalates() {
    let mut d = desk();
    let id = d.fixed(false);
    d.step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    let t = d
        .step(
            id,
            "reopen_reassign",
            json!({"what_failed": "x", "route": b::ROUTE_TIER2}),
        )
        .unwrap();
    assert_eq!(t.status, TicketStatus::Escalated);
    assert!(t.escalated && !d.done(&t, "tier2_handoff"));
    assert!(
        d.done(&t, "escalation_decision"),
        "routing to Tier 2 keeps the decision"
    );
}

#[test]
fn reopen_is_not_applicable_without_a_failed_verification() {
    let mut d = desk();
    let id = d.verified();
    assert_eq!(
        code(d.step(
            id,
            "reopen_reassign",
            json!({"what_failed": "x", "route": b::ROUTE_TIER2})
        )),
        "STEP_NOT_APPLICABLE"
    );
}

#[test]
fn a_signature_cannot_accompany_a_failure() {
    let mut d = desk();
    let id = d.fixed(false);
    let sig = d.signature(SignerRole::EndUser);
    assert_eq!(
        code(d.step(
            id,
            b::VERIFY_FIX,
            json!({"outcome": b::STILL_FAILING, "signature": sig})
        )),
        "INVALID_INPUT"
    );
}

// ---- Closure steps ----------------------------------------------------------------------------

#[test]
fn csat_is_never_skipped() {
    let mut d = desk();
    let id = d.verified();
    d.drive(id, Upto::Before(b::CLOSE), &[], &[b::CSAT]);
    let err = d.close(id).unwrap_err();
    assert_eq!(err.code(), "CLOSE_BLOCKED");
    assert!(err.to_string().contains(&d.named(b::CSAT)), "{err}");
    assert_eq!(
        code(d.step(id, b::CSAT, json!({"rating": 6}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(d.step(id, b::CSAT, json!({"rating": 0}))),
        "INVALID_INPUT"
    );
    d.step(id, b::CSAT, json!({"rating": "sent"})).unwrap();
    d.close(id).unwrap();
}

#[test]
fn reconciling_time_needs_time_entries() {
    let mut d = desk();
    let id = d.verified();
    let err = d.step(id, "time_reconcile", json!({})).unwrap_err();
    assert_eq!(err.code(), "GATE_BLOCKED");
    assert!(err.to_string().contains("time entry"), "{err}");
    d.add_time(id);
    d.step(id, "time_reconcile", json!({})).unwrap();
}

#[test]
fn an_sla_breach_must_be_flagged_when_reconciling() {
    let mut d = desk();
    let id = d.fixed(false);
    d.tick(60 * 24 * 10); // far past the Gold P2 resolution target
    let sig = d.signature(SignerRole::EndUser);
    d.step(
        id,
        b::VERIFY_FIX,
        json!({"outcome": b::VERIFIED, "signature": sig}),
    )
    .unwrap();
    d.add_time(id);
    let err = d.step(id, "time_reconcile", json!({})).unwrap_err();
    assert!(err.to_string().contains("breached"), "{err}");
    d.step(
        id,
        "time_reconcile",
        json!({"breach_note": "Flagged to the service coordinator"}),
    )
    .unwrap();
}

#[test]
fn runbook_update_links_the_entry() {
    let mut d = desk();
    let id = d.verified();
    assert_eq!(
        code(d.step(id, "runbook_update", json!({"outcome": "Entry created"}))),
        "GATE_BLOCKED"
    );
    let now = d.now;
    let other = d
        .store
        .add_runbook_entry(
            &ticketflow_core::store::NewRunbookEntry {
                company_id: d.other_company.id,
                title: "x".into(),
                body: "y".into(),
            },
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(
        code(d.step(
            id,
            "runbook_update",
            json!({"outcome": "Entry created", "runbooks": [other.id]})
        )),
        "INVALID_INPUT"
    );
    // "Entry created" needs an entry this ticket created (tests/runbooks.rs covers the rest).
    let mine = d
        .store
        .create_runbook_entry(
            &ticketflow_core::store::RunbookInput {
                company_id: Some(d.company.id),
                title: "Outlook token cache".into(),
                body: "Clear it".into(),
            },
            Some(id),
            TECH,
            now,
        )
        .unwrap();
    d.step(
        id,
        "runbook_update",
        json!({"outcome": "Entry created", "runbooks": [mine.id]}),
    )
    .unwrap();
}

#[test]
fn closing_needs_code_notes_and_signature() {
    let mut d = desk();
    let id = d.ready_to_close();
    let sig = d.sign_off_signature(id, b::RESOLUTION_CODES[0], "n");
    for missing in ["resolution_code", "closure_notes", "signature"] {
        let mut v = json!({"resolution_code": b::RESOLUTION_CODES[0], "closure_notes": "n", "signature": sig});
        v.as_object_mut().unwrap().remove(missing);
        assert_eq!(
            code(d.sign_off(id, v)),
            "CLOSE_BLOCKED",
            "without {missing}"
        );
    }
    assert_eq!(
        code(d.sign_off(
            id,
            json!({"resolution_code": "Made up", "closure_notes": "n", "signature": sig})
        )),
        "INVALID_INPUT"
    );
}

#[test]
fn closing_before_resolution_is_refused() {
    let mut d = desk();
    let id = d.fixed(false);
    assert_eq!(code(d.close(id)), "CLOSE_BLOCKED");
}

// ---- The seal ---------------------------------------------------------------------------------

#[test]
fn a_closed_ticket_is_sealed() {
    let mut d = desk();
    let id = d.ready_to_close();
    let t = d.close(id).unwrap();
    assert_eq!(t.status, TicketStatus::Closed);
    let hash = t.record_hash.clone().expect("record hash stored at close");
    assert_eq!(hash.len(), 64);
    assert_eq!(d.store.record_hash(id).unwrap(), Some(hash));
    let before = d.store.ticket(id).unwrap();
    let events = audit_len(&d, id);
    let now = d.now;
    let attempts = [
        code(d.step(id, "monitoring_check", json!({"notes": "late edit"}))),
        code(d.close(id)),
        code(
            d.store
                .wait_on_customer(id, &Desk::wait_request(now), TECH, now),
        ),
        code(d.store.customer_replied(id, TECH, now)),
        code(d.store.assign(id, Some(TECH), TECH, now)),
        code(d.store.add_time_entry(
            id,
            &ticketflow_core::store::NewTimeEntry {
                technician: TECH.into(),
                started_at: now,
                minutes: 5,
                billable: false,
                work_type: "x".into(),
                note: String::new(),
            },
            TECH,
            now,
        )),
    ];
    assert!(
        attempts.iter().all(|c| *c == "TICKET_CLOSED"),
        "{attempts:?}"
    );
    let entry = d.store.time_entries(id).unwrap()[0].clone();
    let edit = ticketflow_core::store::NewTimeEntry {
        technician: TECH.into(),
        started_at: now,
        minutes: 500,
        billable: false,
        work_type: "x".into(),
        note: String::new(),
    };
    assert_eq!(
        code(d.store.update_time_entry(entry.id, &edit, TECH, now)),
        "TICKET_CLOSED"
    );
    assert_eq!(d.store.ticket(id).unwrap(), before);
    assert_eq!(audit_len(&d, id), events);
    d.store.verify_audit().unwrap();
}

#[test]
fn csat_response_is_recorded() {
    let mut d = desk();
    let id = d.ready_to_close();
    let t = d.store.ticket(id).unwrap();
    assert_eq!(t.value(d.n(b::CSAT), "rating"), Some(&json!(5)));
}

// ---- Values are checked against the template ------------------------------------------------

#[test]
fn unknown_fields_bad_options_and_oversize_text_are_refused() {
    let mut d = desk();
    let id = d.intake();
    let open = d.n("open_ticket");
    assert_eq!(
        code(d.step(id, open, json!({"problem_statement": "x", "sneaky": 1}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(d.step(id, open, json!({"problem_statement": 42}))),
        "INVALID_INPUT"
    );
    let huge = "a".repeat(20_001);
    assert_eq!(
        code(d.step(id, open, json!({"problem_statement": huge}))),
        "INVALID_INPUT"
    );
    assert_eq!(code(d.step(id, open, json!({}))), "GATE_BLOCKED");
    let past_the_end = d.template.steps().count() as u8 + 1;
    assert_eq!(code(d.step(id, past_the_end, json!({}))), "NOT_FOUND");
    assert_eq!(
        code(d.store.complete_step(
            id,
            open,
            vals(json!({"problem_statement": "x"})),
            "  ",
            d.now
        )),
        "INVALID_INPUT"
    );
    assert_eq!(
        code(
            d.store
                .complete_step(424242, open, vals(json!({})), TECH, d.now)
        ),
        "NOT_FOUND"
    );
}

#[test]
fn a_refused_command_writes_nothing() {
    let mut d = desk();
    let id = d.intake();
    let before = d.store.ticket(id).unwrap();
    let events = audit_len(&d, id);
    let _ = d.step(id, "reproduce", json!({"notes": "too early"}));
    let _ = d.step(id, "open_ticket", json!({"problem_statement": 1}));
    assert_eq!(d.store.ticket(id).unwrap(), before);
    assert_eq!(audit_len(&d, id), events);
}

#[test]
fn every_completion_records_who_when_and_what() {
    let mut d = desk();
    let id = d.intake();
    let open = d.n("open_ticket");
    let t = d
        .step(id, open, json!({"problem_statement": "Printer offline"}))
        .unwrap();
    let r = t.completion(open).unwrap();
    assert_eq!((r.completed_by.as_str(), r.completed_at), (TECH, d.now));
    assert_eq!(r.values["problem_statement"], "Printer offline");
    let e = &d.store.ticket_audit(id, 1).unwrap()[0];
    assert_eq!(e.action, format!("step_{open}_completed"));
    assert_eq!(e.before["status"], "new");
    assert_eq!(e.after["ticket"]["status"], "open");
}

#[test]
fn tickets_pin_their_template_version() {
    let mut d = desk();
    let id = d.new_ticket();
    let t = d.store.ticket(id).unwrap();
    assert_eq!(
        (t.template_key.as_str(), t.template_version),
        (d.template.key.as_str(), d.template.version)
    );
    let tmpl = d
        .store
        .template(&t.template_key, t.template_version)
        .unwrap();
    assert_eq!(tmpl, d.template);
    assert_eq!(
        d.store.template(&t.template_key, 99).unwrap_err().code(),
        "NOT_FOUND"
    );
}

#[test]
fn audit_binds_signature_strokes_by_hash() {
    let mut d = desk();
    let id = d.verified();
    let t = d.store.ticket(id).unwrap();
    let verify = d.n(b::VERIFY_FIX);
    let strokes = &t.value(verify, "signature").unwrap()["strokes"];
    let e = d
        .store
        .ticket_audit(id, 10)
        .unwrap()
        .into_iter()
        .find(|e| e.action == format!("step_{verify}_completed"))
        .unwrap();
    let sig = &e.after["values"]["signature"];
    assert!(sig.get("strokes").is_none());
    assert_eq!(
        sig["strokes_sha256"],
        ticketflow_core::canonical::hash_of(strokes).unwrap()
    );
    assert_eq!(sig["signer_name"], "Dana Reyes");
}

#[test]
fn every_step_the_ticket_needs_to_close_is_done_by_the_drive_helpers() {
    // The helpers the tests above lean on must reach a closable ticket on this template: a
    // required step they left out would turn the close into a dead end here.
    let mut d = desk();
    let id = d.ready_to_close();
    let t = d.store.ticket(id).unwrap();
    for s in d.template.steps().filter(|s| s.required) {
        let state = step_state(&t, &d.template, s.number);
        let expected = match s.key.as_str() {
            b::CLOSE => matches!(state, StepState::Available),
            "tier2_handoff" | "reopen_reassign" => matches!(state, StepState::NotApplicable(_)),
            _ => state == StepState::Done,
        };
        assert!(expected, "step {} ({}) is {state:?}", s.number, s.key);
    }
    assert_eq!(d.close(id).unwrap().status, TicketStatus::Closed);
}
