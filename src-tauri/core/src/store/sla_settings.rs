//! Settings › SLA targets, and the terms each ticket pinned when its clock started.
//!
//! `sla_policies` holds the desk's targets now. A ticket whose clock starts (step "open ticket")
//! pins the whole targets table and its client's calendar as they stand (migration 0015), and its
//! clocks, its queue deadline, its record and the QBR figures read those, so an edit of the
//! targets or of a client's calendar applies to tickets opened afterwards and never moves a
//! running clock. The whole table is pinned, not one cell: a ticket re-prioritized after opening
//! gets its new priority's target from the table it opened under.

use super::{check_actor, Durability, Store};
use crate::directory::Company;
use crate::error::{Error, Result};
use crate::priority::Priority;
use crate::sla::{checked_targets, policy_for, Calendar, SlaPolicy, SlaTargetInput, SlaTerms};
use crate::ticket::Ticket;
use crate::workflow::{Change, Lookup as _};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// The JSON of `sla_policies` in (tier, priority) order: a targets table's identity in
/// `sla_target_sets` (the same expression as migration 0015's, so an unchanged table is found
/// again rather than copied). No row when the table is empty.
const CURRENT_TARGETS: &str = "SELECT json_group_array(json_object(
        'tier', tier, 'priority', priority,
        'first_response_minutes', first_response_minutes,
        'resolution_minutes', resolution_minutes) ORDER BY tier, priority)
    FROM sla_policies HAVING count(*) > 0";

/// What a ticket pinned: its client then, and the ids of the targets table and calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pin {
    pub company_id: i64,
    pub target_set: i64,
    pub calendar: i64,
}

pub(crate) fn pin_of(conn: &Connection, ticket_id: i64) -> Result<Option<Pin>> {
    Ok(conn
        .prepare_cached(
            "SELECT company_id, target_set, calendar FROM ticket_sla WHERE ticket_id = ?1",
        )?
        .query_row([ticket_id], |r| {
            Ok(Pin {
                company_id: r.get("company_id")?,
                target_set: r.get("target_set")?,
                calendar: r.get("calendar")?,
            })
        })
        .optional()?)
}

/// Pinned tables and calendars read so far, parsed once: a queue page or a QBR reads many
/// tickets that pinned the same few.
#[derive(Debug, Default)]
pub(crate) struct Pinned {
    sets: HashMap<i64, Vec<SlaPolicy>>,
    calendars: HashMap<i64, Calendar>,
}

impl Pinned {
    fn set(&mut self, conn: &Connection, id: i64) -> Result<&Vec<SlaPolicy>> {
        match self.sets.entry(id) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => {
                let json: String = conn
                    .prepare_cached("SELECT targets FROM sla_target_sets WHERE id = ?1")?
                    .query_row([id], |r| r.get("targets"))?;
                let set: Vec<SlaPolicy> = serde_json::from_str(&json)
                    .map_err(|e| Error::invalid("sla_targets", e.to_string()))?;
                Ok(e.insert(set))
            }
        }
    }

    fn calendar(&mut self, conn: &Connection, id: i64) -> Result<&Calendar> {
        match self.calendars.entry(id) {
            Entry::Occupied(e) => Ok(e.into_mut()),
            Entry::Vacant(e) => {
                let json: String = conn
                    .prepare_cached("SELECT calendar FROM sla_calendars WHERE id = ?1")?
                    .query_row([id], |r| r.get("calendar"))?;
                let calendar: Calendar = serde_json::from_str(&json)
                    .map_err(|e| Error::invalid("calendar", e.to_string()))?;
                Ok(e.insert(calendar))
            }
        }
    }

    /// The terms of a ticket that pinned `pin`, now of `company` (its tier) at `priority`. A
    /// ticket moved to another client since is re-pinned by [`pin_on_change`]; should a pin
    /// still name another client, that client's calendar is not used: the current one is.
    pub(crate) fn terms(
        &mut self,
        conn: &Connection,
        pin: Pin,
        company: &Company,
        priority: Priority,
    ) -> Result<Option<SlaTerms>> {
        let Some(policy) = policy_for(self.set(conn, pin.target_set)?, company.tier, priority)
        else {
            return Ok(None);
        };
        let calendar = if pin.company_id == company.id {
            self.calendar(conn, pin.calendar)?.clone()
        } else {
            company.calendar.clone()
        };
        Ok(Some(SlaTerms { policy, calendar }))
    }
}

