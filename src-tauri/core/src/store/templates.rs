//! The desk's template: published versions (append-only, migration 0014), the one draft being
//! edited, publishing, restoring and the version new tickets start on.
//!
//! A published version is never changed: tickets pin the version they started on, and their step
//! records store step numbers that mean what that version says. Editing therefore happens in a
//! draft, and publishing adds a new version; restoring an old one adds a new version too, a copy
//! of the old steps, so the history reads in order and nothing is rewritten. Every write is one
//! transaction with its audit event.

use super::{check_actor, Durability, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::template::diff::{diff, TemplateChange};
use crate::template::exchange::{from_bytes, MAX_FILE_BYTES};
use crate::template::versions::{
    as_version, check_note, check_publishable, problems, protected_steps, same_content, step_count,
    TemplateDraft, TemplateOverview, TemplateVersionInfo, DESK_TEMPLATE_KEY,
};
use crate::template::Template;
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::json;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// What a published version came from, as migration 0014's `origin` column spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Published from the draft.
    Edited,
    /// Published straight from a file (`ticketflow-cli template import`).
    Imported,
    /// A copy of an older version.
    Restored,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Edited => "edited",
            Origin::Imported => "imported",
            Origin::Restored => "restored",
        }
    }
}

/// Reads a template file (as `template export` writes one), never more than the exchange
/// format's size limit: a file that is not a publishable template is `TEMPLATE_INVALID` listing
/// every problem with its path in the file.
pub fn read_template_file(path: &Path) -> Result<Template> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::invalid("file", format!("{} cannot be read: {e}", path.display())))?;
    let mut bytes = Vec::new();
    // One byte past the limit is enough for the exchange format to call the file too large.
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    from_bytes(&bytes).map_err(Error::TemplateInvalid)
}

/// Gives every stored version without its history (a new desk's built-in template, seeded after
/// the migrations ran) the built-in history row. Idempotent: run on every open.
pub(super) fn seed_history(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO template_versions (key, version, published_by, published_at, note, based_on, origin)
         SELECT t.key, t.version, 'built-in', ?1, 'The built-in template', NULL, 'built_in'
         FROM templates t
         WHERE NOT EXISTS (SELECT 1 FROM template_versions v WHERE v.key = t.key AND v.version = t.version)",
        [timestamp(now)],
    )?;
    Ok(())
}

/// The newest published version of the desk's template: what new tickets start on.
pub(super) fn latest_version(conn: &Connection) -> Result<u32> {
    conn.query_row(
        "SELECT max(version) AS version FROM templates WHERE key = ?1",
        [DESK_TEMPLATE_KEY],
        |r| r.get::<_, Option<u32>>("version"),
    )?
    .ok_or_else(|| Error::not_found("template", DESK_TEMPLATE_KEY))
}

/// The template key and version a ticket created now pins.
pub(super) fn for_new_tickets(conn: &Connection) -> Result<(&'static str, u32)> {
    Ok((DESK_TEMPLATE_KEY, latest_version(conn)?))
}

/// One published version of the desk's template, as stored (rules filled in for a template
/// stored before they were data).
fn load(conn: &Connection, version: u32) -> Result<Template> {
    let body =
        body(conn, DESK_TEMPLATE_KEY, version)?.ok_or(Error::TemplateVersionUnknown(version))?;
    Ok(serde_json::from_str::<Template>(&body)
        .map_err(|e| Error::Migration(format!("template {DESK_TEMPLATE_KEY} v{version}: {e}")))?
        .with_rules())
}

/// A stored template version read through `conn` (inside a write's transaction, where the
/// store's cache is out of reach).
pub(crate) fn template_over(conn: &Connection, key: &str, version: u32) -> Result<Template> {
    let body = body(conn, key, version)?
        .ok_or_else(|| Error::not_found("template", format!("{key} v{version}")))?;
    serde_json::from_str(&body).map_err(|e| Error::invalid("template", e.to_string()))
}

