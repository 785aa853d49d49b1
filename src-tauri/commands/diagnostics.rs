//! What the window reports about itself, for the headless window tests and launch timing.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When the process started (the first call, made first thing in `run`), so a paint can be timed
/// from launch: opening the store and starting WebKit count.
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

/// The UI painted a view: logged with the time since launch. The window tests wait for this
/// line, which proves data went store -> IPC -> DOM in the real window.
#[tauri::command]
pub fn ui_painted(view: String, rows: u32) {
    let view: String = view
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    eprintln!(
        "ticketflow: {view} painted: {rows} rows, {} ms after launch",
        started().elapsed().as_millis()
    );
}
