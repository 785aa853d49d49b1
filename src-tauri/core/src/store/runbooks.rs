//! Runbook entries: what the desk knows about a client (or about every client, for a desk-wide
//! entry), written in the app and the CLI, found with full-text search.
//!
//! An entry created or updated from a ticket is linked to it with what the ticket did
//! (`ticket_runbooks.created` / `.updated`, migration 0007), so that step 20's "Entry created" /
//! "Entry updated" are proven by the store ([`runbook_touch`]) rather than taken on trust. Both
//! FTS indexes (`runbook_fts`, `documents_fts`) follow every write through triggers.

use super::directory::Db;
use super::tickets::load;
use super::{found, Durability, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::workflow::{Change, Lookup, RunbookTouch};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Longest title, in characters.
pub const RUNBOOK_TITLE_MAX: usize = 300;
/// Longest body, in characters.
pub const RUNBOOK_BODY_MAX: usize = 100_000;
/// Most rows one page of the list returns.
pub const RUNBOOK_PAGE_MAX: u32 = 200;
/// Characters of the body shown in a list row.
const EXCERPT_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookEntry {
    pub id: i64,
    /// `None`: a desk-wide entry, offered to every client's tickets.
    pub company_id: Option<i64>,
    /// The client's name, for display; `None` for a desk-wide entry.
    pub company: Option<String>,
    pub title: String,
    /// Plain text.
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A client's entry as an import (IT Glue / Hudu export, demo data) brings it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewRunbookEntry {
    pub company_id: i64,
    pub title: String,
    pub body: String,
}

/// What the editor (app or CLI) sends to create or update an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookInput {
    /// `None` for a desk-wide entry.
    pub company_id: Option<i64>,
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

/// One entry in a list or a search result: no full body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookRow {
    pub id: i64,
    pub company_id: Option<i64>,
    pub company: Option<String>,
    pub title: String,
    /// The start of the body (a list) or the text around the match (a search), on one line.
    pub excerpt: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookQuery {
    /// Only this client's entries; `None` for every entry.
    pub company_id: Option<i64>,
    pub offset: u32,
    /// 1 to [`RUNBOOK_PAGE_MAX`].
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct RunbookPage {
    /// Most recently updated first.
    pub rows: Vec<RunbookRow>,
    /// How many entries match the query in all.
    pub total: i64,
}

/// The title and body limits, for every way an entry is written.
pub(crate) fn check_text(title: &str, body: &str) -> Result<()> {
    if title.trim().is_empty() {
        return Err(Error::RunbookTitleInvalid("a title is required".into()));
    }
    if title.chars().count() > RUNBOOK_TITLE_MAX {
        return Err(Error::RunbookTitleInvalid(format!(
            "at most {RUNBOOK_TITLE_MAX} characters"
        )));
    }
    if body.chars().count() > RUNBOOK_BODY_MAX {
        return Err(Error::RunbookBodyTooLong {
            max: RUNBOOK_BODY_MAX,
        });
    }
    Ok(())
}

/// Whitespace (line breaks included) folded to single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

const ENTRY_COLS: &str =
    "e.id, e.company_id, c.name AS company, e.title, e.body, e.created_at, e.updated_at";

fn entry_row(r: &Row) -> rusqlite::Result<RunbookEntry> {
    Ok(RunbookEntry {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        company: r.get("company")?,
        title: r.get("title")?,
        body: r.get("body")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

fn list_row(r: &Row) -> rusqlite::Result<RunbookRow> {
    Ok(RunbookRow {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        company: r.get("company")?,
        title: r.get("title")?,
        excerpt: one_line(&r.get::<_, String>("excerpt")?),
        updated_at: r.get("updated_at")?,
    })
}

pub(crate) fn entry(conn: &Connection, id: i64) -> Result<RunbookEntry> {
    found(
        conn.query_row(
            &format!(
                "SELECT {ENTRY_COLS} FROM runbook_entries e
                 LEFT JOIN companies c ON c.id = e.company_id WHERE e.id = ?1"
            ),
            [id],
            entry_row,
        ),
        "runbook entry",
        id,
    )
}

/// What ticket `ticket_id` did to entry `runbook_id` (nothing, if they are not linked).
pub(crate) fn runbook_touch(
    conn: &Connection,
    ticket_id: i64,
    runbook_id: i64,
) -> Result<RunbookTouch> {
    Ok(conn
        .query_row(
            "SELECT created, updated FROM ticket_runbooks WHERE ticket_id = ?1 AND runbook_id = ?2",
            params![ticket_id, runbook_id],
            |r| {
                Ok(RunbookTouch {
                    created: r.get("created")?,
                    updated: r.get("updated")?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

/// The ticket an entry is written from: open, and of the entry's client (or any client, for a
/// desk-wide entry).
fn check_ticket(conn: &Connection, ticket_id: i64, company_id: Option<i64>) -> Result<()> {
    let t = load(conn, ticket_id)?;
    if t.is_closed() {
        return Err(Error::TicketClosed(t.number));
    }
    if company_id.is_some() && company_id != t.company_id {
        return Err(Error::RunbookOtherClient(format!(
            "ticket {} is not for this entry's client",
            t.number
        )));
    }
    Ok(())
}

/// What an entry being written names: its client, which must exist, and the ticket it is
/// written from, if any (see [`check_ticket`]). Creating and updating check the same.
fn check_links(conn: &Connection, company_id: Option<i64>, from_ticket: Option<i64>) -> Result<()> {
    if let Some(c) = company_id {
        Db(conn).company(c)?;
    }
    if let Some(t) = from_ticket {
        check_ticket(conn, t, company_id)?;
    }
    Ok(())
}

/// The user's words as an FTS5 query: each word quoted and a prefix, so no input reaches FTS5's
/// syntax. `None` when there is no word.
fn fts_query(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(super::SEARCH_TERMS_MAX)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// Creates an entry. From a ticket (`from_ticket`), the entry is linked to it as created
    /// there, which is what step 20's "Entry created" asks for; one audit event either way.
    pub fn create_runbook_entry(
        &mut self,
        input: &RunbookInput,
        from_ticket: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<RunbookEntry> {
        let actor = super::check_actor(actor)?;
        check_text(&input.title, &input.body)?;
        self.write(Durability::Normal, |tx| {
            check_links(tx, input.company_id, from_ticket)?;
            let at = timestamp(now);
            tx.execute(
                "INSERT INTO runbook_entries (company_id, title, body, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
                params![input.company_id, input.title, input.body, at],
            )?;
            let created = entry(tx, tx.last_insert_rowid())?;
            if let Some(t) = from_ticket {
                tx.execute(
                    "INSERT INTO ticket_runbooks (ticket_id, runbook_id, created) VALUES (?1, ?2, 1)",
                    params![t, created.id],
                )?;
            }
            audit::append(
                tx,
                from_ticket,
                actor,
                now,
                &Change::new("runbook_entry_created", json!(null), json!(created)),
            )?;
            Ok(created)
        })
    }

    /// A client's entry, as the import and the demo data write one by one.
    pub fn add_runbook_entry(
        &mut self,
        e: &NewRunbookEntry,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<RunbookEntry> {
        let input = RunbookInput {
            company_id: Some(e.company_id),
            title: e.title.clone(),
            body: e.body.clone(),
        };
        self.create_runbook_entry(&input, None, actor, now)
    }

    /// Replaces an entry's title, body and client, bumping its `updated_at`; audited with the
    /// entry before and after. From a ticket, the entry is linked to it as updated there (step
    /// 20's "Entry updated"). An edit that changes nothing is refused rather than recorded, so
    /// that it cannot count as an update.
    pub fn update_runbook_entry(
        &mut self,
        id: i64,
        input: &RunbookInput,
        from_ticket: Option<i64>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<RunbookEntry> {
        let actor = super::check_actor(actor)?;
        check_text(&input.title, &input.body)?;
        self.write(Durability::Normal, |tx| {
            let before = entry(tx, id)?;
            check_links(tx, input.company_id, from_ticket)?;
            if input.company_id.is_some() && input.company_id != before.company_id {
                // Tickets of another client must not end up linked to this client's entry.
                let other: Option<String> = tx
                    .query_row(
                        "SELECT t.number FROM ticket_runbooks l JOIN tickets t ON t.id = l.ticket_id
                         WHERE l.runbook_id = ?1 AND t.company_id IS NOT ?2 LIMIT 1",
                        params![id, input.company_id],
                        |r| r.get("number"),
                    )
                    .optional()?;
                if let Some(number) = other {
                    return Err(Error::RunbookOtherClient(format!(
                        "ticket {number} of another client links this entry"
                    )));
                }
            }
            if before.title == input.title
                && before.body == input.body
                && before.company_id == input.company_id
            {
                return Err(Error::invalid(
                    "body",
                    "nothing changed: edit the title, the client or the text first",
                ));
            }
            tx.execute(
                "UPDATE runbook_entries SET company_id = ?2, title = ?3, body = ?4, updated_at = ?5
                 WHERE id = ?1",
                params![
                    id,
                    input.company_id,
                    input.title,
                    input.body,
                    timestamp(now)
                ],
            )?;
            let after = entry(tx, id)?;
            if let Some(t) = from_ticket {
                tx.execute(
                    "INSERT INTO ticket_runbooks (ticket_id, runbook_id, updated) VALUES (?1, ?2, 1)
                     ON CONFLICT (ticket_id, runbook_id) DO UPDATE SET updated = 1",
                    params![t, id],
                )?;
            }
            audit::append(
                tx,
                from_ticket,
                actor,
                now,
                &Change::new("runbook_entry_updated", json!(before), json!(after)),
            )?;
            Ok(after)
        })
    }

    pub fn runbook_entry(&self, id: i64) -> Result<RunbookEntry> {
        entry(self.conn(), id)
    }

    /// One page of entries, most recently updated first, optionally one client's only.
    pub fn runbook_entries(&self, q: &RunbookQuery) -> Result<RunbookPage> {
        let limit = q.limit.clamp(1, RUNBOOK_PAGE_MAX);
        let conn = self.conn();
        if let Some(c) = q.company_id {
            Db(conn).company(c)?;
        }
        // Two statements rather than `?1 IS NULL OR ...`, so each uses its index.
        let filter = if q.company_id.is_some() {
            "WHERE e.company_id = ?1"
        } else {
            "WHERE ?1 IS NULL"
        };
        let total: i64 = conn.query_row(
            &format!("SELECT count(*) FROM runbook_entries e {filter}"),
            [q.company_id],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT e.id, e.company_id, c.name AS company, e.title,
                    substr(e.body, 1, {EXCERPT_CHARS}) AS excerpt, e.updated_at
             FROM runbook_entries e LEFT JOIN companies c ON c.id = e.company_id {filter}
             ORDER BY e.updated_at DESC, e.id DESC LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = stmt
            .query_map(params![q.company_id, limit, q.offset], list_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(RunbookPage { rows, total })
    }

    /// Full-text search over runbook entries (title and body), best first, optionally one
    /// client's only. Words are plain words, each a prefix; a query with no word finds nothing.
    pub fn search_runbook_entries(
        &self,
        query: &str,
        company_id: Option<i64>,
        limit: u32,
    ) -> Result<Vec<RunbookRow>> {
        if query.chars().count() > super::SEARCH_QUERY_MAX_CHARS {
            return Err(Error::invalid(
                "query",
                format!("longer than {} characters", super::SEARCH_QUERY_MAX_CHARS),
            ));
        }
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.id, e.company_id, c.name AS company, e.title, e.updated_at,
                    snippet(runbook_fts, 1, '', '', ' … ', 16) AS excerpt
             FROM runbook_fts JOIN runbook_entries e ON e.id = runbook_fts.rowid
             LEFT JOIN companies c ON c.id = e.company_id
             WHERE runbook_fts MATCH ?1 AND (?2 IS NULL OR e.company_id = ?2)
             ORDER BY bm25(runbook_fts, 5.0, 1.0) LIMIT ?3",
        )?;
        let rows = stmt.query_map(
            params![fts, company_id, limit.clamp(1, RUNBOOK_PAGE_MAX)],
            list_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full-text search of the runbooks a client's ticket may use: the client's own entries and
    /// the desk-wide ones. The query is taken as plain words (each a prefix), never as FTS5
    /// syntax, so user input cannot produce a syntax error.
    pub fn search_runbooks(
        &self,
        company_id: i64,
        query: &str,
        limit: u32,
    ) -> Result<Vec<RunbookHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.id, e.title, snippet(runbook_fts, 1, '', '', ' … ', 12) AS snippet
             FROM runbook_fts JOIN runbook_entries e ON e.id = runbook_fts.rowid
             WHERE runbook_fts MATCH ?1 AND (e.company_id = ?2 OR e.company_id IS NULL)
             ORDER BY bm25(runbook_fts, 5.0, 1.0) LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![fts, company_id, limit.min(100)], |r| {
            Ok(RunbookHit {
                id: r.get("id")?,
                title: r.get("title")?,
                snippet: r.get("snippet")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
