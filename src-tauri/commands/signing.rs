//! Signatures and the technician's PIN: the closing sign-off (step 21) and the statement it signs.
//! The end user's signature (step 13) is taken in hand-over mode (`handover.rs`).

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{unlocker_is_another, PinStatus, SigningNonce};
use ticketflow_core::template::SignerRole;
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
    let view = state.with_store(|store, now| {
        let actor = store.actor()?;
        let proof = store.verify_pin(&actor, &pin, now)?;
        store.sign_off(ticket_id, values, proof, now)?;
        store.ticket_view(ticket_id, now)
    })?;
    // The record is sealed: its signed report is queued to the requester (see commands::mail).
    super::mail::after_close(&state, ticket_id);
    Ok(view)
}

/// The single-use nonce a signature pad needs before it opens: for `role` to sign `content` (the
/// exact text shown) at `step` of the ticket. The signature sent carries it back.
#[tauri::command(async)]
pub fn issue_signing_nonce(
    state: State<'_, AppState>,
    ticket_id: i64,
    step: u8,
    role: SignerRole,
    content: String,
) -> Result<SigningNonce, ErrorPayload> {
    state.with_store(|store, now| {
        store.actor()?;
        store.issue_signing_nonce(ticket_id, step, role, &content, now)
    })
}

/// Whether a technician's PIN (the current technician's when none is named) is set, locked after
/// too many misses, or due for a change, before the window asks for it.
#[tauri::command(async)]
pub fn get_pin_status(
    state: State<'_, AppState>,
    technician: Option<String>,
) -> Result<PinStatus, ErrorPayload> {
    state.with_store(|store, _| {
        let name = match technician {
            Some(name) => name,
            None => store.actor()?,
        };
        store.pin_status(&name)
    })
}

/// Unlocks `name`'s PIN after too many misses, with another active technician's PIN (`by`).
#[tauri::command(async)]
pub fn unlock_pin(
    state: State<'_, AppState>,
    name: String,
    by: String,
    by_pin: String,
) -> Result<PinStatus, ErrorPayload> {
    state.with_store(|store, now| {
        unlocker_is_another(&name, &by)?;
        let proof = store.verify_pin(&by, &by_pin, now)?;
        store.unlock_pin(&name, proof, now)?;
        store.pin_status(&name)
    })
}
