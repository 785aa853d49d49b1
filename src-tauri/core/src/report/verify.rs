//! Verifying a closure report (or a QBR pack), alone or against the desk that issued it.
//!
//! A QBR pack (its document info has [`super::INFO_QBR`]) is checked the same way: its
//! signature, its attached figures against the hash it prints, and its history anchor (the event
//! its figures were read at, and the checkpoint over it); against a desk, also that the desk
//! still stores every sealed record the figures were read from, and still holds that history.
//!
//! Alone ([`verify_report_alone`]): (1) its PAdES signature is intact and covers the whole file,
//! (2) the attached record hashes to the record hash it prints, and (3) its history anchor holds:
//! the seal event it carries hashes to itself and names that record hash, and the checkpoint it
//! carries is signed by the report's own key over a head that includes the seal.
//!
//! Against a desk ([`verify_report`]) also: the signing certificate was issued by the desk's root,
//! the desk still stores that record, and the desk's history still holds the seal event and the
//! checkpoint (its whole chain verifying). [`Verification::verdict`] tells the two failures apart:
//! the report was altered (or is not this desk's), or the report is authentic and the desk's
//! database changed after it was issued, naming the first event found to differ.
//!
//! The file is untrusted until (1) and (2) hold, and those two read it with a few bounded scans
//! of our own (`signing::verify_pdf`): lopdf's parser allocates from sizes the file states (an
//! absurd cross-reference `/W` width made it try to allocate ~100 TB and abort) and recurses into
//! nested objects, so it never sees a file this installation did not sign. Even then it gets bounded
//! input only (`bounded_for_parser`, decompression limits), in case the signing key leaks.

use super::{
    Anchor, HistoryAnchor, QbrSubject, INFO_ANCHOR, INFO_QBR, INFO_RECORD_HASH, INFO_TICKET,
};
use crate::audit;
use crate::canonical::sha256_hex;
use crate::checkpoint;
use crate::error::Result;
use crate::signing::{self, issued_by, Certificates};
use crate::store::Store;
use lopdf::{Document, LoadOptions, Object};
use x509_cert::Certificate;

/// One verified property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
    /// A check of the desk's database rather than of the file.
    pub of_desk: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// The ticket the report names, when readable; for a QBR pack, what it covers ("QBR of
    /// Alpine Dental, 2026-01-01 to 2026-03-31").
    pub ticket: Option<String>,
    pub checks: Vec<Check>,
}

/// What a verification concludes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check held.
    Verified,
    /// The file fails on its own, or was not signed by this desk.
    ReportAltered,
    /// The file is authentic and this desk's; the desk's database changed after it was issued.
    DeskChanged,
}

impl Verification {
    /// True when every check holds.
    pub fn ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    pub fn verdict(&self) -> Verdict {
        if self.ok() {
            Verdict::Verified
        } else if self.checks.iter().any(|c| !c.ok && !c.of_desk) {
            Verdict::ReportAltered
        } else {
            Verdict::DeskChanged
        }
    }

    fn push(&mut self, name: &'static str, outcome: std::result::Result<String, String>) {
        self.push_as(name, false, outcome);
    }

