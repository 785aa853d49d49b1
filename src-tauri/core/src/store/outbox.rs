//! The mail outbox (issue 18): messages to requesters, their state and every attempt's answer.
//!
//! A message is stored formatted, with its Message-ID, when it is queued; senders only ever send
//! those bytes. Claiming is one UPDATE in a write transaction that hands the message to one
//! sender under a lease: two processes never hold the same message, and a lease that ran out
//! (its sender died) lets the message be claimed again: at worst a resend of the same message.
//! Every change of state is an audit event on the ticket, carrying the server's answer.

use super::{check_actor, found, settings, Durability, Store};
use crate::audit::timestamp;
use crate::error::{Error, Result};
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// How a summary's `survey` column begins when the message carries the CSAT survey link; once
/// such a message is sent, the CSAT step is recorded as "sent" (see [`survey_sent_step`]).
pub(crate) const SURVEY_LINK_SENT: &str = "survey link sent: ";

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MailState {
    /// Waiting for its next attempt (`next_attempt_at`).
    Queued,
    /// Claimed by a sender whose lease has not run out.
    Sending,
    /// The server accepted it.
    Sent,
    /// Given up: the server refused it for good, or it was tried too often. Retry re-queues it.
    Failed,
}

impl MailState {
    fn as_str(self) -> &'static str {
        match self {
            MailState::Queued => "queued",
            MailState::Sending => "sending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<MailState> {
        Ok(match s {
            "queued" => MailState::Queued,
            "sending" => MailState::Sending,
            "sent" => MailState::Sent,
            "failed" => MailState::Failed,
            other => {
                return Err(rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unknown mail state {other:?}").into(),
                ))
            }
        })
    }
}

/// What a message carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum MailKind {
    /// Step 16's resolution summary (with the CSAT survey link when one is due).
    Summary,
    /// The signed closure report, attached, once the ticket is closed.
    Report,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Summary => "summary",
            MailKind::Report => "report",
        }
    }

    fn parse(s: &str) -> rusqlite::Result<MailKind> {
        match s {
            "summary" => Ok(MailKind::Summary),
            "report" => Ok(MailKind::Report),
            other => Err(rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("unknown mail kind {other:?}").into(),
            )),
        }
    }
}

/// One message in the outbox, as the ticket shows it (without its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OutboxEntry {
    pub id: i64,
    pub ticket_id: i64,
    pub ticket_number: String,
    pub kind: MailKind,
    pub message_id: String,
    pub recipient: String,
    pub subject: String,
    /// What the message says about the CSAT survey, in words ("link sent", "rated 5/5 at
    /// hand-over: no survey", ...).
    pub survey: String,
    pub state: MailState,
    pub attempts: i64,
    pub next_attempt_at: String,
    /// The server's last answer (or why it could not be reached).
    pub last_answer: Option<String>,
    /// The coded outcome of the last attempt (`MAIL_TEMPORARY`, `MAIL_RECIPIENT_REFUSED`, ...).
    pub last_code: Option<String>,
    pub queued_at: String,
    pub sent_at: Option<String>,
    /// Size of the formatted message in bytes.
    pub bytes: i64,
}

/// A message ready to queue: formatted, with its Message-ID.
pub(crate) struct NewMessage {
    pub ticket_id: i64,
    pub kind: MailKind,
    pub message_id: String,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    pub raw: Vec<u8>,
    pub survey: String,
}

/// A message a sender holds under its lease.
#[derive(Debug, Clone)]
pub(crate) struct Claimed {
    pub id: i64,
    pub ticket_id: i64,
    pub message_id: String,
    pub sender: String,
    pub recipient: String,
    pub raw: Vec<u8>,
    /// This attempt's number (1 for the first).
    pub attempt: i64,
}

const ENTRY_COLS: &str = "o.id, o.ticket_id, t.number, o.kind, o.message_id, o.recipient, \
     o.subject, o.survey, o.state, o.attempts, o.next_attempt_at, o.last_answer, o.last_code, \
     o.queued_at, o.sent_at, length(o.raw) AS bytes";

