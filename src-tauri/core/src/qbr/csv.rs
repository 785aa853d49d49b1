//! The tickets behind the figures as CSV (RFC 4180, through the `csv` crate: a field is quoted
//! when it must be, quotes doubled, lines end in CRLF), safe to open in a spreadsheet.

use super::Qbr;
use crate::audit::timestamp;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};

const HEADER: &[&str] = &[
    "ticket",
    "client",
    "status",
    "priority",
    "opened_at",
    "closed_at",
    "opened_in_period",
    "closed_in_period",
    "resolution_code",
    "escalated",
    "failed_verifications",
    "first_response_business_secs",
    "resolution_business_secs",
    "first_response_met",
    "resolution_met",
    "csat_rating",
    "billable_minutes",
    "non_billable_minutes",
    "assets",
    "record_sha256",
];

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or CR first) gets a
/// leading apostrophe: client and asset names are typed by people and imported from other tools.
fn spreadsheet_safe(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn at(v: Option<DateTime<Utc>>) -> String {
    v.map(timestamp).unwrap_or_default()
}

/// One header line, then one line per ticket of `q.tickets`, in that order.
pub fn tickets_csv(q: &Qbr) -> Result<String> {
    let failed = |e: &dyn std::fmt::Display| Error::invalid("csv", e.to_string());
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER).map_err(|e| failed(&e))?;
    for t in &q.tickets {
        let cells = [
            t.number.clone(),
            t.client.clone(),
            t.status.to_string(),
            opt(t.priority),
            at(t.opened_at),
            at(t.closed_at),
            t.opened_in_period.to_string(),
            t.closed_in_period.to_string(),
            t.resolution_code.clone().unwrap_or_default(),
            t.escalated.to_string(),
            t.failed_verifications.to_string(),
            opt(t.first_response_secs),
            opt(t.resolution_secs),
            opt(t.first_response_met),
            opt(t.resolution_met),
            opt(t.csat_rating),
            t.billable_minutes.to_string(),
            t.non_billable_minutes.to_string(),
            t.assets.join(" "),
            t.record_hash.clone().unwrap_or_default(),
        ];
        w.write_record(cells.map(spreadsheet_safe))
            .map_err(|e| failed(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn cells_a_spreadsheet_would_run_are_defused() {
        for formula in ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx"] {
            assert_eq!(spreadsheet_safe(formula.into()), format!("'{formula}"));
        }
        assert_eq!(spreadsheet_safe("Contoso Legal".into()), "Contoso Legal");
        assert_eq!(spreadsheet_safe(String::new()), "");
    }
}
