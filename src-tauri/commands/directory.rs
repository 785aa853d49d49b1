//! Companies, contacts, assets, incidents and technicians.

use tauri::State;
use ticketflow_core::directory::{
    Asset, Company, Contact, Incident, NewAsset, NewCompany, NewContact, Technician,
};
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::priority::PriorityMatrix;
use ticketflow_core::view::ContactHit;
use ticketflow_core::workflow::Lookup;

use crate::AppState;

#[tauri::command(async)]
pub fn search_contacts(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<ContactHit>, ErrorPayload> {
    state.with_store(|store, now| store.caller_hits(&query, now.date_naive()))
}

#[tauri::command(async)]
pub fn search_assets(
    state: State<'_, AppState>,
    company_id: i64,
    query: String,
) -> Result<Vec<Asset>, ErrorPayload> {
    state.with_store(|store, _| store.search_assets(company_id, &query, 20))
}

#[tauri::command(async)]
pub fn list_incidents(state: State<'_, AppState>) -> Result<Vec<Incident>, ErrorPayload> {
    state.with_store(|store, _| store.active_incidents())
}

#[tauri::command(async)]
pub fn list_companies(state: State<'_, AppState>) -> Result<Vec<Company>, ErrorPayload> {
    state.with_store(|store, _| store.companies())
}

/// Creates a company (`id` null) or updates one.
#[tauri::command(async)]
pub fn save_company(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: NewCompany,
) -> Result<Company, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        match id {
            Some(id) => store.update_company(id, &input, &actor, now),
            None => store.add_company(&input, &actor, now),
        }
    })
}

/// Deactivates a client (`active` false: its callers are refused at intake unless overridden
/// with a reason) or reactivates it; saved as the current technician, audited.
#[tauri::command(async)]
pub fn set_company_active(
    state: State<'_, AppState>,
    id: i64,
    active: bool,
) -> Result<Company, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_company_active(id, active, &actor, now)
    })
}

#[tauri::command(async)]
pub fn list_contacts(
    state: State<'_, AppState>,
    company_id: i64,
) -> Result<Vec<Contact>, ErrorPayload> {
    state.with_store(|store, _| store.contacts_of(company_id))
}

#[tauri::command(async)]
pub fn save_contact(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: NewContact,
) -> Result<Contact, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        match id {
            Some(id) => store.update_contact(id, &input, &actor, now),
            None => store.add_contact(&input, &actor, now),
        }
    })
}

#[tauri::command(async)]
pub fn list_assets(
    state: State<'_, AppState>,
    company_id: i64,
) -> Result<Vec<Asset>, ErrorPayload> {
    state.with_store(|store, _| store.assets_of(company_id))
}

#[tauri::command(async)]
pub fn save_asset(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: NewAsset,
) -> Result<Asset, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        match id {
            Some(id) => store.update_asset(id, &input, &actor, now),
            None => store.add_asset(&input, &actor, now),
        }
    })
}

#[tauri::command(async)]
pub fn list_technicians(state: State<'_, AppState>) -> Result<Vec<Technician>, ErrorPayload> {
    state.with_store(|store, _| store.technicians())
}

#[tauri::command(async)]
pub fn get_current_technician(state: State<'_, AppState>) -> Result<Option<String>, ErrorPayload> {
    state.with_store(|store, _| store.current_technician())
}

/// The installation's impact × urgency matrix, so the intake preview shows the core's answer.
#[tauri::command(async)]
pub fn get_priority_matrix(state: State<'_, AppState>) -> Result<PriorityMatrix, ErrorPayload> {
    state.with_store(|store, _| store.lookup().priority_matrix())
}

/// Settings › Priority matrix: rows by impact, columns by urgency, each "P1".."P4"; every bad cell
/// is refused by name (`INVALID_INPUT`) and nothing is saved. Saved as the current technician,
/// audited; tickets already prioritized keep theirs.
#[tauri::command(async)]
pub fn set_priority_matrix(
    state: State<'_, AppState>,
    rows: Vec<Vec<String>>,
) -> Result<PriorityMatrix, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        let matrix = PriorityMatrix::from_rows(&rows)?;
        store.set_priority_matrix(&matrix, &actor, now)?;
        store.lookup().priority_matrix()
    })
}
