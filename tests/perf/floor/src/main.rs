//! An empty Tauri window: the floor Ticketflow's launch and memory are measured against
//! (tests/perf/floor.sh). Like Ticketflow it notes its start first thing and logs the page's
//! first painted frame with the time since then, in Ticketflow's words.

use std::sync::OnceLock;
use std::time::Instant;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// The same command, arguments and log line as Ticketflow's `ui_painted`.
#[tauri::command]
fn ui_painted(view: String, rows: u32) {
    let view: String = view
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    let started = STARTED.get_or_init(Instant::now);
    eprintln!(
        "tauri-floor: {view} painted: {rows} rows, {} ms after launch",
        started.elapsed().as_millis()
    );
}

fn main() {
    STARTED.get_or_init(Instant::now);
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_painted])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("tauri-floor: the window could not be started: {error}");
        std::process::exit(1);
    }
}
