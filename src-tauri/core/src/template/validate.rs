//! The rules a desk's template must keep before it can be saved or imported.
//!
//! A desk may re-title, re-word and reorder the built-in steps and add its own, but the steps
//! that protect the desk (see [`PROTECTED_STEPS`]) keep their rules, every prerequisite comes
//! before the step that needs it, and no required step can become impossible to reach. Every
//! problem is reported at once, each with the JSON path of what is wrong (the same path as in an
//! exported file), a stable code and a message that says why and what to do instead.

use super::builtin::{self, PARAGRAPH_MAX, PROTECTED_STEPS};
use super::{Condition, Field, FieldKind, Gate, Step, Template, RULES_SCHEMA};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// One thing wrong with a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateProblem {
    /// Where, as a path into the template's JSON: `phases[1].steps[3].fields[0].kind.options`.
    /// Empty for the file as a whole.
    pub path: String,
    /// Stable code (see [`code`]), for the UI and for tests.
    pub code: String,
    /// Why it is refused and the way forward, for the person editing the template.
    pub message: String,
}

impl TemplateProblem {
    pub fn new(path: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        TemplateProblem {
            path: path.into(),
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// The problem codes; they are part of the IPC contract and never change meaning.
pub mod code {
    pub const TEMPLATE_NAME: &str = "TEMPLATE_NAME";
    pub const TEMPLATE_KEY: &str = "TEMPLATE_KEY";
    pub const TEMPLATE_DESCRIPTION: &str = "TEMPLATE_DESCRIPTION";
    pub const RULES_SCHEMA: &str = "RULES_SCHEMA";
    pub const PHASES_CHANGED: &str = "PHASES_CHANGED";
    pub const PHASE_TITLE: &str = "PHASE_TITLE";
    pub const TOO_MANY_STEPS: &str = "TOO_MANY_STEPS";
    pub const STEP_NUMBER: &str = "STEP_NUMBER";
    pub const STEP_KEY_INVALID: &str = "STEP_KEY_INVALID";
    pub const STEP_KEY_DUPLICATE: &str = "STEP_KEY_DUPLICATE";
    pub const STEP_TITLE: &str = "STEP_TITLE";
    pub const STEP_GUIDANCE: &str = "STEP_GUIDANCE";
    pub const STEP_NO_FIELDS: &str = "STEP_NO_FIELDS";
    pub const TOO_MANY_FIELDS: &str = "TOO_MANY_FIELDS";
    pub const PROTECTED_STEP_REMOVED: &str = "PROTECTED_STEP_REMOVED";
    pub const PROTECTED_STEP_OPTIONAL: &str = "PROTECTED_STEP_OPTIONAL";
    pub const PROTECTED_CONDITION_CHANGED: &str = "PROTECTED_CONDITION_CHANGED";
    pub const PROTECTED_FIELD_REMOVED: &str = "PROTECTED_FIELD_REMOVED";
    pub const PROTECTED_FIELD_CHANGED: &str = "PROTECTED_FIELD_CHANGED";
    pub const PROTECTED_REQUIRES_DROPPED: &str = "PROTECTED_REQUIRES_DROPPED";
    pub const PROTECTED_RESETS_DROPPED: &str = "PROTECTED_RESETS_DROPPED";
    pub const STEP_WRONG_PHASE: &str = "STEP_WRONG_PHASE";
    pub const STEP_GATE_CHANGED: &str = "STEP_GATE_CHANGED";
    pub const STEP_CONDITION: &str = "STEP_CONDITION";
    pub const CUSTOM_STEP_GATE: &str = "CUSTOM_STEP_GATE";
    pub const CLOSE_NOT_LAST: &str = "CLOSE_NOT_LAST";
    pub const STEP_UNREACHABLE: &str = "STEP_UNREACHABLE";
    pub const REQUIRES_UNKNOWN_STEP: &str = "REQUIRES_UNKNOWN_STEP";
    pub const REQUIRES_SELF: &str = "REQUIRES_SELF";
    pub const REQUIRES_DUPLICATE: &str = "REQUIRES_DUPLICATE";
    pub const REQUIRES_ORDER: &str = "REQUIRES_ORDER";
    pub const RESETS_NOT_ALLOWED: &str = "RESETS_NOT_ALLOWED";
    pub const RESETS_UNKNOWN_STEP: &str = "RESETS_UNKNOWN_STEP";
    pub const RESETS_ORDER: &str = "RESETS_ORDER";
    pub const TOOL_DUPLICATE: &str = "TOOL_DUPLICATE";
    pub const FIELD_KEY_INVALID: &str = "FIELD_KEY_INVALID";
    pub const FIELD_KEY_DUPLICATE: &str = "FIELD_KEY_DUPLICATE";
    pub const FIELD_LABEL: &str = "FIELD_LABEL";
    pub const FIELD_KIND_RESERVED: &str = "FIELD_KIND_RESERVED";
    pub const LIST_OPTIONS_EMPTY: &str = "LIST_OPTIONS_EMPTY";
    pub const LIST_TOO_MANY_OPTIONS: &str = "LIST_TOO_MANY_OPTIONS";
    pub const LIST_OPTION_INVALID: &str = "LIST_OPTION_INVALID";
    pub const LIST_OPTION_DUPLICATE: &str = "LIST_OPTION_DUPLICATE";
    pub const PARAGRAPH_MAX_CHARS: &str = "PARAGRAPH_MAX_CHARS";
    pub const NUMBER_RANGE: &str = "NUMBER_RANGE";
    // Problems only a file can have (see `exchange`).
    pub const FILE_TOO_LARGE: &str = "FILE_TOO_LARGE";
    pub const FILE_NOT_UTF8: &str = "FILE_NOT_UTF8";
    pub const FILE_NOT_JSON: &str = "FILE_NOT_JSON";
    pub const FILE_TOO_DEEP: &str = "FILE_TOO_DEEP";
    pub const FORMAT_VERSION: &str = "FORMAT_VERSION";
    pub const WRONG_TYPE: &str = "WRONG_TYPE";
    pub const MISSING_PROPERTY: &str = "MISSING_PROPERTY";
    pub const UNKNOWN_PROPERTY: &str = "UNKNOWN_PROPERTY";
    pub const UNKNOWN_VALUE: &str = "UNKNOWN_VALUE";
}

/// The four phases every template has, in this order (the workflow's stages follow them).
pub const PHASE_KEYS: [&str; 4] = ["intake", "diagnosis", "resolution", "closure"];
/// Most steps a template may have (step numbers are a byte; a checklist longer than this is no
/// longer read).
pub const MAX_STEPS: usize = 80;
/// Most fields on one step.
pub const MAX_FIELDS: usize = 40;
/// Longest title, label, list option or template name, in characters.
pub const TITLE_MAX: usize = 120;
/// Longest guidance or template description, in characters.
pub const GUIDANCE_MAX: usize = 4000;
/// Most options one list may offer.
pub const OPTIONS_MAX: usize = 50;
/// Longest step or field key, in characters.
pub const KEY_MAX: usize = 48;
/// Most digits after the point a number field may ask for (a 64-bit float keeps 15 exactly).
pub const DECIMALS_MAX: u8 = 15;

/// The only step that may set other steps' completions aside.
const REOPEN: &str = "reopen_reassign";

/// What each protected step is there for: said when a desk tries to remove it.
pub fn protected_rule(key: &str) -> Option<&'static str> {
    Some(match key {
        "verify_caller" => "keeps unauthorized callers out (a caller who left the company is a favourite social-engineering route)",
        "scope_assets" => "links the affected assets, without which the ticket cannot be opened or reported on",
        "set_priority" => "sets the priority from the SLA matrix, which decides the SLA clock",
        "open_ticket" => "opens the ticket and starts the first-response SLA timer",
        "escalation_decision" => "decides between Tier 1 and Tier 2, so work beyond Tier 1's rights is escalated",
        "tier2_handoff" => "hands Tier 2 the diagnostic notes and pages on-call when a P1 or P2 SLA is at risk",
        "apply_fix" => "asks for a change-management reference before shared infrastructure is touched",
        "verify_fix" => "has the end user confirm and sign the fix before the ticket can be resolved",
        "resolution_summary" => "sends the requester the summary the end user signed",
        "reopen_reassign" => "sends a fix that did not hold back to diagnosis or Tier 2 instead of closing the ticket",
        "csat" => "sends the satisfaction survey on every ticket, so the results are not skewed",
        "time_reconcile" => "checks the time entries and flags SLA breaches to the service coordinator",
        "runbook_update" => "keeps the client's runbook up to date with what the ticket taught",
        "close" => "seals the ticket with the technician's sign-off",
        _ => return None,
    })
}

/// Every problem with `t`, empty when the template may be saved: the template's own first, then
/// the protected steps missing, then each step's in template order, then the order rules that
/// look at the whole (close last, no step that could never be done).
pub fn validate(t: &Template) -> Vec<TemplateProblem> {
    let builtin = builtin::msp_support_ticket();
    let mut c = Check {
        out: Vec::new(),
        builtin: &builtin,
    };
    c.template(t);
    c.out
}

/// A step with where it sits.
struct Placed<'a> {
    phase_key: &'a str,
    path: String,
    /// Position in the whole template, from 0.
    pos: usize,
    step: &'a Step,
}

struct Check<'b> {
    out: Vec<TemplateProblem>,
    builtin: &'b Template,
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `[a-z][a-z0-9_]{0,47}`: keys end up in JSON paths, audit events and URLs.
pub fn is_key(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(b'a'..=b'z'))
        && s.len() <= KEY_MAX
        && b.all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

/// A template key may also use hyphens (the built-in one is `msp-support-ticket`).
fn is_template_key(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(b'a'..=b'z'))
        && s.len() <= 64
        && b.all(|c| matches!(c, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

/// Why a one-line text (title, label, option, name) is refused, if it is.
fn line_problem(s: &str, max: usize) -> Option<String> {
    if s.trim().is_empty() {
        Some("cannot be blank".into())
    } else if chars(s) > max {
        Some(format!(
            "is {} characters long; shorten it to {max} at most",
            chars(s)
        ))
    } else if s.chars().any(char::is_control) {
        Some("must be a single line without control characters".into())
    } else {
        None
    }
}

/// Whether the built-in field's kind is kept: a paragraph's length limit may change.
fn same_kind(builtin: &FieldKind, kind: &FieldKind) -> bool {
    match (builtin, kind) {
        (FieldKind::Paragraph { .. }, FieldKind::Paragraph { .. }) => true,
        _ => builtin == kind,
    }
}

/// The name of a kind that carries a built-in rule, or None for the kinds a desk may use.
fn reserved_kind(kind: &FieldKind) -> Option<&'static str> {
    match kind {
        FieldKind::List { .. }
        | FieldKind::Paragraph { .. }
        | FieldKind::YesNo
        | FieldKind::Number { .. }
        | FieldKind::Date => None,
        FieldKind::Signature { .. } => Some("a signature"),
        FieldKind::Contact => Some("a contact"),
        FieldKind::Assets => Some("an asset list"),
        FieldKind::Impact => Some("an impact"),
        FieldKind::Urgency => Some("an urgency"),
        FieldKind::ParentIncident => Some("a parent incident"),
        FieldKind::RunbookLinks => Some("a runbook link list"),
        FieldKind::Rating => Some("a CSAT rating"),
    }
}

/// The step whose completion ends the stage a (non-protected) step is worked in, if the stage
/// ends before the fix is verified: a required step not done by then can never be done.
fn stage_end(step: &Step, phase_key: &str) -> Option<&'static str> {
    match step.gate {
        Gate::Custom => match super::custom_stage_of(phase_key) {
            super::CustomStage::BeforeOpening => Some("open_ticket"),
            super::CustomStage::BeforeVerification => Some(builtin::VERIFY_FIX),
            super::CustomStage::AfterVerification => None,
        },
        Gate::VerifyCaller | Gate::LinkAssets | Gate::SetPriority | Gate::ParentIncident => {
            Some("open_ticket")
        }
        Gate::Diagnosis => Some(builtin::VERIFY_FIX),
        Gate::OpenTicket
        | Gate::EscalationDecision
        | Gate::TierTwoHandOff
        | Gate::ApplyFix
        | Gate::VerifyFix
        | Gate::AfterVerification
        | Gate::ReopenReassign
        | Gate::Closure
        | Gate::ReconcileTime
        | Gate::RunbookUpdate
        | Gate::Close => None,
    }
}

impl<'b> Check<'b> {
    fn push(&mut self, path: impl Into<String>, code: &str, message: impl Into<String>) {
        self.out.push(TemplateProblem::new(path, code, message));
    }

