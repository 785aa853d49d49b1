//! The quarterly business review on screen: a client's (or every client's) figures over a period
//! beside the period before, the period picker's presets, and the ticket behind a figure.
//!
//! The core owns every date rule (quarters, the client's zone, the previous period) and makes
//! and signs the pack; these commands only hand it the window's choices.

use chrono::NaiveDate;
use tauri::State;
use ticketflow_core::error::ErrorPayload;
use ticketflow_core::qbr::pdf::SavedQbr;
use ticketflow_core::qbr::{self, QbrComparison, QbrPeriod, QbrPresets};

use crate::commands::reports::chosen_file;
use crate::AppState;

/// The figures of `company_id` (null: every client) over the days `from` to `to` of the client's
/// calendar, with those of the same number of days just before.
#[tauri::command(async)]
pub fn get_qbr(
    state: State<'_, AppState>,
    company_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<QbrComparison, ErrorPayload> {
    state.with_store(|store, now| {
        // The chosen period first: its refusal (dates swapped, too long) is the one to show.
        let current = store.qbr(company_id, from, to, now)?;
        let before = qbr::previous(QbrPeriod { from, to })?;
        let mut previous = store.qbr(company_id, before.from, before.to, now)?;
        // Only the chosen period's tickets are listed; the earlier list would only cross IPC.
        previous.tickets.clear();
        Ok(QbrComparison { current, previous })
    })
}

/// This quarter so far and last quarter, in `company_id`'s time zone (null: the desk's), today.
#[tauri::command(async)]
pub fn get_qbr_presets(
    state: State<'_, AppState>,
    company_id: Option<i64>,
) -> Result<QbrPresets, ErrorPayload> {
    state.with_store(|store, now| {
        let company = match company_id {
            Some(id) => Some(
                store
                    .companies()?
                    .into_iter()
                    .find(|c| c.id == id)
                    .ok_or_else(|| ticketflow_core::error::Error::not_found("company", id))?,
            ),
            None => None,
        };
        let desk_zone = store.desk_time_zone()?;
        Ok(qbr::presets_at(company.as_ref(), desk_zone.as_deref(), now))
    })
}

/// The id of the ticket numbered `number` (a QBR lists tickets by number), to open it.
#[tauri::command(async)]
pub fn find_ticket_by_number(
    state: State<'_, AppState>,
    number: String,
) -> Result<i64, ErrorPayload> {
    state.with_store(|store, _| store.ticket_id_by_number(&number))
}

/// Writes the signed QBR pack of `company_id` (null: every client) over `from` to `to` to `path`
/// (from the save dialog): the same signing identity and checks as closure reports.
#[tauri::command(async)]
pub fn export_qbr(
    state: State<'_, AppState>,
    company_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
    path: String,
) -> Result<SavedQbr, ErrorPayload> {
    let path = chosen_file(&path, &["pdf"]).map_err(|e| e.payload())?;
    // What can be refused without the keychain is refused before it is asked: the period and
    // the client (by computing the figures, a fraction of the pack's time).
    let msp_name = state.with_store(|store, now| {
        store.qbr(company_id, from, to, now)?;
        Ok(store.report_settings()?.msp_name)
    })?;
    let identity = state.report_identity(&msp_name)?;
    state
        .with_store(|store, now| store.export_qbr_pack(&identity, company_id, from, to, now, &path))
}
