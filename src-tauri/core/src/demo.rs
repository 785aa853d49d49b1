//! A deterministic, realistic demo data set: the same seed always gives the same desk.
//!
//! Tickets are driven through the real workflow commands (not inserted as rows), so every demo
//! ticket obeys the rules and carries a genuine audit chain.
//!
//! The desk hangs together: each problem happens on the kind of asset it names (a paper jam on a
//! printer, a full disk on a server), its impact and urgency give the priority the matrix would,
//! and live tickets are dated back from `now` so their SLA clocks look like a working desk's:
//! most on time, a few at risk, a couple breached.

use crate::directory::{NewAsset, NewCompany, NewContact, TechTier, Tier};
use crate::error::Result;
use crate::signature::Signature;
use crate::sla::{policy_for, Calendar};
use crate::store::{NewRunbookEntry, NewTimeEntry, Store};
use crate::template::{builtin as b, SignerRole};
use crate::ticket::Values;
use crate::workflow::{sign_off_statement, Lookup};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

/// Demo time is anchored, not read from the clock, so a seed always gives the same data.
pub fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 27, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Every demo technician's PIN (hashed cheaply, see [`Store::set_demo_pin`]).
pub const DEMO_PIN: &str = "246810";

const COMPANIES: &[&str] = &[
    "Northwind Dental",
    "Contoso Legal",
    "Fabrikam Logistics",
    "Alpine Ski Rentals",
    "Blue Yonder Clinics",
    "Coho Winery",
    "Litware Accounting",
    "Tailspin Freight",
    "Wide World Importers",
    "Adventure Works Cycles",
    "Proseware Architects",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
    "Woodgrove Credit Union",
    "Humongous Insurance",
    "Graphic Design Institute",
    "Fourth Coffee",
    "Relecloud Media",
    "Southridge Video",
];
const FIRST: &[&str] = &[
    "Dana",
    "Marcus",
    "Priya",
    "Zoë",
    "Łukasz",
    "Σοφία",
    "Дмитрий",
    "Aisha",
    "Kenji",
    "Olivia",
    "Mateo",
    "Ingrid",
    "Tomás",
    "Chloé",
    "Nikolai",
    "Fatima",
    "Liam",
    "Mei",
    "Jonas",
    "Amara",
];
const LAST: &[&str] = &[
    "Reyes",
    "Okafor",
    "Ødegård",
    "Nowak",
    "Papadopoulou",
    "Иванов",
    "Tanaka",
    "Schmidt",
    "Haddad",
    "Walsh",
    "García",
    "Lindqvist",
    "Moreau",
    "Kowalski",
    "Singh",
    "Brennan",
    "Costa",
    "Novak",
    "Ahmed",
    "Fischer",
];
const TECHS: &[(&str, TechTier)] = &[
    ("Alex Morgan", TechTier::Tier1),
    ("Jamie Chen", TechTier::Tier1),
    ("Sam Rivera", TechTier::Tier1),
    ("Robin Patel", TechTier::Tier1),
    ("Chris Novak", TechTier::Tier1),
    ("Taylor Brooks", TechTier::Tier1),
    ("Jordan Ellis", TechTier::Tier2),
    ("Morgan Ayodele", TechTier::Tier2),
];
/// A problem a demo ticket can have: the asset kind it happens on, how far it reaches and how
/// soon it stops work (the matrix makes those the priority), how often it is called in relative
/// to the kind's other problems, and what fixed it.
pub struct Problem {
    pub kind: &'static str,
    pub text: &'static str,
    pub impact: &'static str,
    pub urgency: &'static str,
    weight: u32,
    fix: &'static str,
    cause: &'static str,
}

const fn problem(
    kind: &'static str,
    text: &'static str,
    (impact, urgency): (&'static str, &'static str),
    weight: u32,
    fix: &'static str,
    cause: &'static str,
) -> Problem {
    Problem {
        kind,
        text,
        impact,
        urgency,
        weight,
        fix,
        cause,
    }
}

/// Asset kinds with how many of a client's assets are of each (out of 100).
const ASSET_KINDS: &[(&str, u32)] = &[
    ("laptop", 40),
    ("desktop", 25),
    ("printer", 15),
    ("server", 10),
    ("firewall", 10),
];

