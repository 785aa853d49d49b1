//! What the workflow's steps send: completing the resolution summary step queues the summary, the close
//! queues the signed report, and a ticket's mail (its outbox and what is still to be queued, with
//! why) for the ticket screen.
//!
//! The queuing runs right after the step's own transaction, not inside it, for two reasons: a
//! problem with the mail (a requester without an email address) must not refuse the step, which
//! the technician did; and the report needs the sealed record and the signing key, which comes
//! from the keychain and is never asked for while the store is locked. A step completed but not
//! queued (no account yet, the requester's address missing, a crash in between) is not lost:
//! [`ticket_mail`] lists it as missing, with the coded reason, and [`queue_due`] queues it.

use super::{account, queue_report, queue_summary, requester, summary_text, survey};
use crate::error::{Error, ErrorPayload, Result};
use crate::signing::Identity;
use crate::store::{MailKind, OutboxEntry, Store};
use crate::template::builtin;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A message the steps call for that is not in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MissingMail {
    pub kind: MailKind,
    /// Why it cannot be queued now (coded, with the fix); `None` when queuing it would work
    /// (the report: as far as can be told without the signing key).
    pub problem: Option<ErrorPayload>,
}

/// A ticket's mail as its screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TicketMail {
    /// Whether the desk has a mail account; without one the summary is opened as a draft.
    pub account: bool,
    /// Newest first.
    pub messages: Vec<OutboxEntry>,
    pub missing: Vec<MissingMail>,
}

/// The kinds of message the ticket's steps call for by now: the summary once its step is done,
/// the report once the ticket is closed.
fn called_for(store: &Store, ticket_id: i64) -> Result<Vec<MailKind>> {
    let t = store.ticket(ticket_id)?;
    let tmpl = store.template(&t.template_key, t.template_version)?;
    let mut kinds = Vec::new();
    if tmpl
        .number_of(builtin::SUMMARY)
        .is_some_and(|n| t.is_done(n))
    {
        kinds.push(MailKind::Summary);
    }
    if t.is_closed() {
        kinds.push(MailKind::Report);
    }
    Ok(kinds)
}

/// Why `kind` could not be queued now, checked without queuing anything.
fn problem(store: &Store, ticket_id: i64, kind: MailKind) -> Result<Option<ErrorPayload>> {
    let check = || -> Result<()> {
        let a = account::account(store)?.ok_or_else(account::no_account)?;
        account::parse_from(&a.from)?;
        let t = store.ticket(ticket_id)?;
        let to = requester(store, &t)?;
        if kind == MailKind::Summary {
            let tmpl = store.template(&t.template_key, t.template_version)?;
            summary_text(&t, &tmpl)?;
            survey(store, &t, &tmpl, None, &to)?;
        }
        Ok(())
    };
    match check() {
        Ok(()) => Ok(None),
        Err(e @ (Error::Mail { .. } | Error::InvalidInput { .. })) => Ok(Some(e.payload())),
        // Anything else (the store failing) is not the message's problem.
        Err(e) => Err(e),
    }
}

/// The ticket's outbox and the messages its steps call for that are not queued, with why.
pub fn ticket_mail(store: &Store, ticket_id: i64) -> Result<TicketMail> {
    let messages = store.outbox(Some(ticket_id))?;
    let mut missing = Vec::new();
    for kind in called_for(store, ticket_id)? {
        if messages.iter().all(|m| m.kind != kind) {
            missing.push(MissingMail {
                kind,
                problem: problem(store, ticket_id, kind)?,
            });
        }
    }
    Ok(TicketMail {
        account: account::account(store)?.is_some(),
        messages,
        missing,
    })
}

/// Called right after step `step` (a number of the ticket's template version) was completed: when
/// it is the resolution summary and the desk has a mail account, queues the summary. `Ok(None)`: nothing to send (another step, or no
/// account: the ticket offers the draft instead). An error is the coded reason the summary could
/// not be queued; the step stays completed and [`ticket_mail`] keeps showing it as missing.
pub fn queue_after_step(
    store: &mut Store,
    ticket_id: i64,
    step: u8,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<OutboxEntry>> {
    if account::account(store)?.is_none() {
        return Ok(None);
    }
    let t = store.ticket(ticket_id)?;
    let tmpl = store.template(&t.template_key, t.template_version)?;
    if tmpl.number_of(builtin::SUMMARY) != Some(step) {
        return Ok(None);
    }
    queue_summary(store, ticket_id, None, actor, now).map(Some)
}

/// Called after the close was committed (the record sealed): when the desk has a mail account,
/// queues the signed report. `Ok(None)` without an account.
pub fn queue_after_close(
    store: &mut Store,
    identity: &Identity,
    ticket_id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<OutboxEntry>> {
    if account::account(store)?.is_none() {
        return Ok(None);
    }
    queue_report(store, identity, ticket_id, actor, now).map(Some)
}

/// Queues every message the ticket's steps call for that is not queued yet (the technician fixed
/// the cause: added the requester's address, set up the account). `identity` is needed only for
/// the report. The first failure is returned, coded; what was queued before it stays queued.
pub fn queue_due(
    store: &mut Store,
    identity: Option<&Identity>,
    ticket_id: i64,
    psa_ticket: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxEntry>> {
    if account::account(store)?.is_none() {
        return Err(account::no_account());
    }
    let mut queued = Vec::new();
    for kind in called_for(store, ticket_id)? {
        queued.push(match kind {
            MailKind::Summary => queue_summary(store, ticket_id, psa_ticket, actor, now)?,
            MailKind::Report => {
                let identity = identity.ok_or_else(|| {
                    Error::KeychainUnavailable(
                        "the report cannot be signed in this session: export it from the \
                         Reports screen and attach it by hand"
                            .into(),
                    )
                })?;
                queue_report(store, identity, ticket_id, actor, now)?
            }
        });
    }
    Ok(queued)
}
