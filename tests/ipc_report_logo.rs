//! The desk's logo and the appendix setting through the real IPC layer (mock runtime): a file
//! from the open dialog is read (only up to the size limit), checked by the core, stored, shown
//! back for the preview, and removed; bad files are coded refusals that change nothing.

mod support;

use serde_json::json;
use std::sync::Arc;
use support::{app_with, code, invoke};
use ticketflow_core::clock::ManualClock;
use ticketflow_core::report::LOGO_MAX_BYTES;
use ticketflow_core::store::Store;
use ticketflow_lib::AppState;

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer
            .write_image_data(&vec![90; (w * h * 3) as usize])
            .unwrap();
    }
    out
}

fn state() -> AppState {
    let mut store = Store::open_in_memory().unwrap();
    ticketflow_core::demo::generate(&mut store, 5, 3, |_, _| {}).unwrap();
    AppState::new(
        store,
        Arc::new(ManualClock::new(ticketflow_core::demo::anchor())),
    )
}

#[test]
fn a_logo_is_set_from_a_file_shown_back_and_removed() {
    let (_app, w) = app_with(state());
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        invoke(&w, "get_report_logo", json!({})).unwrap(),
        json!(null)
    );

    let path = dir.path().join("Logo.PNG");
    std::fs::write(&path, png(320, 80)).unwrap();
    let logo = invoke(&w, "set_report_logo", json!({"path": path})).unwrap();
    assert_eq!(logo["width"], 320);
    assert_eq!(logo["mime"], "image/png");
    assert!(logo["data_base64"]
        .as_str()
        .unwrap()
        .starts_with("iVBORw0KGgo"));
    assert_eq!(invoke(&w, "get_report_logo", json!({})).unwrap(), logo);
    let s = invoke(&w, "get_report_settings", json!({})).unwrap();
    assert_eq!(s["has_logo"], true);
    assert!(
        s.get("logo").is_none(),
        "the image is not sent with the settings"
    );

    let s = invoke(&w, "remove_report_logo", json!({})).unwrap();
    assert_eq!(s["has_logo"], false);
    assert_eq!(
        invoke(&w, "get_report_logo", json!({})).unwrap(),
        json!(null)
    );
}

#[test]
fn bad_logo_files_are_coded_refusals_that_change_nothing() {
    let (_app, w) = app_with(state());
    let dir = tempfile::tempdir().unwrap();
    let gif = dir.path().join("logo.gif");
    std::fs::write(&gif, b"GIF89a").unwrap();
    let fake = dir.path().join("logo.png");
    std::fs::write(&fake, b"GIF89a, named .png").unwrap();
    let huge = dir.path().join("huge.jpg");
    std::fs::write(&huge, vec![0xFF; LOGO_MAX_BYTES + 10]).unwrap();
    let tiny = dir.path().join("tiny.png");
    std::fs::write(&tiny, png(4, 4)).unwrap();
    for path in [&gif, &fake, &huge, &tiny] {
        let r = invoke(&w, "set_report_logo", json!({"path": path}));
        assert_eq!(code(r), "LOGO_REJECTED", "{}", path.display());
    }
    let missing = dir.path().join("gone.png");
    assert_eq!(
        code(invoke(&w, "set_report_logo", json!({"path": missing}))),
        "IO_ERROR"
    );
    assert_eq!(
        code(invoke(&w, "set_report_logo", json!({"path": "logo.png"}))),
        "INVALID_INPUT"
    );
    assert_eq!(
        invoke(&w, "get_report_logo", json!({})).unwrap(),
        json!(null)
    );
}

#[test]
fn the_appendix_can_be_left_out_and_put_back() {
    let (_app, w) = app_with(state());
    let s = invoke(&w, "set_report_appendix", json!({"include": false})).unwrap();
    assert_eq!(s["include_appendix"], false);
    let s = invoke(&w, "get_report_settings", json!({})).unwrap();
    assert_eq!(s["include_appendix"], false);
    let s = invoke(&w, "set_report_appendix", json!({"include": true})).unwrap();
    assert_eq!(s["include_appendix"], true);
}
