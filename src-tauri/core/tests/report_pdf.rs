//! Signed closure reports, checked the way a client's tools check them: poppler's pdfsig with the
//! installation root trusted in an NSS database, qpdf, pdffonts, pdftotext and pdfinfo.

mod common;
mod report_fixture;

use report_fixture::*;
use std::process::Command;
use ticketflow_core::report::{self, PaperSize};
use ticketflow_core::signing;

struct Exported {
    dir: tempfile::TempDir,
    pdf: Vec<u8>,
    root_pem: String,
}

fn export(complex: bool, paper: PaperSize) -> (Closed, Exported) {
    let c = closed(complex);
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let mut input = c.desk.store.report_input(&c.number).unwrap();
    input.settings.paper = paper;
    input.settings.msp_name = "Northwind IT Services".into();
    let pdf = report::render_signed(&input, &id, now()).unwrap();
    let root_pem = signing::export_root_pem(dir.path()).unwrap();
    (c, Exported { dir, pdf, root_pem })
}

fn pdfinfo(path: &std::path::Path) -> String {
    run(Command::new("pdfinfo").arg(path)).1
}

fn pages(info: &str) -> usize {
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn pdfsig_finds_the_signature_valid_total_and_trusted_and_qpdf_passes() {
    let (_c, e) = export(false, PaperSize::A4);
    keep_artifact("short.pdf", &e.pdf);
    if !have("pdfsig") || !have("certutil") || !have("qpdf") {
        return;
    }
    let path = write(e.dir.path(), "report.pdf", &e.pdf);
    let nss = nss_trusting(&e.root_pem);
    let out = pdfsig(&path, nss.path());
    for expected in [
        "Signature is Valid.",
        "Total document signed",
        "Certificate is Trusted.",
        "ETSI.CAdES.detached",
        "SHA-256",
    ] {
        assert!(out.contains(expected), "pdfsig lacks {expected:?}:\n{out}");
    }
    let (ok, out) = run(Command::new("qpdf").arg("--check").arg(&path));
    assert!(ok, "qpdf --check failed:\n{out}");
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
}

#[test]
fn one_changed_byte_is_a_digest_mismatch() {
    let (c, e) = export(false, PaperSize::A4);
    let certs = signing::load_certificates(e.dir.path()).unwrap().unwrap();
    let ok = report::verify_report(&e.pdf, &c.desk.store, Some(&certs)).unwrap();
    assert!(ok.ok(), "{ok:?}");
    // Flip a byte inside the signed part (not the signature's own /Contents).
    let mut bad = e.pdf.clone();
    let at = bad.len() / 3;
    bad[at] ^= 0x01;
    let v = report::verify_report(&bad, &c.desk.store, Some(&certs)).unwrap();
    assert!(!v.ok());
    assert!(v.checks[0].detail.contains("Digest Mismatch"), "{v:?}");
    if !have("pdfsig") || !have("certutil") {
        return;
    }
    let path = write(e.dir.path(), "tampered.pdf", &bad);
    let nss = nss_trusting(&e.root_pem);
    let out = pdfsig(&path, nss.path());
    assert!(out.contains("Digest Mismatch."), "{out}");
}

#[test]
fn verification_needs_this_installations_root_and_the_stored_record() {
    let (c, e) = export(false, PaperSize::A4);
    // Another installation's root does not vouch for this report.
    let other = tempfile::tempdir().unwrap();
    identity(other.path());
    let foreign = signing::load_certificates(other.path()).unwrap().unwrap();
    let v = report::verify_report(&e.pdf, &c.desk.store, Some(&foreign)).unwrap();
    assert!(!v.ok());
    assert!(v.checks.iter().any(|k| k.name == "certificate" && !k.ok));
    let v = report::verify_report(&e.pdf, &c.desk.store, None).unwrap();
    assert!(!v.ok());
    // A database that does not hold the ticket's sealed record does not confirm it.
    let certs = signing::load_certificates(e.dir.path()).unwrap().unwrap();
    let empty = common::Desk::new();
    let v = report::verify_report(&e.pdf, &empty.store, Some(&certs)).unwrap();
    assert!(!v.ok());
    assert!(
        v.checks.iter().any(|k| k.name == "desk record" && !k.ok),
        "{v:?}"
    );
    // The file itself is intact: what differs is the database.
    assert_eq!(v.verdict(), report::Verdict::DeskChanged, "{v:?}");
    assert_eq!(v.ticket.as_deref(), Some(c.number.as_str()));
}

#[test]
fn garbage_and_unsigned_files_fail_verification_without_panicking() {
    let c = closed(false);
    let input = c.desk.store.report_input(&c.number).unwrap();
    let unsigned = report::render_unsigned(&input, now()).unwrap();
    assert!(unsigned.starts_with(b"%PDF-1.7"));
    for bytes in [&b""[..], b"%PDF-1.4\n%%EOF\n", &unsigned, &[0xff; 4096]] {
        let v = report::verify_report(bytes, &c.desk.store, None).unwrap();
        assert!(!v.ok());
    }
}

#[test]
fn fonts_are_embedded_subsets_and_non_latin_names_print() {
    let (_c, e) = export(true, PaperSize::A4);
    if !have("pdffonts") || !have("pdftotext") {
        return;
    }
    let path = write(e.dir.path(), "report.pdf", &e.pdf);
    let (ok, fonts) = run(Command::new("pdffonts").arg(&path));
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 2, "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type... emb sub uni object-id
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "{row}");
        assert!(row.contains("+DejaVuSans"), "subset prefix: {row}");
    }
    let (ok, text) = run(Command::new("pdftotext").arg(&path).arg("-"));
    assert!(ok);
    for name in [
        "Zoë Ødegård",
        "Łukasz Nowak",
        "Σοφία Papadopoulou",
        "Дмитрий Иванов",
        "Ευχαριστώ",
    ] {
        assert!(text.contains(name), "{name} missing from the text layer");
    }
    for heading in [
        "Your request",
        "What we did",
        "Time billed",
        "Service level",
        "Your feedback",
        "Sign-off",
        "About this report",
        "Appendix: technical record",
        "Priority and SLA clock",
        "Workflow",
        "Tier-2 hand-off",
        "Internal time (not billed)",
        "fix verified",
        "closure sign-off",
        "Total billed",
        "Total not billed",
        "CHG-2026-0311",
    ] {
        assert!(text.contains(heading), "{heading} missing");
    }
    assert!(text.contains("Page 1 of"));
}

