//! A closure report for people whose names are not written in Latin letters, and for a name that
//! lies: every name prints in its own script (Japanese, Arabic joined and right to left, Hebrew,
//! Greek), hidden characters print as markers (`⟦U+202E⟧`) instead of being applied, a character
//! no font has is listed, and the report still verifies. Checked through poppler's `pdftotext`,
//! as a reader copying the text would get it.
//!
//! `REPORT_ARTIFACTS=DIR` keeps the PDF (`scripts.pdf`) to look at (`pdftoppm -png -r 70`).

mod common;
mod report_fixture;

use common::{Desk, SUMMARY};
use report_fixture::{have, identity, keep_artifact, now, run, write};
use serde_json::json;
use std::process::Command;
use ticketflow_core::directory::{NewAsset, NewCompany, NewContact, Tier};
use ticketflow_core::report;
use ticketflow_core::sla::Calendar;
use ticketflow_core::template::{builtin as b, SignerRole};
use unicode_normalization::UnicodeNormalization;

const CONTACT: &str = "山田 太郎";
const COMPANY: &str = "شركة النور";
const ASSET: &str = "מחשב-01";
const LYING: &str = "invoice_\u{202E}fdp.exe";
const GREEK_NOTE: &str = "Ο χρήστης λέει ότι ο υπολογιστής κλείνει μόνος του.";
/// A private-use code point no font draws: the report must say it could not print it.
const NO_FONT: char = '\u{10FFFD}';

