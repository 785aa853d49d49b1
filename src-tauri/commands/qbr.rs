//! The quarterly business review on screen: a client's (or every client's) figures over a period
//! beside the period before, the period picker's presets, and the ticket behind a figure.
//!
//! The core owns every date rule (quarters, the client's zone, the previous period) and makes
//! and signs the pack; these commands only hand it the window's choices.

use chrono::NaiveDate;
use tauri::ipc::Channel;
use tauri::State;
use ticketflow_core::error::{Error, ErrorPayload};
use ticketflow_core::paths;
use ticketflow_core::qbr::pdf::SavedQbr;
use ticketflow_core::qbr::{self, QbrComparison, QbrPeriod, QbrPresets};
use ticketflow_core::report::{BatchControl, BatchProgress, BatchSummary};

use crate::commands::reports::{chosen_file, chosen_folder};
use crate::state::guarded;
use crate::{AppState, INTERNAL_ERROR};

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

/// Writes the signed QBR pack of every client with a ticket behind the figures of `from` to
/// `to` (each in its own calendar) into `folder` (from the folder dialog), one file per client,
/// on every core, off the main thread. Progress arrives on `on_progress` after each client, named;
/// `cancel_batch_export` stops it (batches of closure reports and of packs share one slot). A
/// client whose pack fails is listed in the summary with why, and the others go on.
#[tauri::command]
pub async fn export_qbr_batch(
    state: State<'_, AppState>,
    from: NaiveDate,
    to: NaiveDate,
    folder: String,
    on_progress: Channel<BatchProgress>,
) -> Result<BatchSummary, ErrorPayload> {
    let folder = chosen_folder(&folder).map_err(|e| e.payload())?;
    // The period and the clients first: a refusal there needs no keychain.
    let (clients, msp_name) = state.with_store(|store, now| {
        Ok((
            store.qbr_clients(from, to, now)?,
            store.report_settings()?.msp_name,
        ))
    })?;
    if clients.is_empty() {
        return Ok(BatchSummary::default());
    }
    let slot = state.claim_batch()?;
    let identity = state.report_identity(&msp_name)?;
    let db = state
        .data_dir()
        .ok_or_else(|| {
            Error::invalid(
                "data_dir",
                "this session has no data directory for report signing",
            )
            .payload()
        })?
        .join(paths::DB_FILE);
    let now = state.now();
    let work = tauri::async_runtime::spawn_blocking(move || {
        guarded(|| {
            let progress = |p: &BatchProgress| {
                // A window that went away stops listening; the batch still finishes.
                let _ = on_progress.send(p.clone());
            };
            let control = BatchControl {
                cancel: &slot.cancel,
                progress: &progress,
            };
            qbr::pdf::export_qbr_batch(
                &db, &clients, from, to, &folder, &identity, now, 0, &control,
            )
        })
    });
    work.await.unwrap_or_else(|e| {
        Err(ErrorPayload {
            code: INTERNAL_ERROR.into(),
            message: format!("the batch of QBR packs stopped unexpectedly: {e}"),
        })
    })
}
