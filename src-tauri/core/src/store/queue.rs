//! The ticket queue: one filtered page, in the order the technician chose. The default puts
//! what needs action first: priority, then the next SLA deadline (breached and soonest first).

use super::directory::{contains_pattern, Db};
use super::Store;
use crate::directory::{Asset, Company, Contact, Incident};
use crate::error::Result;
use crate::priority::Priority;
use crate::priority::PriorityMatrix;
use crate::sla::SlaPolicy;
use crate::sla::{client_time_zone, SlaStatus, DEFAULT_AT_RISK_RATIO};
use crate::ticket::TicketStatus;
use crate::workflow::{Lookup, RunbookTouch};
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
    /// The column to sort by; `None` is [`QueueSort::Priority`], the queue's default order.
    pub sort: Option<QueueSort>,
    /// Reverses the sort's order (every key of it, ties included).
    pub descending: Option<bool>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// The queue's sortable columns. Ties of the client and status sorts go to the default order
/// (priority, then the SLA deadline); every sort ends with the ticket number, so pages never
/// overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    /// P1 first, tickets without a priority (intake under way) last; then the SLA deadline.
    Priority,
    /// Ticket number: the oldest ticket first (numbers are issued in creation order).
    Number,
    /// Client name, A to Z.
    Client,
    /// Lifecycle order: new, open, escalated, waiting on the customer, resolved, closed.
    Status,
    /// The next SLA deadline: breached and soonest first, tickets without a running clock last.
    SlaDue,
    /// How long ago the ticket was created: the youngest first.
    Age,
}

/// The far-future stand-in for "no running deadline"; the same expression as the indexes of
/// migrations 0002, 0005 and 0008, which SQLite only uses when the ORDER BY matches it exactly.
const DUE: &str = "coalesce(t.sla_due_at, '9999-12-31T23:59:59.999999Z')";
/// Priority with "none yet" after P4 (the expression of migration 0008's indexes).
const PRIORITY: &str = "coalesce(t.priority, 'P9')";
/// Status in lifecycle order (the expression of migration 0008's `tickets_status_rank_order`).
const STATUS_RANK: &str = "CASE t.status WHEN 'new' THEN 0 WHEN 'open' THEN 1 \
    WHEN 'escalated' THEN 2 WHEN 'waiting_on_customer' THEN 3 WHEN 'resolved' THEN 4 ELSE 5 END";

/// The ORDER BY terms of a query. A key the filters make constant (the priority when one
/// priority is asked for, the status when one status is) is left out: it orders nothing, and
/// without it SQLite can read a filter's index in order instead of sorting every match.
fn order_terms(q: &QueueQuery) -> Vec<&'static str> {
    let mut terms: Vec<&'static str> = match q.sort.unwrap_or(QueueSort::Priority) {
        QueueSort::Priority => vec![PRIORITY, DUE],
        QueueSort::Number => vec![],
        // Only with a client filter (else `queue_by_client_sql`): one client, the default order.
        QueueSort::Client => vec![PRIORITY, DUE],
        QueueSort::Status => vec![STATUS_RANK, PRIORITY, DUE],
        QueueSort::SlaDue => vec![DUE],
        // Ascending age is descending creation time: `order_by` flips the direction.
        QueueSort::Age => vec!["t.created_at"],
    };
    if q.priority.is_some() {
        terms.retain(|t| *t != PRIORITY);
    }
    if q.status.is_some() {
        terms.retain(|t| *t != STATUS_RANK);
    }
    terms.push("t.id");
    terms
}

/// The ORDER BY clause: every term in one direction, so an index can be read either way.
fn order_by(q: &QueueQuery) -> String {
    let reversed = q.descending == Some(true);
    // Age ascending means the youngest first: the newest creation time first.
    let descending = reversed != (q.sort == Some(QueueSort::Age));
    let dir = if descending { " DESC" } else { "" };
    let terms: Vec<String> = order_terms(q)
        .into_iter()
        .map(|t| format!("{t}{dir}"))
        .collect();
    format!(" ORDER BY {}", terms.join(", "))
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
    /// The client's time zone (tz database name) the row's times are shown in, by the same rule
    /// as the ticket view's (`client_time_zone`).
    pub time_zone: String,
}

impl Store {
    /// The WHERE clause and its arguments for a query (shared by the page and the count).
    fn queue_filter(&self, q: &QueueQuery, now: DateTime<Utc>) -> Result<(String, Vec<SqlValue>)> {
        let (conditions, args, words) = self.queue_conditions(q, now)?;
        // The names are joined only for a search: SQLite keeps unused LEFT JOINs, and with them a
        // count of the open tickets reads every row of the table (37 ms at 100,000 tickets)
        // instead of the status index (5 ms).
        let joins = if words {
            " LEFT JOIN companies c ON c.id = t.company_id LEFT JOIN contacts k ON k.id = t.contact_id"
        } else {
            ""
        };
        Ok((
            format!(" FROM tickets t{joins} WHERE 1 = 1{conditions}"),
            args,
        ))
    }

