//! The audit trail: every change is an event chained to the previous one by SHA-256.
//!
//! One chain covers the whole database, so removing, altering or reordering any row breaks the
//! link after it; the head (last id and hash) is kept in its own row so truncating the tail is
//! caught too. The table is append-only (migration 0009's triggers refuse UPDATE and DELETE), and
//! every seal is an event (`ticket_sealed`, with the closure record's hash) that [`verify`] checks
//! against each closed ticket's stored record.

use crate::canonical::hash_of;
use crate::checkpoint::{invalid, Checkpoint};
use crate::error::{Error, Result};
use crate::store::audit as rows;
use crate::store::audit::StoredEvent;
use crate::workflow::Change;
use chrono::{DateTime, SecondsFormat, Utc};
use p256::ecdsa::VerifyingKey;
use rusqlite::Connection;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The action of the event that seals a closed ticket: it carries the closure record's hash.
pub const SEALED_ACTION: &str = "ticket_sealed";

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, ts_rs::TS)]
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
    // Borrowed, not a `json!` object: that deep-copied both payloads for every event hashed, and
    // verification hashes every event (the canonical form sorts the keys either way).
    #[derive(Serialize)]
    struct Link<'a> {
        id: i64,
        ticket_id: Option<i64>,
        actor: &'a str,
        at: &'a str,
        action: &'a str,
        before: &'a Value,
        after: &'a Value,
        prev_hash: &'a str,
    }
    hash_of(&Link {
        id,
        ticket_id,
        actor,
        at,
        action,
        before,
        after,
        prev_hash,
    })
}

/// Appends one event; call inside the transaction that makes the change.
pub fn append(
    conn: &Connection,
    ticket_id: Option<i64>,
    actor: &str,
    at: DateTime<Utc>,
    change: &Change,
) -> Result<AuditEvent> {
    let (last_id, prev_hash) = rows::head(conn)?;
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
    let event = AuditEvent {
        id,
        ticket_id,
        actor: actor.into(),
        at,
        action: change.action.clone(),
        before: change.before.clone(),
        after: change.after.clone(),
        prev_hash,
        hash,
    };
    rows::insert(conn, &event)?;
    Ok(event)
}

