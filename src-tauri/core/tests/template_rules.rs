//! The rules a desk's template keeps (issue 15): each rule has a template that breaks it and is
//! refused with its code at its path, the desk's own changes that keep the rules validate clean,
//! the diff between versions reads as a person would say it, and templates survive export and
//! import while hostile files are refused with problems, never a panic. The published JSON Schema
//! is checked against the Rust types and against the export, so neither can drift silently.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use ticketflow_core::template::builtin::{self as b, PARAGRAPH_MAX};
use ticketflow_core::template::diff::{diff, ChangeKind};
use ticketflow_core::template::exchange::{
    from_bytes, from_json, to_json, FIELD_PROPS, MAX_FILE_BYTES, MAX_PROBLEMS, PHASE_PROPS,
    SCHEMA_URL, STEP_PROPS, TEMPLATE_PROPS,
};
use ticketflow_core::template::validate::{code, protected_rule, validate, MAX_STEPS};
use ticketflow_core::template::{
    msp_support_ticket, Condition, Field, FieldKind, Gate, SignerRole, Step, Template, ToolKind,
    PROTECTED_STEPS,
};

// ---------------------------------------------------------------------------------------------
// Helpers

fn problems(t: &Template) -> Vec<(String, String)> {
    validate(t).into_iter().map(|p| (p.code, p.path)).collect()
}

fn one(code: &str, path: &str) -> Vec<(String, String)> {
    vec![(code.to_string(), path.to_string())]
}

/// Asserts `t` has the problem `code` at `path` (among others the change causes as well).
fn has(t: &Template, code: &str, path: &str) {
    let p = problems(t);
    assert!(
        p.contains(&(code.to_string(), path.to_string())),
        "expected {code} at {path}, got {p:?}"
    );
}

fn list(key: &str, label: &str, options: &[&str]) -> Field {
    Field {
        key: key.into(),
        label: label.into(),
        kind: FieldKind::List {
            options: options.iter().map(|o| o.to_string()).collect(),
            multiple: false,
        },
        required: true,
    }
}

fn custom(key: &str, title: &str, required: bool) -> Step {
    Step {
        number: 0,
        key: key.into(),
        title: title.into(),
        guidance: "Look at last night's backup job for the affected device.".into(),
        fields: vec![list(
            "status",
            "Backup status",
            &["ok", "failing", "not applicable"],
        )],
        condition: Condition::Always,
        gate: Gate::Custom,
        requires: vec![],
        resets: vec![],
        required,
        tools: vec![],
    }
}

/// (phase, index) of the step with `key`.
fn at(t: &Template, key: &str) -> (usize, usize) {
    t.phases
        .iter()
        .enumerate()
        .find_map(|(p, ph)| ph.steps.iter().position(|s| s.key == key).map(|i| (p, i)))
        .unwrap_or_else(|| panic!("no step {key}"))
}

fn step_mut<'a>(t: &'a mut Template, key: &str) -> &'a mut Step {
    let (p, i) = at(t, key);
    &mut t.phases[p].steps[i]
}

fn path_of(t: &Template, key: &str) -> String {
    let (p, i) = at(t, key);
    format!("phases[{p}].steps[{i}]")
}

/// Adds `s` to the closure phase just before the close step (optional custom steps there need
/// nothing else), renumbered.
fn add_to_closure(t: &mut Template, s: Step) {
    let close = t.phases[3].steps.len() - 1;
    t.phases[3].steps.insert(close, s);
    t.renumber();
}

/// The desk's change from the issue: a required "Check backup status" step in Diagnosis, just
/// before the escalation decision, which now needs it.
fn with_backup_check() -> Template {
    let mut t = msp_support_ticket();
    let (p, i) = at(&t, b::ESCALATION_DECISION);
    t.phases[p]
        .steps
        .insert(i, custom("backup_check", "Check backup status", true));
    step_mut(&mut t, b::ESCALATION_DECISION)
        .requires
        .push("backup_check".into());
    t.version = 2;
    t.renumber();
    t
}

// ---------------------------------------------------------------------------------------------
// Templates that keep the rules

#[test]
fn the_builtin_template_validates_clean() {
    assert_eq!(validate(&msp_support_ticket()), vec![]);
}

#[test]
fn a_required_backup_check_before_the_escalation_decision_validates_clean() {
    let t = with_backup_check();
    assert_eq!(validate(&t), vec![]);
    assert_eq!(t.number_of("backup_check"), Some(10));
    assert_eq!(t.number_of(b::ESCALATION_DECISION), Some(11));
}

#[test]
fn reordered_and_renumbered_templates_keep_validating() {
    let mut t = with_backup_check();
    // The backup check to the start of diagnosis, csat before the summary, monitoring after the
    // documentation, and every phase re-titled.
    let (p, i) = at(&t, "backup_check");
    let s = t.phases[p].steps.remove(i);
    t.phases[p].steps.insert(0, s);
    let (p, i) = at(&t, b::CSAT);
    let s = t.phases[p].steps.remove(i);
    t.phases[p].steps.insert(0, s);
    t.phases[2].steps.swap(3, 4);
    for ph in &mut t.phases {
        ph.title = format!("{} (desk)", ph.title);
    }
    t.renumber();
    assert_eq!(validate(&t), vec![]);
    // Renumbering again changes nothing.
    let before = t.clone();
    t.renumber();
    assert_eq!(t, before);
    assert_eq!(validate(&t), vec![]);
}

#[test]
fn labels_titles_and_guidance_of_protected_steps_may_change() {
    let mut t = msp_support_ticket();
    let s = step_mut(&mut t, b::VERIFY_FIX);
    s.title = "Check with the user".into();
    s.guidance = "Our own words.".into();
    s.fields[0].label = "Result".into();
    s.tools = vec![ToolKind::RemoteSession];
    // A protected step may gain requirements and fields of the desk's own.
    s.requires.push(b::ESCALATION_DECISION.into());
    s.fields
        .push(list("follow_up", "Follow-up", &["none", "call back"]));
    assert_eq!(validate(&t), vec![]);
}

