//! The ticket queue: the technician's list of tickets to work on.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{QueueQuery, QueueRow};

use crate::AppState;

/// One page of the queue. Filtering, ordering, SLA figures and the `limit` clamp are the core's;
/// `async` keeps the SQLite query off the window's main thread.
#[tauri::command(async)]
pub fn list_queue(
    state: State<'_, AppState>,
    query: QueueQuery,
) -> Result<Vec<QueueRow>, ErrorPayload> {
    state.with_store(|store, now| store.queue(&query, now))
}
