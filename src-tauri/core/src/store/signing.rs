//! Signatures are single-use and bound to what was signed.
//!
//! Before a pad opens, the core issues a nonce for one ticket, one step, one signer role and the
//! SHA-256 of the exact text shown ([`Store::issue_signing_nonce`]). The signature submitted
//! carries the nonce, the text and its hash; when the step is stored, in the same transaction,
//! the nonce is used up ([`consume_new_signatures`]) and the strokes' canonical hash is recorded,
//! so a nonce used twice, a nonce issued for another ticket, step, signer or text, and ink that was
//! stored before (strokes copied out of a client PDF) are each refused with a coded error.
//!
//! A nonce expires by use, and by sequence: issuing one retires every unused one for the same
//! ticket, step and role, so only the pad opened last can sign. A wall-clock age limit
//! ([`NONCE_MAX_AGE`]) comes on top, never instead.

use super::{Durability, Store};
use crate::error::{Error, Result};
use crate::signature::Signature;
use crate::template::{FieldKind, SignerRole};
use crate::ticket::Ticket;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

/// How long an issued nonce may wait for its signature: a hand-over that takes longer opens the
/// pad again.
pub const NONCE_MAX_AGE: chrono::Duration = chrono::Duration::hours(2);
const CONTENT_MAX_CHARS: usize = 20_000;

/// What the pad needs to sign: the nonce, and what it is bound to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SigningNonce {
    /// 64 hex digits; the signature carries it back as `nonce`.
    pub nonce: String,
    pub ticket_id: i64,
    pub step: u8,
    pub role: SignerRole,
    /// The full SHA-256 (64 hex digits) of the text shown: the signature's `content_sha256`.
    pub content_sha256: String,
    pub issued_at: DateTime<Utc>,
}

fn role_text(role: SignerRole) -> &'static str {
    match role {
        SignerRole::EndUser => "end_user",
        SignerRole::Technician => "technician",
    }
}

fn fresh_nonce() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

struct NonceRow {
    ticket_id: i64,
    step: u8,
    role: String,
    content_sha256: String,
    issued_at: DateTime<Utc>,
    retired: bool,
    used_at: Option<DateTime<Utc>>,
}

fn nonce_row(conn: &Connection, nonce: &str) -> Result<Option<NonceRow>> {
    let key = crate::canonical::sha256_hex(nonce.as_bytes());
    Ok(conn
        .query_row(
            "SELECT ticket_id, step, role, content_sha256, issued_at, retired, used_at
             FROM signing_nonces WHERE nonce_sha256 = ?1",
            [key],
            |r| {
                Ok(NonceRow {
                    ticket_id: r.get("ticket_id")?,
                    step: r.get("step")?,
                    role: r.get("role")?,
                    content_sha256: r.get("content_sha256")?,
                    issued_at: r.get("issued_at")?,
                    retired: r.get("retired")?,
                    used_at: r.get("used_at")?,
                })
            },
        )
        .optional()?)
}

/// Uses up the nonce of every signature in the step records `t` gains with this change, and
/// records each one's strokes; any refusal aborts the caller's transaction, so nothing is stored.
///
/// A signature is recognised by its value, not its key: every other field kind is a scalar or a
/// list once `workflow::values::check` has passed it, so an object with strokes is a signature.
pub(super) fn consume_new_signatures(
    tx: &Connection,
    t: &Ticket,
    now: DateTime<Utc>,
) -> Result<()> {
    for record in t.steps.iter().filter(|r| r.id.is_none()) {
        for value in record.values.values() {
            let Some(strokes) = value.get("strokes") else {
                continue;
            };
            let sig: Signature = serde_json::from_value(value.clone())
                .map_err(|e| Error::invalid("signature", format!("not a signature: {e}")))?;
            consume(tx, t, record.step, &sig, now)?;
            // The same canonical hash the audit trail keeps for these strokes.
            let strokes_sha256 = crate::canonical::hash_of(strokes)?;
            let earlier: Option<(i64, u8)> = tx
                .query_row(
                    "SELECT ticket_id, step FROM signature_strokes WHERE strokes_sha256 = ?1",
                    [&strokes_sha256],
                    |r| Ok((r.get("ticket_id")?, r.get("step")?)),
                )
                .optional()?;
            if let Some((ticket_id, step)) = earlier {
                let number: Option<String> = tx
                    .query_row(
                        "SELECT number FROM tickets WHERE id = ?1",
                        [ticket_id],
                        |r| r.get("number"),
                    )
                    .optional()?;
                let number = number.unwrap_or_else(|| format!("#{ticket_id}"));
                return Err(Error::SignatureReplayed(format!(
                    "these exact strokes were stored before, on ticket {number} at step {step}"
                )));
            }
            tx.execute(
                "INSERT INTO signature_strokes (strokes_sha256, ticket_id, step, stored_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![strokes_sha256, t.id, record.step, now],
            )?;
        }
    }
    Ok(())
}