#[test]
fn non_protected_built_in_steps_may_go_or_change_like_the_desks_own() {
    let mut t = msp_support_ticket();
    for key in [
        "reproduce",
        "change_history",
        "edr_alerts",
        "runbook_search",
    ] {
        let (p, i) = at(&t, key);
        t.phases[p].steps.remove(i);
    }
    step_mut(&mut t, b::ESCALATION_DECISION).requires.clear();
    let (p, i) = at(&t, "check_noc");
    t.phases[p].steps.remove(i);
    step_mut(&mut t, b::OPEN_TICKET)
        .requires
        .retain(|k| k != "check_noc");
    let s = step_mut(&mut t, "monitoring_check");
    s.required = false;
    s.fields = vec![list("state", "State", &["green", "amber"])];
    t.renumber();
    assert_eq!(validate(&t), vec![]);
}

// ---------------------------------------------------------------------------------------------
// Each rule, broken

#[test]
fn every_protected_step_removed_is_refused_naming_its_rule() {
    for key in PROTECTED_STEPS {
        let mut t = msp_support_ticket();
        let (p, i) = at(&t, key);
        let title = t.phases[p].steps[i].title.clone();
        t.phases[p].steps.remove(i);
        t.renumber();
        let found = validate(&t);
        let removed = found
            .iter()
            .find(|x| x.code == code::PROTECTED_STEP_REMOVED)
            .unwrap_or_else(|| panic!("removing {key} passed: {found:?}"));
        assert_eq!(removed.path, format!("phases[{p}].steps"));
        assert!(removed.message.contains(&title), "{}", removed.message);
        assert!(removed.message.contains(protected_rule(key).unwrap()));
        assert!(removed
            .message
            .contains("it can be re-titled or moved, not removed"));
    }
    let mut t = msp_support_ticket();
    t.phases[0].steps.remove(0);
    t.renumber();
    let m = validate(&t)
        .into_iter()
        .find(|x| x.code == code::PROTECTED_STEP_REMOVED)
        .unwrap()
        .message;
    assert!(m.starts_with("\"Verify the caller against the PSA contact record\" (verify_caller) keeps unauthorized callers out"), "{m}");
}

#[test]
fn the_four_phases_stay_in_order() {
    let mut t = msp_support_ticket();
    t.phases.swap(0, 1);
    t.renumber();
    has(&t, code::PHASES_CHANGED, "phases");
    let mut t = msp_support_ticket();
    t.phases[3].key = "wrap_up".into();
    has(&t, code::PHASES_CHANGED, "phases");
    let mut t = msp_support_ticket();
    t.phases[1].title = "  ".into();
    assert_eq!(problems(&t), one(code::PHASE_TITLE, "phases[1].title"));
}

#[test]
fn built_in_steps_stay_in_their_phase() {
    let mut t = msp_support_ticket();
    let (p, i) = at(&t, b::CSAT);
    let s = t.phases[p].steps.remove(i);
    t.phases[2].steps.push(s);
    t.renumber();
    assert_eq!(
        problems(&t),
        one(code::STEP_WRONG_PHASE, &path_of(&t, b::CSAT))
    );
    // Non-protected built-in steps too: their gate decides when they can be worked on.
    let mut t = msp_support_ticket();
    let (p, i) = at(&t, "check_noc");
    let s = t.phases[p].steps.remove(i);
    t.phases[1].steps.insert(0, s);
    t.renumber();
    has(&t, code::STEP_WRONG_PHASE, &path_of(&t, "check_noc"));
}

#[test]
fn built_in_steps_keep_their_gate_and_condition() {
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::VERIFY_CALLER).gate = Gate::Custom;
    assert_eq!(
        problems(&t),
        one(code::STEP_GATE_CHANGED, "phases[0].steps[0].gate")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, "reproduce").gate = Gate::Custom;
    assert_eq!(
        problems(&t),
        one(code::STEP_GATE_CHANGED, "phases[1].steps[0].gate")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::TIER2_HANDOFF).condition = Condition::Always;
    assert_eq!(
        problems(&t),
        one(
            code::PROTECTED_CONDITION_CHANGED,
            "phases[2].steps[0].condition"
        )
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, "reproduce").condition = Condition::WhenEscalated;
    assert_eq!(
        problems(&t),
        one(code::STEP_CONDITION, "phases[1].steps[0].condition")
    );
}

#[test]
fn protected_steps_stay_required_with_their_fields() {
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::CSAT).required = false;
    assert_eq!(
        problems(&t),
        one(code::PROTECTED_STEP_OPTIONAL, "phases[3].steps[2].required")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::VERIFY_CALLER).fields.remove(1);
    assert_eq!(
        problems(&t),
        one(code::PROTECTED_FIELD_REMOVED, "phases[0].steps[0].fields")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::VERIFY_FIX).fields[0] = list(
        "outcome",
        "Outcome",
        &[b::VERIFIED, "Partly", b::STILL_FAILING],
    );
    assert_eq!(
        problems(&t),
        one(
            code::PROTECTED_FIELD_CHANGED,
            "phases[2].steps[2].fields[0].kind"
        )
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::CLOSE).fields[2].required = false;
    assert_eq!(
        problems(&t),
        one(
            code::PROTECTED_FIELD_CHANGED,
            "phases[3].steps[5].fields[2].required"
        )
    );
}

#[test]
fn protected_steps_keep_their_protected_prerequisites_and_resets() {
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::OPEN_TICKET)
        .requires
        .retain(|k| k != "scope_assets");
    assert_eq!(
        problems(&t),
        one(
            code::PROTECTED_REQUIRES_DROPPED,
            "phases[0].steps[4].requires"
        )
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::REOPEN_REASSIGN)
        .resets
        .retain(|k| k != b::VERIFY_FIX);
    assert_eq!(
        problems(&t),
        one(code::PROTECTED_RESETS_DROPPED, "phases[3].steps[1].resets")
    );
}

