//! A company's tool links (`company_tools`): read for the Directory and the ticket's step
//! buttons, written (checked first, then audited in the same transaction) from the company form.

use super::{check_actor, found, Durability, Store};
use crate::audit::timestamp;
use crate::directory::tools::{
    buttons, kind_noun, kind_str, parse_kind, validate_tool, CompanyTool, TicketTools, TOOL_KINDS,
};
use crate::directory::{Asset, Company, Contact};
use crate::error::{Error, Result};
use crate::template::ToolKind;
use crate::workflow::{Change, Lookup};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

fn company_exists(conn: &Connection, company_id: i64) -> Result<()> {
    found(
        conn.query_row(
            "SELECT id FROM companies WHERE id = ?1",
            [company_id],
            |r| r.get::<_, i64>("id"),
        ),
        "company",
        company_id,
    )
    .map(|_| ())
}

fn tools_of(conn: &Connection, company_id: i64) -> Result<Vec<CompanyTool>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, label, url_template FROM company_tools WHERE company_id = ?1",
    )?;
    let rows = stmt.query_map([company_id], |r| {
        Ok((
            r.get::<_, String>("kind")?,
            r.get::<_, String>("label")?,
            r.get::<_, String>("url_template")?,
        ))
    })?;
    let mut tools = Vec::new();
    for row in rows {
        let (kind, label, url_template) = row?;
        tools.push(CompanyTool {
            kind: parse_kind(&kind)?,
            label,
            url_template,
        });
    }
    // The company form's order, whatever order SQLite returns.
    tools.sort_by_key(|t| TOOL_KINDS.iter().position(|k| *k == t.kind));
    Ok(tools)
}

fn tool_of(conn: &Connection, company_id: i64, kind: ToolKind) -> Result<Option<Value>> {
    Ok(conn
        .query_row(
            "SELECT label, url_template FROM company_tools WHERE company_id = ?1 AND kind = ?2",
            params![company_id, kind_str(kind)],
            |r| {
                Ok(json!({
                    "label": r.get::<_, String>("label")?,
                    "url_template": r.get::<_, String>("url_template")?,
                }))
            },
        )
        .optional()?)
}

impl Store {
    /// A company's tool links, one per kind it has set up, in the company form's order.
    pub fn company_tools(&self, company_id: i64) -> Result<Vec<CompanyTool>> {
        company_exists(self.conn(), company_id)?;
        tools_of(self.conn(), company_id)
    }

    /// Sets (adds or replaces) a company's link for `tool.kind`. The link is checked before
    /// anything is written (TOOL_URL_INVALID writes nothing); returns what was stored.
    pub fn set_company_tool(
        &mut self,
        company_id: i64,
        tool: &CompanyTool,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CompanyTool> {
        let tool = validate_tool(tool)?;
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            company_exists(tx, company_id)?;
            let kind = kind_str(tool.kind);
            let before = tool_of(tx, company_id, tool.kind)?;
            tx.execute(
                "INSERT INTO company_tools (company_id, kind, label, url_template, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (company_id, kind) DO UPDATE SET label = excluded.label,
                     url_template = excluded.url_template, updated_by = excluded.updated_by,
                     updated_at = excluded.updated_at",
                params![
                    company_id,
                    kind,
                    tool.label,
                    tool.url_template,
                    actor,
                    timestamp(now)
                ],
            )?;
            crate::audit::append(
                tx,
                None,
                &actor,
                now,
                &Change::new(
                    "company_tool_set",
                    json!({"company_id": company_id, "kind": kind, "tool": before}),
                    json!({"company_id": company_id, "kind": kind, "tool": {
                        "label": tool.label, "url_template": tool.url_template,
                    }}),
                ),
            )?;
            Ok(tool.clone())
        })
    }

    /// Removes a company's link for `kind`; `false` (and no event) when it had none.
    pub fn remove_company_tool(
        &mut self,
        company_id: i64,
        kind: ToolKind,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let actor = check_actor(actor)?.to_string();
        self.write(Durability::Normal, |tx| {
            company_exists(tx, company_id)?;
            let Some(before) = tool_of(tx, company_id, kind)? else {
                return Ok(false);
            };
            tx.execute(
                "DELETE FROM company_tools WHERE company_id = ?1 AND kind = ?2",
                params![company_id, kind_str(kind)],
            )?;
            crate::audit::append(
                tx,
                None,
                &actor,
                now,
                &Change::new(
                    "company_tool_removed",
                    json!({"company_id": company_id, "kind": kind_str(kind), "tool": before}),
                    json!({"company_id": company_id, "kind": kind_str(kind), "tool": null}),
                ),
            )?;
            Ok(true)
        })
    }

    /// The company's tool links for a ticket's view (none before the caller is verified).
    pub(crate) fn tools_for(&self, company: Option<&Company>) -> Result<Vec<CompanyTool>> {
        match company {
            Some(c) => tools_of(self.conn(), c.id),
            None => Ok(Vec::new()),
        }
    }

    /// The link a step's button opens, computed again from the stored ticket and company: the
    /// window sends only which button (ticket, step key, kind, asset), never a URL. A button that
    /// cannot open (not set up, a value missing) is TOOL_UNAVAILABLE with its reason.
    pub fn tool_url(
        &self,
        ticket_id: i64,
        step_key: &str,
        kind: ToolKind,
        asset_id: Option<i64>,
    ) -> Result<String> {
        let ticket = self.ticket(ticket_id)?;
        let template = self.template(&ticket.template_key, ticket.template_version)?;
        let step = template
            .by_key(step_key)
            .ok_or_else(|| Error::not_found("step", step_key))?;
        if !step.tools.contains(&kind) {
            return Err(Error::ToolUnavailable(format!(
                "step {} ({}) shows no {} button",
                step.number,
                step.title,
                kind_noun(kind)
            )));
        }
        let db = self.lookup();
        let company: Option<Company> = ticket.company_id.map(|c| db.company(c)).transpose()?;
        let contact: Option<Contact> = ticket.contact_id.map(|c| db.contact(c)).transpose()?;
        let assets: Vec<Asset> = ticket
            .asset_ids
            .iter()
            .map(|a| db.asset(*a))
            .collect::<Result<_>>()?;
        let tools = self.tools_for(company.as_ref())?;
        let on_ticket =
            TicketTools::of(&ticket.number, company.as_ref(), contact.as_ref(), &assets);
        let shown = buttons(&[kind], &tools, &on_ticket);
        let button = shown
            .iter()
            .find(|b| b.asset_id == asset_id)
            .ok_or_else(|| {
                Error::ToolUnavailable(format!(
                    "asset {} is not linked to ticket {} for this button: reload the ticket",
                    asset_id.map_or_else(|| "(none)".into(), |a| a.to_string()),
                    ticket.number
                ))
            })?;
        match (&button.url, &button.unavailable) {
            (Some(url), _) => Ok(url.clone()),
            (None, why) => Err(Error::ToolUnavailable(
                why.clone().unwrap_or_else(|| "no link".into()),
            )),
        }
    }
}
