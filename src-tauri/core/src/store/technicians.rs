//! Technicians and who is at the keyboard.
//!
//! Every change names its actor, so the actor must be someone the desk can vouch for: the current
//! technician, who became current by entering their own PIN, and who is still active. Adding a
//! technician or deactivating one is witnessed by an active technician's PIN ([`PinProof`]), and
//! technicians are never deleted: audit events and signed records keep naming them.

use super::pins::{hash_pin, put_pin_hash};
use super::{Durability, PinProof, Store};
use crate::directory::{NewTechnician, TechTier, Technician};
use crate::error::{Error, Result};
use crate::workflow::Change;
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::json;

const CURRENT: &str = "current_technician";
const NAME_MAX: usize = 200;
const EMAIL_MAX: usize = 254;

fn technician_row(r: &Row) -> rusqlite::Result<Technician> {
    Ok(Technician {
        id: r.get("id")?,
        name: r.get("name")?,
        tier: r.get("tier")?,
        email: r.get("email")?,
        on_call: r.get("on_call")?,
        active: r.get("active")?,
    })
}

const COLS: &str = "id, name, tier, email, on_call, active";

fn by_name(conn: &Connection, name: &str) -> Result<Option<Technician>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM technicians WHERE name = ?1"),
            [name],
            technician_row,
        )
        .optional()?)
}

/// Whether the desk has any technician at all (the mark of a desk that has been set up).
pub(super) fn any(conn: &Connection) -> Result<bool> {
    Ok(
        conn.query_row("SELECT EXISTS (SELECT 1 FROM technicians)", [], |r| {
            r.get(0)
        })?,
    )
}

/// The technician named `name`, refused when unknown or deactivated: only an active technician
/// may act, sign, log time or be assigned.
pub(crate) fn require_active(conn: &Connection, name: &str) -> Result<Technician> {
    match by_name(conn, name)? {
        Some(t) if t.active => Ok(t),
        Some(t) => Err(Error::TechnicianInactive(t.name)),
        None => Err(Error::not_found("technician", name)),
    }
}

/// The new technician, trimmed, with a blank e-mail read as none; refused field by field.
pub(super) fn checked(t: &NewTechnician) -> Result<NewTechnician> {
    let name = t.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "is required"));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            format!("one line of at most {NAME_MAX} characters"),
        ));
    }
    let email = t.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email {
        let plausible = e.chars().count() <= EMAIL_MAX
            && !e.chars().any(|c| c.is_whitespace() || c.is_control())
            && e.split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
        if !plausible {
            return Err(Error::invalid(
                "email",
                "an address like name@example.com, or leave it empty",
            ));
        }
    }
    Ok(NewTechnician {
        name: name.to_string(),
        tier: t.tier,
        email: email.map(str::to_string),
        on_call: t.on_call,
    })
}

/// Inserts a technician (whose PIN the caller sets) with its audit event, in the caller's
/// transaction.
pub(super) fn insert(
    tx: &Connection,
    t: &NewTechnician,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Technician> {
    tx.execute(
        "INSERT INTO technicians (name, tier, email, on_call, active) VALUES (?1, ?2, ?3, ?4, 1)",
        params![t.name, t.tier, t.email, t.on_call],
    )
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::invalid(
                "name",
                format!(
                    "a technician named {:?} exists: choose another name",
                    t.name
                ),
            )
        }
        e => e.into(),
    })?;
    let added = by_name(tx, &t.name)?.ok_or_else(|| Error::not_found("technician", &t.name))?;
    audit(
        tx,
        actor,
        now,
        "technician_added",
        json!(null),
        json!(added),
    )?;
    Ok(added)
}

/// Makes `name` the current technician, audited as `technician_switched` by the new one.
pub(super) fn make_current(tx: &Connection, name: &str, now: DateTime<Utc>) -> Result<()> {
    let before = current(tx)?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [CURRENT, name],
    )?;
    audit(
        tx,
        name,
        now,
        "technician_switched",
        json!({"technician": before}),
        json!({"technician": name}),
    )
}

fn current(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [CURRENT],
            |r| r.get(0),
        )
        .optional()?)
}

fn audit(
    tx: &Connection,
    actor: &str,
    now: DateTime<Utc>,
    action: &str,
    before: serde_json::Value,
    after: serde_json::Value,
) -> Result<()> {
    crate::audit::append(tx, None, actor, now, &Change::new(action, before, after))?;
    Ok(())
}

