//! Day one on an empty desk: setting it up, and technicians whose identity is proven by their PIN.

mod common;

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use std::path::Path;
use ticketflow_core::directory::{NewAsset, NewCompany, NewContact, NewTechnician, TechTier, Tier};
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::{DeskSetup, NewTimeEntry, Store};
use ticketflow_core::Error;

const FIRST: &str = "Alex Morgan";
const FIRST_PIN: &str = "246810";
const SECOND: &str = "Sam Okafor";
const SECOND_PIN: &str = "975310";

fn now() -> DateTime<Utc> {
    common::monday_morning()
}

fn tech(name: &str, tier: TechTier) -> NewTechnician {
    NewTechnician {
        name: name.into(),
        tier,
        email: Some(format!(
            "{}@desk.example",
            name.to_lowercase().replace(' ', ".")
        )),
        on_call: false,
    }
}

fn setup() -> DeskSetup {
    DeskSetup {
        desk_name: "Northwind IT".into(),
        time_zone: "Europe/Berlin".into(),
        technician: tech(FIRST, TechTier::Tier2),
    }
}

fn code<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> &'static str {
    r.expect_err("must be refused").code()
}

fn field<T: std::fmt::Debug>(r: ticketflow_core::Result<T>) -> String {
    match r {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected INVALID_INPUT, got {other:?}"),
    }
}

/// A store in a file, so the tests can read what was written behind the store's back.
struct FileDesk {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    store: Store,
}

impl FileDesk {
    fn empty() -> FileDesk {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let store = Store::open(&path).unwrap();
        FileDesk {
            _dir: dir,
            path,
            store,
        }
    }

    fn set_up() -> FileDesk {
        let mut d = FileDesk::empty();
        d.store.set_up_desk(&setup(), FIRST_PIN, now()).unwrap();
        d
    }

    /// Adds SECOND, witnessed by FIRST.
    fn with_second(mut self) -> FileDesk {
        let proof = self.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
        self.store
            .add_technician(&tech(SECOND, TechTier::Tier1), SECOND_PIN, proof, now())
            .unwrap();
        self
    }
}

/// (actor, action) of every audit event, oldest first.
fn audit(path: &Path) -> Vec<(String, String)> {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT actor, action FROM audit_events ORDER BY id")
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    rows
}

fn company() -> NewCompany {
    NewCompany {
        name: "Contoso".into(),
        tier: Tier::Gold,
        calendar: Calendar::AlwaysOn,
    }
}

#[test]
fn an_empty_desk_is_not_set_up_and_nobody_can_change_anything() {
    let d = FileDesk::empty();
    let s = d.store.desk_status().unwrap();
    assert!(!s.set_up);
    assert_eq!((s.desk_name, s.time_zone), (None, None));
    assert_eq!(
        [
            s.companies,
            s.contacts,
            s.assets,
            s.tickets,
            s.runbook_entries
        ],
        [0; 5]
    );
    assert_eq!(code(d.store.actor()), "NO_TECHNICIAN");
    assert!(d.store.technicians().unwrap().is_empty());
    // Asking for a PIN on an empty desk says what to do rather than "not found".
    let mut store = d.store;
    assert_eq!(
        code(store.verify_pin(FIRST, FIRST_PIN, now())),
        "DESK_NOT_SET_UP"
    );
}

