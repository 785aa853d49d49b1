//! What the window reports about itself, for the headless window tests and launch timing.

use std::time::Instant;

/// When the process started, so a paint can be timed from launch.
pub struct LaunchTime(pub Instant);

/// The UI painted a view: logged with the time since launch. The window tests wait for this
/// line, which proves data went store -> IPC -> DOM in the real window.
#[tauri::command]
pub fn ui_painted(launch: tauri::State<'_, LaunchTime>, view: String, rows: u32) {
    let view: String = view
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    eprintln!(
        "ticketflow: {view} painted: {rows} rows, {} ms after launch",
        launch.0.elapsed().as_millis()
    );
}