    fn template(&mut self, t: &Template) {
        if let Some(why) = line_problem(&t.name, TITLE_MAX) {
            self.push(
                "name",
                code::TEMPLATE_NAME,
                format!("The template's name {why}"),
            );
        }
        if !is_template_key(&t.key) {
            self.push(
                "key",
                code::TEMPLATE_KEY,
                format!(
                    "The template key {:?} must start with a lowercase letter and use only a-z, 0-9, '-' and '_' (64 at most)",
                    t.key
                ),
            );
        }
        if chars(&t.description) > GUIDANCE_MAX {
            self.push(
                "description",
                code::TEMPLATE_DESCRIPTION,
                format!("The description is longer than {GUIDANCE_MAX} characters; shorten it"),
            );
        }
        if t.rules_schema != RULES_SCHEMA {
            self.push(
                "rules_schema",
                code::RULES_SCHEMA,
                format!(
                    "The template's rules are from schema {} and would be replaced by the built-in ones on load; load it through Template::with_rules first",
                    t.rules_schema
                ),
            );
        }
        let keys: Vec<&str> = t.phases.iter().map(|p| p.key.as_str()).collect();
        if keys != PHASE_KEYS {
            self.push(
                "phases",
                code::PHASES_CHANGED,
                format!(
                    "A template has exactly four phases, in this order: {} (found: {}); phases can be re-titled, not added, removed or reordered",
                    PHASE_KEYS.join(", "),
                    if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
                ),
            );
        }
        for (i, p) in t.phases.iter().enumerate() {
            if let Some(why) = line_problem(&p.title, TITLE_MAX) {
                self.push(
                    format!("phases[{i}].title"),
                    code::PHASE_TITLE,
                    format!("The phase's title {why}"),
                );
            }
        }
        let mut placed = Vec::new();
        for (pi, p) in t.phases.iter().enumerate() {
            for (si, s) in p.steps.iter().enumerate() {
                placed.push(Placed {
                    phase_key: p.key.as_str(),
                    path: format!("phases[{pi}].steps[{si}]"),
                    pos: placed.len(),
                    step: s,
                });
            }
        }
        if placed.len() > MAX_STEPS {
            self.push(
                "phases",
                code::TOO_MANY_STEPS,
                format!(
                    "The template has {} steps; {MAX_STEPS} is the most a technician can follow: merge or remove some",
                    placed.len()
                ),
            );
        }
        // First position of each key: duplicates are reported, and rules go by the first.
        let mut first: HashMap<&str, usize> = HashMap::new();
        for p in &placed {
            first.entry(p.step.key.as_str()).or_insert(p.pos);
        }
        // A removed protected step first: it is the cause of the prerequisites left dangling.
        self.protected_present(&first);
        for p in &placed {
            self.step(p, &placed, &first);
        }
        self.close_last(&placed);
        self.reachable(&placed, &first);
    }

