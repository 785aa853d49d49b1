//! Technician PINs: re-authentication before a sign-off and before leaving hand-over mode.
//!
//! Only a salted argon2id hash is stored (argon2's defaults: 19 MiB, 2 passes, 1 lane; one check
//! measured at a median 34 ms in a release build on this project's 2-core machine, see
//! `examples/pin_check_cost.rs`). A new PIN is [`PIN_MIN_DIGITS`] to [`PIN_MAX_DIGITS`] digits:
//! trying all 10^6 six-digit PINs offline takes about nine hours on one such core, where all
//! 10^4 four-digit ones took six minutes. Offline guessing needs the database file; against the
//! app itself the hard cap below allows [`PIN_HARD_CAP`] guesses in a million.
//!
//! Every check runs in one IMMEDIATE transaction: the miss count is read, the PIN compared and the
//! new count written under the write lock, so guesses made in parallel (other windows, other
//! processes) are each counted. After [`FREE_ATTEMPTS`] misses each further miss pauses the PIN
//! for twice as long as the last, from [`FIRST_LOCK_SECS`] up to [`MAX_LOCK_SECS`] (wall-clock
//! pauses, which moving the clock forward shortens); after [`PIN_HARD_CAP`] misses in a row the
//! PIN is locked outright, whatever the clock says and across restarts, until another active
//! technician unlocks it with their own PIN ([`Store::unlock_pin`]).
//!
//! PINs set before the six-digit rule keep working (refusing them would lock a desk out of its
//! own sign-offs on upgrade day); a correct short PIN marks the technician `pin_needs_change`, so
//! the window asks them to choose a longer one at once.

use super::{Durability, Store};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::workflow::Change;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

pub const FREE_ATTEMPTS: u32 = 3;
pub const FIRST_LOCK_SECS: i64 = 30;
pub const MAX_LOCK_SECS: i64 = 15 * 60;
/// Misses in a row after which only another technician can unlock the PIN.
pub const PIN_HARD_CAP: u32 = 10;
pub const PIN_MIN_DIGITS: usize = 6;
pub const PIN_MAX_DIGITS: usize = 12;
/// Longer input is not compared at all (argon2 would hash it, at a cost, for nothing).
const PIN_INPUT_MAX: usize = 64;

/// Proof that a technician entered their PIN just now. It cannot be built outside this module and
/// is consumed by the command it authorizes, so one PIN entry signs one thing.
#[derive(Debug)]
pub struct PinProof {
    technician: String,
}

impl PinProof {
    pub fn technician(&self) -> &str {
        &self.technician
    }
}

/// What the window needs to know about a technician's PIN before asking for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct PinStatus {
    pub technician: String,
    pub set: bool,
    /// Locked after [`PIN_HARD_CAP`] misses: another technician must unlock it.
    pub locked: bool,
    /// A PIN shorter than the rule, set before it: it works, and should be changed now.
    pub needs_change: bool,
    /// Misses in a row so far.
    pub misses: u32,
    pub min_digits: u32,
    pub hard_cap: u32,
}

struct PinRow {
    hash: Option<String>,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
    locked: bool,
    needs_change: bool,
    active: bool,
}

fn pin_row(conn: &Connection, technician: &str) -> Result<PinRow> {
    let row = conn
        .query_row(
            "SELECT pin_hash, pin_failures, pin_locked_until, pin_locked, pin_needs_change, active
             FROM technicians WHERE name = ?1",
            [technician],
            |r| {
                Ok(PinRow {
                    hash: r.get("pin_hash")?,
                    failures: r.get("pin_failures")?,
                    locked_until: r.get("pin_locked_until")?,
                    locked: r.get("pin_locked")?,
                    needs_change: r.get("pin_needs_change")?,
                    active: r.get("active")?,
                })
            },
        )
        .optional()?;
    match row {
        Some(row) => Ok(row),
        // On a desk nobody has set up, "not found" would not say what to do.
        None if !super::technicians::any(conn)? => Err(Error::DeskNotSetUp),
        None => Err(Error::not_found("technician", technician)),
    }
}

/// The argon2id PHC string of a well-formed PIN, with a fresh salt.
pub(super) fn hash_pin(argon: &Argon2, pin: &str) -> Result<String> {
    check_format(pin)?;
    let salt = SaltString::generate(&mut rand_core::OsRng);
    Ok(argon
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|e| Error::invalid("pin", e.to_string()))?
        .to_string())
}

