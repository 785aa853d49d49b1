//! Report settings a desk sets once: whether the technical appendix is printed, and its logo.
//! Each change is one audited transaction; a bad logo is refused with a code and leaves nothing.

mod common;

use common::{Desk, TECH};
use ticketflow_core::report::LOGO_MAX_BYTES;

fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        writer
            .write_image_data(&vec![200; (w * h * 3) as usize])
            .unwrap();
    }
    out
}

/// The desk's `setting_changed` events for `key`: (before, after) as JSON text.
fn setting_events(d: &Desk, key: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.db");
    d.store.backup(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT before, after FROM audit_events WHERE action = 'setting_changed' ORDER BY id",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .filter(|(_, after)| after.contains(key))
        .collect();
    rows
}

#[test]
fn the_appendix_is_printed_until_the_desk_leaves_it_out() {
    let mut d = Desk::new();
    assert!(d.store.report_settings().unwrap().include_appendix);
    let now = d.now;
    let s = d.store.set_report_appendix(false, TECH, now).unwrap();
    assert!(!s.include_appendix);
    assert!(!d.store.report_settings().unwrap().include_appendix);
    assert_eq!(setting_events(&d, "report.include_appendix").len(), 1);
    let err = d.store.set_report_appendix(true, " ", now).unwrap_err();
    assert_eq!(err.code(), "INVALID_INPUT");
    assert!(!d.store.report_settings().unwrap().include_appendix);
}

#[test]
fn a_logo_is_checked_stored_audited_by_fingerprint_and_removable() {
    let mut d = Desk::new();
    let now = d.now;
    assert!(d.store.report_logo().unwrap().is_none());
    for bad in [
        b"not an image".to_vec(),
        png(8, 8),
        vec![0u8; LOGO_MAX_BYTES + 1],
    ] {
        let err = d.store.set_report_logo(&bad, TECH, now).unwrap_err();
        assert_eq!(err.code(), "LOGO_REJECTED", "{err}");
    }
    assert!(d.store.report_logo().unwrap().is_none());
    assert!(
        setting_events(&d, "report.logo").is_empty(),
        "refusals write nothing"
    );

    let file = png(300, 100);
    let logo = d.store.set_report_logo(&file, TECH, now).unwrap();
    assert_eq!(
        (logo.width, logo.height, logo.mime.as_str()),
        (300, 100, "image/png")
    );
    assert_eq!(d.store.report_logo().unwrap(), Some(logo.clone()));
    let settings = d.store.report_settings().unwrap();
    assert!(settings.has_logo);
    assert_eq!(settings.logo.as_ref().map(|l| l.bytes.clone()), Some(file));
    // The window gets the settings without the image; the image comes with `report_logo`.
    let sent = serde_json::to_string(&settings).unwrap();
    assert!(!sent.contains(&logo.data_base64) && sent.contains("\"has_logo\":true"));

    let events = setting_events(&d, "report.logo");
    assert_eq!(events.len(), 1);
    assert!(events[0].1.contains("sha256"), "{:?}", events[0]);
    assert!(
        !events[0].1.contains(&logo.data_base64[..40]),
        "the bytes stay out of the trail"
    );

    let s = d.store.remove_report_logo(TECH, now).unwrap();
    assert!(!s.has_logo);
    assert!(d.store.report_logo().unwrap().is_none());
    assert_eq!(setting_events(&d, "report.logo").len(), 2);
    // Removing nothing changes nothing.
    d.store.remove_report_logo(TECH, now).unwrap();
    assert_eq!(setting_events(&d, "report.logo").len(), 2);
    assert!(d.store.verify_audit().is_ok());
}