fn parse(row: StoredEvent) -> Result<AuditEvent> {
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

/// The recomputed hash of an event from its content and link: equal to `e.hash` for an event as
/// written. A report carries its seal event, so this checks it without the database.
pub fn event_hash(e: &AuditEvent) -> Result<String> {
    link_hash(
        e.id,
        e.ticket_id,
        &e.actor,
        &e.at,
        &e.action,
        &e.before,
        &e.after,
        &e.prev_hash,
    )
}

/// One event by id.
pub fn event(conn: &Connection, id: i64) -> Result<Option<AuditEvent>> {
    rows::event(conn, id)?.map(parse).transpose()
}

/// A ticket's latest event of one action.
pub fn last_of_ticket(
    conn: &Connection,
    ticket_id: i64,
    action: &str,
) -> Result<Option<AuditEvent>> {
    rows::last_of_ticket(conn, ticket_id, action)?
        .map(parse)
        .transpose()
}

/// Events of one ticket, newest first.
pub fn for_ticket(conn: &Connection, ticket_id: i64, limit: u32) -> Result<Vec<AuditEvent>> {
    rows::for_ticket(conn, ticket_id, limit)?
        .into_iter()
        .map(parse)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ChainReport {
    pub events: u64,
    pub head: String,
    /// Closed tickets whose stored record matches their `ticket_sealed` event.
    pub sealed_tickets: u64,
    /// Checkpoints whose signature and head held.
    pub checkpoints: u64,
    /// The last event a checkpoint covers (0: none).
    pub checkpointed_through: i64,
    /// Events after the last checkpoint: held by the chain's links alone.
    pub unsigned_events: u64,
    /// On a desk upgraded with history, the event that marks where checkpoints began.
    pub checkpoints_began: Option<i64>,
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

/// Events are read in batches, then parsed and hashed on every core: that is most of the cost
/// (canonical JSON and SHA-256 of each event), and it depends on nothing but the event's own row.
/// The links, ids and checkpoints are then checked in order, one event at a time.
const BATCH: usize = 8192;

/// Hashes a batch on every core, then walks its events in order.
fn walk_batch(batch: Vec<StoredEvent>, walk: &mut Walk<'_>) -> Result<()> {
    for checked in hash_on_every_core(batch) {
        let (e, intact) = checked?;
        walk.take(e, intact)?;
    }
    Ok(())
}

fn hash_on_every_core(batch: Vec<StoredEvent>) -> Vec<Result<(AuditEvent, bool)>> {
    let checked = |raw| -> Result<(AuditEvent, bool)> {
        let mut e = parse(raw)?;
        let intact = event_hash(&e)? == e.hash;
        // The walk reads a payload only of a seal: the others are freed here, by the thread that
        // made them (freed on the walking thread, they made a 36,000-event chain's walk take
        // 875 ms instead of 462-513).
        if e.action != SEALED_ACTION {
            e.before = Value::Null;
            e.after = Value::Null;
        }
        Ok((e, intact))
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if threads == 1 || batch.len() < 512 {
        return batch.into_iter().map(checked).collect();
    }
    let per = batch.len().div_ceil(threads);
    let mut parts = Vec::with_capacity(threads);
    let mut rest = batch;
    while rest.len() > per {
        let tail = rest.split_off(per);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(checked).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![Err(Error::AuditBroken {
                        event_id: 0,
                        reason: "the chain could not be hashed".into(),
                    })]
                })
            })
            .collect()
    })
}

/// Where the walk through the chain stands.
struct Walk<'a> {
    checkpoints: &'a [Checkpoint],
    signatures: &'a [Option<String>],
    next_checkpoint: usize,
    expected_id: i64,
    prev: String,
    count: u64,
    chain_seals: ChainSeals,
}

impl Walk<'_> {
    /// The next event in id order, parsed, and whether its hash is its content's.
    fn take(&mut self, e: AuditEvent, intact: bool) -> Result<()> {
        let broken = |reason: String| {
            Err(Error::AuditBroken {
                event_id: e.id,
                reason,
            })
        };
        if e.id != self.expected_id {
            return broken(format!(
                "expected event {} next: an event was removed or reordered",
                self.expected_id
            ));
        }
        if e.prev_hash != self.prev {
            return broken("its link to the previous event does not match".into());
        }
        if !intact {
            return broken("its content was altered after it was written".into());
        }
        while let Some(c) = self
            .checkpoints
            .get(self.next_checkpoint)
            .filter(|c| c.event_id <= e.id)
        {
            let held = self.checkpoints[..self.next_checkpoint]
                .last()
                .map_or(String::new(), |p| {
                    format!(
                        " (checkpoint {} at event {} still holds)",
                        p.seq, p.event_id
                    )
                });
            if let Some(why) = &self.signatures[self.next_checkpoint] {
                return Err(invalid(c, format!("{why}{held}")));
            }
            if c.event_id < e.id || c.head_hash != e.hash {
                return Err(invalid(c, format!(
                    "the chain's hash at event {} is not the signed one: the history up to that event was rewritten{held}",
                    c.event_id
                )));
            }
            self.next_checkpoint += 1;
        }
        if let Some(ticket) = e.ticket_id {
            self.chain_seals.last_event.insert(ticket, e.id);
            if e.action == SEALED_ACTION {
                let hash = e.after.get("record_hash").and_then(Value::as_str);
                self.chain_seals
                    .seals
                    .entry(ticket)
                    .or_default()
                    .push((e.id, hash.map(str::to_string)));
            }
        }
        self.prev = e.hash;
        self.expected_id += 1;
        self.count += 1;
        Ok(())
    }
}

