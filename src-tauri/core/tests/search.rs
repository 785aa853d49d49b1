//! Full-text search over ticket texts and runbooks (`Store::search_documents`): what it finds, how
//! it ranks, that user text can never break it, and that the index follows every write.

mod common;

use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::store::{
    DocumentHit, DocumentKind, NewRunbookEntry, Store, TextPart, CANDIDATES, SEARCH_TOTAL_CAP,
};

fn runbook(d: &mut Desk, title: &str, body: &str) -> i64 {
    let now = d.tick(1);
    let company_id = d.company.id;
    d.store
        .add_runbook_entry(
            &NewRunbookEntry {
                company_id,
                title: title.into(),
                body: body.into(),
            },
            TECH,
            now,
        )
        .unwrap()
        .id
}

fn search(store: &Store, q: &str) -> Vec<DocumentHit> {
    store
        .search_documents(q, 20)
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

fn ids(hits: &[DocumentHit]) -> Vec<(DocumentKind, i64)> {
    hits.iter().map(|h| (h.kind, h.id)).collect()
}

#[test]
fn finds_tickets_and_runbooks_with_number_title_and_snippet() {
    let mut d = Desk::new();
    let id = d.intake();
    d.step(
        id,
        5,
        json!({"problem_statement": "Scanner on floor 3 rejects badges"}),
    )
    .unwrap();
    d.step(
        id,
        6,
        json!({"notes": "Reproduced with two badges.\nThe firmware log shows checksum errors."}),
    )
    .unwrap();
    let rb = runbook(
        &mut d,
        "Badge scanner firmware",
        "Flash the scanner firmware from the vendor portal, then re-enrol every badge.",
    );
    let hits = search(&d.store, "firmware");
    assert_eq!(hits.len(), 2, "{hits:?}");
    let t = hits
        .iter()
        .find(|h| h.kind == DocumentKind::Ticket)
        .unwrap();
    assert_eq!(t.id, id);
    assert_eq!(t.number.as_deref(), Some("T-000001"));
    assert_eq!(t.title, "Scanner on floor 3 rejects badges");
    assert!(t.snippet.contains("firmware log"), "{:?}", t.snippet);
    assert!(!t.snippet.contains('\n'), "one line: {:?}", t.snippet);
    let r = hits
        .iter()
        .find(|h| h.kind == DocumentKind::Runbook)
        .unwrap();
    assert_eq!((r.id, r.number.as_deref()), (rb, None));
    assert_eq!(r.title, "Badge scanner firmware");
    // The matched word is marked in the title and the snippet, as text parts.
    let marked = |parts: &[TextPart]| -> Vec<String> {
        parts
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.clone())
            .collect()
    };
    assert_eq!(marked(&r.title_marked), vec!["firmware"]);
    assert!(marked(&t.snippet_marked).iter().all(|w| w == "firmware"));
    assert!(
        !marked(&t.snippet_marked).is_empty(),
        "{:?}",
        t.snippet_marked
    );
    let joined: String = t.snippet_marked.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(joined, t.snippet, "the parts are the snippet, cut");
    // Every word must match, in any case, with diacritics folded.
    assert_eq!(
        ids(&search(&d.store, "FIRMWARE checksum")),
        vec![(DocumentKind::Ticket, id)]
    );
    assert_eq!(
        ids(&search(&d.store, "fírmwäre vendor")),
        vec![(DocumentKind::Runbook, rb)]
    );
    assert!(search(&d.store, "firmware toaster").is_empty());
    // Step values that are not paragraphs (lists, ids) are not ticket text.
    assert!(search(&d.store, "blocked").is_empty());
}

#[test]
fn ranking_puts_title_matches_first_and_limit_caps_the_hits() {
    let mut d = Desk::new();
    let mut body_only = Vec::new();
    for i in 0..30 {
        body_only.push(runbook(
            &mut d,
            &format!("Entry {i}"),
            "Mentions the proxy once among many other words about the office network.",
        ));
    }
    let titled = runbook(
        &mut d,
        "Proxy settings",
        "How the office network is set up.",
    );
    let hits = d.store.search_documents("proxy", 5).unwrap();
    assert_eq!(hits.len(), 5);
    assert_eq!(
        hits[0].id, titled,
        "a title match outranks body matches: {hits:?}"
    );
    assert_eq!(d.store.search_documents("proxy", 0).unwrap().len(), 1);
    assert_eq!(d.store.search_documents("proxy", 10_000).unwrap().len(), 31);
    // "The first 5 of 31": the total counts every match, not only the hits returned.
    let results = d.store.document_search("proxy", 5).unwrap();
    assert_eq!(
        (results.hits.len(), results.total, results.more),
        (5, 31, false)
    );
    let none = d.store.document_search("teleporter", 5).unwrap();
    assert_eq!((none.hits.len(), none.total, none.more), (0, 0, false));
    // Ties (same text) go to the newest document.
    let rest: Vec<i64> = hits[1..].iter().map(|h| h.id).collect();
    assert_eq!(
        rest,
        body_only.iter().rev().take(4).copied().collect::<Vec<_>>()
    );
}