    fn protected_present(&mut self, first: &HashMap<&str, usize>) {
        for key in PROTECTED_STEPS {
            if first.contains_key(key) {
                continue;
            }
            let (phase, b) = self
                .builtin
                .phases
                .iter()
                .enumerate()
                .find_map(|(i, p)| p.steps.iter().find(|s| s.key == *key).map(|s| (i, s)))
                .expect("every protected step is in the built-in template");
            let rule = protected_rule(key).unwrap_or("carries a built-in rule");
            self.push(
                format!("phases[{phase}].steps"),
                code::PROTECTED_STEP_REMOVED,
                format!(
                    "\"{}\" ({key}) {rule}: it can be re-titled or moved, not removed. Put it back in {}",
                    b.title, self.builtin.phases[phase].title
                ),
            );
        }
    }

    fn close_last(&mut self, placed: &[Placed]) {
        let Some(last) = placed.last() else { return };
        if let Some(close) = placed.iter().find(|p| p.step.key == builtin::CLOSE) {
            if close.pos != last.pos {
                self.push(
                    close.path.clone(),
                    code::CLOSE_NOT_LAST,
                    format!(
                        "\"{}\" seals the ticket, so nothing can be done after it: move it to the end, after \"{}\"",
                        close.step.title, last.step.title
                    ),
                );
            }
        }
    }

