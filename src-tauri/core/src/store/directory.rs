//! Companies, contacts, assets, technicians and incidents.

use super::{found, Durability, Store};
use crate::audit::timestamp;
use crate::directory::*;
use crate::error::{Error, Result};
use crate::priority::PriorityMatrix;
use crate::sla::{Calendar, SlaPolicy};
use crate::workflow::{Lookup, RunbookTouch};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};

const NAME_MAX: usize = 200;

fn text_field(field: &str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if value.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("longer than {max} characters"),
        ));
    }
    Ok(())
}

fn optional_field(field: &str, value: &Option<String>) -> Result<()> {
    match value {
        Some(v) if v.chars().count() > NAME_MAX * 5 => Err(Error::invalid(field, "too long")),
        _ => Ok(()),
    }
}

fn check_contact(c: &NewContact) -> Result<()> {
    text_field("name", &c.name, NAME_MAX)?;
    for (f, v) in [("email", &c.email), ("phone", &c.phone), ("upn", &c.upn)] {
        optional_field(f, v)?;
    }
    Ok(())
}

fn check_asset(a: &NewAsset) -> Result<()> {
    text_field("hostname", &a.hostname, NAME_MAX)?;
    text_field("kind", &a.kind, NAME_MAX)?;
    for (f, v) in [
        ("serial", &a.serial),
        ("assigned_upn", &a.assigned_upn),
        ("rmm_id", &a.rmm_id),
        ("rmm_url", &a.rmm_url),
    ] {
        optional_field(f, v)?;
    }
    Ok(())
}

/// A company's columns as read (the calendar still JSON text), mapped by name.
struct CompanyRow {
    id: i64,
    name: String,
    tier: Tier,
    calendar: String,
    active: bool,
}

const COMPANY_COLS: &str = "id, name, tier, calendar, active";

fn company_row(r: &Row) -> rusqlite::Result<CompanyRow> {
    Ok(CompanyRow {
        id: r.get("id")?,
        name: r.get("name")?,
        tier: r.get("tier")?,
        calendar: r.get("calendar")?,
        active: r.get("active")?,
    })
}

fn to_company(row: CompanyRow) -> Result<Company> {
    let calendar: Calendar = serde_json::from_str(&row.calendar)
        .map_err(|e| Error::invalid("calendar", e.to_string()))?;
    Ok(Company {
        id: row.id,
        name: row.name,
        tier: row.tier,
        calendar,
        active: row.active,
    })
}

fn contact_row(r: &Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        company_id: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        upn: r.get(5)?,
        authorized: r.get(6)?,
        terminated_on: r.get(7)?,
    })
}

fn asset_row(r: &Row) -> rusqlite::Result<Asset> {
    Ok(Asset {
        id: r.get(0)?,
        company_id: r.get(1)?,
        hostname: r.get(2)?,
        kind: r.get(3)?,
        serial: r.get(4)?,
        assigned_upn: r.get(5)?,
        rmm_id: r.get(6)?,
        rmm_url: r.get(7)?,
    })
}

const CONTACT_COLS: &str = "id, company_id, name, email, phone, upn, authorized, terminated_on";
const ASSET_COLS: &str = "id, company_id, hostname, kind, serial, assigned_upn, rmm_id, rmm_url";

/// Directory reads over any connection, so the rules can use them inside a write transaction.
pub(crate) struct Db<'a>(pub &'a Connection);