#[test]
fn a_word_in_more_documents_than_the_candidate_cap_ranks_the_newest_title_matches_first() {
    let mut d = Desk::new();
    let n = CANDIDATES + 20;
    let batch: Vec<NewRunbookEntry> = (0..n)
        .map(|i| NewRunbookEntry {
            company_id: d.company.id,
            title: if i % 100 == 7 {
                format!("Printer {i}")
            } else {
                format!("Entry {i}")
            },
            body: format!("Common words about the printer, number {i}."),
        })
        .collect();
    let now = d.now;
    let ids = d.store.import_runbook_entries(&batch, TECH, now).unwrap();
    assert_eq!(ids.len(), n);
    let hits = d.store.search_documents("printer", 8).unwrap();
    let got: Vec<i64> = hits.iter().map(|h| h.id).collect();
    // Title matches among the newest candidates (entry 7 is older than the oldest candidate,
    // entry 20, so it is not one), then the newest body matches.
    let mut want: Vec<i64> = [507, 407, 307, 207, 107].iter().map(|i| ids[*i]).collect();
    want.extend([ids[n - 1], ids[n - 2], ids[n - 3]]);
    assert_eq!(got, want);
    // More matches than are counted: "more than" the cap, never a made-up exact figure.
    let results = d.store.document_search("printer", 8).unwrap();
    assert_eq!((results.total, results.more), (SEARCH_TOTAL_CAP, true));
    // A common word with a rare one: few matches, found and ranked.
    let hits = d.store.search_documents("printer 313", 8).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[313]]
    );
}

#[test]
fn a_trailing_star_makes_a_prefix_and_nothing_else_does() {
    let mut d = Desk::new();
    let a = runbook(&mut d, "Network switch", "Core switch in the server room");
    let b = runbook(&mut d, "Networking basics", "VLANs and subnets");
    let both = search(&d.store, "netw*");
    assert_eq!(both.len(), 2);
    assert_eq!(
        ids(&search(&d.store, "network")),
        vec![(DocumentKind::Runbook, a)]
    );
    assert_eq!(
        ids(&search(&d.store, "networking")),
        vec![(DocumentKind::Runbook, b)]
    );
    assert!(
        search(&d.store, "netw").is_empty(),
        "no star, whole words only"
    );
    assert_eq!(search(&d.store, "ne*").len(), 2, "two-character prefix");
    // A one-character prefix is taken as a word, not as "everything starting with s".
    assert!(search(&d.store, "s*").is_empty());
    // A star inside a word or before it is not an operator.
    assert_eq!(search(&d.store, "*switch").len(), 1);
    assert_eq!(search(&d.store, "sw*tch").len(), 0);
}