    /// A step that must be done (required, or needed by one that must) but can only be worked on
    /// before the ticket is opened or the fix verified must be needed, directly or not, by the
    /// step that ends that stage; otherwise a ticket can reach a state where it can never close.
    fn reachable(&mut self, placed: &[Placed], first: &HashMap<&str, usize>) {
        let by_key = |k: &str| first.get(k).map(|&i| &placed[i]);
        let closure = |root: &str| -> HashSet<String> {
            let mut seen = HashSet::new();
            let mut todo = vec![root.to_string()];
            while let Some(k) = todo.pop() {
                if let Some(p) = by_key(&k) {
                    for r in &p.step.requires {
                        if seen.insert(r.clone()) {
                            todo.push(r.clone());
                        }
                    }
                }
            }
            seen
        };
        let mut must: HashSet<String> = HashSet::new();
        let mut todo: Vec<String> = placed
            .iter()
            .filter(|p| p.step.required)
            .map(|p| p.step.key.clone())
            .collect();
        while let Some(k) = todo.pop() {
            if must.insert(k.clone()) {
                if let Some(p) = by_key(&k) {
                    todo.extend(p.step.requires.iter().cloned());
                }
            }
        }
        let mut ends: HashMap<&str, HashSet<String>> = HashMap::new();
        for p in placed {
            let s = p.step;
            if PROTECTED_STEPS.contains(&s.key.as_str())
                || first.get(s.key.as_str()) != Some(&p.pos)
                || !must.contains(&s.key)
            {
                continue;
            }
            let Some(end) = stage_end(s, p.phase_key) else {
                continue;
            };
            let Some(end_step) = by_key(end) else {
                continue; // reported as a removed protected step
            };
            let needed = ends.entry(end).or_insert_with(|| closure(end));
            if !needed.contains(&s.key) {
                let why = if s.required {
                    "is required"
                } else {
                    "is needed by a required step"
                };
                self.push(
                    p.path.clone(),
                    code::STEP_UNREACHABLE,
                    format!(
                        "\"{}\" {why} but can only be worked on until \"{}\" is done, and nothing up to there needs it: a ticket could never close. Make \"{}\" or a step it needs require it, or make it optional",
                        s.title, end_step.step.title, end_step.step.title
                    ),
                );
            }
        }
    }

