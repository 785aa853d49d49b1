//! Closing the window never loses typed text: the first close request is held back while the UI
//! flushes its unsaved paragraphs (WebKitGTK fires no `pagehide` when the webview is destroyed),
//! then the window closes when the UI says it is done, or after a grace period if it never answers.
//! Just before, the session's events are signed (a keyed checkpoint), as at every seal.
//! While a hand-over is under way the window does not close at all (Alt+F4, the title bar, the
//! window manager): the UI is told, and asks for the technician's PIN.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{Emitter, Manager, Runtime, Window, WindowEvent};

/// Event sent to the UI: flush drafts, then call `drafts_flushed`.
pub const FLUSH_EVENT: &str = "flush-drafts";
/// Event sent to the UI: a close request was refused because a hand-over is under way.
pub const CLOSE_REFUSED_EVENT: &str = "handover-close-refused";
const GRACE: Duration = Duration::from_secs(3);

/// Set once the UI has flushed (or the grace period ran out): the next close goes through.
#[derive(Default)]
pub struct Closing(AtomicBool);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let Some(closing) = window.try_state::<Closing>() else {
        return;
    };
    if in_handover(window) {
        api.prevent_close();
        eprintln!(
            "ticketflow: close refused: a hand-over is under way (the technician's PIN ends it)"
        );
        if let Err(e) = window.emit(CLOSE_REFUSED_EVENT, ()) {
            eprintln!("ticketflow: the window was not told why it stays open: {e}");
        }
        return;
    }
    if closing.0.swap(true, Ordering::SeqCst) {
        return;
    }
    api.prevent_close();
    if window.emit(FLUSH_EVENT, ()).is_err() {
        close(window);
        return;
    }
    let w = window.clone();
    std::thread::spawn(move || {
        std::thread::sleep(GRACE);
        close(&w);
    });
}

fn in_handover<R: Runtime>(window: &Window<R>) -> bool {
    window
        .try_state::<crate::AppState>()
        .is_some_and(|state| state.in_handover())
}

/// Signs the session's events (a keyed checkpoint), then closes, unless a hand-over began
/// meanwhile (the next close request asks again).
fn close<R: Runtime>(window: &Window<R>) {
    if in_handover(window) {
        if let Some(closing) = window.try_state::<Closing>() {
            closing.0.store(false, Ordering::SeqCst);
        }
        return;
    }
    if let Some(state) = window.try_state::<crate::AppState>() {
        state.checkpoint_on_close();
    }
    let _ = window.destroy();
}

/// The UI has saved everything it held: close now.
#[tauri::command]
pub fn drafts_flushed<R: Runtime>(window: Window<R>, closing: tauri::State<'_, Closing>) {
    if closing.0.load(Ordering::SeqCst) {
        close(&window);
    }
}
