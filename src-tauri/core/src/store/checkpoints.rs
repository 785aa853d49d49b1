//! Where checkpoints are stored and when they are taken.
//!
//! The store takes a checkpoint after any committed write that sealed a ticket or left
//! [`CHECKPOINT_EVERY`] events unsigned, when it has the signing key (the app and the CLI hand it
//! over once the keychain answered; see [`Store::set_checkpoint_key`]). Without the key the desk
//! keeps working and its newest events stay un-checkpointed, which [`Store::checkpoint_status`]
//! and `verify-audit` report. Taking one happens in its own IMMEDIATE transaction that re-reads
//! the head and the last checkpoint, so two processes never sign the same sequence number.

use super::audit::head;
use super::Store;
use crate::audit::{self, AuditEvent, GENESIS, SEALED_ACTION};
use crate::checkpoint::{Checkpoint, CheckpointReason, CHECKPOINT_EVERY};
use crate::error::{Error, Result};
use crate::signing::Identity;
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use std::sync::Arc;

/// The event a migration appends on a desk that had history before checkpoints existed.
pub const CHECKPOINTS_BEGAN: &str = "checkpoints_began";
const MIGRATION_ACTOR: &str = "ticketflow (migration 0010)";

/// Where the desk's history stands against its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CheckpointStatus {
    pub events: i64,
    pub checkpoints: i64,
    /// The last event a checkpoint covers (0: none yet).
    pub checkpointed_through: i64,
    /// Events after the last checkpoint.
    pub unsigned_events: i64,
    /// Why the store could not take its last due checkpoint (no key: the keychain is not
    /// reachable; or the write failed), when it could not.
    pub problem: Option<String>,
}

/// A closed ticket's place in the history, as its report carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct SealAnchor {
    pub seal_event: AuditEvent,
    /// The first checkpoint covering the seal, if one does yet.
    pub checkpoint: Option<Checkpoint>,
}

fn from_row(r: &Row) -> rusqlite::Result<(Checkpoint, String)> {
    Ok((
        Checkpoint {
            seq: r.get("seq")?,
            event_id: r.get("event_id")?,
            head_hash: r.get("head_hash")?,
            at: r.get("at")?,
            reason: CheckpointReason::Seal,
            key_id: r.get("key_id")?,
            prev: r.get("prev")?,
            signature: r.get("signature")?,
        },
        r.get("reason")?,
    ))
}

fn parse((mut c, reason): (Checkpoint, String)) -> Result<Checkpoint> {
    c.reason = reason.parse().map_err(|_| Error::CheckpointInvalid {
        seq: c.seq,
        event_id: c.event_id,
        reason: format!("its reason {reason:?} is not one this app writes"),
    })?;
    Ok(c)
}

const SELECT: &str =
    "SELECT seq, event_id, head_hash, at, reason, key_id, prev, signature FROM audit_checkpoints";

/// Every checkpoint, in order.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Checkpoint>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY seq"))?;
    let rows = stmt.query_map([], from_row)?;
    rows.map(|r| parse(r?)).collect()
}

fn last(conn: &Connection) -> Result<Option<Checkpoint>> {
    conn.query_row(&format!("{SELECT} ORDER BY seq DESC LIMIT 1"), [], from_row)
        .optional()?
        .map(parse)
        .transpose()
}

/// Why a checkpoint is due now, if one is.
fn due(conn: &Connection) -> Result<Option<CheckpointReason>> {
    let (head_id, _) = head(conn)?;
    let through = last(conn)?.map_or(0, |c| c.event_id);
    if head_id <= through {
        return Ok(None);
    }
    if through == 0 {
        return Ok(Some(CheckpointReason::First));
    }
    let sealed = conn
        .query_row(
            "SELECT action FROM audit_events WHERE id = ?1",
            [head_id],
            |r| r.get::<_, String>("action"),
        )
        .optional()?
        .is_some_and(|a| a == SEALED_ACTION);
    Ok(if sealed {
        Some(CheckpointReason::Seal)
    } else if head_id - through >= CHECKPOINT_EVERY {
        Some(CheckpointReason::Interval)
    } else {
        None
    })
}