/// The terms `t`'s clocks run on: the pinned ones, or (a clock started in the change being made
/// and not pinned yet) the desk's now, from `current`.
pub(crate) fn terms_of(
    conn: &Connection,
    cache: &mut Pinned,
    t: &Ticket,
    company: &Company,
    priority: Priority,
    current: impl FnOnce() -> Result<Vec<SlaPolicy>>,
) -> Result<Option<SlaTerms>> {
    match pin_of(conn, t.id)? {
        Some(pin) => cache.terms(conn, pin, company, priority),
        None => Ok(SlaTerms::current(&current()?, company, priority)),
    }
}

/// The id of the targets table in force now, stored as a set if it is new; `None` on a desk
/// without targets (never after the store's seeding).
fn current_set(tx: &Connection) -> Result<Option<i64>> {
    tx.prepare_cached(&format!(
        "INSERT OR IGNORE INTO sla_target_sets (targets) {CURRENT_TARGETS}"
    ))?
    .execute([])?;
    Ok(tx
        .prepare_cached(&format!(
            "SELECT id FROM sla_target_sets WHERE targets = ({CURRENT_TARGETS})"
        ))?
        .query_row([], |r| r.get("id"))
        .optional()?)
}

/// The id of `company_id`'s calendar as it is now, stored if it is new.
fn current_calendar(tx: &Connection, company_id: i64) -> Result<Option<i64>> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO sla_calendars (calendar) SELECT calendar FROM companies WHERE id = ?1",
    )?
    .execute([company_id])?;
    Ok(tx
        .prepare_cached(
            "SELECT k.id AS id FROM companies c JOIN sla_calendars k ON k.calendar = c.calendar
             WHERE c.id = ?1",
        )?
        .query_row([company_id], |r| r.get("id"))
        .optional()?)
}

/// Pins `t`'s terms inside the change that stores it: the desk's targets and the client's
/// calendar when its clock starts (or starts again), the new client's calendar when an opened
/// ticket changes client (keeping the targets it opened under). A ticket with a clock and no pin
/// (none should exist after migration 0015) pins what is in force now.
pub(crate) fn pin_on_change(tx: &Connection, before: &Ticket, t: &Ticket) -> Result<()> {
    let (Some(_), Some(company_id)) = (t.opened_at, t.company_id) else {
        return Ok(());
    };
    let restarted = before.opened_at != t.opened_at;
    let moved = before.company_id != t.company_id;
    let pinned = pin_of(tx, t.id)?;
    let target_set = match pinned {
        Some(p) if !restarted && !moved && p.company_id == company_id => return Ok(()),
        Some(p) if !restarted => Some(p.target_set),
        _ => current_set(tx)?,
    };
    let (Some(target_set), Some(calendar)) = (target_set, current_calendar(tx, company_id)?) else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO ticket_sla (ticket_id, company_id, target_set, calendar) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (ticket_id) DO UPDATE SET company_id = excluded.company_id,
            target_set = excluded.target_set, calendar = excluded.calendar",
    )?
    .execute(params![t.id, company_id, target_set, calendar])?;
    Ok(())
}

/// Settings key of the desk's default calendar (a `Calendar` as JSON).
const DESK_CALENDAR: &str = "desk.calendar";

/// The desk's default calendar: the stored one, else Monday to Friday 9:00–17:00 in the desk's
/// time zone (UTC on a desk without one), no holidays.
fn desk_calendar(conn: &Connection) -> Result<Calendar> {
    if let Some(json) = super::settings::get(conn, DESK_CALENDAR)? {
        return serde_json::from_str(&json).map_err(|e| Error::invalid("calendar", e.to_string()));
    }
    let zone = super::settings::get(conn, super::settings::DESK_TIME_ZONE)?
        .filter(|z| crate::sla::Zone::parse(z).is_some())
        .unwrap_or_else(|| "UTC".to_string());
    use chrono::Weekday::*;
    let hour = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    Ok(Calendar::BusinessHours(crate::sla::BusinessHours {
        time_zone: zone,
        working_days: vec![Mon, Tue, Wed, Thu, Fri],
        opens: hour(9),
        closes: hour(17),
        holidays: Vec::new(),
    }))
}

/// The desk's targets now, in tier × priority order.
fn targets(conn: &Connection) -> Result<Vec<SlaPolicy>> {
    let mut table = super::lookup_over(conn).sla_policies()?;
    table.sort_by_key(|p| (p.tier, p.priority));
    Ok(table)
}

impl Store {
    /// Settings › Business calendar: the desk's default working week, time zone and holidays,
    /// which a new client's calendar starts from. Each client's own calendar (Directory) is the
    /// one its tickets' clocks run on, pinned when a ticket opens.
    pub fn desk_calendar(&self) -> Result<Calendar> {
        desk_calendar(self.conn())
    }

