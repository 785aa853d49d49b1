//! The desk as a whole: whether it has been set up, and setting it up.
//!
//! A desk is set up once it has a technician: nothing can be changed without one (every change
//! names its actor), so setting up creates the first technician with their PIN together with the
//! desk's name (the MSP name on reports) and default time zone, in one transaction.

use super::pins::{hash_pin, put_pin_hash};
use super::{settings, technicians, Durability, Store};
use crate::directory::NewTechnician;
use crate::error::{Error, Result};
use crate::sla::Zone;
use crate::template::{builtin, Template};
use crate::workflow::Change;
use argon2::Argon2;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

/// Settings key of the desk's default time zone (an IANA name).
const TIME_ZONE: &str = "desk.time_zone";

/// What the window needs at start and for its "get started" checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeskStatus {
    /// False on an empty desk: the app opens its setup.
    pub set_up: bool,
    /// The desk's name (the MSP name on reports), if one was given.
    pub desk_name: Option<String>,
    /// The desk's default time zone (IANA name), if one was given.
    pub time_zone: Option<String>,
    pub companies: i64,
    pub contacts: i64,
    pub assets: i64,
    /// Tickets past their draft (step 1 done); a blank or discarded "+ New ticket" is not counted.
    pub tickets: i64,
    pub runbook_entries: i64,
}

/// The answers of the desk's setup; the first technician's PIN is passed beside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeskSetup {
    pub desk_name: String,
    /// IANA name, e.g. "Europe/Berlin".
    pub time_zone: String,
    pub technician: NewTechnician,
}

fn count(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// Tickets past their draft (the caller verified, see `workflow::is_draft`): a blank "+ New
/// ticket" is not the first call taken. Each template version numbers the caller's verification
/// its own way, so new tickets are counted by that number, for the versions that give it.
fn taken_tickets(conn: &Connection) -> Result<i64> {
    // The stored versions by the number of their caller's verification (a handful of versions;
    // usually one number). A version without the step has no new ticket past its draft.
    let mut by_number: BTreeMap<u8, Vec<(String, u32)>> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT key, version, body FROM templates")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>("key")?,
            r.get::<_, u32>("version")?,
            r.get::<_, String>("body")?,
        ))
    })?;
    let mut versions = 0;
    for row in rows {
        let (key, version, body) = row?;
        let tmpl: Template = serde_json::from_str(&body)
            .map_err(|e| Error::Migration(format!("template {key} v{version}: {e}")))?;
        versions += 1;
        if let Some(n) = tmpl.number_of(builtin::VERIFY_CALLER) {
            by_number.entry(n).or_default().push((key, version));
        }
    }
    let mut taken: i64 = conn.query_row(
        "SELECT count(*) AS n FROM tickets WHERE status <> 'new'",
        [],
        |r| r.get("n"),
    )?;
    for (number, of) in &by_number {
        taken += if by_number.len() == 1 && of.len() == versions {
            // Every version numbers it alike: the new tickets need no look at their version.
            conn.query_row(
                "SELECT count(*) AS n FROM tickets t WHERE t.status = 'new'
                   AND EXISTS (SELECT 1 FROM step_records s
                               WHERE s.ticket_id = t.id AND s.step = ?1 AND s.superseded = 0)",
                [number],
                |r| r.get::<_, i64>("n"),
            )?
        } else {
            let of = serde_json::to_string(of)
                .map_err(|e| Error::invalid("templates", e.to_string()))?;
            conn.query_row(
                "SELECT count(*) AS n FROM tickets t WHERE t.status = 'new'
                   AND EXISTS (SELECT 1 FROM step_records s
                               WHERE s.ticket_id = t.id AND s.step = ?1 AND s.superseded = 0)
                   AND EXISTS (SELECT 1 FROM json_each(?2) v
                               WHERE json_extract(v.value, '$[0]') = t.template_key
                                 AND json_extract(v.value, '$[1]') = t.template_version)",
                rusqlite::params![number, of],
                |r| r.get::<_, i64>("n"),
            )?
        };
    }
    Ok(taken)
}

fn status(conn: &Connection) -> Result<DeskStatus> {
    Ok(DeskStatus {
        set_up: technicians::any(conn)?,
        desk_name: settings::get(conn, settings::MSP_NAME)?,
        time_zone: settings::get(conn, TIME_ZONE)?,
        companies: count(conn, "companies")?,
        contacts: count(conn, "contacts")?,
        assets: count(conn, "assets")?,
        tickets: taken_tickets(conn)?,
        runbook_entries: count(conn, "runbook_entries")?,
    })
}

/// The zone named exactly as in the tz database, refused at the `time_zone` field otherwise.
fn check_zone(name: &str) -> Result<&str> {
    let name = name.trim();
    match Zone::parse(name) {
        Some(_) => Ok(name),
        None => Err(Error::invalid(
            "time_zone",
            format!("unknown time zone {name:?}: choose one from the list, e.g. Europe/Berlin"),
        )),
    }
}

impl Store {
    pub fn desk_status(&self) -> Result<DeskStatus> {
        status(self.conn())
    }

    /// Sets up an empty desk: its name, default time zone and first technician (with their PIN),
    /// who becomes the current technician and the actor of every event written here.
    pub fn set_up_desk(
        &mut self,
        setup: &DeskSetup,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<DeskStatus> {
        if technicians::any(self.conn())? {
            return Err(Error::DeskAlreadySetUp);
        }
        let desk_name = settings::check_msp_name(&setup.desk_name, "desk_name")?.to_string();
        let zone = check_zone(&setup.time_zone)?.to_string();
        let tech = technicians::checked(&setup.technician)?;
        let hash = hash_pin(&Argon2::default(), pin)?;
        self.write(Durability::Full, |tx| {
            // Checked again inside the transaction: two windows may race to set up.
            if technicians::any(tx)? {
                return Err(Error::DeskAlreadySetUp);
            }
            let actor = tech.name.as_str();
            technicians::insert(tx, &tech, actor, now)?;
            put_pin_hash(tx, actor, &hash, actor, now)?;
            settings::put(tx, settings::MSP_NAME, &desk_name, actor, now)?;
            settings::put(tx, TIME_ZONE, &zone, actor, now)?;
            technicians::make_current(tx, actor, now)?;
            crate::audit::append(
                tx,
                None,
                actor,
                now,
                &Change::new(
                    "desk_set_up",
                    json!(null),
                    json!({"desk_name": desk_name, "time_zone": zone, "technician": actor}),
                ),
            )?;
            status(tx)
        })
    }

    /// Fills an empty desk with demo data (a trial): refused once the desk is set up, so it can
    /// never mix with real work.
    pub fn load_demo_desk(
        &mut self,
        tickets: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<DeskStatus> {
        if technicians::any(self.conn())? || self.ticket_count()? > 0 {
            return Err(Error::DeskAlreadySetUp);
        }
        crate::demo::generate_at(self, tickets, seed, now, |_, _| {})?;
        self.desk_status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tz_database_names_are_zones() {
        assert_eq!(check_zone(" Europe/Berlin ").unwrap(), "Europe/Berlin");
        for bad in ["", "europe/berlin", "Mars/Olympus", "UTC+2"] {
            assert!(check_zone(bad).is_err(), "{bad}");
        }
    }
}
