//! The ticket queue: one filtered page, sorted by the next SLA deadline.

use super::directory::{contains_pattern, Db};
use super::Store;
use crate::directory::{Asset, Company, Contact, Incident};
use crate::error::Result;
use crate::priority::Priority;
use crate::priority::PriorityMatrix;
use crate::sla::SlaPolicy;
use crate::sla::{SlaStatus, DEFAULT_AT_RISK_RATIO};
use crate::ticket::TicketStatus;
use crate::workflow::Lookup;
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

/// Largest page a caller may ask for; the window virtualizes, so it never needs more at once.
pub const QUEUE_PAGE_MAX: u32 = 500;
const QUEUE_PAGE_DEFAULT: u32 = 50;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default, deny_unknown_fields)]
#[ts(optional_fields)]
pub struct QueueQuery {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub company_id: Option<i64>,
    /// Only tickets assigned to the current technician.
    pub mine: Option<bool>,
    /// Only tickets whose running SLA deadline is at risk or breached.
    pub at_risk: Option<bool>,
    /// Plain words matched against the ticket number, client, contact and problem statement.
    pub search: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct QueueRow {
    pub id: i64,
    pub number: String,
    pub company: String,
    pub contact: Option<String>,
    pub priority: Option<Priority>,
    pub status: TicketStatus,
    pub assignee: Option<String>,
    pub problem: String,
    pub created_at: DateTime<Utc>,
    pub first_response: Option<SlaStatus>,
    pub resolution: Option<SlaStatus>,
}

impl Store {
    /// The WHERE clause and its arguments for a query (shared by the page and the count).
    fn queue_filter(&self, q: &QueueQuery, now: DateTime<Utc>) -> Result<(String, Vec<SqlValue>)> {
        let words: Vec<&str> = q
            .search
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .take(8)
            .collect();
        // The names are joined only for a search: SQLite keeps unused LEFT JOINs, and with them a
        // count of the open tickets reads every row of the table (37 ms at 100,000 tickets)
        // instead of the status index (5 ms).
        let mut sql = String::from(if words.is_empty() {
            " FROM tickets t WHERE 1 = 1"
        } else {
            " FROM tickets t
             LEFT JOIN companies c ON c.id = t.company_id
             LEFT JOIN contacts k ON k.id = t.contact_id WHERE 1 = 1"
        });
        let mut args: Vec<SqlValue> = Vec::new();
        if let Some(s) = q.status {
            sql.push_str(" AND t.status = ?");
            args.push(SqlValue::Text(s.as_str().into()));
        } else {
            sql.push_str(" AND t.status <> 'closed'");
        }
        if let Some(p) = q.priority {
            sql.push_str(" AND t.priority = ?");
            args.push(SqlValue::Text(p.as_str().into()));
        }
        if let Some(c) = q.company_id {
            sql.push_str(" AND t.company_id = ?");
            args.push(SqlValue::Integer(c));
        }
        if q.mine == Some(true) {
            sql.push_str(" AND t.assignee = ?");
            args.push(match self.current_technician()? {
                Some(me) => SqlValue::Text(me),
                None => SqlValue::Null,
            });
        }
        if q.at_risk == Some(true) {
            sql.push_str(" AND t.sla_risk_at <= ?");
            args.push(SqlValue::Text(crate::audit::timestamp(now)));
        }
        for word in words {
            let like = contains_pattern(&word.chars().take(100).collect::<String>());
            sql.push_str(
                " AND (t.number LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' \
                 OR k.name LIKE ? ESCAPE '\\' OR t.problem LIKE ? ESCAPE '\\')",
            );
            args.extend(std::iter::repeat_n(SqlValue::Text(like), 4));
        }
        Ok((sql, args))
    }

    /// How many tickets match, for a scroller sized to the whole result.
    pub fn queue_count(&self, q: &QueueQuery, now: DateTime<Utc>) -> Result<i64> {
        let (filter, args) = self.queue_filter(q, now)?;
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT count(*){filter}"))?;
        Ok(stmt.query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
    }

    pub fn queue(&self, q: &QueueQuery, now: DateTime<Utc>) -> Result<Vec<QueueRow>> {
        let (filter, mut args) = self.queue_filter(q, now)?;
        let mut sql = format!("SELECT t.id{filter}");
        // Tickets without a running clock (new, paused, resolved) come after those with a deadline.
        sql.push_str(" ORDER BY coalesce(t.sla_due_at, '9999-12-31T23:59:59.999999Z'), t.id LIMIT ? OFFSET ?");
        args.push(SqlValue::Integer(
            q.limit
                .unwrap_or(QUEUE_PAGE_DEFAULT)
                .clamp(1, QUEUE_PAGE_MAX)
                .into(),
        ));
        args.push(SqlValue::Integer(q.offset.unwrap_or(0).into()));
        let ids: Vec<i64> = {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let db = Memo::new(Db(self.conn()));
        let mut names = self.conn().prepare_cached(
            "SELECT coalesce((SELECT name FROM companies WHERE id = ?1), ''), (SELECT name FROM contacts WHERE id = ?2)",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let t = super::tickets::load_head(self.conn(), id)?;
            let (first_response, resolution) =
                crate::workflow::sla_status(&t, &db, now, DEFAULT_AT_RISK_RATIO)?;
            let (company, contact) = names
                .query_row(rusqlite::params![t.company_id, t.contact_id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            out.push(QueueRow {
                id: t.id,
                number: t.number,
                company,
                contact,
                priority: t.priority,
                status: t.status,
                assignee: t.assignee,
                problem: t.problem,
                created_at: t.created_at,
                first_response,
                resolution,
            });
        }
        Ok(out)
    }
}

/// A page shows many tickets of few clients: look each company and the policies up once.
struct Memo<'a> {
    db: Db<'a>,
    companies: RefCell<HashMap<i64, Company>>,
    policies: RefCell<Option<Vec<SlaPolicy>>>,
}

impl<'a> Memo<'a> {
    fn new(db: Db<'a>) -> Self {
        Memo {
            db,
            companies: RefCell::default(),
            policies: RefCell::default(),
        }
    }
}

impl Lookup for Memo<'_> {
    fn contact(&self, id: i64) -> Result<Contact> {
        self.db.contact(id)
    }
    fn company(&self, id: i64) -> Result<Company> {
        if let Some(c) = self.companies.borrow().get(&id) {
            return Ok(c.clone());
        }
        let c = self.db.company(id)?;
        self.companies.borrow_mut().insert(id, c.clone());
        Ok(c)
    }
    fn asset(&self, id: i64) -> Result<Asset> {
        self.db.asset(id)
    }
    fn incident(&self, id: i64) -> Result<Incident> {
        self.db.incident(id)
    }
    fn runbook_company(&self, id: i64) -> Result<i64> {
        self.db.runbook_company(id)
    }
    fn time_entry_count(&self, ticket_id: i64) -> Result<i64> {
        self.db.time_entry_count(ticket_id)
    }
    fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        if let Some(p) = self.policies.borrow().as_ref() {
            return Ok(p.clone());
        }
        let p = self.db.sla_policies()?;
        *self.policies.borrow_mut() = Some(p.clone());
        Ok(p)
    }
    fn priority_matrix(&self) -> Result<PriorityMatrix> {
        self.db.priority_matrix()
    }
}
