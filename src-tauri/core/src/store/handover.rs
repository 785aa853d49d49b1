//! Hand-over mode as the desk's state: the technician hands the device to the end user, who
//! verifies the fix, signs the summary and rates the service; only a technician's PIN ends it.
//!
//! Starting it stores the ticket, the technician and the exact text to be signed (and audits
//! them) before the pad opens. While it is under way `Store::write` refuses every write but the
//! hand-over's own with `HANDOVER_ACTIVE`, in every process of the desk (the row is in the
//! database, so a second window, the CLI and a restart after a crash or a kill all see it).
//! Wrong PINs typed on the hand-over screen count against the hand-over, never against the
//! technician's own PIN, so an end user cannot lock the technician out of their sign-offs; past
//! [`HANDOVER_FREE_MISSES`] each further try waits inside the write transaction, which no clock
//! change and no restart shortens.

use super::directory::Db;
use super::{pins, Durability, Store};
use crate::error::{Error, Result};
use crate::template::builtin::{CSAT, PARAGRAPH_MAX, STILL_FAILING, SUMMARY, VERIFY_FIX};
use crate::template::{FieldKind, SignerRole, Template};
use crate::ticket::{Ticket, Values};
use crate::workflow::{self, Change, Lookup, StepState};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use std::time::Duration;

/// Wrong PINs on the hand-over screen answered at once; each one after waits longer.
pub const HANDOVER_FREE_MISSES: u32 = 5;
/// The longest wait before a PIN is checked: a million six-digit PINs then take years.
const MAX_WAIT_SECS: u64 = 60;

/// Where the end user is in the hand-over, as the store's records say (so a reload or a restart
/// comes back to the same place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum HandoverStage {
    /// Is it working now? (and the signature)
    Verify,
    /// Verified and signed: the CSAT rating is still to be given.
    Rate,
    /// Nothing left for the end user: hand the device back.
    Done,
}

/// A hand-over under way: everything the hand-over screen shows, decided by the core.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct HandoverSession {
    pub ticket_id: i64,
    pub ticket_number: String,
    /// The ticket's problem statement, so the signer knows which ticket this is.
    pub problem: String,
    /// The exact text the end user reads and signs.
    pub summary: String,
    /// SHA-256 (hex, all 64 digits) of `summary`'s UTF-8 bytes.
    pub summary_sha256: String,
    /// Who is expected to sign (the caller); the signer can change it.
    pub signer_name: String,
    /// The meaning the template gives the end user's signature.
    pub meaning: String,
    /// Only the signature is taken again (the summary changed after the first one).
    pub resign: bool,
    /// Whether the CSAT rating is asked (not yet given, and not a re-signing).
    pub ask_rating: bool,
    /// The technician who handed the device over.
    pub technician: String,
    /// The desk's name as its reports print it.
    pub desk_name: String,
    pub started_at: DateTime<Utc>,
    pub stage: HandoverStage,
    /// Wrong PINs typed on the hand-over screen so far.
    pub pin_misses: u32,
}

/// The hand-over's row as stored.
struct Stored {
    id: i64,
    ticket_id: i64,
    technician: String,
    summary: String,
    summary_sha256: String,
    signer_name: String,
    resign: bool,
    ask_rating: bool,
    started_at: DateTime<Utc>,
    pin_misses: u32,
}

fn stored_row(r: &Row) -> rusqlite::Result<Stored> {
    Ok(Stored {
        id: r.get("id")?,
        ticket_id: r.get("ticket_id")?,
        technician: r.get("technician")?,
        summary: r.get("summary")?,
        summary_sha256: r.get("summary_sha256")?,
        signer_name: r.get("signer_name")?,
        resign: r.get("resign")?,
        ask_rating: r.get("ask_rating")?,
        started_at: r.get("started_at")?,
        pin_misses: r.get("pin_misses")?,
    })
}

fn active(conn: &Connection) -> Result<Option<Stored>> {
    Ok(conn
        .query_row(
            "SELECT id, ticket_id, technician, summary, summary_sha256, signer_name, resign,
                    ask_rating, started_at, pin_misses
             FROM handovers WHERE ended_at IS NULL",
            [],
            stored_row,
        )
        .optional()?)
}