/// Every demo problem. Outages that stop a whole client (P1) are rare, as on a real desk.
pub const PROBLEMS: &[Problem] = &[
    problem(
        "laptop",
        "Outlook keeps prompting for password after the weekend patch",
        ("user", "degraded"),
        6,
        "Cleared the cached credentials and re-registered the device.",
        "The patch reset the modern-authentication setting.",
    ),
    problem(
        "laptop",
        "VPN connects but no internal sites resolve",
        ("user", "blocked"),
        4,
        "Restored the VPN adapter's DNS suffix and flushed the resolver cache.",
        "A VPN client update dropped the DNS suffix.",
    ),
    problem(
        "laptop",
        "Laptop fan loud and CPU at 100% after a driver update",
        ("user", "degraded"),
        3,
        "Rolled back the graphics driver and paused that update.",
        "A faulty driver release.",
    ),
    problem(
        "laptop",
        "BitLocker asks for the recovery key at every start",
        ("user", "blocked"),
        2,
        "Suspended and resumed BitLocker so it trusts the new firmware.",
        "A BIOS update changed the TPM measurements.",
    ),
    problem(
        "laptop",
        "MFA prompts not arriving on the user's new phone",
        ("user", "blocked"),
        3,
        "Registered the authenticator app on the new phone.",
        "The old phone was still the default sign-in method.",
    ),
    problem(
        "laptop",
        "Docking station screens stay black",
        ("user", "degraded"),
        2,
        "Updated the dock firmware and replaced the USB-C cable.",
        "Outdated dock firmware.",
    ),
    problem(
        "desktop",
        "Cannot map the S: drive since the GPO update",
        ("user", "blocked"),
        4,
        "Fixed the drive mapping's group filter and refreshed the policy.",
        "The policy change targeted the wrong group.",
    ),
    problem(
        "desktop",
        "Line-of-business app crashes on launch; Defender quarantined a DLL",
        ("department", "blocked"),
        2,
        "Restored the DLL and added an exclusion for the signed vendor file.",
        "A false positive in an antivirus signature update.",
    ),
    problem(
        "desktop",
        "Shared mailbox not appearing in Outlook",
        ("user", "degraded"),
        3,
        "Granted the mailbox permission again with automapping.",
        "The permission was removed in a group cleanup.",
    ),
    problem(
        "desktop",
        "New starter needs Teams and SharePoint access",
        ("user", "request"),
        3,
        "Assigned the licence and added the department's groups.",
        "A new starter; nothing was broken.",
    ),
    problem(
        "desktop",
        "QuickBooks company file locked by another user",
        ("department", "degraded"),
        2,
        "Closed the stale session on the file server.",
        "A session left open overnight.",
    ),
    problem(
        "printer",
        "Paper jam in tray 2; the printer stops every few pages",
        ("department", "degraded"),
        4,
        "Removed a torn sheet behind tray 2 and replaced the pickup roller.",
        "A worn pickup roller.",
    ),
    problem(
        "printer",
        "Printer on floor 2 shows offline for the whole department",
        ("department", "blocked"),
        3,
        "Gave the printer a fixed address and re-added its port.",
        "The printer's address changed when its lease expired.",
    ),
    problem(
        "printer",
        "Toner low warning although a new cartridge is in",
        ("user", "request"),
        2,
        "Reseated the cartridge and reset the toner counter.",
        "The cartridge's chip was not read.",
    ),
    problem(
        "printer",
        "Scans to email no longer arrive",
        ("department", "degraded"),
        2,
        "Updated the mail relay password on the printer.",
        "The relay account's password expired.",
    ),
    problem(
        "server",
        "File server disk almost full; shares are slow",
        ("organization", "degraded"),
        2,
        "Moved old archives to cold storage and extended the volume.",
        "Archives grew without a quota.",
    ),
    problem(
        "server",
        "Nightly backup failed two nights running",
        ("department", "degraded"),
        2,
        "Restarted the stuck snapshot service and ran the backup by hand.",
        "The snapshot service hung after an update.",
    ),
    problem(
        "server",
        "Accounting database stopped; nobody can sign in to the app",
        ("organization", "blocked"),
        1,
        "Restarted the database service and raised its memory limit.",
        "The database service ran out of memory.",
    ),
    problem(
        "server",
        "Remote desktop certificate expires in ten days",
        ("organization", "request"),
        1,
        "Renewed the certificate and bound it to the gateway.",
        "The renewal was not automated.",
    ),
    problem(
        "firewall",
        "Site-wide internet outage at the branch office",
        ("organization", "blocked"),
        1,
        "Failed over to the backup line; the provider repaired the fibre.",
        "The provider's fibre was cut.",
    ),
    problem(
        "firewall",
        "Wi-Fi drops every few minutes in the conference room",
        ("department", "degraded"),
        3,
        "Moved the access point to a clear channel and updated its firmware.",
        "Interference from a neighbour's network.",
    ),
    problem(
        "firewall",
        "Site-to-site VPN to the warehouse keeps dropping",
        ("department", "degraded"),
        2,
        "Matched the tunnel lifetimes on both ends.",
        "Mismatched tunnel lifetimes after a firmware update.",
    ),
    problem(
        "firewall",
        "Open port 443 to the new camera recorder",
        ("department", "request"),
        1,
        "Added a rule for the recorder, limited to the vendor's addresses.",
        "A new device; nothing was broken.",
    ),
    problem(
        "firewall",
        "Internet slow for the whole office since this morning",
        ("organization", "degraded"),
        2,
        "Throttled a cloud backup that filled the line.",
        "A backup job without a bandwidth limit.",
    ),
];
const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "America/Chicago",
    "Australia/Sydney",
];