#[test]
fn setting_up_writes_the_desk_and_the_first_technician_who_becomes_the_actor() {
    let mut d = FileDesk::set_up();
    let s = d.store.desk_status().unwrap();
    assert!(s.set_up);
    assert_eq!(s.desk_name.as_deref(), Some("Northwind IT"));
    assert_eq!(s.time_zone.as_deref(), Some("Europe/Berlin"));
    // The desk's name is the MSP name on reports, not a second setting.
    assert_eq!(d.store.report_settings().unwrap().msp_name, "Northwind IT");
    assert_eq!(d.store.actor().unwrap(), FIRST);
    let techs = d.store.technicians().unwrap();
    assert_eq!(techs.len(), 1);
    assert_eq!(techs[0].tier, TechTier::Tier2);
    assert_eq!(techs[0].email.as_deref(), Some("alex.morgan@desk.example"));
    assert!(techs[0].active);
    assert!(d.store.has_pin(FIRST).unwrap());
    assert_eq!(
        d.store
            .verify_pin(FIRST, FIRST_PIN, now())
            .unwrap()
            .technician(),
        FIRST
    );
    let events = audit(&d.path);
    assert!(events.len() >= 5, "{events:?}");
    assert!(
        events.iter().all(|(actor, _)| actor == FIRST),
        "every setup event is the first technician's: {events:?}"
    );
    for action in [
        "technician_added",
        "pin_set",
        "setting_changed",
        "technician_switched",
        "desk_set_up",
    ] {
        assert!(
            events.iter().any(|(_, a)| a == action),
            "{action}: {events:?}"
        );
    }
    // Directory changes now work, as the current technician.
    let actor = d.store.actor().unwrap();
    d.store.add_company(&company(), &actor, now()).unwrap();
    assert_eq!(d.store.desk_status().unwrap().companies, 1);
    assert!(d.store.verify_audit().is_ok());
}

#[test]
fn a_desk_is_set_up_once() {
    let mut d = FileDesk::set_up();
    let before = audit(&d.path).len();
    let mut again = setup();
    again.technician.name = "Intruder".into();
    assert_eq!(
        code(d.store.set_up_desk(&again, "111111", now())),
        "DESK_ALREADY_SET_UP"
    );
    assert_eq!(audit(&d.path).len(), before);
    assert_eq!(d.store.technicians().unwrap().len(), 1);
    assert_eq!(d.store.actor().unwrap(), FIRST);
}

/// One wrong answer in an otherwise good setup.
type Change = fn(&mut DeskSetup);

#[test]
fn a_refused_setup_writes_nothing_and_names_the_field() {
    let mut d = FileDesk::empty();
    let cases: [(Change, &str, &str); 5] = [
        (|s| s.desk_name = "  ".into(), FIRST_PIN, "desk_name"),
        (|s| s.desk_name = "a\nb".into(), FIRST_PIN, "desk_name"),
        (
            |s| s.time_zone = "Mars/Olympus".into(),
            FIRST_PIN,
            "time_zone",
        ),
        (|s| s.technician.name = " ".into(), FIRST_PIN, "name"),
        (
            |s| s.technician.email = Some("alex".into()),
            FIRST_PIN,
            "email",
        ),
    ];
    for (change, pin, expected) in cases {
        let mut s = setup();
        change(&mut s);
        assert_eq!(field(d.store.set_up_desk(&s, pin, now())), expected);
    }
    // The PIN rule has its own code: six digits at least.
    for short in ["12", "12345", "12a456"] {
        assert_eq!(
            code(d.store.set_up_desk(&setup(), short, now())),
            "PIN_POLICY"
        );
    }
    assert!(!d.store.desk_status().unwrap().set_up);
    assert!(audit(&d.path).is_empty());
    assert_eq!(
        d.store.report_settings().unwrap().msp_name,
        ticketflow_core::report::DEFAULT_MSP_NAME
    );
}

