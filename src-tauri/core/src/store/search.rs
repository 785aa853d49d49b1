//! Full-text search over every document a technician may look for: ticket texts and runbooks.
//!
//! The index (`documents_fts`, migration 0004) is kept in sync by triggers, so writes need no
//! code here. Queries are user text: they are cut into words and each word quoted, so no input
//! can reach FTS5's query syntax; a trailing `*` on a word is the one operator, a prefix match.
//!
//! Ranking: bm25 needs every match of a term scanned (its IDF and a full sort), which costs
//! 60–180 ms for a term in 80,000 of a million documents. So only a small result set is ranked
//! by bm25; when a query matches more than [`CANDIDATES`] documents, or one of its words is very
//! common, the newest matches are taken (rowid order is creation order, which FTS5 walks
//! backwards without reading the rest), title matches first. Prefixes of up to five characters
//! have prefix indexes; longer ones of a common stem are found through the stem (`stem_matches`).

use super::{Durability, NewRunbookEntry, Store};
use crate::audit::{self, timestamp};
use crate::error::{Error, Result};
use crate::workflow::Change;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// Longest query accepted, in characters.
pub const SEARCH_QUERY_MAX_CHARS: usize = 500;
/// Words of a query beyond this many are ignored.
pub const SEARCH_TERMS_MAX: usize = 16;
/// Most hits one search returns.
pub const SEARCH_LIMIT_MAX: u32 = 100;
/// Largest result set ranked by bm25; larger ones are ranked among their newest this many.
pub const CANDIDATES: usize = 500;
/// Matches are counted up to this many; a search with more says "more than" it. The count is
/// the candidate list the ranking reads anyway, so it costs nothing extra.
pub const SEARCH_TOTAL_CAP: u32 = CANDIDATES as u32;
/// A word in more documents than this makes bm25 too slow for a multi-word query.
const COMMON_TERM_DOCS: i64 = 20_000;
/// The longest prefix with an index of its own (migration 0004: `prefix = '2 3 4 5'`).
const PREFIX_INDEX_MAX: usize = 5;
/// How many candidates of a common stem are checked for a longer prefix before leaving the
/// query to FTS5.
const STEM_CHECK_MAX: usize = 5_000;
/// Largest runbook import in one transaction.
pub const IMPORT_BATCH_MAX: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Ticket,
    Runbook,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DocumentHit {
    pub kind: DocumentKind,
    /// The ticket's or the runbook entry's id.
    pub id: i64,
    /// The ticket number ("T-000042"); `None` for runbooks.
    pub number: Option<String>,
    /// The problem statement of a ticket, the title of a runbook entry.
    pub title: String,
    /// A short excerpt of the text around the match, plain text on one line.
    pub snippet: String,
    /// `title` cut into parts, the words the query matched marked (for highlighting as text).
    pub title_marked: Vec<TextPart>,
    /// `snippet` cut the same way.
    pub snippet_marked: Vec<TextPart>,
}

/// A run of a text: either words the query matched (`mark`) or the text between them. Parts
/// are plain text; joined, they give the text back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TextPart {
    pub text: String,
    pub mark: bool,
}

/// One search's answer: the best hits, and how many documents match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct DocumentResults {
    pub hits: Vec<DocumentHit>,
    /// How many documents match; a lower bound when `more` is set.
    pub total: u32,
    /// More than `total` documents match (counting stops at [`SEARCH_TOTAL_CAP`]).
    pub more: bool,
}

/// One word of a query: its text (letters and digits only) and whether it is a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    text: String,
    prefix: bool,
}

impl Term {
    /// The FTS5 form: a quoted string (the text holds no quote), `*` after it for a prefix.
    fn fts(&self) -> String {
        format!("\"{}\"{}", self.text, if self.prefix { "*" } else { "" })
    }

    /// A prefix longer than the longest prefix index.
    fn long_prefix(&self) -> bool {
        self.prefix && self.text.chars().count() > PREFIX_INDEX_MAX
    }

    /// Whether a word of `text` is this term (or starts with it, for a prefix).
    fn found_in(&self, text: &str) -> bool {
        words(text).any(|w| {
            if self.prefix {
                w.starts_with(&self.text)
            } else {
                w == self.text
            }
        })
    }

