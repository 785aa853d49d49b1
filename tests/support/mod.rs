//! The app wired by the same `configure` as the real one, on Tauri's mock runtime (no display),
//! and a raw invoke that goes through the real IPC layer.
#![allow(dead_code)]

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};
use ticketflow_lib::AppState;

pub type Mock = tauri::test::MockRuntime;

pub fn app_with(state: AppState) -> (App<Mock>, WebviewWindow<Mock>) {
    let app = ticketflow_lib::configure(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the mock window opens");
    (app, window)
}

pub fn invoke(window: &WebviewWindow<Mock>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("a valid url"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| {
        body.deserialize::<Value>()
            .expect("the response body is JSON")
    })
}

/// The code of a refused call, which must also carry a message for people.
pub fn code(r: Result<Value, Value>) -> String {
    let err = r.expect_err("the command must fail");
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message: {err}"
    );
    err["code"].as_str().unwrap_or_default().to_string()
}
