//! Time entries, CSAT responses and per-client runbooks (with FTS5 search).

use super::directory::Db;
use super::{Durability, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::ticket::Ticket;
use crate::workflow::{Change, Lookup};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TimeEntry {
    pub id: i64,
    pub ticket_id: i64,
    pub technician: String,
    pub started_at: DateTime<Utc>,
    pub minutes: u32,
    pub billable: bool,
    pub work_type: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewTimeEntry {
    pub technician: String,
    pub started_at: DateTime<Utc>,
    pub minutes: u32,
    pub billable: bool,
    pub work_type: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookEntry {
    pub id: i64,
    pub company_id: i64,
    pub title: String,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewRunbookEntry {
    pub company_id: i64,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookHit {
    pub id: i64,
    pub title: String,
    /// A short excerpt around the match, plain text.
    pub snippet: String,
}

const RUNBOOK_BODY_MAX: usize = 100_000;

pub(crate) fn time_entries(conn: &Connection, ticket_id: i64) -> Result<Vec<TimeEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, ticket_id, technician, started_at, minutes, billable, work_type, note
         FROM time_entries WHERE ticket_id = ?1 ORDER BY started_at, id",
    )?;
    let rows = stmt.query_map([ticket_id], |r| {
        Ok(TimeEntry {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            technician: r.get(2)?,
            started_at: r.get(3)?,
            minutes: r.get(4)?,
            billable: r.get(5)?,
            work_type: r.get(6)?,
            note: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Step 18's answer is also kept as a CSAT response row, the shape QBR reporting reads.
pub(crate) fn sync_csat(conn: &Connection, t: &Ticket, now: DateTime<Utc>) -> Result<()> {
    let Some(rec) = t.completion(18).filter(|r| r.id.is_none()) else {
        return Ok(());
    };
    let rating = rec.values.get("rating").and_then(|v| v.as_i64());
    let comment = rec
        .values
        .get("comment")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    conn.execute(
        "INSERT INTO csat_responses (ticket_id, rating, comment, recorded_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (ticket_id) DO UPDATE SET rating = excluded.rating, comment = excluded.comment,
             recorded_at = excluded.recorded_at",
        params![t.id, rating, comment, timestamp(now)],
    )?;
    Ok(())
}

fn check_time_entry(e: &NewTimeEntry) -> Result<()> {
    if e.technician.trim().is_empty() || e.technician.chars().count() > 200 {
        return Err(Error::invalid("technician", "is required"));
    }
    if !(1..=1440).contains(&e.minutes) {
        return Err(Error::invalid("minutes", "between 1 and 1440"));
    }
    if e.work_type.trim().is_empty() || e.work_type.chars().count() > 100 {
        return Err(Error::invalid("work_type", "is required"));
    }
    if e.note.chars().count() > 5_000 {
        return Err(Error::invalid("note", "longer than 5000 characters"));
    }
    Ok(())
}

fn open_ticket(conn: &Connection, ticket_id: i64) -> Result<()> {
    let t = super::tickets::load(conn, ticket_id)?;
    if t.is_closed() {
        return Err(Error::TicketClosed(t.number));
    }
    Ok(())
}

impl Store {
    pub fn add_time_entry(
        &mut self,
        ticket_id: i64,
        e: &NewTimeEntry,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TimeEntry> {
        let actor = super::check_actor(actor)?;
        // The seal is reported before anything else is wrong with the input.
        open_ticket(self.conn(), ticket_id)?;
        check_time_entry(e)?;
        self.write(Durability::Normal, |tx| {
            open_ticket(tx, ticket_id)?;
            tx.execute(
                "INSERT INTO time_entries (ticket_id, technician, started_at, minutes, billable, work_type, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![ticket_id, e.technician, timestamp(e.started_at), e.minutes, e.billable, e.work_type, e.note],
            )?;
            let id = tx.last_insert_rowid();
            let entry = time_entries(tx, ticket_id)?
                .into_iter()
                .find(|t| t.id == id)
                .ok_or_else(|| Error::not_found("time entry", id))?;
            audit::append(tx, Some(ticket_id), actor, now, &Change::new("time_entry_added", json!(null), json!(entry)))?;
            Ok(entry)
        })
    }

    pub fn update_time_entry(
        &mut self,
        id: i64,
        e: &NewTimeEntry,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TimeEntry> {
        let actor = super::check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let ticket_id: i64 = super::found(
                tx.query_row("SELECT ticket_id FROM time_entries WHERE id = ?1", [id], |r| r.get(0)),
                "time entry",
                id,
            )?;
            open_ticket(tx, ticket_id)?;
            check_time_entry(e)?;
            let before = time_entries(tx, ticket_id)?.into_iter().find(|t| t.id == id);
            tx.execute(
                "UPDATE time_entries SET technician = ?2, started_at = ?3, minutes = ?4, billable = ?5,
                    work_type = ?6, note = ?7 WHERE id = ?1",
                params![id, e.technician, timestamp(e.started_at), e.minutes, e.billable, e.work_type, e.note],
            )?;
            let after = time_entries(tx, ticket_id)?
                .into_iter()
                .find(|t| t.id == id)
                .ok_or_else(|| Error::not_found("time entry", id))?;
            audit::append(tx, Some(ticket_id), actor, now, &Change::new("time_entry_changed", json!(before), json!(after)))?;
            Ok(after)
        })
    }

    pub fn time_entries(&self, ticket_id: i64) -> Result<Vec<TimeEntry>> {
        time_entries(self.conn(), ticket_id)
    }

    pub fn add_runbook_entry(
        &mut self,
        e: &NewRunbookEntry,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<RunbookEntry> {
        let actor = super::check_actor(actor)?;
        if e.title.trim().is_empty() || e.title.chars().count() > 300 {
            return Err(Error::invalid(
                "title",
                "is required (at most 300 characters)",
            ));
        }
        if e.body.chars().count() > RUNBOOK_BODY_MAX {
            return Err(Error::invalid(
                "body",
                format!("longer than {RUNBOOK_BODY_MAX} characters"),
            ));
        }
        self.write(Durability::Normal, |tx| {
            Db(tx).company(e.company_id)?;
            tx.execute(
                "INSERT INTO runbook_entries (company_id, title, body, updated_at) VALUES (?1, ?2, ?3, ?4)",
                params![e.company_id, e.title, e.body, timestamp(now)],
            )?;
            let entry = RunbookEntry {
                id: tx.last_insert_rowid(),
                company_id: e.company_id,
                title: e.title.clone(),
                body: e.body.clone(),
                updated_at: now,
            };
            audit::append(tx, None, actor, now, &Change::new("runbook_entry_added", json!(null), json!({"id": entry.id, "company_id": entry.company_id, "title": entry.title})))?;
            Ok(entry)
        })
    }

    /// Full-text search of one client's runbooks. The query is taken as plain words (each a
    /// prefix), never as FTS5 syntax, so user input cannot produce a syntax error.
    pub fn search_runbooks(
        &self,
        company_id: i64,
        query: &str,
        limit: u32,
    ) -> Result<Vec<RunbookHit>> {
        let terms: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(16)
            .map(|w| format!("\"{w}\"*"))
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.id, e.title, snippet(runbook_fts, 1, '', '', ' … ', 12)
             FROM runbook_fts JOIN runbook_entries e ON e.id = runbook_fts.rowid
             WHERE runbook_fts MATCH ?1 AND e.company_id = ?2
             ORDER BY bm25(runbook_fts, 5.0, 1.0) LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![terms.join(" "), company_id, limit.min(100)], |r| {
            Ok(RunbookHit {
                id: r.get(0)?,
                title: r.get(1)?,
                snippet: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