    fn step(&mut self, p: &Placed, placed: &[Placed], first: &HashMap<&str, usize>) {
        let s = p.step;
        let path = &p.path;
        if usize::from(s.number) != p.pos + 1 {
            self.push(
                format!("{path}.number"),
                code::STEP_NUMBER,
                format!(
                    "Step numbers are positions: this step is number {} but stands at position {}; renumber the template",
                    s.number,
                    p.pos + 1
                ),
            );
        }
        if !is_key(&s.key) {
            self.push(
                format!("{path}.key"),
                code::STEP_KEY_INVALID,
                format!(
                    "The step key {:?} must start with a lowercase letter and use only a-z, 0-9 and '_' ({KEY_MAX} at most)",
                    s.key
                ),
            );
        } else if first.get(s.key.as_str()) != Some(&p.pos) {
            let other = &placed[first[s.key.as_str()]];
            self.push(
                format!("{path}.key"),
                code::STEP_KEY_DUPLICATE,
                format!(
                    "The key {:?} is already used by \"{}\"; each step needs its own key",
                    s.key, other.step.title
                ),
            );
        }
        if let Some(why) = line_problem(&s.title, TITLE_MAX) {
            self.push(
                format!("{path}.title"),
                code::STEP_TITLE,
                format!("The step's title {why}"),
            );
        }
        if s.guidance.trim().is_empty() {
            self.push(
                format!("{path}.guidance"),
                code::STEP_GUIDANCE,
                format!(
                    "\"{}\" needs guidance: tell the technician what to do and why",
                    s.title
                ),
            );
        } else if chars(&s.guidance) > GUIDANCE_MAX {
            self.push(
                format!("{path}.guidance"),
                code::STEP_GUIDANCE,
                format!(
                    "The guidance of \"{}\" is {} characters long; shorten it to {GUIDANCE_MAX} at most",
                    s.title,
                    chars(&s.guidance)
                ),
            );
        }
        let builtin_step = self.builtin.by_key(&s.key);
        let protected = PROTECTED_STEPS.contains(&s.key.as_str());
        match builtin_step {
            Some(b) => self.builtin_step(p, b, protected),
            None => self.custom_step(p),
        }
        self.requires(p, placed, first);
        self.resets(p, placed, first);
        let mut tools = HashSet::new();
        for (i, tool) in s.tools.iter().enumerate() {
            if !tools.insert(*tool) {
                self.push(
                    format!("{path}.tools[{i}]"),
                    code::TOOL_DUPLICATE,
                    format!("\"{}\" lists the same tool twice; keep one", s.title),
                );
            }
        }
        self.fields(p, builtin_step);
    }

    fn builtin_step(&mut self, p: &Placed, b: &Step, protected: bool) {
        let s = p.step;
        let path = &p.path;
        let b_phase = self
            .builtin
            .phases
            .iter()
            .find(|ph| ph.steps.iter().any(|x| x.key == b.key))
            .expect("the built-in step has a phase");
        if p.phase_key != b_phase.key {
            self.push(
                path.clone(),
                code::STEP_WRONG_PHASE,
                format!(
                    "\"{}\" is worked on when its rule allows, which is in {}: it can move within that phase, not to another",
                    s.title, b_phase.title
                ),
            );
        }
        if s.gate != b.gate {
            self.push(
                format!("{path}.gate"),
                code::STEP_GATE_CHANGED,
                format!(
                    "\"{}\" keeps the built-in rule of \"{}\"; its gate cannot change (add a step of your own instead)",
                    s.title, b.title
                ),
            );
        }
        if s.condition != b.condition {
            self.push(
                format!("{path}.condition"),
                if protected {
                    code::PROTECTED_CONDITION_CHANGED
                } else {
                    code::STEP_CONDITION
                },
                format!(
                    "\"{}\" applies {}, as in the built-in template; its condition cannot change",
                    s.title,
                    condition_words(b.condition)
                ),
            );
        }
        if !protected {
            return;
        }
        if s.required != b.required {
            self.push(
                format!("{path}.required"),
                code::PROTECTED_STEP_OPTIONAL,
                format!(
                    "\"{}\" {}: it stays required",
                    s.title,
                    protected_rule(&s.key).unwrap_or("carries a built-in rule")
                ),
            );
        }
        for bf in &b.fields {
            match s.fields.iter().position(|f| f.key == bf.key) {
                None => self.push(
                    format!("{path}.fields"),
                    code::PROTECTED_FIELD_REMOVED,
                    format!(
                        "\"{}\" needs its field \"{}\" ({}): its rule reads it. Put it back; its label may change",
                        s.title, bf.label, bf.key
                    ),
                ),
                Some(i) => {
                    let f = &s.fields[i];
                    if !same_kind(&bf.kind, &f.kind) {
                        self.push(
                            format!("{path}.fields[{i}].kind"),
                            code::PROTECTED_FIELD_CHANGED,
                            format!(
                                "The field \"{}\" of \"{}\" must stay {}: the step's rule reads it. Only its label may change",
                                f.label,
                                s.title,
                                kind_words(&bf.kind)
                            ),
                        );
                    }
                    if f.required != bf.required {
                        self.push(
                            format!("{path}.fields[{i}].required"),
                            code::PROTECTED_FIELD_CHANGED,
                            format!(
                                "The field \"{}\" of \"{}\" stays {}, as the step's rule expects",
                                f.label,
                                s.title,
                                if bf.required { "required" } else { "optional" }
                            ),
                        );
                    }
                }
            }
        }
        for r in &b.requires {
            if PROTECTED_STEPS.contains(&r.as_str()) && !s.requires.contains(r) {
                let title = self
                    .builtin
                    .by_key(r)
                    .map(|x| x.title.as_str())
                    .unwrap_or(r);
                self.push(
                    format!("{path}.requires"),
                    code::PROTECTED_REQUIRES_DROPPED,
                    format!(
                        "\"{}\" must keep needing \"{title}\" ({r}) first; it may need more steps, not fewer",
                        s.title
                    ),
                );
            }
        }
        for r in &b.resets {
            if !s.resets.contains(r) {
                let title = self
                    .builtin
                    .by_key(r)
                    .map(|x| x.title.as_str())
                    .unwrap_or(r);
                self.push(
                    format!("{path}.resets"),
                    code::PROTECTED_RESETS_DROPPED,
                    format!(
                        "\"{}\" must keep setting \"{title}\" ({r}) aside, so a fix that did not hold is done again",
                        s.title
                    ),
                );
            }
        }
    }