pub struct DemoSummary {
    pub companies: usize,
    pub contacts: usize,
    pub assets: usize,
    pub tickets: usize,
    pub closed: usize,
}

struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    /// One of `items`, each as likely as its weight.
    fn weighted<'a, T>(&mut self, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
        let total: u32 = items.iter().map(&weight).sum();
        let mut x = self.rng.random_range(0..total.max(1));
        for item in items {
            let w = weight(item);
            if x < w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1]
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(self.rng.random_range(lo..=hi))
    }
}

fn vals(pairs: &[(&str, Value)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn calendar(i: usize, tier: Tier) -> Calendar {
    if tier == Tier::Platinum {
        return Calendar::AlwaysOn;
    }
    let day = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
    Calendar::business(
        ZONES[i % ZONES.len()],
        &[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ],
        day(8, 0),
        day(17, 30),
        &[(2026, 1, 1), (2026, 12, 25), (2026, 12, 26)]
            .iter()
            .filter_map(|(y, m, d)| NaiveDate::from_ymd_opt(*y, *m, *d))
            .collect::<Vec<_>>(),
    )
    .unwrap_or(Calendar::AlwaysOn)
}

/// How far through the workflow a demo ticket gets.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Stage {
    Intake,
    Diagnosis,
    Escalated,
    Waiting,
    Resolved,
    Closed,
}

/// How much of its resolution target the `n`th live ticket's clock has used by `now`. A desk
/// that works keeps most tickets on time; one in eight is at risk (75% used) and one in sixteen
/// breached, counted rather than drawn so that even a 30-ticket desk shows one of each. A ticket
/// waiting on its customer stopped its clock well before the target.
fn clock_share(g: &mut Gen, stage: Stage, n: usize) -> f64 {
    if stage == Stage::Waiting {
        return g.rng.random_range(0.05..0.6);
    }
    if n % 16 == 5 {
        g.rng.random_range(1.05..1.6)
    } else if n % 8 == 2 {
        g.rng.random_range(0.8..0.96)
    } else {
        g.rng.random_range(0.03..0.65)
    }
}

/// The latest instant (to the minute) from which `work` working time of `calendar` has passed
/// by `to`: "opened this long ago in the client's hours", whatever the weekday or hour of `to`.
fn working_back(calendar: &Calendar, to: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
    if work <= Duration::zero() {
        return to;
    }
    let hours = calendar.prepare();
    let mut span = work;
    let mut early = to - span;
    while hours.working_time(early, to) < work {
        if span > Duration::days(366) {
            return early;
        }
        span = span * 2;
        early = to - span;
    }
    let mut late = to;
    while late - early > Duration::minutes(1) {
        let mid = early + (late - early) / 2;
        if hours.working_time(mid, to) >= work {
            early = mid;
        } else {
            late = mid;
        }
    }
    early
}

pub fn generate(
    store: &mut Store,
    tickets: usize,
    seed: u64,
    progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    generate_at(store, tickets, seed, anchor(), progress)
}

/// As [`generate`], with the data set's "now" at `now` (the real time, for a desk opened today):
/// live tickets are dated back from it so their SLA clocks stand as a working desk's would,
/// finished ones spread over the year before it. The same seed and `now` give the same desk.
pub fn generate_at(
    store: &mut Store,
    tickets: usize,
    seed: u64,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    let anchor = now;
    let setup = anchor - Duration::days(400);
    let sys = "demo-data";
    store.set_bulk_load(true)?;
    let n_companies = (tickets / 500).clamp(5, COMPANIES.len() * 10);
    let mut companies = Vec::new();
    let (mut n_contacts, mut n_assets) = (0, 0);
    for t in TECHS {
        store.add_demo_technician(t.0, t.1, sys, setup)?;
        store.set_demo_pin(t.0, DEMO_PIN, setup)?;
    }
    if store.current_technician()?.is_none() {
        store.set_current_technician(TECHS[0].0, setup)?;
    }
    let incident = store.add_incident(
        "Microsoft 365 Exchange Online degradation",
        "Microsoft service health",
        anchor - Duration::days(2),
        sys,
        setup,
    )?;
    for i in 0..n_companies {
        let tier = *g.pick(Tier::ALL);
        let base = COMPANIES[i % COMPANIES.len()];
        let name = if i < COMPANIES.len() {
            base.to_string()
        } else {
            format!("{base} {}", i / COMPANIES.len() + 1)
        };
        let company = store.add_company(
            &NewCompany {
                name: name.clone(),
                tier,
                calendar: calendar(i, tier),
            },
            sys,
            setup,
        )?;
        let domain: String = name
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut contacts = Vec::new();
        for c in 0..g.rng.random_range(8..20) {
            let (first, last) = (*g.pick(FIRST), *g.pick(LAST));
            let terminated = g.chance(0.06);
            let contact = store.add_contact(
                &NewContact {
                    company_id: company.id,
                    name: format!("{first} {last}"),
                    email: Some(format!("user{c}@{domain}.example")),
                    phone: Some(format!("+1 555 {:04}", g.rng.random_range(0..10_000))),
                    upn: Some(format!("user{c}@{domain}.example")),
                    authorized: !g.chance(0.04),
                    terminated_on: terminated.then(|| {
                        (anchor - Duration::days(g.rng.random_range(30..300))).date_naive()
                    }),
                },
                sys,
                setup,
            )?;
            contacts.push(contact);
        }
        let mut assets = Vec::new();
        for a in 0..g.rng.random_range(10..30) {
            let kind = g.weighted(ASSET_KINDS, |k| k.1).0;
            // Computers are someone's; printers, servers and firewalls are the office's.
            let personal = kind == "laptop" || kind == "desktop";
            assets.push(store.add_asset(
                &NewAsset {
                    company_id: company.id,
                    hostname:
                        format!("{}-{kind}-{a:03}", &domain[..domain.len().min(6)]).to_uppercase(),
                    kind: kind.into(),
                    serial: Some(format!("SN{:08}", g.rng.random_range(0..100_000_000u32))),
                    assigned_upn: if personal {
                        contacts
                            .get(a % contacts.len().max(1))
                            .and_then(|c| c.upn.clone())
                    } else {
                        None
                    },
                    rmm_id: Some(format!("rmm-{}-{a}", company.id)),
                    rmm_url: None,
                },
                sys,
                setup,
            )?);
        }
        let runbook = store.add_runbook_entry(
            &NewRunbookEntry {
                company_id: company.id,
                title: format!("{name}: VPN and conditional access exceptions"),
                body: "Split tunnel for the accounting app; MFA exemption for the warehouse kiosk; printers on VLAN 30.".into(),
            },
            sys,
            setup,
        )?;
        n_contacts += contacts.len();
        n_assets += assets.len();
        companies.push((company, contacts, assets, runbook.id));
    }
    let policies = store.lookup().sla_policies()?;
    let matrix = store.lookup().priority_matrix()?;
    let (mut closed, mut running) = (0, 0);
    for i in 0..tickets {
        let (company, contacts, assets, runbook) =
            &companies[g.rng.random_range(0..companies.len())];
        let stage = match g.rng.random_range(0..100) {
            0..=7 => Stage::Intake,
            8..=27 => Stage::Diagnosis,
            28..=35 => Stage::Escalated,
            36..=40 => Stage::Waiting,
            41..=49 => Stage::Resolved,
            _ => Stage::Closed,
        };
        let tech = g.pick(&TECHS[..6]).0;
        let authorized: Vec<_> = contacts
            .iter()
            .filter(|c| c.refusal(anchor.date_naive()).is_none())
            .collect();
        let caller = if authorized.is_empty() || g.chance(0.03) {
            g.pick(contacts)
        } else {
            *g.pick(&authorized)
        };
        // Most calls are about the caller's own computer, the rest about the office's kit.
        let own: Vec<_> = assets
            .iter()
            .filter(|a| a.assigned_upn.is_some() && a.assigned_upn == caller.upn)
            .collect();
        let asset = if !own.is_empty() && g.chance(0.6) {
            *g.pick(&own)
        } else {
            g.pick(assets)
        };
        let fitting: Vec<&Problem> = PROBLEMS.iter().filter(|p| p.kind == asset.kind).collect();
        let problem = if fitting.is_empty() {
            &PROBLEMS[0]
        } else {
            *g.weighted(&fitting, |p| p.weight)
        };
        let p = matrix.priority(problem.impact.parse()?, problem.urgency.parse()?);
        // When step 5 opens the ticket (and its SLA clocks start).
        let opened = match stage {
            Stage::Closed => anchor - g.minutes(3 * 1440, 365 * 1440),
            Stage::Resolved => anchor - g.minutes(1440, 5 * 1440),
            // Intake under way: the call is being taken now.
            Stage::Intake => anchor - g.minutes(1, 30),
            Stage::Diagnosis | Stage::Escalated | Stage::Waiting => {
                let target = policy_for(&policies, company.tier, p)
                    .map(|policy| policy.resolution())
                    .unwrap_or_else(|| Duration::hours(8));
                let share = clock_share(&mut g, stage, running);
                running += usize::from(stage != Stage::Waiting);
                let used = Duration::seconds((target.num_seconds() as f64 * share) as i64);
                working_back(&company.calendar, anchor, used)
            }
        };
        // Steps 1-5 take a few minutes each; later steps fit in the time since opening.
        let intake: Vec<Duration> = (0..5).map(|_| g.minutes(1, 6)).collect();
        let start = opened - intake.iter().fold(Duration::zero(), |a, b| a + *b);
        let room = ((anchor - opened) / 12).max(Duration::minutes(1));
        let mut at = start;
        let t = store.create_ticket(tech, at)?;
        store.assign(t.id, Some(tech), tech, at)?;
        let id = t.id;
        let step = |store: &mut Store,
                    g: &mut Gen,
                    at: &mut DateTime<Utc>,
                    n: u8,
                    v: Values|
         -> Result<()> {
            *at += match n {
                1..=5 => intake[usize::from(n) - 1],
                // The first response comes quickly, so it meets even a 15-minute target.
                6 => g.minutes(1, 10).min(room),
                _ => g.minutes(1, 25).min(room),
            };
            store
                .complete_step(id, n, v, tech, (*at).min(anchor))
                .map(drop)
        };
        let override_needed = caller.refusal(start.date_naive()).is_some();
        let mut v1 = vec![
            ("contact", json!(caller.id)),
            (
                "authorization",
                json!(if override_needed {
                    b::OVERRIDE
                } else {
                    b::AUTHORIZED
                }),
            ),
        ];
        if override_needed {
            v1.push((
                "override_reason",
                json!("Manager confirmed by phone; ticket limited to password reset"),
            ));
        }
        step(store, &mut g, &mut at, 1, vals(&v1))?;
        step(
            store,
            &mut g,
            &mut at,
            2,
            vals(&[("assets", json!([asset.id]))]),
        )?;
        step(
            store,
            &mut g,
            &mut at,
            3,
            vals(&[
                ("impact", json!(problem.impact)),
                ("urgency", json!(problem.urgency)),
                ("priority", json!(p)),
            ]),
        )?;
        let linked = problem.text.contains("Outlook") && g.chance(0.2);
        step(
            store,
            &mut g,
            &mut at,
            4,
            vals(&[(
                "parent_incident",
                if linked {
                    json!(incident.id)
                } else {
                    Value::Null
                },
            )]),
        )?;
        if stage == Stage::Intake {
            progress(i + 1, tickets);
            continue;
        }
        step(
            store,
            &mut g,
            &mut at,
            5,
            vals(&[("problem_statement", json!(problem.text))]),
        )?;
        let first_name = caller
            .name
            .split_whitespace()
            .next()
            .unwrap_or("the caller");
        let notes = [
            format!("Spoke with {first_name}; confirmed the problem and when it started."),
            format!(
                "Checked {} in the RMM: alerts, recent changes, patch history.",
                asset.hostname
            ),
            "Reproduced it; screenshots are in the PSA.".to_string(),
        ];
        for (n, note) in (6..=8).zip(notes) {
            step(store, &mut g, &mut at, n, vals(&[("notes", json!(note))]))?;
        }
        step(
            store,
            &mut g,
            &mut at,
            9,
            vals(&[
                (
                    "notes",
                    json!("Checked the client's runbook for known exceptions."),
                ),
                ("runbooks", json!([runbook])),
            ]),
        )?;
        if stage == Stage::Diagnosis {
            progress(i + 1, tickets);
            continue;
        }
        let escalate = stage == Stage::Escalated || g.chance(0.2);
        step(
            store,
            &mut g,
            &mut at,
            10,
            vals(&[(
                "decision",
                json!(if escalate {
                    b::ESCALATE
                } else {
                    b::RESOLVE_TIER1
                }),
            )]),
        )?;
        if escalate {
            step(
                store,
                &mut g,
                &mut at,
                11,
                vals(&[
                    ("symptom", json!(problem.text)),
                    (
                        "repro_steps",
                        json!(format!("On {}: {}.", asset.hostname, problem.text)),
                    ),
                    (
                        "diagnostics_run",
                        json!("Event logs, RMM patch history, recent changes."),
                    ),
                    (
                        "ruled_out",
                        json!("Cabling, licensing, the user's profile."),
                    ),
                ]),
            )?;
        }
        if stage == Stage::Escalated {
            progress(i + 1, tickets);
            continue;
        }
        if stage == Stage::Waiting {
            at += g.minutes(5, 60).min(room);
            let when = at.min(anchor);
            let wait = crate::workflow::WaitRequest {
                reason: "Waiting for the user to try again after a restart".into(),
                follow_up_on: Some(when.date_naive() + Duration::days(2)),
            };
            store.wait_on_customer(id, &wait, tech, when)?;
            progress(i + 1, tickets);
            continue;
        }
        step(
            store,
            &mut g,
            &mut at,
            12,
            vals(&[
                ("notes", json!(problem.fix)),
                ("infrastructure", json!(b::NO_SHARED_INFRA)),
            ]),
        )?;
        // Each signature has its own nonce, issued as its pad would be, and its own ink.
        let signed = |store: &mut Store,
                      step: u8,
                      name: &str,
                      role,
                      meaning: &str,
                      content: &str,
                      at: DateTime<Utc>,
                      seed|
         -> Result<serde_json::Value> {
            let nonce = store.issue_demo_signing_nonce(id, step, role, content, at.min(anchor))?;
            let mut sig =
                Signature::synthetic(name, role, meaning, content, at.fixed_offset(), seed);
            sig.nonce = nonce.nonce;
            Ok(serde_json::to_value(sig).unwrap_or_default())
        };
        if g.chance(0.1) {
            step(
                store,
                &mut g,
                &mut at,
                13,
                vals(&[("outcome", json!(b::STILL_FAILING))]),
            )?;
            step(
                store,
                &mut g,
                &mut at,
                17,
                vals(&[
                    ("what_failed", json!("It came back after a restart.")),
                    ("route", json!(b::ROUTE_DIAGNOSIS)),
                ]),
            )?;
            step(
                store,
                &mut g,
                &mut at,
                10,
                vals(&[("decision", json!(b::RESOLVE_TIER1))]),
            )?;
            step(
                store,
                &mut g,
                &mut at,
                12,
                vals(&[
                    (
                        "notes",
                        json!(format!("Second attempt, with the vendor: {}", problem.fix)),
                    ),
                    ("infrastructure", json!(b::NO_SHARED_INFRA)),
                ]),
            )?;
        }
        let summary = format!("{} We checked it with you.", problem.fix);
        let sig = signed(
            store,
            13,
            &caller.name,
            SignerRole::EndUser,
            "fix verified",
            &summary,
            at,
            2 * i as u64,
        )?;
        step(
            store,
            &mut g,
            &mut at,
            13,
            vals(&[("outcome", json!(b::VERIFIED)), ("signature", sig)]),
        )?;
        if stage == Stage::Resolved {
            progress(i + 1, tickets);
            continue;
        }
        step(
            store,
            &mut g,
            &mut at,
            14,
            vals(&[("notes", json!("No new alerts in monitoring."))]),
        )?;
        step(
            store,
            &mut g,
            &mut at,
            15,
            vals(&[
                ("root_cause", json!(problem.cause)),
                ("changes", json!(problem.fix)),
            ]),
        )?;
        step(
            store,
            &mut g,
            &mut at,
            16,
            vals(&[("summary", json!(summary))]),
        )?;
        let rating = if g.chance(0.3) {
            json!("sent")
        } else {
            json!(g.rng.random_range(3..=5))
        };
        step(store, &mut g, &mut at, 18, vals(&[("rating", rating)]))?;
        store.add_time_entry(
            id,
            &NewTimeEntry {
                technician: tech.into(),
                started_at: start,
                minutes: g.rng.random_range(10..120),
                billable: g.chance(0.8),
                work_type: "Remote support".into(),
                note: String::new(),
            },
            tech,
            at,
        )?;
        let breach_note = json!("Flagged to the service coordinator.");
        step(
            store,
            &mut g,
            &mut at,
            19,
            vals(&[("breach_note", breach_note)]),
        )?;
        step(
            store,
            &mut g,
            &mut at,
            20,
            vals(&[("outcome", json!(b::RUNBOOK_NOTHING_NEW))]),
        )?;
        let code = *g.pick(b::RESOLUTION_CODES);
        let notes = "No follow-on work.";
        at += g.minutes(1, 25);
        let sig = signed(
            store,
            21,
            tech,
            SignerRole::Technician,
            "closure sign-off",
            &sign_off_statement(&t.number, code, notes),
            at,
            2 * i as u64 + 1,
        )?;
        let proof = store.verify_pin(tech, DEMO_PIN, at.min(anchor))?;
        store.sign_off(
            id,
            vals(&[
                ("resolution_code", json!(code)),
                ("closure_notes", json!(notes)),
                ("signature", sig),
            ]),
            proof,
            at.min(anchor),
        )?;
        closed += 1;
        progress(i + 1, tickets);
    }
    store.set_bulk_load(false)?;
    Ok(DemoSummary {
        companies: companies.len(),
        contacts: n_contacts,
        assets: n_assets,
        tickets,
        closed,
    })
}

// ---------------------------------------------------------------------------------------------
// Searchable documents at scale (`demo-data --documents N`): runbook entries written in bulk,
// with a vocabulary whose word frequencies follow Zipf's law, so a data set holds very common
// words (in most documents), medium ones (about 1%) and rare ones (a handful of documents).

/// The most frequent words of the document vocabulary, most frequent first.
const DOC_WORDS: &[&str] = &[
    "user",
    "server",
    "network",
    "update",
    "printer",
    "password",
    "account",
    "email",
    "access",
    "error",
    "outlook",
    "vpn",
    "driver",
    "windows",
    "backup",
    "firewall",
    "license",
    "mailbox",
    "restart",
    "policy",
    "laptop",
    "desktop",
    "share",
    "drive",
    "certificate",
    "domain",
    "switch",
    "router",
    "wireless",
    "profile",
    "teams",
    "sharepoint",
    "onedrive",
    "exchange",
    "azure",
    "intune",
    "defender",
    "patch",
    "reboot",
    "install",
    "configure",
    "remote",
    "session",
    "monitor",
    "alert",
    "ticket",
    "client",
    "office",
    "calendar",
    "group",
    "permission",
    "folder",
    "sync",
    "token",
    "authentication",
    "login",
    "timeout",
    "latency",
    "bandwidth",
    "dns",
    "dhcp",
    "gateway",
    "subnet",
    "vlan",
    "port",
    "cable",
    "dock",
    "display",
    "keyboard",
    "scanner",
    "toner",
    "queue",
    "spooler",
    "service",
    "process",
    "memory",
    "disk",
    "storage",
    "volume",
    "snapshot",
    "replica",
    "database",
    "application",
    "browser",
    "chrome",
    "edge",
    "plugin",
    "macro",
    "spreadsheet",
    "invoice",
    "payroll",
    "accounting",
    "warehouse",
    "kiosk",
    "badge",
    "camera",
    "phone",
    "voicemail",
    "headset",
    "meeting",
    "conference",
    "projector",
    "tablet",
    "encryption",
    "bitlocker",
    "recovery",
    "key",
    "escalation",
    "vendor",
    "warranty",
    "firmware",
    "bios",
    "battery",
    "charger",
    "adapter",
    "proxy",
    "filter",
    "quarantine",
    "malware",
    "phishing",
    "spam",
    "rule",
    "forwarding",
    "signature",
    "template",
    "archive",
    "retention",
    "migration",
    "tenant",
    "conditional",
    "exception",
    "kerberos",
    "ldap",
    "directory",
    "sso",
];
/// Syllables of the generated words that follow the real ones in the vocabulary.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "sa", "tor", "vel", "qu", "dan", "bri", "cor", "fen", "gal", "hu",
    "jin", "mor", "nex", "pal", "ris", "zu",
];
/// Number of distinct rare reference words (`kb000000` …): about five documents each per million.
pub const DOC_RARE_REFS: u32 = 200_000;
/// Documents written per transaction.
const DOC_BATCH: usize = 10_000;

