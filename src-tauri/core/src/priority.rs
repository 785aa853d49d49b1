//! Priority from the impact × urgency matrix.
//!
//! The spec defines P1 as a site-wide or revenue-blocking outage, P2 as one user blocked, P3 as
//! degraded but workable and P4 as a request. Impact says how far the problem reaches, urgency how
//! soon work stops; the matrix combines them so two technicians classify the same call the same way.

use crate::error::{Error, Result};
use crate::text_enum::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    /// How far the problem reaches.
    pub enum Impact {
        /// A whole site, a business-critical service, or revenue.
        Organization = "organization",
        /// A department or a group of users.
        Department = "department",
        /// A single user.
        User = "user",
    }
}

text_enum! {
    /// How soon the problem stops work.
    pub enum Urgency {
        /// Work has stopped.
        Blocked = "blocked",
        /// Work continues, degraded.
        Degraded = "degraded",
        /// A request or question; nothing is broken.
        Request = "request",
    }
}

text_enum! {
    pub enum Priority {
        P1 = "P1",
        P2 = "P2",
        P3 = "P3",
        P4 = "P4",
    }
}

/// impact × urgency -> priority; configurable per installation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PriorityMatrix {
    /// Rows by impact (organization, department, user), columns by urgency (blocked, degraded, request).
    pub cells: [[Priority; 3]; 3],
}

impl Default for PriorityMatrix {
    fn default() -> Self {
        use Priority::*;
        PriorityMatrix {
            cells: [
                // organization: an outage is P1, a site-wide slowdown P2
                [P1, P2, P3],
                // department
                [P2, P3, P4],
                // one user blocked is P2 per the spec; degraded P3; a request P4
                [P2, P3, P4],
            ],
        }
    }
}

impl PriorityMatrix {
    /// A matrix as the settings screen sends it: rows by impact, columns by urgency, each cell
    /// "P1".."P4". Every bad cell is named by its row and column, so nothing half-valid is saved.
    pub fn from_rows(rows: &[Vec<String>]) -> Result<PriorityMatrix> {
        if rows.len() != Impact::ALL.len() || rows.iter().any(|r| r.len() != Urgency::ALL.len()) {
            return Err(Error::invalid(
                "priority_matrix",
                format!(
                    "the matrix has {} rows (impact) of {} cells (urgency)",
                    Impact::ALL.len(),
                    Urgency::ALL.len()
                ),
            ));
        }
        let mut cells = PriorityMatrix::default().cells;
        let mut bad = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.trim().parse::<Priority>() {
                    Ok(p) => cells[r][c] = p,
                    Err(_) => bad.push(format!(
                        "{} × {}: {cell:?} is not P1, P2, P3 or P4",
                        Impact::ALL[r],
                        Urgency::ALL[c]
                    )),
                }
            }
        }
        if !bad.is_empty() {
            return Err(Error::invalid("priority_matrix", bad.join("; ")));
        }
        Ok(PriorityMatrix { cells })
    }

    pub fn priority(&self, impact: Impact, urgency: Urgency) -> Priority {
        let row = Impact::ALL.iter().position(|i| *i == impact).unwrap_or(0);
        let col = Urgency::ALL.iter().position(|u| *u == urgency).unwrap_or(0);
        self.cells[row][col]
    }

    /// The priority a ticket gets: the matrix's, or an override that carries a reason.
    pub fn decide(
        &self,
        impact: Impact,
        urgency: Urgency,
        chosen: Option<Priority>,
        override_reason: Option<&str>,
    ) -> Result<PriorityDecision> {
        let computed = self.priority(impact, urgency);
        match chosen {
            Some(p) if p != computed => {
                let reason = override_reason.map(str::trim).unwrap_or("");
                if reason.is_empty() {
                    return Err(Error::OverrideReasonRequired);
                }
                Ok(PriorityDecision {
                    computed,
                    priority: p,
                    override_reason: Some(reason.to_string()),
                })
            }
            _ => Ok(PriorityDecision {
                computed,
                priority: computed,
                override_reason: None,
            }),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PriorityDecision {
    pub computed: Priority,
    pub priority: Priority,
    pub override_reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_anchor_points() {
        let m = PriorityMatrix::default();
        assert_eq!(
            m.priority(Impact::Organization, Urgency::Blocked),
            Priority::P1
        );
        assert_eq!(m.priority(Impact::User, Urgency::Blocked), Priority::P2);
        assert_eq!(m.priority(Impact::User, Urgency::Degraded), Priority::P3);
        assert_eq!(m.priority(Impact::User, Urgency::Request), Priority::P4);
    }

    #[test]
    fn override_without_reason_is_refused() {
        let m = PriorityMatrix::default();
        let err = m
            .decide(
                Impact::User,
                Urgency::Degraded,
                Some(Priority::P1),
                Some("  "),
            )
            .unwrap_err();
        assert_eq!(err.code(), "OVERRIDE_REASON_REQUIRED");
        let d = m
            .decide(
                Impact::User,
                Urgency::Degraded,
                Some(Priority::P1),
                Some("CEO laptop"),
            )
            .unwrap();
        assert_eq!((d.computed, d.priority), (Priority::P3, Priority::P1));
        assert_eq!(d.override_reason.as_deref(), Some("CEO laptop"));
    }

    #[test]
    fn choosing_the_computed_priority_needs_no_reason() {
        let m = PriorityMatrix::default();
        let d = m
            .decide(
                Impact::Organization,
                Urgency::Blocked,
                Some(Priority::P1),
                None,
            )
            .unwrap();
        assert_eq!(d.priority, Priority::P1);
        assert!(d.override_reason.is_none());
    }

    #[test]
    fn rows_from_the_settings_screen_are_checked_cell_by_cell() {
        let row = |a: &str, b: &str, c: &str| vec![a.to_string(), b.to_string(), c.to_string()];
        let m = PriorityMatrix::from_rows(&[
            row("P1", "P1", "P2"),
            row("P2", "P3", "P4"),
            row("P2", "P3", "P4"),
        ])
        .unwrap();
        assert_eq!(
            m.priority(Impact::Organization, Urgency::Degraded),
            Priority::P1
        );
        let err = PriorityMatrix::from_rows(&[
            row("P1", "P2", "P3"),
            row("P2", "P9", "P4"),
            row("P2", "P3", ""),
        ])
        .unwrap_err();
        assert_eq!(err.code(), "INVALID_INPUT");
        let msg = err.to_string();
        assert!(msg.contains("department × degraded"), "{msg}");
        assert!(msg.contains("user × request"), "{msg}");
        let short = PriorityMatrix::from_rows(&[row("P1", "P2", "P3")]).unwrap_err();
        assert_eq!(short.code(), "INVALID_INPUT");
    }

    #[test]
    fn a_custom_matrix_is_honoured() {
        let mut m = PriorityMatrix::default();
        m.cells[2][2] = Priority::P3;
        assert_eq!(m.priority(Impact::User, Urgency::Request), Priority::P3);
    }
}
