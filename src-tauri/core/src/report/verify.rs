//! Verifying a closure report: its signature, its certificate and its record.
//!
//! A report passes only if (1) its PAdES signature is intact and covers the whole file, (2) the
//! signing certificate was issued by this installation's root, and (3) the record hash it
//! carries is the hash of the attached record and of the record stored for that ticket now.

use super::{INFO_RECORD_HASH, INFO_TICKET};
use crate::canonical::sha256_hex;
use crate::error::Result;
use crate::signing::{self, issued_by, Certificates};
use crate::store::Store;
use lopdf::{Document, Object};

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
        .decompressed_content()
        .ok()
        .or_else(|| Some(stream.content.clone()))
}

fn record_check(
    pdf: &[u8],
    store: &Store,
    v: &mut Verification,
) -> std::result::Result<String, String> {
    let doc = Document::load_mem(pdf).map_err(|e| format!("the PDF cannot be read: {e}"))?;
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
    let signature = signing::verify_pdf(pdf);
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
    v.push("certificate", chain);
    let record = record_check(pdf, store, &mut v);
    v.push("record", record);
    Ok(v)
}
