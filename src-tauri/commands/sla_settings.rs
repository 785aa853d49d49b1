//! Settings › SLA targets and Settings › Business calendar. The rules live in the core: the
//! window asks `check_sla_targets` for every problem of an edited table as it is typed, and a
//! save is refused with the same messages. Both apply to tickets opened afterwards (a ticket
//! pins its targets and its client's calendar when its clock starts).

use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::sla::{
    target_problems, Calendar, SlaPolicy, SlaTargetInput, SlaTargetProblem,
};

use crate::AppState;

/// The desk's tier × priority targets now, in tier × priority order.
#[tauri::command(async)]
pub fn get_sla_targets(state: State<'_, AppState>) -> Result<Vec<SlaPolicy>, ErrorPayload> {
    state.with_store(|store, _| store.sla_targets())
}

/// Every problem of an edited table, by cell (empty: it can be saved). Writes nothing.
#[tauri::command]
pub fn check_sla_targets(cells: Vec<SlaTargetInput>) -> Vec<SlaTargetProblem> {
    target_problems(&cells)
}

/// Saves the whole table as the current technician (audited `sla_targets_changed`); refused with
/// `INVALID_INPUT` naming the bad cells, nothing saved. Tickets already opened keep theirs.
#[tauri::command(async)]
pub fn set_sla_targets(
    state: State<'_, AppState>,
    cells: Vec<SlaTargetInput>,
) -> Result<Vec<SlaPolicy>, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_sla_targets(&cells, &actor, now)
    })
}

/// The desk's default calendar, which a new client's calendar starts from.
#[tauri::command(async)]
pub fn get_desk_calendar(state: State<'_, AppState>) -> Result<Calendar, ErrorPayload> {
    state.with_store(|store, _| store.desk_calendar())
}

/// Saves the desk's default calendar as the current technician (audited); refused with
/// `INVALID_INPUT` at `calendar`, nothing saved. Clients and tickets already there keep theirs.
#[tauri::command(async)]
pub fn set_desk_calendar(
    state: State<'_, AppState>,
    calendar: Calendar,
) -> Result<Calendar, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_desk_calendar(&calendar, &actor, now)
    })
}
