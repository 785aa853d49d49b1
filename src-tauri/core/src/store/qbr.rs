//! Loading a QBR's data: a fixed handful of queries whatever the number of tickets, then the
//! figures are computed by `crate::qbr::compute` from what was loaded.
//!
//! Closed tickets are read from their sealed records (checked against the stored hash), never
//! from their live rows; the live rows only choose which records may fall in the period. Open
//! tickets are read from their live rows.

use super::Store;
use crate::audit::timestamp;
use crate::canonical::sha256_hex;
use crate::directory::{Asset, Company};
use crate::error::{Error, Result};
use crate::qbr::{self, LiveTicket, Qbr, QbrInput, SealedFigures, SealedTicket, MAX_PERIOD_DAYS};
use crate::template::{builtin, Template};
use crate::ticket::{StepRecord, Ticket, Values};
use crate::workflow::Lookup;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// UTC bounds wide enough for the period's days in any time zone (UTC-12 to UTC+14): the
/// figures then pick by each ticket's own client's zone.
fn bounds(from: NaiveDate, to: NaiveDate) -> (String, String) {
    let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    // Checked: a date at the edge of what chrono holds must not panic.
    (
        timestamp(
            day(from)
                .checked_sub_signed(Duration::days(1))
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        ),
        timestamp(
            day(to)
                .checked_add_signed(Duration::days(2))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        ),
    )
}

/// UTC bounds inside which an instant falls on a day of the period in every time zone (an
/// instant at noon UTC on the first day is that day even at UTC-12; one before 10:00 UTC on the
/// last day is still that day at UTC+14); none when no instant does (a period of one day).
fn sure_bounds(from: NaiveDate, to: NaiveDate) -> Option<(String, String)> {
    let lo = from.and_hms_opt(12, 0, 0)?.and_utc();
    let hi = to.and_hms_opt(10, 0, 0)?.and_utc();
    (lo < hi).then(|| (timestamp(lo), timestamp(hi)))
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if from > to {
        return Err(Error::invalid(
            "period",
            format!("the period starts on {from}, after its last day {to}: swap the dates"),
        ));
    }
    if (to - from).num_days() >= MAX_PERIOD_DAYS {
        return Err(Error::invalid(
            "period",
            format!("a QBR covers at most {MAX_PERIOD_DAYS} days: choose a shorter period"),
        ));
    }
    Ok(())
}

/// The tickets of the client (`?1`, when one is chosen) with `status_test`, touching the bounds
/// `?2`..`?3` by `times`, or by a time entry started inside them.
fn candidates(client: bool, status_test: &str, times: &[&str]) -> String {
    let company = if client { "AND t.company_id = ?1" } else { "" };
    let times: Vec<String> = times
        .iter()
        .map(|c| format!("(t.{c} >= ?2 AND t.{c} < ?3)"))
        .collect();
    // EXISTS probes the ticket's own entries (indexed by ticket): the client's tickets are a few
    // thousand at most, where `IN (SELECT … FROM time_entries)` scanned every entry of the desk.
    format!(
        "SELECT t.id AS id FROM tickets t WHERE {status_test} {company}
            AND ({} OR EXISTS (SELECT 1 FROM time_entries e WHERE e.ticket_id = t.id
                               AND e.started_at >= ?2 AND e.started_at < ?3))",
        times.join(" OR ")
    )
}

