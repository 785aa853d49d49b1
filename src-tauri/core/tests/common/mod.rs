//! A small desk for tests: one client of each calendar kind, contacts, assets and a clock.
#![allow(dead_code)]

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde_json::{json, Value};
use ticketflow_core::directory::*;
use ticketflow_core::signature::Signature;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::{NewTimeEntry, Store};
use ticketflow_core::template::{
    builtin as b, Condition, Field, FieldKind, Gate, SignerRole, Step, Template,
};
use ticketflow_core::ticket::{Ticket, Values};
use ticketflow_core::workflow::{sign_off_statement, step_state, StepState};

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
    /// The template version new tickets pin: the built-in one unless [`Desk::with_template`]
    /// published another. Helpers that take a step key look its number up here.
    pub template: Template,
    /// The next synthetic signature's seed: each signature has its own ink (the core refuses
    /// strokes it has stored before).
    seed: std::cell::Cell<u64>,
}

/// A step as the helpers take it: its number in the desk's template (`3`), or its key
/// (`"set_priority"`), which names the same step whatever number a template gives it.
pub trait StepAt {
    fn number_in(&self, template: &Template) -> u8;
}

impl StepAt for u8 {
    fn number_in(&self, _: &Template) -> u8 {
        *self
    }
}

impl StepAt for &str {
    fn number_in(&self, template: &Template) -> u8 {
        template.number_of(self).unwrap_or_else(|| {
            panic!(
                "the desk's template {} v{} has no step {self:?}",
                template.key, template.version
            )
        })
    }
}