#[test]
fn adding_a_technician_is_witnessed_and_sets_their_pin() {
    let mut d = FileDesk::set_up().with_second();
    let techs = d.store.technicians().unwrap();
    assert_eq!(techs.len(), 2);
    assert!(d.store.has_pin(SECOND).unwrap());
    assert!(d.store.verify_pin(SECOND, SECOND_PIN, now()).is_ok());
    let events = audit(&d.path);
    let added: Vec<_> = events
        .iter()
        .filter(|(_, a)| a == "technician_added")
        .collect();
    assert_eq!(added.last().unwrap().0, FIRST, "the witness is the actor");
    // The witness's proof is used up by one addition; a wrong witness PIN gives no proof at all.
    assert_eq!(
        code(d.store.verify_pin(FIRST, "000000", now())),
        "PIN_WRONG"
    );
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    assert_eq!(
        field(
            d.store
                .add_technician(&tech(SECOND, TechTier::Tier1), "123456", proof, now())
        ),
        "name"
    );
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    assert_eq!(
        code(
            d.store
                .add_technician(&tech("Pat", TechTier::Tier1), "12ab56", proof, now())
        ),
        "PIN_POLICY"
    );
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    assert_eq!(
        code(
            d.store
                .add_technician(&tech("Pat", TechTier::Tier1), "12345", proof, now())
        ),
        "PIN_POLICY"
    );
    assert_eq!(d.store.technicians().unwrap().len(), 2);
}

#[test]
fn switching_takes_the_targets_pin_and_is_audited() {
    let mut d = FileDesk::set_up().with_second();
    assert_eq!(
        code(d.store.verify_pin(SECOND, FIRST_PIN, now())),
        "PIN_WRONG"
    );
    assert_eq!(d.store.actor().unwrap(), FIRST);
    let proof = d.store.verify_pin(SECOND, SECOND_PIN, now()).unwrap();
    d.store.switch_technician(proof, now()).unwrap();
    assert_eq!(d.store.actor().unwrap(), SECOND);
    let last = audit(&d.path).pop().unwrap();
    assert_eq!(
        last,
        (SECOND.to_string(), "technician_switched".to_string())
    );
}

#[test]
fn a_deactivated_technician_cannot_act_sign_or_be_assigned() {
    let mut d = FileDesk::set_up().with_second();
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    let after = d.store.deactivate_technician(SECOND, proof, now()).unwrap();
    assert!(!after.active);
    // Never deleted: history keeps naming them.
    assert_eq!(d.store.technicians().unwrap().len(), 2);
    assert_eq!(
        audit(&d.path).pop().unwrap(),
        (FIRST.to_string(), "technician_deactivated".to_string())
    );
    // Cannot sign, so cannot become current or witness anything.
    assert_eq!(
        code(d.store.verify_pin(SECOND, SECOND_PIN, now())),
        "TECHNICIAN_INACTIVE"
    );
    // Cannot be assigned.
    let actor = d.store.actor().unwrap();
    let ticket = d.store.create_ticket(&actor, now()).unwrap();
    assert_eq!(
        code(d.store.assign(ticket.id, Some(SECOND), &actor, now())),
        "TECHNICIAN_INACTIVE"
    );
    d.store
        .assign(ticket.id, Some(FIRST), &actor, now())
        .unwrap();
    // Time is billed to an active technician of this desk, never to a free-text name.
    let entry = |technician: &str| NewTimeEntry {
        technician: technician.into(),
        started_at: now(),
        minutes: 10,
        billable: true,
        work_type: "remote".into(),
        note: String::new(),
    };
    assert_eq!(
        code(
            d.store
                .add_time_entry(ticket.id, &entry("someone"), &actor, now())
        ),
        "NOT_FOUND"
    );
    assert_eq!(
        code(
            d.store
                .add_time_entry(ticket.id, &entry(SECOND), &actor, now())
        ),
        "TECHNICIAN_INACTIVE"
    );
    d.store
        .add_time_entry(ticket.id, &entry(FIRST), &actor, now())
        .unwrap();
    // Deactivating again is refused with the same code.
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    assert_eq!(
        code(d.store.deactivate_technician(SECOND, proof, now())),
        "TECHNICIAN_INACTIVE"
    );
}