    /// Replaces the desk's default calendar: checked like a client's (`INVALID_INPUT` at
    /// `calendar`, nothing written), holidays stored sorted and once each, audited as a
    /// `setting_changed` of `desk.calendar`. Existing clients and tickets are not changed.
    pub fn set_desk_calendar(
        &mut self,
        calendar: &Calendar,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Calendar> {
        let actor = check_actor(actor)?;
        let mut calendar = calendar.clone();
        if let Calendar::BusinessHours(h) = &mut calendar {
            h.holidays.sort_unstable();
            h.holidays.dedup();
            h.working_days.sort_by_key(|d| d.num_days_from_monday());
            h.working_days.dedup();
        }
        calendar.validate()?;
        let json = serde_json::to_string(&calendar)
            .map_err(|e| Error::invalid("calendar", e.to_string()))?;
        self.write(Durability::Normal, |tx| {
            if super::settings::get(tx, DESK_CALENDAR)?.as_deref() != Some(json.as_str()) {
                super::settings::put(tx, DESK_CALENDAR, &json, actor, now)?;
            }
            desk_calendar(tx)
        })
    }

    /// Settings › SLA targets: the desk's tier × priority table now (what tickets opened from now
    /// on pin), in tier × priority order.
    pub fn sla_targets(&self) -> Result<Vec<SlaPolicy>> {
        targets(self.conn())
    }

    /// Replaces the whole targets table. Refused with `INVALID_INPUT` naming every bad cell
    /// (see [`crate::sla::target_problems`]) and nothing written; audited as
    /// `sla_targets_changed` with the table before and after. Tickets already opened keep the
    /// table they pinned. An unchanged table writes nothing.
    pub fn set_sla_targets(
        &mut self,
        cells: &[SlaTargetInput],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlaPolicy>> {
        let actor = check_actor(actor)?;
        let after = checked_targets(cells)?;
        self.write(Durability::Normal, |tx| {
            let before = targets(tx)?;
            if before == after {
                return Ok(after.clone());
            }
            let mut upsert = tx.prepare_cached(
                "INSERT INTO sla_policies (tier, priority, first_response_minutes, resolution_minutes)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (tier, priority) DO UPDATE SET
                    first_response_minutes = excluded.first_response_minutes,
                    resolution_minutes = excluded.resolution_minutes",
            )?;
            for p in &after {
                upsert.execute(params![
                    p.tier,
                    p.priority,
                    p.first_response_minutes,
                    p.resolution_minutes
                ])?;
            }
            let json = |v: &Vec<SlaPolicy>| {
                serde_json::to_value(v).map_err(|e| Error::invalid("sla_targets", e.to_string()))
            };
            crate::audit::append(
                tx,
                None,
                actor,
                now,
                &Change::new("sla_targets_changed", json(&before)?, json(&after)?),
            )?;
            targets(tx)
        })
    }
}

/// The terms the open tickets of a QBR pinned, by ticket id, read in one statement; a ticket
/// without a client, priority or pin is left out (the figures give it the desk's terms now).
pub(crate) fn pinned_terms_of(
    conn: &Connection,
    open: &[crate::qbr::LiveTicket],
    companies: &[Company],
) -> Result<HashMap<i64, SlaTerms>> {
    let ids = serde_json::to_string(&open.iter().map(|l| l.ticket.id).collect::<Vec<_>>())
        .map_err(|e| Error::invalid("tickets", e.to_string()))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.ticket_id AS ticket_id, p.company_id AS company_id,
            p.target_set AS target_set, p.calendar AS calendar
         FROM ticket_sla p JOIN json_each(?1) j ON j.value = p.ticket_id",
    )?;
    let pins: HashMap<i64, Pin> = stmt
        .query_map([&ids], |r| {
            Ok((
                r.get("ticket_id")?,
                Pin {
                    company_id: r.get("company_id")?,
                    target_set: r.get("target_set")?,
                    calendar: r.get("calendar")?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let by_id: HashMap<i64, &Company> = companies.iter().map(|c| (c.id, c)).collect();
    let mut cache = Pinned::default();
    let mut out = HashMap::with_capacity(pins.len());
    for l in open {
        let t = &l.ticket;
        let (Some(pin), Some(company_id), Some(priority)) =
            (pins.get(&t.id), t.company_id, t.priority)
        else {
            continue;
        };
        let Some(company) = by_id.get(&company_id) else {
            continue;
        };
        if let Some(terms) = cache.terms(conn, *pin, company, priority)? {
            out.insert(t.id, terms);
        }
    }
    Ok(out)
}
