//! A small desk for tests: one client of each calendar kind, contacts, assets and a clock.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde_json::{json, Value};
use ticketflow_core::directory::*;
use ticketflow_core::signature::Signature;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::{NewTimeEntry, Store};
use ticketflow_core::template::{builtin as b, SignerRole};
use ticketflow_core::ticket::{Ticket, Values};
use ticketflow_core::workflow::sign_off_statement;

pub const TECH: &str = "Alex Morgan";
pub const PIN: &str = "135790";
/// What the end user signs at hand-over, and what step 16 sends them.
pub const SUMMARY: &str = "We fixed your sign-in.";

pub struct Desk {
    pub store: Store,
    pub now: DateTime<Utc>,
    pub company: Company,
    pub other_company: Company,
    pub caller: Contact,
    pub terminated: Contact,
    pub unauthorized: Contact,
    pub asset: Asset,
    pub foreign_asset: Asset,
    /// The next synthetic signature's seed: each signature has its own ink (the core refuses
    /// strokes it has stored before).
    seed: std::cell::Cell<u64>,
}

/// What the window does before a pad opens: a signature in `v` without a nonce gets one issued
/// for this ticket, step, its signer's role and its text. When the core will not issue one (no
/// such signature at that step, a closed ticket), the signature goes without, and the core's
/// refusal of the step is what the test sees.
pub fn with_nonce(store: &mut Store, id: i64, step: u8, mut v: Value, now: DateTime<Utc>) -> Value {
    let Some(sig) = v.get_mut("signature").filter(|s| s.is_object()) else {
        return v;
    };
    if sig
        .get("nonce")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty())
    {
        return v;
    }
    let role: Option<SignerRole> = sig
        .get("role")
        .and_then(|r| serde_json::from_value(r.clone()).ok());
    let content = sig
        .get("content")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(role) = role {
        if let Ok(n) = store.issue_signing_nonce(id, step, role, content, now) {
            sig["nonce"] = json!(n.nonce);
        }
    }
    v
}

pub fn vals(v: Value) -> Values {
    serde_json::from_value(v).expect("test values are an object")
}

/// Monday 2026-03-02 10:00 in Berlin: inside business hours.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn berlin_hours() -> Calendar {
    Calendar::business(
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
        &[],
    )
    .unwrap()
}

/// Sets up an empty desk with `name` (tier 1, PIN `pin`) as its first and current technician; the
/// desk keeps the neutral report name, so reports read as before.
pub fn set_up(store: &mut Store, name: &str, pin: &str, now: DateTime<Utc>) {
    store
        .set_up_desk(
            &ticketflow_core::store::DeskSetup {
                desk_name: ticketflow_core::report::DEFAULT_MSP_NAME.into(),
                time_zone: "Europe/Berlin".into(),
                technician: technician(name, TechTier::Tier1),
            },
            pin,
            now,
        )
        .expect("the desk is set up");
}

pub fn technician(name: &str, tier: TechTier) -> NewTechnician {
    NewTechnician {
        name: name.into(),
        tier,
        email: None,
        on_call: false,
    }
}

/// Adds a technician with their PIN, witnessed by `witness` (who entered `witness_pin`).
pub fn add_technician(
    store: &mut Store,
    (name, tier, pin): (&str, TechTier, &str),
    (witness, witness_pin): (&str, &str),
    now: DateTime<Utc>,
) -> Technician {
    let proof = store
        .verify_pin(witness, witness_pin, now)
        .expect("the witness's PIN");
    store
        .add_technician(&technician(name, tier), pin, proof, now)
        .expect("the technician is added")
}

impl Desk {
    pub fn new() -> Desk {
        Desk::in_store(Store::open_in_memory().unwrap())
    }

    /// The same desk in a database file, for tests where several stores (processes) share it.
    pub fn on_file(path: &std::path::Path) -> Desk {
        Desk::in_store(Store::open(path).unwrap())
    }