/// Checks one signature's nonce against what it was issued for, and marks it used.
fn consume(
    tx: &Connection,
    t: &Ticket,
    step: u8,
    sig: &Signature,
    now: DateTime<Utc>,
) -> Result<()> {
    let refuse = |why: &str| Err(Error::SigningNonceInvalid(why.to_string()));
    if sig.nonce.is_empty() {
        return refuse(
            "the signature carries no signing nonce: the pad must be opened through Ticketflow",
        );
    }
    let Some(row) = nonce_row(tx, &sig.nonce)? else {
        return refuse("this desk never issued the signature's nonce");
    };
    if row.used_at.is_some() {
        return Err(Error::SignatureReplayed(
            "its signing nonce was used up by an earlier signature".into(),
        ));
    }
    if row.ticket_id != t.id {
        return refuse("the nonce was issued for another ticket");
    }
    if row.step != step {
        return refuse("the nonce was issued for another step");
    }
    if row.role != role_text(sig.role) {
        return refuse("the nonce was issued for another signer");
    }
    if row.content_sha256 != sig.content_sha256 {
        return refuse("the nonce was issued for another text than the one signed");
    }
    if row.retired {
        return refuse("a newer pad was opened for this signature since");
    }
    if now - row.issued_at > NONCE_MAX_AGE {
        return refuse("the pad was opened more than two hours ago");
    }
    tx.execute(
        "UPDATE signing_nonces SET used_at = ?2 WHERE nonce_sha256 = ?1",
        params![crate::canonical::sha256_hex(sig.nonce.as_bytes()), now],
    )?;
    Ok(())
}

impl Store {
    /// Issues the nonce a signature pad needs before it opens: for `role` to sign `content` (the
    /// exact text shown) at `step` of ticket `ticket_id`. The step must take that role's
    /// signature and the ticket must be open. Any unused nonce for the same ticket, step and role
    /// is retired.
    pub fn issue_signing_nonce(
        &mut self,
        ticket_id: i64,
        step: u8,
        role: SignerRole,
        content: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningNonce> {
        self.issue_nonce(ticket_id, step, role, content, fresh_nonce(), now)
    }

    /// Demo data only: a nonce chosen by the caller, so that a seed always gives the same desk
    /// (the nonce is stored in the signature, and so in the audit chain and the sealed record).
    pub(crate) fn issue_demo_signing_nonce(
        &mut self,
        ticket_id: i64,
        step: u8,
        role: SignerRole,
        content: &str,
        now: DateTime<Utc>,
    ) -> Result<SigningNonce> {
        let nonce = crate::canonical::sha256_hex(
            format!("ticketflow demo signing nonce {ticket_id} {step}").as_bytes(),
        );
        self.issue_nonce(ticket_id, step, role, content, nonce, now)
    }

    fn issue_nonce(
        &mut self,
        ticket_id: i64,
        step: u8,
        role: SignerRole,
        content: &str,
        nonce: String,
        now: DateTime<Utc>,
    ) -> Result<SigningNonce> {
        let ticket = super::tickets::load_head(self.conn(), ticket_id)?;
        if ticket.is_closed() {
            return Err(Error::TicketClosed(ticket.number));
        }
        let template = self.template(&ticket.template_key, ticket.template_version)?;
        let takes = template.step(step).is_some_and(|s| {
            s.fields
                .iter()
                .any(|f| matches!(&f.kind, FieldKind::Signature { role: r, .. } if *r == role))
        });
        if !takes {
            return Err(Error::invalid(
                "step",
                format!("step {step} takes no signature from this signer"),
            ));
        }
        if content.trim().is_empty() || content.chars().count() > CONTENT_MAX_CHARS {
            return Err(Error::invalid(
                "content",
                "the text shown to the signer is missing or too long",
            ));
        }
        let content_sha256 = crate::canonical::sha256_hex(content.as_bytes());
        self.write(Durability::Normal, |tx| {
            tx.execute(
                "UPDATE signing_nonces SET retired = 1
                 WHERE ticket_id = ?1 AND step = ?2 AND role = ?3 AND used_at IS NULL",
                params![ticket_id, step, role_text(role)],
            )?;
            tx.execute(
                "INSERT INTO signing_nonces (nonce_sha256, ticket_id, step, role, content_sha256, issued_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    crate::canonical::sha256_hex(nonce.as_bytes()),
                    ticket_id,
                    step,
                    role_text(role),
                    content_sha256,
                    now
                ],
            )?;
            Ok(())
        })?;
        Ok(SigningNonce {
            nonce,
            ticket_id,
            step,
            role,
            content_sha256,
            issued_at: now,
        })
    }
}
