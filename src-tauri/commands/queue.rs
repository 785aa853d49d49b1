//! The ticket queue: the technician's list of tickets to work on.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{QueueQuery, QueueRow};

use crate::AppState;

/// One page of the queue. Filtering, ordering, SLA figures and the `limit` clamp are the core's.
#[tauri::command(async)]
pub fn list_queue(
    state: State<'_, AppState>,
    query: QueueQuery,
) -> Result<Vec<QueueRow>, ErrorPayload> {
    state.with_store(|store, now| store.queue(&query, now))
}

/// How many tickets the query matches, so the virtual list can size its scroll area.
#[tauri::command(async)]
pub fn queue_count(state: State<'_, AppState>, query: QueueQuery) -> Result<i64, ErrorPayload> {
    state.with_store(|store, now| store.queue_count(&query, now))
}
