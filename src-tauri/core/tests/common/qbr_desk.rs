//! The hand-built QBR desk of tests/qbr.rs, shared with tests/qbr_pack.rs: twelve tickets with
//! known times, pauses, breaches, ratings and time entries across two clients (the worked
//! figures are in tests/qbr.rs). Included by path (`#[path = "common/qbr_desk.rs"]`), next to
//! `mod common;`.
#![allow(dead_code)]

use crate::common::{add_technician, set_up, vals, with_nonce, PIN, SUMMARY, TECH};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use serde_json::{json, Value};
use ticketflow_core::directory::*;
use ticketflow_core::signature::Signature;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::{NewTimeEntry, RunbookInput, Store};
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::workflow::{sign_off_statement, WaitRequest};

pub const SAM: &str = "Sam Rivera";
pub const CONFIG: &str = "Fixed - configuration change";
pub const SOFTWARE: &str = "Fixed - software reinstalled or updated";
pub const HARDWARE: &str = "Fixed - hardware replaced";
pub const VENDOR: &str = "Resolved by vendor";
pub const TRAINING: &str = "User training or how-to";
pub const WORKAROUND: &str = "Workaround provided";
pub const H: i64 = 3_600;
pub const M: i64 = 60;

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("test instant")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn from() -> NaiveDate {
    day(2026, 3, 16)
}

pub fn to() -> NaiveDate {
    day(2026, 4, 10)
}

pub fn now() -> DateTime<Utc> {
    at("2026-04-20T12:00:00Z")
}

pub struct Client {
    pub company: Company,
    pub contact: Contact,
    pub assets: Vec<Asset>,
}

/// The desk and the ids of its tickets, named as in the comments.
pub struct Built {
    pub store: Store,
    pub alpine: Client,
    pub boreal: Client,
    pub rb1: i64,
    pub rb2: i64,
    pub t: std::collections::HashMap<&'static str, i64>,
}

impl Built {
    pub fn id(&self, name: &str) -> i64 {
        self.t[name]
    }

    pub fn number(&self, name: &str) -> String {
        self.store.ticket(self.id(name)).unwrap().number
    }

    pub fn step(&mut self, id: i64, n: u8, v: Value, when: &str) {
        // A signature gets its nonce as the window's pad would (issue 14).
        let v = with_nonce(&mut self.store, id, n, v, at(when));
        self.store
            .complete_step(id, n, vals(v), TECH, at(when))
            .unwrap_or_else(|e| panic!("step {n} of ticket {id} at {when}: {e}"));
    }

    /// Steps 1–4 then 5 (opening) at `opened`; `priority` is given by the matrix's impact and
    /// urgency (P1 organization/blocked, P2 user/blocked, P3 user/degraded, P4 user/request).
    pub fn open(&mut self, alpine: bool, priority: &str, assets: &[usize], opened: &str) -> i64 {
        let c = if alpine { &self.alpine } else { &self.boreal };
        let contact = c.contact.id;
        let assets: Vec<i64> = assets.iter().map(|i| c.assets[*i].id).collect();
        let id = self.store.create_ticket(TECH, at(opened)).unwrap().id;
        let (impact, urgency) = match priority {
            "P1" => ("organization", "blocked"),
            "P2" => ("user", "blocked"),
            "P3" => ("user", "degraded"),
            _ => ("user", "request"),
        };
        self.step(
            id,
            1,
            json!({"contact": contact, "authorization": b::AUTHORIZED}),
            opened,
        );
        self.step(id, 2, json!({ "assets": assets }), opened);
        self.step(
            id,
            3,
            json!({"impact": impact, "urgency": urgency, "priority": priority}),
            opened,
        );
        self.step(id, 4, json!({}), opened);
        self.step(id, 5, json!({"problem_statement": "It fails"}), opened);
        id
    }

    /// Steps 6–9 at `when`: step 6 is the first response.
    pub fn diagnose(&mut self, id: i64, when: &str, runbooks: &[i64]) {
        for n in 6..=8 {
            self.step(id, n, json!({"notes": "seen it fail"}), when);
        }
        self.step(
            id,
            9,
            json!({"notes": "searched", "runbooks": runbooks}),
            when,
        );
    }

