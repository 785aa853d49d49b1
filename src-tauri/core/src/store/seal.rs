//! The seal of a closed ticket, as the database enforces and the audit chain attests it.
//!
//! - Every table that holds a ticket's data is listed once, in [`SEALED_TABLES`]; the triggers
//!   that refuse INSERT, UPDATE and DELETE for a closed ticket are generated from that list
//!   ([`trigger_sql`]) and a test compares them with the schema, so a table added without its
//!   seal fails the build's tests rather than a client's trust.
//! - The sealing transaction appends a `ticket_sealed` event carrying the closure record's hash,
//!   so rewriting a sealed ticket consistently needs a rewrite of the chain as well.
//! - [`Store::verify_sealed_rows`] rebuilds every sealed record from the live rows and names
//!   each difference: the triggers can be dropped by whoever holds the file, the record cannot
//!   be made to match rows it was not built from.

use super::Store;
use crate::audit::{self, ChainSeals, SEALED_ACTION};
use crate::canonical::{canonical_json, sha256_hex};
use crate::error::{Error, Result};
use crate::record::{self, ClosureRecord};
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

/// A table holding part of a ticket, and the column naming the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedTable {
    pub name: &'static str,
    /// `id` for `tickets` itself (the row carries its own status), else `ticket_id`.
    pub ticket_column: &'static str,
}

const fn child(name: &'static str) -> SealedTable {
    SealedTable {
        name,
        ticket_column: "ticket_id",
    }
}

/// Every table that holds a ticket's data: a closed ticket's rows in them are never inserted,
/// changed or deleted. A new table with a `ticket_id` column belongs here (or, with its reason,
/// in [`NOT_SEALED`]); the schema test fails until it is.
pub const SEALED_TABLES: &[SealedTable] = &[
    SealedTable {
        name: "tickets",
        ticket_column: "id",
    },
    child("closure_records"),
    child("step_records"),
    child("time_entries"),
    child("ticket_assets"),
    child("ticket_pauses"),
    child("csat_responses"),
    child("drafts"),
    child("ticket_runbooks"),
    // 0015: the SLA terms a ticket pinned when its clock started.
    child("ticket_sla"),
];

/// Tables with a `ticket_id` column that are deliberately not sealed, and why.
pub const NOT_SEALED: &[(&str, &str)] = &[
    (
        "audit_events",
        "append-only for every ticket (its own triggers): a closed ticket still gains events, \
         e.g. its seal and report exports",
    ),
    (
        "mail_outbox",
        "mail about a ticket, not its data: the signed report is queued once the ticket is \
         closed, and every message's state changes as it is sent",
    ),
    (
        "handovers",
        "the desk's hand-over lock, not ticket data: a hand-over may end (by the technician's PIN) \
         after its ticket was closed, and its start and end are audit events",
    ),
    (
        "signing_nonces",
        "one-time signing sessions, not ticket data: the close uses up its own nonce in the \
         transaction that seals the ticket, and a closed ticket is issued none",
    ),
    (
        "signature_strokes",
        "the desk's register of stored ink, not ticket data: a closed ticket's strokes must stay \
         in it so that they are refused if submitted again",
    ),
];

/// What the seal triggers raise: the message the core maps back to TICKET_CLOSED.
const REFUSAL: &str = "SELECT RAISE(ABORT, 'TICKET_CLOSED');";

fn closed(table: &SealedTable, row: &str) -> String {
    if table.name == "tickets" {
        format!("{row}.status = 'closed'")
    } else {
        format!(
            "EXISTS (SELECT 1 FROM tickets WHERE id = {row}.{} AND status = 'closed')",
            table.ticket_column
        )
    }
}

/// The seal triggers of one table, as (name, CREATE TRIGGER statement without the semicolon):
/// the exact text SQLite keeps in `sqlite_master`.
pub fn triggers_for(table: &SealedTable) -> Vec<(String, String)> {
    let t = table.name;
    let update = if t == "tickets" {
        // Closing is itself an UPDATE of an open row: only an already closed row is refused.
        closed(table, "old")
    } else {
        // Nor may a row be moved into (or out of) a closed ticket.
        format!("{} OR {}", closed(table, "old"), closed(table, "new"))
    };
    [
        ("insert", "INSERT", closed(table, "new")),
        ("update", "UPDATE", update),
        ("delete", "DELETE", closed(table, "old")),
    ]
    .into_iter()
    .map(|(suffix, event, when)| {
        let name = format!("{t}_sealed_{suffix}");
        let sql = format!(
            "CREATE TRIGGER {name} BEFORE {event} ON {t}\n    WHEN {when} BEGIN\n    {REFUSAL}\nEND"
        );
        (name, sql)
    })
    .collect()
}

