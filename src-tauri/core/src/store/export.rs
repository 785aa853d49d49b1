//! The queries behind exports (`crate::export`): each kind's rows, streamed in a stable order,
//! filtered by client and (dated kinds) by a span of UTC days. Columns are read by name and
//! handed on in [`ExportKind::columns`] order.

use super::Store;
use crate::error::{Error, Result};
use crate::export::{time_zone_of, Cell, ExportFilter, ExportKind};
use rusqlite::types::Value;
use rusqlite::Row;

/// Each kind's query: `:company` (NULL for every client) and, for dated kinds, `:from` and `:to`
/// (NULL for no bound), bound by name where the query has them.
fn query(kind: ExportKind) -> &'static str {
    match kind {
        ExportKind::Tickets => {
            "SELECT t.number, c.name AS company_name, p.name AS contact_name, t.status, t.priority,
                    t.impact, t.urgency, t.problem, t.assignee, t.escalated, t.created_at,
                    t.opened_at, t.first_response_at, t.resolved_at, t.closed_at,
                    t.resolution_code, t.record_hash
             FROM tickets t LEFT JOIN companies c ON c.id = t.company_id
                  LEFT JOIN contacts p ON p.id = t.contact_id
             WHERE (:company IS NULL OR t.company_id = :company)
               AND (:from IS NULL OR t.created_at >= :from) AND (:to IS NULL OR t.created_at < :to)
             ORDER BY t.id"
        }
        ExportKind::Steps => {
            "SELECT t.number AS ticket, s.step, s.completed_by, s.completed_at, s.superseded, s.vals
             FROM step_records s JOIN tickets t ON t.id = s.ticket_id
             WHERE (:company IS NULL OR t.company_id = :company)
               AND (:from IS NULL OR s.completed_at >= :from) AND (:to IS NULL OR s.completed_at < :to)
             ORDER BY s.ticket_id, s.id"
        }
        ExportKind::TimeEntries => {
            "SELECT t.number AS ticket, e.technician, e.started_at, e.minutes, e.billable,
                    e.work_type, e.note
             FROM time_entries e JOIN tickets t ON t.id = e.ticket_id
             WHERE (:company IS NULL OR t.company_id = :company)
               AND (:from IS NULL OR e.started_at >= :from) AND (:to IS NULL OR e.started_at < :to)
             ORDER BY e.ticket_id, e.id"
        }
        ExportKind::Csat => {
            "SELECT t.number AS ticket, c.name AS company_name, r.rating, r.comment, r.recorded_at
             FROM csat_responses r JOIN tickets t ON t.id = r.ticket_id
                  LEFT JOIN companies c ON c.id = t.company_id
             WHERE (:company IS NULL OR t.company_id = :company)
               AND (:from IS NULL OR r.recorded_at >= :from) AND (:to IS NULL OR r.recorded_at < :to)
             ORDER BY r.ticket_id"
        }
        ExportKind::Companies => {
            "SELECT id, name, tier, calendar, active,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'psa') AS tool_psa,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'psa') AS tool_psa_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'remote_session') AS tool_remote_session,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'remote_session') AS tool_remote_session_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'rmm') AS tool_rmm,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'rmm') AS tool_rmm_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'edr') AS tool_edr,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'edr') AS tool_edr_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'documentation') AS tool_documentation,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'documentation') AS tool_documentation_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'noc') AS tool_noc,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'noc') AS tool_noc_label,
                    (SELECT url_template FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'vendor_status') AS tool_vendor_status,
                    (SELECT label FROM company_tools t WHERE t.company_id = companies.id AND t.kind = 'vendor_status') AS tool_vendor_status_label
             FROM companies
             WHERE (:company IS NULL OR id = :company)
             ORDER BY id"
        }
        ExportKind::Contacts => {
            "SELECT p.id, p.company_id, c.name AS company_name, p.name, p.email, p.phone, p.upn,
                    p.authorized, p.terminated_on
             FROM contacts p JOIN companies c ON c.id = p.company_id
             WHERE (:company IS NULL OR p.company_id = :company)
             ORDER BY p.id"
        }
        ExportKind::Assets => {
            "SELECT a.id, a.company_id, c.name AS company_name, a.hostname, a.kind, a.serial,
                    a.assigned_upn, a.rmm_id, a.rmm_url
             FROM assets a JOIN companies c ON c.id = a.company_id
             WHERE (:company IS NULL OR a.company_id = :company)
             ORDER BY a.id"
        }
        ExportKind::Runbooks => {
            "SELECT e.id, e.company_id, c.name AS company_name, e.title, e.body, e.created_at,
                    e.updated_at
             FROM runbook_entries e LEFT JOIN companies c ON c.id = e.company_id
             WHERE (:company IS NULL OR e.company_id = :company)
               AND (:from IS NULL OR e.updated_at >= :from) AND (:to IS NULL OR e.updated_at < :to)
             ORDER BY e.id"
        }
        ExportKind::Audit => {
            "SELECT e.id, t.number AS ticket, e.actor, e.at, e.action, e.before, e.after,
                    e.prev_hash, e.hash
             FROM audit_events e LEFT JOIN tickets t ON t.id = e.ticket_id
             WHERE (:company IS NULL OR t.company_id = :company)
               AND (:from IS NULL OR e.at >= :from) AND (:to IS NULL OR e.at < :to)
             ORDER BY e.id"
        }
    }
}

fn text(r: &Row, col: &str) -> rusqlite::Result<Cell> {
    Ok(r.get::<_, Option<String>>(col)?.into())
}