    fn in_store(mut store: Store) -> Desk {
        let now = monday_morning();
        let company = store
            .add_company(
                &NewCompany {
                    name: "Contoso Legal".into(),
                    tier: Tier::Gold,
                    calendar: berlin_hours(),
                },
                "admin",
                now,
            )
            .unwrap();
        let other_company = store
            .add_company(
                &NewCompany {
                    name: "Fabrikam".into(),
                    tier: Tier::Bronze,
                    calendar: Calendar::AlwaysOn,
                },
                "admin",
                now,
            )
            .unwrap();
        let contact = |name: &str, authorized, terminated_on: Option<NaiveDate>| NewContact {
            company_id: company.id,
            name: name.into(),
            email: Some(format!(
                "{}@contoso.example",
                name.to_lowercase().replace(' ', ".")
            )),
            phone: None,
            upn: None,
            authorized,
            terminated_on,
        };
        let caller = store
            .add_contact(&contact("Dana Reyes", true, None), "admin", now)
            .unwrap();
        let terminated = store
            .add_contact(
                &contact("Old Employee", true, NaiveDate::from_ymd_opt(2026, 1, 31)),
                "admin",
                now,
            )
            .unwrap();
        let unauthorized = store
            .add_contact(&contact("Temp Worker", false, None), "admin", now)
            .unwrap();
        let asset = |company_id, hostname: &str| NewAsset {
            company_id,
            hostname: hostname.into(),
            kind: "laptop".into(),
            serial: None,
            assigned_upn: None,
            rmm_id: None,
            rmm_url: None,
        };
        let a = store
            .add_asset(&asset(company.id, "CONTOSO-LT-001"), "admin", now)
            .unwrap();
        let f = store
            .add_asset(&asset(other_company.id, "FAB-SRV-01"), "admin", now)
            .unwrap();
        set_up(&mut store, TECH, PIN, now);
        Desk {
            store,
            now,
            company,
            other_company,
            caller,
            terminated,
            unauthorized,
            asset: a,
            foreign_asset: f,
            seed: std::cell::Cell::new(1),
        }
    }

    /// A valid reason and follow-up date for waiting on the customer at `now`.
    pub fn wait_request(now: DateTime<Utc>) -> ticketflow_core::workflow::WaitRequest {
        ticketflow_core::workflow::WaitRequest {
            reason: "asked the user to restart and call back".into(),
            follow_up_on: Some(now.date_naive() + Duration::days(1)),
        }
    }

    pub fn tick(&mut self, minutes: i64) -> DateTime<Utc> {
        self.now += Duration::minutes(minutes);
        self.now
    }

    pub fn step(&mut self, id: i64, step: u8, v: Value) -> ticketflow_core::Result<Ticket> {
        let now = self.tick(1);
        let v = self.with_nonce(id, step, v, now);
        self.store.complete_step(id, step, vals(v), TECH, now)
    }

    /// [`with_nonce`] on this desk's store.
    pub fn with_nonce(&mut self, id: i64, step: u8, v: Value, now: DateTime<Utc>) -> Value {
        with_nonce(&mut self.store, id, step, v, now)
    }

    fn next_seed(&self) -> u64 {
        let seed = self.seed.get();
        self.seed.set(seed + 1);
        seed
    }

    pub fn new_ticket(&mut self) -> i64 {
        let now = self.now;
        self.store.create_ticket(TECH, now).unwrap().id
    }

    /// Steps 1–4 done for the authorized caller with an asset linked: ready to open.
    pub fn intake(&mut self) -> i64 {
        let id = self.new_ticket();
        let (caller, asset) = (self.caller.id, self.asset.id);
        self.step(
            id,
            1,
            json!({"contact": caller, "authorization": b::AUTHORIZED}),
        )
        .unwrap();
        self.step(id, 2, json!({"assets": [asset]})).unwrap();
        self.step(
            id,
            3,
            json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
        )
        .unwrap();
        self.step(id, 4, json!({})).unwrap();
        id
    }

    /// Opened and diagnosed (steps 5–9).
    pub fn diagnosed(&mut self) -> i64 {
        let id = self.intake();
        self.step(
            id,
            5,
            json!({"problem_statement": "Outlook prompts for a password"}),
        )
        .unwrap();
        for n in 6..=9 {
            self.step(id, n, json!({"notes": "seen it fail"})).unwrap();
        }
        id
    }