/// Every seal trigger, as migration SQL (0009 holds this text; a test keeps them equal).
pub fn trigger_sql() -> String {
    SEALED_TABLES
        .iter()
        .flat_map(triggers_for)
        .map(|(_, sql)| format!("{sql};\n"))
        .collect()
}

/// Stores a closing ticket's sealed record, its canonical JSON (inside the closing transaction).
pub(crate) fn insert_closure_record(conn: &Connection, ticket_id: i64, json: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO closure_records (ticket_id, record) VALUES (:ticket_id, :record)",
        rusqlite::named_params! { ":ticket_id": ticket_id, ":record": json },
    )?;
    Ok(())
}

/// A closed ticket's sealed record as stored (None: it has none).
pub(crate) fn closure_record_json(conn: &Connection, ticket_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT record FROM closure_records WHERE ticket_id = :ticket_id",
            rusqlite::named_params! { ":ticket_id": ticket_id },
            |r| r.get("record"),
        )
        .optional()?)
}

/// Appends the `ticket_sealed` event; call in the sealing transaction, after the record is stored.
pub(crate) fn append_sealed(
    conn: &Connection,
    ticket_id: i64,
    number: &str,
    record_hash: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::append(
        conn,
        Some(ticket_id),
        actor,
        now,
        &Change::new(
            SEALED_ACTION,
            json!(null),
            json!({"number": number, "record_hash": record_hash}),
        ),
    )?;
    Ok(())
}

/// Who writes the events of migration 0009.
pub const MIGRATION_ACTOR: &str = "ticketflow (migration 0009)";

/// Migration 0009: desks whose tickets were sealed before `ticket_sealed` events existed get one
/// per closed ticket now, saying so, with the record hash stored at that moment: from here on
/// their history verifies like a new desk's (what happened before is as good as the chain was).
pub(crate) fn backfill_sealed_events(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    let closed: Vec<(i64, String, Option<String>)> = conn
        .prepare(
            "SELECT t.id, t.number, t.record_hash FROM tickets t
             WHERE t.status = 'closed' AND NOT EXISTS (SELECT 1 FROM audit_events e
                 WHERE e.ticket_id = t.id AND e.action = ?1)
             ORDER BY t.id",
        )?
        .query_map([SEALED_ACTION], |r| {
            Ok((r.get("id")?, r.get("number")?, r.get("record_hash")?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, number, hash) in &closed {
        audit::append(
            conn,
            Some(*id),
            MIGRATION_ACTOR,
            now,
            &Change::new(
                SEALED_ACTION,
                json!(null),
                json!({
                    "number": number,
                    "record_hash": hash,
                    "recorded_at_migration": true,
                    "note": "sealed before seals entered the audit chain; this event records the \
                             hash stored when the desk was upgraded",
                }),
            ),
        )?;
    }
    Ok(closed.len())
}

/// Checks every closed ticket against its `ticket_sealed` event in the verified chain: the stored
/// record hashes to the ticket's record hash, which is the hash the event carries. The error
/// names the ticket and, as its event id, the `ticket_sealed` event (or the ticket's last event
/// when it has none).
pub(crate) fn verify_seal_events(conn: &Connection, chain: &ChainSeals) -> Result<u64> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.number, t.status, t.record_hash, c.record
         FROM tickets t LEFT JOIN closure_records c ON c.ticket_id = t.id
         WHERE t.status = 'closed' OR t.id IN (SELECT value FROM json_each(?1)) ORDER BY t.id",
    )?;
    let sealed_ids = serde_json::to_string(&chain.seals.keys().collect::<Vec<_>>())
        .map_err(|e| Error::invalid("seals", e.to_string()))?;
    let mut rows = stmt.query([sealed_ids])?;
    let mut checked = 0u64;
    let mut seen = std::collections::HashSet::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("id")?;
        let number: String = r.get("number")?;
        let status: String = r.get("status")?;
        let stored: Option<String> = r.get("record_hash")?;
        let record: Option<String> = r.get("record")?;
        seen.insert(id);
        let broken = |event_id: i64, reason: String| {
            Err(Error::AuditBroken {
                event_id,
                reason: format!("ticket {number}: {reason}"),
            })
        };
        let seals = chain.seals.get(&id).map(Vec::as_slice).unwrap_or_default();
        let Some((event_id, sealed)) = seals.first() else {
            return broken(
                chain.last_event.get(&id).copied().unwrap_or(0),
                "it is closed, but no ticket_sealed event seals it".into(),
            );
        };
        let event_id = *event_id;
        if status != "closed" {
            return broken(event_id, "it was sealed but is no longer closed".into());
        }
        if seals.len() != 1 {
            return broken(event_id, format!("it was sealed {} times", seals.len()));
        }
        let Some(record) = record else {
            return broken(event_id, "its closure record is missing".into());
        };
        let computed = sha256_hex(record.as_bytes());
        if sealed.as_deref() != Some(computed.as_str()) {
            return broken(
                event_id,
                format!(
                    "its closure record hashes to {computed}, but the ticket_sealed event \
                     sealed {}",
                    sealed.as_deref().unwrap_or("no hash")
                ),
            );
        }
        if stored.as_deref() != Some(computed.as_str()) {
            return broken(
                event_id,
                format!(
                    "its record hash {} is not the sealed {computed}",
                    stored.as_deref().unwrap_or("(none)")
                ),
            );
        }
        checked += 1;
    }
    // A seal of a ticket that no longer exists.
    if let Some((ticket, seals)) = chain
        .seals
        .iter()
        .filter(|(t, _)| !seen.contains(t))
        .min_by_key(|(_, s)| s.first().map(|e| e.0))
    {
        return Err(Error::AuditBroken {
            event_id: seals.first().map(|e| e.0).unwrap_or(0),
            reason: format!("ticket #{ticket} was sealed but is gone"),
        });
    }
    Ok(checked)
}