/// A stored template version's JSON body.
fn body(conn: &Connection, key: &str, version: u32) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT body FROM templates WHERE key = :key AND version = :version",
            rusqlite::named_params! { ":key": key, ":version": version },
            |r| r.get("body"),
        )
        .optional()?)
}

/// A version's history row, without its step and ticket counts.
struct History {
    version: u32,
    published_by: String,
    published_at: DateTime<Utc>,
    note: String,
    based_on: Option<u32>,
}

fn history_row(r: &Row) -> rusqlite::Result<History> {
    Ok(History {
        version: r.get("version")?,
        published_by: r.get("published_by")?,
        published_at: r.get("published_at")?,
        note: r.get("note")?,
        based_on: r.get("based_on")?,
    })
}

impl History {
    fn info(self, steps: u32, tickets: i64) -> TemplateVersionInfo {
        TemplateVersionInfo {
            version: self.version,
            published_by: self.published_by,
            published_at: self.published_at,
            note: self.note,
            based_on: self.based_on,
            steps,
            tickets,
        }
    }
}

/// Every version's history, newest first.
fn histories(conn: &Connection) -> Result<Vec<History>> {
    let mut stmt = conn.prepare_cached(
        "SELECT version, published_by, published_at, note, based_on FROM template_versions
         WHERE key = ?1 ORDER BY version DESC",
    )?;
    let rows = stmt.query_map([DESK_TEMPLATE_KEY], history_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tickets per version of the desk's template.
fn ticket_counts(conn: &Connection) -> Result<HashMap<u32, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT template_version AS version, count(*) AS tickets FROM tickets
         WHERE template_key = ?1 GROUP BY template_version",
    )?;
    let rows = stmt.query_map([DESK_TEMPLATE_KEY], |r| {
        Ok((r.get::<_, u32>("version")?, r.get::<_, i64>("tickets")?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn draft(conn: &Connection) -> Result<Option<TemplateDraft>> {
    let row = conn
        .query_row(
            "SELECT base_version, body, saved_by, saved_at FROM template_drafts WHERE key = ?1",
            [DESK_TEMPLATE_KEY],
            |r| {
                Ok((
                    r.get::<_, u32>("base_version")?,
                    r.get::<_, String>("body")?,
                    r.get::<_, String>("saved_by")?,
                    r.get::<_, DateTime<Utc>>("saved_at")?,
                ))
            },
        )
        .optional()?;
    let Some((base_version, body, saved_by, saved_at)) = row else {
        return Ok(None);
    };
    let template = serde_json::from_str::<Template>(&body)
        .map_err(|e| Error::Migration(format!("the template draft: {e}")))?;
    Ok(Some(TemplateDraft {
        base_version,
        problems: problems(&template),
        protected: protected_steps(),
        template,
        saved_by,
        saved_at,
    }))
}

/// Stores `template` as the draft based on `base_version`, replacing any draft there was.
fn put_draft(
    tx: &Connection,
    template: &Template,
    base_version: u32,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TemplateDraft> {
    let body =
        serde_json::to_string(template).map_err(|e| Error::invalid("template", e.to_string()))?;
    tx.execute(
        "INSERT INTO template_drafts (key, base_version, body, saved_by, saved_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET base_version = excluded.base_version, body = excluded.body,
             saved_by = excluded.saved_by, saved_at = excluded.saved_at",
        params![DESK_TEMPLATE_KEY, base_version, body, actor, timestamp(now)],
    )?;
    draft(tx)?.ok_or(Error::NoTemplateDraft)
}

/// A draft's gist for the audit trail (the body itself is the template, kept by the versions).
fn draft_gist(d: &TemplateDraft) -> serde_json::Value {
    json!({
        "base_version": d.base_version,
        "name": d.template.name,
        "steps": step_count(&d.template),
        "problems": d.problems.len(),
        "saved_by": d.saved_by,
    })
}

/// Adds `template` (already checked) as the next version, audited as `action` with what changed
/// since the newest version. Refused when it changes nothing.
#[allow(clippy::too_many_arguments)]
fn publish_in(
    tx: &Connection,
    template: Template,
    based_on: u32,
    origin: Origin,
    note: &str,
    action: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TemplateVersionInfo> {
    let last = latest_version(tx)?;
    let previous = load(tx, last)?;
    let new = as_version(template, last + 1);
    check_publishable(&new)?;
    if same_content(&previous, &new) {
        return Err(Error::TemplateUnchanged(last));
    }
    let changes: Vec<TemplateChange> = diff(&previous, &new);
    let body =
        serde_json::to_string(&new).map_err(|e| Error::invalid("template", e.to_string()))?;
    tx.execute(
        "INSERT INTO templates (key, version, name, body) VALUES (?1, ?2, ?3, ?4)",
        params![new.key, new.version, new.name, body],
    )?;
    tx.execute(
        "INSERT INTO template_versions (key, version, published_by, published_at, note, based_on, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![new.key, new.version, actor, timestamp(now), note, based_on, origin.as_str()],
    )?;
    let info = TemplateVersionInfo {
        version: new.version,
        published_by: actor.to_string(),
        published_at: now,
        note: note.to_string(),
        based_on: Some(based_on),
        steps: step_count(&new),
        tickets: 0,
    };
    audit::append(
        tx,
        None,
        actor,
        now,
        &Change::new(
            action,
            json!({ "version": last }),
            json!({
                "version": new.version,
                "name": new.name,
                "note": note,
                "based_on": based_on,
                "origin": origin.as_str(),
                "steps": info.steps,
                "changes": serde_json::to_value(&changes).unwrap_or_default(),
            }),
        ),
    )?;
    Ok(info)
}

impl Store {
    /// The newest published version of the desk's template: what a ticket created now runs on.
    /// Tickets under way keep the version they pinned ([`Store::template`]).
    pub fn published_template(&self) -> Result<Template> {
        let version = latest_version(self.conn())?;
        self.template(DESK_TEMPLATE_KEY, version)
    }

    /// One published version of the desk's template.
    pub fn template_version(&self, version: u32) -> Result<Template> {
        load(self.conn(), version)?;
        self.template(DESK_TEMPLATE_KEY, version)
    }

    /// Every published version, newest first, with its step and ticket counts.
    pub fn template_versions(&self) -> Result<Vec<TemplateVersionInfo>> {
        let conn = self.conn();
        let tickets = ticket_counts(conn)?;
        histories(conn)?
            .into_iter()
            .map(|h| {
                let steps = step_count(&self.template(DESK_TEMPLATE_KEY, h.version)?);
                let n = tickets.get(&h.version).copied().unwrap_or(0);
                Ok(h.info(steps, n))
            })
            .collect()
    }

    /// The Templates screen: the published version, the history and the draft if one is open.
    pub fn template_overview(&self) -> Result<TemplateOverview> {
        let versions = self.template_versions()?;
        let published = versions
            .first()
            .cloned()
            .ok_or_else(|| Error::not_found("template", DESK_TEMPLATE_KEY))?;
        let name = self.template(DESK_TEMPLATE_KEY, published.version)?.name;
        Ok(TemplateOverview {
            key: DESK_TEMPLATE_KEY.to_string(),
            name,
            published,
            versions,
            draft: draft(self.conn())?,
        })
    }

    /// The draft being edited: the one already open (whoever started it), else a new one, a copy
    /// of the published version.
    pub fn start_template_draft(
        &mut self,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TemplateDraft> {
        let actor = check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            // Looked for inside the transaction: another window may have started one meanwhile.
            if let Some(d) = draft(tx)? {
                return Ok(d);
            }
            let base = latest_version(tx)?;
            let d = put_draft(tx, &load(tx, base)?, base, actor, now)?;
            audit::append(
                tx,
                None,
                actor,
                now,
                &Change::new("template_draft_started", json!(null), draft_gist(&d)),
            )?;
            Ok(d)
        })
    }

    /// Saves the editor's template as the draft, problems and all (they are listed with it; only
    /// publishing refuses them). Without an open draft, one is started from the published
    /// version. The steps are renumbered in phase order and the key is the desk's.
    pub fn save_template_draft(
        &mut self,
        template: &Template,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TemplateDraft> {
        let actor = check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let before = draft(tx)?;
            let base = match &before {
                Some(d) => d.base_version,
                None => latest_version(tx)?,
            };
            let template = as_version(template.clone(), base);
            let d = put_draft(tx, &template, base, actor, now)?;
            audit::append(
                tx,
                None,
                actor,
                now,
                &Change::new(
                    "template_draft_saved",
                    before.as_ref().map(draft_gist).unwrap_or_default(),
                    draft_gist(&d),
                ),
            )?;
            Ok(d)
        })
    }

    /// Throws the draft away; the published versions are untouched.
    pub fn discard_template_draft(&mut self, actor: &str, now: DateTime<Utc>) -> Result<()> {
        let actor = check_actor(actor)?;
        self.write(Durability::Normal, |tx| {
            let d = draft(tx)?.ok_or(Error::NoTemplateDraft)?;
            tx.execute(
                "DELETE FROM template_drafts WHERE key = ?1",
                [DESK_TEMPLATE_KEY],
            )?;
            audit::append(
                tx,
                None,
                actor,
                now,
                &Change::new("template_draft_discarded", draft_gist(&d), json!(null)),
            )?;
            Ok(())
        })
    }

    /// Publishes the draft as the next version (new tickets start on it; tickets under way keep
    /// theirs) and closes the draft. Refused, with nothing written, without a note, with any
    /// problem (`TEMPLATE_INVALID` lists every one) or when it changes nothing.
    pub fn publish_template(
        &mut self,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TemplateVersionInfo> {
        let actor = check_actor(actor)?;
        let note = check_note(note)?;
        self.write(Durability::Full, |tx| {
            let d = draft(tx)?.ok_or(Error::NoTemplateDraft)?;
            let info = publish_in(
                tx,
                d.template,
                d.base_version,
                Origin::Edited,
                note,
                "template_published",
                actor,
                now,
            )?;
            tx.execute(
                "DELETE FROM template_drafts WHERE key = ?1",
                [DESK_TEMPLATE_KEY],
            )?;
            Ok(info)
        })
    }

    /// Publishes `template` (read from a file) as the next version directly, leaving any draft
    /// as it is. Refused like [`Store::publish_template`], with nothing written.
    pub fn publish_imported_template(
        &mut self,
        template: &Template,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TemplateVersionInfo> {
        let actor = check_actor(actor)?;
        let note = check_note(note)?;
        self.write(Durability::Full, |tx| {
            let base = latest_version(tx)?;
            publish_in(
                tx,
                template.clone(),
                base,
                Origin::Imported,
                note,
                "template_published",
                actor,
                now,
            )
        })
    }

    /// Publishes a copy of an older version's steps as the next version: the history keeps both,
    /// in order. The draft, if any, is left as it is.
    pub fn restore_template_version(
        &mut self,
        version: u32,
        note: &str,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<TemplateVersionInfo> {
        let actor = check_actor(actor)?;
        let note = check_note(note)?;
        self.write(Durability::Full, |tx| {
            let old = load(tx, version)?;
            publish_in(
                tx,
                old,
                version,
                Origin::Restored,
                note,
                "template_restored",
                actor,
                now,
            )
        })
    }

    /// What changed from version `from` to version `to`.
    pub fn template_diff(&self, from: u32, to: u32) -> Result<Vec<TemplateChange>> {
        let old = self.template_version(from)?;
        let new = self.template_version(to)?;
        Ok(diff(&old, &new))
    }

    /// What publishing the draft would change against the version new tickets use now.
    pub fn template_draft_diff(&self) -> Result<Vec<TemplateChange>> {
        let draft = draft(self.conn())?.ok_or(Error::NoTemplateDraft)?;
        Ok(diff(&self.published_template()?, &draft.template))
    }
}