#[test]
fn the_desks_own_steps_have_a_custom_gate_and_always_apply() {
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.gate = Gate::Diagnosis;
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::CUSTOM_STEP_GATE, "phases[3].steps[5].gate")
    );
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.condition = Condition::AfterFailedVerification;
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::STEP_CONDITION, "phases[3].steps[5].condition")
    );
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.resets = vec![b::APPLY_FIX.into()];
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::RESETS_NOT_ALLOWED, "phases[3].steps[5].resets")
    );
}

#[test]
fn prerequisites_exist_and_come_first() {
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::APPLY_FIX)
        .requires
        .push("nowhere".into());
    assert_eq!(
        problems(&t),
        one(
            code::REQUIRES_UNKNOWN_STEP,
            "phases[2].steps[1].requires[2]"
        )
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::APPLY_FIX)
        .requires
        .push(b::APPLY_FIX.into());
    assert_eq!(
        problems(&t),
        one(code::REQUIRES_SELF, "phases[2].steps[1].requires[2]")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::APPLY_FIX)
        .requires
        .push(b::TIER2_HANDOFF.into());
    assert_eq!(
        problems(&t),
        one(code::REQUIRES_DUPLICATE, "phases[2].steps[1].requires[2]")
    );
    // The backup check moved after the decision that needs it.
    let mut t = with_backup_check();
    let (p, i) = at(&t, "backup_check");
    let s = t.phases[p].steps.remove(i);
    t.phases[p].steps.push(s);
    t.renumber();
    let found = validate(&t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, code::REQUIRES_ORDER);
    assert_eq!(found[0].path, "phases[1].steps[4].requires[4]");
    assert!(found[0].message.starts_with(
        "\"Decide whether to escalate to Tier 2\" must come after \"Check backup status\", which it needs first"
    ));
}

#[test]
fn only_the_reopen_sets_aside_and_only_earlier_steps() {
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::REOPEN_REASSIGN)
        .resets
        .push("gone".into());
    assert_eq!(
        problems(&t),
        one(code::RESETS_UNKNOWN_STEP, "phases[3].steps[1].resets[4]")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::REOPEN_REASSIGN)
        .resets
        .push(b::CSAT.into());
    assert_eq!(
        problems(&t),
        one(code::RESETS_ORDER, "phases[3].steps[1].resets[4]")
    );
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::APPLY_FIX)
        .resets
        .push(b::ESCALATION_DECISION.into());
    assert_eq!(
        problems(&t),
        one(code::RESETS_NOT_ALLOWED, "phases[2].steps[1].resets")
    );
}

#[test]
fn close_is_the_last_step() {
    let mut t = msp_support_ticket();
    t.phases[3].steps.swap(4, 5);
    t.renumber();
    assert_eq!(
        problems(&t),
        one(code::CLOSE_NOT_LAST, "phases[3].steps[4]")
    );
}

#[test]
fn a_required_step_that_could_never_be_done_is_refused() {
    // Required, in diagnosis, and nothing before the verification needs it: once the fix is
    // verified it can no longer be worked on, and the ticket could never close.
    let mut t = msp_support_ticket();
    t.phases[1]
        .steps
        .insert(0, custom("backup_check", "Check backup status", true));
    t.renumber();
    let found = validate(&t);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, code::STEP_UNREACHABLE);
    assert_eq!(found[0].path, "phases[1].steps[0]");
    assert!(found[0].message.contains("or make it optional"));
    // Optional, it may simply be skipped.
    t.phases[1].steps[0].required = false;
    assert_eq!(validate(&t), vec![]);
    // The same goes for a built-in intake step the opening no longer needs.
    let mut t = msp_support_ticket();
    step_mut(&mut t, b::OPEN_TICKET)
        .requires
        .retain(|k| k != "check_noc");
    assert_eq!(
        problems(&t),
        one(code::STEP_UNREACHABLE, "phases[0].steps[3]")
    );
    step_mut(&mut t, "check_noc").required = false;
    assert_eq!(validate(&t), vec![]);
    // In closure a required step of the desk's own is always reachable.
    let mut t = msp_support_ticket();
    add_to_closure(&mut t, custom("backup_check", "Check backup status", true));
    assert_eq!(validate(&t), vec![]);
}

#[test]
fn step_keys_are_slugs_and_unique() {
    let mut t = msp_support_ticket();
    add_to_closure(&mut t, custom("Check-Backup", "Check backup status", false));
    assert_eq!(
        problems(&t),
        one(code::STEP_KEY_INVALID, "phases[3].steps[5].key")
    );
    let mut t = msp_support_ticket();
    add_to_closure(&mut t, custom("backup_check", "Check backup status", false));
    add_to_closure(&mut t, custom("backup_check", "Check backups again", false));
    assert_eq!(
        problems(&t),
        one(code::STEP_KEY_DUPLICATE, "phases[3].steps[6].key")
    );
    let mut t = msp_support_ticket();
    add_to_closure(&mut t, custom(&"k".repeat(49), "Long key", false));
    has(&t, code::STEP_KEY_INVALID, "phases[3].steps[5].key");
}

#[test]
fn step_numbers_are_positions() {
    let mut t = msp_support_ticket();
    t.phases[1].steps.swap(0, 1);
    assert_eq!(
        problems(&t),
        vec![
            (code::STEP_NUMBER.into(), "phases[1].steps[0].number".into()),
            (code::STEP_NUMBER.into(), "phases[1].steps[1].number".into()),
        ]
    );
    t.renumber();
    assert_eq!(validate(&t), vec![]);
}

/// A change to a step, for tables of cases.
type Edit = fn(&mut Step);