    /// Step 10, with step 11's hand-off when escalating.
    pub fn decide(&mut self, id: i64, escalate: bool, when: &str) {
        let decision = if escalate {
            b::ESCALATE
        } else {
            b::RESOLVE_TIER1
        };
        self.step(id, 10, json!({ "decision": decision }), when);
        if escalate {
            self.handoff(id, when);
        }
    }

    pub fn handoff(&mut self, id: i64, when: &str) {
        self.step(
            id,
            11,
            json!({"symptom": "s", "repro_steps": "r", "diagnostics_run": "d", "ruled_out": "o"}),
            when,
        );
    }

    pub fn fix(&mut self, id: i64, when: &str) {
        self.step(
            id,
            12,
            json!({"notes": "fixed", "infrastructure": b::NO_SHARED_INFRA}),
            when,
        );
    }

    /// Step 13 verified (the resolution).
    pub fn verify(&mut self, id: i64, when: &str) {
        let sig = Signature::synthetic(
            "End User",
            SignerRole::EndUser,
            "fix verified",
            SUMMARY,
            at(when).fixed_offset(),
            // Each signature its own ink: the core refuses strokes it has stored before.
            2 * id as u64,
        );
        self.step(
            id,
            13,
            json!({"outcome": b::VERIFIED, "signature": sig}),
            when,
        );
    }

    pub fn time(&mut self, id: i64, tech: &str, started: &str, minutes: u32, billable: bool) {
        self.store
            .add_time_entry(
                id,
                &NewTimeEntry {
                    technician: tech.into(),
                    started_at: at(started),
                    minutes,
                    billable,
                    work_type: "Remote".into(),
                    note: String::new(),
                },
                TECH,
                at(started),
            )
            .unwrap();
    }

    pub fn wait(&mut self, id: i64, when: &str) {
        let req = WaitRequest {
            reason: "asked the user to test".into(),
            follow_up_on: Some(at(when).date_naive()),
        };
        self.store
            .wait_on_customer(id, &req, TECH, at(when))
            .unwrap();
    }

    /// Steps 14–16, 18 (the survey), 19 (with a breach note if given) and 20, all at `when`.
    pub fn wrap_up(
        &mut self,
        id: i64,
        rating: Value,
        note: Option<&str>,
        runbooks: &[i64],
        when: &str,
    ) {
        self.step(id, 14, json!({"notes": "green"}), when);
        self.step(
            id,
            15,
            json!({"root_cause": "cause", "changes": "changes"}),
            when,
        );
        self.step(id, 16, json!({ "summary": SUMMARY }), when);
        self.step(id, 18, json!({ "rating": rating }), when);
        let v = match note {
            Some(n) => json!({ "breach_note": n }),
            None => json!({}),
        };
        self.step(id, 19, v, when);
        self.step(
            id,
            20,
            json!({"outcome": b::RUNBOOK_NOTHING_NEW, "runbooks": runbooks}),
            when,
        );
    }

    pub fn close(&mut self, id: i64, code: &str, when: &str) {
        let number = self.store.ticket(id).unwrap().number;
        let sig = Signature::synthetic(
            TECH,
            SignerRole::Technician,
            "closure sign-off",
            &sign_off_statement(&number, code, "done"),
            at(when).fixed_offset(),
            2 * id as u64 + 1,
        );
        let values = with_nonce(
            &mut self.store,
            id,
            21,
            json!({"resolution_code": code, "closure_notes": "done", "signature": sig}),
            at(when),
        );
        let proof = self.store.verify_pin(TECH, PIN, at(when)).unwrap();
        self.store
            .sign_off(id, vals(values), proof, at(when))
            .unwrap();
    }

    pub fn assign(&mut self, id: i64, who: &str, when: &str) {
        self.store.assign(id, Some(who), TECH, at(when)).unwrap();
    }
}

