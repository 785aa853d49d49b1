//! One window per desk. A second start on the same data directory ends at once and brings the
//! first window to the front; a hand-over under way there stays as it is. The plugin's D-Bus name
//! is made from the data directory, so two desks (two data directories) still run side by side.

use tauri::{AppHandle, Manager, Runtime};
use ticketflow_core::paths;

/// The D-Bus name's base (the plugin appends `.SingleInstance`): the app's identifier and a
/// digest of the desk's directory (a D-Bus name element holds letters, digits and `_` only).
fn dbus_id(data_dir: &str) -> String {
    let digest = ticketflow_core::canonical::sha256_hex(data_dir.as_bytes());
    format!("com.ticketflow.desktop.desk_{}", &digest[..24])
}

pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    let dir = paths::data_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(&d).ok().or(Some(d)))
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(dbus_id(&dir))
        .callback(|app, _args, _cwd| focus(app))
        .build()
}

fn focus<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::dbus_id;

    #[test]
    fn each_desk_has_its_own_valid_name() {
        let a = dbus_id("/home/tech/.local/share/ticketflow");
        let b = dbus_id("/srv/desk-2");
        assert_ne!(a, b);
        assert_eq!(a, dbus_id("/home/tech/.local/share/ticketflow"));
        for element in a.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{a}"
            );
        }
    }
}
