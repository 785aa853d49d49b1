//! The desk's first start and its technicians: set up, demo data for a trial, add, deactivate and
//! switch. Each change is proven by a PIN: the new technician's own, or the current technician's as
//! the witness.

use tauri::State;
use ticketflow_core::directory::{NewTechnician, Technician};
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::store::{DeskSetup, DeskStatus};

use crate::AppState;

/// How many tickets a trial desk gets: enough to show every state, quick to generate.
const DEMO_TICKETS: usize = 40;

#[tauri::command(async)]
pub fn get_desk_status(state: State<'_, AppState>) -> Result<DeskStatus, ErrorPayload> {
    state.with_store(|store, _| store.desk_status())
}

/// Sets up an empty desk; its first technician becomes the current one.
#[tauri::command(async)]
pub fn set_up_desk(
    state: State<'_, AppState>,
    setup: DeskSetup,
    pin: String,
) -> Result<DeskStatus, ErrorPayload> {
    let status = state.with_store(|store, now| store.set_up_desk(&setup, &pin, now))?;
    // Checkpoints start with the desk's first events.
    state.attach_checkpoint_key();
    Ok(status)
}

/// Fills an empty desk with demo data, as of now (refused once the desk is set up).
#[tauri::command(async)]
pub fn load_demo_desk(state: State<'_, AppState>) -> Result<DeskStatus, ErrorPayload> {
    let status = state.with_store(|store, now| store.load_demo_desk(DEMO_TICKETS, 1, now))?;
    state.attach_checkpoint_key();
    Ok(status)
}

/// Adds a technician with their PIN; the current technician witnesses with their own PIN.
#[tauri::command(async)]
pub fn add_technician(
    state: State<'_, AppState>,
    technician: NewTechnician,
    pin: String,
    witness_pin: String,
) -> Result<Technician, ErrorPayload> {
    state.with_store(|store, now| {
        let witness = store.actor()?;
        let proof = store.verify_pin(&witness, &witness_pin, now)?;
        store.add_technician(&technician, &pin, proof, now)
    })
}

/// Deactivates a technician; the current technician witnesses with their PIN.
#[tauri::command(async)]
pub fn deactivate_technician(
    state: State<'_, AppState>,
    name: String,
    witness_pin: String,
) -> Result<Technician, ErrorPayload> {
    state.with_store(|store, now| {
        let witness = store.actor()?;
        let proof = store.verify_pin(&witness, &witness_pin, now)?;
        store.deactivate_technician(&name, proof, now)
    })
}

/// Makes `name` the current technician once they entered their own PIN.
#[tauri::command(async)]
pub fn switch_technician(
    state: State<'_, AppState>,
    name: String,
    pin: String,
) -> Result<(), ErrorPayload> {
    state.with_store(|store, now| {
        let proof = store.verify_pin(&name, &pin, now)?;
        store.switch_technician(proof, now)
    })
}
