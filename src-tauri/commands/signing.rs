//! Signatures and the technician's PIN: the closing sign-off (step 21), the statement it signs,
//! and leaving hand-over mode. The end user's signature (step 13) goes through `complete_step`.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::ticket::Values;
use ticketflow_core::view::TicketView;
use ticketflow_core::workflow::sign_off_statement;

use crate::AppState;

/// Whether the current technician has set a PIN (hand-over and sign-off need one).
#[tauri::command(async)]
pub fn has_pin(state: State<'_, AppState>) -> Result<bool, ErrorPayload> {
    state.with_store(|store, _| {
        let actor = store.actor()?;
        store.has_pin(&actor)
    })
}

/// Sets the current technician's PIN; changing one needs the current PIN.
#[tauri::command(async)]
pub fn set_pin(
    state: State<'_, AppState>,
    current: Option<String>,
    new_pin: String,
) -> Result<(), ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_pin(&actor, current.as_deref(), &new_pin, now)
    })
}

/// Hands the window back to the technician after hand-over mode.
#[tauri::command(async)]
pub fn unlock_handover(state: State<'_, AppState>, pin: String) -> Result<(), ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.verify_pin(&actor, &pin, now).map(drop)
    })
}

/// The exact text the technician signs when closing with these values.
#[tauri::command(async)]
pub fn get_sign_off_statement(
    state: State<'_, AppState>,
    ticket_id: i64,
    resolution_code: String,
    closure_notes: String,
) -> Result<String, ErrorPayload> {
    state.with_store(|store, _| {
        let number = store.ticket(ticket_id)?.number;
        Ok(sign_off_statement(
            &number,
            &resolution_code,
            &closure_notes,
        ))
    })
}

/// Closes the ticket (step 21) after checking the current technician's PIN.
#[tauri::command(async)]
pub fn close_ticket(
    state: State<'_, AppState>,
    ticket_id: i64,
    values: Values,
    pin: String,
) -> Result<TicketView, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        let proof = store.verify_pin(&actor, &pin, now)?;
        store.sign_off(ticket_id, values, proof, now)?;
        store.ticket_view(ticket_id, now)
    })
}