    fn custom_step(&mut self, p: &Placed) {
        let s = p.step;
        let path = &p.path;
        if s.gate != Gate::Custom {
            self.push(
                format!("{path}.gate"),
                code::CUSTOM_STEP_GATE,
                format!(
                    "\"{}\" is the desk's own step: its gate must be \"custom\" (only built-in steps carry built-in rules)",
                    s.title
                ),
            );
        }
        if s.condition != Condition::Always {
            self.push(
                format!("{path}.condition"),
                code::STEP_CONDITION,
                format!(
                    "\"{}\" is the desk's own step and applies to every ticket (condition \"always\"); make it optional instead",
                    s.title
                ),
            );
        }
    }

    fn requires(&mut self, p: &Placed, placed: &[Placed], first: &HashMap<&str, usize>) {
        let s = p.step;
        let mut seen = HashSet::new();
        for (i, r) in s.requires.iter().enumerate() {
            let path = format!("{}.requires[{i}]", p.path);
            if !seen.insert(r.as_str()) {
                self.push(
                    path,
                    code::REQUIRES_DUPLICATE,
                    format!("\"{}\" lists {r:?} twice; keep one", s.title),
                );
                continue;
            }
            if *r == s.key {
                self.push(
                    path,
                    code::REQUIRES_SELF,
                    format!("\"{}\" cannot need itself; remove {r:?}", s.title),
                );
                continue;
            }
            match first.get(r.as_str()) {
                None => self.push(
                    path,
                    code::REQUIRES_UNKNOWN_STEP,
                    format!(
                        "\"{}\" needs the step {r:?}, which the template does not have: remove it from the list or add the step",
                        s.title
                    ),
                ),
                Some(&at) if at > p.pos => self.push(
                    path,
                    code::REQUIRES_ORDER,
                    format!(
                        "\"{}\" must come after \"{}\", which it needs first: move one of them",
                        s.title, placed[at].step.title
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    fn resets(&mut self, p: &Placed, placed: &[Placed], first: &HashMap<&str, usize>) {
        let s = p.step;
        if s.resets.is_empty() {
            return;
        }
        if s.key != REOPEN {
            self.push(
                format!("{}.resets", p.path),
                code::RESETS_NOT_ALLOWED,
                format!(
                    "Only the reopen step sets other steps aside; \"{}\" cannot: empty its list",
                    s.title
                ),
            );
            return;
        }
        for (i, r) in s.resets.iter().enumerate() {
            let path = format!("{}.resets[{i}]", p.path);
            match first.get(r.as_str()) {
                None => self.push(
                    path,
                    code::RESETS_UNKNOWN_STEP,
                    format!(
                        "\"{}\" sets aside the step {r:?}, which the template does not have: remove it",
                        s.title
                    ),
                ),
                Some(&at) if at >= p.pos => self.push(
                    path,
                    code::RESETS_ORDER,
                    format!(
                        "\"{}\" can only set aside steps before it, and \"{}\" is not: remove it from the list",
                        s.title, placed[at].step.title
                    ),
                ),
                Some(_) => {}
            }
        }
    }

    fn fields(&mut self, p: &Placed, builtin_step: Option<&Step>) {
        let s = p.step;
        if s.fields.is_empty() {
            self.push(
                format!("{}.fields", p.path),
                code::STEP_NO_FIELDS,
                format!(
                    "\"{}\" has no field: add at least one, so completing it records something",
                    s.title
                ),
            );
        }
        if s.fields.len() > MAX_FIELDS {
            self.push(
                format!("{}.fields", p.path),
                code::TOO_MANY_FIELDS,
                format!(
                    "\"{}\" has {} fields; {MAX_FIELDS} is the most: split it into several steps",
                    s.title,
                    s.fields.len()
                ),
            );
        }
        let mut keys = HashSet::new();
        for (i, f) in s.fields.iter().enumerate() {
            let path = format!("{}.fields[{i}]", p.path);
            if !is_key(&f.key) {
                self.push(
                    format!("{path}.key"),
                    code::FIELD_KEY_INVALID,
                    format!(
                        "The field key {:?} must start with a lowercase letter and use only a-z, 0-9 and '_' ({KEY_MAX} at most)",
                        f.key
                    ),
                );
            } else if !keys.insert(f.key.as_str()) {
                self.push(
                    format!("{path}.key"),
                    code::FIELD_KEY_DUPLICATE,
                    format!(
                        "\"{}\" already has a field with the key {:?}; each field of a step needs its own key",
                        s.title, f.key
                    ),
                );
            }
            if let Some(why) = line_problem(&f.label, TITLE_MAX) {
                self.push(
                    format!("{path}.label"),
                    code::FIELD_LABEL,
                    format!("The label of a field of \"{}\" {why}", s.title),
                );
            }
            // A built-in step may keep the typed fields it was built with (their rules read
            // them), never gain others.
            let inherited = builtin_step
                .and_then(|b| b.field(&f.key))
                .is_some_and(|bf| same_kind(&bf.kind, &f.kind));
            self.kind(&path, s, f, inherited);
        }
    }

    fn kind(&mut self, path: &str, s: &Step, f: &Field, inherited: bool) {
        let kpath = format!("{path}.kind");
        if let Some(what) = reserved_kind(&f.kind) {
            if !inherited {
                self.push(
                    kpath.clone(),
                    code::FIELD_KIND_RESERVED,
                    format!(
                        "The field \"{}\" of \"{}\" cannot be {what}: that kind carries a built-in rule and belongs to its built-in step. Use a list, paragraph, yes/no, number or date",
                        f.label, s.title
                    ),
                );
            }
        }
        match &f.kind {
            FieldKind::List { options, .. } => {
                if options.is_empty() {
                    self.push(
                        format!("{kpath}.options"),
                        code::LIST_OPTIONS_EMPTY,
                        format!(
                            "The list \"{}\" of \"{}\" has no options: add the choices the technician picks from",
                            f.label, s.title
                        ),
                    );
                }
                if options.len() > OPTIONS_MAX {
                    self.push(
                        format!("{kpath}.options"),
                        code::LIST_TOO_MANY_OPTIONS,
                        format!(
                            "The list \"{}\" has {} options; {OPTIONS_MAX} is the most: use a paragraph for free answers",
                            f.label,
                            options.len()
                        ),
                    );
                }
                let mut seen = HashSet::new();
                for (i, o) in options.iter().enumerate() {
                    let opath = format!("{kpath}.options[{i}]");
                    if let Some(why) = line_problem(o, TITLE_MAX) {
                        self.push(
                            opath,
                            code::LIST_OPTION_INVALID,
                            format!("An option of the list \"{}\" {why}", f.label),
                        );
                    } else if o.trim() != o {
                        self.push(
                            opath,
                            code::LIST_OPTION_INVALID,
                            format!(
                                "The option {o:?} of the list \"{}\" starts or ends with spaces; remove them",
                                f.label
                            ),
                        );
                    } else if !seen.insert(o.as_str()) {
                        self.push(
                            opath,
                            code::LIST_OPTION_DUPLICATE,
                            format!("The list \"{}\" offers {o:?} twice; keep one", f.label),
                        );
                    }
                }
            }
            FieldKind::Paragraph { max_chars } => {
                if !(1..=PARAGRAPH_MAX).contains(max_chars) {
                    self.push(
                        format!("{kpath}.max_chars"),
                        code::PARAGRAPH_MAX_CHARS,
                        format!(
                            "The paragraph \"{}\" may hold from 1 to {PARAGRAPH_MAX} characters, not {max_chars}",
                            f.label
                        ),
                    );
                }
            }
            FieldKind::Number { min, max, decimals } => {
                let finite = |v: &Option<f64>| v.is_none_or(f64::is_finite);
                if !finite(min) || !finite(max) {
                    self.push(
                        kpath.clone(),
                        code::NUMBER_RANGE,
                        format!("The bounds of the number \"{}\" must be numbers", f.label),
                    );
                } else if let (Some(lo), Some(hi)) = (min, max) {
                    if lo > hi {
                        self.push(
                            format!("{kpath}.min"),
                            code::NUMBER_RANGE,
                            format!(
                                "The number \"{}\" has a minimum ({lo}) above its maximum ({hi}); swap them",
                                f.label
                            ),
                        );
                    }
                }
                if *decimals > DECIMALS_MAX {
                    self.push(
                        format!("{kpath}.decimals"),
                        code::NUMBER_RANGE,
                        format!(
                            "The number \"{}\" asks for {decimals} decimals; {DECIMALS_MAX} is the most a number keeps exactly",
                            f.label
                        ),
                    );
                }
            }
            FieldKind::YesNo
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
}

fn condition_words(c: Condition) -> &'static str {
    match c {
        Condition::Always => "to every ticket",
        Condition::WhenEscalated => "only when the ticket is escalated",
        Condition::AfterFailedVerification => "only after a failed verification",
    }
}

/// A kind in words, for messages and the diff.
pub fn kind_words(kind: &FieldKind) -> String {
    match kind {
        FieldKind::List { options, multiple } => format!(
            "{}: {}",
            if *multiple { "multiple choice" } else { "list" },
            options.join(" / ")
        ),
        FieldKind::Paragraph { max_chars } => format!("paragraph of up to {max_chars} characters"),
        FieldKind::YesNo => "yes/no".into(),
        FieldKind::Number { min, max, decimals } => {
            let mut s = String::from(if *decimals == 0 {
                "whole number"
            } else {
                "number"
            });
            match (min, max) {
                (Some(lo), Some(hi)) => s.push_str(&format!(" from {lo} to {hi}")),
                (Some(lo), None) => s.push_str(&format!(" of {lo} or more")),
                (None, Some(hi)) => s.push_str(&format!(" of {hi} or less")),
                (None, None) => {}
            }
            if *decimals > 0 {
                s.push_str(&format!(" with up to {decimals} decimals"));
            }
            s
        }
        FieldKind::Date => "date".into(),
        FieldKind::Signature { role, meaning } => format!(
            "{} signature ({meaning})",
            match role {
                super::SignerRole::EndUser => "end-user",
                super::SignerRole::Technician => "technician",
            }
        ),
        FieldKind::Contact => "contact".into(),
        FieldKind::Assets => "asset list".into(),
        FieldKind::Impact => "impact".into(),
        FieldKind::Urgency => "urgency".into(),
        FieldKind::ParentIncident => "parent incident".into(),
        FieldKind::RunbookLinks => "runbook links".into(),
        FieldKind::Rating => "CSAT rating".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::msp_support_ticket;

    fn codes(t: &Template) -> Vec<(String, String)> {
        validate(t).into_iter().map(|p| (p.code, p.path)).collect()
    }

    #[test]
    fn the_builtin_template_is_clean() {
        assert_eq!(validate(&msp_support_ticket()), vec![]);
    }

    #[test]
    fn every_protected_step_says_what_it_protects() {
        for k in PROTECTED_STEPS {
            assert!(protected_rule(k).is_some(), "{k} has no rule sentence");
        }
        assert!(protected_rule("reproduce").is_none());
    }

    #[test]
    fn keys_are_slugs() {
        assert!(is_key("a"));
        assert!(is_key("check_backup_2"));
        assert!(is_key(&"a".repeat(KEY_MAX)));
        assert!(!is_key(&"a".repeat(KEY_MAX + 1)));
        for bad in ["", "1a", "_a", "A", "a-b", "a b", "é"] {
            assert!(!is_key(bad), "{bad:?}");
        }
    }

    #[test]
    fn line_texts_are_bounded_and_single_line() {
        assert_eq!(line_problem("ok", 5), None);
        assert!(line_problem("  ", 5).is_some());
        assert!(line_problem("abcdef", 5).is_some());
        assert!(line_problem("a\nb", 5).is_some());
        // Characters, not bytes.
        assert_eq!(line_problem("ééééé", 5), None);
    }

    #[test]
    fn removing_a_protected_step_names_its_rule() {
        let mut t = msp_support_ticket();
        t.phases[0].steps.remove(0);
        t.renumber();
        let p = validate(&t);
        let removed = p
            .iter()
            .find(|p| p.code == code::PROTECTED_STEP_REMOVED)
            .expect("reported");
        assert_eq!(removed.path, "phases[0].steps");
        assert!(removed.message.contains("keeps unauthorized callers out"));
        assert!(removed
            .message
            .contains("it can be re-titled or moved, not removed"));
    }

    #[test]
    fn a_paragraph_limit_may_change_on_a_protected_field() {
        let mut t = msp_support_ticket();
        t.phases[0].steps[4].fields[0].kind = FieldKind::Paragraph { max_chars: 500 };
        assert_eq!(codes(&t), vec![]);
        t.phases[0].steps[4].fields[0].kind = FieldKind::Paragraph { max_chars: 0 };
        assert_eq!(
            codes(&t),
            vec![(
                code::PARAGRAPH_MAX_CHARS.to_string(),
                "phases[0].steps[4].fields[0].kind.max_chars".to_string()
            )]
        );
    }

    #[test]
    fn a_built_in_step_keeps_its_own_typed_fields_but_gains_none() {
        let mut t = msp_support_ticket();
        // check_noc keeps its parent-incident field; reproduce cannot gain one.
        let parent = t.phases[0].steps[3].fields[0].clone();
        t.phases[1].steps[0].fields.push(parent);
        assert_eq!(
            codes(&t),
            vec![(
                code::FIELD_KIND_RESERVED.to_string(),
                "phases[1].steps[0].fields[1].kind".to_string()
            )]
        );
    }

    #[test]
    fn number_bounds_must_be_in_order() {
        let mut t = msp_support_ticket();
        t.phases[1].steps[0].fields.push(Field {
            key: "hours".into(),
            label: "Hours".into(),
            kind: FieldKind::Number {
                min: Some(5.0),
                max: Some(1.0),
                decimals: 1,
            },
            required: false,
        });
        assert_eq!(
            codes(&t),
            vec![(
                code::NUMBER_RANGE.to_string(),
                "phases[1].steps[0].fields[1].kind.min".to_string()
            )]
        );
        if let FieldKind::Number { max, .. } = &mut t.phases[1].steps[0].fields[1].kind {
            *max = Some(5.0);
        }
        assert_eq!(codes(&t), vec![]);
    }

    #[test]
    fn kinds_read_in_words() {
        assert_eq!(
            kind_words(&FieldKind::List {
                options: vec!["ok".into(), "failing".into()],
                multiple: false
            }),
            "list: ok / failing"
        );
        assert_eq!(
            kind_words(&FieldKind::Number {
                min: Some(0.0),
                max: None,
                decimals: 2
            }),
            "number of 0 or more with up to 2 decimals"
        );
    }
}