/// The signatures of all checkpoints, checked on every core: an ECDSA verification costs more
/// than hashing an event, and a desk takes one checkpoint per closed ticket.
fn signature_checks(
    checkpoints: &[Checkpoint],
    key: &VerifyingKey,
    key_id: &str,
) -> Vec<Option<String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = checkpoints.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = checkpoints
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|c| c.check_signature(key, key_id).err())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|p| {
                p.join()
                    .unwrap_or_else(|_| vec![Some("its check did not finish".into())])
            })
            .collect()
    })
}

/// Walks the whole chain, checking each checkpoint where it falls, then every closed ticket's
/// record against its `ticket_sealed` event. The error names the first broken link or the first
/// checkpoint that no longer holds (or the ticket whose seal no longer holds).
///
/// `key` is the desk's signing certificate's key and id; with checkpoints stored and no key,
/// verification fails: checkpoints that cannot be checked vouch for nothing.
pub fn verify(conn: &Connection, key: Option<(&VerifyingKey, &str)>) -> Result<ChainReport> {
    let checkpoints = crate::store::all_checkpoints(conn)?;
    let signatures = match (key, checkpoints.first()) {
        (Some((key, key_id)), _) => signature_checks(&checkpoints, key, key_id),
        (None, Some(first)) => {
            return Err(invalid(
                first,
                "the desk's signing certificates are missing (report-signing/certificates.pem), so no checkpoint can be checked",
            ))
        }
        (None, None) => Vec::new(),
    };
    // Sequence and links first: they say whether a checkpoint was removed, added or reordered.
    let mut prev = GENESIS.to_string();
    for (i, c) in checkpoints.iter().enumerate() {
        if c.seq != i as i64 + 1 {
            return Err(invalid(
                c,
                format!(
                    "expected checkpoint {} here: a checkpoint was removed or reordered",
                    i + 1
                ),
            ));
        }
        if c.prev != prev {
            return Err(invalid(c, "its link to the previous checkpoint does not match: a checkpoint was removed, added or altered"));
        }
        prev = c.digest()?;
    }
    let mut walk = Walk {
        checkpoints: &checkpoints,
        signatures: &signatures,
        next_checkpoint: 0,
        expected_id: 1,
        prev: GENESIS.to_string(),
        count: 0,
        chain_seals: ChainSeals::default(),
    };
    let mut batch = Vec::with_capacity(BATCH);
    rows::scan(conn, |event| {
        batch.push(event);
        if batch.len() == BATCH {
            walk_batch(
                std::mem::replace(&mut batch, Vec::with_capacity(BATCH)),
                &mut walk,
            )?;
        }
        Ok(())
    })?;
    walk_batch(batch, &mut walk)?;
    let Walk {
        next_checkpoint,
        expected_id,
        prev,
        count,
        chain_seals,
        ..
    } = walk;
    if let Some(c) = checkpoints.get(next_checkpoint) {
        return Err(invalid(
            c,
            format!(
            "it covers event {}, but the chain ends at event {}: events were removed from the end",
            c.event_id,
            expected_id - 1
        ),
        ));
    }
    let (head_id, head_hash) = rows::head(conn)?;
    if head_id != expected_id - 1 || head_hash != prev {
        return Err(Error::AuditBroken {
            event_id: expected_id,
            reason: format!("the chain ends at event {} but its head records event {head_id}: events were removed from the end", expected_id - 1),
        });
    }
    let sealed_tickets = crate::store::verify_seal_events(conn, &chain_seals)?;
    let through = checkpoints.last().map_or(0, |c| c.event_id);
    Ok(ChainReport {
        events: count,
        head: prev,
        sealed_tickets,
        checkpoints: checkpoints.len() as u64,
        checkpointed_through: through,
        unsigned_events: count.saturating_sub(through as u64),
        checkpoints_began: crate::store::checkpoints_beginning(conn)?,
    })
}