    /// The filter's conditions (each " AND ..."), their arguments, and whether they search the
    /// client's and contact's names (`c.name`, `k.name`: the caller joins them).
    fn queue_conditions(
        &self,
        q: &QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<SqlValue>, bool)> {
        let words: Vec<&str> = q
            .search
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .take(8)
            .collect();
        let mut sql = String::new();
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
        let searching = !words.is_empty();
        for word in words {
            let like = contains_pattern(&word.chars().take(100).collect::<String>());
            sql.push_str(
                " AND (t.number LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\' \
                 OR k.name LIKE ? ESCAPE '\\' OR t.problem LIKE ? ESCAPE '\\')",
            );
            args.extend(std::iter::repeat_n(SqlValue::Text(like), 4));
        }
        Ok((sql, args, searching))
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
        let (sql, args) = self.queue_page_sql(q, now)?;
        let ids: Vec<i64> = {
            let mut stmt = self.conn().prepare_cached(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        self.queue_rows(ids, now)
    }

    /// How SQLite runs a page's query (`EXPLAIN QUERY PLAN`, one line per step), so tests can
    /// prove each sort reads an index in order rather than sorting every match.
    pub fn queue_plan(&self, q: &QueueQuery, now: DateTime<Utc>) -> Result<String> {
        let (sql, args) = self.queue_page_sql(q, now)?;
        let mut stmt = self.conn().prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?.join("\n"))
    }

    /// The SQL (and its arguments) that picks a page's ticket ids, in order.
    fn queue_page_sql(
        &self,
        q: &QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<SqlValue>)> {
        let (mut sql, mut args) = if q.sort == Some(QueueSort::Client) && q.company_id.is_none() {
            self.queue_by_client_sql(q, now)?
        } else {
            let (filter, args) = self.queue_filter(q, now)?;
            (format!("SELECT t.id{filter}{}", order_by(q)), args)
        };
        sql.push_str(" LIMIT ? OFFSET ?");
        args.push(SqlValue::Integer(
            q.limit
                .unwrap_or(QUEUE_PAGE_DEFAULT)
                .clamp(1, QUEUE_PAGE_MAX)
                .into(),
        ));
        args.push(SqlValue::Integer(q.offset.unwrap_or(0).into()));
        Ok((sql, args))
    }

    /// The client sort. With tickets as the outer loop (a LEFT JOIN: a ticket in intake may have
    /// no client yet) every match must be sorted by a name from another table: 15-25 ms a page
    /// at 20,000 tickets. So the tickets with a client are read client by client (the companies'
    /// name index, then each client's tickets from `tickets_company_priority_due_order`, in
    /// order), and merged with those without one, which sort last: their key is a BLOB, which
    /// SQLite orders after every text.
    fn queue_by_client_sql(
        &self,
        q: &QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<(String, Vec<SqlValue>)> {
        let (conditions, args, words) = self.queue_conditions(q, now)?;
        let contacts = if words {
            " LEFT JOIN contacts k ON k.id = t.contact_id"
        } else {
            ""
        };
        let dir = if q.descending == Some(true) {
            " DESC"
        } else {
            ""
        };
        // CROSS JOIN keeps the companies the outer loop (SQLite never reorders it).
        let sql = format!(
            "SELECT t.id, c.name, {PRIORITY}, {DUE} \
             FROM companies c CROSS JOIN tickets t ON t.company_id = c.id{contacts} \
             WHERE 1 = 1{conditions} \
             UNION ALL SELECT t.id, X'00', {PRIORITY}, {DUE} \
             FROM tickets t LEFT JOIN companies c ON c.id = t.company_id{contacts} \
             WHERE t.company_id IS NULL{conditions} \
             ORDER BY 2{dir}, 3{dir}, 4{dir}, 1{dir}"
        );
        let mut both = args.clone();
        both.extend(args);
        Ok((sql, both))
    }

    /// The rows of these tickets, in this order, with their SLA figures as of `now`.
    fn queue_rows(&self, ids: Vec<i64>, now: DateTime<Utc>) -> Result<Vec<QueueRow>> {
        let db = Memo::new(Db(self.conn()));
        let mut names = self.conn().prepare_cached(
            "SELECT coalesce((SELECT name FROM companies WHERE id = ?1), ''), (SELECT name FROM contacts WHERE id = ?2)",
        )?;
        // The desk's zone is read once a page and each client's zone once: the companies are
        // memoised for the SLA figures anyway, so the zone costs the page no extra query per row.
        let desk_zone = self.desk_time_zone()?;
        let mut zones: HashMap<Option<i64>, String> = HashMap::new();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let t = super::tickets::load_head(self.conn(), id)?;
            let (first_response, resolution) =
                crate::workflow::sla_status(&t, &db, now, DEFAULT_AT_RISK_RATIO)?;
            let time_zone = match zones.get(&t.company_id) {
                Some(z) => z.clone(),
                None => {
                    let company = t.company_id.map(|c| db.company(c)).transpose()?;
                    let z = client_time_zone(
                        company.as_ref().map(|c| &c.calendar),
                        desk_zone.as_deref(),
                    );
                    zones.insert(t.company_id, z.clone());
                    z
                }
            };
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
                time_zone,
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
    pinned: RefCell<super::sla_settings::Pinned>,
}

impl<'a> Memo<'a> {
    fn new(db: Db<'a>) -> Self {
        Memo {
            db,
            companies: RefCell::default(),
            policies: RefCell::default(),
            pinned: RefCell::default(),
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
    fn runbook_company(&self, id: i64) -> Result<Option<i64>> {
        self.db.runbook_company(id)
    }
    fn runbook_touch(&self, ticket_id: i64, runbook_id: i64) -> Result<RunbookTouch> {
        self.db.runbook_touch(ticket_id, runbook_id)
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
    /// The pinned terms, each pinned table and calendar parsed once a page.
    fn sla_terms(
        &self,
        t: &crate::ticket::Ticket,
        company: &Company,
        priority: Priority,
    ) -> Result<Option<crate::sla::SlaTerms>> {
        super::sla_settings::terms_of(
            self.db.0,
            &mut self.pinned.borrow_mut(),
            t,
            company,
            priority,
            || self.sla_policies(),
        )
    }
}
