//! What changed between two versions of a template, one readable line per change.
//!
//! Steps are matched by key (numbers are positions and shift whenever a step is inserted). A
//! step counts as moved when it changed phase, or when its order among the steps that stayed in
//! its phase changed (the longest run kept in order stays put; the others moved), so inserting a
//! step does not report every later step as moved. The lines follow the new version's order;
//! removed steps come at the end of the phase they were in.

use super::validate::kind_words;
use super::{Field, FieldKind, Phase, Step, Template, ToolKind};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    NameChanged,
    DescriptionChanged,
    PhaseRetitled,
    StepAdded,
    StepRemoved,
    StepMoved,
    StepRetitled,
    GuidanceChanged,
    FieldAdded,
    FieldRemoved,
    FieldChanged,
    /// A step or one of its fields became required or optional.
    RequiredChanged,
    RequiresChanged,
    /// The reopen step sets other steps aside than before.
    ResetsChanged,
    ToolsChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TemplateChange {
    pub kind: ChangeKind,
    /// Key of the step concerned, if any.
    pub step: Option<String>,
    /// One line for a person: `Added "Check backup status" to Diagnosis …`.
    pub text: String,
}

/// A step with the phase it sits in.
#[derive(Clone, Copy)]
struct At<'a> {
    phase: &'a Phase,
    step: &'a Step,
}

fn index(t: &Template) -> HashMap<&str, At<'_>> {
    let mut m = HashMap::new();
    for phase in &t.phases {
        for step in &phase.steps {
            m.entry(step.key.as_str()).or_insert(At { phase, step });
        }
    }
    m
}

/// Every change from `old` to `new`, in the new version's order.
pub fn diff(old: &Template, new: &Template) -> Vec<TemplateChange> {
    let mut out = Vec::new();
    let mut push = |kind, step: Option<&str>, text: String| {
        out.push(TemplateChange {
            kind,
            step: step.map(str::to_string),
            text,
        })
    };
    if old.name != new.name {
        push(
            ChangeKind::NameChanged,
            None,
            format!("Renamed the template \"{}\" to \"{}\"", old.name, new.name),
        );
    }
    if old.description != new.description {
        push(
            ChangeKind::DescriptionChanged,
            None,
            "Reworded the template's description".into(),
        );
    }
    let olds = index(old);
    let news = index(new);
    let moved = moved_steps(old, new, &olds, &news);
    let mut reported_removals = HashSet::new();
    for phase in &new.phases {
        if let Some(op) = old.phases.iter().find(|p| p.key == phase.key) {
            if op.title != phase.title {
                push(
                    ChangeKind::PhaseRetitled,
                    None,
                    format!("Renamed the phase \"{}\" to \"{}\"", op.title, phase.title),
                );
            }
        }
        for (i, s) in phase.steps.iter().enumerate() {
            if news
                .get(s.key.as_str())
                .is_some_and(|a| !std::ptr::eq(a.step, s))
            {
                continue; // a second step with the same key: the template is invalid anyway
            }
            let prev = i.checked_sub(1).map(|j| &phase.steps[j]);
            let place = match prev {
                Some(p) => format!("{}, after \"{}\"", phase.title, p.title),
                None => format!("the start of {}", phase.title),
            };
            let Some(o) = olds.get(s.key.as_str()) else {
                let summary = step_summary(s, &news);
                let text = match prev {
                    Some(_) => format!("Added \"{}\" to {place} ({summary})", s.title),
                    None => format!("Added \"{}\" at {place} ({summary})", s.title),
                };
                push(ChangeKind::StepAdded, Some(&s.key), text);
                continue;
            };
            if moved.contains(s.key.as_str()) {
                let text = if o.phase.key == phase.key {
                    format!("Moved \"{}\" to {place}", s.title)
                } else {
                    format!("Moved \"{}\" from {} to {place}", s.title, o.phase.title)
                };
                push(ChangeKind::StepMoved, Some(&s.key), text);
            }
            step_changes(o.step, s, &olds, &news, &mut push);
        }
        for os in old
            .phases
            .iter()
            .filter(|p| p.key == phase.key)
            .flat_map(|p| p.steps.iter())
        {
            if !news.contains_key(os.key.as_str()) && reported_removals.insert(os.key.as_str()) {
                push(
                    ChangeKind::StepRemoved,
                    Some(&os.key),
                    format!("Removed \"{}\" from {}", os.title, phase.title),
                );
            }
        }
    }
    // Steps of phases the new version no longer has.
    for op in &old.phases {
        for os in &op.steps {
            if !news.contains_key(os.key.as_str()) && reported_removals.insert(os.key.as_str()) {
                push(
                    ChangeKind::StepRemoved,
                    Some(&os.key),
                    format!("Removed \"{}\" from {}", os.title, op.title),
                );
            }
        }
    }
    out
}