/// Migration 0010's hook: a desk with history says, in its chain, where checkpoints began.
pub(crate) fn mark_beginning(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    let (head_id, _) = head(conn)?;
    if head_id == 0 {
        return Ok(());
    }
    audit::append(
        conn,
        None,
        MIGRATION_ACTOR,
        now,
        &Change::new(
            CHECKPOINTS_BEGAN,
            json!(null),
            json!({
                "events_before": head_id,
                "note": "events before this one were written before keyed checkpoints existed; \
                         the chain's links are all that vouch for them until the first checkpoint",
            }),
        ),
    )?;
    Ok(())
}

/// The id of the `checkpoints_began` event, on a desk upgraded with history.
pub(crate) fn beginning(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM audit_events WHERE action = ?1 ORDER BY id LIMIT 1",
            [CHECKPOINTS_BEGAN],
            |r| r.get("id"),
        )
        .optional()?)
}

impl Store {
    /// Hands the store the key it signs checkpoints with (or why there is none: the keychain did
    /// not answer), and takes any checkpoint already due (a desk's first one, after an upgrade).
    pub fn set_checkpoint_key(&mut self, key: std::result::Result<Arc<Identity>, String>) {
        match key {
            Ok(identity) => {
                self.checkpoint_key = Some(identity);
                self.checkpoint_problem = None;
                self.checkpoint_if_due();
            }
            Err(why) => {
                self.checkpoint_key = None;
                self.checkpoint_problem = Some(why);
            }
        }
    }

    /// After a committed write: takes the checkpoint that write made due. A failure here does not
    /// undo the write; it is kept for [`Store::checkpoint_status`] to report.
    pub(crate) fn checkpoint_if_due(&mut self) {
        let Some(identity) = self.checkpoint_key.clone() else {
            return;
        };
        let reason = match due(self.conn()) {
            Ok(Some(reason)) => reason,
            Ok(None) => return,
            Err(e) => {
                self.checkpoint_problem = Some(format!("[{}] {e}", e.code()));
                return;
            }
        };
        // Cleared first: taking the checkpoint may leave a problem of its own (the mark).
        self.checkpoint_problem = None;
        if let Err(e) = self.checkpoint(&identity, reason, Utc::now()) {
            self.checkpoint_problem = Some(format!(
                "the last checkpoint could not be written: [{}] {e}",
                e.code()
            ));
        }
    }