impl Store {
    /// Every technician, active or not (history names them all), by name.
    pub fn technicians(&self) -> Result<Vec<Technician>> {
        let mut stmt = self
            .conn()
            .prepare_cached(&format!("SELECT {COLS} FROM technicians ORDER BY name"))?;
        let rows = stmt.query_map([], technician_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Who is at the keyboard, as last proven by their PIN (none before the desk is set up).
    pub fn current_technician(&self) -> Result<Option<String>> {
        current(self.conn())
    }

    /// The current technician, required and still active: the actor of every change the window
    /// asks for.
    pub fn actor(&self) -> Result<String> {
        let name = self.current_technician()?.ok_or(Error::NoTechnician)?;
        Ok(require_active(self.conn(), &name)?.name)
    }

    /// Hands the keyboard to the technician who just proved who they are with their PIN.
    pub fn switch_technician(&mut self, proof: PinProof, now: DateTime<Utc>) -> Result<()> {
        let name = proof.technician().to_string();
        self.write(Durability::Normal, |tx| {
            require_active(tx, &name)?;
            make_current(tx, &name, now)
        })
    }

    /// Adds a technician with their own PIN, witnessed by an active technician's PIN (the actor).
    pub fn add_technician(
        &mut self,
        new: &NewTechnician,
        pin: &str,
        witness: PinProof,
        now: DateTime<Utc>,
    ) -> Result<Technician> {
        let new = checked(new)?;
        let hash = hash_pin(&Argon2::default(), pin)?;
        let actor = witness.technician().to_string();
        self.write(Durability::Normal, |tx| {
            require_active(tx, &actor)?;
            let added = insert(tx, &new, &actor, now)?;
            put_pin_hash(tx, &added.name, &hash, &actor, now)?;
            Ok(added)
        })
    }

    /// Deactivates a technician, witnessed by an active technician's PIN. The last active one
    /// stays (someone must be able to act), and so does the current one (who would act next?).
    pub fn deactivate_technician(
        &mut self,
        name: &str,
        witness: PinProof,
        now: DateTime<Utc>,
    ) -> Result<Technician> {
        let actor = witness.technician().to_string();
        self.write(Durability::Normal, |tx| {
            require_active(tx, &actor)?;
            let before = require_active(tx, name)?;
            let others: i64 = tx.query_row(
                "SELECT count(*) FROM technicians WHERE active = 1 AND name <> ?1",
                [name],
                |r| r.get(0),
            )?;
            if others == 0 {
                return Err(Error::LastActiveTechnician(before.name));
            }
            if current(tx)?.as_deref() == Some(name) {
                return Err(Error::invalid(
                    "name",
                    format!("{name} is the current technician: switch to another technician first"),
                ));
            }
            tx.execute(
                "UPDATE technicians SET active = 0 WHERE id = ?1",
                [before.id],
            )?;
            let after = by_name(tx, name)?.ok_or_else(|| Error::not_found("technician", name))?;
            audit(
                tx,
                &actor,
                now,
                "technician_deactivated",
                json!(before),
                json!(after),
            )?;
            Ok(after)
        })
    }

    /// Demo data only: a technician without a witness (the demo desk has nobody to witness).
    pub(crate) fn add_demo_technician(
        &mut self,
        name: &str,
        tier: TechTier,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Technician> {
        let actor = super::check_actor(actor)?;
        let new = checked(&NewTechnician {
            name: name.into(),
            tier,
            email: None,
            on_call: false,
        })?;
        self.write(Durability::Normal, |tx| insert(tx, &new, actor, now))
    }

    /// Demo data only: makes `name` current without a PIN.
    pub(crate) fn set_current_technician(&mut self, name: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(Durability::Normal, |tx| {
            require_active(tx, name)?;
            make_current(tx, name, now)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, email: Option<&str>) -> NewTechnician {
        NewTechnician {
            name: name.into(),
            tier: TechTier::Tier1,
            email: email.map(str::to_string),
            on_call: false,
        }
    }

    fn field(r: Result<NewTechnician>) -> String {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }

    #[test]
    fn names_and_emails_are_trimmed_and_a_blank_email_is_none() {
        let t = checked(&new("  Kim Lee ", Some("  "))).unwrap();
        assert_eq!((t.name.as_str(), t.email), ("Kim Lee", None));
        let t = checked(&new("Kim", Some(" kim@example.com "))).unwrap();
        assert_eq!(t.email.as_deref(), Some("kim@example.com"));
    }

    #[test]
    fn a_bad_name_or_email_is_refused_at_its_field() {
        assert_eq!(field(checked(&new(" ", None))), "name");
        assert_eq!(field(checked(&new("a\nb", None))), "name");
        assert_eq!(field(checked(&new(&"x".repeat(201), None))), "name");
        for bad in [
            "kim",
            "@example.com",
            "kim@localhost",
            "kim lee@example.com",
        ] {
            assert_eq!(field(checked(&new("Kim", Some(bad)))), "email", "{bad}");
        }
    }
}