impl Lookup for Db<'_> {
    fn contact(&self, id: i64) -> Result<Contact> {
        found(
            self.0.query_row(
                &format!("SELECT {CONTACT_COLS} FROM contacts WHERE id = ?1"),
                [id],
                contact_row,
            ),
            "contact",
            id,
        )
    }

    fn company(&self, id: i64) -> Result<Company> {
        to_company(found(
            self.0.query_row(
                &format!("SELECT {COMPANY_COLS} FROM companies WHERE id = ?1"),
                [id],
                company_row,
            ),
            "company",
            id,
        )?)
    }

    fn asset(&self, id: i64) -> Result<Asset> {
        found(
            self.0.query_row(
                &format!("SELECT {ASSET_COLS} FROM assets WHERE id = ?1"),
                [id],
                asset_row,
            ),
            "asset",
            id,
        )
    }

    fn incident(&self, id: i64) -> Result<Incident> {
        found(
            self.0.query_row(
                "SELECT id, title, source, started_at, resolved_at FROM incidents WHERE id = ?1",
                [id],
                |r| {
                    Ok(Incident {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        source: r.get(2)?,
                        started_at: r.get(3)?,
                        resolved_at: r.get(4)?,
                    })
                },
            ),
            "incident",
            id,
        )
    }

    fn runbook_company(&self, id: i64) -> Result<Option<i64>> {
        found(
            self.0.query_row(
                "SELECT company_id FROM runbook_entries WHERE id = ?1",
                [id],
                |r| r.get("company_id"),
            ),
            "runbook entry",
            id,
        )
    }

    fn runbook_touch(&self, ticket_id: i64, runbook_id: i64) -> Result<RunbookTouch> {
        super::runbooks::runbook_touch(self.0, ticket_id, runbook_id)
    }

    fn time_entry_count(&self, ticket_id: i64) -> Result<i64> {
        Ok(self.0.query_row(
            "SELECT count(*) FROM time_entries WHERE ticket_id = ?1",
            [ticket_id],
            |r| r.get(0),
        )?)
    }

    fn sla_policies(&self) -> Result<Vec<SlaPolicy>> {
        let mut stmt = self.0.prepare_cached(
            "SELECT tier, priority, first_response_minutes, resolution_minutes FROM sla_policies",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SlaPolicy {
                tier: r.get(0)?,
                priority: r.get(1)?,
                first_response_minutes: r.get(2)?,
                resolution_minutes: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn priority_matrix(&self) -> Result<PriorityMatrix> {
        let stored: Option<String> = self
            .0
            .query_row(
                "SELECT value FROM settings WHERE key = 'priority_matrix'",
                [],
                |r| r.get(0),
            )
            .ok();
        match stored {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| Error::invalid("priority_matrix", e.to_string())),
            None => Ok(PriorityMatrix::default()),
        }
    }

    fn sla_terms(
        &self,
        t: &crate::ticket::Ticket,
        company: &Company,
        priority: crate::priority::Priority,
    ) -> Result<Option<crate::sla::SlaTerms>> {
        let mut pinned = super::sla_settings::Pinned::default();
        super::sla_settings::terms_of(self.0, &mut pinned, t, company, priority, || {
            self.sla_policies()
        })
    }
}

impl Store {
    pub fn lookup(&self) -> impl Lookup + '_ {
        Db(self.conn())
    }

    pub fn add_company(
        &mut self,
        c: &NewCompany,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Company> {
        let actor = super::check_actor(actor)?;
        text_field("name", &c.name, NAME_MAX)?;
        c.calendar.validate()?;
        let calendar = serde_json::to_string(&c.calendar)
            .map_err(|e| Error::invalid("calendar", e.to_string()))?;
        self.write(Durability::Normal, |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM companies WHERE name = ?1)",
                [&c.name],
                |r| r.get(0),
            )?;
            if exists {
                return Err(Error::invalid(
                    "name",
                    format!("a company named {:?} exists", c.name),
                ));
            }
            tx.execute(
                "INSERT INTO companies (name, tier, calendar) VALUES (?1, ?2, ?3)",
                params![c.name, c.tier, calendar],
            )?;
            let company = Company {
                id: tx.last_insert_rowid(),
                name: c.name.clone(),
                tier: c.tier,
                calendar: c.calendar.clone(),
                active: true,
            };
            audit_directory(tx, actor, now, "company_added", &company)?;
            Ok(company)
        })
    }

    pub fn add_contact(
        &mut self,
        c: &NewContact,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Contact> {
        let actor = super::check_actor(actor)?;
        check_contact(c)?;
        self.write(Durability::Normal, |tx| {
            Db(tx).company(c.company_id)?;
            tx.execute(
                "INSERT INTO contacts (company_id, name, email, phone, upn, authorized, terminated_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![c.company_id, c.name, c.email, c.phone, c.upn, c.authorized, c.terminated_on],
            )?;
            let contact = Db(tx).contact(tx.last_insert_rowid())?;
            audit_directory(tx, actor, now, "contact_added", &contact)?;
            Ok(contact)
        })
    }

    pub fn add_asset(&mut self, a: &NewAsset, actor: &str, now: DateTime<Utc>) -> Result<Asset> {
        let actor = super::check_actor(actor)?;
        check_asset(a)?;
        self.write(Durability::Normal, |tx| {
            Db(tx).company(a.company_id)?;
            tx.execute(
                "INSERT INTO assets (company_id, hostname, kind, serial, assigned_upn, rmm_id, rmm_url)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![a.company_id, a.hostname, a.kind, a.serial, a.assigned_upn, a.rmm_id, a.rmm_url],
            )?;
            let asset = Db(tx).asset(tx.last_insert_rowid())?;
            audit_directory(tx, actor, now, "asset_added", &asset)?;
            Ok(asset)
        })
    }

    pub fn add_incident(
        &mut self,
        title: &str,
        source: &str,
        started_at: DateTime<Utc>,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Incident> {
        let actor = super::check_actor(actor)?;
        text_field("title", title, NAME_MAX)?;
        text_field("source", source, NAME_MAX)?;
        self.write(Durability::Normal, |tx| {
            tx.execute(
                "INSERT INTO incidents (title, source, started_at) VALUES (?1, ?2, ?3)",
                params![title, source, timestamp(started_at)],
            )?;
            let i = Db(tx).incident(tx.last_insert_rowid())?;
            audit_directory(tx, actor, now, "incident_added", &i)?;
            Ok(i)
        })
    }

    /// Type-ahead over contacts by name, email or phone: every character of `query` is taken
    /// literally (`jo_smith` finds `jo_smith@…` and not `joXsmith`, `%` finds a `%`).
    pub fn search_contacts(&self, query: &str, limit: u32) -> Result<Vec<Contact>> {
        let pattern = contains_pattern(query);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {CONTACT_COLS} FROM contacts
             WHERE name LIKE ?1 ESCAPE '\\' OR email LIKE ?1 ESCAPE '\\' OR phone LIKE ?1 ESCAPE '\\'
             ORDER BY name LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![pattern, limit.min(100)], contact_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn companies(&self) -> Result<Vec<Company>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COMPANY_COLS} FROM companies ORDER BY name"
        ))?;
        let rows = stmt
            .query_map([], company_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(to_company).collect()
    }

    pub fn assets_of(&self, company_id: i64) -> Result<Vec<Asset>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ASSET_COLS} FROM assets WHERE company_id = ?1 ORDER BY hostname"
        ))?;
        let rows = stmt.query_map([company_id], asset_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn set_priority_matrix(
        &mut self,
        m: &PriorityMatrix,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let actor = super::check_actor(actor)?;
        let json = serde_json::to_string(m)
            .map_err(|e| Error::invalid("priority_matrix", e.to_string()))?;
        self.write(Durability::Normal, |tx| {
            let before = Db(tx).priority_matrix()?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('priority_matrix', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [&json],
            )?;
            crate::audit::append(
                tx,
                None,
                actor,
                now,
                &crate::workflow::Change::new(
                    "priority_matrix_changed",
                    serde_json::to_value(before).unwrap_or_default(),
                    serde_json::to_value(m).unwrap_or_default(),
                ),
            )?;
            Ok(())
        })
    }
}