fn int(r: &Row, col: &str) -> rusqlite::Result<Cell> {
    Ok(r.get::<_, Option<i64>>(col)?.into())
}

fn flag(r: &Row, col: &str) -> rusqlite::Result<Cell> {
    Ok(match r.get::<_, Option<bool>>(col)? {
        Some(b) => b.into(),
        None => Cell::Empty,
    })
}

/// One row's cells, in the kind's column order.
fn cells(kind: ExportKind, r: &Row) -> Result<Vec<Cell>> {
    let row = match kind {
        ExportKind::Tickets => vec![
            text(r, "number")?,
            text(r, "company_name")?,
            text(r, "contact_name")?,
            text(r, "status")?,
            text(r, "priority")?,
            text(r, "impact")?,
            text(r, "urgency")?,
            text(r, "problem")?,
            text(r, "assignee")?,
            flag(r, "escalated")?,
            text(r, "created_at")?,
            text(r, "opened_at")?,
            text(r, "first_response_at")?,
            text(r, "resolved_at")?,
            text(r, "closed_at")?,
            text(r, "resolution_code")?,
            text(r, "record_hash")?,
        ],
        ExportKind::Steps => vec![
            text(r, "ticket")?,
            int(r, "step")?,
            text(r, "completed_by")?,
            text(r, "completed_at")?,
            flag(r, "superseded")?,
            text(r, "vals")?,
        ],
        ExportKind::TimeEntries => vec![
            text(r, "ticket")?,
            text(r, "technician")?,
            text(r, "started_at")?,
            int(r, "minutes")?,
            flag(r, "billable")?,
            text(r, "work_type")?,
            text(r, "note")?,
        ],
        ExportKind::Csat => vec![
            text(r, "ticket")?,
            text(r, "company_name")?,
            int(r, "rating")?,
            text(r, "comment")?,
            text(r, "recorded_at")?,
        ],
        ExportKind::Companies => {
            let calendar: String = r.get("calendar")?;
            let parsed: crate::sla::Calendar = serde_json::from_str(&calendar)
                .map_err(|e| Error::invalid("calendar", e.to_string()))?;
            vec![
                int(r, "id")?,
                text(r, "name")?,
                text(r, "tier")?,
                time_zone_of(&parsed).into(),
                Cell::Text(calendar),
                flag(r, "active")?,
                text(r, "tool_psa")?,
                text(r, "tool_psa_label")?,
                text(r, "tool_remote_session")?,
                text(r, "tool_remote_session_label")?,
                text(r, "tool_rmm")?,
                text(r, "tool_rmm_label")?,
                text(r, "tool_edr")?,
                text(r, "tool_edr_label")?,
                text(r, "tool_documentation")?,
                text(r, "tool_documentation_label")?,
                text(r, "tool_noc")?,
                text(r, "tool_noc_label")?,
                text(r, "tool_vendor_status")?,
                text(r, "tool_vendor_status_label")?,
            ]
        }
        ExportKind::Contacts => vec![
            int(r, "id")?,
            int(r, "company_id")?,
            text(r, "company_name")?,
            text(r, "name")?,
            text(r, "email")?,
            text(r, "phone")?,
            text(r, "upn")?,
            flag(r, "authorized")?,
            text(r, "terminated_on")?,
        ],
        ExportKind::Assets => vec![
            int(r, "id")?,
            int(r, "company_id")?,
            text(r, "company_name")?,
            text(r, "hostname")?,
            text(r, "kind")?,
            text(r, "serial")?,
            text(r, "assigned_upn")?,
            text(r, "rmm_id")?,
            text(r, "rmm_url")?,
        ],
        ExportKind::Runbooks => vec![
            int(r, "id")?,
            int(r, "company_id")?,
            text(r, "company_name")?,
            text(r, "title")?,
            text(r, "body")?,
            text(r, "created_at")?,
            text(r, "updated_at")?,
        ],
        ExportKind::Audit => vec![
            int(r, "id")?,
            text(r, "ticket")?,
            text(r, "actor")?,
            text(r, "at")?,
            text(r, "action")?,
            text(r, "before")?,
            text(r, "after")?,
            text(r, "prev_hash")?,
            text(r, "hash")?,
        ],
    };
    debug_assert_eq!(row.len(), kind.columns().len());
    Ok(row)
}

impl Store {
    /// Streams every row of `kind` that `filter` selects to `each`, in a stable order; the count.
    /// Dates on an undated kind (companies, contacts, assets) are refused rather than ignored.
    pub fn export_rows(
        &self,
        kind: ExportKind,
        filter: &ExportFilter,
        each: &mut dyn FnMut(Vec<Cell>) -> Result<()>,
    ) -> Result<u64> {
        if !kind.dated() && (filter.from.is_some() || filter.to.is_some()) {
            return Err(Error::invalid(
                "from",
                format!(
                    "{} have no date to filter on: leave out --from/--to",
                    kind.as_str()
                ),
            ));
        }
        if let Some(id) = filter.company_id {
            crate::workflow::Lookup::company(&super::directory::Db(self.conn()), id)?;
        }
        let (from, to) = filter.bounds()?;
        let mut stmt = self.conn().prepare(query(kind))?;
        for (name, value) in [
            (":company", filter.company_id.map(Value::Integer)),
            (":from", from.map(Value::Text)),
            (":to", to.map(Value::Text)),
        ] {
            if let Some(i) = stmt.parameter_index(name)? {
                stmt.raw_bind_parameter(i, value.unwrap_or(Value::Null))?;
            }
        }
        let mut rows = stmt.raw_query();
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            each(cells(kind, r)?)?;
            n += 1;
        }
        Ok(n)
    }
}