/// How far [`Desk::drive`] takes a ticket: up to a step (left undone) or through it.
#[derive(Debug, Clone, Copy)]
pub enum Upto<'a> {
    Before(&'a str),
    Through(&'a str),
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
        let template = store
            .published_template()
            .expect("the desk's template is stored");
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
            template,
            seed: std::cell::Cell::new(1),
        }
    }

    /// A desk whose new tickets follow `template`, published as the next version of the desk's
    /// template the way a desk imports one (checked like any other: a template the store refuses
    /// fails the test).
    pub fn with_template(template: Template) -> Desk {
        let mut d = Desk::new();
        let now = d.now;
        let info = d
            .store
            .publish_imported_template(&template, "the test's template", "admin", now)
            .unwrap_or_else(|e| panic!("the store refuses the test's template: {e}"));
        d.template = d
            .store
            .published_template()
            .expect("the published template reads back");
        assert_eq!(d.template.version, info.version);
        assert_eq!(
            d.template.phases, template.phases,
            "the published template's steps differ from the test's"
        );
        d
    }

    /// The number the desk's template gives the step with `key`.
    pub fn n(&self, key: &str) -> u8 {
        key.number_in(&self.template)
    }

    /// How the core's messages name the step with `key`: "step N (" with its number here.
    pub fn named(&self, key: &str) -> String {
        format!("step {} (", self.n(key))
    }

    /// Whether the step with `key` is done on `t` (by the desk template's number).
    pub fn done(&self, t: &Ticket, key: &str) -> bool {
        t.is_done(self.n(key))
    }

    /// The step with `key` in the desk's template.
    pub fn step_def(&self, key: &str) -> &Step {
        self.template
            .by_key(key)
            .unwrap_or_else(|| panic!("the desk's template has no step {key:?}"))
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

    pub fn step(
        &mut self,
        id: i64,
        step: impl StepAt,
        v: Value,
    ) -> ticketflow_core::Result<Ticket> {
        let step = step.number_in(&self.template);
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

    /// A new ticket (checked to follow the desk's template).
    pub fn new_ticket(&mut self) -> i64 {
        let now = self.now;
        let t = self.store.create_ticket(TECH, now).unwrap();
        self.pinned(t)
    }

    /// "+ New ticket" ([`Store::start_ticket`]) at `now` (checked to follow the desk's template).
    pub fn start_ticket(&mut self, now: DateTime<Utc>) -> i64 {
        let t = self.store.start_ticket(TECH, now).unwrap();
        self.pinned(t)
    }

    /// The ticket's id, after checking it follows the desk's template.
    fn pinned(&self, t: Ticket) -> i64 {
        assert_eq!(
            (t.template_key.as_str(), t.template_version),
            (self.template.key.as_str(), self.template.version),
            "the new ticket does not follow the desk's template"
        );
        t.id
    }

    /// The values a technician gives the step with `key` when nothing in particular is tested;
    /// `None` for a desk's own step that is not required (left undone, as a technician might).
    pub fn usual_values(&self, key: &str) -> Option<Value> {
        let step = self.step_def(key);
        let v = match key {
            "verify_caller" => json!({"contact": self.caller.id, "authorization": b::AUTHORIZED}),
            "scope_assets" => json!({"assets": [self.asset.id]}),
            "set_priority" => json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
            "check_noc" => json!({}),
            "open_ticket" => json!({"problem_statement": "Outlook prompts for a password"}),
            "reproduce" | "change_history" | "edr_alerts" | "runbook_search" => {
                json!({"notes": "seen it fail"})
            }
            "escalation_decision" => json!({"decision": b::RESOLVE_TIER1}),
            "tier2_handoff" => handoff_values(),
            "apply_fix" => json!({
                "notes": "cleared cached credentials",
                "infrastructure": b::NO_SHARED_INFRA
            }),
            "verify_fix" => {
                json!({"outcome": b::VERIFIED, "signature": self.signature(SignerRole::EndUser)})
            }
            "monitoring_check" => json!({"notes": "green"}),
            "document_resolution" => {
                json!({"root_cause": "stale token", "changes": "cleared cache"})
            }
            "resolution_summary" => json!({ "summary": SUMMARY }),
            "csat" => json!({"rating": 5}),
            "time_reconcile" => json!({"breach_note": "none"}),
            "runbook_update" => json!({"outcome": b::RUNBOOK_NOTHING_NEW}),
            _ if step.gate == Gate::Custom && !step.required => return None,
            _ if step.gate == Gate::Custom => custom_values(step),
            _ => panic!("no usual values for step {key:?}"),
        };
        Some(v)
    }

    /// Completes, in the template's order, every step that applies and is not done, up to
    /// `upto`: the usual values (`with` gives a step other ones), a desk's own step only when it
    /// is required, nothing for the steps in `skip`. Reconciling time first adds a time entry.
    /// A step the rules refuse fails the test, naming it.
    pub fn drive(&mut self, id: i64, upto: Upto, with: &[(&str, Value)], skip: &[&str]) {
        let (stop, through) = match upto {
            Upto::Before(k) => (k, false),
            Upto::Through(k) => (k, true),
        };
        assert!(
            self.template.by_key(stop).is_some(),
            "the desk's template has no step {stop:?} to drive to"
        );
        let order: Vec<(u8, String, Gate)> = self
            .template
            .steps()
            .map(|s| (s.number, s.key.clone(), s.gate))
            .collect();
        for (number, key, gate) in order {
            let last = key == stop;
            if last && !through {
                break;
            }
            let t = self.store.ticket(id).unwrap();
            let open = !matches!(
                step_state(&t, &self.template, number),
                StepState::Done | StepState::NotApplicable(_)
            );
            if open && !skip.contains(&key.as_str()) {
                let given = with.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
                if let Some(v) = given.or_else(|| self.usual_values(&key)) {
                    if gate == Gate::ReconcileTime {
                        self.add_time(id);
                    }
                    if let Err(e) = self.step(id, number, v) {
                        panic!("ticket {id}, step {number} ({key}) refused: {e}");
                    }
                }
            }
            if last {
                break;
            }
        }
    }

    /// Everything before opening done for the authorized caller with an asset linked (steps
    /// 1–4 of the built-in template): ready to open.
    pub fn intake(&mut self) -> i64 {
        let id = self.new_ticket();
        self.drive(id, Upto::Before("open_ticket"), &[], &[]);
        id
    }

    /// Opened and diagnosed (steps 5–9): the escalation decision is next.
    pub fn diagnosed(&mut self) -> i64 {
        let id = self.intake();
        self.drive(id, Upto::Before("escalation_decision"), &[], &[]);
        id
    }

    /// Decided (escalating or not), handed off if escalated, and the fix applied.
    pub fn fixed(&mut self, escalate: bool) -> i64 {
        let id = self.diagnosed();
        let decision = if escalate {
            b::ESCALATE
        } else {
            b::RESOLVE_TIER1
        };
        self.drive(
            id,
            Upto::Through("apply_fix"),
            &[("escalation_decision", json!({ "decision": decision }))],
            &[],
        );
        id
    }

    pub fn handoff(&mut self, id: i64) -> ticketflow_core::Result<Ticket> {
        self.step(id, "tier2_handoff", handoff_values())
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
        let close = self.n(b::CLOSE);
        let v = self.with_nonce(id, close, v, now);
        let proof = self.store.verify_pin(TECH, PIN, now)?;
        self.store.sign_off(id, vals(v), proof, now)
    }

    /// Fixed at Tier 1 and the fix verified with the end user's signature: resolved.
    pub fn verified(&mut self) -> i64 {
        let id = self.fixed(false);
        self.drive(id, Upto::Through(b::VERIFY_FIX), &[], &[]);
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

    /// Everything but the close (steps 14–20 of the built-in template done, with a time entry).
    pub fn ready_to_close(&mut self) -> i64 {
        let id = self.verified();
        self.drive(id, Upto::Before(b::CLOSE), &[], &[]);
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

/// Step 11's values: every hand-off paragraph filled.
pub fn handoff_values() -> Value {
    json!({"symptom": "s", "repro_steps": "r", "diagnostics_run": "d", "ruled_out": "o"})
}

/// Values for a desk's own step: the first option of each list, a line for each paragraph.
pub fn custom_values(step: &Step) -> Value {
    let mut v = serde_json::Map::new();
    for f in &step.fields {
        let value = match &f.kind {
            FieldKind::List { options, .. } => json!(options[0]),
            FieldKind::Paragraph { .. } => json!(format!("{} noted", f.label)),
            FieldKind::YesNo => json!(true),
            FieldKind::Number { min, max, .. } => json!(min.or(*max).unwrap_or(1.0)),
            FieldKind::Date => json!("2026-12-04"),
            other => panic!("no test value for a desk step's {other:?} field"),
        };
        v.insert(f.key.clone(), value);
    }
    Value::Object(v)
}

/// Keys of the steps the renumbered template adds (a desk's own steps, [`Gate::Custom`]).
pub mod desk_steps {
    /// Intake, first of all, optional.
    pub const CALL_CHANNEL: &str = "call_channel";
    /// Intake, after the caller is verified, required (the opening requires it).
    pub const SITE_ACCESS: &str = "site_access";
    /// Diagnosis, required: the escalation decision requires it.
    pub const CUSTOMER_IMPACT: &str = "customer_impact";
    /// Diagnosis, optional.
    pub const VENDOR_CASE: &str = "vendor_case";
    /// Resolution, before the fix, required (the verification requires it).
    pub const BACKUP_TAKEN: &str = "backup_taken";
    /// Resolution, between the fix and its verification, optional.
    pub const MAINTENANCE_NOTE: &str = "maintenance_note";
    /// Closure, required.
    pub const ASSET_TAG_CHECK: &str = "asset_tag_check";
    /// Closure, optional.
    pub const FOLLOW_UP_OFFER: &str = "follow_up_offer";
}

fn desk_step(key: &str, title: &str, required: bool, requires: &[&str], field: Field) -> Step {
    Step {
        number: 0,
        key: key.into(),
        title: title.into(),
        guidance: format!("{title}, as this desk does it."),
        fields: vec![field],
        condition: Condition::Always,
        gate: Gate::Custom,
        requires: requires.iter().map(|k| k.to_string()).collect(),
        resets: Vec::new(),
        required,
        tools: Vec::new(),
    }
}

fn desk_list(key: &str, options: &[&str]) -> Field {
    Field {
        key: key.into(),
        label: "Choice".into(),
        kind: FieldKind::List {
            options: options.iter().map(|o| o.to_string()).collect(),
            multiple: false,
        },
        required: true,
    }
}

fn desk_paragraph(key: &str) -> Field {
    Field {
        key: key.into(),
        label: "Notes".into(),
        kind: FieldKind::Paragraph {
            max_chars: b::PARAGRAPH_MAX,
        },
        required: true,
    }
}

/// The built-in template as a desk might edit it: steps reordered within their phase where
/// their prerequisites allow, a desk's own steps (required or not) between the protected ones
/// in every phase, and everything renumbered. Every protected step ends up with another number
/// than the built-in one.
pub fn renumbered_template() -> Template {
    use desk_steps::*;
    let mut t = b::msp_support_ticket();
    let mut take = |key: &str| -> Step {
        let p = t
            .phases
            .iter_mut()
            .find(|p| p.steps.iter().any(|s| s.key == key))
            .expect("a built-in step");
        let i = p.steps.iter().position(|s| s.key == key).unwrap();
        p.steps.remove(i)
    };
    // A required step worked on only before a step that moves the ticket on (the opening, the
    // verification) must be among that step's prerequisites: publishing refuses the template
    // otherwise, since a ticket could then never close.
    let mut open = take("open_ticket");
    open.requires.push(SITE_ACCESS.into());
    let intake = vec![
        desk_step(
            CALL_CHANNEL,
            "Note how the call came in",
            false,
            &[],
            desk_list("channel", &["Phone", "Email", "Portal"]),
        ),
        take("verify_caller"),
        desk_step(
            SITE_ACCESS,
            "Ask how we may reach the site",
            true,
            &["verify_caller"],
            desk_list("access", &["On site", "Remote only"]),
        ),
        take("check_noc"),
        take("set_priority"),
        take("scope_assets"),
        open,
    ];
    let mut decision = take("escalation_decision");
    decision.requires.push(CUSTOMER_IMPACT.into());
    let diagnosis = vec![
        take("runbook_search"),
        desk_step(
            CUSTOMER_IMPACT,
            "Record the business impact in the client's words",
            true,
            &[],
            desk_paragraph("impact_notes"),
        ),
        take("reproduce"),
        take("edr_alerts"),
        take("change_history"),
        desk_step(
            VENDOR_CASE,
            "Open a vendor case if one is needed",
            false,
            &[],
            desk_list("case", &["Opened", "Not needed"]),
        ),
        decision,
    ];
    let mut verify = take(b::VERIFY_FIX);
    verify.requires.push(BACKUP_TAKEN.into());
    let resolution = vec![
        take("tier2_handoff"),
        desk_step(
            BACKUP_TAKEN,
            "Confirm a backup before changing anything",
            true,
            &[],
            desk_list("backup", &["Backup verified", "No data at risk"]),
        ),
        take("apply_fix"),
        desk_step(
            MAINTENANCE_NOTE,
            "Note the maintenance window used",
            false,
            &[],
            desk_paragraph("window"),
        ),
        verify,
        take("document_resolution"),
        take("monitoring_check"),
    ];
    let closure = vec![
        take("reopen_reassign"),
        take(b::CSAT),
        desk_step(
            ASSET_TAG_CHECK,
            "Check the asset tag is on the device",
            true,
            &[],
            desk_list("tag", &["Labelled", "Not applicable"]),
        ),
        take(b::SUMMARY),
        take("runbook_update"),
        desk_step(
            FOLLOW_UP_OFFER,
            "Offer a follow-up call",
            false,
            &[],
            desk_paragraph("offer"),
        ),
        take("time_reconcile"),
        take(b::CLOSE),
    ];
    assert!(
        t.steps().next().is_none(),
        "every built-in step is placed again"
    );
    for (phase, steps) in t
        .phases
        .iter_mut()
        .zip([intake, diagnosis, resolution, closure])
    {
        phase.steps = steps;
    }
    t.name = "MSP support ticket (this desk's edit)".into();
    t.renumber();
    t
}
