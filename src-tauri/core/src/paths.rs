//! Where Ticketflow keeps its data: the same place for the app and the CLI.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// The app's identifier; the OS data directory is named after it (as Tauri's `app_data_dir` is).
pub const APP_IDENTIFIER: &str = "com.ticketflow.desktop";
pub const DB_FILE: &str = "ticketflow.db";
pub const DATA_DIR_ENV: &str = "TICKETFLOW_DATA_DIR";

/// `TICKETFLOW_DATA_DIR` if set, else the OS app-data directory.
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::invalid(
                "data_dir",
                format!("no OS data directory; set {DATA_DIR_ENV}"),
            )
        })
}