fn entry_row(r: &Row) -> rusqlite::Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.get("id")?,
        ticket_id: r.get("ticket_id")?,
        ticket_number: r.get("number")?,
        kind: MailKind::parse(&r.get::<_, String>("kind")?)?,
        message_id: r.get("message_id")?,
        recipient: r.get("recipient")?,
        subject: r.get("subject")?,
        survey: r.get("survey")?,
        state: MailState::parse(&r.get::<_, String>("state")?)?,
        attempts: r.get("attempts")?,
        next_attempt_at: r.get("next_attempt_at")?,
        last_answer: r.get("last_answer")?,
        last_code: r.get("last_code")?,
        queued_at: r.get("queued_at")?,
        sent_at: r.get("sent_at")?,
        bytes: r.get("bytes")?,
    })
}

fn entry(conn: &Connection, id: i64) -> Result<OutboxEntry> {
    found(
        conn.query_row(
            &format!(
                "SELECT {ENTRY_COLS} FROM mail_outbox o JOIN tickets t ON t.id = o.ticket_id \
                 WHERE o.id = ?1"
            ),
            [id],
            entry_row,
        ),
        "message",
        id,
    )
}

fn audit(
    tx: &Connection,
    ticket_id: i64,
    actor: &str,
    now: DateTime<Utc>,
    action: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<()> {
    crate::audit::append(
        tx,
        Some(ticket_id),
        actor,
        now,
        &Change::new(action, before, after),
    )?;
    Ok(())
}

/// How a sender's attempt ended.
#[derive(Clone, Copy)]
pub(crate) enum Outcome<'a> {
    Sent {
        answer: &'a str,
    },
    /// Try again at `next_attempt_at`.
    Retry {
        code: &'a str,
        answer: &'a str,
        next_attempt_at: DateTime<Utc>,
    },
    Failed {
        code: &'a str,
        answer: &'a str,
    },
}

/// The CSAT step once the summary carrying the survey link is sent: completed with "sent",
/// inside the transaction that marks the message sent, by the technician who queued it. Left alone
/// when it is already done (the end user rated, or it was recorded by hand) or the ticket is
/// closed. Returns what happened, in words, for the `mail_sent` event.
///
/// The message is sent whatever the step's rules say (the server has it): a refusal (say the
/// ticket was reopened for another verification) is rolled back to a savepoint and named in the
/// returned words, so the technician records the CSAT step by hand.
fn survey_sent_step(
    tx: &Connection,
    message: &OutboxEntry,
    template: &crate::template::Template,
    now: DateTime<Utc>,
) -> Result<String> {
    let t = super::tickets::load(tx, message.ticket_id)?;
    if t.is_closed() {
        return Ok("not recorded: the ticket is closed".into());
    }
    // The ticket's own template version numbers its steps.
    let Some(csat) = template.number_of(crate::template::builtin::CSAT) else {
        return Ok(format!(
            "not recorded: template {} v{} has no CSAT survey step",
            template.key, template.version
        ));
    };
    if t.is_done(csat) {
        return Ok(format!("not recorded: step {csat} was already done"));
    }
    let queued_by: Option<String> = tx
        .query_row(
            "SELECT actor FROM audit_events
             WHERE ticket_id = ?1 AND action = 'mail_queued'
               AND json_extract(after, '$.outbox_id') = ?2
             ORDER BY id LIMIT 1",
            params![message.ticket_id, message.id],
            |r| r.get("actor"),
        )
        .optional()?;
    let Some(actor) = queued_by else {
        return Ok("not recorded: who queued the message is not on record".into());
    };
    let values: crate::ticket::Values = [("rating".to_string(), json!("sent"))].into();
    tx.execute_batch("SAVEPOINT survey_sent_step")?;
    let done = super::tickets::change_in(tx, message.ticket_id, &actor, now, |t, ctx| {
        crate::workflow::complete_step(t, template, csat, values, ctx)
    });
    match done {
        Ok(_) => {
            tx.execute_batch("RELEASE survey_sent_step")?;
            Ok(format!("recorded as sent by {actor}"))
        }
        Err(e) => {
            tx.execute_batch("ROLLBACK TO survey_sent_step; RELEASE survey_sent_step")?;
            Ok(format!(
                "not recorded ([{}] {e}): record step {csat} by hand",
                e.code()
            ))
        }
    }
}

impl Store {
    /// The value of one mail setting (`mail.*` keys in `settings`).
    pub(crate) fn mail_setting(&self, key: &str) -> Result<Option<String>> {
        settings::get(self.conn(), key)
    }

