//! Time entries and runbook search.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{NewTimeEntry, RunbookHit, TimeEntry};

use crate::AppState;

#[tauri::command(async)]
pub fn add_time_entry(
    state: State<'_, AppState>,
    ticket_id: i64,
    entry: NewTimeEntry,
) -> Result<TimeEntry, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.add_time_entry(ticket_id, &entry, &actor, now)
    })
}

#[tauri::command(async)]
pub fn update_time_entry(
    state: State<'_, AppState>,
    entry_id: i64,
    entry: NewTimeEntry,
) -> Result<TimeEntry, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.update_time_entry(entry_id, &entry, &actor, now)
    })
}

#[tauri::command(async)]
pub fn search_runbooks(
    state: State<'_, AppState>,
    company_id: i64,
    query: String,
) -> Result<Vec<RunbookHit>, ErrorPayload> {
    state.with_store(|store, _| store.search_runbooks(company_id, &query, 20))
}
