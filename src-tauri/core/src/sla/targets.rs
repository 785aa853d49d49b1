//! The desk's SLA targets as a whole table, the rules an edit of it must keep, and the terms one
//! ticket's clocks run on.
//!
//! A ticket's terms are pinned when its clock starts (the store keeps them), so an edit applies
//! to tickets opened afterwards; the rules here are pure and are the only copy: the settings
//! screen asks the core for them rather than repeating them.

use super::{policy_for, Calendar, SlaPolicy};
use crate::directory::{Company, Tier};
use crate::error::{Error, Result};
use crate::priority::Priority;
use serde::{Deserialize, Serialize};

/// The longest target the desk may set: 365 days of working minutes. Longer is a typo (and a
/// clock that long would never be looked at again).
pub const MAX_TARGET_MINUTES: u32 = 365 * 24 * 60;

/// What a ticket's two clocks are measured against: its tier × priority targets and its client's
/// calendar, both as they stood when the clock started.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaTerms {
    pub policy: SlaPolicy,
    pub calendar: Calendar,
}

impl SlaTerms {
    /// The terms the desk would give a ticket of this client and priority now (what opening one
    /// pins); `None` when the table has no target for the pair.
    pub fn current(
        policies: &[SlaPolicy],
        company: &Company,
        priority: Priority,
    ) -> Option<SlaTerms> {
        policy_for(policies, company.tier, priority).map(|policy| SlaTerms {
            policy,
            calendar: company.calendar.clone(),
        })
    }
}

/// One cell of the targets table as the settings screen sends it: minutes as typed, so a
/// fraction or a negative number is answered with a message rather than refused unread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaTargetInput {
    pub tier: Tier,
    pub priority: Priority,
    pub first_response_minutes: f64,
    pub resolution_minutes: f64,
}

impl From<SlaPolicy> for SlaTargetInput {
    fn from(p: SlaPolicy) -> Self {
        SlaTargetInput {
            tier: p.tier,
            priority: p.priority,
            first_response_minutes: p.first_response_minutes.into(),
            resolution_minutes: p.resolution_minutes.into(),
        }
    }
}

/// What is wrong with one cell (or, `tier`/`priority` being the cell's, with the table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaTargetProblem {
    pub tier: Tier,
    pub priority: Priority,
    /// `first_response_minutes`, `resolution_minutes`, or `cell` (missing or given twice).
    pub field: String,
    /// A sentence for the person editing, naming the cell and the way forward.
    pub message: String,
}

fn cell_name(tier: Tier, priority: Priority) -> String {
    let tier = tier.as_str();
    let mut name: String = tier.chars().take(1).flat_map(char::to_uppercase).collect();
    name.push_str(&tier[1..]);
    format!("{name} {priority}")
}

/// Why `minutes` is not a whole number of minutes from 1 to [`MAX_TARGET_MINUTES`], if it is not.
fn minutes_problem(minutes: f64) -> Option<String> {
    if !minutes.is_finite() || minutes.fract() != 0.0 {
        Some(format!("{minutes} is not a whole number of minutes"))
    } else if minutes < 1.0 {
        Some(format!("{minutes} minutes: at least 1 minute"))
    } else if minutes > f64::from(MAX_TARGET_MINUTES) {
        Some(format!(
            "{minutes} minutes: at most {MAX_TARGET_MINUTES} (365 days)"
        ))
    } else {
        None
    }
}

/// Every problem of an edited table, in tier × priority order: each of the 16 cells exactly once,
/// whole minutes, 1 minute ≤ first response ≤ resolution ≤ 365 days. Empty when it can be saved.
pub fn target_problems(cells: &[SlaTargetInput]) -> Vec<SlaTargetProblem> {
    let mut problems = Vec::new();
    for &tier in Tier::ALL {
        for &priority in Priority::ALL {
            let problem = |field: &str, message: String| SlaTargetProblem {
                tier,
                priority,
                field: field.to_string(),
                message: format!("{}: {message}", cell_name(tier, priority)),
            };
            let mine: Vec<&SlaTargetInput> = cells
                .iter()
                .filter(|c| c.tier == tier && c.priority == priority)
                .collect();
            let c = match mine.as_slice() {
                [] => {
                    problems.push(problem(
                        "cell",
                        "no targets given: every tier needs all four priorities".into(),
                    ));
                    continue;
                }
                [c] => *c,
                _ => {
                    problems.push(problem(
                        "cell",
                        format!("given {} times: give each cell once", mine.len()),
                    ));
                    continue;
                }
            };
            let fr = minutes_problem(c.first_response_minutes);
            let res = minutes_problem(c.resolution_minutes);
            if let Some(m) = &fr {
                problems.push(problem(
                    "first_response_minutes",
                    format!("first response {m}"),
                ));
            }
            if let Some(m) = &res {
                problems.push(problem("resolution_minutes", format!("resolution {m}")));
            }
            if fr.is_none() && res.is_none() && c.first_response_minutes > c.resolution_minutes {
                problems.push(problem(
                    "resolution_minutes",
                    format!(
                        "resolution ({} min) is shorter than first response ({} min): resolving includes responding, make it at least as long",
                        c.resolution_minutes, c.first_response_minutes
                    ),
                ));
            }
        }
    }
    problems
}

