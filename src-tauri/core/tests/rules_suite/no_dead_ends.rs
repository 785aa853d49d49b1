//! The workflow without dead ends (issue 12): drafts that can be discarded, the creator assigned,
//! escalation to a named Tier 2 technician or the queue, the hand-off prefilled from diagnosis,
//! failed attempts kept visible, waiting with a reason and a follow-up date, and every step
//! saying what it still needs before the click. Each test fails if its rule breaks. Steps are
//! named by key; `super::desk()` decides which template the desk runs.

use super::desk;
use crate::common::{add_technician, vals, Desk, Upto, PIN, TECH};
use chrono::Duration;
use serde_json::json;
use ticketflow_core::directory::{TechTier, Technician};
use ticketflow_core::store::{NewTimeEntry, QueueQuery};
use ticketflow_core::template::builtin as b;
use ticketflow_core::ticket::{Ticket, TicketStatus};
use ticketflow_core::view::StepView;
use ticketflow_core::workflow::{assign_escalation, EscalateTo, NeedCode, StepState, WaitRequest};

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("expected the rule to refuse").code()
}

/// Completes the escalation decision (Tier 1's) a minute later with `decision`, escalating `to`
/// a technician or the queue.
fn decide(
    d: &mut Desk,
    id: i64,
    decision: &str,
    to: EscalateTo,
) -> ticketflow_core::Result<Ticket> {
    let now = d.tick(1);
    let step = d.n("escalation_decision");
    d.store.complete_step_escalating(
        id,
        step,
        vals(json!({ "decision": decision })),
        Some(to),
        TECH,
        now,
    )
}

