//! Settings › SLA targets and calendars (issue 15): an edit of the desk's targets or of a client's
//! calendar is checked, audited, and applies to tickets opened afterwards. A ticket opened before
//! keeps the terms it pinned when its clock started, in its clocks, the queue's SLA columns and
//! order, its sealed record and the QBR figures.

mod common;

use chrono::{Duration, NaiveTime, Weekday};
use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::directory::{NewCompany, Tier};
use ticketflow_core::priority::Priority;
use ticketflow_core::sla::{
    default_policies, Calendar, SlaPolicy, SlaTargetInput, DEFAULT_AT_RISK_RATIO,
    MAX_TARGET_MINUTES,
};
use ticketflow_core::store::{QueueQuery, QueueSort};
use ticketflow_core::workflow::sla_status;

fn cells(table: &[SlaPolicy]) -> Vec<SlaTargetInput> {
    table.iter().copied().map(Into::into).collect()
}

/// The desk's table with Gold P2 (the usual test ticket's: Contoso is Gold, intake gives P2) set
/// to `fr` and `res` minutes.
fn gold_p2(d: &Desk, fr: f64, res: f64) -> Vec<SlaTargetInput> {
    let mut table = cells(&d.store.sla_targets().unwrap());
    let c = table
        .iter_mut()
        .find(|c| c.tier == Tier::Gold && c.priority == Priority::P2)
        .unwrap();
    c.first_response_minutes = fr;
    c.resolution_minutes = res;
    table
}

fn audit_count(d: &Desk) -> u64 {
    d.store.verify_audit().unwrap().events
}

/// The two clocks' targets of a ticket, in minutes, as `sla_status` reads them.
fn targets_of(d: &Desk, id: i64) -> (i64, i64) {
    let t = d.store.ticket(id).unwrap();
    let (fr, res) = sla_status(&t, &d.store.lookup(), d.now, DEFAULT_AT_RISK_RATIO).unwrap();
    (
        fr.expect("the clock runs").target_secs / 60,
        res.expect("the clock runs").target_secs / 60,
    )
}

/// An opened ticket of the desk's usual caller (Contoso Legal, Gold, P2).
fn opened(d: &mut Desk) -> i64 {
    let id = d.intake();
    d.step(
        id,
        "open_ticket",
        json!({"problem_statement": "Outlook prompts for a password"}),
    )
    .unwrap();
    id
}

#[test]
fn the_table_starts_as_the_defaults_in_tier_and_priority_order() {
    let d = Desk::new();
    assert_eq!(d.store.sla_targets().unwrap(), default_policies());
}

#[test]
fn each_bad_edit_is_refused_by_cell_and_nothing_is_written() {
    let mut d = Desk::new();
    let before = d.store.sla_targets().unwrap();
    let events = audit_count(&d);
    let mut missing = gold_p2(&d, 60.0, 960.0);
    missing.retain(|c| !(c.tier == Tier::Silver && c.priority == Priority::P4));
    let mut doubled = gold_p2(&d, 60.0, 960.0);
    doubled.push(doubled[0]);
    let cases: Vec<(Vec<SlaTargetInput>, &str)> = vec![
        (
            gold_p2(&d, 0.0, 960.0),
            "Gold P2: first response 0 minutes: at least 1",
        ),
        (
            gold_p2(&d, 30.5, 960.0),
            "Gold P2: first response 30.5 is not a whole",
        ),
        (
            gold_p2(&d, 60.0, 59.0),
            "Gold P2: resolution (59 min) is shorter",
        ),
        (
            gold_p2(&d, 60.0, f64::from(MAX_TARGET_MINUTES) + 1.0),
            "Gold P2: resolution 525601 minutes: at most 525600 (365 days)",
        ),
        (gold_p2(&d, 60.0, -1.0), "Gold P2: resolution -1 minutes"),
        (missing, "Silver P4: no targets given"),
        (doubled, "Platinum P1: given 2 times"),
        (vec![], "Platinum P1: no targets given"),
    ];
    for (table, message) in cases {
        let now = d.tick(1);
        let err = d
            .store
            .set_sla_targets(&table, TECH, now)
            .expect_err(message);
        assert_eq!(err.code(), "INVALID_INPUT", "{message}");
        assert!(err.to_string().contains(message), "{err}");
        assert_eq!(d.store.sla_targets().unwrap(), before, "{message}");
        assert_eq!(audit_count(&d), events, "{message}: nothing audited");
    }
    // Without a technician nothing is changed either.
    let now = d.now;
    let err = d
        .store
        .set_sla_targets(&gold_p2(&d, 5.0, 30.0), " ", now)
        .unwrap_err();
    assert_eq!(d.store.sla_targets().unwrap(), before, "{err}");
}

