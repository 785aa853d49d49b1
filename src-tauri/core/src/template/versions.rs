//! A desk's template history as the Templates screen and the CLI see it: published versions
//! (each with who, when, why and what it came from), and the one draft being edited.
//!
//! Pure: the store (`store/templates.rs`) reads and writes these; this module only shapes them.

use super::validate::{validate, TemplateProblem};
use super::{Template, BUILTIN_KEY, RULES_SCHEMA};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The template key a desk's tickets run on: the desk edits its copy of the built-in template
/// under the same key, so version numbers continue from the built-in version 1.
pub const DESK_TEMPLATE_KEY: &str = BUILTIN_KEY;

/// Longest publish or restore note, in characters.
pub const NOTE_MAX_CHARS: usize = 1000;

/// One published version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateVersionInfo {
    pub version: u32,
    /// The technician who published it; "built-in" for the template Ticketflow ships.
    pub published_by: String,
    pub published_at: DateTime<Utc>,
    pub note: String,
    /// The version it was edited from, or the one it restores; `None` for the built-in one.
    pub based_on: Option<u32>,
    pub steps: u32,
    /// Tickets pinned to this version (open or closed).
    pub tickets: i64,
}

/// The edit under way: saved as often as the editor likes, problems and all; publishing is what
/// checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateDraft {
    /// The published version the draft was started from.
    pub base_version: u32,
    /// Steps numbered 1, 2, 3 … in phase order as saved.
    pub template: Template,
    pub saved_by: String,
    pub saved_at: DateTime<Utc>,
    /// What publishing would refuse, each with its path in the template.
    pub problems: Vec<TemplateProblem>,
    /// The steps the editor must not offer to remove, each with what it protects.
    pub protected: Vec<ProtectedStep>,
}

/// A step a desk's template keeps whatever it edits, and why (the editor shows it on the lock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProtectedStep {
    pub key: String,
    pub reason: String,
}

/// Every protected step with the rule it carries, in the built-in template's order.
pub fn protected_steps() -> Vec<ProtectedStep> {
    crate::template::PROTECTED_STEPS
        .iter()
        .map(|key| ProtectedStep {
            key: key.to_string(),
            reason: format!(
                "This step {}: it can be re-titled, re-worded or moved, not removed.",
                crate::template::validate::protected_rule(key).unwrap_or("carries a built-in rule")
            ),
        })
        .collect()
}

/// Everything the Templates screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateOverview {
    pub key: String,
    /// The published version's name.
    pub name: String,
    /// The version new tickets start on (the newest).
    pub published: TemplateVersionInfo,
    /// Every published version, newest first.
    pub versions: Vec<TemplateVersionInfo>,
    pub draft: Option<TemplateDraft>,
}

/// A publish or restore note: required (the history says why each version exists), one
/// paragraph of reasonable length.
pub fn check_note(note: &str) -> Result<&str> {
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::invalid(
            "note",
            "say what changed and why: publishing needs a note",
        ));
    }
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(Error::invalid(
            "note",
            format!("at most {NOTE_MAX_CHARS} characters"),
        ));
    }
    Ok(note)
}

/// `t` as the desk's template at `version`: its key, that version, steps renumbered in phase
/// order, and its rules marked as carried by the steps (so that loading it never fills a step's
/// rules in from the built-in template over the desk's own).
pub fn as_version(t: Template, version: u32) -> Template {
    let mut t = t.with_rules();
    t.key = DESK_TEMPLATE_KEY.to_string();
    t.version = version;
    t.rules_schema = RULES_SCHEMA;
    t.renumber();
    t
}

/// The problems publishing `t` as a version would meet: checked as it would be stored.
pub fn problems(t: &Template) -> Vec<TemplateProblem> {
    validate(&as_version(t.clone(), t.version))
}

/// `t` may be published: it has no problem, or the coded refusal listing every one.
pub fn check_publishable(t: &Template) -> Result<()> {
    let problems = validate(t);
    match problems.is_empty() {
        true => Ok(()),
        false => Err(Error::TemplateInvalid(problems)),
    }
}

/// Every problem on one line each, `path: message (CODE)`, for messages and the CLI.
pub fn describe(problems: &[TemplateProblem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {} ({})", p.path, p.message, p.code))
        .collect();
    format!("{} problem(s):\n  {}", problems.len(), lines.join("\n  "))
}

/// Whether two versions say the same thing (their numbers and versions aside): publishing such a
/// copy would add a version that changes nothing.
pub fn same_content(a: &Template, b: &Template) -> bool {
    a.name == b.name && a.description == b.description && a.phases == b.phases
}

pub fn step_count(t: &Template) -> u32 {
    t.steps().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::msp_support_ticket;

    #[test]
    fn a_note_is_required_and_bounded() {
        assert_eq!(check_note("  ").unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(
            check_note(&"x".repeat(NOTE_MAX_CHARS + 1))
                .unwrap_err()
                .code(),
            "INVALID_INPUT"
        );
        assert_eq!(
            check_note(" Added a backup check ").unwrap(),
            "Added a backup check"
        );
    }

    #[test]
    fn a_version_is_renumbered_under_the_desk_key() {
        let mut t = msp_support_ticket();
        t.key = "elsewhere".into();
        t.rules_schema = 0;
        // The last step moved to the front: numbers follow the new order.
        let last = t.phases[3].steps.pop().unwrap();
        t.phases[0].steps.insert(0, last.clone());
        let v = as_version(t, 7);
        assert_eq!(v.key, DESK_TEMPLATE_KEY);
        assert_eq!(v.version, 7);
        assert_eq!(v.rules_schema, RULES_SCHEMA);
        assert_eq!(v.phases[0].steps[0].key, last.key);
        let numbers: Vec<u8> = v.steps().map(|s| s.number).collect();
        assert_eq!(numbers, (1..=numbers.len() as u8).collect::<Vec<_>>());
    }

    #[test]
    fn same_content_ignores_numbers_and_versions_only() {
        let a = msp_support_ticket();
        let mut b = as_version(a.clone(), 5);
        assert!(same_content(&a, &b));
        b.phases[1].steps[0].title.push('!');
        assert!(!same_content(&a, &b));
    }
}