    pub fn fixed(&mut self, escalate: bool) -> i64 {
        let id = self.diagnosed();
        let decision = if escalate {
            b::ESCALATE
        } else {
            b::RESOLVE_TIER1
        };
        self.step(id, 10, json!({"decision": decision})).unwrap();
        if escalate {
            self.handoff(id).unwrap();
        }
        self.step(
            id,
            12,
            json!({"notes": "cleared cached credentials", "infrastructure": b::NO_SHARED_INFRA}),
        )
        .unwrap();
        id
    }

    pub fn handoff(&mut self, id: i64) -> ticketflow_core::Result<Ticket> {
        self.step(
            id,
            11,
            json!({"symptom": "s", "repro_steps": "r", "diagnostics_run": "d", "ruled_out": "o"}),
        )
    }

    /// The end user's signature over [`SUMMARY`], or a technician's over no statement in particular.
    pub fn signature(&self, role: SignerRole) -> Value {
        let (name, meaning, content) = match role {
            SignerRole::EndUser => ("Dana Reyes", "fix verified", SUMMARY),
            SignerRole::Technician => (TECH, "closure sign-off", "not the closing statement"),
        };
        serde_json::to_value(Signature::synthetic(
            name,
            role,
            meaning,
            content,
            self.now.fixed_offset(),
            self.next_seed(),
        ))
        .unwrap()
    }

    /// The technician's signature over the closing statement for these values.
    pub fn sign_off_signature(&self, id: i64, code: &str, notes: &str) -> Value {
        let number = self.store.ticket(id).unwrap().number;
        serde_json::to_value(Signature::synthetic(
            TECH,
            SignerRole::Technician,
            "closure sign-off",
            &sign_off_statement(&number, code, notes),
            self.now.fixed_offset(),
            self.next_seed(),
        ))
        .unwrap()
    }

    /// Step 21 after entering the technician's PIN.
    pub fn sign_off(&mut self, id: i64, v: Value) -> ticketflow_core::Result<Ticket> {
        let now = self.tick(1);
        let v = self.with_nonce(id, 21, v, now);
        let proof = self.store.verify_pin(TECH, PIN, now)?;
        self.store.sign_off(id, vals(v), proof, now)
    }

    pub fn verified(&mut self) -> i64 {
        let id = self.fixed(false);
        let sig = self.signature(SignerRole::EndUser);
        self.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
            .unwrap();
        id
    }

    pub fn add_time(&mut self, id: i64) {
        let now = self.now;
        self.store
            .add_time_entry(
                id,
                &NewTimeEntry {
                    technician: TECH.into(),
                    started_at: now,
                    minutes: 30,
                    billable: true,
                    work_type: "Remote".into(),
                    note: String::new(),
                },
                TECH,
                now,
            )
            .unwrap();
    }

    /// Everything but the close (steps 14–20 done).
    pub fn ready_to_close(&mut self) -> i64 {
        let id = self.verified();
        self.step(id, 14, json!({"notes": "green"})).unwrap();
        self.step(
            id,
            15,
            json!({"root_cause": "stale token", "changes": "cleared cache"}),
        )
        .unwrap();
        self.step(id, 16, json!({"summary": SUMMARY})).unwrap();
        self.step(id, 18, json!({"rating": 5})).unwrap();
        self.add_time(id);
        self.step(id, 19, json!({"breach_note": "none"})).unwrap();
        self.step(id, 20, json!({"outcome": b::RUNBOOK_NOTHING_NEW}))
            .unwrap();
        id
    }

    pub fn close(&mut self, id: i64) -> ticketflow_core::Result<Ticket> {
        let code = b::RESOLUTION_CODES[0];
        let sig = self.sign_off_signature(id, code, "none");
        self.sign_off(
            id,
            json!({"resolution_code": code, "closure_notes": "none", "signature": sig}),
        )
    }
}
