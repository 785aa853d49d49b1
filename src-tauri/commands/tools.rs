//! The desk's tools from the window: a company's tool links (Directory › company › Tools) and
//! the step buttons that open them.
//!
//! `open_tool` takes which button was pressed (ticket, step key, kind, asset), never a URL: the
//! core computes the link again from the stored ticket and company, so a page that was tampered
//! with cannot make the app open anything but a checked http(s) link. The link goes to the
//! state's opener: the system browser, or with `TICKETFLOW_OPENER_LOG=FILE` a line appended to
//! FILE (the window tests read it instead of launching a browser); the IPC tests give the state
//! their own opener ([`AppState::with_opener`]).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use tauri::State;
use ticketflow_core::directory::tools::CompanyTool;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::template::ToolKind;

use crate::AppState;

/// Hands a checked http(s) link to whatever opens it.
pub type Opener = Arc<dyn Fn(&str) -> Result<(), ErrorPayload> + Send + Sync>;

/// Set to a file path, links are appended to that file (one per line) instead of opened.
pub const OPENER_LOG_ENV: &str = "TICKETFLOW_OPENER_LOG";

fn browser(url: &str) -> Result<(), ErrorPayload> {
    open::that_detached(url).map_err(|e| ErrorPayload {
        code: "IO_ERROR".into(),
        message: format!("no web browser could be opened for {url}: {e}"),
    })
}

fn append_line(file: &Path, url: &str) -> Result<(), ErrorPayload> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .and_then(|mut f| writeln!(f, "{url}"))
        .map_err(|e| ErrorPayload {
            code: "IO_ERROR".into(),
            message: format!("the link could not be written to {}: {e}", file.display()),
        })
}

/// The opener of a started app: the system browser, unless `TICKETFLOW_OPENER_LOG` names a file.
pub(crate) fn default_opener() -> Opener {
    match std::env::var_os(OPENER_LOG_ENV).filter(|p| !p.is_empty()) {
        Some(file) => Arc::new(move |url: &str| append_line(Path::new(&file), url)),
        None => Arc::new(browser),
    }
}

impl AppState {
    /// Links from step buttons go to `opener` instead of the browser (tests).
    pub fn with_opener(
        mut self,
        opener: impl Fn(&str) -> Result<(), ErrorPayload> + Send + Sync + 'static,
    ) -> Self {
        self.opener = Arc::new(opener);
        self
    }
}

/// A company's tool links, one per kind it has set up.
#[tauri::command(async)]
pub fn get_company_tools(
    state: State<'_, AppState>,
    company_id: i64,
) -> Result<Vec<CompanyTool>, ErrorPayload> {
    state.with_store(|store, _| store.company_tools(company_id))
}

/// Sets a company's link for one kind of tool (checked first: TOOL_URL_INVALID saves nothing);
/// audited. Returns what was stored.
#[tauri::command(async)]
pub fn set_company_tool(
    state: State<'_, AppState>,
    company_id: i64,
    tool: CompanyTool,
) -> Result<CompanyTool, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_company_tool(company_id, &tool, &actor, now)
    })
}

/// Removes a company's link for one kind of tool; audited. `false` when it had none.
#[tauri::command(async)]
pub fn remove_company_tool(
    state: State<'_, AppState>,
    company_id: i64,
    kind: ToolKind,
) -> Result<bool, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.remove_company_tool(company_id, kind, &actor, now)
    })
}

/// Opens a step's tool button: the core fills the company's link in for the ticket again, and
/// the opener gets it (outside the store's lock). Returns the link that was opened.
#[tauri::command(async)]
pub fn open_tool(
    state: State<'_, AppState>,
    ticket_id: i64,
    step: String,
    kind: ToolKind,
    asset_id: Option<i64>,
) -> Result<String, ErrorPayload> {
    let url = state.with_store(|store, _| store.tool_url(ticket_id, &step, kind, asset_id))?;
    // The core checked it; a browser is never handed anything else, whatever changes there.
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ErrorPayload {
            code: "TOOL_URL_INVALID".into(),
            message: format!("this tool link cannot be used: {url} is not an http(s) link"),
        });
    }
    (state.opener)(&url)?;
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opener_log_gets_one_line_per_link() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("opened.log");
        append_line(&file, "https://a.example/PC-042").unwrap();
        append_line(&file, "https://b.example/?u=ann%40contoso.example").unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            [
                "https://a.example/PC-042",
                "https://b.example/?u=ann%40contoso.example"
            ]
        );
        // A log that cannot be written is a coded error, not a silent loss.
        let e = append_line(&dir.path().join("no/such/dir/log"), "https://a.example/").unwrap_err();
        assert_eq!(e.code, "IO_ERROR");
    }
}
