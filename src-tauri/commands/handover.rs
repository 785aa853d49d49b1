//! Hand-over mode: the only commands that run while the end user holds the device (every other
//! command answers `HANDOVER_ACTIVE`). The core keeps the state; these adapt it.

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::HandoverSession;

use crate::AppState;

/// The hand-over under way, if any: the window shows it instead of anything else.
#[tauri::command(async)]
pub fn get_handover(state: State<'_, AppState>) -> Result<Option<HandoverSession>, ErrorPayload> {
    state.with_store_in_handover(|store, _| store.handover())
}

/// Hands the device to the end user to verify the fix and sign `summary`.
#[tauri::command(async)]
pub fn start_handover(
    state: State<'_, AppState>,
    ticket_id: i64,
    summary: String,
) -> Result<HandoverSession, ErrorPayload> {
    state.with_store(|store, now| store.start_handover(ticket_id, &summary, now))
}

/// The single-use nonce the end user's signature carries, issued as the pad opens.
#[tauri::command(async)]
pub fn handover_signing_nonce(state: State<'_, AppState>) -> Result<String, ErrorPayload> {
    state.with_store_in_handover(|store, now| store.handover_signing_nonce(now))
}

/// The end user's answer: verified (with their signature) or still failing.
#[tauri::command(async)]
pub fn handover_verify(
    state: State<'_, AppState>,
    outcome: String,
    signature: Option<serde_json::Value>,
) -> Result<HandoverSession, ErrorPayload> {
    state.with_store_in_handover(|store, now| store.handover_verify(&outcome, signature, now))
}

/// The end user's CSAT rating.
#[tauri::command(async)]
pub fn handover_rate(
    state: State<'_, AppState>,
    rating: u8,
    comment: Option<String>,
) -> Result<HandoverSession, ErrorPayload> {
    state.with_store_in_handover(|store, now| store.handover_rate(rating, comment, now))
}

/// Hands the window back to a technician: the one who started the hand-over, or `technician`.
#[tauri::command(async)]
pub fn unlock_handover(
    state: State<'_, AppState>,
    pin: String,
    technician: Option<String>,
) -> Result<(), ErrorPayload> {
    state.with_store_in_handover(|store, now| store.end_handover(technician.as_deref(), &pin, now))
}