impl Store {
    pub fn update_company(
        &mut self,
        id: i64,
        c: &NewCompany,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Company> {
        let actor = super::check_actor(actor)?;
        text_field("name", &c.name, NAME_MAX)?;
        c.calendar.validate()?;
        let calendar = serde_json::to_string(&c.calendar)
            .map_err(|e| Error::invalid("calendar", e.to_string()))?;
        self.write(Durability::Normal, |tx| {
            let before = Db(tx).company(id)?;
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM companies WHERE name = ?1 AND id <> ?2)",
                params![c.name, id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(Error::invalid(
                    "name",
                    format!("a company named {:?} exists", c.name),
                ));
            }
            tx.execute(
                "UPDATE companies SET name = ?2, tier = ?3, calendar = ?4 WHERE id = ?1",
                params![id, c.name, c.tier, calendar],
            )?;
            let after = Db(tx).company(id)?;
            audit_change(tx, actor, now, "company_changed", &before, &after)?;
            Ok(after)
        })
    }

    /// Marks a client inactive (its callers are then refused at intake unless overridden) or
    /// active again. Audited as `company_active_changed` with the company before and after;
    /// setting the flag it already has changes nothing and records nothing.
    pub fn set_company_active(
        &mut self,
        id: i64,
        active: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Company> {
        let actor = super::check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let before = Db(tx).company(id)?;
            if before.active == active {
                return Ok(before);
            }
            tx.execute(
                "UPDATE companies SET active = ?2 WHERE id = ?1",
                params![id, active],
            )?;
            let after = Db(tx).company(id)?;
            audit_change(tx, actor, now, "company_active_changed", &before, &after)?;
            Ok(after)
        })
    }

    pub fn update_contact(
        &mut self,
        id: i64,
        c: &NewContact,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Contact> {
        let actor = super::check_actor(actor)?;
        check_contact(c)?;
        self.write(Durability::Normal, |tx| {
            let before = Db(tx).contact(id)?;
            Db(tx).company(c.company_id)?;
            tx.execute(
                "UPDATE contacts SET company_id = ?2, name = ?3, email = ?4, phone = ?5, upn = ?6,
                    authorized = ?7, terminated_on = ?8 WHERE id = ?1",
                params![
                    id,
                    c.company_id,
                    c.name,
                    c.email,
                    c.phone,
                    c.upn,
                    c.authorized,
                    c.terminated_on
                ],
            )?;
            let after = Db(tx).contact(id)?;
            audit_change(tx, actor, now, "contact_changed", &before, &after)?;
            Ok(after)
        })
    }

    pub fn update_asset(
        &mut self,
        id: i64,
        a: &NewAsset,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Asset> {
        let actor = super::check_actor(actor)?;
        check_asset(a)?;
        self.write(Durability::Normal, |tx| {
            let before = Db(tx).asset(id)?;
            Db(tx).company(a.company_id)?;
            tx.execute(
                "UPDATE assets SET company_id = ?2, hostname = ?3, kind = ?4, serial = ?5, assigned_upn = ?6,
                    rmm_id = ?7, rmm_url = ?8 WHERE id = ?1",
                params![id, a.company_id, a.hostname, a.kind, a.serial, a.assigned_upn, a.rmm_id, a.rmm_url],
            )?;
            let after = Db(tx).asset(id)?;
            audit_change(tx, actor, now, "asset_changed", &before, &after)?;
            Ok(after)
        })
    }

    pub fn contacts_of(&self, company_id: i64) -> Result<Vec<Contact>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {CONTACT_COLS} FROM contacts WHERE company_id = ?1 ORDER BY name"
        ))?;
        let rows = stmt.query_map([company_id], contact_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Type-ahead over one client's assets by hostname or assigned UPN, `query` taken literally
    /// as in [`Store::search_contacts`].
    pub fn search_assets(&self, company_id: i64, query: &str, limit: u32) -> Result<Vec<Asset>> {
        let pattern = contains_pattern(query);
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {ASSET_COLS} FROM assets
             WHERE company_id = ?1 AND (hostname LIKE ?2 ESCAPE '\\' OR assigned_upn LIKE ?2 ESCAPE '\\')
             ORDER BY hostname LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![company_id, pattern, limit.min(100)], asset_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Incidents still active, newest first: the ones a new ticket may belong to.
    pub fn active_incidents(&self) -> Result<Vec<Incident>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id FROM incidents WHERE resolved_at IS NULL ORDER BY started_at DESC LIMIT 100",
        )?;
        let ids: Vec<i64> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter()
            .map(|id| Db(self.conn()).incident(id))
            .collect()
    }
}