#[test]
fn titles_and_guidance_are_bounded_and_not_blank() {
    let cases: Vec<(Edit, &str, &str)> = vec![
        (|s| s.title = String::new(), code::STEP_TITLE, ".title"),
        (|s| s.title = "x".repeat(121), code::STEP_TITLE, ".title"),
        (
            |s| s.title = "two\nlines".into(),
            code::STEP_TITLE,
            ".title",
        ),
        (
            |s| s.guidance = " \n ".into(),
            code::STEP_GUIDANCE,
            ".guidance",
        ),
        (
            |s| s.guidance = "g".repeat(4001),
            code::STEP_GUIDANCE,
            ".guidance",
        ),
        (
            |s| s.fields[0].label = String::new(),
            code::FIELD_LABEL,
            ".fields[0].label",
        ),
    ];
    for (change, code, suffix) in cases {
        let mut t = msp_support_ticket();
        change(step_mut(&mut t, "reproduce"));
        assert_eq!(
            problems(&t),
            one(code, &format!("phases[1].steps[0]{suffix}"))
        );
    }
    let mut t = msp_support_ticket();
    let s = step_mut(&mut t, "reproduce");
    s.title = "é".repeat(120);
    s.guidance = "g".repeat(4000);
    assert_eq!(validate(&t), vec![]);
}

#[test]
fn the_template_name_key_description_and_rules_schema_are_checked() {
    let mut t = msp_support_ticket();
    t.name = " ".into();
    assert_eq!(problems(&t), one(code::TEMPLATE_NAME, "name"));
    t.name = "n".repeat(121);
    assert_eq!(problems(&t), one(code::TEMPLATE_NAME, "name"));
    let mut t = msp_support_ticket();
    t.key = "Our Template".into();
    assert_eq!(problems(&t), one(code::TEMPLATE_KEY, "key"));
    let mut t = msp_support_ticket();
    t.description = "d".repeat(4001);
    assert_eq!(problems(&t), one(code::TEMPLATE_DESCRIPTION, "description"));
    let mut t = msp_support_ticket();
    t.rules_schema = 0;
    assert_eq!(problems(&t), one(code::RULES_SCHEMA, "rules_schema"));
}

#[test]
fn at_most_eighty_steps() {
    let mut t = msp_support_ticket();
    let room = MAX_STEPS - t.steps().count();
    for i in 0..room {
        add_to_closure(
            &mut t,
            custom(&format!("extra_{i}"), &format!("Extra {i}"), false),
        );
    }
    assert_eq!(validate(&t), vec![]);
    add_to_closure(&mut t, custom("one_too_many", "One too many", false));
    assert_eq!(problems(&t), one(code::TOO_MANY_STEPS, "phases"));
}

#[test]
fn the_desks_own_steps_need_fields_with_unique_slug_keys() {
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.fields.clear();
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::STEP_NO_FIELDS, "phases[3].steps[5].fields")
    );
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.fields.push(list("status", "Again", &["a"]));
    s.fields.push(list("Bad Key", "Bad", &["a"]));
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        vec![
            (
                code::FIELD_KEY_DUPLICATE.into(),
                "phases[3].steps[5].fields[1].key".into()
            ),
            (
                code::FIELD_KEY_INVALID.into(),
                "phases[3].steps[5].fields[2].key".into()
            ),
        ]
    );
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.fields = (0..41)
        .map(|i| list(&format!("f{i}"), &format!("F{i}"), &["a"]))
        .collect();
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::TOO_MANY_FIELDS, "phases[3].steps[5].fields")
    );
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.tools = vec![ToolKind::Rmm, ToolKind::Rmm];
    add_to_closure(&mut t, s);
    assert_eq!(
        problems(&t),
        one(code::TOOL_DUPLICATE, "phases[3].steps[5].tools[1]")
    );
}

fn with_kind(kind: FieldKind) -> Vec<(String, String)> {
    let mut t = msp_support_ticket();
    let mut s = custom("desk_note", "Desk note", false);
    s.fields[0].kind = kind;
    add_to_closure(&mut t, s);
    problems(&t)
}

fn options(o: &[&str]) -> FieldKind {
    FieldKind::List {
        options: o.iter().map(|s| s.to_string()).collect(),
        multiple: true,
    }
}

const KIND: &str = "phases[3].steps[5].fields[0].kind";

