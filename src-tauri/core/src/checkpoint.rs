//! Keyed checkpoints: the audit chain's head, signed with a key the database file does not hold.
//!
//! The chain alone is unkeyed: whoever holds the file can edit an event and recompute every later
//! link. A checkpoint signs (event id, hash at that event) with the report signer's ECDSA key,
//! which lives only in the OS keychain, so a recomputed chain no longer matches the heads signed
//! before the edit. Checkpoints are chained too (`prev` is the previous checkpoint's digest), so
//! one cannot be removed or reordered without breaking the next. Signing and checking are pure
//! functions here; where checkpoints are stored and when they are taken is the store's business.

use crate::canonical::{canonical_json, sha256_hex};
use crate::error::{Error, Result};
use crate::signing::{key_id, Identity};
use crate::text_enum::text_enum;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, VerifyingKey};
use serde::Serialize;
use serde_json::json;

/// Seals and checkpoints every this many events at most apart (the app also checkpoints at every
/// seal and when it closes).
pub const CHECKPOINT_EVERY: i64 = 100;

text_enum! {
    /// Why a checkpoint was taken.
    pub enum CheckpointReason {
        /// A ticket was sealed: its report can name a signed head that includes the seal.
        Seal = "seal",
        /// CHECKPOINT_EVERY events since the last one.
        Interval = "interval",
        /// The app (or the CLI) was closing.
        Closing = "closing",
        /// A report was exported for a seal no checkpoint covered yet (the keychain was not
        /// reachable when the ticket closed).
        Report = "report",
        /// The desk's first checkpoint, over history written before checkpoints existed.
        First = "first",
    }
}

/// One signed chain head, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Checkpoint {
    /// 1, 2, 3, … with no gaps.
    pub seq: i64,
    /// The last event the checkpoint covers, and its hash.
    pub event_id: i64,
    pub head_hash: String,
    /// RFC 3339, when it was signed.
    pub at: String,
    pub reason: CheckpointReason,
    /// SHA-256 of the signing certificate's public key (see [`key_id`]).
    pub key_id: String,
    /// The previous checkpoint's [`digest`](Checkpoint::digest), or the chain's genesis hash.
    pub prev: String,
    /// ECDSA P-256 / SHA-256 over [`Checkpoint::message`], as 64 bytes r‖s in hex.
    pub signature: String,
}

impl Checkpoint {
    /// The signed bytes: the canonical JSON of every field but the signature, tagged with the
    /// format so a signature made for anything else can never pass as a checkpoint.
    pub fn message(&self) -> Result<String> {
        canonical_json(&json!({
            "format": "ticketflow-checkpoint/1",
            "seq": self.seq, "event_id": self.event_id, "head_hash": self.head_hash,
            "at": self.at, "reason": self.reason, "key_id": self.key_id, "prev": self.prev,
        }))
    }

    /// What the next checkpoint's `prev` names: the hash of this one, signature included.
    pub fn digest(&self) -> Result<String> {
        Ok(sha256_hex(canonical_json(self)?.as_bytes()))
    }

    /// Signs a new checkpoint with the identity's signer key.
    pub fn sign(
        identity: &Identity,
        seq: i64,
        event_id: i64,
        head_hash: &str,
        at: &str,
        reason: CheckpointReason,
        prev: &str,
    ) -> Result<Checkpoint> {
        let mut c = Checkpoint {
            seq,
            event_id,
            head_hash: head_hash.into(),
            at: at.into(),
            reason,
            key_id: key_id(&identity.certificates.signer)?,
            prev: prev.into(),
            signature: String::new(),
        };
        let signature: Signature = identity.key().sign(c.message()?.as_bytes());
        c.signature = hex::encode(signature.to_bytes());
        Ok(c)
    }

    /// Whether `key` (named `key_id`) made this signature over this content. The reason it does
    /// not verify, otherwise.
    pub fn check_signature(
        &self,
        key: &VerifyingKey,
        key_id: &str,
    ) -> std::result::Result<(), String> {
        if self.key_id != key_id {
            return Err(format!(
                "it was signed by another key ({}…), not this desk's signing certificate",
                self.key_id.get(..16).unwrap_or(&self.key_id)
            ));
        }
        let bad = || "its signature does not match its content".to_string();
        let bytes = hex::decode(&self.signature).map_err(|_| bad())?;
        let signature = Signature::from_slice(&bytes).map_err(|_| bad())?;
        let message = self.message().map_err(|e| e.to_string())?;
        key.verify(message.as_bytes(), &signature)
            .map_err(|_| bad())
    }
}