/// Refuses a write while a hand-over is under way, unless it is the hand-over's own write for
/// its ticket (`scope`). Run inside the write's transaction, so no process slips in between.
pub(super) fn check_scope(conn: &Connection, scope: Option<i64>) -> Result<()> {
    let ticket: Option<(i64, String)> = conn
        .query_row(
            "SELECT h.ticket_id, t.number FROM handovers h JOIN tickets t ON t.id = h.ticket_id
             WHERE h.ended_at IS NULL",
            [],
            |r| Ok((r.get("ticket_id")?, r.get("number")?)),
        )
        .optional()?;
    match ticket {
        Some((id, _)) if scope == Some(id) => Ok(()),
        Some((_, number)) => Err(Error::HandoverActive(number)),
        None => Ok(()),
    }
}

/// Whether `pin` is the PIN of `technician`, an active technician with a PIN. Unlike the
/// sign-off's check, it leaves the technician's own miss count alone.
fn pin_matches(conn: &Connection, technician: &str, pin: &str) -> Result<bool> {
    let row: Option<(Option<String>, bool)> = conn
        .query_row(
            "SELECT pin_hash, active FROM technicians WHERE name = ?1",
            [technician],
            |r| Ok((r.get("pin_hash")?, r.get("active")?)),
        )
        .optional()?;
    match row {
        None => Err(Error::not_found("technician", technician)),
        Some((_, false)) => Err(Error::TechnicianInactive(technician.to_string())),
        Some((None, true)) => Err(Error::PinNotSet(technician.to_string())),
        Some((Some(hash), true)) => Ok(pin.len() <= 64 && pins::matches(&hash, pin)?),
    }
}

/// How long a PIN try waits, given the misses before it: nothing for the first
/// [`HANDOVER_FREE_MISSES`], then 1 s, 2 s, 4 s … up to [`MAX_WAIT_SECS`].
pub fn pin_wait(misses: u32) -> Duration {
    let over = misses.saturating_sub(HANDOVER_FREE_MISSES);
    if misses < HANDOVER_FREE_MISSES {
        return Duration::ZERO;
    }
    Duration::from_secs((1u64 << over.min(6)).min(MAX_WAIT_SECS))
}

/// The number the ticket's template version gives the step with `key`: the hand-over's steps are
/// protected, so a template without one is refused rather than guessed at.
fn number(tmpl: &Template, key: &str) -> Result<u8> {
    tmpl.number_of(key).ok_or_else(|| {
        Error::not_found(
            "step",
            format!(
                "{key} in template {} v{} (the hand-over needs it: publish a version with it)",
                tmpl.key, tmpl.version
            ),
        )
    })
}

/// Where the end user is: the verification step answered since the hand-over began (and how),
/// and the rating.
fn stage(
    t: &Ticket,
    tmpl: &Template,
    started_at: DateTime<Utc>,
    ask_rating: bool,
) -> Result<HandoverStage> {
    let verify = number(tmpl, VERIFY_FIX)?;
    let answer = t
        .steps
        .iter()
        .filter(|r| r.step == verify && r.completed_at >= started_at)
        .max_by_key(|r| r.completed_at);
    Ok(match answer {
        None => HandoverStage::Verify,
        Some(r) if r.values.get("outcome").and_then(|v| v.as_str()) == Some(STILL_FAILING) => {
            HandoverStage::Done
        }
        Some(_) if ask_rating && !t.is_done(number(tmpl, CSAT)?) => HandoverStage::Rate,
        Some(_) => HandoverStage::Done,
    })
}

impl Store {
    /// The hand-over under way on this desk, if any.
    pub fn handover(&self) -> Result<Option<HandoverSession>> {
        let Some(row) = active(self.conn())? else {
            return Ok(None);
        };
        let t = self.ticket(row.ticket_id)?;
        let template = self.ticket_template(row.ticket_id)?;
        let meaning = template
            .step(number(&template, VERIFY_FIX)?)
            .and_then(|s| {
                s.fields.iter().find_map(|f| match &f.kind {
                    FieldKind::Signature { meaning, .. } => Some(meaning.clone()),
                    _ => None,
                })
            })
            .unwrap_or_else(|| "fix verified".to_string());
        let stage = stage(&t, &template, row.started_at, row.ask_rating)?;
        Ok(Some(HandoverSession {
            ticket_id: t.id,
            ticket_number: t.number.clone(),
            problem: t.problem.clone(),
            summary: row.summary,
            summary_sha256: row.summary_sha256,
            signer_name: row.signer_name,
            meaning,
            resign: row.resign,
            ask_rating: row.ask_rating,
            technician: row.technician,
            desk_name: self.report_settings()?.msp_name,
            started_at: row.started_at,
            stage,
            pin_misses: row.pin_misses,
        }))
    }