#[test]
fn list_options_are_non_empty_unique_trimmed_and_few() {
    assert_eq!(
        with_kind(options(&[])),
        one(code::LIST_OPTIONS_EMPTY, &format!("{KIND}.options"))
    );
    assert_eq!(
        with_kind(options(&["ok", "failing", "ok"])),
        one(code::LIST_OPTION_DUPLICATE, &format!("{KIND}.options[2]"))
    );
    assert_eq!(
        with_kind(options(&["ok", " failing"])),
        one(code::LIST_OPTION_INVALID, &format!("{KIND}.options[1]"))
    );
    assert_eq!(
        with_kind(options(&["ok", "  "])),
        one(code::LIST_OPTION_INVALID, &format!("{KIND}.options[1]"))
    );
    let many: Vec<String> = (0..51).map(|i| format!("option {i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    assert_eq!(
        with_kind(options(&many)),
        one(code::LIST_TOO_MANY_OPTIONS, &format!("{KIND}.options"))
    );
    assert_eq!(with_kind(options(&many[..50])), vec![]);
}

#[test]
fn paragraph_limits_and_number_bounds_are_sane() {
    for bad in [0, PARAGRAPH_MAX + 1] {
        assert_eq!(
            with_kind(FieldKind::Paragraph { max_chars: bad }),
            one(code::PARAGRAPH_MAX_CHARS, &format!("{KIND}.max_chars"))
        );
    }
    for good in [1, PARAGRAPH_MAX] {
        assert_eq!(with_kind(FieldKind::Paragraph { max_chars: good }), vec![]);
    }
    let number = |min, max| FieldKind::Number {
        min,
        max,
        decimals: 2,
    };
    assert_eq!(
        with_kind(number(Some(10.0), Some(1.0))),
        one(code::NUMBER_RANGE, &format!("{KIND}.min"))
    );
    assert_eq!(with_kind(number(Some(1.0), Some(1.0))), vec![]);
    assert_eq!(with_kind(number(None, Some(-1.0))), vec![]);
    assert_eq!(
        with_kind(FieldKind::Number {
            min: None,
            max: None,
            decimals: 16
        }),
        one(code::NUMBER_RANGE, &format!("{KIND}.decimals"))
    );
}

/// One of every field kind. The match fails to compile when a kind is added: add it here, to
/// the rules and to docs/template.schema.json.
fn every_kind() -> Vec<FieldKind> {
    let all = vec![
        options(&["a", "b"]),
        FieldKind::Paragraph { max_chars: 100 },
        FieldKind::YesNo,
        FieldKind::Number {
            min: Some(0.0),
            max: Some(8.0),
            decimals: 1,
        },
        FieldKind::Date,
        FieldKind::Signature {
            role: SignerRole::EndUser,
            meaning: "agreed".into(),
        },
        FieldKind::Contact,
        FieldKind::Assets,
        FieldKind::Impact,
        FieldKind::Urgency,
        FieldKind::ParentIncident,
        FieldKind::RunbookLinks,
        FieldKind::Rating,
    ];
    for k in &all {
        match k {
            FieldKind::List { .. }
            | FieldKind::Paragraph { .. }
            | FieldKind::YesNo
            | FieldKind::Number { .. }
            | FieldKind::Date
            | FieldKind::Signature { .. }
            | FieldKind::Contact
            | FieldKind::Assets
            | FieldKind::Impact
            | FieldKind::Urgency
            | FieldKind::ParentIncident
            | FieldKind::RunbookLinks
            | FieldKind::Rating => {}
        }
    }
    all
}

#[test]
fn kinds_with_built_in_rules_stay_off_the_desks_own_steps() {
    for kind in every_kind() {
        let desk_kind = matches!(
            kind,
            FieldKind::List { .. }
                | FieldKind::Paragraph { .. }
                | FieldKind::YesNo
                | FieldKind::Number { .. }
                | FieldKind::Date
        );
        let expected = if desk_kind {
            vec![]
        } else {
            one(code::FIELD_KIND_RESERVED, KIND)
        };
        assert_eq!(with_kind(kind.clone()), expected, "{kind:?}");
    }
}

#[test]
fn every_problem_is_listed_not_just_the_first() {
    let mut t = with_backup_check();
    t.name = String::new();
    step_mut(&mut t, "backup_check").fields[0].kind = options(&[]);
    step_mut(&mut t, b::CSAT).required = false;
    let (p, i) = at(&t, b::VERIFY_CALLER);
    t.phases[p].steps.remove(i);
    t.renumber();
    let codes: BTreeSet<String> = validate(&t).into_iter().map(|p| p.code).collect();
    for c in [
        code::TEMPLATE_NAME,
        code::LIST_OPTIONS_EMPTY,
        code::PROTECTED_STEP_OPTIONAL,
        code::PROTECTED_STEP_REMOVED,
        code::REQUIRES_UNKNOWN_STEP,
    ] {
        assert!(codes.contains(c), "{c} missing from {codes:?}");
    }
    for p in validate(&t) {
        assert!(!p.message.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Diff

#[test]
fn the_backup_check_change_reads_as_expected() {
    let changes = diff(&msp_support_ticket(), &with_backup_check());
    let lines: Vec<(ChangeKind, Option<&str>, &str)> = changes
        .iter()
        .map(|c| (c.kind, c.step.as_deref(), c.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (
                ChangeKind::StepAdded,
                Some("backup_check"),
                "Added \"Check backup status\" to Diagnosis and Investigation, after \"Search IT Glue for the client-specific runbook\" (required; list: ok / failing / not applicable)"
            ),
            (
                ChangeKind::RequiresChanged,
                Some("escalation_decision"),
                "\"Decide whether to escalate to Tier 2\" now needs \"Check backup status\" first"
            ),
        ]
    );
    // And back: the step removed, the requirement gone.
    let back = diff(&with_backup_check(), &msp_support_ticket());
    let texts: Vec<&str> = back.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "\"Decide whether to escalate to Tier 2\" no longer needs \"Check backup status\"",
            "Removed \"Check backup status\" from Diagnosis and Investigation",
        ]
    );
}

#[test]
fn the_diff_names_each_kind_of_change_in_template_order() {
    let old = msp_support_ticket();
    let mut new = old.clone();
    new.name = "Our desk".into();
    new.phases[3].title = "Wrap-up".into();
    let s = step_mut(&mut new, b::VERIFY_CALLER);
    s.title = "Check who is calling".into();
    s.guidance = "Ask for the PIN.".into();
    s.fields[0].label = "Who".into();
    s.fields[2].required = true;
    s.tools.push(ToolKind::Rmm);
    let s = step_mut(&mut new, "monitoring_check");
    s.fields.push(Field {
        key: "ok".into(),
        label: "All green".into(),
        kind: FieldKind::YesNo,
        required: true,
    });
    let s = step_mut(&mut new, "document_resolution");
    s.fields.remove(2);
    s.required = false;
    let (p, i) = at(&new, "reproduce");
    new.phases[p].steps.remove(i);
    step_mut(&mut new, b::ESCALATION_DECISION)
        .requires
        .retain(|k| k != "reproduce");
    new.renumber();
    let kinds: Vec<(ChangeKind, Option<String>)> = diff(&old, &new)
        .into_iter()
        .map(|c| (c.kind, c.step))
        .collect();
    let k = |s: &str| Some(s.to_string());
    assert_eq!(
        kinds,
        vec![
            (ChangeKind::NameChanged, None),
            (ChangeKind::StepRetitled, k("verify_caller")),
            (ChangeKind::GuidanceChanged, k("verify_caller")),
            (ChangeKind::FieldChanged, k("verify_caller")),
            (ChangeKind::RequiredChanged, k("verify_caller")),
            (ChangeKind::ToolsChanged, k("verify_caller")),
            (ChangeKind::RequiresChanged, k("escalation_decision")),
            (ChangeKind::StepRemoved, k("reproduce")),
            (ChangeKind::FieldAdded, k("monitoring_check")),
            (ChangeKind::RequiredChanged, k("document_resolution")),
            (ChangeKind::FieldRemoved, k("document_resolution")),
            (ChangeKind::PhaseRetitled, None),
        ]
    );
    let texts: Vec<String> = diff(&old, &new).into_iter().map(|c| c.text).collect();
    assert!(texts.contains(&"\"Check who is calling\" now shows PSA, RMM (was PSA)".to_string()));
    assert!(texts.contains(
        &"Added the field \"All green\" to \"Confirm no regression in monitoring\" (yes/no)"
            .to_string()
    ));
    assert!(
        texts.contains(&"Renamed the phase \"Closure and Follow-Up\" to \"Wrap-up\"".to_string())
    );
}

#[test]
fn a_moved_step_is_one_line_not_one_per_shifted_step() {
    let old = with_backup_check();
    let mut new = old.clone();
    let (p, i) = at(&new, "backup_check");
    let s = new.phases[p].steps.remove(i);
    new.phases[p].steps.insert(0, s);
    new.renumber();
    let c = diff(&old, &new);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0].kind, ChangeKind::StepMoved);
    assert_eq!(
        c[0].text,
        "Moved \"Check backup status\" to the start of Diagnosis and Investigation"
    );
}

