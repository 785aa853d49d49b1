//! Installation settings for closure reports, kept in the `settings` table (key/value).
//!
//! Changes are audited like any other: a report's header names the MSP, so who renamed it and
//! when must be traceable.

use super::{Durability, Store};
use crate::error::{Error, Result};
use crate::report::{PaperSize, ReportSettings, DEFAULT_MSP_NAME};
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

const PAPER_SIZE: &str = "report.paper_size";
const MSP_NAME: &str = "report.msp_name";
/// Longest MSP name accepted: it has to fit a report header.
const MSP_NAME_MAX: usize = 120;

fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn read(conn: &Connection) -> Result<ReportSettings> {
    let paper = match get(conn, PAPER_SIZE)? {
        Some(p) => p.parse()?,
        None => PaperSize::A4,
    };
    let msp_name = get(conn, MSP_NAME)?.unwrap_or_else(|| DEFAULT_MSP_NAME.to_string());
    Ok(ReportSettings { paper, msp_name })
}

impl Store {
    /// Paper size and MSP name for closure reports (A4 and a neutral name until set).
    pub fn report_settings(&self) -> Result<ReportSettings> {
        read(self.conn())
    }

    pub fn set_paper_size(
        &mut self,
        paper: PaperSize,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportSettings> {
        self.set_setting(PAPER_SIZE, paper.as_str(), actor, now)
    }

    pub fn set_msp_name(
        &mut self,
        name: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportSettings> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("msp_name", "is required"));
        }
        if name.chars().count() > MSP_NAME_MAX || name.chars().any(char::is_control) {
            return Err(Error::invalid(
                "msp_name",
                format!("one line of at most {MSP_NAME_MAX} characters"),
            ));
        }
        self.set_setting(MSP_NAME, name, actor, now)
    }

    fn set_setting(
        &mut self,
        key: &str,
        value: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportSettings> {
        if actor.trim().is_empty() {
            return Err(Error::invalid("actor", "who is acting must be named"));
        }
        self.write(Durability::Normal, |tx| {
            let before = get(tx, key)?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
            crate::audit::append(
                tx,
                None,
                actor.trim(),
                now,
                &Change::new(
                    "setting_changed",
                    json!({"key": key, "value": before}),
                    json!({"key": key, "value": value}),
                ),
            )?;
            read(tx)
        })
    }
}
