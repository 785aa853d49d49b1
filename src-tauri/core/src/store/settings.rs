//! Installation settings for closure reports, kept in the `settings` table (key/value).
//!
//! Changes are audited like any other: a report's header names the MSP, so who renamed it and
//! when must be traceable.

use super::{Durability, Store};
use crate::error::{Error, Result};
use crate::report::{Logo, PaperSize, ReportLogo, ReportSettings, DEFAULT_MSP_NAME};
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

const PAPER_SIZE: &str = "report.paper_size";
/// The desk's name: the MSP named on reports, also asked for when the desk is set up.
pub(super) const MSP_NAME: &str = "report.msp_name";
/// "true" or "false"; absent means the appendix is included.
const APPENDIX: &str = "report.include_appendix";
/// The logo file, base64 (checked again whenever it is read).
const LOGO: &str = "report.logo";
/// The desk's default time zone, set with the desk (store/desk.rs writes it).
pub(super) const DESK_TIME_ZONE: &str = "desk.time_zone";
/// Longest MSP name accepted: it has to fit a report header.
const MSP_NAME_MAX: usize = 120;

pub(super) fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
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
    let include_appendix = get(conn, APPENDIX)?.as_deref() != Some("false");
    let logo = get(conn, LOGO)?
        .map(|l| Logo::from_base64(&l))
        .transpose()?;
    Ok(ReportSettings {
        paper,
        msp_name,
        include_appendix,
        has_logo: logo.is_some(),
        logo,
        desk_time_zone: get(conn, DESK_TIME_ZONE)?,
    })
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
        let name = check_msp_name(name, "msp_name")?;
        self.set_setting(MSP_NAME, name, actor, now)
    }

    /// Whether reports carry the full technical record after the client's pages.
    pub fn set_report_appendix(
        &mut self,
        include: bool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportSettings> {
        let value = if include { "true" } else { "false" };
        self.set_setting(APPENDIX, value, actor, now)
    }

    /// The desk's default time zone (an IANA name), if the desk was set up with one.
    pub fn desk_time_zone(&self) -> Result<Option<String>> {
        get(self.conn(), DESK_TIME_ZONE)
    }

    /// The desk's logo, if one is set.
    pub fn report_logo(&self) -> Result<Option<ReportLogo>> {
        Ok(get(self.conn(), LOGO)?
            .map(|l| Logo::from_base64(&l))
            .transpose()?
            .map(|l| l.view()))
    }

    /// Sets the desk's logo from a PNG or JPEG file's bytes (LOGO_REJECTED unless it is one
    /// within the limits). The audit event names the file by size and SHA-256, not its bytes.
    pub fn set_report_logo(
        &mut self,
        bytes: &[u8],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportLogo> {
        let logo = Logo::parse(bytes)?;
        self.set_setting(LOGO, &logo.to_base64(), actor, now)?;
        Ok(logo.view())
    }

    /// Removes the logo (nothing to do when none is set); reports go back to the name alone.
    pub fn remove_report_logo(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<ReportSettings> {
        if actor.trim().is_empty() {
            return Err(Error::invalid("actor", "who is acting must be named"));
        }
        self.write(Durability::Normal, |tx| {
            let before = get(tx, LOGO)?;
            if before.is_some() {
                tx.execute("DELETE FROM settings WHERE key = ?1", [LOGO])?;
                crate::audit::append(
                    tx,
                    None,
                    actor.trim(),
                    now,
                    &Change::new(
                        "setting_changed",
                        json!({"key": LOGO, "value": audited(LOGO, before.as_deref())}),
                        json!({"key": LOGO, "value": null}),
                    ),
                )?;
            }
            read(tx)
        })
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
            put(tx, key, value, actor.trim(), now)?;
            read(tx)
        })
    }
}

/// The trimmed MSP (desk) name, refused as `field` when blank or not one short line.
pub(super) fn check_msp_name<'a>(name: &'a str, field: &str) -> Result<&'a str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if name.chars().count() > MSP_NAME_MAX || name.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("one line of at most {MSP_NAME_MAX} characters"),
        ));
    }
    Ok(name)
}

/// Writes one setting with its audit event, inside the caller's transaction.
pub(super) fn put(
    tx: &Connection,
    key: &str,
    value: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let before = get(tx, key)?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    crate::audit::append(
        tx,
        None,
        actor,
        now,
        &Change::new(
            "setting_changed",
            json!({"key": key, "value": audited(key, before.as_deref())}),
            json!({"key": key, "value": audited(key, Some(value))}),
        ),
    )?;
    Ok(())
}

/// What the audit trail keeps of a setting's value: the logo by size and fingerprint (its bytes
/// would swell every copy of the trail), everything else as it is.
fn audited(key: &str, value: Option<&str>) -> serde_json::Value {
    match value {
        Some(v) if key == LOGO => json!({
            "base64_chars": v.len(),
            "sha256": crate::canonical::sha256_hex(v.as_bytes()),
        }),
        other => json!(other),
    }
}