// ---------------------------------------------------------------------------------------------
// Export and import

#[test]
fn export_then_import_gives_the_same_template() {
    for t in [msp_support_ticket(), with_backup_check()] {
        let json = to_json(&t);
        assert_eq!(from_json(&json), Ok(t.clone()));
        assert_eq!(from_bytes(json.as_bytes()), Ok(t.clone()));
        assert_eq!(to_json(&from_json(&json).unwrap()), json);
    }
}

#[test]
fn an_imported_template_is_numbered_by_position() {
    let t = with_backup_check();
    let mut v: Value = serde_json::from_str(&to_json(&t)).unwrap();
    // Numbers as a hand edit might leave them: stale and duplicated.
    for ph in v["phases"].as_array_mut().unwrap() {
        for s in ph["steps"].as_array_mut().unwrap() {
            s["number"] = json!(7);
        }
    }
    assert_eq!(from_json(&v.to_string()), Ok(t));
}

#[test]
fn an_import_lists_every_rule_it_breaks() {
    let mut t = with_backup_check();
    step_mut(&mut t, b::CSAT).required = false;
    step_mut(&mut t, "backup_check").fields[0].kind = options(&["ok", "ok"]);
    t.phases[0].steps.remove(0);
    let found = from_json(&to_json(&t)).expect_err("refused");
    let codes: BTreeSet<&str> = found.iter().map(|p| p.code.as_str()).collect();
    for c in [
        code::PROTECTED_STEP_OPTIONAL,
        code::LIST_OPTION_DUPLICATE,
        code::PROTECTED_STEP_REMOVED,
    ] {
        assert!(codes.contains(c), "{c} missing from {codes:?}");
    }
    // Numbered on import: no complaint about the stale numbers the removal left.
    assert!(!codes.contains(code::STEP_NUMBER));
}

fn import_codes(s: &str) -> Vec<(String, String)> {
    from_json(s)
        .expect_err("refused")
        .into_iter()
        .map(|p| (p.code, p.path))
        .collect()
}

#[test]
fn hostile_files_give_problems_not_panics() {
    // Deep nesting, in arrays and in objects.
    assert_eq!(
        import_codes(&"[".repeat(100_000)),
        one(code::FILE_TOO_DEEP, "")
    );
    assert_eq!(
        import_codes(&format!(
            "{}1{}",
            "{\"a\":".repeat(50_000),
            "}".repeat(50_000)
        )),
        one(code::FILE_TOO_DEEP, "")
    );
    // 3 MB, as text and as bytes; the limit itself passes the size check.
    let big = format!("\"{}\"", "x".repeat(3 * 1024 * 1024));
    assert_eq!(import_codes(&big), one(code::FILE_TOO_LARGE, ""));
    assert_eq!(
        from_bytes(big.as_bytes()).unwrap_err()[0].code,
        code::FILE_TOO_LARGE
    );
    let at_limit = format!("\"{}\"", "x".repeat(MAX_FILE_BYTES - 2));
    assert_eq!(import_codes(&at_limit), one(code::WRONG_TYPE, ""));
    // Not UTF-8, not JSON.
    let mut latin1 = to_json(&msp_support_ticket()).into_bytes();
    latin1.extend_from_slice(&[0xe9, 0xff]);
    assert_eq!(
        from_bytes(&latin1).unwrap_err()[0].code,
        code::FILE_NOT_UTF8
    );
    assert_eq!(import_codes("{\"name\": "), one(code::FILE_NOT_JSON, ""));
    assert_eq!(import_codes(""), one(code::FILE_NOT_JSON, ""));
    // Wrong types where the template has its parts.
    assert_eq!(import_codes("[]"), one(code::WRONG_TYPE, ""));
    let mut v: Value = serde_json::from_str(&to_json(&msp_support_ticket())).unwrap();
    v["phases"] = json!("all of them");
    v["name"] = json!(42);
    assert_eq!(
        import_codes(&v.to_string()),
        vec![
            (code::WRONG_TYPE.into(), "name".into()),
            (code::WRONG_TYPE.into(), "phases".into()),
        ]
    );
    // An unknown gate, condition and field type.
    let mut v: Value = serde_json::from_str(&to_json(&msp_support_ticket())).unwrap();
    v["phases"][1]["steps"][0]["gate"] = json!("skip_everything");
    v["phases"][1]["steps"][1]["condition"] = json!("never");
    v["phases"][1]["steps"][2]["fields"][0]["kind"] = json!({"type": "script", "code": "rm -rf"});
    v["phases"][1]["steps"][3]["fields"][0]["kind"] = json!(["paragraph"]);
    assert_eq!(
        import_codes(&v.to_string()),
        vec![
            (code::UNKNOWN_VALUE.into(), "phases[1].steps[0].gate".into()),
            (
                code::UNKNOWN_VALUE.into(),
                "phases[1].steps[1].condition".into()
            ),
            (
                code::UNKNOWN_VALUE.into(),
                "phases[1].steps[2].fields[0].kind".into()
            ),
            (
                code::WRONG_TYPE.into(),
                "phases[1].steps[3].fields[0].kind".into()
            ),
        ]
    );
    // Missing parts, and no format version at all.
    let mut v: Value = serde_json::from_str(&to_json(&msp_support_ticket())).unwrap();
    let o = v.as_object_mut().unwrap();
    o.remove("format_version");
    o.remove("name");
    assert_eq!(
        import_codes(&v.to_string()),
        vec![
            (code::FORMAT_VERSION.into(), "format_version".into()),
            (code::MISSING_PROPERTY.into(), "name".into()),
        ]
    );
    // A flood of wrong values is capped, with a last line saying how many more there were.
    let flood = format!(
        "{{\"format_version\":1,\"key\":\"k\",\"version\":1,\"name\":\"n\",\"phases\":[{{\"key\":\"intake\",\"title\":\"t\",\"steps\":[{{\"key\":\"a\",\"title\":\"t\",\"guidance\":\"g\",\"fields\":[],\"condition\":\"always\",\"gate\":\"custom\",\"requires\":[{}]}}]}}]}}",
        vec!["1"; 100_000].join(",")
    );
    let found = from_json(&flood).unwrap_err();
    assert_eq!(found.len(), MAX_PROBLEMS + 1);
    assert!(
        found[MAX_PROBLEMS].message.contains("99800 more"),
        "{}",
        found[MAX_PROBLEMS].message
    );
}