/// Keys of the steps that changed phase, or whose order among the steps that stayed in their
/// phase is not part of the longest common subsequence.
fn moved_steps<'a>(
    old: &'a Template,
    new: &'a Template,
    olds: &HashMap<&str, At<'a>>,
    news: &HashMap<&str, At<'a>>,
) -> HashSet<&'a str> {
    let mut moved = HashSet::new();
    for phase in &new.phases {
        let stays = |k: &str| {
            olds.get(k).is_some_and(|o| o.phase.key == phase.key)
                && news.get(k).is_some_and(|n| n.phase.key == phase.key)
        };
        let b: Vec<&str> = phase
            .steps
            .iter()
            .map(|s| s.key.as_str())
            .filter(|k| stays(k))
            .collect();
        let a: Vec<&str> = old
            .phases
            .iter()
            .filter(|p| p.key == phase.key)
            .flat_map(|p| p.steps.iter())
            .map(|s| s.key.as_str())
            .filter(|k| stays(k))
            .collect();
        let kept = lcs(&a, &b);
        moved.extend(b.iter().filter(|k| !kept.contains(*k)));
        for s in &phase.steps {
            if olds
                .get(s.key.as_str())
                .is_some_and(|o| o.phase.key != phase.key)
            {
                moved.insert(s.key.as_str());
            }
        }
    }
    moved
}

/// Largest table the longest common subsequence is computed with (a valid template has at most
/// 80 steps, so 6,400 cells).
const LCS_CELLS: usize = 250_000;