    fn push_as(
        &mut self,
        name: &'static str,
        of_desk: bool,
        outcome: std::result::Result<String, String>,
    ) {
        let (ok, detail) = match outcome {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        self.checks.push(Check {
            name,
            ok,
            detail,
            of_desk,
        });
    }
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    match obj {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

fn info_text(doc: &Document, key: &str) -> Option<String> {
    let info = deref(doc, doc.trailer.get(b"Info").ok()?)?.as_dict().ok()?;
    let bytes = info.get(key.as_bytes()).ok()?.as_str().ok()?;
    String::from_utf8(bytes.to_vec()).ok()
}

/// The first attached file's bytes.
fn attachment(doc: &Document) -> Option<Vec<u8>> {
    let catalog = doc.catalog().ok()?;
    let names = deref(doc, catalog.get(b"Names").ok()?)?.as_dict().ok()?;
    let files = deref(doc, names.get(b"EmbeddedFiles").ok()?)?
        .as_dict()
        .ok()?;
    let list = deref(doc, files.get(b"Names").ok()?)?.as_array().ok()?;
    let spec = deref(doc, list.get(1)?)?.as_dict().ok()?;
    let ef = deref(doc, spec.get(b"EF").ok()?)?.as_dict().ok()?;
    let stream = deref(doc, ef.get(b"F").ok()?)?.as_stream().ok()?;
    stream
        .decompressed_content_with_limit(DECOMPRESSED_MAX)
        .ok()
        .or_else(|| Some(stream.content.clone()))
}

/// Largest report file verified; ours are well under 1 MiB, a big logo and appendix included.
pub const REPORT_MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes any one stream may decompress to (lopdf's own limit, applied while loading, and
/// the attached record's); a record is a few kilobytes.
const DECOMPRESSED_MAX: usize = 16 * 1024 * 1024;

fn positions<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// The decimal number after `at` (skipping whitespace), if any.
fn number_after(bytes: &[u8], at: usize) -> Option<usize> {
    let digits: String = bytes
        .get(at..)?
        .iter()
        .take(64)
        .map(|b| *b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Our reports index their objects with classic `xref` tables only and keep no object streams.
/// A cross-reference *stream* is where lopdf 0.44 allocates from the file's own `/W` widths and
/// loops over its `/Index` counts unchecked, and an object stream makes it parse as many objects
/// as the stream claims (millions from a few megabytes), so any file whose `startxref`, trailer
/// `/Prev` or `/XRefStm` could lead the parser to one, or that holds an `/ObjStm`, is refused.
/// A few linear scans (every position found once, then looked up): nothing is allocated from the
/// file's numbers, and no scan restarts per match.
fn bounded_for_parser(pdf: &[u8]) -> std::result::Result<(), String> {
    let refused = || "the file's cross-reference is not the kind this app writes".to_string();
    if positions(pdf, b"/XRefStm").next().is_some() || positions(pdf, b"/ObjStm").next().is_some() {
        return Err(refused());
    }
    let startxrefs: Vec<usize> = positions(pdf, b"startxref").collect();
    if startxrefs.is_empty() {
        return Err(refused());
    }
    let table_at = |offset: usize| pdf.get(offset..).is_some_and(|t| t.starts_with(b"xref"));
    for &at in &startxrefs {
        let offset = number_after(pdf, at + b"startxref".len()).ok_or_else(refused)?;
        if !table_at(offset) {
            return Err(refused());
        }
    }
    // A `/Prev` between a trailer and the next `startxref` is that trailer's, and must point at
    // a table too (elsewhere it is an outline's, and none of the parser's business).
    let trailers: Vec<usize> = positions(pdf, b"trailer").collect();
    for prev in positions(pdf, b"/Prev") {
        let Some(&trailer) = trailers[..trailers.partition_point(|&t| t < prev)].last() else {
            continue;
        };
        let end = startxrefs
            .get(startxrefs.partition_point(|&x| x < trailer))
            .copied()
            .unwrap_or(pdf.len());
        if prev > end {
            continue;
        }
        let offset = number_after(pdf, prev + b"/Prev".len()).ok_or_else(refused)?;
        if !table_at(offset) {
            return Err(refused());
        }
    }
    Ok(())
}

/// What the file says, once its signature held: read by lopdf under the bounds above.
struct Contents {
    /// The ticket, or for a QBR pack what it covers.
    ticket: String,
    /// The attached file's SHA-256: the sealed record, or a pack's figures.
    record_hash: String,
    anchor: Option<Anchor>,
    /// Set for a QBR pack (then `anchor` is none).
    qbr: Option<QbrContents>,
}

/// What a QBR pack carries besides its figures' hash.
struct QbrContents {
    anchor: Option<HistoryAnchor>,
    /// Each closed ticket behind the figures and the hash of the sealed record it was read from.
    records: Vec<(String, String)>,
}

fn qbr_label(s: &QbrSubject) -> String {
    format!(
        "QBR of {}, {} to {}",
        s.client.as_deref().unwrap_or("every client"),
        s.from,
        s.to
    )
}

/// The tickets and record hashes a pack's attached figures list.
fn qbr_records(figures: &[u8]) -> Option<Vec<(String, String)>> {
    let v: serde_json::Value = serde_json::from_slice(figures).ok()?;
    v.get("tickets")?
        .as_array()?
        .iter()
        .filter_map(|t| {
            let hash = t.get("record_hash")?.as_str()?;
            Some(Some((
                t.get("number")?.as_str()?.to_string(),
                hash.to_string(),
            )))
        })
        .collect()
}

fn read_contents(pdf: &[u8]) -> std::result::Result<Contents, String> {
    bounded_for_parser(pdf)?;
    let options = LoadOptions {
        max_decompressed_size: Some(DECOMPRESSED_MAX),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(pdf, options)
        .map_err(|e| format!("the PDF cannot be read: {e}"))?;
    let record_hash =
        info_text(&doc, INFO_RECORD_HASH).ok_or("the report carries no record hash")?;
    let attached = attachment(&doc).ok_or("the record is not attached")?;
    if sha256_hex(&attached) != record_hash {
        return Err("the attached record does not hash to the printed record hash".into());
    }
    if let Some(subject) = info_text(&doc, INFO_QBR) {
        let subject: QbrSubject =
            serde_json::from_str(&subject).map_err(|_| "the pack's subject is unreadable")?;
        let anchor = match info_text(&doc, INFO_ANCHOR) {
            None => None,
            Some(json) => Some(
                serde_json::from_str(&json)
                    .map_err(|_| "the pack's history anchor is unreadable")?,
            ),
        };
        let records = qbr_records(&attached).ok_or("the pack's attached figures are unreadable")?;
        return Ok(Contents {
            ticket: qbr_label(&subject),
            record_hash,
            anchor: None,
            qbr: Some(QbrContents { anchor, records }),
        });
    }
    let ticket = info_text(&doc, INFO_TICKET).ok_or("the report names no ticket")?;
    let anchor = match info_text(&doc, INFO_ANCHOR) {
        None => None,
        Some(json) => Some(
            serde_json::from_str(&json).map_err(|_| "the report's history anchor is unreadable")?,
        ),
    };
    Ok(Contents {
        ticket,
        record_hash,
        anchor,
        qbr: None,
    })
}

/// A checkpoint carried in a file: signed by the file's own key, over a head that includes
/// `event`.
fn checkpoint_covers(
    cp: &checkpoint::Checkpoint,
    event: &audit::AuditEvent,
    signer: &Certificate,
) -> std::result::Result<(), String> {
    let (key, key_id) = checkpoint::verifier(signer).map_err(|e| e.to_string())?;
    cp.check_signature(&key, &key_id)
        .map_err(|why| format!("checkpoint {}: {why}", cp.seq))?;
    if cp.event_id < event.id || (cp.event_id == event.id && cp.head_hash != event.hash) {
        return Err(format!(
            "checkpoint {} does not cover event {}",
            cp.seq, event.id
        ));
    }
    Ok(())
}

/// A pack's anchor on its own: the head event is intact, and the checkpoint was signed by the
/// pack's key over a head that includes it.
fn qbr_anchor_check(
    anchor: Option<&HistoryAnchor>,
    signer: &Certificate,
) -> std::result::Result<String, String> {
    let Some(anchor) = anchor else {
        // Signed whole, so an anchor cannot have been removed: the desk had no history.
        return Ok("none: the desk had no history when the figures were read".into());
    };
    let head = &anchor.head_event;
    if audit::event_hash(head).map_err(|e| e.to_string())? != head.hash {
        return Err(format!(
            "the history event {} it carries does not hash to itself",
            head.id
        ));
    }
    let Some(cp) = &anchor.checkpoint else {
        return Ok(format!(
            "figures read at event {} (hash {}); no checkpoint covered it when the pack was made",
            head.id, head.hash
        ));
    };
    checkpoint_covers(cp, head, signer)?;
    Ok(format!(
        "figures read at event {} (hash {}); checkpoint {} signed by the pack's key covers the history through event {}",
        head.id, head.hash, cp.seq, cp.event_id
    ))
}

/// The anchor on its own: the seal event is intact and seals this record, and the checkpoint was
/// signed by the report's key over a head that includes the seal.
fn anchor_check(c: &Contents, signer: &Certificate) -> std::result::Result<String, String> {
    let Some(anchor) = &c.anchor else {
        // The signature covers the whole file, so an anchor cannot have been removed.
        return Ok("none: the report was made before reports carried the desk's history".into());
    };
    let seal = anchor.seal_event.clone();
    if audit::event_hash(&seal).map_err(|e| e.to_string())? != seal.hash {
        return Err(format!(
            "the seal event (event {}) it carries does not hash to itself",
            seal.id
        ));
    }
    if seal.action != audit::SEALED_ACTION
        || seal.after.get("record_hash").and_then(|h| h.as_str()) != Some(c.record_hash.as_str())
    {
        return Err(format!(
            "event {} it carries is not the seal of this record",
            seal.id
        ));
    }
    let Some(cp) = &anchor.checkpoint else {
        return Ok(format!(
            "sealed at event {} (hash {}); no checkpoint covered it when the report was made",
            seal.id, seal.hash
        ));
    };
    checkpoint_covers(cp, &seal, signer).map_err(|e| {
        e.replace(
            &format!("cover event {}", seal.id),
            &format!("cover the seal event {}", seal.id),
        )
    })?;
    Ok(format!(
        "sealed at event {} (hash {}); checkpoint {} signed by the report's key covers the history through event {}",
        seal.id, seal.hash, cp.seq, cp.event_id
    ))
}

/// The desk still stores every sealed record a pack's figures were read from.
fn desk_records(q: &QbrContents, store: &Store) -> std::result::Result<String, String> {
    for (ticket, claimed) in &q.records {
        let id = store
            .ticket_id_by_number(ticket)
            .map_err(|e| format!("{ticket} is not in this database: {e}"))?;
        let stored = store.record_hash(id).map_err(|e| e.to_string())?;
        if stored.as_deref() != Some(claimed.as_str()) {
            return Err(format!(
                "the pack read {ticket} from record {claimed}, which the desk no longer stores for it"
            ));
        }
    }
    Ok(format!(
        "the {} sealed records the figures were read from match the records stored",
        q.records.len()
    ))
}

/// The desk still stores the record the report carries.
fn desk_record(c: &Contents, store: &Store) -> std::result::Result<String, String> {
    if let Some(q) = &c.qbr {
        return desk_records(q, store);
    }
    let ticket = &c.ticket;
    let claimed = &c.record_hash;
    let id = store
        .ticket_id_by_number(ticket)
        .map_err(|e| format!("{ticket} is not in this database: {e}"))?;
    let stored = store
        .record_hash(id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{ticket} has no sealed record"))?;
    if &stored != claimed {
        return Err(format!(
            "record hash {claimed} does not match the record stored for {ticket} ({stored})"
        ));
    }
    let sealed = store
        .closure_record(id)
        .map_err(|e| format!("[{}] {e}", e.code()))?;
    if &sealed.hash != claimed {
        return Err(format!(
            "the stored record of {ticket} no longer hashes to {claimed}"
        ));
    }
    Ok(format!(
        "{ticket}: SHA-256 {claimed} matches the stored record"
    ))
}

/// The desk's history still holds the report's seal event and checkpoint, and verifies whole.
/// The error names the first event found to differ.
fn desk_history(
    c: &Contents,
    store: &Store,
    certificates: &Certificates,
) -> std::result::Result<String, String> {
    let chain = store.verify_audit_with(Some(certificates));
    // A pack anchors the event its figures were read at, as a report anchors its seal.
    let (anchor, what) = match &c.qbr {
        Some(q) => (
            q.anchor.as_ref().map(|a| Anchor {
                seal_event: a.head_event.clone(),
                checkpoint: a.checkpoint.clone(),
            }),
            "the event the figures were read at",
        ),
        None => (c.anchor.clone(), "the seal"),
    };
    let Some(anchor) = &anchor else {
        return match chain {
            Ok(r) => Ok(format!(
                "the report carries no history to compare; the desk's chain of {} events verifies",
                r.events
            )),
            Err(e) => Err(format!(
                "the desk's history was changed: [{}] {e}",
                e.code()
            )),
        };
    };
    let seal = anchor.seal_event.clone();
    let in_desk = store.audit_event(seal.id).map_err(|e| e.to_string())?;
    let first_difference = match &in_desk {
        None => Some(format!(
            "event {} ({what}) is no longer in the desk's history",
            seal.id
        )),
        Some(e) if *e == seal => None,
        Some(e) => {
            let fields: Vec<&str> = [
                ("ticket", e.ticket_id != seal.ticket_id),
                ("actor", e.actor != seal.actor),
                ("time", e.at != seal.at),
                ("action", e.action != seal.action),
                ("before", e.before != seal.before),
                ("after", e.after != seal.after),
            ]
            .into_iter()
            .filter_map(|(name, differs)| differs.then_some(name))
            .collect();
            let previous = store.audit_event(seal.id - 1).map_err(|e| e.to_string())?;
            let earlier = seal.id > 1 && previous.is_none_or(|p| p.hash != seal.prev_hash);
            Some(if earlier {
                format!(
                    "an event before event {} differs (the link the report carries to event {} no longer matches){}",
                    seal.id,
                    seal.id - 1,
                    match &chain {
                        Err(e) => format!("; the desk's own check says: [{}] {e}", e.code()),
                        Ok(_) => String::new(),
                    }
                )
            } else if fields.is_empty() {
                format!("event {} ({what}) differs in its hash", seal.id)
            } else {
                format!("event {} ({what}) differs: {}", seal.id, fields.join(", "))
            })
        }
    };
    if let Some(difference) = first_difference {
        return Err(format!(
            "the report is authentic, but the desk's database was changed after it was issued: {difference}"
        ));
    }
    if let Some(cp) = &anchor.checkpoint {
        let stored = store.checkpoint_at(cp.seq).map_err(|e| e.to_string())?;
        if stored.as_ref() != Some(cp) {
            return Err(format!(
                "the report is authentic, but the desk's database was changed after it was issued: checkpoint {} is {} in the desk",
                cp.seq,
                if stored.is_some() { "different" } else { "missing" }
            ));
        }
    }
    match chain {
        Ok(r) => Ok(format!(
            "the desk's history holds {what} (event {}){}; its chain of {} events verifies",
            seal.id,
            anchor
                .checkpoint
                .as_ref()
                .map(|c| format!(" and checkpoint {}", c.seq))
                .unwrap_or_default(),
            r.events
        )),
        Err(e) => Err(format!(
            "{} is intact in the desk, but the desk's history was changed after it was issued: [{}] {e}",
            if c.qbr.is_some() { what } else { "the report's seal" },
            e.code()
        )),
    }
}

/// Checks the file's signature; the signer's certificate when it holds.
fn signature_check(pdf: &[u8], v: &mut Verification) -> Option<Certificate> {
    let signature = if pdf.len() as u64 > REPORT_MAX_BYTES {
        Err(format!(
            "the file is larger than {} MiB; no report is",
            REPORT_MAX_BYTES / (1024 * 1024)
        ))
    } else {
        signing::verify_pdf(pdf)
    };
    match signature {
        Ok(s) => {
            v.push(
                "signature",
                Ok(format!(
                    "valid ECDSA P-256 / SHA-256 signature over the whole file by \"{}\"{}",
                    signing::subject_name(&s.cms.signer),
                    s.signed_at
                        .as_ref()
                        .map(|t| format!(", signed {t}"))
                        .unwrap_or_default()
                )),
            );
            Some(s.cms.signer)
        }
        Err(e) => {
            v.push("signature", Err(e));
            None
        }
    }
}

fn file_checks(pdf: &[u8], signer: &Certificate, v: &mut Verification) -> Option<Contents> {
    match read_contents(pdf) {
        Ok(c) => {
            v.ticket = Some(c.ticket.clone());
            v.push(
                "record",
                Ok(format!(
                    "{}: the attached {} SHA-256 {}",
                    c.ticket,
                    if c.qbr.is_some() {
                        "figures hash to"
                    } else {
                        "record hashes to"
                    },
                    c.record_hash
                )),
            );
            let history = match &c.qbr {
                Some(q) => qbr_anchor_check(q.anchor.as_ref(), signer),
                None => anchor_check(&c, signer),
            };
            v.push("history", history);
            Some(c)
        }
        Err(e) => {
            v.push("record", Err(e));
            None
        }
    }
}

/// Verifies a report file on its own: its signature, its record and its history anchor. Who
/// signed it is reported, not trusted: compare the root with the one the desk gave you, or
/// verify against the desk with [`verify_report`].
pub fn verify_report_alone(pdf: &[u8]) -> Verification {
    let mut v = Verification::default();
    let Some(signer) = signature_check(pdf, &mut v) else {
        v.push(
            "record",
            Err("not checked: the signature is not valid".into()),
        );
        return v;
    };
    file_checks(pdf, &signer, &mut v);
    v
}

/// Verifies a report file against this desk's certificates and database.
pub fn verify_report(
    pdf: &[u8],
    store: &Store,
    certificates: Option<&Certificates>,
) -> Result<Verification> {
    let mut v = Verification::default();
    let Some(signer) = signature_check(pdf, &mut v) else {
        v.push(
            "certificate",
            Err("not checked: the signature is not valid".into()),
        );
        v.push(
            "record",
            Err("not checked: the signature is not valid".into()),
        );
        return Ok(v);
    };
    let chain = match certificates {
        None => Err("this installation has no signing identity to check against".to_string()),
        Some(c) if issued_by(&signer, &c.root) && issued_by(&c.root, &c.root) => Ok(format!(
            "issued by this installation's root \"{}\"",
            signing::subject_name(&c.root)
        )),
        Some(c) => Err(format!(
            "the signing certificate was not issued by this installation's root \"{}\"",
            signing::subject_name(&c.root)
        )),
    };
    let trusted = chain.is_ok();
    v.push("certificate", chain);
    let (Some(certificates), true) = (certificates, trusted) else {
        // Only a file this installation signed is handed to the PDF parser.
        v.push(
            "record",
            Err("not checked: the certificate is not this installation's".into()),
        );
        return Ok(v);
    };
    let Some(contents) = file_checks(pdf, &signer, &mut v) else {
        return Ok(v);
    };
    v.push_as("desk record", true, desk_record(&contents, store));
    v.push_as(
        "desk history",
        true,
        desk_history(&contents, store, certificates),
    );
    Ok(v)
}

/// On the machine that signs the desk's reports: a report the desk's certificates do not vouch
/// for, but signed with a key `secrets` holds, was made here; it is the desk's certificates that
/// were replaced after it was issued (exit 4, not "altered"). Any other verification is returned
/// as it was.
pub fn reclassify_with_keychain(
    pdf: &[u8],
    v: Verification,
    secrets: &crate::secrets::SecretStore,
) -> Verification {
    let certificate_failed = v.checks.iter().any(|c| c.name == "certificate" && !c.ok);
    let Ok(signature) = signing::verify_pdf(pdf) else {
        return v;
    };
    if !certificate_failed
        || !signing::keychain_holds_key_of(secrets, &signature.cms.signer).unwrap_or(false)
    {
        return v;
    }
    let mut alone = verify_report_alone(pdf);
    if alone.verdict() != Verdict::Verified {
        return v;
    }
    alone.push_as(
        "certificate",
        true,
        Err("the report was signed with this machine's key, but the desk's certificates are not that key's: they were replaced after the report was issued".into()),
    );
    alone
}