    /// Writes mail settings in one transaction, each with its audit event; `None` removes a key.
    pub(crate) fn put_mail_settings(
        &mut self,
        values: &[(&str, Option<String>)],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            for (key, value) in values {
                match value {
                    Some(v) => settings::put(tx, key, v, &actor, now)?,
                    None => {
                        let before = settings::get(tx, key)?;
                        if before.is_some() {
                            tx.execute("DELETE FROM settings WHERE key = ?1", [key])?;
                            crate::audit::append(
                                tx,
                                None,
                                &actor,
                                now,
                                &Change::new(
                                    "setting_changed",
                                    json!({"key": key, "value": before}),
                                    json!({"key": key, "value": null}),
                                ),
                            )?;
                        }
                    }
                }
            }
            Ok(())
        })
    }

    /// The company's CSAT survey URL template, if it has one.
    pub fn company_survey_url(&self, company_id: i64) -> Result<Option<String>> {
        found(
            self.conn().query_row(
                "SELECT csat_survey_url FROM companies WHERE id = ?1",
                [company_id],
                |r| r.get("csat_survey_url"),
            ),
            "company",
            company_id,
        )
    }

    /// Sets (or with `None` removes) the company's survey URL template; checked by the caller.
    pub(crate) fn put_company_survey_url(
        &mut self,
        company_id: i64,
        url: Option<&str>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            let before: Option<String> = found(
                tx.query_row(
                    "SELECT csat_survey_url FROM companies WHERE id = ?1",
                    [company_id],
                    |r| r.get("csat_survey_url"),
                ),
                "company",
                company_id,
            )?;
            tx.execute(
                "UPDATE companies SET csat_survey_url = ?2 WHERE id = ?1",
                params![company_id, url],
            )?;
            crate::audit::append(
                tx,
                None,
                &actor,
                now,
                &Change::new(
                    "company_survey_url_changed",
                    json!({"company_id": company_id, "csat_survey_url": before}),
                    json!({"company_id": company_id, "csat_survey_url": url}),
                ),
            )?;
            Ok(())
        })
    }

    /// Queues a formatted message. A ticket has one message of each kind: queuing it again
    /// returns the one already queued (with its state) instead of a second copy.
    pub(crate) fn outbox_queue(
        &mut self,
        msg: NewMessage,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Full, |tx| {
            let existing: Option<i64> = tx
                .query_row(
                    "SELECT id FROM mail_outbox WHERE ticket_id = ?1 AND kind = ?2",
                    params![msg.ticket_id, msg.kind.as_str()],
                    |r| r.get("id"),
                )
                .optional()?;
            if let Some(id) = existing {
                return entry(tx, id);
            }
            let at = timestamp(now);
            tx.execute(
                "INSERT INTO mail_outbox (ticket_id, kind, message_id, sender, recipient, subject,
                     raw, survey, state, attempts, next_attempt_at, queued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?9)",
                params![
                    msg.ticket_id,
                    msg.kind.as_str(),
                    msg.message_id,
                    msg.sender,
                    msg.recipient,
                    msg.subject,
                    msg.raw,
                    msg.survey,
                    at
                ],
            )?;
            let id = tx.last_insert_rowid();
            audit(
                tx,
                msg.ticket_id,
                &actor,
                now,
                "mail_queued",
                json!(null),
                json!({
                    "outbox_id": id,
                    "kind": msg.kind.as_str(),
                    "message_id": msg.message_id,
                    "to": msg.recipient,
                    "subject": msg.subject,
                    "survey": msg.survey,
                    "bytes": msg.raw.len(),
                    "sha256": crate::canonical::sha256_hex(&msg.raw),
                }),
            )?;
            entry(tx, id)
        })
    }

    /// Claims the next due message for `owner` until `lease_until`: a queued message whose time
    /// has come, or one whose sender's lease ran out (that sender died mid-attempt; the message
    /// may have reached the server, and is sent again with the same Message-ID).
    pub(crate) fn outbox_claim(
        &mut self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<Claimed>> {
        self.write(Durability::Normal, |tx| {
            let at = timestamp(now);
            let claimed = tx
                .query_row(
                    "UPDATE mail_outbox
                     SET state = 'sending', attempts = attempts + 1,
                         lease_owner = ?1, lease_until = ?3
                     WHERE id = (SELECT id FROM mail_outbox
                                 WHERE (state = 'queued' AND next_attempt_at <= ?2)
                                    OR (state = 'sending' AND lease_until <= ?2)
                                 ORDER BY next_attempt_at, id LIMIT 1)
                     RETURNING id, ticket_id, message_id, sender, recipient, raw, attempts",
                    params![owner, at, timestamp(lease_until)],
                    |r| {
                        Ok(Claimed {
                            id: r.get("id")?,
                            ticket_id: r.get("ticket_id")?,
                            message_id: r.get("message_id")?,
                            sender: r.get("sender")?,
                            recipient: r.get("recipient")?,
                            raw: r.get("raw")?,
                            attempt: r.get("attempts")?,
                        })
                    },
                )
                .optional()?;
            let Some(c) = claimed else {
                return Ok(None);
            };
            // Whether the previous attempt never reported back (its sender's lease ran out).
            let unreported = c.attempt > 1
                && tx
                    .query_row(
                        "SELECT last_code IS NULL AND attempts > 1 FROM mail_outbox WHERE id = ?1",
                        [c.id],
                        |r| r.get::<_, bool>(0),
                    )
                    .unwrap_or(false);
            audit(
                tx,
                c.ticket_id,
                owner,
                now,
                "mail_attempt",
                json!(null),
                json!({
                    "outbox_id": c.id,
                    "message_id": c.message_id,
                    "attempt": c.attempt,
                    "lease_until": timestamp(lease_until),
                    "previous_attempt_unreported": unreported,
                }),
            )?;
            // The outcome of this attempt is not known until the sender reports it.
            tx.execute(
                "UPDATE mail_outbox SET last_code = NULL WHERE id = ?1",
                [c.id],
            )?;
            Ok(Some(c))
        })
    }

    /// Records how `owner`'s attempt on message `id` ended, with the server's answer.
    pub(crate) fn outbox_report(
        &mut self,
        id: i64,
        owner: &str,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry> {
        // The ticket's template, for its CSAT step when the survey went out; read before the write
        // (templates never change once stored, so nothing moves in between).
        let template = entry(self.conn(), id).and_then(|e| self.ticket_template(e.ticket_id));
        self.write(Durability::Full, |tx| {
            let before = entry(tx, id)?;
            let at = timestamp(now);
            let (state, code, answer, next) = match &outcome {
                Outcome::Sent { answer } => (MailState::Sent, "MAIL_SENT", *answer, None),
                Outcome::Retry {
                    code,
                    answer,
                    next_attempt_at,
                } => (
                    MailState::Queued,
                    *code,
                    *answer,
                    Some(timestamp(*next_attempt_at)),
                ),
                Outcome::Failed { code, answer } => (MailState::Failed, *code, *answer, None),
            };
            // A message already marked sent (by a sender that took over an expired lease) stays
            // sent: the server has it either way. A failure reported by a sender whose lease was
            // taken over changes nothing either: the message is another sender's now. Both
            // answers are still recorded in the history.
            let holder: Option<String> = tx.query_row(
                "SELECT lease_owner FROM mail_outbox WHERE id = ?1",
                [id],
                |r| r.get("lease_owner"),
            )?;
            let sent = matches!(outcome, Outcome::Sent { .. });
            let stale =
                before.state == MailState::Sent || (!sent && holder.as_deref() != Some(owner));
            if stale {
                audit(
                    tx,
                    before.ticket_id,
                    owner,
                    now,
                    "mail_late_answer",
                    json!({"outbox_id": id, "state": before.state.as_str()}),
                    json!({"outbox_id": id, "code": code, "answer": answer}),
                )?;
                return Ok(before);
            }
            tx.execute(
                "UPDATE mail_outbox
                 SET state = ?2, last_code = ?3, last_answer = ?4,
                     next_attempt_at = coalesce(?5, next_attempt_at),
                     sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END,
                     lease_owner = NULL, lease_until = NULL
                 WHERE id = ?1",
                params![id, state.as_str(), code, answer, next, at],
            )?;
            let survey_went = state == MailState::Sent
                && before.kind == MailKind::Summary
                && before.survey.starts_with(SURVEY_LINK_SENT);
            let csat_step = match &template {
                Ok(template) if survey_went => Some(survey_sent_step(tx, &before, template, now)?),
                Err(e) if survey_went => Some(format!(
                    "not recorded ([{}] {e}): record the CSAT survey step by hand",
                    e.code()
                )),
                _ => None,
            };
            let action = match state {
                MailState::Sent => "mail_sent",
                MailState::Failed => "mail_failed",
                _ => "mail_retry_scheduled",
            };
            audit(
                tx,
                before.ticket_id,
                owner,
                now,
                action,
                json!({"outbox_id": id, "state": before.state.as_str()}),
                json!({
                    "outbox_id": id,
                    "message_id": before.message_id,
                    "attempt": before.attempts,
                    "state": state.as_str(),
                    "code": code,
                    "answer": answer,
                    "next_attempt_at": next,
                    "csat_step": csat_step,
                }),
            )?;
            entry(tx, id)
        })
    }

    /// Puts a failed message back in the queue, due now (the technician fixed the cause).
    pub fn outbox_retry(
        &mut self,
        id: i64,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            let before = entry(tx, id)?;
            if before.state != MailState::Failed {
                return Err(Error::invalid(
                    "message",
                    format!(
                        "message {id} is {}, not failed: only a failed message is retried by hand",
                        before.state.as_str()
                    ),
                ));
            }
            tx.execute(
                "UPDATE mail_outbox SET state = 'queued', next_attempt_at = ?2 WHERE id = ?1",
                params![id, timestamp(now)],
            )?;
            audit(
                tx,
                before.ticket_id,
                &actor,
                now,
                "mail_requeued",
                json!({"outbox_id": id, "state": "failed", "last_code": before.last_code}),
                json!({"outbox_id": id, "state": "queued"}),
            )?;
            entry(tx, id)
        })
    }

    /// The outbox, newest first; one ticket's messages when `ticket_id` is given.
    pub fn outbox(&self, ticket_id: Option<i64>) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {ENTRY_COLS} FROM mail_outbox o JOIN tickets t ON t.id = o.ticket_id
             WHERE ?1 IS NULL OR o.ticket_id = ?1 ORDER BY o.id DESC"
        ))?;
        let rows = stmt
            .query_map([ticket_id], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// One message's formatted bytes, as queued (drafts and tests read them).
    pub fn outbox_raw(&self, id: i64) -> Result<Vec<u8>> {
        found(
            self.conn()
                .query_row("SELECT raw FROM mail_outbox WHERE id = ?1", [id], |r| {
                    r.get("raw")
                }),
            "message",
            id,
        )
    }
}