/// The elements of the longest common subsequence of `a` and `b` (quadratic; templates have at
/// most a few dozen steps per phase).
fn lcs<'a>(a: &[&'a str], b: &[&'a str]) -> HashSet<&'a str> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > LCS_CELLS {
        // A draft far past the step limit: keep the steps that kept their index, without the
        // quadratic table.
        return a
            .iter()
            .zip(b)
            .filter(|(x, y)| x == y)
            .map(|(x, _)| *x)
            .collect();
    }
    let mut len = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            len[i][j] = if a[i] == b[j] {
                len[i + 1][j + 1] + 1
            } else {
                len[i + 1][j].max(len[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut kept = HashSet::new();
    while i < n && j < m {
        if a[i] == b[j] {
            kept.insert(a[i]);
            i += 1;
            j += 1;
        } else if len[i + 1][j] >= len[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    kept
}

fn title_of<'a>(key: &'a str, t: &HashMap<&str, At<'a>>) -> String {
    t.get(key)
        .map(|a| a.step.title.clone())
        .unwrap_or_else(|| key.to_string())
}

fn quoted(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().map(|s| format!("\"{s}\"")).collect();
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// `required; needs "X" first; list: a / b` for a new step.
fn step_summary(s: &Step, news: &HashMap<&str, At<'_>>) -> String {
    let mut parts = vec![if s.required { "required" } else { "optional" }.to_string()];
    if !s.requires.is_empty() {
        parts.push(format!(
            "needs {} first",
            quoted(s.requires.iter().map(|k| title_of(k, news)))
        ));
    }
    match s.fields.as_slice() {
        [] => {}
        [only] => parts.push(field_words(only, false)),
        many => parts.extend(many.iter().map(|f| field_words(f, true))),
    }
    parts.join("; ")
}

fn field_words(f: &Field, labelled: bool) -> String {
    let mut s = kind_words(&f.kind);
    if labelled {
        s = format!("\"{}\" {s}", f.label);
    }
    if !f.required {
        s.push_str(", optional");
    }
    s
}

fn tool_words(t: ToolKind) -> &'static str {
    match t {
        ToolKind::Psa => "PSA",
        ToolKind::RemoteSession => "remote session",
        ToolKind::Rmm => "RMM",
        ToolKind::Edr => "EDR",
        ToolKind::Documentation => "documentation",
        ToolKind::Noc => "NOC",
        ToolKind::VendorStatus => "vendor status",
    }
}

fn tools_words(tools: &[ToolKind]) -> String {
    if tools.is_empty() {
        "no tools".into()
    } else {
        tools
            .iter()
            .map(|t| tool_words(*t))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `now needs "A" first and no longer needs "B"`, or None when the set is the same.
fn set_change(
    old: &[String],
    new: &[String],
    olds: &HashMap<&str, At<'_>>,
    news: &HashMap<&str, At<'_>>,
    gained: &str,
    lost: &str,
) -> Option<String> {
    let added: Vec<String> = new
        .iter()
        .filter(|k| !old.contains(k))
        .map(|k| title_of(k, news))
        .collect();
    let removed: Vec<String> = old
        .iter()
        .filter(|k| !new.contains(k))
        .map(|k| title_of(k, olds))
        .collect();
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(gained.replace("{}", &quoted(added)));
    }
    if !removed.is_empty() {
        parts.push(lost.replace("{}", &quoted(removed)));
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

fn step_changes(
    o: &Step,
    s: &Step,
    olds: &HashMap<&str, At<'_>>,
    news: &HashMap<&str, At<'_>>,
    push: &mut impl FnMut(ChangeKind, Option<&str>, String),
) {
    let key = Some(s.key.as_str());
    if o.title != s.title {
        push(
            ChangeKind::StepRetitled,
            key,
            format!("Renamed \"{}\" to \"{}\"", o.title, s.title),
        );
    }
    if o.guidance != s.guidance {
        push(
            ChangeKind::GuidanceChanged,
            key,
            format!("Reworded the guidance of \"{}\"", s.title),
        );
    }
    if o.required != s.required {
        push(
            ChangeKind::RequiredChanged,
            key,
            format!(
                "\"{}\" is now {}",
                s.title,
                if s.required {
                    "required to close the ticket"
                } else {
                    "optional"
                }
            ),
        );
    }
    field_changes(o, s, push);
    if let Some(words) = set_change(
        &o.requires,
        &s.requires,
        olds,
        news,
        "now needs {} first",
        "no longer needs {}",
    ) {
        push(
            ChangeKind::RequiresChanged,
            key,
            format!("\"{}\" {words}", s.title),
        );
    }
    if let Some(words) = set_change(
        &o.resets,
        &s.resets,
        olds,
        news,
        "now sets {} aside",
        "no longer sets {} aside",
    ) {
        push(
            ChangeKind::ResetsChanged,
            key,
            format!("\"{}\" {words}", s.title),
        );
    }
    if o.tools != s.tools {
        push(
            ChangeKind::ToolsChanged,
            key,
            format!(
                "\"{}\" now shows {} (was {})",
                s.title,
                tools_words(&s.tools),
                tools_words(&o.tools)
            ),
        );
    }
}

fn field_changes(o: &Step, s: &Step, push: &mut impl FnMut(ChangeKind, Option<&str>, String)) {
    let key = Some(s.key.as_str());
    for f in &s.fields {
        let Some(of) = o.field(&f.key) else {
            push(
                ChangeKind::FieldAdded,
                key,
                format!(
                    "Added the field \"{}\" to \"{}\" ({})",
                    f.label,
                    s.title,
                    field_words(f, false)
                ),
            );
            continue;
        };
        if of.label != f.label {
            push(
                ChangeKind::FieldChanged,
                key,
                format!(
                    "Renamed the field \"{}\" of \"{}\" to \"{}\"",
                    of.label, s.title, f.label
                ),
            );
        }
        if of.kind != f.kind {
            push(
                ChangeKind::FieldChanged,
                key,
                format!(
                    "The field \"{}\" of \"{}\" {}",
                    f.label,
                    s.title,
                    kind_change(&of.kind, &f.kind)
                ),
            );
        }
        if of.required != f.required {
            push(
                ChangeKind::RequiredChanged,
                key,
                format!(
                    "The field \"{}\" of \"{}\" is now {}",
                    f.label,
                    s.title,
                    if f.required { "required" } else { "optional" }
                ),
            );
        }
    }
    for of in &o.fields {
        if s.field(&of.key).is_none() {
            push(
                ChangeKind::FieldRemoved,
                key,
                format!("Removed the field \"{}\" from \"{}\"", of.label, s.title),
            );
        }
    }
    let common = |a: &Step, b: &Step| -> Vec<String> {
        a.fields
            .iter()
            .filter(|f| b.field(&f.key).is_some())
            .map(|f| f.key.clone())
            .collect()
    };
    if common(o, s) != common(s, o) {
        push(
            ChangeKind::FieldChanged,
            key,
            format!("Reordered the fields of \"{}\"", s.title),
        );
    }
}

/// How a field's kind changed, in words: a list names the options gained and lost.
fn kind_change(old: &FieldKind, new: &FieldKind) -> String {
    if let (
        FieldKind::List {
            options: oo,
            multiple: om,
        },
        FieldKind::List {
            options: no,
            multiple: nm,
        },
    ) = (old, new)
    {
        let mut parts = Vec::new();
        let added: Vec<String> = no.iter().filter(|o| !oo.contains(o)).cloned().collect();
        let removed: Vec<String> = oo.iter().filter(|o| !no.contains(o)).cloned().collect();
        if !added.is_empty() {
            parts.push(format!("now offers {}", quoted(added)));
        }
        if !removed.is_empty() {
            parts.push(format!("no longer offers {}", quoted(removed)));
        }
        if parts.is_empty() && oo != no {
            parts.push("lists its options in another order".into());
        }
        if om != nm {
            parts.push(
                if *nm {
                    "now takes several choices"
                } else {
                    "now takes one choice"
                }
                .into(),
            );
        }
        return parts.join(" and ");
    }
    format!("is now {} (was {})", kind_words(new), kind_words(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::msp_support_ticket;

    fn texts(c: &[TemplateChange]) -> Vec<&str> {
        c.iter().map(|c| c.text.as_str()).collect()
    }

    #[test]
    fn no_change_no_lines() {
        let t = msp_support_ticket();
        assert_eq!(diff(&t, &t), vec![]);
    }

    #[test]
    fn an_insertion_moves_nothing() {
        let old = msp_support_ticket();
        let mut new = old.clone();
        let mut s = new.phases[0].steps[3].clone();
        s.key = "desk_check".into();
        s.title = "Desk check".into();
        s.requires.clear();
        new.phases[0].steps.insert(0, s);
        new.renumber();
        let c = diff(&old, &new);
        assert_eq!(c.len(), 1, "{:?}", texts(&c));
        assert_eq!(c[0].kind, ChangeKind::StepAdded);
        assert!(c[0]
            .text
            .starts_with("Added \"Desk check\" at the start of Ticket Intake and Triage ("));
    }

    #[test]
    fn a_swap_reports_one_move_and_a_phase_change_reports_the_phases() {
        let old = msp_support_ticket();
        let mut new = old.clone();
        new.phases[1].steps.swap(0, 1);
        let c = diff(&old, &new);
        assert_eq!(c.len(), 1, "{:?}", texts(&c));
        assert_eq!(c[0].kind, ChangeKind::StepMoved);

        let mut new = old.clone();
        let s = new.phases[2].steps.remove(4);
        new.phases[3].steps.insert(0, s);
        let c = diff(&old, &new);
        assert_eq!(
            texts(&c),
            vec!["Moved \"Document the resolution in the PSA ticket\" from Resolution to the start of Closure and Follow-Up"]
        );
    }

    #[test]
    fn list_changes_name_the_options() {
        let a = FieldKind::List {
            options: vec!["a".into(), "b".into()],
            multiple: false,
        };
        let b = FieldKind::List {
            options: vec!["a".into(), "c".into()],
            multiple: true,
        };
        assert_eq!(
            kind_change(&a, &b),
            "now offers \"c\" and no longer offers \"b\" and now takes several choices"
        );
    }

    #[test]
    fn lcs_keeps_the_longest_ordered_run() {
        let kept = lcs(&["a", "b", "c", "d"], &["b", "c", "d", "a"]);
        assert_eq!(kept, ["b", "c", "d"].into_iter().collect());
    }

    #[test]
    fn a_huge_draft_is_compared_without_the_quadratic_table() {
        let keys: Vec<String> = (0..1000).map(|i| format!("s{i}")).collect();
        let a: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut b = a.clone();
        b.swap(0, 999);
        let kept = lcs(&a, &b);
        assert_eq!(kept.len(), 998);
        assert!(!kept.contains("s0") && !kept.contains("s999"));
    }
}
