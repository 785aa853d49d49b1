//! The intake form's dry run (`Store::preview_intake`): the priority it shows is the one opening
//! the ticket stores, for every impact × urgency, with the default and an edited matrix; what it
//! lists as missing is what the steps refuse; and it writes nothing.

mod common;

use common::*;
use serde_json::{json, Value};
use ticketflow_core::priority::{Impact, Priority, PriorityMatrix, Urgency};
use ticketflow_core::template::builtin as b;
use ticketflow_core::workflow::{IntakePreview, IntakeStep};

fn intake(caller: Option<i64>, asset: Option<i64>, step3: Value, problem: &str) -> Vec<IntakeStep> {
    let mut s1 = json!({"authorization": b::AUTHORIZED});
    if let Some(c) = caller {
        s1["contact"] = json!(c);
    }
    let assets: Vec<i64> = asset.into_iter().collect();
    vec![
        IntakeStep {
            key: "verify_caller".into(),
            values: vals(s1),
        },
        IntakeStep {
            key: "scope_assets".into(),
            values: vals(json!({"assets": assets})),
        },
        IntakeStep {
            key: "set_priority".into(),
            values: vals(step3),
        },
        IntakeStep {
            key: "check_noc".into(),
            values: vals(json!({})),
        },
        IntakeStep {
            key: "open_ticket".into(),
            values: vals(json!({"problem_statement": problem})),
        },
    ]
}

fn preview(d: &Desk, steps: &[IntakeStep]) -> IntakePreview {
    d.store.preview_intake(None, steps, d.now).unwrap()
}

/// Opens a ticket with the preview's priority as the form sends it, and returns what is stored.
fn open_with(
    d: &mut Desk,
    steps: &[IntakeStep],
    shown: Priority,
) -> (Option<Priority>, Option<Priority>) {
    let id = d.new_ticket();
    for s in steps {
        let mut v = s.values.clone();
        if s.key == "set_priority" {
            v.entry("priority".into()).or_insert(json!(shown));
        }
        let t = d.store.ticket(id).unwrap();
        let tmpl = d
            .store
            .template(&t.template_key, t.template_version)
            .unwrap();
        let n = tmpl.number_of(&s.key).unwrap();
        d.step(id, n, Value::Object(v.into_iter().collect()))
            .unwrap();
    }
    let t = d.store.ticket(id).unwrap();
    assert_eq!(
        t.status.to_string(),
        "open",
        "the intake the preview passed opens"
    );
    (t.priority, t.priority_computed)
}

fn every_cell_matches(d: &mut Desk, matrix: &PriorityMatrix) {
    let (caller, asset) = (d.caller.id, d.asset.id);
    for impact in Impact::ALL {
        for urgency in Urgency::ALL {
            let steps = intake(
                Some(caller),
                Some(asset),
                json!({"impact": impact, "urgency": urgency}),
                "Outlook crashes on start",
            );
            let p = preview(d, &steps);
            assert!(
                p.missing.is_empty(),
                "{impact} × {urgency}: {:?}",
                p.missing
            );
            let expected = matrix.priority(*impact, *urgency);
            assert_eq!(p.priority_computed, Some(expected), "{impact} × {urgency}");
            assert_eq!(p.priority, Some(expected));
            assert!(!p.overridden);
            let stored = open_with(d, &steps, expected);
            assert_eq!(
                stored,
                (Some(expected), Some(expected)),
                "{impact} × {urgency}"
            );
        }
    }
}

#[test]
fn the_preview_is_what_opening_stores_with_the_default_matrix() {
    let mut d = Desk::new();
    every_cell_matches(&mut d, &PriorityMatrix::default());
}

#[test]
fn the_preview_follows_an_edited_matrix() {
    let mut d = Desk::new();
    // Every cell moved, so no cell can pass by matching the default.
    let rotate = |p: Priority| match p {
        Priority::P1 => Priority::P4,
        Priority::P2 => Priority::P1,
        Priority::P3 => Priority::P2,
        Priority::P4 => Priority::P3,
    };
    let mut m = PriorityMatrix::default();
    for row in m.cells.iter_mut() {
        for cell in row.iter_mut() {
            *cell = rotate(*cell);
        }
    }
    let now = d.now;
    d.store.set_priority_matrix(&m, "admin", now).unwrap();
    every_cell_matches(&mut d, &m);
}