#[test]
fn an_edit_is_audited_with_the_table_before_and_after() {
    let mut d = Desk::new();
    let before = d.store.sla_targets().unwrap();
    let events = audit_count(&d);
    let now = d.tick(1);
    let saved = d
        .store
        .set_sla_targets(&gold_p2(&d, 5.0, 30.0), TECH, now)
        .unwrap();
    assert_eq!(saved, d.store.sla_targets().unwrap());
    let gold = saved
        .iter()
        .find(|p| p.tier == Tier::Gold && p.priority == Priority::P2)
        .unwrap();
    assert_eq!(
        (gold.first_response_minutes, gold.resolution_minutes),
        (5, 30)
    );
    assert_eq!(audit_count(&d), events + 1);
    let e = d
        .store
        .audit_event((events + 1) as i64)
        .unwrap()
        .expect("the edit's event");
    assert_eq!(e.action, "sla_targets_changed");
    assert_eq!(e.actor, TECH);
    assert_eq!(e.ticket_id, None);
    assert_eq!(e.before, serde_json::to_value(&before).unwrap());
    assert_eq!(e.after, serde_json::to_value(&saved).unwrap());
    // Saving the same table again changes nothing and says nothing.
    let again = d.tick(1);
    d.store
        .set_sla_targets(&cells(&saved), TECH, again)
        .unwrap();
    assert_eq!(audit_count(&d), events + 1);
    assert!(d.store.verify_audit().is_ok());
}

#[test]
fn a_ticket_opened_before_an_edit_keeps_its_targets_and_one_opened_after_gets_the_new_ones() {
    let mut d = Desk::new();
    let before = opened(&mut d);
    assert_eq!(targets_of(&d, before), (60, 960));

    let now = d.tick(1);
    d.store
        .set_sla_targets(&gold_p2(&d, 5.0, 30.0), TECH, now)
        .unwrap();
    // Intake before the edit, opened after it: the clock starts at opening, so the new targets.
    let in_intake = d.intake();
    let after = opened(&mut d);
    d.step(
        in_intake,
        "open_ticket",
        json!({"problem_statement": "Teams will not start"}),
    )
    .unwrap();
    assert_eq!(targets_of(&d, before), (60, 960));
    assert_eq!(targets_of(&d, after), (5, 30));
    assert_eq!(targets_of(&d, in_intake), (5, 30));

    // The ticket view says the same.
    let view = d.store.ticket_view(before, d.now).unwrap();
    assert_eq!(view.first_response.unwrap().target_secs, 3600);
    let view = d.store.ticket_view(after, d.now).unwrap();
    assert_eq!(view.first_response.unwrap().target_secs, 300);

    // A change to the older ticket stores its deadline again: on its own targets, not the new.
    let now = d.tick(1);
    d.store.assign(before, Some(TECH), TECH, now).unwrap();

    // The queue's SLA columns...
    let rows = d.store.queue(&QueueQuery::default(), d.now).unwrap();
    let row = |id: i64| rows.iter().find(|r| r.id == id).unwrap();
    assert_eq!(row(before).first_response.unwrap().target_secs, 3600);
    assert_eq!(row(before).resolution.unwrap().target_secs, 960 * 60);
    assert_eq!(row(after).first_response.unwrap().target_secs, 300);
    assert_eq!(row(after).resolution.unwrap().target_secs, 30 * 60);
    // ...and its order by deadline: the older ticket is due an hour after its opening, later
    // than the newer ones five minutes after theirs (on the new targets alike it would be first).
    let by_due = QueueQuery {
        sort: Some(QueueSort::SlaDue),
        ..QueueQuery::default()
    };
    let order: Vec<i64> = d
        .store
        .queue(&by_due, d.now)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .filter(|id| [before, after, in_intake].contains(id))
        .collect();
    assert_eq!(order, vec![after, in_intake, before]);
    let due = |id: i64| {
        d.store
            .queue(&by_due, d.now)
            .unwrap()
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .first_response
            .unwrap()
            .due_at
            .unwrap()
    };
    let opened_at = |id: i64| d.store.ticket(id).unwrap().opened_at.unwrap();
    assert_eq!(due(before), opened_at(before) + Duration::minutes(60));
    assert_eq!(due(after), opened_at(after) + Duration::minutes(5));
}