    /// The stem form: a prefix longer than the longest prefix index is cut to it, so that it is
    /// a lookup rather than a merge of every matching term's list. Used to find candidates for
    /// long prefixes and to place snippets (which may then centre on a word with the stem).
    fn fts_stem(&self) -> String {
        if self.long_prefix() {
            let cut: String = self.text.chars().take(PREFIX_INDEX_MAX).collect();
            format!("\"{cut}\"*")
        } else {
            self.fts()
        }
    }
}

/// Cuts user text into words. Anything that is not a letter or digit separates words, the way
/// the index's tokenizer does, so quotes, operators, column filters and NULs never reach FTS5.
/// A `*` at the end of a word makes its last part a prefix (two characters at least, so a prefix
/// never means "every word starting with a").
fn terms(query: &str) -> Result<Vec<Term>> {
    if query.chars().count() > SEARCH_QUERY_MAX_CHARS {
        return Err(Error::invalid(
            "query",
            format!("longer than {SEARCH_QUERY_MAX_CHARS} characters"),
        ));
    }
    let mut out: Vec<Term> = Vec::new();
    for word in query.split(|c: char| c.is_whitespace() || c == '\0') {
        let prefix = word.ends_with('*');
        let parts: Vec<&str> = word
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect();
        for (i, part) in parts.iter().enumerate() {
            let term = Term {
                text: part.to_lowercase(),
                prefix: prefix && i + 1 == parts.len() && part.chars().count() >= 2,
            };
            if !out.contains(&term) {
                out.push(term);
            }
        }
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "query",
            "type at least one word to search for",
        ));
    }
    out.truncate(SEARCH_TERMS_MAX);
    Ok(out)
}

/// The limits `add_runbook_entry` applies (records.rs), for an imported entry.
fn check_import(e: &NewRunbookEntry) -> Result<()> {
    if e.title.trim().is_empty() || e.title.chars().count() > 300 {
        return Err(Error::invalid(
            "title",
            "is required (at most 300 characters)",
        ));
    }
    if e.body.chars().count() > 100_000 {
        return Err(Error::invalid("body", "longer than 100000 characters"));
    }
    Ok(())
}