#[test]
fn corrupted_exports_never_panic() {
    // Deterministic byte flips, truncations and splices of a real export.
    let json = to_json(&with_backup_check()).into_bytes();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let noise = [
        b'{', b'}', b'[', b']', b'"', b',', b':', b'0', b'-', b'\\', 0xff, b'x',
    ];
    let mut refused = 0;
    for _ in 0..400 {
        let mut bytes = json.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % bytes.len();
            match next() % 3 {
                0 => bytes[at] = noise[(next() as usize) % noise.len()],
                1 => bytes.truncate(at.max(1)),
                _ => {
                    let from = (next() as usize) % bytes.len();
                    let chunk: Vec<u8> = bytes[from..(from + 40).min(bytes.len())].to_vec();
                    bytes.splice(at..at, chunk);
                }
            }
        }
        match from_bytes(&bytes) {
            Ok(t) => assert_eq!(validate(&t), vec![]),
            Err(p) => {
                assert!(!p.is_empty());
                refused += 1;
            }
        }
    }
    assert!(refused > 300, "the corruption hardly corrupted: {refused}");
}

// ---------------------------------------------------------------------------------------------
// The published schema

fn schema() -> Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/template.schema.json");
    let text = std::fs::read_to_string(&path).expect("docs/template.schema.json");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn prop_names(v: &Value) -> BTreeSet<String> {
    v["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

fn keys_of<T: serde::Serialize>(x: &T) -> BTreeSet<String> {
    serde_json::to_value(x)
        .unwrap()
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn names<T: serde::Serialize>(all: &[T]) -> Vec<Value> {
    all.iter()
        .map(|x| serde_json::to_value(x).unwrap())
        .collect()
}

/// Every gate, condition and tool; the matches fail to compile when one is added.
fn every_gate() -> Vec<Gate> {
    use Gate::*;
    let all = vec![
        VerifyCaller,
        LinkAssets,
        SetPriority,
        ParentIncident,
        OpenTicket,
        Diagnosis,
        EscalationDecision,
        TierTwoHandOff,
        ApplyFix,
        VerifyFix,
        AfterVerification,
        ReopenReassign,
        Closure,
        ReconcileTime,
        RunbookUpdate,
        Close,
        Custom,
    ];
    for g in &all {
        match g {
            VerifyCaller | LinkAssets | SetPriority | ParentIncident | OpenTicket | Diagnosis
            | EscalationDecision | TierTwoHandOff | ApplyFix | VerifyFix | AfterVerification
            | ReopenReassign | Closure | ReconcileTime | RunbookUpdate | Close | Custom => {}
        }
    }
    all
}

fn every_condition() -> Vec<Condition> {
    let all = vec![
        Condition::Always,
        Condition::WhenEscalated,
        Condition::AfterFailedVerification,
    ];
    for c in &all {
        match c {
            Condition::Always | Condition::WhenEscalated | Condition::AfterFailedVerification => {}
        }
    }
    all
}

fn every_tool() -> Vec<ToolKind> {
    use ToolKind::*;
    let all = vec![
        Psa,
        RemoteSession,
        Rmm,
        Edr,
        Documentation,
        Noc,
        VendorStatus,
    ];
    for t in &all {
        match t {
            Psa | RemoteSession | Rmm | Edr | Documentation | Noc | VendorStatus => {}
        }
    }
    all
}

#[test]
fn the_schema_names_every_property_the_rust_types_have() {
    let s = schema();
    assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(s["$id"], SCHEMA_URL);
    let t = with_backup_check();
    let step = t.steps().next().unwrap();
    let field = &step.fields[0];
    // The Rust types, the importer's lists and the schema name the same properties.
    assert_eq!(keys_of(step), set(STEP_PROPS));
    assert_eq!(prop_names(&s["$defs"]["step"]), set(STEP_PROPS));
    assert_eq!(keys_of(field), set(FIELD_PROPS));
    assert_eq!(prop_names(&s["$defs"]["field"]), set(FIELD_PROPS));
    assert_eq!(keys_of(&t.phases[0]), set(PHASE_PROPS));
    assert_eq!(prop_names(&s["$defs"]["phase"]), set(PHASE_PROPS));
    let mut file = keys_of(&t);
    file.remove("rules_schema"); // the format version stands for it
    file.extend(["$schema".to_string(), "format_version".to_string()]);
    assert_eq!(file, set(TEMPLATE_PROPS));
    assert_eq!(prop_names(&s), set(TEMPLATE_PROPS));
    // Every field kind has its own entry with exactly its properties.
    let kinds = s["$defs"]["field_kind"]["oneOf"].as_array().unwrap();
    assert_eq!(kinds.len(), every_kind().len());
    for kind in every_kind() {
        let v = serde_json::to_value(&kind).unwrap();
        let entry = kinds
            .iter()
            .find(|e| e["properties"]["type"]["const"] == v["type"])
            .unwrap_or_else(|| panic!("the schema has no field type {}", v["type"]));
        assert_eq!(prop_names(entry), keys_of(&kind), "{}", v["type"]);
    }
    // And every value of the enums.
    let en = |name: &str| s["$defs"][name]["enum"].as_array().unwrap().clone();
    assert_eq!(en("gate"), names(&every_gate()));
    assert_eq!(en("condition"), names(&every_condition()));
    assert_eq!(en("tool"), names(&every_tool()));
    assert_eq!(
        en("signer_role"),
        names(&[SignerRole::EndUser, SignerRole::Technician])
    );
}

/// The part of JSON Schema 2020-12 the published schema uses, enough to check a file against it:
/// every violation as "path: what".
fn check(schema: &Value, root: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local refs only");
        check(&root["$defs"][name], root, v, path, out);
    }
    if schema == &Value::Bool(false) {
        out.push(format!("{path}: not allowed"));
        return;
    }
    if let Some(c) = schema.get("const") {
        if c != v {
            out.push(format!("{path}: not {c}"));
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            out.push(format!("{path}: {v} not in the enum"));
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            other => panic!("type {other}"),
        });
        if !ok {
            out.push(format!("{path}: not {types:?}"));
            return;
        }
    }
    if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
        let matching = one_of
            .iter()
            .filter(|s| {
                let mut errs = Vec::new();
                check(s, root, v, path, &mut errs);
                errs.is_empty()
            })
            .count();
        if matching != 1 {
            out.push(format!("{path}: matches {matching} of oneOf"));
        }
    }
    if let Some(s) = v.as_str() {
        let n = s.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
            || schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
        {
            out.push(format!("{path}: length {n}"));
        }
    }
    if let Some(n) = v.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
            || schema
                .get("maximum")
                .and_then(Value::as_f64)
                .is_some_and(|m| n > m)
        {
            out.push(format!("{path}: {n} out of range"));
        }
    }
    if let Some(o) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !o.contains_key(r.as_str().unwrap()) {
                out.push(format!("{path}: missing {r}"));
            }
        }
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(ps, root, x, &format!("{path}.{k}"), out),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    out.push(format!("{path}.{k}: unknown property"))
                }
                None => {}
            }
        }
    }
    if let Some(a) = v.as_array() {
        let n = a.len() as u64;
        if schema
            .get("minItems")
            .and_then(Value::as_u64)
            .is_some_and(|m| n < m)
            || schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .is_some_and(|m| n > m)
        {
            out.push(format!("{path}: {n} items"));
        }
        if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, x) in a.iter().enumerate() {
                if a[..i].contains(x) {
                    out.push(format!("{path}[{i}]: duplicate"));
                }
            }
        }
        let prefix = schema
            .get("prefixItems")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, x) in a.iter().enumerate() {
            let item_schema = prefix.get(i).or_else(|| schema.get("items"));
            if let Some(s) = item_schema {
                check(s, root, x, &format!("{path}[{i}]"), out);
            }
        }
    }
}

