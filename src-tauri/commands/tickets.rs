//! One ticket: create (or reopen one's blank draft), discard a draft, view, complete steps (with
//! whom to escalate to), autosave drafts, waiting, assignment, runbook links. Every change is made
//! as the current technician and answers with the refreshed view.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::ticket::Values;
use ticketflow_core::view::TicketView;
use ticketflow_core::workflow::{EscalateTo, IntakePreview, IntakeStep, WaitRequest};

use crate::AppState;

#[tauri::command(async)]
pub fn create_ticket(state: State<'_, AppState>) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        let id = store.start_ticket(&actor, now)?.id;
        store.ticket_view(id, now)
    })
}

/// Discards a draft (step 1 not done); refused with `NOT_A_DRAFT` once the caller is verified.
#[tauri::command(async)]
pub fn discard_ticket(state: State<'_, AppState>, id: i64) -> Result<(), ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.discard_ticket(id, &actor, now)
    })
}

/// The intake form's dry run: what "Open ticket" would refuse with these values and the priority
/// it would store, from the core's own rules and this desk's matrix. Writes nothing.
#[tauri::command(async)]
pub fn preview_intake(
    state: State<'_, AppState>,
    ticket_id: Option<i64>,
    steps: Vec<IntakeStep>,
) -> Result<IntakePreview, ErrorPayload> {
    state.with_store(|store, now| store.preview_intake(ticket_id, &steps, now))
}

#[tauri::command(async)]
pub fn get_ticket(state: State<'_, AppState>, id: i64) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| store.ticket_view(id, now))
}

#[tauri::command(async)]
pub fn complete_step(
    state: State<'_, AppState>,
    id: i64,
    step: u8,
    values: Values,
    escalate_to: Option<EscalateTo>,
) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.complete_step_escalating(id, step, values, escalate_to, &actor, now)?;
        // Step 16 queues the summary; a mail problem never undoes the step (see commands::mail).
        super::mail::after_step(store, id, step, &actor, now);
        store.ticket_view(id, now)
    })
}

#[tauri::command(async)]
pub fn save_draft(
    state: State<'_, AppState>,
    id: i64,
    step: u8,
    field: String,
    text: String,
) -> Result<(), ErrorPayload> {
    state.with_store(|store, now| store.save_draft(id, step, &field, &text, now))
}

#[tauri::command(async)]
pub fn wait_on_customer(
    state: State<'_, AppState>,
    id: i64,
    request: WaitRequest,
) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.wait_on_customer(id, &request, &actor, now)?;
        store.ticket_view(id, now)
    })
}

#[tauri::command(async)]
pub fn customer_replied(state: State<'_, AppState>, id: i64) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.customer_replied(id, &actor, now)?;
        store.ticket_view(id, now)
    })
}

#[tauri::command(async)]
pub fn assign_ticket(
    state: State<'_, AppState>,
    id: i64,
    technician: Option<String>,
) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.assign(id, technician.as_deref(), &actor, now)?;
        store.ticket_view(id, now)
    })
}

#[tauri::command(async)]
pub fn link_runbook(
    state: State<'_, AppState>,
    ticket_id: i64,
    runbook_id: i64,
) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.link_runbook(ticket_id, runbook_id, &actor, now)?;
        store.ticket_view(ticket_id, now)
    })
}