pub fn client(
    store: &mut Store,
    name: &str,
    tier: Tier,
    calendar: Calendar,
    hosts: &[&str],
) -> Client {
    let t0 = at("2026-03-01T08:00:00Z");
    let company = store
        .add_company(
            &NewCompany {
                name: name.into(),
                tier,
                calendar,
            },
            "admin",
            t0,
        )
        .unwrap();
    let contact = store
        .add_contact(
            &NewContact {
                company_id: company.id,
                name: format!("{name} contact"),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            "admin",
            t0,
        )
        .unwrap();
    let assets = hosts
        .iter()
        .map(|h| {
            store
                .add_asset(
                    &NewAsset {
                        company_id: company.id,
                        hostname: h.to_string(),
                        kind: "laptop".into(),
                        serial: None,
                        assigned_upn: None,
                        rmm_id: None,
                        rmm_url: None,
                    },
                    "admin",
                    t0,
                )
                .unwrap()
        })
        .collect();
    Client {
        company,
        contact,
        assets,
    }
}

/// Asset indexes: Alpine 0 ALP-LT-001, 1 ALP-LT-002, 2 ALP-PC-003, 3 ALP-PC-004;
/// Borealis 0 FAB-SRV-01, 1 FAB-LT-02.
pub fn build() -> Built {
    let mut store = Store::open_in_memory().unwrap();
    let t0 = at("2026-03-01T08:00:00Z");
    set_up(&mut store, TECH, PIN, t0);
    add_technician(
        &mut store,
        (SAM, TechTier::Tier2, "246810"),
        (TECH, PIN),
        t0,
    );
    let berlin = Calendar::business(
        "Europe/Berlin",
        &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        &[day(2026, 4, 3), day(2026, 4, 6)],
    )
    .unwrap();
    let alpine = client(
        &mut store,
        "Alpine Dental",
        Tier::Gold,
        berlin,
        &["ALP-LT-001", "ALP-LT-002", "ALP-PC-003", "ALP-PC-004"],
    );
    let boreal = client(
        &mut store,
        "Borealis Freight",
        Tier::Silver,
        Calendar::AlwaysOn,
        &["FAB-SRV-01", "FAB-LT-02"],
    );
    let runbook = |store: &mut Store, title: &str| {
        store
            .create_runbook_entry(
                &RunbookInput {
                    company_id: Some(alpine.company.id),
                    title: title.into(),
                    body: "steps".into(),
                },
                None,
                TECH,
                t0,
            )
            .unwrap()
            .id
    };
    let rb1 = runbook(&mut store, "Outlook profile rebuild");
    let rb2 = runbook(&mut store, "Imaging station quirks");
    let mut d = Built {
        store,
        alpine,
        boreal,
        rb1,
        rb2,
        t: Default::default(),
    };

    // A0: before the period entirely (opened 2026-03-02, closed 03-03). Nothing of it counts.
    let id = d.open(true, "P4", &[3], "2026-03-02T09:00:00Z");
    d.diagnose(id, "2026-03-02T09:10:00Z", &[]);
    d.decide(id, false, "2026-03-02T09:20:00Z");
    d.fix(id, "2026-03-02T09:30:00Z");
    d.verify(id, "2026-03-02T10:00:00Z");
    d.time(id, TECH, "2026-03-02T09:10:00Z", 30, true);
    d.wrap_up(id, json!(1), None, &[], "2026-03-03T08:00:00Z");
    d.close(id, VENDOR, "2026-03-03T09:00:00Z");
    d.t.insert("A0", id);

    // A6: opened Fri 2026-03-13 10:00 CET (before the period), closed Mon 03-16 (inside).
    // First response 10:30 CET: 30 min. Verified Mon 03-16 10:00 CET: Fri 10–17 (7 h) + Mon
    // 9–10 (1 h) = 8 h. Time: 30 min billable on 03-13 (outside), 10 min non-billable at
    // 2026-03-15 23:30 UTC = 03-16 00:30 CET (inside: Berlin's day, not UTC's), 15 min billable
    // on 03-16 (inside).
    let id = d.open(true, "P3", &[0], "2026-03-13T09:00:00Z");
    d.diagnose(id, "2026-03-13T09:30:00Z", &[rb1]);
    d.decide(id, false, "2026-03-13T09:40:00Z");
    d.fix(id, "2026-03-13T10:00:00Z");
    d.time(id, TECH, "2026-03-13T09:30:00Z", 30, true);
    d.time(id, TECH, "2026-03-15T23:30:00Z", 10, false);
    d.verify(id, "2026-03-16T09:00:00Z");
    d.time(id, TECH, "2026-03-16T09:30:00Z", 15, true);
    d.wrap_up(id, json!(4), None, &[], "2026-03-16T09:40:00Z");
    d.close(id, CONFIG, "2026-03-16T10:00:00Z");
    d.t.insert("A6", id);

    // B3: opened 2026-03-15 23:30 UTC = 03-16 00:30 CET (inside: UTC's date is outside).
    // 24x7: first response 1 h; verified 05:30 UTC: 6 h. 90 min billable at 03-16 00:00 UTC.
    let id = d.open(false, "P3", &[0], "2026-03-15T23:30:00Z");
    d.diagnose(id, "2026-03-16T00:30:00Z", &[]);
    d.decide(id, false, "2026-03-16T00:40:00Z");
    d.fix(id, "2026-03-16T01:00:00Z");
    d.time(id, TECH, "2026-03-16T00:00:00Z", 90, true);
    d.verify(id, "2026-03-16T05:30:00Z");
    d.wrap_up(id, json!(5), None, &[], "2026-03-16T05:40:00Z");
    d.close(id, HARDWARE, "2026-03-16T06:00:00Z");
    d.t.insert("B3", id);

    // B1: P1 opened 2026-03-18 22:00 UTC, escalated; first response 23:00 (60 min: exactly the
    // target, so met). Waiting on the customer 03-19 02:00–03:00 UTC. Verified 12:00 UTC: 14 h
    // less 1 h paused = 13 h = 780 min > 720: breached, at 22:00 + 4 h + (pause) + 8 h = 11:00.
    let id = d.open(false, "P1", &[0], "2026-03-18T22:00:00Z");
    d.diagnose(id, "2026-03-18T23:00:00Z", &[]);
    d.decide(id, true, "2026-03-18T23:10:00Z");
    d.wait(id, "2026-03-19T02:00:00Z");
    d.store
        .customer_replied(id, TECH, at("2026-03-19T03:00:00Z"))
        .unwrap();
    d.time(id, TECH, "2026-03-19T08:00:00Z", 120, true);
    d.time(id, SAM, "2026-03-19T09:00:00Z", 60, false);
    d.fix(id, "2026-03-19T10:00:00Z");
    d.verify(id, "2026-03-19T12:00:00Z");
    d.wrap_up(
        id,
        json!(3),
        Some("Overnight outage waited on the ISP"),
        &[],
        "2026-03-19T12:30:00Z",
    );
    d.close(id, VENDOR, "2026-03-19T13:00:00Z");
    d.t.insert("B1", id);

    // A1: P2 opened Mon 2026-03-23 09:00 CET; first response 09:30 (30 min); verified Tue 10:00
    // CET: Mon 8 h + Tue 1 h = 9 h = 540 min. 60 min billable.
    let id = d.open(true, "P2", &[0], "2026-03-23T08:00:00Z");
    d.diagnose(id, "2026-03-23T08:30:00Z", &[rb1]);
    d.decide(id, false, "2026-03-23T09:00:00Z");
    d.time(id, TECH, "2026-03-23T09:00:00Z", 60, true);
    d.fix(id, "2026-03-23T10:00:00Z");
    d.verify(id, "2026-03-24T09:00:00Z");
    d.wrap_up(id, json!(5), None, &[], "2026-03-24T09:30:00Z");
    d.close(id, CONFIG, "2026-03-24T10:00:00Z");
    d.t.insert("A1", id);

    // A2: P1 opened Fri 2026-03-27 16:00 CET, escalated; first response 16:20 (20 min).
    // Verified Mon 03-30 10:00 CEST (08:00 UTC), after the change to summer time: Fri 16–17
    // (1 h) + Mon 9–10 CEST (1 h) = 2 h. Read with CET's offset, Monday would open at 08:00
    // UTC and count nothing. Assigned to Sam. 30 min non-billable (Alex), 90 billable (Sam).
    let id = d.open(true, "P1", &[1], "2026-03-27T15:00:00Z");
    d.diagnose(id, "2026-03-27T15:20:00Z", &[]);
    d.decide(id, true, "2026-03-27T15:30:00Z");
    d.time(id, TECH, "2026-03-27T15:30:00Z", 30, false);
    d.time(id, SAM, "2026-03-30T07:00:00Z", 90, true);
    d.fix(id, "2026-03-30T07:30:00Z");
    d.verify(id, "2026-03-30T08:00:00Z");
    d.assign(id, SAM, "2026-03-30T08:10:00Z");
    d.wrap_up(id, json!(4), None, &[], "2026-03-30T08:30:00Z");
    d.close(id, SOFTWARE, "2026-03-30T09:00:00Z");
    d.t.insert("A2", id);

    // A3: P2 opened Tue 2026-03-31 09:00 CEST; first response 09:10 (10 min). Escalated,
    // waiting on the customer Tue 10:00 to Wed 04-01 12:00 CEST (paused 7 h + 3 h = 10 h of
    // business time). The fix failed verification once; reopened back to diagnosis (which
    // clears the live escalated flag: the escalation still counts) and resolved at Tier 1.
    // Verified Tue 04-07 11:30 CEST: Tue 8 + Wed 8 + Thu 8 + (Good Friday, Easter Monday) +
    // Tue 2.5 = 26.5 h, less 10 h paused = 16.5 h = 990 min > 960: breached by 30 min, at Tue
    // 04-07 11:00 CEST (1 h Tue, 5 h Wed after the pause, 8 h Thu, 2 h on 04-07).
    // Assigned to Sam. 15 min non-billable (Alex, 03-31), 120 billable (Sam, 04-01).
    let id = d.open(true, "P2", &[0], "2026-03-31T07:00:00Z");
    d.diagnose(id, "2026-03-31T07:10:00Z", &[]);
    d.time(id, TECH, "2026-03-31T07:10:00Z", 15, false);
    d.step(
        id,
        10,
        json!({"decision": b::ESCALATE}),
        "2026-03-31T07:50:00Z",
    );
    d.wait(id, "2026-03-31T08:00:00Z");
    d.store
        .customer_replied(id, TECH, at("2026-04-01T10:00:00Z"))
        .unwrap();
    d.handoff(id, "2026-04-01T10:10:00Z");
    d.fix(id, "2026-04-01T10:20:00Z");
    d.step(
        id,
        13,
        json!({"outcome": b::STILL_FAILING}),
        "2026-04-01T10:30:00Z",
    );
    d.step(
        id,
        17,
        json!({"what_failed": "still crashes", "route": b::ROUTE_DIAGNOSIS}),
        "2026-04-01T10:40:00Z",
    );
    d.decide(id, false, "2026-04-01T10:50:00Z");
    d.time(id, SAM, "2026-04-01T11:00:00Z", 120, true);
    d.fix(id, "2026-04-01T11:00:00Z");
    d.verify(id, "2026-04-07T09:30:00Z");
    d.assign(id, SAM, "2026-04-07T09:40:00Z");
    d.wrap_up(
        id,
        json!(2),
        Some("Waited on a replacement part from the vendor"),
        &[rb2],
        "2026-04-07T10:00:00Z",
    );
    d.close(id, WORKAROUND, "2026-04-07T11:00:00Z");
    d.t.insert("A3", id);

    // B4: P3 opened 2026-04-01 10:00 UTC; first response 10:30; waiting on the customer since
    // 11:00, still. Open now. 20 min non-billable.
    let id = d.open(false, "P3", &[0], "2026-04-01T10:00:00Z");
    d.diagnose(id, "2026-04-01T10:30:00Z", &[]);
    d.time(id, TECH, "2026-04-01T10:30:00Z", 20, false);
    d.wait(id, "2026-04-01T11:00:00Z");
    d.t.insert("B4", id);

    // A4: P3 opened Thu 2026-04-02 16:00 CEST; first response Tue 04-07 10:30 CEST: Thu 1 h +
    // (two holidays) + Tue 1.5 h = 2.5 h = 150 min > 120: breached, at Tue 10:00 CEST.
    // Verified Tue 14:00 CEST: 1 h + 5 h = 6 h. Survey sent, not answered. Assigned to Sam,
    // 45 min billable.
    let id = d.open(true, "P3", &[2], "2026-04-02T14:00:00Z");
    d.diagnose(id, "2026-04-07T08:30:00Z", &[]);
    d.decide(id, false, "2026-04-07T08:30:00Z");
    d.time(id, SAM, "2026-04-07T08:30:00Z", 45, true);
    d.fix(id, "2026-04-07T11:00:00Z");
    d.verify(id, "2026-04-07T12:00:00Z");
    d.assign(id, SAM, "2026-04-07T12:10:00Z");
    d.wrap_up(
        id,
        json!("sent"),
        Some("Holiday cover missed the ticket"),
        &[],
        "2026-04-07T12:30:00Z",
    );
    d.close(id, TRAINING, "2026-04-07T13:00:00Z");
    d.t.insert("A4", id);

    // A5: P1 opened Thu 2026-04-09 09:00 CEST, first response 09:45 (45 min > 30: breached at
    // 09:30), escalated; open now. Its resolution clock (480 min) passed at Thu 17:00 CEST and
    // has counted, at Mon 04-20 14:00 CEST: Thu 8 + Fri 8 + 5 × 8 + Mon 5 = 61 h. 45 min
    // non-billable (Sam).
    let id = d.open(true, "P1", &[0], "2026-04-09T07:00:00Z");
    d.diagnose(id, "2026-04-09T07:45:00Z", &[]);
    d.decide(id, true, "2026-04-09T08:00:00Z");
    d.time(id, SAM, "2026-04-09T08:00:00Z", 45, false);
    d.t.insert("A5", id);

    // A7: P4 opened Fri 2026-04-10 16:00 CEST (inside), closed Mon 04-13 (outside). 30 min
    // billable on 04-10 (inside), 20 on 04-13 (outside), both Sam. Two assets.
    let id = d.open(true, "P4", &[1, 2], "2026-04-10T14:00:00Z");
    d.diagnose(id, "2026-04-10T14:30:00Z", &[]);
    d.decide(id, false, "2026-04-10T14:40:00Z");
    d.time(id, SAM, "2026-04-10T14:30:00Z", 30, true);
    d.fix(id, "2026-04-10T15:00:00Z");
    d.verify(id, "2026-04-13T08:00:00Z");
    d.time(id, SAM, "2026-04-13T08:30:00Z", 20, true);
    d.wrap_up(id, json!(1), None, &[], "2026-04-13T08:40:00Z");
    d.close(id, VENDOR, "2026-04-13T09:00:00Z");
    d.t.insert("A7", id);

    // B2: P2 opened 2026-04-10 20:00 UTC (22:00 CEST, inside), closed 22:30 UTC = 04-11 00:30
    // CEST (outside, though UTC's date is inside). 30 min billable at 21:30 UTC (inside), 15 at
    // 22:15 UTC = 04-11 00:15 CEST (outside).
    let id = d.open(false, "P2", &[1], "2026-04-10T20:00:00Z");
    d.diagnose(id, "2026-04-10T20:30:00Z", &[]);
    d.decide(id, false, "2026-04-10T20:35:00Z");
    d.fix(id, "2026-04-10T20:40:00Z");
    d.verify(id, "2026-04-10T21:00:00Z");
    d.time(id, TECH, "2026-04-10T21:30:00Z", 30, true);
    d.time(id, TECH, "2026-04-10T22:15:00Z", 15, true);
    d.wrap_up(id, json!(1), None, &[], "2026-04-10T22:20:00Z");
    d.close(id, WORKAROUND, "2026-04-10T22:30:00Z");
    d.t.insert("B2", id);
    d
}
