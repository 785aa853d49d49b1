//! A company's tool links in the store: set, replaced and removed with audit events; a refused
//! link (TOOL_URL_INVALID) writes nothing; the ticket view's steps carry their buttons filled in
//! for the ticket's asset, and `tool_url` (what the shell opens) agrees with them.

mod common;

use common::*;
use rusqlite::Connection;
use serde_json::Value;
use ticketflow_core::directory::tools::CompanyTool;
use ticketflow_core::template::ToolKind;
use ticketflow_core::view::{StepView, TicketView};

const SC: &str = "https://contoso.screenconnect.com/Host#Access/All%20Machines//{hostname}";

fn sc() -> CompanyTool {
    CompanyTool {
        kind: ToolKind::RemoteSession,
        label: "ScreenConnect".into(),
        url_template: SC.into(),
    }
}

fn desk() -> (Desk, tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desk.sqlite3");
    let d = Desk::on_file(&path);
    let conn = Connection::open(&path).unwrap();
    (d, dir, conn)
}

fn events(conn: &Connection, action: &str) -> Vec<(String, Value, Value)> {
    let mut stmt = conn
        .prepare("SELECT actor, before, after FROM audit_events WHERE action = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([action], |r| {
        Ok((
            r.get::<_, String>("actor")?,
            serde_json::from_str(&r.get::<_, String>("before")?).unwrap(),
            serde_json::from_str(&r.get::<_, String>("after")?).unwrap(),
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn step<'a>(view: &'a TicketView, key: &str) -> &'a StepView {
    view.phases
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.key == key)
        .unwrap()
}

#[test]
fn a_tool_is_set_replaced_and_removed_with_audit_events() {
    let (mut d, _dir, conn) = desk();
    let company = d.company.id;
    let stored = d
        .store
        .set_company_tool(
            company,
            &CompanyTool {
                url_template: format!("  {}  ", SC.replace("https", "HTTPS")),
                ..sc()
            },
            TECH,
            d.now,
        )
        .unwrap();
    assert_eq!(stored, sc(), "trimmed, scheme in lower case");
    assert_eq!(d.store.company_tools(company).unwrap(), vec![sc()]);
    assert_eq!(d.store.company_tools(d.other_company.id).unwrap(), vec![]);

    let blank_label = CompanyTool {
        kind: ToolKind::Edr,
        label: " ".into(),
        url_template: "https://falcon.example/hosts?upn={upn}".into(),
    };
    let edr = d
        .store
        .set_company_tool(company, &blank_label, TECH, d.now)
        .unwrap();
    assert_eq!(edr.label, "EDR host");
    let replaced = CompanyTool {
        label: "Splashtop".into(),
        url_template: "https://my.splashtop.example/computers?q={hostname}".into(),
        ..sc()
    };
    d.store
        .set_company_tool(company, &replaced, TECH, d.now)
        .unwrap();
    // One row per kind, in the form's order (remote session before EDR).
    assert_eq!(
        d.store.company_tools(company).unwrap(),
        vec![replaced.clone(), edr.clone()]
    );

    let set = events(&conn, "company_tool_set");
    assert_eq!(set.len(), 3);
    assert_eq!(set[0].0, TECH);
    assert_eq!(set[0].1["tool"], Value::Null);
    assert_eq!(set[0].2["tool"]["url_template"], SC);
    assert_eq!(set[2].1["tool"]["label"], "ScreenConnect");
    assert_eq!(set[2].2["tool"]["label"], "Splashtop");
    assert_eq!(set[2].2["kind"], "remote_session");
    assert_eq!(set[2].2["company_id"], company);

    assert!(d
        .store
        .remove_company_tool(company, ToolKind::RemoteSession, TECH, d.now)
        .unwrap());
    assert!(!d
        .store
        .remove_company_tool(company, ToolKind::RemoteSession, TECH, d.now)
        .unwrap());
    let removed = events(&conn, "company_tool_removed");
    assert_eq!(removed.len(), 1, "removing nothing is no event");
    assert_eq!(removed[0].1["tool"]["label"], "Splashtop");
    assert_eq!(removed[0].2["tool"], Value::Null);
    assert_eq!(d.store.company_tools(company).unwrap(), vec![edr]);
    assert!(d.store.verify_audit().is_ok());
}

#[test]
fn a_refused_link_writes_nothing() {
    let (mut d, _dir, conn) = desk();
    d.store
        .set_company_tool(d.company.id, &sc(), TECH, d.now)
        .unwrap();
    let before = count(&conn, "SELECT count(*) FROM audit_events");
    for hostile in [
        "javascript:alert(document.cookie)",
        "JAVASCRIPT:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/{hostname}",
        "java\tscript:alert(1)",
        "https://{hostname}/",
        "https://x.example/{cmd}",
    ] {
        let tool = CompanyTool {
            url_template: hostile.into(),
            ..sc()
        };
        let e = d
            .store
            .set_company_tool(d.company.id, &tool, TECH, d.now)
            .unwrap_err();
        assert_eq!(e.code(), "TOOL_URL_INVALID", "{hostile}: {e}");
    }
    // The stored link is the one from before, and no event was added.
    assert_eq!(d.store.company_tools(d.company.id).unwrap(), vec![sc()]);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_events"), before);

    let e = d
        .store
        .set_company_tool(9_999, &sc(), TECH, d.now)
        .unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
    assert_eq!(
        d.store.company_tools(9_999).unwrap_err().code(),
        "NOT_FOUND"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM company_tools"), 1);
    assert_eq!(count(&conn, "SELECT count(*) FROM audit_events"), before);
}

#[test]
fn the_schema_refuses_a_hand_written_javascript_link() {
    let (d, _dir, conn) = desk();
    let e = conn.execute(
        "INSERT INTO company_tools (company_id, kind, label, url_template, updated_by, updated_at)
         VALUES (?1, 'remote_session', 'x', 'javascript:alert(1)', 'x', 'x')",
        [d.company.id],
    );
    assert!(e.is_err(), "the CHECK constraint let a javascript: link in");
}

#[test]
fn the_view_shows_each_step_its_buttons_filled_in_for_the_ticket() {
    let (mut d, _dir, _conn) = desk();
    let id = d.diagnosed();

    // Nothing set up yet: the buttons are there, disabled, saying where to set them up.
    let view = d.store.ticket_view(id, d.now).unwrap();
    let reproduce = step(&view, "reproduce");
    assert_eq!(reproduce.tools.len(), 1);
    assert_eq!(reproduce.tools[0].kind, ToolKind::RemoteSession);
    assert_eq!(reproduce.tools[0].url, None);
    assert!(reproduce.tools[0]
        .unavailable
        .as_deref()
        .unwrap()
        .contains("Directory › Contoso Legal › Tools"));
    let e = d
        .store
        .tool_url(id, "reproduce", ToolKind::RemoteSession, None)
        .unwrap_err();
    assert_eq!(e.code(), "TOOL_UNAVAILABLE");

    d.store
        .set_company_tool(d.company.id, &sc(), TECH, d.now)
        .unwrap();
    let view = d.store.ticket_view(id, d.now).unwrap();
    let want = "https://contoso.screenconnect.com/Host#Access/All%20Machines//CONTOSO-LT-001";
    for key in ["reproduce", "apply_fix"] {
        let b = &step(&view, key).tools;
        assert_eq!(b.len(), 1, "{key}");
        assert_eq!(b[0].label, "ScreenConnect");
        assert_eq!(b[0].asset_id, Some(d.asset.id));
        assert_eq!(b[0].url.as_deref(), Some(want), "{key}");
    }
    // Steps show only the kinds the template names.
    assert!(step(&view, "open_ticket").tools.is_empty());
    let noc: Vec<_> = step(&view, "check_noc")
        .tools
        .iter()
        .map(|b| b.kind)
        .collect();
    assert_eq!(noc, [ToolKind::Noc, ToolKind::VendorStatus]);

    // What the shell opens is computed the same way, from the stored ticket.
    assert_eq!(
        d.store
            .tool_url(id, "reproduce", ToolKind::RemoteSession, Some(d.asset.id))
            .unwrap(),
        want
    );
    // A button the step does not show, an asset not on the ticket, a step that does not exist.
    let e = d
        .store
        .tool_url(id, "open_ticket", ToolKind::RemoteSession, Some(d.asset.id))
        .unwrap_err();
    assert_eq!(e.code(), "TOOL_UNAVAILABLE");
    let e = d
        .store
        .tool_url(
            id,
            "reproduce",
            ToolKind::RemoteSession,
            Some(d.foreign_asset.id),
        )
        .unwrap_err();
    assert_eq!(e.code(), "TOOL_UNAVAILABLE");
    let e = d
        .store
        .tool_url(id, "no_such_step", ToolKind::RemoteSession, None)
        .unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
}

#[test]
fn a_link_that_needs_a_missing_value_says_so() {
    let (mut d, _dir, _conn) = desk();
    let id = d.diagnosed();
    d.store
        .set_company_tool(
            d.company.id,
            &CompanyTool {
                kind: ToolKind::Edr,
                label: "CrowdStrike".into(),
                url_template: "https://falcon.example/hosts?upn={upn}".into(),
            },
            TECH,
            d.now,
        )
        .unwrap();
    // Neither the asset nor the caller has a UPN in the common desk.
    let view = d.store.ticket_view(id, d.now).unwrap();
    let edr = &step(&view, "edr_alerts").tools[0];
    assert_eq!(edr.url, None);
    assert!(edr.unavailable.as_deref().unwrap().contains("no UPN"));
    let e = d
        .store
        .tool_url(id, "edr_alerts", ToolKind::Edr, Some(d.asset.id))
        .unwrap_err();
    assert_eq!(e.code(), "TOOL_UNAVAILABLE");
    assert!(e.to_string().contains("no UPN"), "{e}");
}