#[test]
fn a_client_changing_tier_takes_the_tiers_targets_from_the_table_its_ticket_opened_under() {
    let mut d = Desk::new();
    let id = opened(&mut d);
    let now = d.tick(1);
    let mut table = gold_p2(&d, 5.0, 30.0);
    for c in table.iter_mut().filter(|c| c.tier == Tier::Platinum) {
        c.first_response_minutes = 3.0;
        c.resolution_minutes = 20.0;
    }
    d.store.set_sla_targets(&table, TECH, now).unwrap();
    // Contoso moves from Gold to Platinum: the ticket's targets follow its tier, from the table
    // it opened under (Platinum P2 there: 30 min and one business day), not today's.
    let company = d.company.clone();
    d.store
        .update_company(
            company.id,
            &NewCompany {
                name: company.name.clone(),
                tier: Tier::Platinum,
                calendar: company.calendar.clone(),
            },
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(targets_of(&d, id), (30, 480));
    let fresh = opened(&mut d);
    assert_eq!(targets_of(&d, fresh), (3, 20));
}

/// A New York working week: the same working hours as Berlin's but six hours later in UTC.
fn new_york_hours() -> Calendar {
    Calendar::business(
        "America/New_York",
        &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        &[],
    )
    .unwrap()
}

#[test]
fn a_clients_calendar_edit_applies_to_its_tickets_opened_afterwards() {
    let mut d = Desk::new();
    let before = opened(&mut d);
    let now = d.tick(1);
    let company = d.company.clone();
    d.store
        .update_company(
            company.id,
            &NewCompany {
                name: company.name.clone(),
                tier: company.tier,
                calendar: new_york_hours(),
            },
            TECH,
            now,
        )
        .unwrap();
    let after = opened(&mut d);
    let due = |d: &Desk, id: i64| {
        let t = d.store.ticket(id).unwrap();
        sla_status(&t, &d.store.lookup(), d.now, DEFAULT_AT_RISK_RATIO)
            .unwrap()
            .0
            .unwrap()
            .due_at
            .unwrap()
    };
    let opened_at = |id: i64| d.store.ticket(id).unwrap().opened_at.unwrap();
    // Monday morning in Berlin: an hour of Berlin's working time is an hour.
    assert_eq!(
        due(&d, before),
        common::berlin_hours().add_working_time(opened_at(before), Duration::minutes(60))
    );
    assert_eq!(due(&d, before), opened_at(before) + Duration::minutes(60));
    // New York has not opened yet: the hour starts at 09:00 there.
    let ny = new_york_hours().add_working_time(opened_at(after), Duration::minutes(60));
    assert_eq!(due(&d, after), ny);
    assert!(ny > opened_at(after) + Duration::hours(4), "{ny}");

    // The queue agrees, row and order.
    let now = d.tick(1);
    d.store.assign(before, Some(TECH), TECH, now).unwrap();
    let by_due = QueueQuery {
        sort: Some(QueueSort::SlaDue),
        ..QueueQuery::default()
    };
    let rows = d.store.queue(&by_due, d.now).unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![before, after]);
    assert_eq!(
        rows[1].first_response.unwrap().due_at,
        Some(ny),
        "the row's deadline is the pinned calendar's"
    );
}