#[test]
fn hostile_query_text_gets_results_or_a_coded_error_never_a_panic() {
    let mut d = Desk::new();
    runbook(
        &mut d,
        "VPN split tunnel",
        "Accounting app needs split tunnelling",
    );
    let long = "vpn ".repeat(2_500);
    let hostile: Vec<String> = [
        "\"",
        "\"vpn\"",
        "vpn\" OR \"",
        "vpn AND (",
        "NEAR(vpn split, 2)",
        "title:vpn",
        "{title body}: vpn",
        "vpn NOT split",
        "-vpn",
        "^vpn",
        "vpn +",
        "*",
        "**",
        "vpn*\"*",
        "vpn\0split",
        "\0",
        "'; DROP TABLE documents; --",
        "%_%",
        "😀 vpn",
        "ﷺ ǅ ⅷ ٣",
        "a\u{301}",
        "\u{200b}vpn\u{200b}",
        &"x".repeat(500),
        &long,
        &"ä".repeat(10_000),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for q in &hostile {
        match d.store.search_documents(q, 10) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.code(), "INVALID_INPUT", "{q:?}: {e}"),
        }
    }
    // Quotes, operators and control characters only separate words.
    for q in [
        "\"vpn\"",
        "-vpn",
        "^vpn",
        "vpn +",
        "(vpn)",
        "vpn:split",
        "vpn\0split",
        "\u{200b}vpn\u{200b}",
    ] {
        assert_eq!(search(&d.store, q).len(), 1, "{q:?}");
    }
    // Operator keywords are plain words that must match like any other.
    for q in [
        "vpn NOT split",
        "vpn OR x",
        "NEAR(vpn split, 2)",
        "title:vpn",
    ] {
        assert!(search(&d.store, q).is_empty(), "{q:?}");
    }
    // Nothing to search for, or too much: a coded error.
    for q in ["", "   ", "\"", "*", "\0", "()", long.as_str()] {
        let e = d.store.search_documents(q, 10).unwrap_err();
        assert_eq!(e.code(), "INVALID_INPUT", "{q:?}");
    }
    // Many words: the first ones are used, no error.
    let many = (0..40)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(d.store.search_documents(&many, 10).unwrap().is_empty());
}

#[test]
fn the_index_follows_ticket_edits() {
    let mut d = Desk::new();
    let id = d.intake();
    let ticket = (DocumentKind::Ticket, id);
    assert!(search(&d.store, "kerberos").is_empty());
    d.step(
        id,
        5,
        json!({"problem_statement": "Kerberos tickets expire early"}),
    )
    .unwrap();
    assert_eq!(ids(&search(&d.store, "kerberos")), vec![ticket]);
    assert_eq!(
        search(&d.store, "kerberos")[0].title,
        "Kerberos tickets expire early"
    );
    d.step(
        id,
        6,
        json!({"notes": "Clock skew on the domain controller"}),
    )
    .unwrap();
    assert_eq!(ids(&search(&d.store, "skew")), vec![ticket]);
    // Completing the step again supersedes its notes: the old words leave the index.
    d.step(id, 6, json!({"notes": "Time service was stopped"}))
        .unwrap();
    assert!(search(&d.store, "skew").is_empty());
    assert_eq!(ids(&search(&d.store, "stopped")), vec![ticket]);
    for n in 7..=9 {
        d.step(id, n, json!({"notes": format!("note {n} zanzibar")}))
            .unwrap();
    }
    assert_eq!(ids(&search(&d.store, "zanzibar")), vec![ticket]);
    // A closed ticket stays findable, with its closure notes.
    let closing = d.ready_to_close();
    d.close(closing).unwrap();
    let closed = d.store.ticket(closing).unwrap();
    assert!(closed.is_closed());
    let notes = closed.value(21, "closure_notes").unwrap();
    let word = notes
        .as_str()
        .unwrap()
        .split_whitespace()
        .max_by_key(|w| w.len())
        .unwrap()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    assert!(
        ids(&search(&d.store, &word)).contains(&(DocumentKind::Ticket, closing)),
        "closure notes {notes} searchable by {word:?}"
    );
}

#[test]
fn bulk_import_is_searchable_and_checked_like_single_entries() {
    let mut d = Desk::new();
    let now = d.now;
    let entry = |company_id, title: &str| NewRunbookEntry {
        company_id,
        title: title.into(),
        body: "imported body".into(),
    };
    let ids = d
        .store
        .import_runbook_entries(
            &[
                entry(d.company.id, "Alpha"),
                entry(d.other_company.id, "Beta"),
            ],
            TECH,
            now,
        )
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(search(&d.store, "imported").len(), 2);
    for bad in [
        vec![entry(d.company.id, "Gamma"), entry(999, "Ghost")],
        vec![entry(d.company.id, "Gamma"), entry(d.company.id, " ")],
    ] {
        let e = d.store.import_runbook_entries(&bad, TECH, now).unwrap_err();
        assert!(matches!(e.code(), "NOT_FOUND" | "INVALID_INPUT"), "{e}");
    }
    assert!(
        search(&d.store, "gamma").is_empty(),
        "a refused import writes nothing"
    );
    assert!(d.store.verify_audit().is_ok());
}

