//! Search across every ticket text and runbook entry ("have we seen this before?").

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::DocumentResults;

use crate::AppState;

/// Hits for the words of `query` (a trailing `*` makes a word a prefix), at most 100, with how
/// many documents match in all and the matched words marked.
#[tauri::command(async)]
pub fn search_documents(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<DocumentResults, ErrorPayload> {
    state.with_store(|store, _| store.document_search(&query, limit))
}