/// The document vocabulary, most frequent first (index = Zipf rank - 1): the real words, then
/// every three-syllable word. The same for every seed.
pub fn document_vocabulary() -> Vec<String> {
    let mut words: Vec<String> = DOC_WORDS.iter().map(|w| w.to_string()).collect();
    for a in SYLLABLES {
        for b in SYLLABLES {
            for c in SYLLABLES {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

/// The rare reference word number `n` (as written in a document; `kb` then six digits).
pub fn document_rare_ref(n: u32) -> String {
    format!("kb{:06}", n % DOC_RARE_REFS)
}

/// Draws vocabulary ranks with probability proportional to 1/rank.
struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    fn new(n: usize) -> Zipf {
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|r| {
                total += 1.0 / r as f64;
                total
            })
            .collect();
        Zipf { cumulative }
    }
    fn draw(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|c| *c < x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

fn capitalized(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Adds `count` runbook entries spread over the demo companies and the past three years (oldest
/// first), deterministic for `seed`, in bulk-load mode. Progress is reported as (done, count).
/// Returns the number written. The store must hold at least one company (run [`generate`] first).
pub fn generate_documents(
    store: &mut Store,
    count: usize,
    seed: u64,
    anchor: DateTime<Utc>,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    let companies: Vec<i64> = store.companies()?.iter().map(|c| c.id).collect();
    if companies.is_empty() {
        return Err(crate::error::Error::invalid(
            "documents",
            "the desk has no companies to own the documents",
        ));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x646f_6373);
    let words = document_vocabulary();
    let zipf = Zipf::new(words.len());
    let start = anchor - Duration::days(3 * 365);
    let span = (anchor - start).num_seconds().max(1);
    store.set_bulk_load(true)?;
    let mut done = 0;
    while done < count {
        let n = DOC_BATCH.min(count - done);
        let mut batch = Vec::with_capacity(n);
        for _ in 0..n {
            let mut title: Vec<String> = (0..rng.random_range(4..=8))
                .map(|_| words[zipf.draw(&mut rng)].clone())
                .collect();
            title[0] = capitalized(&title[0]);
            let mut body = String::new();
            for _ in 0..rng.random_range(3..=6) {
                let sentence: Vec<&str> = (0..rng.random_range(6..=12))
                    .map(|_| words[zipf.draw(&mut rng)].as_str())
                    .collect();
                body.push_str(&capitalized(&sentence.join(" ")));
                body.push_str(". ");
            }
            body.push_str(&format!(
                "See {}.",
                document_rare_ref(rng.random_range(0..DOC_RARE_REFS)).to_uppercase()
            ));
            batch.push(NewRunbookEntry {
                company_id: companies[rng.random_range(0..companies.len())],
                title: title.join(" "),
                body,
            });
        }
        let at = start + Duration::seconds(span * (done + n) as i64 / count as i64);
        store.import_runbook_entries(&batch, "demo-data", at)?;
        done += n;
        progress(done, count);
    }
    store.optimize_search_index()?;
    store.set_bulk_load(false)?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::SlaState;
    use crate::store::{QueueQuery, QueueRow};
    use crate::ticket::TicketStatus;

    fn desk(tickets: usize, seed: u64, now: DateTime<Utc>) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        generate_at(&mut store, tickets, seed, now, |_, _| {}).unwrap();
        store
    }

    fn live(store: &Store, now: DateTime<Utc>) -> Vec<QueueRow> {
        store
            .queue(
                &QueueQuery {
                    limit: Some(500),
                    ..Default::default()
                },
                now,
            )
            .unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn problems_fit_their_asset_and_the_matrix_gives_their_priority() {
        let now = at(2026, 12, 7, 10);
        let store = desk(150, 3, now);
        let matrix = store.lookup().priority_matrix().unwrap();
        let (mut checked, mut p1) = (0, 0);
        for status in [
            TicketStatus::Open,
            TicketStatus::Escalated,
            TicketStatus::Closed,
        ] {
            let rows = store
                .queue(
                    &QueueQuery {
                        status: Some(status),
                        limit: Some(500),
                        ..Default::default()
                    },
                    now,
                )
                .unwrap();
            for row in rows {
                let t = store.ticket(row.id).unwrap();
                let problem = PROBLEMS
                    .iter()
                    .find(|p| p.text == t.problem)
                    .unwrap_or_else(|| panic!("{} is no demo problem", t.problem));
                let asset = store.lookup().asset(t.asset_ids[0]).unwrap();
                assert_eq!(
                    asset.kind, problem.kind,
                    "{} on {}",
                    t.problem, asset.hostname
                );
                let (impact, urgency) = (t.impact.unwrap(), t.urgency.unwrap());
                assert_eq!(impact.as_str(), problem.impact);
                assert_eq!(urgency.as_str(), problem.urgency);
                assert_eq!(t.priority, Some(matrix.priority(impact, urgency)));
                assert_eq!(t.priority_override_reason, None);
                p1 += usize::from(t.priority == Some(crate::priority::Priority::P1));
                checked += 1;
            }
        }
        assert!(checked > 60, "only {checked} tickets checked");
        assert!(p1 * 10 < checked, "{p1} of {checked} tickets are P1");
    }

    /// Whatever the weekday and hour of `now`, the open queue is mostly on time: a few tickets
    /// at risk, a couple breached, never a wall of red.
    #[test]
    fn the_demo_queue_is_mostly_on_time_whenever_it_is_made() {
        // A Monday morning, a Saturday night, a Wednesday evening (UTC; the clients' calendars
        // are in five zones).
        for now in [at(2026, 12, 7, 9), at(2027, 3, 13, 23), at(2031, 6, 18, 19)] {
            let store = desk(240, 11, now);
            let rows = live(&store, now);
            let running: Vec<SlaState> = rows
                .iter()
                .filter(|r| r.status != TicketStatus::WaitingOnCustomer)
                .filter_map(|r| r.resolution.map(|s| s.state))
                .filter(|s| *s != SlaState::Met)
                .collect();
            let count = |state| running.iter().filter(|s| **s == state).count();
            let (breached, at_risk) = (count(SlaState::Breached), count(SlaState::AtRisk));
            assert!(
                running.len() >= 40,
                "{now}: {} running clocks",
                running.len()
            );
            assert!(breached >= 1, "{now}: none breached");
            assert!(at_risk >= 1, "{now}: none at risk");
            assert!(
                breached * 10 <= running.len() && (breached + at_risk) * 4 <= running.len(),
                "{now}: {breached} breached and {at_risk} at risk of {}",
                running.len()
            );
            let first_response_breached = rows
                .iter()
                .filter(|r| r.first_response.map(|s| s.state) == Some(SlaState::Breached))
                .count();
            assert_eq!(first_response_breached, 0, "{now}");
            // Live tickets were opened in the weeks before `now`, not before some fixed date.
            for r in &rows {
                assert!(r.created_at <= now, "{now}: {} is in the future", r.number);
                assert!(
                    now - r.created_at < Duration::days(45),
                    "{now}: {} is {} days old",
                    r.number,
                    (now - r.created_at).num_days()
                );
            }
        }
    }

    #[test]
    fn a_seed_and_a_time_always_give_the_same_desk() {
        let now = at(2026, 12, 9, 14);
        let a = serde_json::to_value(live(&desk(60, 5, now), now)).unwrap();
        let b = serde_json::to_value(live(&desk(60, 5, now), now)).unwrap();
        assert_eq!(a, b);
        let other = serde_json::to_value(live(&desk(60, 6, now), now)).unwrap();
        assert_ne!(a, other);
    }

    #[test]
    fn working_back_finds_the_start_of_that_much_working_time() {
        let berlin = calendar(0, Tier::Gold);
        // Monday 2026-12-07 09:00 UTC is 10:00 in Berlin, two working hours after opening.
        let now = at(2026, 12, 7, 9);
        let from = working_back(&berlin, now, Duration::hours(3));
        let worked = berlin.working_time(from, now);
        assert!(worked >= Duration::hours(3) && worked < Duration::hours(3) + Duration::minutes(1));
        assert!(from < now - Duration::days(2), "back into Friday: {from}");
        assert_eq!(working_back(&berlin, now, Duration::zero()), now);
        let always = Calendar::AlwaysOn;
        assert_eq!(
            working_back(&always, now, Duration::minutes(90)),
            now - Duration::minutes(90)
        );
    }
}