#[test]
fn demo_documents_are_deterministic_and_have_rare_medium_and_common_words() {
    let make = || {
        let mut s = Store::open_in_memory().unwrap();
        ticketflow_core::demo::generate(&mut s, 0, 3, |_, _| {}).unwrap();
        let mut steps = Vec::new();
        let n = ticketflow_core::demo::generate_documents(
            &mut s,
            3_000,
            3,
            ticketflow_core::demo::anchor(),
            |done, total| steps.push((done, total)),
        )
        .unwrap();
        assert_eq!(n, 3_000);
        assert_eq!(steps.last(), Some(&(3_000, 3_000)));
        s
    };
    let (a, b) = (make(), make());
    let words = ticketflow_core::demo::document_vocabulary();
    let count = |s: &Store, q: &str| s.search_documents(q, 100).unwrap().len();
    let first = |s: &Store, q: &str| {
        s.search_documents(q, 5)
            .unwrap()
            .into_iter()
            .map(|h| (h.id, h.title, h.snippet))
            .collect::<Vec<_>>()
    };
    for q in [words[0].as_str(), words[300].as_str(), "kb00*"] {
        assert_eq!(first(&a, q), first(&b, q), "same seed, same documents: {q}");
    }
    assert_eq!(
        count(&a, &words[0]),
        100,
        "the most common word is everywhere"
    );
    let rare: usize = (0..50)
        .map(|i| count(&a, &ticketflow_core::demo::document_rare_ref(i)))
        .sum();
    assert!(rare < 20, "rare references are rare: {rare} hits for 50");
    let medium = count(&a, &words[400]);
    assert!((1..100).contains(&medium), "medium word: {medium}");
}

#[test]
fn migration_backfills_existing_tickets_and_runbooks() {
    let dir = tempfile::tempdir().unwrap();
    let dst = dir.path().join("t.db");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.db"),
        &dst,
    )
    .unwrap();
    let store = Store::open(&dst).unwrap();
    // The fixture's demo runbooks ("… VPN and conditional access exceptions") and its tickets'
    // problem statements and step notes were written before the index existed.
    let runbooks = search(&store, "conditional access");
    assert!(
        runbooks.len() >= 5 && runbooks.iter().all(|h| h.kind == DocumentKind::Runbook),
        "{runbooks:?}"
    );
    let tickets = search(&store, "screenshots");
    assert!(!tickets.is_empty());
    assert!(tickets
        .iter()
        .all(|h| h.kind == DocumentKind::Ticket && h.number.is_some()));
    assert!(tickets.iter().all(|h| !h.title.is_empty()), "{tickets:?}");
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn long_prefixes_of_a_common_stem_are_checked_word_by_word() {
    let mut d = Desk::new();
    // More documents under the stem "print" than a common word has (20,000).
    let batch: Vec<NewRunbookEntry> = (0..20_100)
        .map(|i| NewRunbookEntry {
            company_id: d.company.id,
            title: format!("Entry {i}"),
            body: match i {
                20_050 => "Reprinting is not printing".to_string(),
                i if i % 5_000 == 3 => format!("The printing press {i}"),
                i if i % 2 == 0 => format!("The office printer {i}"),
                _ => format!("The printout tray {i}"),
            },
        })
        .collect();
    let now = d.now;
    let ids = d.store.import_runbook_entries(&batch, TECH, now).unwrap();
    let hits = d.store.search_documents("printe*", 10).unwrap();
    let got: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let want: Vec<i64> = (0..20_100)
        .rev()
        .filter(|i| i % 2 == 0 && *i != 20_050 && i % 5_000 != 3)
        .take(10)
        .map(|i| ids[i])
        .collect();
    assert_eq!(
        got, want,
        "the newest documents with a word starting with printe"
    );
    assert!(hits[0].snippet.contains("printer"), "{:?}", hits[0].snippet);
    // Found by checking candidates, the count stops where the check stops.
    let counted = d.store.document_search("printe*", 10).unwrap();
    assert_eq!((counted.total, counted.more), (SEARCH_TOTAL_CAP, true));
    // Rare within the stem: too few among the candidates checked, so FTS5 merges the lists.
    let hits = d.store.search_documents("printi*", 10).unwrap();
    let mut got: Vec<i64> = hits.iter().map(|h| h.id).collect();
    got.sort();
    let mut want: Vec<i64> = [3, 5_003, 10_003, 15_003, 20_003, 20_050]
        .iter()
        .map(|i| ids[*i])
        .collect();
    want.sort();
    assert_eq!(got, want);
    // With another word.
    let hits = d.store.search_documents("printou* 20099", 10).unwrap();
    assert_eq!(
        hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![ids[20_099]]
    );
}
