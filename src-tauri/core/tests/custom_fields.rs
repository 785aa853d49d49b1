//! A desk's own step with every kind of field a desk can give it (a list with one choice and with
//! several, a paragraph, yes/no, a number, a day), on a ticket that follows the desk's template:
//! bad values are refused naming the field, a required one left empty is reported like any other,
//! and what was entered is what the sealed record and the report show.

mod common;

use common::{Desk, Upto};
use serde_json::{json, Value};
use std::process::Command;
use ticketflow_core::error::Error;
use ticketflow_core::report;
use ticketflow_core::template::{builtin as b, Condition, Field, FieldKind, Gate, Step, Template};

const SITE_CHECK: &str = "site_check";

fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind,
        required,
    }
}

/// The built-in template with the desk's site check in diagnosis, before the escalation decision.
fn template() -> Template {
    let mut t = b::msp_support_ticket();
    let list = |options: &[&str], multiple| FieldKind::List {
        options: options.iter().map(|o| o.to_string()).collect(),
        multiple,
    };
    let step = Step {
        number: 0,
        key: SITE_CHECK.into(),
        title: "Check the site".into(),
        guidance: "What the site visit found.".into(),
        fields: vec![
            field(
                "room",
                "Room",
                list(&["Server room", "Office"], false),
                true,
            ),
            field(
                "checked",
                "Checked",
                list(&["Power", "Network", "Cooling"], true),
                true,
            ),
            field(
                "notes",
                "Site notes",
                FieldKind::Paragraph { max_chars: 200 },
                false,
            ),
            field("ups_ok", "UPS healthy", FieldKind::YesNo, true),
            field("on_battery", "Ran on battery", FieldKind::YesNo, true),
            field(
                "hours",
                "Hours on site",
                FieldKind::Number {
                    min: Some(0.0),
                    max: Some(24.0),
                    decimals: 2,
                },
                true,
            ),
            field(
                "racks",
                "Racks",
                FieldKind::Number {
                    min: Some(1.0),
                    max: None,
                    decimals: 0,
                },
                false,
            ),
            field("visit_day", "Visit day", FieldKind::Date, true),
        ],
        condition: Condition::Always,
        gate: Gate::Custom,
        requires: vec![],
        resets: vec![],
        required: true,
        tools: vec![],
    };
    let diagnosis = t
        .phases
        .iter_mut()
        .find(|p| p.key == "diagnosis")
        .expect("the built-in template has a diagnosis phase");
    // A required step something needs (else the ticket could close without it): the escalation
    // decision waits for the site check.
    let decision = diagnosis
        .steps
        .iter()
        .position(|s| s.gate == Gate::EscalationDecision)
        .expect("diagnosis ends with the escalation decision");
    diagnosis.steps[decision].requires.push(SITE_CHECK.into());
    diagnosis.steps.insert(decision, step);
    t.renumber();
    t
}

fn good_values() -> Value {
    json!({
        "room": "Server room",
        "checked": ["Power", "Cooling"],
        "notes": "Rack 3 door left open",
        "ups_ok": true,
        "on_battery": false,
        // As the window sends it: the typed text.
        "hours": "2.50",
        "racks": 4,
        "visit_day": "2026-12-04",
    })
}

fn with(key: &str, value: Value) -> Value {
    let mut v = good_values();
    v[key] = value;
    v
}

/// A desk on the template, with a ticket diagnosed up to the site check.
fn at_site_check() -> (Desk, i64) {
    let mut d = Desk::with_template(template());
    let id = d.new_ticket();
    d.drive(id, Upto::Before(SITE_CHECK), &[], &[]);
    (d, id)
}