    /// `HANDOVER_ACTIVE` while a hand-over is under way: for commands that only read (the shell
    /// asks before every command but the hand-over's own; writes are refused by the store).
    pub fn refuse_during_handover(&self) -> Result<()> {
        check_scope(self.conn(), None)
    }

    /// Hands the device to the end user for the ticket's verification of the fix: stores and
    /// audits the text they will sign. The current technician needs a PIN, since only a PIN ends
    /// the hand-over. When the end user's signature was invalidated (the summary changed after
    /// they signed), the text is the summary sent to them, and only the signature is taken again.
    pub fn start_handover(
        &mut self,
        ticket_id: i64,
        summary: &str,
        now: DateTime<Utc>,
    ) -> Result<HandoverSession> {
        let technician = self.actor()?;
        if !self.has_pin(&technician)? {
            return Err(Error::PinNotSet(technician));
        }
        let t = self.ticket(ticket_id)?;
        if t.is_closed() {
            return Err(Error::TicketClosed(t.number));
        }
        let template = self.ticket_template(ticket_id)?;
        let resign = workflow::end_user_signature_invalidated(&t, &template).is_some();
        let verify = number(&template, VERIFY_FIX)?;
        let summary =
            if resign {
                t.value(number(&template, SUMMARY)?, "summary")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            } else {
                match workflow::step_state(&t, &template, verify) {
                    StepState::Available => {}
                    StepState::Done => return Err(Error::invalid(
                        "handover",
                        "the fix is already verified: there is nothing for the end user to sign",
                    )),
                    StepState::Blocked(reason) => {
                        return Err(Error::GateBlocked {
                            step: verify.to_string(),
                            missing: vec![reason],
                        })
                    }
                    StepState::NotApplicable(reason) => {
                        return Err(Error::StepNotApplicable {
                            step: verify.to_string(),
                            reason,
                        })
                    }
                }
                summary.trim().to_string()
            };
        if summary.is_empty() {
            return Err(Error::invalid(
                "summary",
                "write the summary the end user will read and sign",
            ));
        }
        if summary.chars().count() > PARAGRAPH_MAX as usize {
            return Err(Error::invalid(
                "summary",
                format!("the summary is longer than {PARAGRAPH_MAX} characters: shorten it"),
            ));
        }
        let signer_name = match t.contact_id {
            Some(id) => Db(self.conn()).contact(id)?.name,
            None => String::new(),
        };
        let ask_rating = !resign && !t.is_done(number(&template, CSAT)?);
        let sha = crate::canonical::sha256_hex(summary.as_bytes());
        self.write(Durability::Full, |tx| {
            tx.execute(
                "INSERT INTO handovers (ticket_id, technician, summary, summary_sha256,
                     signer_name, resign, ask_rating, started_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    ticket_id,
                    technician,
                    summary,
                    sha,
                    signer_name,
                    resign,
                    ask_rating,
                    now
                ],
            )?;
            crate::audit::append(
                tx,
                Some(ticket_id),
                &technician,
                now,
                &Change::new(
                    "handover_started",
                    json!(null),
                    json!({"technician": technician, "summary": summary,
                           "summary_sha256": sha, "resign": resign}),
                ),
            )?;
            Ok(())
        })?;
        self.handover()?
            .ok_or_else(|| Error::invalid("handover", "the hand-over was not stored"))
    }

    /// The nonce the end user's signature carries, issued as the pad opens (again after a
    /// reload: each one retires the last), for the stored summary only.
    pub fn handover_signing_nonce(&mut self, now: DateTime<Utc>) -> Result<String> {
        let session = self.handover()?.ok_or(Error::NoHandover)?;
        if session.stage != HandoverStage::Verify {
            return Err(Error::invalid(
                "handover",
                "the end user has already answered: hand the device back to the technician",
            ));
        }
        let verify = number(&self.ticket_template(session.ticket_id)?, VERIFY_FIX)?;
        let nonce = self.in_handover(session.ticket_id, |store| {
            store.issue_signing_nonce(
                session.ticket_id,
                verify,
                SignerRole::EndUser,
                &session.summary,
                now,
            )
        })?;
        Ok(nonce.nonce)
    }

    /// The end user's answer to "Is it working now?": verified with their signature over the
    /// stored summary, or still failing. The text signed is the one stored at the start, whatever
    /// the caller sends.
    pub fn handover_verify(
        &mut self,
        outcome: &str,
        signature: Option<serde_json::Value>,
        now: DateTime<Utc>,
    ) -> Result<HandoverSession> {
        let session = self.handover()?.ok_or(Error::NoHandover)?;
        if session.stage != HandoverStage::Verify {
            return Err(Error::invalid(
                "handover",
                "the end user has already answered: hand the device back to the technician",
            ));
        }
        let mut values = Values::new();
        values.insert("outcome".into(), json!(outcome));
        if let Some(mut signature) = signature {
            if let Some(o) = signature.as_object_mut() {
                o.insert("content".into(), json!(session.summary));
                o.insert("content_sha256".into(), json!(session.summary_sha256));
            }
            values.insert("signature".into(), signature);
        }
        let technician = session.technician.clone();
        let verify = number(&self.ticket_template(session.ticket_id)?, VERIFY_FIX)?;
        self.in_handover(session.ticket_id, |store| {
            store.complete_step(session.ticket_id, verify, values, &technician, now)
        })?;
        self.handover()?.ok_or(Error::NoHandover)
    }

    /// The end user's CSAT rating, given on the hand-over screen.
    pub fn handover_rate(
        &mut self,
        rating: u8,
        comment: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<HandoverSession> {
        let session = self.handover()?.ok_or(Error::NoHandover)?;
        if session.stage != HandoverStage::Rate {
            return Err(Error::invalid(
                "handover",
                "the rating is asked once the fix is verified and signed",
            ));
        }
        let mut values = Values::new();
        values.insert("rating".into(), json!(rating));
        if let Some(comment) = comment.filter(|c| !c.trim().is_empty()) {
            values.insert("comment".into(), json!(comment));
        }
        let technician = session.technician.clone();
        let csat = number(&self.ticket_template(session.ticket_id)?, CSAT)?;
        self.in_handover(session.ticket_id, |store| {
            store.complete_step(session.ticket_id, csat, values, &technician, now)
        })?;
        self.handover()?.ok_or(Error::NoHandover)
    }

    /// Ends the hand-over with a technician's PIN: the one who started it, or (`by`) any other
    /// active technician. A wrong PIN is counted on the hand-over in the same transaction that
    /// checks it; past the free tries the check waits first.
    pub fn end_handover(&mut self, by: Option<&str>, pin: &str, now: DateTime<Utc>) -> Result<()> {
        let session = active(self.conn())?.ok_or(Error::NoHandover)?;
        let technician = by.unwrap_or(&session.technician).to_string();
        if pin.is_empty() {
            return Err(Error::PinRequired);
        }
        let ticket_id = session.ticket_id;
        let id = session.id;
        let outcome = self.in_handover(ticket_id, |store| {
            store.write(Durability::Full, |tx| {
                // Read inside the transaction: parallel tries each see the others' misses.
                let misses: u32 = tx.query_row(
                    "SELECT pin_misses FROM handovers WHERE id = ?1",
                    [id],
                    |r| r.get("pin_misses"),
                )?;
                std::thread::sleep(pin_wait(misses));
                if pin_matches(tx, &technician, pin)? {
                    tx.execute(
                        "UPDATE handovers SET ended_at = ?2, ended_by = ?3 WHERE id = ?1",
                        rusqlite::params![id, now, technician],
                    )?;
                    crate::audit::append(
                        tx,
                        Some(ticket_id),
                        &technician,
                        now,
                        &Change::new(
                            "handover_ended",
                            json!(null),
                            json!({"ended_by": technician, "pin_misses": misses}),
                        ),
                    )?;
                    Ok(None)
                } else {
                    tx.execute(
                        "UPDATE handovers SET pin_misses = pin_misses + 1 WHERE id = ?1",
                        [id],
                    )?;
                    Ok(Some(misses + 1))
                }
            })
        })?;
        match outcome {
            None => Ok(()),
            Some(misses) => Err(Error::HandoverPinWrong {
                misses,
                wait_secs: pin_wait(misses).as_secs(),
            }),
        }
    }

    /// Runs the hand-over's own write for its ticket.
    fn in_handover<T>(
        &mut self,
        ticket_id: i64,
        f: impl FnOnce(&mut Store) -> Result<T>,
    ) -> Result<T> {
        self.handover_scope = Some(ticket_id);
        let result = f(self);
        self.handover_scope = None;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_misses_are_free_then_each_waits_twice_as_long_up_to_a_minute() {
        let waits: Vec<u64> = (0..14).map(|m| pin_wait(m).as_secs()).collect();
        assert_eq!(waits, [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(pin_wait(u32::MAX).as_secs(), MAX_WAIT_SECS);
    }
}
