//! The report as a client reads it: their pages first (in their time zone, in plain words, each
//! value whole and once), the technical appendix only if the desk keeps it, and the desk's logo.
//! Whatever the layout, the record hash and the signature cover the same sealed record.

mod common;
mod report_fixture;

use report_fixture::*;
use std::process::Command;
use ticketflow_core::report::{self, INFO_RECORD_HASH};
use ticketflow_core::signing;

const LONG_EMAIL: &str =
    "zoe.odegard-external-consultant.finance-department@contoso-holdings-international.example";

fn text_of(dir: &std::path::Path, name: &str, pdf: &[u8]) -> String {
    let path = write(dir, name, pdf);
    // -raw: in content order, so a wrapped address reads back whole.
    let (ok, text) = run(Command::new("pdftotext").arg("-raw").arg(&path).arg("-"));
    assert!(ok, "{text}");
    text
}

fn squashed(text: &str) -> String {
    text.split_whitespace().collect()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn pages(dir: &std::path::Path, pdf: &[u8]) -> usize {
    let path = write(dir, "pages.pdf", pdf);
    let (_, info) = run(Command::new("pdfinfo").arg(&path));
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// A PNG logo made on the spot (the test suite carries no binary fixtures).
fn logo_png() -> Vec<u8> {
    let (w, h) = (240u32, 60u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        let mut data = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            for x in 0..w {
                let inside = (x / 20 + y / 20) % 2 == 0;
                data.extend_from_slice(&[18, 79, 110, if inside { 255 } else { 0 }]);
            }
        }
        writer.write_image_data(&data).unwrap();
    }
    out
}

#[test]
fn leaving_out_the_appendix_changes_the_pages_not_the_record_hash_or_the_signature() {
    if !have("pdftotext") {
        return;
    }
    let c = closed(true);
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let certs = signing::load_certificates(dir.path()).unwrap().unwrap();
    let mut input = c.desk.store.report_input(&c.number).unwrap();
    assert!(
        input.settings.include_appendix,
        "the appendix is in by default"
    );
    let with = report::render_signed(&input, &id, now()).unwrap();
    input.settings.include_appendix = false;
    let without = report::render_signed(&input, &id, now()).unwrap();
    keep_artifact("client-with-appendix.pdf", &with);
    keep_artifact("client-without-appendix.pdf", &without);

    let hash = &input.sealed.hash;
    for pdf in [&with, &without] {
        let v = report::verify_report(pdf, &c.desk.store, Some(&certs)).unwrap();
        assert!(v.ok(), "{v:?}");
        let doc = lopdf::Document::load_mem(pdf).unwrap();
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(|i| doc.dereference(i))
            .and_then(|(_, o)| o.as_dict())
            .unwrap();
        let got = info
            .get(INFO_RECORD_HASH.as_bytes())
            .unwrap()
            .as_str()
            .unwrap();
        assert_eq!(got, hash.as_bytes());
    }
    let with_text = text_of(dir.path(), "with.pdf", &with);
    let without_text = text_of(dir.path(), "without.pdf", &without);
    assert!(with_text.contains("Appendix: technical record"));
    assert!(!without_text.contains("Appendix"));
    assert!(!without_text.contains("Workflow"));
    assert!(without_text.contains("What we did") && without_text.contains("Sign-off"));
    assert!(pages(dir.path(), &without) < pages(dir.path(), &with));
    // The full hash is in every footer of both.
    assert!(squashed(&without_text).contains(hash.as_str()));
    // Each signature's signed-text hash, all 64 digits, on the client's own pages (issue 14):
    // without the appendix too.
    let t = c.desk.store.ticket(c.id).unwrap();
    for step in [13, 21] {
        let signed = t.value(step, "signature").unwrap()["content_sha256"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(signed.len(), 64);
        for text in [&with_text, &without_text] {
            let client_pages = text.split("Appendix: technical record").next().unwrap();
            assert!(
                squashed(client_pages).contains(&signed),
                "step {step}'s signed-text hash {signed} is not whole in:\n{client_pages}"
            );
        }
    }
}

#[test]
fn a_berlin_clients_report_reads_in_berlin_time_with_every_value_whole_and_once() {
    if !have("pdftotext") {
        return;
    }
    let c = closed_with(true, LONG_EMAIL);
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let input = c.desk.store.report_input(&c.number).unwrap();
    let pdf = report::render_signed(&input, &id, now()).unwrap();
    keep_artifact("client-berlin-long-email.pdf", &pdf);
    let text = text_of(dir.path(), "berlin.pdf", &pdf);
    let flat = squashed(&text);

    // Times: the client's zone, named; both signatures in it with its offset, whatever the
    // signing device's offset was (the fixture signs at +01:00 and at -05:00).
    assert!(
        text.contains("Europe/Berlin time (CET, UTC+01:00)"),
        "{text}"
    );
    assert_eq!(count(&text, "CET (UTC+01:00)"), 2, "{text}");
    assert!(!text.contains("UTC+00:00") && !text.contains("UTC-05:00"));
    // Nothing is cut: the long address and the full hashes are there, whole.
    assert!(!text.contains('…'), "an ellipsis in:\n{text}");
    assert!(flat.contains(LONG_EMAIL));
    assert!(flat.contains(input.sealed.hash.as_str()));
    // Words, not keys; the summary and root cause once each.
    assert!(!text.contains("Impact: user") && !text.contains("impact user"));
    assert!(text.contains("One user"), "impact label in the workflow");
    assert_eq!(
        count(&flat, &squashed("Outlook no longer asks for your password")),
        1,
        "summary printed once"
    );
    assert_eq!(count(&text, "Root cause"), 1, "root cause once");
}

#[test]
fn the_escalated_ticket_tells_the_client_what_happened_in_plain_words() {
    if !have("pdftotext") {
        return;
    }
    let c = closed(true);
    let dir = tempfile::tempdir().unwrap();
    let input = c.desk.store.report_input(&c.number).unwrap();
    let pdf = report::render_unsigned(&input, now()).unwrap();
    let text = text_of(dir.path(), "escalated.pdf", &pdf);
    let client_part = text.split("Appendix: technical record").next().unwrap();
    let flat = squashed(client_part);
    assert!(flat.contains(&squashed("second-line specialists")));
    assert!(flat.contains(&squashed(
        "Our first fix did not hold when we checked it with you (The prompt came back after a reboot)"
    )));
    assert!(
        flat.contains(&squashed("while we waited for your reply")),
        "{client_part}"
    );
    for jargon in ["NOC", "EDR", "IT Glue", "Runbook", "Tier 2", "Step "] {
        assert!(
            !client_part.contains(jargon),
            "{jargon:?} in the client's pages"
        );
    }
}

#[test]
fn the_desks_logo_is_printed_on_the_first_page() {
    if !have("pdfimages") {
        return;
    }
    let mut c = closed(false);
    let at = c.desk.now;
    let logo = c
        .desk
        .store
        .set_report_logo(&logo_png(), common::TECH, at)
        .unwrap();
    assert_eq!((logo.width, logo.height), (240, 60));
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let certs = signing::load_certificates(dir.path()).unwrap().unwrap();
    let input = c.desk.store.report_input(&c.number).unwrap();
    assert!(input.settings.has_logo);
    let pdf = report::render_signed(&input, &id, now()).unwrap();
    keep_artifact("client-logo.pdf", &pdf);
    assert!(report::verify_report(&pdf, &c.desk.store, Some(&certs))
        .unwrap()
        .ok());
    let path = write(dir.path(), "logo.pdf", &pdf);
    let (ok, list) = run(Command::new("pdfimages").arg("-list").arg(&path));
    assert!(ok, "{list}");
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "the image and its soft mask:\n{list}");
    assert!(rows
        .iter()
        .all(|r| r.split_whitespace().next() == Some("1")));
    assert!(rows[0].contains("240") && rows[0].contains("60") && rows[1].contains("smask"));
}