#[test]
fn the_last_active_technician_and_the_current_one_stay() {
    let mut d = FileDesk::set_up();
    let proof = d.store.verify_pin(FIRST, FIRST_PIN, now()).unwrap();
    assert_eq!(
        code(d.store.deactivate_technician(FIRST, proof, now())),
        "LAST_ACTIVE_TECHNICIAN"
    );
    let mut d = d.with_second();
    let proof = d.store.verify_pin(SECOND, SECOND_PIN, now()).unwrap();
    assert_eq!(
        field(d.store.deactivate_technician(FIRST, proof, now())),
        "name",
        "the current technician switches away first"
    );
    let proof = d.store.verify_pin(SECOND, SECOND_PIN, now()).unwrap();
    d.store.switch_technician(proof, now()).unwrap();
    let proof = d.store.verify_pin(SECOND, SECOND_PIN, now()).unwrap();
    d.store.deactivate_technician(FIRST, proof, now()).unwrap();
    let proof = d.store.verify_pin(SECOND, SECOND_PIN, now()).unwrap();
    assert_eq!(
        code(d.store.deactivate_technician(SECOND, proof, now())),
        "LAST_ACTIVE_TECHNICIAN"
    );
}

#[test]
fn an_inactive_current_technician_is_no_actor() {
    let mut d = FileDesk::set_up().with_second();
    drop(d.store);
    // Made inactive behind the store's back (e.g. an older build): the actor is still refused.
    Connection::open(&d.path)
        .unwrap()
        .execute("UPDATE technicians SET active = 0 WHERE name = ?1", [FIRST])
        .unwrap();
    d.store = Store::open(&d.path).unwrap();
    assert_eq!(code(d.store.actor()), "TECHNICIAN_INACTIVE");
}

