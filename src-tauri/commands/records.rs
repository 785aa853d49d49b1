//! Time entries and runbook entries (write, read, list, search).

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{
    NewTimeEntry, RunbookEntry, RunbookHit, RunbookInput, RunbookPage, RunbookQuery, RunbookRow,
    TimeEntry,
};

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

/// Results the Runbooks screen shows for one search.
const RUNBOOK_SEARCH_LIMIT: u32 = 50;

/// Creates an entry; from a ticket (`ticket_id`), linked to it as created there (step 20).
#[tauri::command(async)]
pub fn create_runbook_entry(
    state: State<'_, AppState>,
    entry: RunbookInput,
    ticket_id: Option<i64>,
) -> Result<RunbookEntry, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.create_runbook_entry(&entry, ticket_id, &actor, now)
    })
}

/// Updates an entry; from a ticket (`ticket_id`), linked to it as updated there (step 20).
#[tauri::command(async)]
pub fn update_runbook_entry(
    state: State<'_, AppState>,
    id: i64,
    entry: RunbookInput,
    ticket_id: Option<i64>,
) -> Result<RunbookEntry, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.update_runbook_entry(id, &entry, ticket_id, &actor, now)
    })
}

#[tauri::command(async)]
pub fn get_runbook_entry(
    state: State<'_, AppState>,
    id: i64,
) -> Result<RunbookEntry, ErrorPayload> {
    state.with_store(|store, _| store.runbook_entry(id))
}

#[tauri::command(async)]
pub fn list_runbook_entries(
    state: State<'_, AppState>,
    query: RunbookQuery,
) -> Result<RunbookPage, ErrorPayload> {
    state.with_store(|store, _| store.runbook_entries(&query))
}

#[tauri::command(async)]
pub fn search_runbook_entries(
    state: State<'_, AppState>,
    query: String,
    company_id: Option<i64>,
) -> Result<Vec<RunbookRow>, ErrorPayload> {
    state.with_store(|store, _| {
        store.search_runbook_entries(&query, company_id, RUNBOOK_SEARCH_LIMIT)
    })
}
