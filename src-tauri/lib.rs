//! The Tauri shell: it adapts `ticketflow-core` to IPC and owns nothing else.
//!
//! Rules live in the core so they can be tested in milliseconds without a window; the shell opens
//! the store, hands commands their arguments and turns core errors into `{code, message}`.
//! [`configure`] is shared by [`run`] and the tests, so the tests drive the very same command
//! table through the mock runtime.

pub mod commands;
mod launch;
mod rendering;
mod single_instance;
mod state;
mod window_close;

pub use state::{AppState, INTERNAL_ERROR};

use tauri::{Builder, Runtime};

/// Registers the app's state and commands on a builder of any runtime (Wry or the mock one).
pub fn configure<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .manage(window_close::Closing::default())
        .manage(commands::import::ImportEnv::default())
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(window_close::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::diagnostics::ui_painted,
            window_close::drafts_flushed,
            commands::queue::list_queue,
            commands::queue::queue_count,
            commands::tickets::create_ticket,
            commands::tickets::discard_ticket,
            commands::tickets::get_ticket,
            commands::tickets::complete_step,
            commands::tickets::save_draft,
            commands::fields::check_field_value,
            commands::tickets::wait_on_customer,
            commands::tickets::customer_replied,
            commands::tickets::assign_ticket,
            commands::tickets::link_runbook,
            commands::directory::search_contacts,
            commands::directory::search_assets,
            commands::directory::list_incidents,
            commands::directory::list_companies,
            commands::directory::save_company,
            commands::directory::set_company_active,
            commands::directory::list_contacts,
            commands::directory::save_contact,
            commands::directory::list_assets,
            commands::directory::save_asset,
            commands::directory::list_technicians,
            commands::directory::get_priority_matrix,
            commands::directory::set_priority_matrix,
            commands::sla_settings::get_sla_targets,
            commands::sla_settings::check_sla_targets,
            commands::sla_settings::set_sla_targets,
            commands::sla_settings::get_desk_calendar,
            commands::sla_settings::set_desk_calendar,
            commands::tickets::preview_intake,
            commands::directory::get_current_technician,
            commands::technicians::get_desk_status,
            commands::reports::get_checkpoint_status,
            commands::technicians::set_up_desk,
            commands::technicians::load_demo_desk,
            commands::technicians::add_technician,
            commands::technicians::deactivate_technician,
            commands::technicians::switch_technician,
            commands::records::add_time_entry,
            commands::records::update_time_entry,
            commands::records::search_runbooks,
            commands::records::create_runbook_entry,
            commands::records::update_runbook_entry,
            commands::records::get_runbook_entry,
            commands::records::list_runbook_entries,
            commands::records::search_runbook_entries,
            commands::search::search_documents,
            commands::signing::has_pin,
            commands::signing::set_pin,
            commands::handover::get_handover,
            commands::handover::start_handover,
            commands::handover::handover_signing_nonce,
            commands::handover::handover_verify,
            commands::handover::handover_rate,
            commands::handover::unlock_handover,
            commands::signing::get_sign_off_statement,
            commands::signing::close_ticket,
            commands::signing::issue_signing_nonce,
            commands::signing::get_pin_status,
            commands::signing::unlock_pin,
            commands::reports::export_report,
            commands::reports::print_report,
            commands::reports::batch_export,
            commands::reports::cancel_batch_export,
            commands::import::import_inspect,
            commands::import::import_preview,
            commands::import::import_plan,
            commands::import::import_run,
            commands::import::import_cancel,
            commands::import::import_batches,
            commands::import::import_undo,
            commands::import::import_write_errors,
            commands::import::export_records,
            commands::reports::get_report_settings,
            commands::reports::set_paper_size,
            commands::reports::set_msp_name,
            commands::reports::set_report_appendix,
            commands::reports::get_report_logo,
            commands::reports::set_report_logo,
            commands::reports::remove_report_logo,
            commands::reports::export_root_cert,
            commands::qbr::get_qbr,
            commands::qbr::get_qbr_presets,
            commands::qbr::find_ticket_by_number,
            commands::qbr::export_qbr,
            commands::qbr::export_qbr_batch,
            commands::mail::get_mail_account,
            commands::mail::set_mail_account,
            commands::mail::send_test_mail,
            commands::mail::get_ticket_mail,
            commands::mail::queue_ticket_mail,
            commands::mail::retry_mail,
            commands::mail::readdress_mail,
            commands::mail::open_mail_draft,
            commands::mail::get_company_survey_url,
            commands::mail::check_company_survey_url,
            commands::mail::set_company_survey_url,
            commands::templates::template_overview,
            commands::templates::template_draft_start,
            commands::templates::template_draft_save,
            commands::templates::template_draft_discard,
            commands::templates::template_publish,
            commands::templates::template_restore,
            commands::templates::template_get,
            commands::templates::template_diff,
            commands::templates::template_validate,
            commands::templates::template_export,
            commands::templates::template_import,
            commands::templates::template_draft_diff,
            commands::tools::get_company_tools,
            commands::tools::set_company_tool,
            commands::tools::remove_company_tool,
            commands::tools::open_tool,
        ])
}

/// Starts the desktop app. A store that cannot be opened does not stop the window from opening:
/// the UI shows the coded error that every command then returns.
pub fn run() {
    commands::diagnostics::started();
    rendering::choose_before_webkit_starts();
    let state = AppState::open_default();
    // Registered first, so a second start ends before it opens anything.
    let mut builder = tauri::Builder::default().plugin(single_instance::plugin());
    if let Some(preload) = launch::plugin(&state) {
        builder = builder.plugin(preload);
    }
    // The keychain may be slow to answer (or prompt): the key for checkpoints is fetched off the
    // main thread, and the window does not wait for it.
    let builder = configure(builder, state).setup(|app| {
        let handle = app.handle().clone();
        std::thread::spawn(move || {
            if let Some(state) = tauri::Manager::try_state::<AppState>(&handle) {
                state.attach_checkpoint_key();
            }
        });
        // Mail to requesters goes out in the background (not in `configure`: the tests' mock
        // app sends nothing).
        commands::mail::start_sender(app.handle());
        Ok(())
    });
    let result = builder.run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("ticketflow: the window could not be started: {error}");
        std::process::exit(1);
    }
}