#[test]
fn the_qbr_reads_an_open_tickets_pinned_targets() {
    let mut d = Desk::new();
    let before = opened(&mut d);
    let now = d.tick(1);
    d.store
        .set_sla_targets(&gold_p2(&d, 5.0, 30.0), TECH, now)
        .unwrap();
    let after = opened(&mut d);
    // 40 minutes on: the new ticket's 5-minute first response is past, the old one's hour not.
    let later = d.tick(40);
    let day = later.date_naive();
    let q = d.store.qbr(Some(d.company.id), day, day, later).unwrap();
    let numbers = |id: i64| d.store.ticket(id).unwrap().number;
    let breached: Vec<(String, i64)> = q
        .sla
        .breaches
        .iter()
        .map(|b| (b.ticket.clone(), b.target_secs))
        .collect();
    assert!(breached.contains(&(numbers(after), 300)), "{breached:?}");
    assert!(
        !breached.iter().any(|(n, _)| *n == numbers(before)),
        "{breached:?}"
    );
}

#[test]
fn a_closed_tickets_record_states_the_terms_it_pinned() {
    let mut d = Desk::new();
    let id = d.ready_to_close();
    let pinned = d.store.ticket(id).unwrap();
    let now = d.tick(1);
    d.store
        .set_sla_targets(&gold_p2(&d, 5.0, 30.0), TECH, now)
        .unwrap();
    let company = d.company.clone();
    d.store
        .update_company(
            company.id,
            &NewCompany {
                name: company.name.clone(),
                tier: company.tier,
                calendar: new_york_hours(),
            },
            TECH,
            now,
        )
        .unwrap();
    d.close(id).unwrap();
    let record = d.store.closure_record(id).unwrap().record;
    let sla = record.sla.expect("the record has SLA figures");
    let policy = sla.policy.expect("a policy applied");
    assert_eq!(pinned.priority, Some(Priority::P2));
    assert_eq!(
        (policy.first_response_minutes, policy.resolution_minutes),
        (60, 960)
    );
    assert_eq!(sla.calendar, common::berlin_hours());
    assert_eq!(sla.first_response.unwrap().target_secs, 3600);
    // The seal holds: the record rebuilt from the rows is the one sealed.
    assert!(d.store.verify_audit().is_ok());
    let view = d.store.ticket_view(id, d.now).unwrap();
    assert_eq!(view.first_response.unwrap().target_secs, 3600);
}

/// A desk from before the targets could be edited (the schema-v5 fixture): migration 0015 pins
/// every opened ticket to the targets and calendar it has been measured on, so the first edit
/// after the upgrade moves none of their clocks.
#[test]
fn tickets_opened_before_the_upgrade_keep_the_terms_they_had() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v5.db"),
        &path,
    )
    .unwrap();
    let mut store = ticketflow_core::store::Store::open(&path).unwrap();
    let old = store.sla_targets().unwrap();
    let now = ticketflow_core::demo::anchor();
    let clocks = |store: &ticketflow_core::store::Store| -> Vec<(i64, i64, i64)> {
        let ids: Vec<i64> = store
            .queue(
                &QueueQuery {
                    limit: Some(500),
                    ..QueueQuery::default()
                },
                now,
            )
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        ids.into_iter()
            .filter_map(|id| {
                let t = store.ticket(id).unwrap();
                let (fr, res) =
                    sla_status(&t, &store.lookup(), now, DEFAULT_AT_RISK_RATIO).unwrap();
                Some((id, fr?.target_secs, res?.target_secs))
            })
            .collect()
    };
    let before = clocks(&store);
    assert!(
        before.len() >= 3,
        "the fixture has open tickets with clocks: {before:?}"
    );
    let edited: Vec<SlaTargetInput> = old
        .iter()
        .map(|p| SlaTargetInput {
            first_response_minutes: 1.0,
            resolution_minutes: 2.0,
            ..SlaTargetInput::from(*p)
        })
        .collect();
    store.set_sla_targets(&edited, "Tester", now).unwrap();
    assert_ne!(store.sla_targets().unwrap(), old);
    assert_eq!(clocks(&store), before);
}