/// One difference between a sealed record and the record its live rows give now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealDifference {
    pub ticket: String,
    /// Where in the record, e.g. `resolution.closure_notes` or `steps[20].values.closure_notes`.
    pub field: String,
    pub sealed: String,
    pub live: String,
}

/// What a deep check found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeepReport {
    pub tickets: u64,
    pub differences: Vec<SealDifference>,
}

/// Values are shown shortened: the report names where, the record holds the rest.
fn shown(v: Option<&Value>) -> String {
    let text = match v {
        None => "(absent)".to_string(),
        Some(v) => v.to_string(),
    };
    if text.chars().count() > 120 {
        format!("{}…", text.chars().take(119).collect::<String>())
    } else {
        text
    }
}

/// Every leaf where two JSON values differ, as (path, sealed, live).
fn diff(
    path: &str,
    sealed: Option<&Value>,
    live: Option<&Value>,
    out: &mut Vec<(String, String, String)>,
) {
    match (sealed, live) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff(&p, a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                diff(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a != b => out.push((path.to_string(), shown(a), shown(b))),
        _ => {}
    }
}

/// The differences of one closed ticket between its sealed record and its live rows.
fn ticket_differences(
    conn: &Connection,
    id: i64,
    number: &str,
    stored: &str,
) -> Result<Vec<SealDifference>> {
    let at = |field: &str, sealed: String, live: String| SealDifference {
        ticket: number.to_string(),
        field: field.to_string(),
        sealed,
        live,
    };
    let sealed_value: Value = serde_json::from_str(stored)
        .map_err(|e| Error::invalid("closure record", e.to_string()))?;
    let sealed: ClosureRecord = match serde_json::from_value(sealed_value.clone()) {
        Ok(r) => r,
        Err(e) => {
            return Ok(vec![at("(record)", "unreadable".into(), e.to_string())]);
        }
    };
    let live =
        super::tickets::load(conn, id).and_then(|t| record::rebuild_sealed(conn, &t, &sealed));
    let live = match live {
        Ok(r) => r,
        Err(e) => {
            return Ok(vec![at(
                "(record)",
                "as sealed".into(),
                format!("cannot be rebuilt from the live rows: {e}"),
            )])
        }
    };
    // Both sides through the canonical form, so number formatting cannot differ.
    let live_value: Value = serde_json::from_str(&canonical_json(&live)?)
        .map_err(|e| Error::invalid("closure record", e.to_string()))?;
    let mut found = Vec::new();
    diff("", Some(&sealed_value), Some(&live_value), &mut found);
    Ok(found
        .into_iter()
        .map(|(field, s, l)| at(&field, s, l))
        .collect())
}

impl Store {
    /// `verify-audit --deep`: rebuilds every sealed record from the live rows and lists each
    /// difference (ticket, field). Read-only.
    pub fn verify_sealed_rows(&self) -> Result<DeepReport> {
        let conn = self.conn();
        let closed: Vec<(i64, String, String)> = conn
            .prepare(
                "SELECT t.id, t.number, c.record FROM tickets t
                 JOIN closure_records c ON c.ticket_id = t.id
                 WHERE t.status = 'closed' ORDER BY t.id",
            )?
            .query_map([], |r| {
                Ok((r.get("id")?, r.get("number")?, r.get("record")?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut report = DeepReport::default();
        for (id, number, stored) in &closed {
            report
                .differences
                .extend(ticket_differences(conn, *id, number, stored)?);
            report.tickets += 1;
        }
        Ok(report)
    }

    /// The seal triggers in the schema, as (name, SQL).
    fn trigger_names(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .conn()
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_sealed\\_%' ESCAPE '\\' ORDER BY name",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

/// The triggers that keep the audit trail and its checkpoints append-only.
const APPEND_ONLY: [&str; 13] = [
    "audit_events_append_only_update",
    "audit_events_append_only_delete",
    "audit_checkpoints_append_only_update",
    "audit_checkpoints_append_only_delete",
    "signature_strokes_append_only_update",
    "signature_strokes_append_only_delete",
    "signing_nonces_append_only_delete",
    "handovers_append_only_delete",
    "mail_outbox_append_only_delete",
    "templates_append_only_update",
    "templates_append_only_delete",
    "template_versions_append_only_update",
    "template_versions_append_only_delete",
];

impl Store {
    /// The schema still holds every seal trigger as generated and the append-only triggers: one
    /// dropped (and not put back) is named. Put back, it leaves no trace here; what it let through
    /// is what the chain, its checkpoints and `--deep` catch.
    pub(crate) fn check_guards(&self) -> Result<()> {
        let present = self.trigger_names()?;
        let mut missing: Vec<String> = SEALED_TABLES
            .iter()
            .flat_map(triggers_for)
            .filter(|t| !present.contains(t))
            .map(|(name, _)| name)
            .collect();
        for name in APPEND_ONLY {
            let found: bool = self.conn().query_row(
                "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get(0),
            )?;
            if !found {
                missing.push(name.to_string());
            }
        }
        match missing.is_empty() {
            true => Ok(()),
            false => Err(Error::GuardsMissing(missing.join(", "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;

    fn ticket_tables(conn: &Connection) -> Vec<String> {
        conn.prepare(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'ticket_id' ORDER BY m.name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    }

    /// A table with a `ticket_id` column that is neither sealed nor excused fails here.
    #[test]
    fn every_table_with_a_ticket_id_is_sealed_or_excused() {
        let store = Store::open_in_memory().unwrap();
        let mut missing = Vec::new();
        for t in ticket_tables(store.conn()) {
            let sealed = SEALED_TABLES.iter().any(|s| s.name == t);
            let excused = NOT_SEALED.iter().any(|(n, _)| *n == t);
            if sealed == excused {
                missing.push(t);
            }
        }
        assert!(
            missing.is_empty(),
            "not in SEALED_TABLES nor NOT_SEALED (or in both): {missing:?}"
        );
        // And the list names only real tables with the column it says.
        for s in SEALED_TABLES {
            let has: bool = store
                .conn()
                .query_row(
                    "SELECT count(*) > 0 FROM pragma_table_info(?1) WHERE name = ?2",
                    params![s.name, s.ticket_column],
                    |r| r.get(0),
                )
                .unwrap();
            assert!(has, "{}.{} does not exist", s.name, s.ticket_column);
        }
    }

    /// The schema holds exactly the generated seal triggers, text for text, and none of the
    /// older, partial ones of 0001/0007.
    #[test]
    fn the_schema_holds_exactly_the_generated_seal_triggers() {
        let store = Store::open_in_memory().unwrap();
        let mut expected: Vec<(String, String)> =
            SEALED_TABLES.iter().flat_map(triggers_for).collect();
        expected.sort();
        assert_eq!(store.trigger_names().unwrap(), expected);
        let old: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%TICKET_CLOSED%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            old as usize,
            expected.len(),
            "a seal trigger outside the list"
        );
    }

    /// 0009 made the triggers of the tables there were; a table sealed later gets its triggers
    /// in the migration that creates it, as the same generated text.
    #[test]
    fn the_migration_files_hold_the_generated_text() {
        let files = [
            include_str!("../../migrations/0009_seal_every_write.sql"),
            include_str!("../../migrations/0015_sla_settings.sql"),
        ]
        .concat();
        for (name, sql) in SEALED_TABLES.iter().flat_map(triggers_for) {
            assert!(
                files.contains(&format!("{sql};\n")),
                "no migration holds {name} as generated; it should read:\n{sql};"
            );
        }
    }

    #[test]
    fn differences_name_the_path() {
        let mut out = Vec::new();
        diff(
            "",
            Some(&json!({"a": {"b": [1, 2]}, "c": "x"})),
            Some(&json!({"a": {"b": [1, 3, 4]}, "c": "x"})),
            &mut out,
        );
        let paths: Vec<&str> = out.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(paths, ["a.b[1]", "a.b[2]"]);
    }
}
