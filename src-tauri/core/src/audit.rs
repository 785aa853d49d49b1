//! The audit trail: every change is an event chained to the previous one by SHA-256.
//!
//! One chain covers the whole database, so removing, altering or reordering any row breaks the
//! link after it; the head (last id and hash) is kept in its own row so truncating the tail is
//! caught too. The table is append-only (migration 0009's triggers refuse UPDATE and DELETE), and
//! every seal is an event (`ticket_sealed`, with the closure record's hash) that [`verify`] checks
//! against each closed ticket's stored record.

use crate::canonical::hash_of;
use crate::error::{Error, Result};
use crate::workflow::Change;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The action of the event that seals a closed ticket: it carries the closure record's hash.
pub const SEALED_ACTION: &str = "ticket_sealed";

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AuditEvent {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub actor: String,
    /// RFC 3339 text exactly as stored and hashed.
    pub at: String,
    pub action: String,
    pub before: Value,
    pub after: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The stored time format: fixed width, microseconds, UTC, so text order is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[allow(clippy::too_many_arguments)]
fn link_hash(
    id: i64,
    ticket_id: Option<i64>,
    actor: &str,
    at: &str,
    action: &str,
    before: &Value,
    after: &Value,
    prev_hash: &str,
) -> Result<String> {
    hash_of(&json!({
        "id": id, "ticket_id": ticket_id, "actor": actor, "at": at, "action": action,
        "before": before, "after": after, "prev_hash": prev_hash,
    }))
}

/// Appends one event; call inside the transaction that makes the change.
pub fn append(
    conn: &Connection,
    ticket_id: Option<i64>,
    actor: &str,
    at: DateTime<Utc>,
    change: &Change,
) -> Result<AuditEvent> {
    let (last_id, prev_hash): (i64, String) = conn
        .query_row(
            "SELECT last_id, last_hash FROM audit_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let id = last_id + 1;
    let at = timestamp(at);
    let hash = link_hash(
        id,
        ticket_id,
        actor,
        &at,
        &change.action,
        &change.before,
        &change.after,
        &prev_hash,
    )?;
    conn.execute(
        "INSERT INTO audit_events (id, ticket_id, actor, at, action, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, ticket_id, actor, at, change.action, change.before.to_string(), change.after.to_string(), prev_hash, hash],
    )?;
    conn.execute(
        "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
        params![id, hash],
    )?;
    Ok(AuditEvent {
        id,
        ticket_id,
        actor: actor.into(),
        at,
        action: change.action.clone(),
        before: change.before.clone(),
        after: change.after.clone(),
        prev_hash,
        hash,
    })
}

fn row_to_event(r: &rusqlite::Row) -> rusqlite::Result<(AuditEvent, String, String)> {
    Ok((
        AuditEvent {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            actor: r.get(2)?,
            at: r.get(3)?,
            action: r.get(4)?,
            before: Value::Null,
            after: Value::Null,
            prev_hash: r.get(7)?,
            hash: r.get(8)?,
        },
        r.get(5)?,
        r.get(6)?,
    ))
}

const SELECT: &str =
    "SELECT id, ticket_id, actor, at, action, before, after, prev_hash, hash FROM audit_events";

fn parse(row: (AuditEvent, String, String)) -> Result<AuditEvent> {
    let (mut e, before, after) = row;
    e.before = serde_json::from_str(&before).map_err(|_| Error::AuditBroken {
        event_id: e.id,
        reason: "before is not JSON".into(),
    })?;
    e.after = serde_json::from_str(&after).map_err(|_| Error::AuditBroken {
        event_id: e.id,
        reason: "after is not JSON".into(),
    })?;
    Ok(e)
}

/// Events of one ticket, newest first.
pub fn for_ticket(conn: &Connection, ticket_id: i64, limit: u32) -> Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE ticket_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![ticket_id, limit], row_to_event)?;
    rows.map(|r| parse(r?)).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ChainReport {
    pub events: u64,
    pub head: String,
    /// Closed tickets whose stored record matches their `ticket_sealed` event.
    pub sealed_tickets: u64,
}

/// What the verified chain says about seals, gathered in the same walk (so the seals checked are
/// exactly the events whose links held).
#[derive(Debug, Default)]
pub(crate) struct ChainSeals {
    /// Per ticket, each `ticket_sealed` event: (event id, the record hash it carries).
    pub seals: HashMap<i64, Vec<(i64, Option<String>)>>,
    /// Per ticket, its last event.
    pub last_event: HashMap<i64, i64>,
}

/// Walks the whole chain, then checks every closed ticket's record against its `ticket_sealed`
/// event; the error names the first broken link (or the ticket whose seal no longer holds).
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let (mut expected_id, mut prev) = (1i64, GENESIS.to_string());
    let mut count = 0u64;
    let mut chain_seals = ChainSeals::default();
    while let Some(row) = rows.next()? {
        let e = parse(row_to_event(row)?)?;
        let broken = |reason: String| {
            Err(Error::AuditBroken {
                event_id: e.id,
                reason,
            })
        };
        if e.id != expected_id {
            return broken(format!(
                "expected event {expected_id} next: an event was removed or reordered"
            ));
        }
        if e.prev_hash != prev {
            return broken("its link to the previous event does not match".into());
        }
        let recomputed = link_hash(
            e.id,
            e.ticket_id,
            &e.actor,
            &e.at,
            &e.action,
            &e.before,
            &e.after,
            &e.prev_hash,
        )?;
        if recomputed != e.hash {
            return broken("its content was altered after it was written".into());
        }
        if let Some(ticket) = e.ticket_id {
            chain_seals.last_event.insert(ticket, e.id);
            if e.action == SEALED_ACTION {
                let hash = e.after.get("record_hash").and_then(Value::as_str);
                chain_seals
                    .seals
                    .entry(ticket)
                    .or_default()
                    .push((e.id, hash.map(str::to_string)));
            }
        }
        prev = e.hash;
        expected_id += 1;
        count += 1;
    }
    let head: Option<(i64, String)> = conn
        .query_row(
            "SELECT last_id, last_hash FROM audit_head WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (head_id, head_hash) = head.unwrap_or((0, GENESIS.to_string()));
    if head_id != expected_id - 1 || head_hash != prev {
        return Err(Error::AuditBroken {
            event_id: expected_id,
            reason: format!("the chain ends at event {} but its head records event {head_id}: events were removed from the end", expected_id - 1),
        });
    }
    let sealed_tickets = crate::store::verify_seal_events(conn, &chain_seals)?;
    Ok(ChainReport {
        events: count,
        head: prev,
        sealed_tickets,
    })
}