fn actions(d: &Desk, id: i64) -> Vec<String> {
    d.store
        .ticket_audit(id, 1000)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

fn step_view(d: &Desk, id: i64, key: &str) -> StepView {
    let n = d.n(key);
    d.store
        .ticket_view(id, d.now)
        .unwrap()
        .phases
        .into_iter()
        .flat_map(|p| p.steps)
        .find(|s| s.number == n)
        .unwrap()
}

fn queue_ids(d: &Desk) -> Vec<i64> {
    let q = QueueQuery {
        limit: Some(500),
        ..Default::default()
    };
    d.store
        .queue(&q, d.now)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

const TIER2: &str = "Sam Tier-Two";
const TIER2_PIN: &str = "246810";

fn with_tier2(d: &mut Desk) {
    let now = d.now;
    add_technician(
        &mut d.store,
        (TIER2, TechTier::Tier2, TIER2_PIN),
        (TECH, PIN),
        now,
    );
}

// ---- Drafts ------------------------------------------------------------------------------------

#[test]
fn a_new_ticket_is_a_draft_that_can_be_discarded_and_leaves_the_queue() {
    let mut d = desk();
    let id = d.new_ticket();
    assert!(d.store.ticket_view(id, d.now).unwrap().is_draft);
    assert!(queue_ids(&d).contains(&id));
    let now = d.tick(1);
    d.store.discard_ticket(id, TECH, now).unwrap();
    assert_eq!(code(d.store.ticket(id)), "NOT_FOUND");
    assert!(
        !queue_ids(&d).contains(&id),
        "a discarded draft stays in the queue"
    );
    let events = d.store.ticket_audit(id, 10).unwrap();
    let discarded = events
        .iter()
        .find(|e| e.action == "ticket_discarded")
        .expect("the discard is audited");
    assert_eq!(discarded.actor, TECH);
    assert_eq!(discarded.before["number"], format!("T-{id:06}"));
    d.store.verify_audit().unwrap();
}

#[test]
fn a_ticket_with_its_caller_verified_cannot_be_discarded() {
    let mut d = desk();
    let id = d.new_ticket();
    let caller = d.caller.id;
    d.step(
        id,
        "verify_caller",
        json!({"contact": caller, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    let before = actions(&d, id).len();
    let now = d.tick(1);
    assert_eq!(code(d.store.discard_ticket(id, TECH, now)), "NOT_A_DRAFT");
    assert!(d.done(&d.store.ticket(id).unwrap(), "verify_caller"));
    assert_eq!(
        actions(&d, id).len(),
        before,
        "a refused discard wrote an event"
    );
    assert!(!d.store.ticket_view(id, d.now).unwrap().is_draft);
}

#[test]
fn a_discarded_drafts_number_is_never_reused() {
    let mut d = desk();
    let id = d.new_ticket();
    let now = d.tick(1);
    d.store.discard_ticket(id, TECH, now).unwrap();
    let next = d.new_ticket();
    assert!(
        next > id,
        "ticket {next} reuses the discarded draft's id {id}"
    );
}

#[test]
fn new_ticket_reopens_the_technicians_blank_draft_instead_of_piling_up() {
    let mut d = desk();
    let now = d.now;
    let first = d.start_ticket(now);
    let again = d.start_ticket(now);
    assert_eq!(first, again, "a second click left a second blank draft");
    // Once something is typed on it, it is no longer blank: the next click starts another.
    let open = d.n("open_ticket");
    d.store
        .save_draft(first, open, "problem_statement", "printer", now)
        .unwrap();
    let third = d.start_ticket(now);
    assert_ne!(third, first);
    // A blank draft from an earlier shift is not handed out as a new ticket (its age is wrong).
    let next_day = d.tick(24 * 60);
    let fourth = d.start_ticket(next_day);
    assert_ne!(fourth, third);
}

// ---- Assignment --------------------------------------------------------------------------------

#[test]
fn the_technician_who_creates_a_ticket_is_assigned() {
    let mut d = desk();
    let id = d.new_ticket();
    assert_eq!(d.store.ticket(id).unwrap().assignee.as_deref(), Some(TECH));
    let created = d.store.ticket_audit(id, 10).unwrap();
    assert_eq!(created[0].after["assignee"], TECH);
}

#[test]
fn escalating_to_a_tier2_technician_assigns_them_with_an_audit_event() {
    let mut d = desk();
    with_tier2(&mut d);
    let id = d.diagnosed();
    let t = decide(
        &mut d,
        id,
        b::ESCALATE,
        EscalateTo::Technician(TIER2.into()),
    )
    .unwrap();
    assert_eq!(t.status, TicketStatus::Escalated);
    assert_eq!(t.assignee.as_deref(), Some(TIER2));
    let events = d.store.ticket_audit(id, 10).unwrap();
    let assigned = events.iter().find(|e| e.action == "assigned").unwrap();
    assert_eq!(assigned.before["assignee"], TECH);
    assert_eq!(assigned.after["assignee"], TIER2);
}

#[test]
fn escalating_to_the_tier2_queue_unassigns_with_an_audit_event() {
    let mut d = desk();
    let id = d.diagnosed();
    let t = decide(&mut d, id, b::ESCALATE, EscalateTo::Tier2Queue).unwrap();
    assert_eq!(t.assignee, None);
    let events = d.store.ticket_audit(id, 10).unwrap();
    let assigned = events.iter().find(|e| e.action == "assigned").unwrap();
    assert_eq!(assigned.after["to"], "tier2_queue");
}

#[test]
fn escalating_to_a_tier1_or_inactive_technician_is_refused_and_nothing_is_written() {
    let mut d = desk();
    let id = d.diagnosed();
    assert_eq!(
        code(decide(
            &mut d,
            id,
            b::ESCALATE,
            EscalateTo::Technician(TECH.into())
        )),
        "NOT_TIER_TWO"
    );
    let t = d.store.ticket(id).unwrap();
    assert!(!d.done(&t, "escalation_decision") && t.status == TicketStatus::Open);
    // The rule itself: an inactive Tier 2 technician is refused too.
    let mut t = d.store.ticket(id).unwrap();
    let gone = Technician {
        id: 9,
        name: "Left Co".into(),
        tier: TechTier::Tier2,
        email: None,
        on_call: false,
        active: false,
    };
    assert_eq!(code(assign_escalation(&mut t, Some(&gone))), "NOT_TIER_TWO");
    assert_eq!(t.assignee.as_deref(), Some(TECH));
}

#[test]
fn resolving_at_tier1_takes_no_escalation_target() {
    let mut d = desk();
    let id = d.diagnosed();
    assert_eq!(
        code(decide(&mut d, id, b::RESOLVE_TIER1, EscalateTo::Tier2Queue)),
        "INVALID_INPUT"
    );
}

// ---- Hand-off prefill --------------------------------------------------------------------------

#[test]
fn the_handoff_is_prefilled_from_diagnosis() {
    let mut d = desk();
    let id = d.intake();
    d.step(
        id,
        "open_ticket",
        json!({"problem_statement": "Outlook hangs at start"}),
    )
    .unwrap();
    d.step(
        id,
        "reproduce",
        json!({"notes": "Starts, hangs at Loading profile"}),
    )
    .unwrap();
    d.step(
        id,
        "change_history",
        json!({"notes": "Office patched on Sunday"}),
    )
    .unwrap();
    d.step(id, "edr_alerts", json!({"notes": "No EDR alerts"}))
        .unwrap();
    d.step(
        id,
        "runbook_search",
        json!({"notes": "Runbook: archive auto-mapping"}),
    )
    .unwrap();
    // Whatever else this desk's diagnosis asks for before the decision.
    d.drive(id, Upto::Before("escalation_decision"), &[], &[]);
    d.step(id, "escalation_decision", json!({"decision": b::ESCALATE}))
        .unwrap();
    let prefill = step_view(&d, id, "tier2_handoff").prefill;
    assert_eq!(prefill["symptom"], "Outlook hangs at start");
    assert_eq!(prefill["repro_steps"], "Starts, hangs at Loading profile");
    let diag = &prefill["diagnostics_run"];
    for part in [
        "Office patched on Sunday",
        "No EDR alerts",
        "archive auto-mapping",
    ] {
        assert!(diag.contains(part), "{part:?} missing from {diag:?}");
    }
    // Only the hand-off is prefilled, and only until it is done.
    assert!(step_view(&d, id, "apply_fix").prefill.is_empty());
    d.handoff(id).unwrap();
    assert!(step_view(&d, id, "tier2_handoff").prefill.is_empty());
}

// ---- Failed attempts ---------------------------------------------------------------------------

#[test]
fn a_failed_attempt_stays_visible_after_the_reopen() {
    let mut d = desk();
    let id = d.fixed(false);
    d.step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    d.step(
        id,
        "reopen_reassign",
        json!({"what_failed": "Still prompts after the restart", "route": b::ROUTE_DIAGNOSIS}),
    )
    .unwrap();
    let view = d.store.ticket_view(id, d.now).unwrap();
    // The reopen no longer applies, but the attempt is there, numbered, with what failed.
    assert_eq!(view.attempts.len(), 1);
    let a = &view.attempts[0];
    assert_eq!(a.number, 1);
    assert_eq!(a.what_failed, "Still prompts after the restart");
    assert_eq!(a.fix.as_deref(), Some("cleared cached credentials"));
    assert_eq!(a.route.as_deref(), Some(b::ROUTE_DIAGNOSIS));
    // A second failure is attempt 2; the first stays.
    d.step(
        id,
        "escalation_decision",
        json!({"decision": b::RESOLVE_TIER1}),
    )
    .unwrap();
    d.step(
        id,
        "apply_fix",
        json!({"notes": "rebuilt the profile", "infrastructure": b::NO_SHARED_INFRA}),
    )
    .unwrap();
    d.step(id, b::VERIFY_FIX, json!({"outcome": b::STILL_FAILING}))
        .unwrap();
    d.step(
        id,
        "reopen_reassign",
        json!({"what_failed": "Profile rebuild did not help", "route": b::ROUTE_TIER2}),
    )
    .unwrap();
    let view = d.store.ticket_view(id, d.now).unwrap();
    let got: Vec<(u32, &str, Option<&str>)> = view
        .attempts
        .iter()
        .map(|a| (a.number, a.what_failed.as_str(), a.fix.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                1,
                "Still prompts after the restart",
                Some("cleared cached credentials")
            ),
            (
                2,
                "Profile rebuild did not help",
                Some("rebuilt the profile")
            ),
        ]
    );
}

// ---- Waiting on the customer -------------------------------------------------------------------

#[test]
fn waiting_needs_a_reason_and_a_follow_up_date_and_shows_them() {
    let mut d = desk();
    let id = d.diagnosed();
    let now = d.tick(1);
    let tomorrow = now.date_naive() + Duration::days(1);
    let ask = |reason: &str, follow_up_on| WaitRequest {
        reason: reason.into(),
        follow_up_on,
    };
    let before = actions(&d, id).len();
    assert_eq!(
        code(
            d.store
                .wait_on_customer(id, &ask("  ", Some(tomorrow)), TECH, now)
        ),
        "WAIT_REASON_REQUIRED"
    );
    assert_eq!(
        code(
            d.store
                .wait_on_customer(id, &ask("call back", None), TECH, now)
        ),
        "FOLLOW_UP_REQUIRED"
    );
    let last_week = now.date_naive() - Duration::days(7);
    assert_eq!(
        code(
            d.store
                .wait_on_customer(id, &ask("call back", Some(last_week)), TECH, now)
        ),
        "FOLLOW_UP_REQUIRED"
    );
    assert_eq!(
        actions(&d, id).len(),
        before,
        "a refused wait wrote an event"
    );
    assert_eq!(d.store.ticket(id).unwrap().status, TicketStatus::Open);

    d.store
        .wait_on_customer(
            id,
            &ask("User sends the error log", Some(tomorrow)),
            TECH,
            now,
        )
        .unwrap();
    let view = d.store.ticket_view(id, now).unwrap();
    let waiting = view.waiting.expect("the view says why it waits");
    assert_eq!(waiting.reason, "User sends the error log");
    assert_eq!(waiting.follow_up_on, Some(tomorrow));
    assert_eq!(waiting.by, TECH);
    let later = d.tick(30);
    d.store.customer_replied(id, TECH, later).unwrap();
    assert!(d.store.ticket_view(id, later).unwrap().waiting.is_none());
}

// ---- What a step still needs -------------------------------------------------------------------

#[test]
fn reconciling_time_says_it_needs_a_time_entry_before_the_click_and_stops_once_there_is_one() {
    let mut d = desk();
    let id = d.verified();
    let s = step_view(&d, id, "time_reconcile");
    assert!(
        matches!(s.state, StepState::Blocked(_)),
        "time reconciliation offered without a time entry: {:?}",
        s.state
    );
    let need = s
        .needs
        .iter()
        .find(|n| n.code == NeedCode::TimeEntryRequired)
        .expect("the time entry is named as a need");
    assert!(need.blocking);
    let now = d.tick(1);
    d.store
        .add_time_entry(
            id,
            &NewTimeEntry {
                technician: TECH.into(),
                started_at: now - Duration::minutes(30),
                minutes: 30,
                billable: true,
                work_type: "Remote support".into(),
                note: String::new(),
            },
            TECH,
            now,
        )
        .unwrap();
    let s = step_view(&d, id, "time_reconcile");
    assert_eq!(s.state, StepState::Available);
    assert!(
        !s.needs
            .iter()
            .any(|n| n.code == NeedCode::TimeEntryRequired),
        "{:?}",
        s.needs
    );
}

#[test]
fn blocked_steps_name_each_missing_step_with_a_code() {
    let mut d = desk();
    let id = d.intake();
    let s = step_view(&d, id, "escalation_decision");
    // The decision needs the ticket opened and its prerequisites done: each missing step is named
    // (the opening first, then the prerequisites as the template lists them).
    let steps: Vec<Option<u8>> = s
        .needs
        .iter()
        .filter(|n| n.code == NeedCode::StepNotDone)
        .map(|n| n.step)
        .collect();
    let mut expected = vec![Some(d.n("open_ticket"))];
    let requires = d.step_def("escalation_decision").requires.clone();
    expected.extend(requires.iter().map(|k| Some(d.n(k))));
    assert_eq!(steps, expected);
    assert!(
        requires.len() >= 4,
        "the decision requires the four diagnosis steps: {requires:?}"
    );
    // A ticket on hold says so with its own code (the way out is the customer's reply).
    let id = d.diagnosed();
    let now = d.tick(1);
    d.store
        .wait_on_customer(id, &Desk::wait_request(now), TECH, now)
        .unwrap();
    let s = step_view(&d, id, "escalation_decision");
    assert_eq!(s.needs[0].code, NeedCode::WaitingOnCustomer);
    // Done and not-applicable steps need nothing.
    assert!(step_view(&d, id, "reproduce").needs.is_empty());
    assert!(step_view(&d, id, "reopen_reassign").needs.is_empty());
}

#[test]
fn every_blocked_step_in_the_view_has_a_need() {
    // A blocked step with no need listed would be a dead end: nothing to click.
    let mut d = desk();
    for id in [d.new_ticket(), d.intake(), d.diagnosed(), d.verified()] {
        let view = d.store.ticket_view(id, d.now).unwrap();
        for s in view.phases.iter().flat_map(|p| &p.steps) {
            if let StepState::Blocked(why) = &s.state {
                assert!(
                    s.needs.iter().any(|n| n.blocking && &n.message == why),
                    "ticket {id} step {} is blocked ({why}) without a matching need: {:?}",
                    s.number,
                    s.needs
                );
            }
        }
    }
}