impl Store {
    /// Records a mail event about a ticket that changes no outbox row (a draft written).
    pub(crate) fn outbox_note(
        &mut self,
        ticket_id: i64,
        action: &str,
        after: serde_json::Value,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            audit(tx, ticket_id, &actor, now, action, json!(null), after)
        })
    }
}

impl Store {
    /// Gives a message that has not gone out (queued or failed) a new recipient, Message-ID and
    /// bytes, due now. A sending or sent message is refused: it may already be delivered.
    pub(crate) fn outbox_readdress(
        &mut self,
        id: i64,
        recipient: &str,
        message_id: &str,
        raw: &[u8],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<OutboxEntry> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Full, |tx| {
            let before = entry(tx, id)?;
            if !matches!(before.state, MailState::Queued | MailState::Failed) {
                return Err(Error::invalid(
                    "message",
                    format!(
                        "message {id} is {}: only a queued or failed message can be re-addressed",
                        before.state.as_str()
                    ),
                ));
            }
            tx.execute(
                "UPDATE mail_outbox SET recipient = ?2, message_id = ?3, raw = ?4,
                     state = 'queued', next_attempt_at = ?5
                 WHERE id = ?1",
                params![id, recipient, message_id, raw, timestamp(now)],
            )?;
            audit(
                tx,
                before.ticket_id,
                &actor,
                now,
                "mail_readdressed",
                json!({"outbox_id": id, "to": before.recipient, "message_id": before.message_id,
                       "state": before.state.as_str()}),
                json!({"outbox_id": id, "to": recipient, "message_id": message_id,
                       "state": "queued", "bytes": raw.len()}),
            )?;
            entry(tx, id)
        })
    }
}