#[test]
fn exports_are_valid_against_the_published_schema() {
    let s = schema();
    for t in [msp_support_ticket(), with_backup_check()] {
        let v: Value = serde_json::from_str(&to_json(&t)).unwrap();
        let mut errs = Vec::new();
        check(&s, &s, &v, "", &mut errs);
        assert_eq!(errs, Vec::<String>::new());
    }
    // Every field kind, too (on a step of the desk's own, as a file may carry it).
    let mut t = with_backup_check();
    step_mut(&mut t, "backup_check").fields = every_kind()
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Field {
            key: format!("f{i}"),
            label: format!("F{i}"),
            kind,
            required: false,
        })
        .collect();
    let v: Value = serde_json::from_str(&to_json(&t)).unwrap();
    let mut errs = Vec::new();
    check(&s, &s, &v, "", &mut errs);
    assert_eq!(errs, Vec::<String>::new());
    // The checker is not a no-op: what the importer refuses, the schema refuses too.
    let mut bad = v.clone();
    bad["phases"][1]["steps"][0]["gate"] = json!("teleport");
    bad["phases"][1]["steps"][0]["colour"] = json!("red");
    bad["phases"][0]["key"] = json!("diagnosis");
    bad["phases"][2]["steps"][0]["fields"][0]["kind"] =
        json!({"type": "list", "options": [], "multiple": false});
    bad["format_version"] = json!(2);
    let mut errs = Vec::new();
    check(&s, &s, &bad, "", &mut errs);
    for at in [
        ".format_version",
        ".phases[0].key",
        ".phases[1].steps[0].gate",
        ".phases[1].steps[0].colour",
        ".phases[2].steps[0].fields[0].kind",
    ] {
        assert!(
            errs.iter().any(|e| e.starts_with(&format!("{at}:"))),
            "{at} not refused: {errs:?}"
        );
    }
}