fn invalid(r: ticketflow_core::Result<impl std::fmt::Debug>) -> (String, String) {
    match r {
        Err(Error::InvalidInput { field, message }) => (field, message),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn bad_values_are_refused_naming_the_field_and_nothing_is_recorded() {
    let (mut d, id) = at_site_check();
    let n = d.n(SITE_CHECK);
    let cases = [
        (
            "visit_day",
            json!("2026-02-30"),
            "2026-02-30 is not a day of the calendar",
        ),
        (
            "visit_day",
            json!("04.12.2026"),
            "\"04.12.2026\" is not a date written YYYY-MM-DD",
        ),
        ("hours", json!("25"), "must be from 0 to 24"),
        ("hours", json!("2.125"), "at most 2 decimals"),
        ("hours", json!("two"), "type a number, such as 12.5"),
        ("racks", json!(2.5), "must be a whole number"),
        ("racks", json!(0), "must be 1 or more"),
        ("ups_ok", json!("yes"), "answer yes or no (true or false)"),
        (
            "checked",
            json!(["Power", "Heating"]),
            "not one of the options: Power, Network, Cooling",
        ),
    ];
    for (key, bad, message) in cases {
        let r = d.step(id, n, with(key, bad.clone()));
        assert_eq!(
            invalid(r),
            (key.to_string(), message.to_string()),
            "{key} = {bad}"
        );
    }
    let t = d.store.ticket(id).unwrap();
    assert!(!t.is_done(n), "a refused step records nothing");
}

#[test]
fn a_required_field_left_empty_blocks_the_step_like_any_other() {
    let (mut d, id) = at_site_check();
    let n = d.n(SITE_CHECK);
    let mut v = good_values();
    let obj = v.as_object_mut().unwrap();
    obj.remove("visit_day");
    obj.insert("hours".into(), json!(" "));
    obj.insert("ups_ok".into(), Value::Null);
    // "No" is an answer, not an empty field; an optional number may stay empty.
    obj.remove("racks");
    match d.step(id, n, v) {
        Err(Error::GateBlocked { missing, .. }) => assert_eq!(
            missing,
            vec![
                "UPS healthy is required".to_string(),
                "Hours on site is required".to_string(),
                "Visit day is required".to_string(),
            ]
        ),
        other => panic!("expected the step to be blocked, got {other:?}"),
    }
}

#[test]
fn the_values_entered_are_what_the_record_and_the_report_show() {
    let (mut d, id) = at_site_check();
    let n = d.n(SITE_CHECK);
    d.step(id, n, good_values())
        .expect("the site check is done");
    let t = d.store.ticket(id).unwrap();
    // The typed number is stored as the number it is; the rest as given.
    assert_eq!(t.value(n, "hours"), Some(&json!(2.5)));
    assert_eq!(t.value(n, "on_battery"), Some(&json!(false)));
    assert_eq!(t.value(n, "visit_day"), Some(&json!("2026-12-04")));
    assert_eq!(t.value(n, "checked"), Some(&json!(["Power", "Cooling"])));

    d.drive(id, Upto::Before(b::CLOSE), &[], &[]);
    d.close(id).expect("the ticket closes");

    let sealed = d.store.closure_record(id).unwrap();
    let part = sealed
        .record
        .steps
        .iter()
        .find(|s| s.key == SITE_CHECK && !s.superseded)
        .expect("the site check is in the record");
    let stored: Value = serde_json::to_value(&part.values).unwrap();
    let mut expected = good_values();
    expected["hours"] = json!(2.5);
    assert_eq!(stored, expected, "the record holds what was entered");

    let input = d.store.report_input_of(id).unwrap();
    let pdf = report::render_unsigned(&input, d.now).unwrap();
    let text = pdf_text(&pdf);
    let squashed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The desk's template is version 2 (the built-in one is version 1): the report says which
    // version the ticket followed.
    assert_eq!(t.template_version, 2);
    for line in [
        "version 2",
        "Check the site",
        "Room Server room",
        "Checked Power, Cooling",
        "Site notes Rack 3 door left open",
        "UPS healthy Yes",
        "Ran on battery No",
        "Hours on site 2.5",
        "Racks 4",
        "Visit day 4 Dec 2026",
    ] {
        assert!(
            squashed.contains(line),
            "the report does not show {line:?}:\n{text}"
        );
    }
    assert!(
        !squashed.contains("2026-12-04"),
        "the day is written as the report writes days"
    );
}

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