/// A closed ticket for 山田 太郎 of شركة النور, on the laptop מחשב-01 and a second asset whose
/// hostname holds a right-to-left override; the caller's note is in Greek.
fn closed() -> (Desk, String) {
    let mut desk = Desk::new();
    let now = desk.now;
    let company = desk
        .store
        .add_company(
            &NewCompany {
                name: COMPANY.into(),
                tier: Tier::Gold,
                calendar: Calendar::AlwaysOn,
            },
            "admin",
            now,
        )
        .unwrap();
    let contact = desk
        .store
        .add_contact(
            &NewContact {
                company_id: company.id,
                name: CONTACT.into(),
                email: Some("yamada@nour.example".into()),
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            "admin",
            now,
        )
        .unwrap();
    let asset = |hostname: &str| NewAsset {
        company_id: company.id,
        hostname: hostname.into(),
        kind: "laptop".into(),
        serial: None,
        assigned_upn: None,
        rmm_id: None,
        rmm_url: None,
    };
    let laptop = desk.store.add_asset(&asset(ASSET), "admin", now).unwrap();
    let lying = desk.store.add_asset(&asset(LYING), "admin", now).unwrap();
    let id = desk.new_ticket();
    desk.step(
        id,
        1,
        json!({"contact": contact.id, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    desk.step(id, 2, json!({"assets": [laptop.id, lying.id]}))
        .unwrap();
    desk.step(
        id,
        3,
        json!({"impact": "user", "urgency": "blocked", "priority": "P2"}),
    )
    .unwrap();
    desk.step(id, 4, json!({})).unwrap();
    desk.step(
        id,
        5,
        json!({"problem_statement": format!("{CONTACT}: the laptop {ASSET} shuts down")}),
    )
    .unwrap();
    desk.step(id, 6, json!({"notes": GREEK_NOTE})).unwrap();
    for n in 7..=9 {
        desk.step(id, n, json!({"notes": "seen it fail"})).unwrap();
    }
    desk.step(id, 10, json!({"decision": b::RESOLVE_TIER1}))
        .unwrap();
    desk.step(
        id,
        12,
        json!({"notes": format!("renamed {LYING}, a zero\u{200B}width trick"), "infrastructure": b::NO_SHARED_INFRA}),
    )
    .unwrap();
    let sig = desk.signature(SignerRole::EndUser);
    desk.step(id, 13, json!({"outcome": b::VERIFIED, "signature": sig}))
        .unwrap();
    desk.step(id, 14, json!({"notes": format!("green {NO_FONT}")}))
        .unwrap();
    desk.step(
        id,
        15,
        json!({"root_cause": "overheating", "changes": "cleaned the fan"}),
    )
    .unwrap();
    desk.step(id, 16, json!({ "summary": SUMMARY })).unwrap();
    desk.step(id, 18, json!({"rating": 5})).unwrap();
    desk.add_time(id);
    desk.step(id, 19, json!({"breach_note": "none"})).unwrap();
    desk.step(id, 20, json!({"outcome": b::RUNBOOK_NOTHING_NEW}))
        .unwrap();
    let t = desk.close(id).unwrap();
    assert!(t.is_closed());
    (desk, t.number)
}

/// Whether `text` holds `word` as written or with its letters in the opposite order (a
/// right-to-left word may be extracted in either, depending on the reader's heuristics).
fn holds_either_way(text: &str, word: &str) -> bool {
    let reversed: String = word.chars().rev().collect();
    text.contains(word) || text.contains(&reversed)
}

#[test]
fn names_print_in_their_own_scripts_and_hidden_characters_are_marked() {
    let (desk, number) = closed();
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let input = desk.store.report_input(&number).unwrap();
    let pdf = report::render_signed(&input, &id, now()).unwrap();
    keep_artifact("scripts.pdf", &pdf);

    let v = report::verify_report_alone(&pdf);
    assert!(v.ok(), "the report no longer verifies: {v:?}");

    // Outside CI a missing pdftotext skips the text checks (with a message); in CI it fails.
    if !have("pdftotext") {
        eprintln!("SKIPPED the text checks: pdftotext is not installed (poppler-utils)");
        return;
    }
    let path = write(dir.path(), "scripts.pdf", &pdf);
    let (ok, text) = run(Command::new("pdftotext").arg(&path).arg("-"));
    assert!(ok, "pdftotext failed: {text}");

    // The override and the zero-width space are shown, never applied.
    assert!(text.contains("invoice_⟦U+202E⟧fdp.exe"), "{text}");
    assert!(text.contains("zero⟦U+200B⟧width"), "{text}");
    for hidden in ['\u{202E}', '\u{200B}', '\u{200E}', '\u{200F}'] {
        assert!(
            !text.contains(hidden),
            "U+{:04X} is in the text",
            hidden as u32
        );
    }

    // Every name is there in its own script, not as '?'.
    assert!(text.contains("山田") && text.contains("太郎"), "{text}");
    assert!(
        holds_either_way(&text, "מחשב"),
        "Hebrew name missing:\n{text}"
    );
    // Arabic may come out as presentation forms (the joined letters' glyphs): NFKC folds them.
    let folded: String = text.nfkc().collect();
    for word in COMPANY.split(' ') {
        assert!(
            holds_either_way(&folded, word),
            "Arabic word {word} missing:\n{folded}"
        );
    }
    assert!(text.contains("υπολογιστής"), "{text}");
    // The Japanese and right-to-left names came from system fonts, embedded as subsets.
    let (ok, fonts) = run(Command::new("pdffonts").arg(&path));
    assert!(ok && fonts.lines().count() > 4, "{fonts}");
    assert!(!text.contains("??"), "{text}");

    // The character no font has is printed as a marker and listed.
    assert!(text.contains("green ⟦U+10FFFD⟧"), "{text}");
    let listed = text.replace('\n', " ");
    assert!(
        listed.contains("could not print 1 character") && listed.contains(": U+10FFFD."),
        "{text}"
    );
}

#[test]
fn a_report_without_such_characters_lists_nothing_it_could_not_print() {
    let c = report_fixture::closed(false);
    let dir = tempfile::tempdir().unwrap();
    let id = identity(dir.path());
    let input = c.desk.store.report_input(&c.number).unwrap();
    let pdf = report::render_signed(&input, &id, now()).unwrap();
    if !have("pdftotext") {
        eprintln!("SKIPPED the text checks: pdftotext is not installed (poppler-utils)");
        return;
    }
    let path = write(dir.path(), "plain.pdf", &pdf);
    let (ok, text) = run(Command::new("pdftotext").arg(&path).arg("-"));
    assert!(ok, "{text}");
    assert!(text.contains("Zoë Ødegård"), "{text}");
    assert!(!text.contains("could not print"), "{text}");
    assert!(!text.contains('\u{27E6}'), "{text}");
    // No system font is embedded when the built-in faces draw everything.
    if have("pdffonts") {
        let (ok, fonts) = run(Command::new("pdffonts").arg(&path));
        assert!(ok, "{fonts}");
        let embedded: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(embedded.len(), 2, "{fonts}");
        assert!(embedded.iter().all(|l| l.contains("DejaVuSans")), "{fonts}");
    }
}