/// `text` cut into parts at the words any term matches (as `Term::found_in` decides), each
/// marked or not; adjacent parts of one kind are merged. Diacritics are not folded, so a word
/// typed without its accents is found by the index but not marked here.
fn marked(text: &str, terms: &[Term]) -> Vec<TextPart> {
    let mut parts: Vec<TextPart> = Vec::new();
    let mut push = |piece: &str, mark: bool| {
        if piece.is_empty() {
            return;
        }
        match parts.last_mut() {
            Some(last) if last.mark == mark => last.text.push_str(piece),
            _ => parts.push(TextPart {
                text: piece.to_string(),
                mark,
            }),
        }
    };
    let mut rest = text;
    while let Some(start) = rest.find(char::is_alphanumeric) {
        push(&rest[..start], false);
        let word_len = rest[start..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let lower = word.to_lowercase();
        let hit = terms.iter().any(|t| {
            if t.prefix {
                lower.starts_with(&t.text)
            } else {
                lower == t.text
            }
        });
        push(word, hit);
        rest = &rest[start + word_len..];
    }
    push(rest, false);
    parts
}

/// Whitespace (line breaks included) folded to single spaces.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The document rowids for a query, best first: bm25 over a small result set, else the newest
/// candidates with title matches first. Also how many documents match, up to
/// `CANDIDATES + 1` (more than [`CANDIDATES`] means "more than that").
fn fts_ranked(
    conn: &Connection,
    terms: &[Term],
    fts: &str,
    limit: usize,
) -> Result<(Vec<i64>, usize)> {
    let newest: Vec<i64> = {
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1
             ORDER BY rowid DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts, CANDIDATES as i64 + 1], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let matched = newest.len();
    if newest.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let small = newest.len() <= CANDIDATES;
    if small && (terms.len() == 1 || !any_common(conn, terms.iter().map(Term::fts))?) {
        // Few matches: bm25 over all of them, titles weighing four times the text.
        let mut stmt = conn.prepare_cached(
            "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1
             ORDER BY bm25(documents_fts, 4.0, 1.0), rowid DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![fts, limit as i64], |r| r.get(0))?;
        return Ok((rows.collect::<rusqlite::Result<_>>()?, matched));
    }
    // Many matches: the newest candidates, those matching in the title first.
    let candidates = &newest[..newest.len().min(CANDIDATES)];
    let oldest = candidates.last().copied().unwrap_or(0);
    let in_title = format!("title : ({fts})");
    let mut stmt = conn.prepare_cached(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1 AND rowid >= ?2
         ORDER BY rowid DESC LIMIT ?3",
    )?;
    let titled: Vec<i64> = stmt
        .query_map(params![in_title, oldest, limit as i64], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut ids = titled.clone();
    ids.extend(
        candidates
            .iter()
            .filter(|id| !titled.contains(id))
            .take(limit.saturating_sub(titled.len())),
    );
    Ok((ids, matched))
}

/// Whether any of these FTS5 expressions matches more than [`COMMON_TERM_DOCS`] documents.
fn any_common(conn: &Connection, exprs: impl Iterator<Item = String>) -> Result<bool> {
    let mut stmt = conn.prepare_cached(
        "SELECT 1 FROM documents_fts WHERE documents_fts MATCH ?1 LIMIT 1 OFFSET ?2",
    )?;
    for e in exprs {
        if stmt
            .query_row(params![e, COMMON_TERM_DOCS], |_| Ok(()))
            .optional()?
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Words of a text as the index sees them, near enough: runs of letters and digits, lowercased
/// (diacritics are not folded here).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Prefixes longer than five characters have no index of their own, and FTS5 merges the lists
/// of every term they match before returning a row: 80–125 ms for "printe*" in a million
/// documents. When such a prefix's five-character stem is common, the query runs on the stem
/// (an index lookup) and the newest candidates are checked against the full prefix here.
/// Returns the matches, newest first, each with whether its title holds every word; `None`
/// leaves the query to FTS5 (an uncommon stem, cheap to merge; or a prefix too rare among its
/// stem's documents to find by checking candidates).
fn stem_matches(
    conn: &Connection,
    terms: &[Term],
    stemmed: &str,
) -> Result<Option<Vec<(i64, bool)>>> {
    let long: Vec<&Term> = terms.iter().filter(|t| t.long_prefix()).collect();
    if long.is_empty() || !any_common(conn, long.iter().map(|t| t.fts_stem()))? {
        return Ok(None);
    }
    let mut chunk = conn.prepare_cached(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1 AND rowid < ?2
         ORDER BY rowid DESC LIMIT 500",
    )?;
    let mut doc = conn.prepare_cached("SELECT title, body FROM documents WHERE id = ?1")?;
    let (mut found, mut before, mut checked) = (Vec::new(), i64::MAX, 0);
    while checked < STEM_CHECK_MAX {
        let ids: Vec<i64> = chunk
            .query_map(params![stemmed, before], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if ids.is_empty() {
            return Ok(Some(found));
        }
        checked += ids.len();
        for id in ids {
            before = id;
            let (title, body): (String, String) =
                doc.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if long.iter().all(|t| t.found_in(&title) || t.found_in(&body)) {
                found.push((id, terms.iter().all(|t| t.found_in(&title))));
                if found.len() >= CANDIDATES {
                    return Ok(Some(found));
                }
            }
        }
    }
    Ok(None)
}

impl Store {
    /// Searches ticket texts and runbooks. Words must all match (a trailing `*` makes a word a
    /// prefix); at most `limit` hits (1 to [`SEARCH_LIMIT_MAX`]), best first. An empty or oversize
    /// query is `INVALID_INPUT`.
    pub fn search_documents(&self, query: &str, limit: u32) -> Result<Vec<DocumentHit>> {
        Ok(self.document_search(query, limit)?.hits)
    }

    /// As [`Store::search_documents`], with how many documents match in all (counted up to
    /// [`SEARCH_TOTAL_CAP`]), for "the first 50 of N".
    pub fn document_search(&self, query: &str, limit: u32) -> Result<DocumentResults> {
        let terms = terms(query)?;
        let limit = limit.clamp(1, SEARCH_LIMIT_MAX) as usize;
        let fts = terms.iter().map(Term::fts).collect::<Vec<_>>().join(" ");
        let placed = terms
            .iter()
            .map(Term::fts_stem)
            .collect::<Vec<_>>()
            .join(" ");
        let conn = self.conn();
        let (ranked, matched): (Vec<i64>, usize) = match stem_matches(conn, &terms, &placed)? {
            Some(found) => {
                // The check stops at CANDIDATES matches: as many means there may be more.
                let matched = if found.len() >= CANDIDATES {
                    CANDIDATES + 1
                } else {
                    found.len()
                };
                let found = &found[..found.len().min(CANDIDATES)];
                let titled = found.iter().filter(|(_, in_title)| *in_title);
                let rest = found.iter().filter(|(_, in_title)| !*in_title);
                let ids = titled.chain(rest).map(|(id, _)| *id).take(limit).collect();
                (ids, matched)
            }
            None => fts_ranked(conn, &terms, &fts, limit)?,
        };
        let mut snippet = conn.prepare_cached(
            "SELECT snippet(documents_fts, 1, '', '', '…', 16) FROM documents_fts
             WHERE documents_fts MATCH ?1 AND rowid = ?2",
        )?;
        let mut doc = conn.prepare_cached(
            "SELECT d.kind, d.ref_id, d.title, t.number FROM documents d
             LEFT JOIN tickets t ON d.kind = 'ticket' AND t.id = d.ref_id WHERE d.id = ?1",
        )?;
        let mut hits = Vec::with_capacity(ranked.len());
        for id in ranked {
            let (kind, ref_id, title, number): (String, i64, String, Option<String>) =
                doc.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            let text: String = snippet
                .query_row(params![placed, id], |r| r.get(0))
                .optional()?
                .unwrap_or_default();
            let (title, snippet) = (one_line(&title), one_line(&text));
            hits.push(DocumentHit {
                kind: if kind == "ticket" {
                    DocumentKind::Ticket
                } else {
                    DocumentKind::Runbook
                },
                id: ref_id,
                number,
                title_marked: marked(&title, &terms),
                snippet_marked: marked(&snippet, &terms),
                title,
                snippet,
            });
        }
        let more = matched > CANDIDATES;
        Ok(DocumentResults {
            hits,
            total: if more {
                SEARCH_TOTAL_CAP
            } else {
                matched as u32
            },
            more,
        })
    }

    /// How many documents the index holds (tickets and runbook entries).
    pub fn document_count(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?)
    }

    /// Merges the full-text indexes into one segment each, after a bulk load: queries then read
    /// one b-tree per term instead of one per load batch.
    pub fn optimize_search_index(&mut self) -> Result<()> {
        self.write(Durability::Normal, |tx| {
            tx.execute(
                "INSERT INTO documents_fts (documents_fts) VALUES ('optimize')",
                [],
            )?;
            tx.execute(
                "INSERT INTO runbook_fts (runbook_fts) VALUES ('optimize')",
                [],
            )?;
            Ok(())
        })
    }

    /// Imports many runbook entries at once (a client's IT Glue / Hudu export, demo data): one
    /// transaction and one audit event for the whole batch, each entry checked as
    /// `add_runbook_entry` checks it. Returns the new entries' ids.
    pub fn import_runbook_entries(
        &mut self,
        entries: &[NewRunbookEntry],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        let actor = super::check_actor(actor)?;
        if entries.len() > IMPORT_BATCH_MAX {
            return Err(Error::invalid(
                "entries",
                format!("more than {IMPORT_BATCH_MAX} in one import"),
            ));
        }
        for e in entries {
            check_import(e)?;
        }
        self.write(Durability::Normal, |tx| {
            let mut company = tx.prepare_cached("SELECT 1 FROM companies WHERE id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO runbook_entries (company_id, title, body, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )?;
            let at = timestamp(now);
            let mut ids = Vec::with_capacity(entries.len());
            let mut known = std::collections::HashSet::new();
            for e in entries {
                if !known.contains(&e.company_id) {
                    super::found(
                        company.query_row([e.company_id], |_| Ok(())),
                        "company",
                        e.company_id,
                    )?;
                    known.insert(e.company_id);
                }
                insert.execute(params![e.company_id, e.title, e.body, at])?;
                ids.push(tx.last_insert_rowid());
            }
            if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
                audit::append(
                    tx,
                    None,
                    actor,
                    now,
                    &Change::new(
                        "runbook_entries_imported",
                        json!(null),
                        json!({"count": ids.len(), "first_id": first, "last_id": last}),
                    ),
                )?;
            }
            Ok(ids)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runbook_hits(store: &Store, q: &str) -> Vec<String> {
        store
            .search_documents(q, 10)
            .unwrap()
            .into_iter()
            .map(|h| h.title)
            .collect()
    }

    /// No command edits or deletes a runbook entry yet (imports and the IT Glue sync will); the
    /// triggers must keep the index right when one does.
    #[test]
    fn runbook_updates_and_deletes_reach_the_index() {
        let mut store = Store::open_in_memory().unwrap();
        let now = crate::demo::anchor();
        crate::demo::generate(&mut store, 0, 1, |_, _| {}).unwrap();
        let company_id = store.companies().unwrap()[0].id;
        let ids = store
            .import_runbook_entries(
                &[NewRunbookEntry {
                    company_id,
                    title: "Legacy fax gateway".into(),
                    body: "Restart the modem bank".into(),
                }],
                "test",
                now,
            )
            .unwrap();
        assert_eq!(runbook_hits(&store, "modem"), vec!["Legacy fax gateway"]);
        store
            .conn()
            .execute(
                "UPDATE runbook_entries SET title = 'SIP trunk', body = 'Fax moved to the cloud' WHERE id = ?1",
                [ids[0]],
            )
            .unwrap();
        assert!(runbook_hits(&store, "modem").is_empty());
        assert_eq!(runbook_hits(&store, "cloud"), vec!["SIP trunk"]);
        store
            .conn()
            .execute("DELETE FROM runbook_entries WHERE id = ?1", [ids[0]])
            .unwrap();
        assert!(runbook_hits(&store, "cloud").is_empty());
        let check: rusqlite::Result<()> = store.conn().execute_batch(
            "INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)",
        );
        check.unwrap();
    }

    /// Step records append their paragraphs as they come; that must equal the text computed
    /// from all current records (as the backfill and a supersede compute it).
    #[test]
    fn appended_ticket_text_equals_the_recomputed_text() {
        let mut store = Store::open_in_memory().unwrap();
        crate::demo::generate(&mut store, 150, 5, |_, _| {}).unwrap();
        let sql = include_str!("../../migrations/0004_documents_fts.sql");
        let start = sql
            .find("SELECT 'ticket', tk.id, tk.problem, coalesce(")
            .unwrap();
        let end = sql[start..].find("FROM tickets tk").unwrap();
        let recompute = format!(
            "SELECT tk.id, {}, d.body FROM tickets tk JOIN documents d ON d.kind = 'ticket' AND d.ref_id = tk.id",
            sql[start..start + end]
                .trim_start_matches("SELECT 'ticket', tk.id, tk.problem, ")
                .trim_end()
                .trim_end_matches(", tk.created_at")
        );
        let rows: Vec<(i64, String, String)> = store
            .conn()
            .prepare(&recompute)
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 150);
        let superseded: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM step_records WHERE superseded = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(superseded > 0, "the demo reopens some tickets");
        for (id, want, got) in rows {
            assert_eq!(got, want, "ticket {id}");
        }
    }

    #[test]
    fn matched_words_are_marked_and_the_parts_give_the_text_back() {
        let terms = terms("printer OFF* wi-fi").unwrap();
        let text = "The Printer went offline; wi-fi <img src=x onerror=alert(1)> printers";
        let parts = marked(text, &terms);
        assert_eq!(
            parts.iter().map(|p| p.text.as_str()).collect::<String>(),
            text
        );
        let marks: Vec<&str> = parts
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        // "printers" is not "printer" (no prefix asked for); "offline" is a prefix match; "wi-fi"
        // is two words, as the index sees it; the markup stays text in an unmarked part.
        assert_eq!(marks, vec!["Printer", "offline", "wi", "fi"]);
        assert!(parts
            .iter()
            .any(|p| !p.mark && p.text.contains("<img src=x onerror=alert(1)>")));
        assert!(marked("", &terms).is_empty());
        assert_eq!(
            marked("no match here", &terms),
            vec![TextPart {
                text: "no match here".into(),
                mark: false
            }]
        );
    }

    #[test]
    fn queries_become_quoted_words() {
        let q = |s: &str| {
            terms(s)
                .unwrap()
                .iter()
                .map(Term::fts)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(
            q("VPN \"split\" OR tun*"),
            "\"vpn\" \"split\" \"or\" \"tun\"*"
        );
        assert_eq!(q("wi-fi* a* a"), "\"wi\" \"fi\"* \"a\"");
        assert_eq!(q("x\0y"), "\"x\" \"y\"");
        assert_eq!(terms(&"w ".repeat(200)).unwrap().len(), 1);
        assert_eq!(
            terms(&(0..30).map(|i| format!("w{i} ")).collect::<String>())
                .unwrap()
                .len(),
            SEARCH_TERMS_MAX
        );
        for bad in ["", " \t", "\"*()", &"a".repeat(SEARCH_QUERY_MAX_CHARS + 1)] {
            assert_eq!(terms(bad).unwrap_err().code(), "INVALID_INPUT", "{bad:?}");
        }
    }
}