    /// Signs the chain's head now, unless the last checkpoint already covers it.
    pub fn checkpoint(
        &mut self,
        identity: &Identity,
        reason: CheckpointReason,
        now: DateTime<Utc>,
    ) -> Result<Option<Checkpoint>> {
        let at = audit::timestamp(now);
        // Not through `write`, which would check for a due checkpoint again.
        let tx = rusqlite::Transaction::new_unchecked(
            self.conn(),
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let (head_id, head_hash) = head(&tx)?;
        let previous = last(&tx)?;
        if head_id <= previous.as_ref().map_or(0, |c| c.event_id) {
            return Ok(None);
        }
        let (seq, prev) = match &previous {
            Some(p) => (p.seq + 1, p.digest()?),
            None => (1, GENESIS.to_string()),
        };
        let c = Checkpoint::sign(identity, seq, head_id, &head_hash, &at, reason, &prev)?;
        tx.execute(
            "INSERT INTO audit_checkpoints (seq, event_id, head_hash, at, reason, key_id, prev, signature)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![c.seq, c.event_id, c.head_hash, c.at, c.reason.as_str(), c.key_id, c.prev, c.signature],
        )?;
        tx.commit()?;
        // The keychain remembers the newest checkpoint. A keychain that refuses leaves the
        // checkpoint in place and says so in the status.
        if let Err(e) = crate::checkpoint::remember(identity, &c, &self.location()) {
            self.checkpoint_problem = Some(format!(
                "checkpoint {} was written, but the keychain did not keep its mark: [{}] {e}",
                c.seq,
                e.code()
            ));
        }
        Ok(Some(c))
    }

    /// Where this desk's file is, as marks name it ("" in memory).
    fn location(&self) -> String {
        self.conn()
            .path()
            .filter(|p| !p.is_empty())
            .map(|p| {
                std::fs::canonicalize(p)
                    .map(|c| c.display().to_string())
                    .unwrap_or_else(|_| p.to_string())
            })
            .unwrap_or_default()
    }

    /// The keychain's mark of this desk's newest checkpoint, if it keeps one for this location.
    pub fn keychain_mark(&self, identity: &Identity) -> Result<Option<crate::checkpoint::Mark>> {
        crate::checkpoint::recalled(identity, &self.location())
    }

    /// Compares the desk's checkpoints with the keychain's mark of the newest one taken here:
    /// fewer, or a different one under that number, means checkpoints were removed or replaced
    /// (or an older copy was put in the desk's place).
    pub fn check_mark(&self, mark: &crate::checkpoint::Mark) -> Result<()> {
        let held = self.checkpoint_at(mark.seq)?;
        if let Some(c) = &held {
            if c.digest()? == mark.digest {
                return Ok(());
            }
        }
        let reason = match (last(self.conn())?, &held) {
            (_, Some(_)) => "the desk's checkpoint under that number is another one".to_string(),
            (Some(l), None) => format!(
                "the desk's newest is checkpoint {} (event {}): newer ones were removed, or an older copy was put in the desk's place",
                l.seq, l.event_id
            ),
            (None, None) => "the desk has no checkpoint at all: they were removed, or an older copy was put in the desk's place".into(),
        };
        Err(Error::CheckpointInvalid {
            seq: mark.seq,
            event_id: mark.event_id,
            reason: format!("this machine's keychain remembers it, but {reason}"),
        })
    }

    /// The session ends (the window closes): signs whatever is unsigned with the store's key.
    pub fn checkpoint_on_close(&mut self) -> Result<Option<Checkpoint>> {
        match self.checkpoint_key.clone() {
            Some(identity) => self.checkpoint(&identity, CheckpointReason::Closing, Utc::now()),
            None => Ok(None),
        }
    }

    /// How much of the history checkpoints cover.
    pub fn checkpoint_status(&self) -> Result<CheckpointStatus> {
        let (events, _) = head(self.conn())?;
        let (checkpoints, through): (i64, i64) = self.conn().query_row(
            "SELECT count(*) AS n, coalesce(max(event_id), 0) AS through FROM audit_checkpoints",
            [],
            |r| Ok((r.get("n")?, r.get("through")?)),
        )?;
        let unsigned_events = events - through.min(events);
        let problem = match (&self.checkpoint_problem, &self.checkpoint_key) {
            (Some(p), _) => Some(p.clone()),
            (None, None) if unsigned_events > 0 => Some(
                "no signing key was given to this session: new events are not checkpointed".into(),
            ),
            _ => None,
        };
        Ok(CheckpointStatus {
            events,
            checkpoints,
            checkpointed_through: through,
            unsigned_events,
            problem,
        })
    }

    /// The closed ticket's seal event and the first checkpoint covering it.
    pub fn seal_anchor(&self, ticket_id: i64) -> Result<Option<SealAnchor>> {
        let Some(seal_event) = audit::last_of_ticket(self.conn(), ticket_id, SEALED_ACTION)? else {
            return Ok(None);
        };
        let checkpoint = self
            .conn()
            .query_row(
                &format!("{SELECT} WHERE event_id >= ?1 ORDER BY seq LIMIT 1"),
                [seal_event.id],
                from_row,
            )
            .optional()?
            .map(parse)
            .transpose()?;
        Ok(Some(SealAnchor {
            seal_event,
            checkpoint,
        }))
    }

    /// One checkpoint by its sequence number.
    pub fn checkpoint_at(&self, seq: i64) -> Result<Option<Checkpoint>> {
        self.conn()
            .query_row(&format!("{SELECT} WHERE seq = ?1"), [seq], from_row)
            .optional()?
            .map(parse)
            .transpose()
    }

    /// One audit event by id.
    pub fn audit_event(&self, id: i64) -> Result<Option<AuditEvent>> {
        audit::event(self.conn(), id)
    }
}