/// The table to store, in tier × priority order, or `INVALID_INPUT` naming every problem found
/// (the settings screen shows them by cell through [`target_problems`]).
pub fn checked_targets(cells: &[SlaTargetInput]) -> Result<Vec<SlaPolicy>> {
    let problems = target_problems(cells);
    if !problems.is_empty() {
        let shown: Vec<&str> = problems
            .iter()
            .take(4)
            .map(|p| p.message.as_str())
            .collect();
        let more = match problems.len() {
            n if n > 4 => format!(" (and {} more)", n - 4),
            _ => String::new(),
        };
        return Err(Error::invalid(
            "sla_targets",
            format!("{}{more}", shown.join("; ")),
        ));
    }
    let mut table = Vec::with_capacity(Tier::ALL.len() * Priority::ALL.len());
    for &tier in Tier::ALL {
        for &priority in Priority::ALL {
            if let Some(c) = cells
                .iter()
                .find(|c| c.tier == tier && c.priority == priority)
            {
                // Whole and within 1..=MAX_TARGET_MINUTES: checked above, so exact as u32.
                table.push(SlaPolicy {
                    tier,
                    priority,
                    first_response_minutes: c.first_response_minutes as u32,
                    resolution_minutes: c.resolution_minutes as u32,
                });
            }
        }
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::default_policies;

    fn defaults() -> Vec<SlaTargetInput> {
        default_policies().into_iter().map(Into::into).collect()
    }

    #[test]
    fn the_defaults_pass_and_come_back_in_table_order() {
        let mut cells = defaults();
        cells.reverse();
        assert_eq!(target_problems(&cells), vec![]);
        let table = checked_targets(&cells).expect("defaults are valid");
        assert_eq!(table, default_policies());
    }

    #[test]
    fn each_rule_names_its_cell_and_field() {
        let cases: [(usize, f64, f64, &str, &str); 6] = [
            (
                0,
                0.0,
                240.0,
                "first_response_minutes",
                "Platinum P1: first response 0 minutes",
            ),
            (
                5,
                60.5,
                960.0,
                "first_response_minutes",
                "Gold P2: first response 60.5 is not a whole",
            ),
            (
                6,
                60.0,
                -5.0,
                "resolution_minutes",
                "Gold P3: resolution -5 minutes",
            ),
            (
                15,
                480.0,
                525_601.0,
                "resolution_minutes",
                "Bronze P4: resolution 525601 minutes: at most 525600",
            ),
            (
                9,
                120.0,
                119.0,
                "resolution_minutes",
                "Silver P2: resolution (119 min) is shorter",
            ),
            (
                10,
                f64::INFINITY,
                100.0,
                "first_response_minutes",
                "Silver P3: first response inf",
            ),
        ];
        for (i, fr, res, field, start) in cases {
            let mut cells = defaults();
            cells[i].first_response_minutes = fr;
            cells[i].resolution_minutes = res;
            let problems = target_problems(&cells);
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].field, field);
            assert_eq!(
                (problems[0].tier, problems[0].priority),
                (cells[i].tier, cells[i].priority)
            );
            assert!(
                problems[0].message.starts_with(start),
                "{}",
                problems[0].message
            );
            let err = checked_targets(&cells).expect_err("refused");
            assert_eq!(err.code(), "INVALID_INPUT");
            assert!(err.to_string().contains(start), "{err}");
        }
    }

    #[test]
    fn the_bounds_themselves_are_allowed() {
        let mut cells = defaults();
        cells[0].first_response_minutes = 1.0;
        cells[0].resolution_minutes = 1.0;
        cells[1].first_response_minutes = f64::from(MAX_TARGET_MINUTES);
        cells[1].resolution_minutes = f64::from(MAX_TARGET_MINUTES);
        let table = checked_targets(&cells).expect("bounds are inclusive");
        assert_eq!(
            (table[0].first_response_minutes, table[0].resolution_minutes),
            (1, 1)
        );
        assert_eq!(table[1].resolution_minutes, MAX_TARGET_MINUTES);
    }

    #[test]
    fn a_missing_or_doubled_cell_is_named() {
        let mut cells = defaults();
        let gone = cells.remove(7);
        let problems = target_problems(&cells);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            (problems[0].tier, problems[0].priority),
            (gone.tier, gone.priority)
        );
        assert_eq!(problems[0].field, "cell");
        assert!(
            problems[0].message.starts_with("Gold P4: no targets"),
            "{}",
            problems[0].message
        );

        let mut twice = defaults();
        twice.push(twice[3]);
        let problems = target_problems(&twice);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("given 2 times"),
            "{}",
            problems[0].message
        );
        assert_eq!(target_problems(&[]).len(), 16);
        let err = checked_targets(&[]).expect_err("empty");
        assert!(err.to_string().contains("(and 12 more)"), "{err}");
    }
}