#[test]
fn an_override_is_shown_and_needs_its_reason() {
    let d = Desk::new();
    let (caller, asset) = (d.caller.id, d.asset.id);
    let without = intake(
        Some(caller),
        Some(asset),
        json!({"impact": "user", "urgency": "request", "priority": "P1"}),
        "CEO laptop",
    );
    let p = preview(&d, &without);
    assert_eq!(
        (p.priority_computed, p.priority),
        (Some(Priority::P4), Some(Priority::P1))
    );
    assert!(p.overridden);
    assert_eq!(p.missing.len(), 1, "{:?}", p.missing);
    assert_eq!(
        (p.missing[0].step, p.missing[0].code.as_str()),
        (3, "OVERRIDE_REASON_REQUIRED")
    );
    let with = intake(
        Some(caller),
        Some(asset),
        json!({"impact": "user", "urgency": "request", "priority": "P1", "override_reason": "CEO"}),
        "CEO laptop",
    );
    assert!(preview(&d, &with).missing.is_empty());
}

#[test]
fn an_empty_form_lists_every_step_once_and_still_shows_the_priority() {
    let d = Desk::new();
    let steps = intake(
        None,
        None,
        json!({"impact": "organization", "urgency": "blocked"}),
        "",
    );
    let p = preview(&d, &steps);
    assert_eq!(p.priority_computed, Some(Priority::P1));
    let at = |n: u8| p.missing.iter().filter(|g| g.step == n).count();
    assert_eq!(
        (at(1), at(2), at(3), at(5)),
        (1, 1, 0, 1),
        "{:?}",
        p.missing
    );
    assert!(
        p.missing.iter().all(|g| !g.message.contains("first")),
        "{:?}",
        p.missing
    );
}

#[test]
fn a_refused_caller_is_refused_in_the_preview_too() {
    let d = Desk::new();
    let steps = intake(
        Some(d.terminated.id),
        Some(d.asset.id),
        json!({"impact": "user", "urgency": "blocked"}),
        "x",
    );
    let p = preview(&d, &steps);
    assert_eq!(p.missing[0].step, 1);
    assert_eq!(p.missing[0].code, "CALLER_NOT_AUTHORIZED");
    let foreign = intake(
        Some(d.caller.id),
        Some(d.foreign_asset.id),
        json!({"impact": "user", "urgency": "blocked"}),
        "x",
    );
    let p = preview(&d, &foreign);
    assert_eq!(
        (p.missing[0].step, p.missing[0].field.as_deref()),
        (2, Some("assets"))
    );
}

#[test]
fn a_caller_of_an_inactive_client_is_refused_in_the_preview_too() {
    let mut d = Desk::new();
    let steps = intake(
        Some(d.caller.id),
        Some(d.asset.id),
        json!({"impact": "user", "urgency": "blocked"}),
        "x",
    );
    assert!(preview(&d, &steps).missing.is_empty());
    let now = d.now;
    d.store
        .set_company_active(d.company.id, false, TECH, now)
        .unwrap();
    let p = preview(&d, &steps);
    assert_eq!(
        (p.missing[0].step, p.missing[0].code.as_str()),
        (1, "CALLER_NOT_AUTHORIZED")
    );
    assert!(
        p.missing[0].message.contains("inactive client"),
        "{:?}",
        p.missing[0]
    );
}

fn table_counts(path: &std::path::Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|n| {
            let c: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{n}\""), [], |r| r.get(0))
                .unwrap();
            (n, c)
        })
        .collect()
}