#[test]
fn the_get_started_counts_follow_the_directory() {
    let mut d = FileDesk::set_up();
    let actor = d.store.actor().unwrap();
    let c = d.store.add_company(&company(), &actor, now()).unwrap();
    d.store
        .add_contact(
            &NewContact {
                company_id: c.id,
                name: "Dana Reyes".into(),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            &actor,
            now(),
        )
        .unwrap();
    d.store
        .add_asset(
            &NewAsset {
                company_id: c.id,
                hostname: "CONTOSO-LT-001".into(),
                kind: "laptop".into(),
                serial: None,
                assigned_upn: None,
                rmm_id: None,
                rmm_url: None,
            },
            &actor,
            now(),
        )
        .unwrap();
    d.store
        .create_ticket(&actor, now() + Duration::minutes(1))
        .unwrap();
    let s = d.store.desk_status().unwrap();
    // A blank "+ New ticket" is a draft, not the first call taken.
    assert_eq!([s.companies, s.contacts, s.assets, s.tickets], [1, 1, 1, 0]);
}

#[test]
fn demo_data_loads_only_on_an_empty_desk() {
    let mut store = Store::open_in_memory().unwrap();
    let s = store.load_demo_desk(12, 1, now()).unwrap();
    assert!(s.set_up);
    assert!(s.tickets >= 12 && s.companies > 0, "{s:?}");
    assert!(store.actor().is_ok());
    assert_eq!(
        code(store.load_demo_desk(12, 1, now())),
        "DESK_ALREADY_SET_UP"
    );

    let mut d = FileDesk::set_up();
    assert_eq!(
        code(d.store.load_demo_desk(12, 1, now())),
        "DESK_ALREADY_SET_UP"
    );
    assert_eq!(d.store.desk_status().unwrap().tickets, 0);
}

// ---- The CLI: `init`, then `technician add | list | deactivate`, on an empty data directory ------

mod cli {
    use std::io::Write;
    use std::path::Path;
    use std::process::{Command, Stdio};

    const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");

    struct Run {
        code: i32,
        stdout: String,
        stderr: String,
    }

    /// Runs the CLI on `dir` with `stdin` piped in and no PIN in the environment.
    fn run(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
        let mut c = Command::new(BIN);
        c.arg("--data-dir")
            .arg(dir)
            .args(args)
            .env_remove("TICKETFLOW_PIN")
            .env_remove("TICKETFLOW_WITNESS_PIN")
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env("HOME", dir.join("home"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let o = child.wait_with_output().unwrap();
        Run {
            code: o.status.code().expect("not killed"),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn ok(r: Run) -> String {
        assert_eq!(r.code, 0, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
        r.stdout
    }

    fn refused(r: Run, exit: i32, code: &str) {
        assert_eq!(r.code, exit, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains(&format!("error[{code}]")),
            "expected {code}: {}",
            r.stderr
        );
    }

    const INIT: &[&str] = &[
        "init",
        "--desk-name",
        "Northwind IT",
        "--time-zone",
        "Europe/Berlin",
        "--technician",
        "Alex Morgan",
        "--tier",
        "2",
        "--email",
        "alex@northwind.example",
    ];

    #[test]
    fn init_then_add_then_list_then_deactivate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // Before init nobody can witness anything.
        refused(
            run(
                d,
                &[
                    "technician",
                    "add",
                    "--name",
                    "Sam",
                    "--witness",
                    "Alex Morgan",
                ],
                "246810\n135790\n",
                &[],
            ),
            3,
            "DESK_NOT_SET_UP",
        );
        let out = ok(run(d, INIT, "246810\n", &[]));
        assert!(out.contains("Northwind IT"), "{out}");
        refused(run(d, INIT, "246810\n", &[]), 3, "DESK_ALREADY_SET_UP");

        // Witness PIN, then the new PIN, as two lines of stdin.
        let add = [
            "technician",
            "add",
            "--name",
            "Sam Okafor",
            "--tier",
            "1",
            "--on-call",
            "--witness",
            "Alex Morgan",
        ];
        refused(run(d, &add, "111111\n135790\n", &[]), 3, "PIN_WRONG");
        ok(run(d, &add, "246810\n135790\n", &[]));
        // Or from the environment.
        let add_env = [
            "technician",
            "add",
            "--name",
            "Kim Lee",
            "--witness",
            "Sam Okafor",
        ];
        ok(run(
            d,
            &add_env,
            "",
            &[
                ("TICKETFLOW_WITNESS_PIN", "135790"),
                ("TICKETFLOW_PIN", "808080"),
            ],
        ));

        let list = ok(run(d, &["technician", "list"], "", &[]));
        let lines: Vec<&str> = list.lines().collect();
        assert_eq!(lines.len(), 4, "{list}");
        assert!(lines[1].starts_with("* Alex Morgan"), "{list}");
        assert!(lines[1].contains("alex@northwind.example"), "{list}");
        assert!(
            lines[3].starts_with("  Sam Okafor") && lines[3].contains("yes"),
            "{list}"
        );

        ok(run(
            d,
            &[
                "technician",
                "deactivate",
                "Kim Lee",
                "--witness",
                "Alex Morgan",
            ],
            "246810\n",
            &[],
        ));
        let list = ok(run(d, &["technician", "list"], "", &[]));
        let kim = list.lines().find(|l| l.contains("Kim Lee")).unwrap();
        assert!(kim.trim_end().ends_with("no"), "{list}");
        // A deactivated technician cannot witness.
        refused(
            run(
                d,
                &["technician", "add", "--name", "Pat", "--witness", "Kim Lee"],
                "808080\n123456\n",
                &[],
            ),
            3,
            "TECHNICIAN_INACTIVE",
        );
    }

    #[test]
    fn init_refuses_bad_input_and_a_missing_pin() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        refused(run(d, INIT, "", &[]), 3, "INVALID_INPUT");
        let mut bad_zone = INIT.to_vec();
        bad_zone[4] = "Mars/Olympus";
        refused(run(d, &bad_zone, "246810\n", &[]), 3, "INVALID_INPUT");
        let mut bad_tier = INIT.to_vec();
        bad_tier[8] = "3";
        assert_eq!(run(d, &bad_tier, "246810\n", &[]).code, 2);
        let list = ok(run(d, &["technician", "list"], "", &[]));
        assert_eq!(list.lines().count(), 1, "nothing was set up: {list}");
        ok(run(d, INIT, "", &[("TICKETFLOW_PIN", "246810")]));
    }
}
