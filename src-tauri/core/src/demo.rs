//! A deterministic, realistic demo data set: the same seed always gives the same desk.
//!
//! Tickets are driven through the real workflow commands (not inserted as rows), so every demo
//! ticket obeys the rules and carries a genuine audit chain.

use crate::directory::{NewAsset, NewCompany, NewContact, TechTier, Tier};
use crate::error::Result;
use crate::signature::Signature;
use crate::sla::Calendar;
use crate::store::{NewRunbookEntry, NewTimeEntry, Store};
use crate::template::{builtin as b, SignerRole};
use crate::ticket::Values;
use crate::workflow::sign_off_statement;
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
pub const DEMO_PIN: &str = "2468";

/// What the demo end users sign at hand-over, and what step 16 then sends them.
const SUMMARY: &str = "A recent update changed a setting; we put it back and checked it with you.";

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
const PROBLEMS: &[&str] = &[
    "Outlook keeps prompting for password after the weekend patch",
    "Cannot map the S: drive since the GPO update",
    "VPN connects but no internal sites resolve",
    "Line-of-business app crashes on launch; Defender quarantined a DLL",
    "Printer on floor 2 shows offline for the whole department",
    "New starter needs Teams and SharePoint access",
    "Laptop fan loud and CPU at 100% after a driver update",
    "Shared mailbox not appearing in Outlook",
    "MFA prompts not arriving on the user's new phone",
    "Site-wide internet outage at the branch office",
    "QuickBooks company file locked by another user",
    "Wi-Fi drops every few minutes in the conference room",
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

pub fn generate(
    store: &mut Store,
    tickets: usize,
    seed: u64,
    progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    generate_at(store, tickets, seed, anchor(), progress)
}

/// As [`generate`], with the data set's "now" at `anchor` (e.g. the real time, so live tickets'
/// SLA clocks are current when the app opens it).
pub fn generate_at(
    store: &mut Store,
    tickets: usize,
    seed: u64,
    anchor: DateTime<Utc>,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoSummary> {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    let setup = anchor - Duration::days(400);
    let sys = "demo-data";
    store.set_bulk_load(true)?;
    let n_companies = (tickets / 500).clamp(5, COMPANIES.len() * 10);
    let mut companies = Vec::new();
    let (mut n_contacts, mut n_assets) = (0, 0);
    for t in TECHS {
        store.add_technician(t.0, t.1, sys, setup)?;
        store.set_demo_pin(t.0, DEMO_PIN, setup)?;
    }
    if store.current_technician()?.is_none() {
        store.set_current_technician(TECHS[0].0)?;
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
            let kind = *g.pick(&["laptop", "desktop", "server", "printer", "firewall"]);
            assets.push(
                store.add_asset(
                    &NewAsset {
                        company_id: company.id,
                        hostname: format!("{}-{kind}-{a:03}", &domain[..domain.len().min(6)])
                            .to_uppercase(),
                        kind: kind.into(),
                        serial: Some(format!("SN{:08}", g.rng.random_range(0..100_000_000u32))),
                        assigned_upn: contacts
                            .get(a % contacts.len().max(1))
                            .and_then(|c| c.upn.clone()),
                        rmm_id: Some(format!("rmm-{}-{a}", company.id)),
                        rmm_url: None,
                    },
                    sys,
                    setup,
                )?,
            );
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
    let mut closed = 0;
    for i in 0..tickets {
        let (_, contacts, assets, runbook) = &companies[g.rng.random_range(0..companies.len())];
        let stage = match g.rng.random_range(0..100) {
            0..=7 => Stage::Intake,
            8..=27 => Stage::Diagnosis,
            28..=35 => Stage::Escalated,
            36..=40 => Stage::Waiting,
            41..=49 => Stage::Resolved,
            _ => Stage::Closed,
        };
        // Finished tickets spread over the past year; live ones started in the last few days.
        let start = if stage >= Stage::Resolved {
            anchor - Duration::minutes(g.rng.random_range(3 * 1440..365 * 1440))
        } else {
            anchor - Duration::minutes(g.rng.random_range(10..4 * 1440))
        };
        let tech = g.pick(&TECHS[..6]).0;
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
            *at += g.minutes(1, 25);
            store
                .complete_step(id, n, v, tech, (*at).min(anchor))
                .map(drop)
        };
        let authorized: Vec<_> = contacts
            .iter()
            .filter(|c| c.refusal(anchor.date_naive()).is_none())
            .collect();
        let caller = if authorized.is_empty() || g.chance(0.03) {
            g.pick(contacts)
        } else {
            *g.pick(&authorized)
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
        let asset = g.pick(assets).id;
        step(
            store,
            &mut g,
            &mut at,
            2,
            vals(&[("assets", json!([asset]))]),
        )?;
        let impact = *g.pick(&["organization", "department", "user", "user", "user"]);
        let urgency = *g.pick(&["blocked", "degraded", "degraded", "request"]);
        let matrix = crate::priority::PriorityMatrix::default();
        let p = matrix.priority(impact.parse()?, urgency.parse()?);
        step(
            store,
            &mut g,
            &mut at,
            3,
            vals(&[
                ("impact", json!(impact)),
                ("urgency", json!(urgency)),
                ("priority", json!(p)),
            ]),
        )?;
        let linked = g.chance(0.05);
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
        let problem = *g.pick(PROBLEMS);
        step(
            store,
            &mut g,
            &mut at,
            5,
            vals(&[("problem_statement", json!(problem))]),
        )?;
        for n in 6..=8 {
            step(
                store,
                &mut g,
                &mut at,
                n,
                vals(&[(
                    "notes",
                    json!("Reproduced on the user's profile; see screenshots in the PSA."),
                )]),
            )?;
        }
        step(
            store,
            &mut g,
            &mut at,
            9,
            vals(&[
                ("notes", json!("Runbook documents a known exception.")),
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
                    ("symptom", json!(problem)),
                    (
                        "repro_steps",
                        json!("Log in as the user, open the app, observe the error."),
                    ),
                    (
                        "diagnostics_run",
                        json!("Event logs, RMM patch history, EDR alerts."),
                    ),
                    (
                        "ruled_out",
                        json!("Network, licensing, profile corruption."),
                    ),
                ]),
            )?;
        }
        if stage == Stage::Escalated {
            progress(i + 1, tickets);
            continue;
        }
        if stage == Stage::Waiting {
            at += g.minutes(5, 60);
            store.wait_on_customer(id, tech, at.min(anchor))?;
            progress(i + 1, tickets);
            continue;
        }
        step(
            store,
            &mut g,
            &mut at,
            12,
            vals(&[
                (
                    "notes",
                    json!("Rolled back the driver and cleared the credential cache."),
                ),
                ("infrastructure", json!(b::NO_SHARED_INFRA)),
            ]),
        )?;
        let signed = |name: &str, role, meaning: &str, content: &str, at: DateTime<Utc>, seed| {
            serde_json::to_value(Signature::synthetic(
                name,
                role,
                meaning,
                content,
                at.fixed_offset(),
                seed,
            ))
            .unwrap_or_default()
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
                    ("what_failed", json!("Error returned after reboot.")),
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
                    ("notes", json!("Rebuilt the user profile.")),
                    ("infrastructure", json!(b::NO_SHARED_INFRA)),
                ]),
            )?;
        }
        let sig = signed(
            &caller.name,
            SignerRole::EndUser,
            "fix verified",
            SUMMARY,
            at,
            i as u64,
        );
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
                ("root_cause", json!("Patch changed a default.")),
                ("changes", json!("Reverted the setting via policy.")),
            ]),
        )?;
        step(
            store,
            &mut g,
            &mut at,
            16,
            vals(&[("summary", json!(SUMMARY))]),
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
            tech,
            SignerRole::Technician,
            "closure sign-off",
            &sign_off_statement(&t.number, code, notes),
            at,
            i as u64 + 7,
        );
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
