//! Exports (issue 16): every kind of record as CSV or XLSX, for the PSA, a spreadsheet or an
//! auditor. The store streams rows ([`crate::store::Store::export_rows`]); this module names the
//! kinds, their columns and their filters, and writes the cells to a file.
//!
//! The directory kinds (companies, contacts, assets, runbooks) use the column names the import
//! reads for a plain CSV (`external_id`, `company_external_id`, `company_name`, ...), with the
//! desk's own ids as external ids: an export imported into an empty desk reproduces it.
//!
//! CSV cells are the values exactly (RFC 4180 through the `csv` crate): a PSA or a re-import
//! needs `+49 …` and `-` as they are. XLSX writes every text as a text cell, which a spreadsheet
//! never runs as a formula, so that is the format to open untrusted names in a spreadsheet.

mod sink;

pub use sink::{write_export, ExportFormat, ExportSummary};

use crate::error::{Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    Tickets,
    Steps,
    TimeEntries,
    Csat,
    Companies,
    Contacts,
    Assets,
    Runbooks,
    Audit,
}

impl ExportKind {
    pub const ALL: [ExportKind; 9] = [
        ExportKind::Tickets,
        ExportKind::Steps,
        ExportKind::TimeEntries,
        ExportKind::Csat,
        ExportKind::Companies,
        ExportKind::Contacts,
        ExportKind::Assets,
        ExportKind::Runbooks,
        ExportKind::Audit,
    ];

    /// The CLI's spelling (`--kind time-entries`).
    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Tickets => "tickets",
            ExportKind::Steps => "steps",
            ExportKind::TimeEntries => "time-entries",
            ExportKind::Csat => "csat",
            ExportKind::Companies => "companies",
            ExportKind::Contacts => "contacts",
            ExportKind::Assets => "assets",
            ExportKind::Runbooks => "runbooks",
            ExportKind::Audit => "audit",
        }
    }

    /// The header row, in column order; the store's rows follow it cell for cell.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ExportKind::Tickets => &[
                "number",
                "company_name",
                "contact_name",
                "status",
                "priority",
                "impact",
                "urgency",
                "problem",
                "assignee",
                "escalated",
                "created_at",
                "opened_at",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "resolution_code",
                "record_sha256",
            ],
            ExportKind::Steps => &[
                "ticket",
                "step",
                "completed_by",
                "completed_at",
                "superseded",
                "values",
            ],
            ExportKind::TimeEntries => &[
                "ticket",
                "technician",
                "started_at",
                "minutes",
                "billable",
                "work_type",
                "note",
            ],
            ExportKind::Csat => &["ticket", "company_name", "rating", "comment", "recorded_at"],
            ExportKind::Companies => &[
                "external_id",
                "name",
                "tier",
                "time_zone",
                "calendar",
                // What the import reads back (a client the desk no longer serves stays so).
                "active",
                // Two columns per kind of tool link (issue 15), named as the import's fields:
                // the URL template, then the button's label, so a round trip keeps both.
                "tool_psa",
                "tool_psa_label",
                "tool_remote_session",
                "tool_remote_session_label",
                "tool_rmm",
                "tool_rmm_label",
                "tool_edr",
                "tool_edr_label",
                "tool_documentation",
                "tool_documentation_label",
                "tool_noc",
                "tool_noc_label",
                "tool_vendor_status",
                "tool_vendor_status_label",
            ],
            ExportKind::Contacts => &[
                "external_id",
                "company_external_id",
                "company_name",
                "name",
                "email",
                "phone",
                "upn",
                "authorized",
                "terminated_on",
            ],
            ExportKind::Assets => &[
                "external_id",
                "company_external_id",
                "company_name",
                "hostname",
                "asset_kind",
                "serial",
                "assigned_upn",
                "rmm_id",
                "rmm_url",
            ],
            ExportKind::Runbooks => &[
                "external_id",
                "company_external_id",
                "company_name",
                "title",
                "body",
                "created_at",
                "updated_at",
            ],
            ExportKind::Audit => &[
                "id",
                "ticket",
                "actor",
                "at",
                "action",
                "before",
                "after",
                "prev_hash",
                "hash",
            ],
        }
    }

    /// Whether `--from/--to` apply (records with a time of their own).
    pub fn dated(self) -> bool {
        !matches!(
            self,
            ExportKind::Companies | ExportKind::Contacts | ExportKind::Assets
        )
    }
}

impl std::str::FromStr for ExportKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<ExportKind> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        ExportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                Error::invalid(
                    "kind",
                    format!(
                        "unknown export kind {s:?}: choose one of {}",
                        ExportKind::ALL.map(ExportKind::as_str).join(", ")
                    ),
                )
            })
    }
}

/// Which rows: one client's (`company_id`), and (dated kinds) a span of UTC days, both included.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportFilter {
    pub company_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ExportFilter {
    /// The span as stored timestamps `[from 00:00, day after to 00:00)` in UTC; an inverted span
    /// is refused.
    pub fn bounds(&self) -> Result<(Option<String>, Option<String>)> {
        if let (Some(f), Some(t)) = (self.from, self.to) {
            if t < f {
                return Err(Error::invalid(
                    "to",
                    format!("{t} is before {f}: give --from the first day and --to the last"),
                ));
            }
        }
        let midnight = |d: NaiveDate| -> String {
            let at: DateTime<Utc> = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            crate::audit::timestamp(at)
        };
        Ok((
            self.from.map(midnight),
            self.to.and_then(|d| d.succ_opt()).map(midnight),
        ))
    }
}

/// One cell as the store gives it: numbers stay numbers in XLSX.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Int(i64),
    Text(String),
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Cell {
        v.map(Cell::Text).unwrap_or(Cell::Empty)
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(v)
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Cell {
        v.map(Cell::Int).unwrap_or(Cell::Empty)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Cell {
        Cell::Text(if v { "yes" } else { "no" }.to_string())
    }
}

/// A company's time zone as the export names it: its business hours' zone (24x7 has none).
pub fn time_zone_of(calendar: &crate::sla::Calendar) -> Option<String> {
    match calendar {
        crate::sla::Calendar::AlwaysOn => None,
        crate::sla::Calendar::BusinessHours(h) => Some(h.time_zone.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_as_the_cli_spells_them() {
        for k in ExportKind::ALL {
            assert_eq!(k.as_str().parse::<ExportKind>().unwrap(), k);
        }
        assert_eq!(
            "time_entries".parse::<ExportKind>().unwrap(),
            ExportKind::TimeEntries
        );
        let e = "tickets2".parse::<ExportKind>().unwrap_err();
        assert_eq!(e.code(), "INVALID_INPUT");
    }

    #[test]
    fn days_become_half_open_utc_bounds() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let f = ExportFilter {
            company_id: None,
            from: Some(d("2026-03-01")),
            to: Some(d("2026-03-31")),
        };
        let (from, to) = f.bounds().unwrap();
        assert_eq!(from.as_deref(), Some("2026-03-01T00:00:00.000000Z"));
        assert_eq!(to.as_deref(), Some("2026-04-01T00:00:00.000000Z"));
        let inverted = ExportFilter {
            from: f.to,
            to: f.from,
            ..f
        };
        assert_eq!(inverted.bounds().unwrap_err().code(), "INVALID_INPUT");
    }
}
