//! The audit chain's rows: its head, its events, and the scan that verification walks. The
//! chain's rules (hashing, links, checkpoints) live in `crate::audit`; only SQL lives here.

use crate::audit::{AuditEvent, GENESIS};
use crate::error::Result;
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use serde_json::Value;

/// An event as stored: its payloads still JSON text (parsed by `crate::audit`, which names the
/// event whose payload does not parse).
pub(crate) type StoredEvent = (AuditEvent, String, String);

const SELECT: &str =
    "SELECT id, ticket_id, actor, at, action, before, after, prev_hash, hash FROM audit_events";

fn stored_event(r: &Row) -> rusqlite::Result<StoredEvent> {
    Ok((
        AuditEvent {
            id: r.get("id")?,
            ticket_id: r.get("ticket_id")?,
            actor: r.get("actor")?,
            at: r.get("at")?,
            action: r.get("action")?,
            before: Value::Null,
            after: Value::Null,
            prev_hash: r.get("prev_hash")?,
            hash: r.get("hash")?,
        },
        r.get("before")?,
        r.get("after")?,
    ))
}

/// The chain's head as stored: the last event's id and hash (0 and the genesis hash when empty).
pub(crate) fn head(conn: &Connection) -> Result<(i64, String)> {
    Ok(conn
        .query_row(
            "SELECT last_id, last_hash FROM audit_head WHERE id = 1",
            [],
            |r| Ok((r.get("last_id")?, r.get("last_hash")?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS.to_string())))
}

/// Writes an event and moves the head to it; call inside the transaction that makes the change.
pub(crate) fn insert(conn: &Connection, e: &AuditEvent) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_events (id, ticket_id, actor, at, action, before, after, prev_hash, hash)
         VALUES (:id, :ticket_id, :actor, :at, :action, :before, :after, :prev_hash, :hash)",
        named_params! {
            ":id": e.id,
            ":ticket_id": e.ticket_id,
            ":actor": e.actor,
            ":at": e.at,
            ":action": e.action,
            ":before": e.before.to_string(),
            ":after": e.after.to_string(),
            ":prev_hash": e.prev_hash,
            ":hash": e.hash,
        },
    )?;
    conn.execute(
        "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, :id, :hash)
         ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
        named_params! { ":id": e.id, ":hash": e.hash },
    )?;
    Ok(())
}

/// One event by id.
pub(crate) fn event(conn: &Connection, id: i64) -> Result<Option<StoredEvent>> {
    Ok(conn
        .query_row(
            &format!("{SELECT} WHERE id = :id"),
            named_params! { ":id": id },
            stored_event,
        )
        .optional()?)
}

/// A ticket's latest event of one action.
pub(crate) fn last_of_ticket(
    conn: &Connection,
    ticket_id: i64,
    action: &str,
) -> Result<Option<StoredEvent>> {
    Ok(conn
        .query_row(
            &format!(
                "{SELECT} WHERE ticket_id = :ticket_id AND action = :action ORDER BY id DESC LIMIT 1"
            ),
            named_params! { ":ticket_id": ticket_id, ":action": action },
            stored_event,
        )
        .optional()?)
}

/// Events of one ticket, newest first.
pub(crate) fn for_ticket(
    conn: &Connection,
    ticket_id: i64,
    limit: u32,
) -> Result<Vec<StoredEvent>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE ticket_id = :ticket_id ORDER BY id DESC LIMIT :limit"
    ))?;
    let rows = stmt.query_map(
        named_params! { ":ticket_id": ticket_id, ":limit": limit },
        stored_event,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every event in id order, handed to `each` one at a time (a chain of millions is never held at
/// once); stops at the first error `each` returns.
pub(crate) fn scan(
    conn: &Connection,
    mut each: impl FnMut(StoredEvent) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(stored_event(row)?)?;
    }
    Ok(())
}
