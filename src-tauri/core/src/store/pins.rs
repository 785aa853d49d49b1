//! Technician PINs: re-authentication before a sign-off and before leaving hand-over mode.
//!
//! Only a salted argon2id hash is stored. Wrong PINs are counted in the database, so restarting
//! the app does not reset them: after [`FREE_ATTEMPTS`] misses each further miss locks the PIN for
//! twice as long as the last, from [`FIRST_LOCK_SECS`] up to [`MAX_LOCK_SECS`].

use super::{Durability, Store};
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

struct PinRow {
    hash: Option<String>,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
    active: bool,
}

fn pin_row(conn: &Connection, technician: &str) -> Result<PinRow> {
    let row = conn
        .query_row(
            "SELECT pin_hash, pin_failures, pin_locked_until, active FROM technicians
             WHERE name = ?1",
            [technician],
            |r| {
                Ok(PinRow {
                    hash: r.get("pin_hash")?,
                    failures: r.get("pin_failures")?,
                    locked_until: r.get("pin_locked_until")?,
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

/// Stores a PIN hash (resetting the miss count) with its audit event, in the caller's transaction.
pub(super) fn put_pin_hash(
    tx: &Connection,
    technician: &str,
    hash: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let changed = tx.execute(
        "UPDATE technicians SET pin_hash = ?2, pin_failures = 0, pin_locked_until = NULL
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

pub(super) fn check_format(pin: &str) -> Result<()> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid("pin", "a PIN is 4 to 12 digits"))
    }
}

fn lock_secs(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(FREE_ATTEMPTS).min(16);
    (FIRST_LOCK_SECS << doublings).min(MAX_LOCK_SECS)
}

fn matches(hash: &str, pin: &str) -> Result<bool> {
    let parsed = PasswordHash::new(hash)
        .map_err(|e| Error::Migration(format!("stored PIN hash is unreadable: {e}")))?;
    Ok(Argon2::default()
        .verify_password(pin.as_bytes(), &parsed)
        .is_ok())
}

impl Store {
    pub fn has_pin(&self, technician: &str) -> Result<bool> {
        Ok(pin_row(self.conn(), technician)?.hash.is_some())
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

    /// Checks a PIN, counting misses and refusing to check at all while the PIN is locked. A
    /// deactivated technician's PIN proves nothing: they can no longer sign or act.
    pub fn verify_pin(
        &mut self,
        technician: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<PinProof> {
        let row = pin_row(self.conn(), technician)?;
        if !row.active {
            return Err(Error::TechnicianInactive(technician.to_string()));
        }
        let Some(hash) = row.hash else {
            return Err(Error::PinNotSet(technician.to_string()));
        };
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            return Err(Error::PinThrottled {
                retry_after_secs: (until - now).num_seconds().max(1),
            });
        }
        if pin.is_empty() {
            return Err(Error::PinRequired);
        }
        if pin.len() <= 64 && matches(&hash, pin)? {
            if row.failures > 0 {
                self.write(Durability::Normal, |tx| {
                    tx.execute(
                        "UPDATE technicians SET pin_failures = 0, pin_locked_until = NULL
                         WHERE name = ?1",
                        [technician],
                    )?;
                    Ok(())
                })?;
            }
            return Ok(PinProof {
                technician: technician.to_string(),
            });
        }
        let failures = row.failures + 1;
        let locked_until =
            (failures >= FREE_ATTEMPTS).then(|| now + Duration::seconds(lock_secs(failures)));
        self.write(Durability::Normal, |tx| {
            tx.execute(
                "UPDATE technicians SET pin_failures = ?2, pin_locked_until = ?3 WHERE name = ?1",
                rusqlite::params![technician, failures, locked_until],
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
                           "locked_until": locked_until}),
                ),
            )?;
            Ok(())
        })?;
        Err(match locked_until {
            Some(until) => Error::PinThrottled {
                retry_after_secs: (until - now).num_seconds(),
            },
            None => Error::PinWrong {
                attempts_left: FREE_ATTEMPTS - failures,
            },
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
    fn pins_are_four_to_twelve_digits() {
        assert!(check_format("1234").is_ok());
        assert!(check_format("123456789012").is_ok());
        for bad in ["123", "1234567890123", "12a4", "12 34", "١٢٣٤"] {
            assert!(check_format(bad).is_err(), "{bad}");
        }
    }
}
