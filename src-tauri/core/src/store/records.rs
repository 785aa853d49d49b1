//! Time entries and CSAT responses (runbook entries are in runbooks.rs).

use super::{Durability, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::ticket::Ticket;
use crate::workflow::Change;
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

/// The CSAT step's answer is also kept as a CSAT response row, the shape QBR reporting reads.
/// Called with every change: only a completion not stored yet is synced, and the CSAT step is
/// found by key in the ticket's template version (read only then).
pub(crate) fn sync_csat(conn: &Connection, t: &Ticket, now: DateTime<Utc>) -> Result<()> {
    if t.steps.iter().all(|r| r.id.is_some()) {
        return Ok(());
    }
    let tmpl = super::templates::template_over(conn, &t.template_key, t.template_version)?;
    let csat = tmpl.number_of(crate::template::builtin::CSAT);
    let Some(rec) = csat
        .and_then(|n| t.completion(n))
        .filter(|r| r.id.is_none())
    else {
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
            // Time is billed to a technician of this desk, never to a free-text name.
            super::technicians::require_active(tx, &e.technician)?;
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
            // An entry may keep a since-deactivated technician; a changed one must be active.
            if before.as_ref().map(|b| b.technician.as_str()) != Some(e.technician.as_str()) {
                super::technicians::require_active(tx, &e.technician)?;
            }
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
}