fn audit_head(path: &std::path::Path) -> (i64, String) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(
        "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

#[test]
fn the_preview_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite");
    let d = Desk::on_file(&path);
    let (head, counts) = (audit_head(&path), table_counts(&path));
    assert!(counts.iter().any(|(n, c)| n == "audit_events" && *c > 0));
    let ok = intake(
        Some(d.caller.id),
        Some(d.asset.id),
        json!({"impact": "user", "urgency": "blocked"}),
        "x",
    );
    let refused = intake(Some(d.terminated.id), None, json!({"impact": "user"}), "");
    assert!(preview(&d, &ok).missing.is_empty());
    assert!(!preview(&d, &refused).missing.is_empty());
    assert_eq!(audit_head(&path), head);
    assert_eq!(table_counts(&path), counts);
}

#[test]
fn an_edited_matrix_applies_to_tickets_opened_afterwards_only_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite");
    let mut d = Desk::on_file(&path);
    let before = d.intake(); // user × blocked, P2 under the default matrix
    d.step(before, 5, json!({"problem_statement": "x"}))
        .unwrap();
    let m = PriorityMatrix::from_rows(&[
        vec!["P1".into(), "P2".into(), "P3".into()],
        vec!["P2".into(), "P3".into(), "P4".into()],
        vec!["P1".into(), "P3".into(), "P4".into()],
    ])
    .unwrap();
    let now = d.now;
    d.store.set_priority_matrix(&m, "admin", now).unwrap();
    let old = d.store.ticket(before).unwrap();
    assert_eq!(
        (old.priority, old.priority_computed),
        (Some(Priority::P2), Some(Priority::P2)),
        "a ticket opened before keeps its priority"
    );
    let steps = intake(
        Some(d.caller.id),
        Some(d.asset.id),
        json!({"impact": "user", "urgency": "blocked"}),
        "x",
    );
    assert_eq!(preview(&d, &steps).priority, Some(Priority::P1));
    assert_eq!(
        open_with(&mut d, &steps, Priority::P1),
        (Some(Priority::P1), Some(Priority::P1))
    );
    // The change is in the audit chain, with the matrix before and after.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (actor, was, now_is): (String, String, String) = conn
        .query_row(
            "SELECT actor, before, after FROM audit_events
             WHERE action = 'priority_matrix_changed' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(actor, "admin");
    let was: PriorityMatrix = serde_json::from_str(&was).unwrap();
    let now_is: PriorityMatrix = serde_json::from_str(&now_is).unwrap();
    assert_eq!((was, now_is), (PriorityMatrix::default(), m));
    assert!(d.store.verify_audit().is_ok());
}

/// A desk's own required intake step is part of the dry run (the opening needs it), by key; a
/// ticket started before that template was published is previewed on its own version.
#[test]
fn a_desk_intake_step_is_previewed_and_a_ticket_keeps_its_version() {
    use common::desk_steps::SITE_ACCESS;
    let mut d = Desk::new();
    let before = d.new_ticket();
    let now = d.now;
    d.store
        .publish_imported_template(
            &renumbered_template(),
            "site access at intake",
            "admin",
            now,
        )
        .unwrap();
    let (caller, asset) = (d.caller.id, d.asset.id);
    let steps = intake(
        Some(caller),
        Some(asset),
        json!({"impact": "user", "urgency": "blocked"}),
        "Printer jams",
    );
    let new = d.store.preview_intake(None, &steps, d.now).unwrap();
    let at = |p: &IntakePreview| -> Vec<String> {
        p.missing
            .iter()
            .filter(|g| g.key == SITE_ACCESS)
            .map(|g| g.message.clone())
            .collect()
    };
    assert!(
        !at(&new).is_empty(),
        "the new version's intake step is missing: {:?}",
        new.missing
    );
    let old = d.store.preview_intake(Some(before), &steps, d.now).unwrap();
    assert!(old.missing.is_empty(), "{:?}", old.missing);

    let tmpl = d.store.published_template().unwrap();
    let site = tmpl.by_key(SITE_ACCESS).unwrap();
    let mut with_site = steps.clone();
    with_site.push(IntakeStep {
        key: SITE_ACCESS.into(),
        values: vals(custom_values(site)),
    });
    let filled = d.store.preview_intake(None, &with_site, d.now).unwrap();
    assert!(filled.missing.is_empty(), "{:?}", filled.missing);
}
