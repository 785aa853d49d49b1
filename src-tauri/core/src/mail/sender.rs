//! The background sender: claims due messages one at a time under a lease, sends each, and
//! records the outcome with the server's answer.
//!
//! A temporary failure (4xx, a connection that could not be made or broke before the server
//! confirmed) is tried again after an exponential backoff; a permanent refusal (5xx) fails the
//! message at once with the reason; too many temporary failures fail it too, saying so.

use super::{account, smtp};
use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crate::store::{Outcome, Store};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// How hard and how long the sender tries. Tests shorten the waits; the app uses the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPolicy {
    /// Wait before the second attempt; each further attempt waits twice as long...
    pub first_retry: Duration,
    /// ...up to this.
    pub max_retry: Duration,
    /// Attempts before a message that keeps failing temporarily is failed for good.
    pub max_attempts: i64,
    /// How long a claimed message is held; longer than one conversation can take (`timeout`
    /// per step), so a live sender never loses its message to another.
    pub lease: Duration,
    /// Per network step (connect, each command, the data).
    pub timeout: Duration,
    /// Messages sent per call at most, so one call never runs for ever.
    pub max_messages: usize,
}

impl Default for SendPolicy {
    fn default() -> Self {
        SendPolicy {
            first_retry: Duration::from_secs(60),
            max_retry: Duration::from_secs(3600),
            // 1 + 2 + 4 + ... + 60 min: about 14 hours of trying.
            max_attempts: 20,
            lease: Duration::from_secs(600),
            timeout: Duration::from_secs(60),
            max_messages: 50,
        }
    }
}

impl SendPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: i64) -> Duration {
        let doublings = attempt.saturating_sub(1).clamp(0, 30) as u32;
        self.first_retry
            .saturating_mul(1u32 << doublings)
            .min(self.max_retry)
    }
}

/// What one call of [`send_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SendSummary {
    pub attempted: u32,
    pub sent: u32,
    /// Failed for now, tried again later.
    pub retry_scheduled: u32,
    /// Failed for good (refused, or too many attempts).
    pub failed: u32,
}

/// Sends every due message with the default policy.
pub fn send_due(
    store: &mut Store,
    secrets: &SecretStore,
    now: DateTime<Utc>,
) -> Result<SendSummary> {
    send_due_with(store, secrets, now, &SendPolicy::default())
}

fn later(at: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    at + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX)
}

/// Sends every due message (at most `policy.max_messages`), `now` being the time of the call.
pub fn send_due_with(
    store: &mut Store,
    secrets: &SecretStore,
    now: DateTime<Utc>,
    policy: &SendPolicy,
) -> Result<SendSummary> {
    let owner = format!(
        "mail sender (process {}, {})",
        std::process::id(),
        super::random_hex(4)
    );
    let started = Instant::now();
    let mut summary = SendSummary::default();
    while (summary.attempted as usize) < policy.max_messages {
        let at = later(now, started.elapsed());
        let lease_until = later(at, policy.lease);
        let Some(message) = store.outbox_claim(&owner, at, lease_until)? else {
            break;
        };
        summary.attempted += 1;
        // The account is read per message: a fix in Settings › Mail applies at the next one.
        let result = match account::credentials(store, secrets) {
            Ok(creds) => smtp::deliver(
                &creds,
                &message.sender,
                &message.recipient,
                &message.raw,
                policy.timeout,
            ),
            Err(e) => Err(smtp::Failure {
                code: e.code(),
                answer: e.to_string(),
                transient: true,
            }),
        };
        let done = later(now, started.elapsed());
        let outcome = match &result {
            Ok(answer) => {
                summary.sent += 1;
                Outcome::Sent { answer }
            }
            Err(f) if f.transient && message.attempt < policy.max_attempts => {
                summary.retry_scheduled += 1;
                Outcome::Retry {
                    code: f.code,
                    answer: &f.answer,
                    next_attempt_at: later(done, policy.backoff(message.attempt)),
                }
            }
            Err(f) => {
                summary.failed += 1;
                Outcome::Failed {
                    code: f.code,
                    answer: &f.answer,
                }
            }
        };
        let gave_up;
        let outcome = match outcome {
            Outcome::Failed { code, answer } if result.as_ref().is_err_and(|f| f.transient) => {
                gave_up = format!(
                    "gave up after {} attempts; the last: {answer}; retry it once the cause is fixed",
                    message.attempt
                );
                Outcome::Failed {
                    code,
                    answer: &gave_up,
                }
            }
            other => other,
        };
        report_held(
            store,
            message.id,
            &owner,
            outcome,
            lease_until,
            policy,
            || later(now, started.elapsed()),
        )?;
    }
    Ok(summary)
}

/// Records how an attempt ended. A hand-over that started while the server had the message
/// makes the store refuse the write (`HANDOVER_ACTIVE`): the outcome is then held and offered
/// again every little while until the hand-over ends, so a message the server took is marked
/// sent (and step 18 recorded) without sending it twice. Only while this sender's lease lasts:
/// past it another sender may take the message, so this one gives up with the refusal, and the
/// message, still `sending` (never failed), goes again with the same Message-ID.
fn report_held(
    store: &mut Store,
    id: i64,
    owner: &str,
    outcome: Outcome,
    lease_until: DateTime<Utc>,
    policy: &SendPolicy,
    clock: impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    let pause = policy.first_retry.min(Duration::from_secs(5));
    loop {
        match store.outbox_report(id, owner, outcome, clock()) {
            Err(Error::HandoverActive(number)) => {
                if later(clock(), pause.saturating_mul(2)) >= lease_until {
                    return Err(Error::HandoverActive(number));
                }
                std::thread::sleep(pause);
            }
            other => return other.map(|_| ()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = SendPolicy {
            first_retry: Duration::from_secs(60),
            max_retry: Duration::from_secs(600),
            ..SendPolicy::default()
        };
        let waits: Vec<u64> = (1..=6).map(|a| p.backoff(a).as_secs()).collect();
        assert_eq!(waits, vec![60, 120, 240, 480, 600, 600]);
        assert_eq!(p.backoff(10_000).as_secs(), 600);
    }
}