fn audit_change<T: serde::Serialize>(
    tx: &Connection,
    actor: &str,
    now: DateTime<Utc>,
    action: &str,
    before: &T,
    after: &T,
) -> Result<()> {
    let to_json =
        |v: &T| serde_json::to_value(v).map_err(|e| Error::invalid("record", e.to_string()));
    crate::audit::append(
        tx,
        None,
        actor,
        now,
        &crate::workflow::Change::new(action, to_json(before)?, to_json(after)?),
    )?;
    Ok(())
}

fn audit_directory<T: serde::Serialize>(
    tx: &Connection,
    actor: &str,
    now: DateTime<Utc>,
    action: &str,
    record: &T,
) -> Result<()> {
    let after =
        serde_json::to_value(record).map_err(|e| Error::invalid("record", e.to_string()))?;
    crate::audit::append(
        tx,
        None,
        actor,
        now,
        &crate::workflow::Change::new(action, serde_json::Value::Null, after),
    )?;
    Ok(())
}

/// The `LIKE … ESCAPE '\'` pattern that finds the trimmed `query` anywhere in a value, each of its
/// characters literally: `\`, `%` and `_` get a `\` before them, so they match only themselves.
pub(super) fn contains_pattern(query: &str) -> String {
    let query = query.trim();
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
