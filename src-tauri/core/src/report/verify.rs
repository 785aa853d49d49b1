//! Verifying a closure report: its signature, its certificate and its record.
//!
//! A report passes only if (1) its PAdES signature is intact and covers the whole file, (2) the
//! signing certificate was issued by this installation's root, and (3) the record hash it
//! carries is the hash of the attached record and of the record stored for that ticket now.
//!
//! The file is untrusted until (1) and (2) hold, and those two read it with a few bounded scans
//! of our own (`signing::verify_pdf`): lopdf's parser allocates from sizes the file states (an
//! absurd cross-reference `/W` width made it try to allocate ~100 TB and abort) and recurses into
//! nested objects, so it never sees a file this installation did not sign. Even then it gets bounded
//! input only (`bounded_for_parser`, decompression limits), in case the signing key leaks.

use super::{INFO_RECORD_HASH, INFO_TICKET};
use crate::canonical::sha256_hex;
use crate::error::Result;
use crate::signing::{self, issued_by, Certificates};
use crate::store::Store;
use lopdf::{Document, LoadOptions, Object};

/// One verified property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// The ticket the report names, when readable.
    pub ticket: Option<String>,
    pub checks: Vec<Check>,
}

impl Verification {
    /// True when every check holds.
    pub fn ok(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    fn push(&mut self, name: &'static str, outcome: std::result::Result<String, String>) {
        let (ok, detail) = match outcome {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        self.checks.push(Check { name, ok, detail });
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

/// Our reports index their objects with classic `xref` tables only. A cross-reference *stream*
/// is where lopdf 0.44 allocates from the file's own `/W` widths and loops over its `/Index`
/// counts unchecked, so any file whose `startxref`, trailer `/Prev` or `/XRefStm` could lead the
/// parser to one is refused. Linear scans; nothing is allocated from the file's numbers.
fn bounded_for_parser(pdf: &[u8]) -> std::result::Result<(), String> {
    let refused = || "the file's cross-reference is not the kind this app writes".to_string();
    if positions(pdf, b"/XRefStm").next().is_some() {
        return Err(refused());
    }
    if positions(pdf, b"startxref").next().is_none() {
        return Err(refused());
    }
    let table_at = |offset: usize| pdf.get(offset..).is_some_and(|t| t.starts_with(b"xref"));
    for at in positions(pdf, b"startxref") {
        let offset = number_after(pdf, at + b"startxref".len()).ok_or_else(refused)?;
        if !table_at(offset) {
            return Err(refused());
        }
    }
    for at in positions(pdf, b"trailer") {
        let end = positions(&pdf[at..], b"startxref")
            .next()
            .map_or(pdf.len(), |e| at + e);
        for prev in positions(&pdf[at..end], b"/Prev") {
            let offset = number_after(pdf, at + prev + b"/Prev".len()).ok_or_else(refused)?;
            if !table_at(offset) {
                return Err(refused());
            }
        }
    }
    Ok(())
}

fn record_check(
    pdf: &[u8],
    store: &Store,
    v: &mut Verification,
) -> std::result::Result<String, String> {
    bounded_for_parser(pdf)?;
    let options = LoadOptions {
        max_decompressed_size: Some(DECOMPRESSED_MAX),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(pdf, options)
        .map_err(|e| format!("the PDF cannot be read: {e}"))?;
    let ticket = info_text(&doc, INFO_TICKET).ok_or("the report names no ticket")?;
    v.ticket = Some(ticket.clone());
    let claimed = info_text(&doc, INFO_RECORD_HASH).ok_or("the report carries no record hash")?;
    let attached = attachment(&doc).ok_or("the record is not attached")?;
    if sha256_hex(&attached) != claimed {
        return Err("the attached record does not hash to the printed record hash".into());
    }
    let id = store
        .ticket_id_by_number(&ticket)
        .map_err(|e| format!("{ticket} is not in this database: {e}"))?;
    let stored = store
        .record_hash(id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("{ticket} has no sealed record"))?;
    if stored != claimed {
        return Err(format!(
            "record hash {claimed} does not match the record stored for {ticket} ({stored})"
        ));
    }
    let sealed = store
        .closure_record(id)
        .map_err(|e| format!("[{}] {e}", e.code()))?;
    if sealed.hash != claimed {
        return Err(format!(
            "the stored record of {ticket} no longer hashes to {claimed}"
        ));
    }
    Ok(format!(
        "{ticket}: SHA-256 {claimed} matches the stored record"
    ))
}

/// Verifies a report file against this installation's certificates and database.
pub fn verify_report(
    pdf: &[u8],
    store: &Store,
    certificates: Option<&Certificates>,
) -> Result<Verification> {
    let mut v = Verification::default();
    let signature = if pdf.len() as u64 > REPORT_MAX_BYTES {
        Err(format!(
            "the file is larger than {} MiB; no report is",
            REPORT_MAX_BYTES / (1024 * 1024)
        ))
    } else {
        signing::verify_pdf(pdf)
    };
    match &signature {
        Ok(s) => v.push(
            "signature",
            Ok(format!(
                "valid ECDSA P-256 / SHA-256 signature over the whole file by \"{}\"{}",
                signing::subject_name(&s.cms.signer),
                s.signed_at
                    .as_ref()
                    .map(|t| format!(", signed {t}"))
                    .unwrap_or_default()
            )),
        ),
        Err(e) => v.push("signature", Err(e.clone())),
    }
    let Ok(sig) = signature else {
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
        Some(c) if issued_by(&sig.cms.signer, &c.root) && issued_by(&c.root, &c.root) => {
            Ok(format!(
                "issued by this installation's root \"{}\"",
                signing::subject_name(&c.root)
            ))
        }
        Some(c) => Err(format!(
            "the signing certificate was not issued by this installation's root \"{}\"",
            signing::subject_name(&c.root)
        )),
    };
    let trusted = chain.is_ok();
    v.push("certificate", chain);
    if !trusted {
        // Only a file this installation signed is handed to the PDF parser.
        v.push(
            "record",
            Err("not checked: the certificate is not this installation's".into()),
        );
        return Ok(v);
    }
    let record = record_check(pdf, store, &mut v);
    v.push("record", record);
    Ok(v)
}