/// Stores a PIN hash (clearing the misses, the lock and the request to change it) with its audit
/// event, in the caller's transaction.
pub(super) fn put_pin_hash(
    tx: &Connection,
    technician: &str,
    hash: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let changed = tx.execute(
        "UPDATE technicians SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL,
             pin_locked = 0, pin_needs_change = 0
         WHERE name = ?1",
        rusqlite::params![technician, hash],
    )?;
    if changed == 0 {
        return Err(Error::not_found("technician", technician));
    }
    crate::audit::append(
        tx,
        None,
        actor,
        now,
        &Change::new("pin_set", json!(null), json!({"technician": technician})),
    )?;
    Ok(())
}

/// The rule for a new PIN; the core holds it, the window shows what this says.
pub fn check_format(pin: &str) -> Result<()> {
    if (PIN_MIN_DIGITS..=PIN_MAX_DIGITS).contains(&pin.len())
        && pin.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(Error::PinPolicy {
            min: PIN_MIN_DIGITS,
            max: PIN_MAX_DIGITS,
        })
    }
}

fn lock_secs(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(FREE_ATTEMPTS).min(16);
    (FIRST_LOCK_SECS << doublings).min(MAX_LOCK_SECS)
}

/// Whether `pin` is the one `hash` was made from (the argon2 parameters are in the PHC string).
pub(super) fn matches(hash: &str, pin: &str) -> Result<bool> {
    if pin.is_empty() || pin.len() > PIN_INPUT_MAX {
        return Ok(false);
    }
    let parsed = PasswordHash::new(hash)
        .map_err(|e| Error::Migration(format!("stored PIN hash is unreadable: {e}")))?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

/// A locked PIN is unlocked by someone else: checked before the unlocker's own PIN is asked for,
/// so a self-unlock costs no PIN check.
pub fn unlocker_is_another(technician: &str, by: &str) -> Result<()> {
    if technician.trim() == by.trim() {
        return Err(Error::invalid(
            "by",
            format!("{technician} cannot unlock their own PIN: another active technician must"),
        ));
    }
    Ok(())
}

/// A clock stopped at one instant: `verify_pin`'s `now`.
struct At(DateTime<Utc>);

impl Clock for At {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// One PIN check's outcome, decided and written inside the transaction.
enum Checked {
    Right,
    Wrong(Error),
}

impl Store {
    pub fn has_pin(&self, technician: &str) -> Result<bool> {
        Ok(pin_row(self.conn(), technician)?.hash.is_some())
    }

    /// Whether the technician's PIN is set, locked or due for a change, for the window to say
    /// before it asks for the PIN.
    pub fn pin_status(&self, technician: &str) -> Result<PinStatus> {
        let row = pin_row(self.conn(), technician)?;
        Ok(PinStatus {
            technician: technician.to_string(),
            set: row.hash.is_some(),
            locked: row.locked,
            needs_change: row.needs_change,
            misses: row.failures,
            min_digits: PIN_MIN_DIGITS as u32,
            hard_cap: PIN_HARD_CAP,
        })
    }

    /// Sets a technician's PIN; changing an existing one needs the current PIN.
    pub fn set_pin(
        &mut self,
        technician: &str,
        current: Option<&str>,
        new_pin: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        check_format(new_pin)?;
        if self.has_pin(technician)? {
            self.verify_pin(technician, current.unwrap_or_default(), now)?;
        }
        self.store_pin(technician, &Argon2::default(), new_pin, now)
    }

    /// Demo technicians' PIN, hashed with the cheapest argon2 parameters so that generating
    /// 100,000 demo tickets (each closed with a PIN check) takes minutes; a PIN set in the app
    /// always uses the full-cost defaults.
    pub(crate) fn set_demo_pin(
        &mut self,
        technician: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let cheap = Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None)
            .map_err(|e| Error::invalid("pin", e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, cheap);
        self.store_pin(technician, &argon, pin, now)
    }

    fn store_pin(
        &mut self,
        technician: &str,
        argon: &Argon2,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let hash = hash_pin(argon, pin)?;
        self.write(Durability::Full, |tx| {
            put_pin_hash(tx, technician, &hash, technician, now)
        })
    }

    /// Checks a PIN, counting misses and refusing to check at all while the PIN is paused or
    /// locked. A deactivated technician's PIN proves nothing: they can no longer sign or act.
    ///
    /// The read, the comparison and the write of the new count are one IMMEDIATE transaction: a
    /// second check (another thread, another process) waits for this one's count before it reads
    /// its own. A miss is written with full durability, so pulling the plug does not take it back.
    pub fn verify_pin(
        &mut self,
        technician: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<PinProof> {
        self.verify_pin_with(technician, pin, &At(now))
    }

    /// [`Store::verify_pin`], reading the time from `clock` once the write lock is held: checks
    /// are then timed in the order they are counted, whichever process makes them.
    pub fn verify_pin_with(
        &mut self,
        technician: &str,
        pin: &str,
        clock: &dyn Clock,
    ) -> Result<PinProof> {
        let checked = self.write(Durability::Full, |tx| {
            let now = clock.now();
            let row = pin_row(tx, technician)?;
            if !row.active {
                return Err(Error::TechnicianInactive(technician.to_string()));
            }
            let Some(hash) = row.hash else {
                return Err(Error::PinNotSet(technician.to_string()));
            };
            if row.locked {
                return Err(Error::PinLocked {
                    technician: technician.to_string(),
                    misses: row.failures,
                });
            }
            if let Some(until) = row.locked_until.filter(|u| *u > now) {
                return Err(Error::PinThrottled {
                    retry_after_secs: (until - now).num_seconds().clamp(1, MAX_LOCK_SECS),
                });
            }
            if pin.is_empty() {
                return Err(Error::PinRequired);
            }
            if matches(&hash, pin)? {
                let short = pin.len() < PIN_MIN_DIGITS;
                if row.failures > 0 || row.locked_until.is_some() || short != row.needs_change {
                    tx.execute(
                        "UPDATE technicians SET pin_failures = 0, pin_locked_until = NULL,
                             pin_needs_change = ?2
                         WHERE name = ?1",
                        rusqlite::params![technician, short],
                    )?;
                }
                return Ok(Checked::Right);
            }
            let failures = row.failures.saturating_add(1);
            let locked = failures >= PIN_HARD_CAP;
            let locked_until = (!locked && failures >= FREE_ATTEMPTS)
                .then(|| now + Duration::seconds(lock_secs(failures)));
            tx.execute(
                "UPDATE technicians SET pin_failures = ?2, pin_locked_until = ?3, pin_locked = ?4
                 WHERE name = ?1",
                rusqlite::params![technician, failures, locked_until, locked],
            )?;
            crate::audit::append(
                tx,
                None,
                technician,
                now,
                &Change::new(
                    "pin_rejected",
                    json!(null),
                    json!({"technician": technician, "failures": failures,
                           "locked_until": locked_until, "locked": locked}),
                ),
            )?;
            Ok(Checked::Wrong(if locked {
                Error::PinLocked {
                    technician: technician.to_string(),
                    misses: failures,
                }
            } else if let Some(until) = locked_until {
                Error::PinThrottled {
                    retry_after_secs: (until - now).num_seconds(),
                }
            } else {
                Error::PinWrong {
                    attempts_left: FREE_ATTEMPTS - failures,
                }
            }))
        })?;
        match checked {
            Checked::Right => Ok(PinProof {
                technician: technician.to_string(),
            }),
            Checked::Wrong(e) => Err(e),
        }
    }

    /// Unlocks a technician's PIN after too many misses (or clears a pause), witnessed by another
    /// active technician's PIN: the one whose PIN it is cannot vouch for themselves.
    pub fn unlock_pin(
        &mut self,
        technician: &str,
        witness: PinProof,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let by = witness.technician().to_string();
        unlocker_is_another(technician, &by)?;
        self.write(Durability::Full, |tx| {
            super::technicians::require_active(tx, &by)?;
            let row = pin_row(tx, technician)?;
            tx.execute(
                "UPDATE technicians SET pin_failures = 0, pin_locked_until = NULL, pin_locked = 0
                 WHERE name = ?1",
                [technician],
            )?;
            crate::audit::append(
                tx,
                None,
                &by,
                now,
                &Change::new(
                    "pin_unlocked",
                    json!({"technician": technician, "failures": row.failures,
                           "locked": row.locked}),
                    json!({"technician": technician, "failures": 0, "locked": false}),
                ),
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_double_from_the_first_lock_up_to_the_cap() {
        assert_eq!(lock_secs(FREE_ATTEMPTS), FIRST_LOCK_SECS);
        assert_eq!(lock_secs(FREE_ATTEMPTS + 1), 2 * FIRST_LOCK_SECS);
        assert_eq!(lock_secs(FREE_ATTEMPTS + 2), 4 * FIRST_LOCK_SECS);
        assert_eq!(lock_secs(1000), MAX_LOCK_SECS);
    }

    #[test]
    fn new_pins_are_six_to_twelve_digits() {
        assert!(check_format("123456").is_ok());
        assert!(check_format("123456789012").is_ok());
        for bad in [
            "1234",
            "12345",
            "1234567890123",
            "12a456",
            "123 456",
            "١٢٣٤٥٦",
        ] {
            assert_eq!(check_format(bad).unwrap_err().code(), "PIN_POLICY", "{bad}");
        }
    }
}