#[test]
fn a_short_report_is_small_and_a_long_one_runs_over_several_a4_or_letter_pages() {
    let (_c, short) = export(false, PaperSize::A4);
    assert!(
        short.pdf.len() < 100 * 1024,
        "a typical report is {} bytes",
        short.pdf.len()
    );
    let (_c, long) = export(true, PaperSize::Letter);
    keep_artifact("long-letter.pdf", &long.pdf);
    let (_c, long_a4) = export(true, PaperSize::A4);
    keep_artifact("long-a4.pdf", &long_a4.pdf);
    assert!(long_a4.pdf.len() < 150 * 1024, "{}", long_a4.pdf.len());
    if !have("pdfinfo") {
        return;
    }
    let s = pdfinfo(&write(short.dir.path(), "s.pdf", &short.pdf));
    assert!(s.contains("595.276 x 841.89 pts (A4)"), "{s}");
    let l = pdfinfo(&write(long.dir.path(), "l.pdf", &long.pdf));
    assert!(l.contains("612 x 792 pts (letter)"), "{l}");
    assert!(pages(&l) >= 4, "{l}");
    assert!(pages(&l) > pages(&s));
    assert!(l.contains("Form:            AcroForm"), "{l}");
}

#[test]
fn the_attached_record_is_the_hashed_record() {
    let (c, e) = export(false, PaperSize::A4);
    let sealed = c.desk.store.closure_record(c.id).unwrap();
    let doc = lopdf::Document::load_mem(&e.pdf).unwrap();
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .and_then(|id| doc.get_dictionary(id))
        .unwrap();
    let hash = info
        .get(b"TicketflowRecordSHA256")
        .unwrap()
        .as_str()
        .unwrap();
    assert_eq!(hash, sealed.hash.as_bytes());
    // The attachment, uncompressed, is byte for byte the canonical JSON.
    let needle = sealed.canonical_json.as_bytes();
    let found = doc.objects.values().any(|o| {
        o.as_stream()
            .ok()
            .and_then(|s| s.decompressed_content().ok())
            .is_some_and(|c| c == needle)
    });
    assert!(found);
}
