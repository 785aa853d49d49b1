//! Autosaved paragraph drafts and runbook links: what a technician adds to a ticket between
//! step completions.
//!
//! Drafts are not audit events (autosave writes on every change); the completed step that
//! uses them is. A completed step's drafts are removed in the same transaction.

use super::directory::Db;
use super::tickets::load;
use super::{Durability, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::template::FieldKind;
use crate::workflow::{Change, Lookup};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde_json::json;
use std::collections::BTreeMap;

/// Drafts of one ticket: step number -> field key -> text.
pub type Drafts = BTreeMap<u8, BTreeMap<String, String>>;

impl Store {
    pub fn save_draft(
        &mut self,
        ticket_id: i64,
        step: u8,
        field: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let t = load(self.conn(), ticket_id)?;
        if t.is_closed() {
            return Err(Error::TicketClosed(t.number));
        }
        let template = self.template(&t.template_key, t.template_version)?;
        let s = template
            .step(step)
            .ok_or_else(|| Error::not_found("step", step))?;
        match s.field(field).map(|f| &f.kind) {
            Some(FieldKind::Paragraph { max_chars }) => {
                if text.chars().count() > *max_chars as usize {
                    return Err(Error::invalid(
                        field,
                        format!("longer than {max_chars} characters"),
                    ));
                }
            }
            Some(_) => return Err(Error::invalid(field, "only paragraphs have drafts")),
            None => {
                return Err(Error::invalid(
                    field,
                    format!("step {step} has no field {field:?}"),
                ))
            }
        }
        self.write(Durability::Normal, |tx| {
            tx.execute(
                "INSERT INTO drafts (ticket_id, step, field, text, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (ticket_id, step, field) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                params![ticket_id, step, field, text, timestamp(now)],
            )?;
            Ok(())
        })
    }

    pub fn drafts(&self, ticket_id: i64) -> Result<Drafts> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT step, field, text FROM drafts WHERE ticket_id = ?1")?;
        let mut out = Drafts::new();
        for row in stmt.query_map([ticket_id], |r| {
            Ok((
                r.get::<_, u8>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })? {
            let (step, field, text) = row?;
            out.entry(step).or_default().insert(field, text);
        }
        Ok(out)
    }

    /// Links one of the client's runbook entries to the ticket (the runbook panel).
    pub fn link_runbook(
        &mut self,
        ticket_id: i64,
        runbook_id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let actor = super::check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let t = load(tx, ticket_id)?;
            if t.is_closed() {
                return Err(Error::TicketClosed(t.number));
            }
            // A desk-wide entry (no client) may be linked to any ticket.
            let company = Db(tx).runbook_company(runbook_id)?;
            if company.is_some() && company != t.company_id {
                return Err(Error::invalid(
                    "runbook",
                    "the entry belongs to another client",
                ));
            }
            let added = tx.execute(
                "INSERT OR IGNORE INTO ticket_runbooks (ticket_id, runbook_id) VALUES (?1, ?2)",
                params![ticket_id, runbook_id],
            )?;
            if added > 0 {
                audit::append(
                    tx,
                    Some(ticket_id),
                    actor,
                    now,
                    &Change::new(
                        "runbook_linked",
                        json!(null),
                        json!({"runbook_id": runbook_id}),
                    ),
                )?;
            }
            Ok(())
        })
    }

    pub fn linked_runbooks(&self, ticket_id: i64) -> Result<Vec<super::RunbookHit>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT e.id, e.title, substr(e.body, 1, 160) FROM ticket_runbooks l
             JOIN runbook_entries e ON e.id = l.runbook_id WHERE l.ticket_id = ?1 ORDER BY e.title",
        )?;
        let rows = stmt.query_map([ticket_id], |r| {
            Ok(super::RunbookHit {
                id: r.get(0)?,
                title: r.get(1)?,
                snippet: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