/// The clients with a ticket that [`candidates`] finds in the bounds `lo`..`hi`, closed or not.
fn candidate_clients(conn: &Connection, lo: &str, hi: &str) -> Result<BTreeSet<i64>> {
    let sql = format!(
        "WITH cand AS ({} UNION {}) SELECT DISTINCT t.company_id AS company_id
         FROM cand JOIN tickets t ON t.id = cand.id WHERE t.company_id IS NOT NULL",
        candidates(false, SEALED, SEALED_TIMES),
        candidates(false, LIVE, LIVE_TIMES)
    );
    let mut stmt = conn.prepare(&sql)?;
    let ids = stmt.query_map(params![0, lo, hi], |r| r.get::<_, i64>("company_id"))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Closed tickets are read from their sealed records, which may fall in the period by their
/// closing or their opening; open tickets by their opening. Either, by a time entry.
const SEALED: &str = "t.status = 'closed'";
const SEALED_TIMES: &[&str] = &["closed_at", "opened_at"];
const LIVE: &str = "t.status <> 'closed'";
const LIVE_TIMES: &[&str] = &["opened_at"];

fn sealed(conn: &Connection, client: Option<i64>, lo: &str, hi: &str) -> Result<Vec<SealedTicket>> {
    let sql = format!(
        "WITH cand AS ({}) SELECT t.number AS number, t.record_hash AS record_hash, c.record AS record
         FROM cand JOIN tickets t ON t.id = cand.id
         LEFT JOIN closure_records c ON c.ticket_id = cand.id ORDER BY t.id",
        candidates(client.is_some(), SEALED, SEALED_TIMES)
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![client.unwrap_or(0), lo, hi], |r| {
        Ok((
            r.get::<_, String>("number")?,
            r.get::<_, Option<String>>("record_hash")?,
            r.get::<_, Option<String>>("record")?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (number, stored_hash, text) = row?;
        let text = text.ok_or_else(|| Error::not_found("closure record", &number))?;
        let stored_hash = stored_hash.unwrap_or_default();
        let computed = sha256_hex(text.as_bytes());
        let record: Option<SealedFigures> = serde_json::from_str(&text).ok();
        match record {
            Some(record) if computed == stored_hash => out.push(SealedTicket {
                hash: computed,
                record,
            }),
            _ => {
                return Err(Error::RecordMismatch {
                    ticket: number,
                    stored: stored_hash,
                    computed,
                })
            }
        }
    }
    Ok(out)
}

fn live_row(r: &Row) -> rusqlite::Result<Ticket> {
    let mut t = Ticket::new(
        r.get("id")?,
        r.get("number")?,
        &r.get::<_, String>("template_key")?,
        r.get("template_version")?,
        r.get("created_at")?,
    );
    t.status = r.get("status")?;
    t.company_id = r.get("company_id")?;
    t.priority = r.get("priority")?;
    t.assignee = r.get("assignee")?;
    t.escalated = r.get("escalated")?;
    t.verification_failed = r.get("verification_failed")?;
    t.opened_at = r.get("opened_at")?;
    t.first_response_at = r.get("first_response_at")?;
    t.resolved_at = r.get("resolved_at")?;
    Ok(t)
}

fn asset_row(r: &Row) -> rusqlite::Result<Asset> {
    Ok(Asset {
        id: r.get("id")?,
        company_id: r.get("company_id")?,
        hostname: r.get("hostname")?,
        kind: r.get("kind")?,
        serial: r.get("serial")?,
        assigned_upn: r.get("assigned_upn")?,
        rmm_id: r.get("rmm_id")?,
        rmm_url: r.get("rmm_url")?,
    })
}

/// The steps of each template version the open tickets pin: every number's key (for the figures)
/// and the numbers of the steps the figures read ([`qbr::LIVE_STEPS`]), which differ per version.
struct VersionSteps {
    keys: Arc<HashMap<u8, String>>,
    read: BTreeSet<u8>,
}

fn version_steps(tmpl: &Template) -> VersionSteps {
    VersionSteps {
        keys: Arc::new(tmpl.steps().map(|s| (s.number, s.key.clone())).collect()),
        read: qbr::LIVE_STEPS
            .iter()
            .filter_map(|k| tmpl.number_of(k))
            .collect(),
    }
}

/// Open tickets with their pauses, assets, time entries and the step records the figures read.
/// `template` gives a stored template version (the store's cache: a handful per desk).
fn live(
    conn: &Connection,
    client: Option<i64>,
    lo: &str,
    hi: &str,
    template: &dyn Fn(&str, u32) -> Result<Template>,
) -> Result<Vec<LiveTicket>> {
    let cand = candidates(client.is_some(), LIVE, LIVE_TIMES);
    let args = params![client.unwrap_or(0), lo, hi];
    let mut stmt = conn.prepare(&format!(
        "WITH cand AS ({cand}) SELECT t.id, t.number, t.template_key, t.template_version, t.status,
            t.company_id, t.priority, t.assignee, t.escalated, t.verification_failed,
            t.created_at, t.opened_at, t.first_response_at, t.resolved_at
         FROM cand JOIN tickets t ON t.id = cand.id ORDER BY t.id"
    ))?;
    let mut tickets: Vec<LiveTicket> = stmt
        .query_map(args, live_row)?
        .map(|t| {
            t.map(|ticket| LiveTicket {
                ticket,
                step_keys: Arc::default(),
                assets: Vec::new(),
                entries: Vec::new(),
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    // Each template version's steps, resolved once per version, not per ticket.
    let mut versions: HashMap<(String, u32), VersionSteps> = HashMap::new();
    for l in &mut tickets {
        let t = &l.ticket;
        let v = match versions.entry((t.template_key.clone(), t.template_version)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let steps = version_steps(&template(&e.key().0, e.key().1)?);
                e.insert(steps)
            }
        };
        l.step_keys = Arc::clone(&v.keys);
    }
    // Every number any version reads, bound as one JSON parameter; each record is then kept
    // only if its own ticket's version reads that number.
    let numbers: BTreeSet<u8> = versions
        .values()
        .flat_map(|v| v.read.iter().copied())
        .collect();
    let numbers =
        serde_json::to_string(&numbers).map_err(|e| Error::invalid("steps", e.to_string()))?;
    let reads: Vec<Option<&BTreeSet<u8>>> = tickets
        .iter()
        .map(|l| {
            versions
                .get(&(l.ticket.template_key.clone(), l.ticket.template_version))
                .map(|v| &v.read)
        })
        .collect();
    // The children of just these tickets, each table read once through its ticket index.
    let ids = serde_json::to_string(&tickets.iter().map(|l| l.ticket.id).collect::<Vec<_>>())
        .map_err(|e| Error::invalid("tickets", e.to_string()))?;
    let at: HashMap<i64, usize> = tickets
        .iter()
        .enumerate()
        .map(|(i, l)| (l.ticket.id, i))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT p.ticket_id AS ticket_id, p.paused_at AS paused_at,
            p.resumed_at AS resumed_at
         FROM ticket_pauses p JOIN json_each(?1) j ON j.value = p.ticket_id ORDER BY p.ticket_id, p.seq",
    )?;
    let pauses = stmt.query_map([&ids], |r| {
        Ok((
            r.get::<_, i64>("ticket_id")?,
            crate::sla::Pause {
                from: r.get("paused_at")?,
                to: r.get("resumed_at")?,
            },
        ))
    })?;
    for p in pauses {
        let (id, pause) = p?;
        if let Some(i) = at.get(&id) {
            tickets[*i].ticket.pauses.push(pause);
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT s.id AS id, s.ticket_id AS ticket_id, s.step AS step,
            s.completed_by AS completed_by, s.completed_at AS completed_at, s.vals AS vals,
            s.superseded AS superseded
         FROM step_records s JOIN json_each(?1) j ON j.value = s.ticket_id
         WHERE s.step IN (SELECT value FROM json_each(?2)) ORDER BY s.id",
    )?;
    let steps = stmt.query_map([&ids, &numbers], |r| {
        Ok((
            r.get::<_, i64>("ticket_id")?,
            r.get::<_, String>("vals")?,
            StepRecord {
                id: Some(r.get("id")?),
                step: r.get("step")?,
                completed_by: r.get("completed_by")?,
                completed_at: r.get("completed_at")?,
                values: Values::new(),
                superseded: r.get("superseded")?,
            },
        ))
    })?;
    for s in steps {
        let (id, vals, mut record) = s?;
        let Some(&i) = at.get(&id) else { continue };
        if !reads[i].is_some_and(|r| r.contains(&record.step)) {
            continue;
        }
        record.values = serde_json::from_str(&vals)
            .map_err(|e| Error::invalid("step values", e.to_string()))?;
        tickets[i].ticket.steps.push(record);
    }

    let mut stmt = conn.prepare_cached(
        "SELECT l.ticket_id AS ticket_id, a.id AS id, a.company_id AS company_id,
            a.hostname AS hostname, a.kind AS kind, a.serial AS serial,
            a.assigned_upn AS assigned_upn, a.rmm_id AS rmm_id, a.rmm_url AS rmm_url
         FROM ticket_assets l JOIN json_each(?1) j ON j.value = l.ticket_id JOIN assets a ON a.id = l.asset_id
         ORDER BY l.ticket_id, a.id",
    )?;
    let assets = stmt.query_map([&ids], |r| {
        Ok((r.get::<_, i64>("ticket_id")?, asset_row(r)?))
    })?;
    for a in assets {
        let (id, asset) = a?;
        if let Some(i) = at.get(&id) {
            tickets[*i].assets.push(asset);
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT e.id AS id, e.ticket_id AS ticket_id, e.technician AS technician,
            e.started_at AS started_at, e.minutes AS minutes, e.billable AS billable,
            e.work_type AS work_type, e.note AS note
         FROM time_entries e JOIN json_each(?1) j ON j.value = e.ticket_id ORDER BY e.started_at, e.id",
    )?;
    let entries = stmt.query_map([&ids], |r| {
        Ok(crate::store::TimeEntry {
            id: r.get("id")?,
            ticket_id: r.get("ticket_id")?,
            technician: r.get("technician")?,
            started_at: r.get("started_at")?,
            minutes: r.get("minutes")?,
            billable: r.get("billable")?,
            work_type: r.get("work_type")?,
            note: r.get("note")?,
        })
    })?;
    for e in entries {
        let e = e?;
        if let Some(i) = at.get(&e.ticket_id) {
            tickets[*i].entries.push(e);
        }
    }
    Ok(tickets)
}

/// Titles of the runbook entries the closed tickets linked while searching the runbooks and
/// updating them (the steps by key, as the sealed records name them).
fn runbook_titles(conn: &Connection, closed: &[SealedTicket]) -> Result<HashMap<i64, String>> {
    let ids: BTreeSet<i64> = closed
        .iter()
        .flat_map(|s| s.record.steps.iter())
        .filter(|p| {
            !p.superseded && (p.key == builtin::RUNBOOK_SEARCH || p.key == builtin::RUNBOOK_UPDATE)
        })
        .flat_map(|p| crate::workflow::values::ids(&p.values, "runbooks"))
        .collect();
    let mut stmt = conn.prepare_cached("SELECT title FROM runbook_entries WHERE id = ?1")?;
    let mut titles = HashMap::new();
    // One lookup per distinct entry linked: a few dozen at most, each by primary key.
    for id in ids {
        if let Some(title) = stmt
            .query_row([id], |r| r.get::<_, String>("title"))
            .optional()?
        {
            titles.insert(id, title);
        }
    }
    Ok(titles)
}

impl Store {
    /// Everything one client's (or, with `company` none, every client's) QBR is computed from,
    /// over the days `from` to `to` (included) of the client's own calendar.
    pub fn qbr_input(
        &self,
        company: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<QbrInput> {
        check_period(from, to)?;
        let companies = self.companies()?;
        let client = match company {
            Some(id) => Some(
                companies
                    .iter()
                    .find(|c| c.id == id)
                    .cloned()
                    .ok_or_else(|| Error::not_found("company", id))?,
            ),
            None => None,
        };
        let (lo, hi) = bounds(from, to);
        let conn = self.conn();
        let closed = sealed(conn, company, &lo, &hi)?;
        let open = live(conn, company, &lo, &hi, &|key, version| {
            self.template(key, version)
        })?;
        let endpoints: i64 = match company {
            Some(id) => conn.query_row(
                "SELECT count(*) AS n FROM assets WHERE company_id = ?1",
                [id],
                |r| r.get("n"),
            )?,
            None => conn.query_row("SELECT count(*) AS n FROM assets", [], |r| r.get("n"))?,
        };
        let pinned = super::sla_settings::pinned_terms_of(conn, &open, &companies)?;
        Ok(QbrInput {
            client,
            from,
            to,
            now,
            desk_zone: self.desk_time_zone()?,
            companies,
            policies: super::lookup_over(conn).sla_policies()?,
            pinned,
            runbook_titles: runbook_titles(conn, &closed)?,
            closed,
            open,
            endpoints: u32::try_from(endpoints).unwrap_or(u32::MAX),
        })
    }

    /// The clients with a ticket behind the figures of `from` to `to` (opened or closed in the
    /// period, or with time logged in it, each in its own calendar), by name: the clients a
    /// batch makes a pack for.
    ///
    /// Cheap: the rule itself is [`qbr::compute`]'s list of tickets, which needs every ticket's
    /// record. Instead the tickets' UTC times choose: a client with a ticket well inside the
    /// period (inside it in every time zone) is in, one without any ticket near it is out, and
    /// only a client whose tickets all sit at the period's edges has its figures computed to
    /// decide, by the rule. A client whose figures cannot be computed is kept, so that the
    /// batch reports why its pack failed rather than leaving it out unsaid.
    pub fn qbr_clients(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<Company>> {
        check_period(from, to)?;
        let conn = self.conn();
        let (lo, hi) = bounds(from, to);
        let near = candidate_clients(conn, &lo, &hi)?;
        let inside = match sure_bounds(from, to) {
            Some((lo, hi)) => candidate_clients(conn, &lo, &hi)?,
            None => BTreeSet::new(),
        };
        let mut clients = Vec::new();
        for c in self.companies()? {
            if !near.contains(&c.id) {
                continue;
            }
            let behind = inside.contains(&c.id)
                || self
                    .qbr(Some(c.id), from, to, now)
                    .map_or(true, |q| !q.tickets.is_empty());
            if behind {
                clients.push(c);
            }
        }
        clients.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(clients)
    }

    /// The QBR figures of one client (or every client) over the days `from` to `to` (included)
    /// of the client's own calendar; open tickets' clocks are read at `now`.
    pub fn qbr(
        &self,
        company: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Qbr> {
        Ok(qbr::compute(&self.qbr_input(company, from, to, now)?))
    }
}
