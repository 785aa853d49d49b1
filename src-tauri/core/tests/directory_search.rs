//! Intake's type-aheads and the queue's search take the query literally: `_`, `%` and `\` in a
//! name, an email, a hostname or a problem are searched for as themselves, never dropped and
//! never wildcards.

mod common;

use common::Desk;
use ticketflow_core::directory::{NewAsset, NewContact};
use ticketflow_core::store::QueueQuery;

fn add_contact(d: &mut Desk, name: &str, email: &str) {
    let contact = NewContact {
        company_id: d.company.id,
        name: name.into(),
        email: Some(email.into()),
        phone: None,
        upn: None,
        authorized: true,
        terminated_on: None,
    };
    d.store.add_contact(&contact, "admin", d.now).unwrap();
}

fn add_asset(d: &mut Desk, hostname: &str) {
    let asset = NewAsset {
        company_id: d.company.id,
        hostname: hostname.into(),
        kind: "printer".into(),
        serial: None,
        assigned_upn: None,
        rmm_id: None,
        rmm_url: None,
    };
    d.store.add_asset(&asset, "admin", d.now).unwrap();
}

fn contacts(d: &Desk, query: &str) -> Vec<String> {
    let mut names: Vec<String> = d
        .store
        .search_contacts(query, 100)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    names.sort();
    names
}

fn assets(d: &Desk, query: &str) -> Vec<String> {
    d.store
        .search_assets(d.company.id, query, 100)
        .unwrap()
        .into_iter()
        .map(|a| a.hostname)
        .collect()
}

/// Jo Smith (jo_smith@…) and a decoy whose email differs from hers only where the `_` is.
fn desk_with_underscores() -> Desk {
    let mut d = Desk::new();
    add_contact(&mut d, "Jo Smith", "jo_smith@wideworld.example");
    add_contact(&mut d, "Joe Smith", "joesmith@wideworld.example");
    add_contact(&mut d, "Jo Xsmith", "joxsmith@wideworld.example");
    d
}

#[test]
fn an_underscore_in_the_query_finds_the_contact_that_has_it() {
    let d = desk_with_underscores();
    assert_eq!(contacts(&d, "jo_smith"), ["Jo Smith"]);
    assert_eq!(contacts(&d, "jo_smith@wideworld"), ["Jo Smith"]);
    assert_eq!(
        contacts(&d, "  JO_SMITH "),
        ["Jo Smith"],
        "trimmed, case-insensitive"
    );
}

#[test]
fn an_underscore_is_not_a_wildcard() {
    let d = desk_with_underscores();
    // As a wildcard `_` would match the `e` of joesmith and the `x` of joxsmith.
    assert_eq!(contacts(&d, "jo_smith"), ["Jo Smith"]);
    assert!(contacts(&d, "jo_xsmith").is_empty());
    assert!(
        contacts(&d, "___").is_empty(),
        "no name or email holds three underscores"
    );
}

#[test]
fn a_percent_sign_is_found_literally_and_does_not_match_everything() {
    let mut d = Desk::new();
    assert!(
        contacts(&d, "%").is_empty(),
        "no contact of the demo desk has a % anywhere"
    );
    assert!(contacts(&d, "da%es").is_empty(), "`%` is not a wildcard");
    add_contact(&mut d, "Sam 100% Remote", "sam.remote@contoso.example");
    assert_eq!(contacts(&d, "%"), ["Sam 100% Remote"]);
    assert_eq!(contacts(&d, "100% r"), ["Sam 100% Remote"]);
    assert!(contacts(&d, "100%%").is_empty());
}

#[test]
fn a_backslash_is_found_literally() {
    let mut d = Desk::new();
    add_contact(&mut d, "CORP\\jsmith", "jsmith@corp.example");
    // The escape character itself: a trailing `\` must not escape the closing wildcard.
    assert_eq!(contacts(&d, "corp\\"), ["CORP\\jsmith"]);
    assert_eq!(contacts(&d, "p\\j"), ["CORP\\jsmith"]);
    assert!(contacts(&d, "corp\\_").is_empty());
    assert!(contacts(&d, "corp\\%").is_empty());
}

#[test]
fn an_ordinary_query_still_matches_anywhere_in_name_or_email() {
    let d = desk_with_underscores();
    assert_eq!(
        contacts(&d, "smith"),
        ["Jo Smith", "Jo Xsmith", "Joe Smith"]
    );
    assert_eq!(contacts(&d, "WIDEWORLD.example").len(), 3);
    assert!(contacts(&d, "").len() >= 6, "an empty query lists contacts");
}

#[test]
fn asset_search_takes_underscore_and_percent_literally() {
    let mut d = Desk::new();
    add_asset(&mut d, "WWI_PRINT_01");
    add_asset(&mut d, "WWIXPRINT-02");
    add_asset(&mut d, "LAB-100%-03");
    assert_eq!(assets(&d, "WWI_PRINT"), ["WWI_PRINT_01"]);
    assert_eq!(assets(&d, "wwi_print_0"), ["WWI_PRINT_01"]);
    assert_eq!(assets(&d, "_"), ["WWI_PRINT_01"]);
    assert_eq!(assets(&d, "%"), ["LAB-100%-03"]);
    assert!(assets(&d, "WWI%PRINT").is_empty(), "`%` is not a wildcard");
    assert_eq!(assets(&d, "print").len(), 2);
}

#[test]
fn the_queue_search_takes_underscore_and_percent_literally() {
    let mut d = Desk::new();
    let mut opened = |problem: &str| {
        let id = d.intake();
        d.step(id, 5, serde_json::json!({ "problem_statement": problem }))
            .unwrap();
        id
    };
    let underscore = opened("Spooler on PRN_02 stopped");
    let _plain = opened("Spooler on PRNX02 stopped");
    let percent = opened("Disk at 100% on FS01");
    let found = |d: &Desk, q: &str| -> Vec<i64> {
        let query = QueueQuery {
            search: Some(q.into()),
            ..Default::default()
        };
        d.store
            .queue(&query, d.now)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect()
    };
    assert_eq!(found(&d, "PRN_02"), vec![underscore]);
    assert_eq!(found(&d, "100%"), vec![percent]);
    assert!(found(&d, "%").contains(&percent));
    assert_eq!(found(&d, "%").len(), 1, "% matches only itself");
}