/// The newest checkpoint as the keychain remembers it: outside the database file, so whoever holds
/// the file cannot delete the newest checkpoints (and rewrite what they covered) unseen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Mark {
    pub seq: i64,
    pub event_id: i64,
    pub digest: String,
    /// Where the desk that took it lives (each location has its own mark: a backup or a copy
    /// elsewhere is a desk of its own, and may lag behind this one).
    pub desk: String,
}

const MARK_ENTRY: &str = "checkpoint-mark";

fn mark_entry(identity: &Identity, desk: &str) -> Result<String> {
    let place = sha256_hex(desk.as_bytes());
    Ok(format!(
        "{}/{}",
        identity.entry_name(MARK_ENTRY)?,
        &place[..16]
    ))
}

/// Leaves `c` as the keychain's mark for the desk at `desk`, unless its mark is already as new
/// (another process of the same desk).
pub fn remember(identity: &Identity, c: &Checkpoint, desk: &str) -> Result<()> {
    let Some(secrets) = identity.keychain() else {
        return Ok(());
    };
    if recalled(identity, desk)?.is_some_and(|m| m.seq >= c.seq) {
        return Ok(());
    }
    let mark = Mark {
        seq: c.seq,
        event_id: c.event_id,
        digest: c.digest()?,
        desk: desk.to_string(),
    };
    let json = serde_json::to_vec(&mark).map_err(|e| Error::invalid("mark", e.to_string()))?;
    secrets.set(&mark_entry(identity, desk)?, &json)
}

/// The keychain's mark for the desk at `desk` (None: no keychain, or no checkpoint taken there).
pub fn recalled(identity: &Identity, desk: &str) -> Result<Option<Mark>> {
    let Some(secrets) = identity.keychain() else {
        return Ok(None);
    };
    let Some(bytes) = secrets.get(&mark_entry(identity, desk)?)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| Error::invalid("checkpoint mark", "the keychain's entry is unreadable"))
}

/// The desk's signing key as checkpoints need it: the verifying key and its id.
pub fn verifier(cert: &x509_cert::Certificate) -> Result<(VerifyingKey, String)> {
    Ok((crate::signing::verifying_key(cert)?, key_id(cert)?))
}

/// A checkpoint that does not hold: the first one found, in chain order.
pub fn invalid(c: &Checkpoint, reason: impl Into<String>) -> Error {
    Error::CheckpointInvalid {
        seq: c.seq,
        event_id: c.event_id,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::GENESIS;

    fn identity() -> Identity {
        Identity::ephemeral("Desk", chrono::Utc::now()).unwrap()
    }

    fn first(id: &Identity) -> Checkpoint {
        Checkpoint::sign(
            id,
            1,
            42,
            &"ab".repeat(32),
            "2026-12-06T10:00:00.000000Z",
            CheckpointReason::Seal,
            GENESIS,
        )
        .unwrap()
    }

    #[test]
    fn a_checkpoint_verifies_with_its_key_only() {
        let id = identity();
        let c = first(&id);
        let (key, kid) = verifier(&id.certificates.signer).unwrap();
        assert_eq!(c.check_signature(&key, &kid), Ok(()));
        let other = identity();
        let (okey, okid) = verifier(&other.certificates.signer).unwrap();
        assert!(c
            .check_signature(&okey, &okid)
            .unwrap_err()
            .contains("another key"));
        // Same id claimed, wrong key: the signature itself fails.
        assert!(c
            .check_signature(&okey, &kid)
            .unwrap_err()
            .contains("does not match"));
    }

    #[test]
    fn every_signed_field_is_covered() {
        let id = identity();
        let (key, kid) = verifier(&id.certificates.signer).unwrap();
        let c = first(&id);
        let edits: [fn(&mut Checkpoint); 7] = [
            |c| c.seq = 2,
            |c| c.event_id = 43,
            |c| c.head_hash = "cd".repeat(32),
            |c| c.at = "2026-12-07T10:00:00.000000Z".into(),
            |c| c.reason = CheckpointReason::Interval,
            |c| c.prev = "00".repeat(31) + "01",
            |c| c.signature = "zz".into(),
        ];
        for edit in edits {
            let mut forged = c.clone();
            edit(&mut forged);
            assert!(forged.check_signature(&key, &kid).is_err(), "{forged:?}");
        }
    }

    #[test]
    fn the_digest_covers_the_signature() {
        let id = identity();
        let a = first(&id);
        let mut b = a.clone();
        b.signature = b.signature.replace('a', "b");
        assert_ne!(a.digest().unwrap(), b.digest().unwrap());
    }
}
