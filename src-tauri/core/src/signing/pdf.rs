//! PAdES signatures in PDF files.
//!
//! The document is saved with an invisible signature field whose value (the signature
//! dictionary) does not exist yet; the signature dictionary is then appended as an incremental
//! update, with a fixed-width `/ByteRange` and a zero-filled `/Contents` placeholder. Its
//! byte range covers the whole file except the placeholder, so validators report the total
//! document as signed, and any later byte change is a digest mismatch. A signed file must
//! never be re-saved: that would move the bytes the signature covers.

use super::cms::{sign_detached, verify_detached, CmsVerified};
use super::identity::Identity;
use crate::error::{Error, Result};
use chrono::{DateTime, FixedOffset};
use lopdf::{Dictionary, Document, Object, ObjectId};
use sha2::{Digest, Sha256};

/// Room for the CMS signature, in bytes (an 8 KB hex string). A P-256 signature with both
/// certificates is about 1.3 KB; the rest is headroom for long names.
pub const CONTENTS_CAPACITY: usize = 4096;
/// Each of the three computed `/ByteRange` numbers is padded to this width.
const RANGE_WIDTH: usize = 10;

fn failed(e: impl std::fmt::Display) -> Error {
    Error::SigningFailed(format!("PDF: {e}"))
}

/// Where the signature will go, recorded while the document is still being assembled.
#[derive(Debug, Clone)]
pub struct SignatureField {
    sig_id: ObjectId,
    root_id: ObjectId,
    info_id: Option<ObjectId>,
    file_id: Option<String>,
}

/// A PDF text string: UTF-16BE with a byte-order mark, as hex.
fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

fn pdf_date(at: DateTime<FixedOffset>) -> String {
    let offset = at.offset().local_minus_utc();
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    format!(
        "D:{}{sign}{:02}'{:02}'",
        at.format("%Y%m%d%H%M%S"),
        offset / 3600,
        (offset % 3600) / 60
    )
}

/// Adds an invisible signature field on the first page and the form that lists it, and reserves
/// the object number of the signature dictionary. Call last, just before saving.
pub fn add_signature_field(doc: &mut Document, field_name: &str) -> Result<SignatureField> {
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(failed)?;
    let info_id = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    let page_id = *doc
        .get_pages()
        .values()
        .next()
        .ok_or_else(|| failed("the document has no page"))?;
    // The signature dictionary gets the next number after everything else in the document.
    let sig_id = (doc.max_id + 2, 0);
    let widget = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Annot".to_vec())),
        ("Subtype", Object::Name(b"Widget".to_vec())),
        ("FT", Object::Name(b"Sig".to_vec())),
        (
            "T",
            Object::String(field_name.as_bytes().to_vec(), lopdf::StringFormat::Literal),
        ),
        ("V", Object::Reference(sig_id)),
        (
            "Rect",
            Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
        ),
        // Print + Locked: an invisible field that stays as signed.
        ("F", Object::Integer(132)),
        ("P", Object::Reference(page_id)),
    ]);
    let widget_id = doc.add_object(widget);
    if doc.max_id + 1 != sig_id.0 {
        return Err(failed("object numbering moved while adding the field"));
    }
    let page = doc
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .map_err(failed)?;
    let mut annots = match page.get(b"Annots") {
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    annots.push(Object::Reference(widget_id));
    page.set("Annots", Object::Array(annots));
    let catalog = doc
        .get_object_mut(root_id)
        .and_then(Object::as_dict_mut)
        .map_err(failed)?;
    catalog.set(
        "AcroForm",
        Dictionary::from_iter(vec![
            ("Fields", Object::Array(vec![Object::Reference(widget_id)])),
            // SignaturesExist | AppendOnly: viewers must not rewrite the file.
            ("SigFlags", Object::Integer(3)),
        ]),
    );
    // The dictionary is written by `sign_prepared`; count it in the document's size now.
    doc.max_id = sig_id.0;
    Ok(SignatureField {
        sig_id,
        root_id,
        info_id,
        file_id: doc.trailer.get(b"ID").ok().and_then(id_array),
    })
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| &hay[i..i + needle.len()] == needle)
}

/// The offset `startxref` points at in a saved file.
fn last_startxref(bytes: &[u8]) -> Result<usize> {
    let at = find_last(bytes, b"startxref").ok_or_else(|| failed("no startxref"))?;
    let digits: String = bytes[at + 9..]
        .iter()
        .map(|b| *b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().map_err(|_| failed("bad startxref"))
}

/// A file identifier array (`/ID [<..> <..>]`) in PDF syntax, if it is one.
fn id_array(obj: &Object) -> Option<String> {
    let parts: Vec<String> = obj
        .as_array()
        .ok()?
        .iter()
        .map(|o| {
            o.as_str()
                .ok()
                .map(|b| format!("<{}>", hex::encode_upper(b)))
        })
        .collect::<Option<_>>()?;
    Some(format!("[{}]", parts.join("")))
}

/// Appends the signature dictionary to `base` (the document saved after
/// [`add_signature_field`]) as an incremental update, and signs the whole file.
pub fn sign_prepared(
    mut base: Vec<u8>,
    field: &SignatureField,
    identity: &Identity,
    signed_at: DateTime<FixedOffset>,
    reason: &str,
) -> Result<Vec<u8>> {
    let prev = last_startxref(&base)?;
    if !base.ends_with(b"\n") {
        base.push(b'\n');
    }
    let obj_at = base.len();
    let placeholder_range = format!("[0 {z:>w$} {z:>w$} {z:>w$}]", z = 0, w = RANGE_WIDTH);
    let mut sig = format!(
        "{} 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange",
        field.sig_id.0
    )
    .into_bytes();
    let range_at = obj_at + sig.len();
    sig.extend_from_slice(placeholder_range.as_bytes());
    sig.extend_from_slice(b"/Contents");
    let contents_at = obj_at + sig.len();
    sig.push(b'<');
    sig.resize(sig.len() + 2 * CONTENTS_CAPACITY, b'0');
    sig.push(b'>');
    let contents_end = obj_at + sig.len();
    sig.extend_from_slice(
        format!(
            "/M({})/Name{}/Reason{}>>\nendobj\n",
            pdf_date(signed_at),
            text_string(&identity.signer_name()),
            text_string(reason)
        )
        .as_bytes(),
    );
    base.extend_from_slice(&sig);
    let xref_at = base.len();
    let mut trailer = format!(
        "xref\n{} 1\n{:010} 00000 n\r\ntrailer\n<</Size {}/Root {} 0 R/Prev {}",
        field.sig_id.0,
        obj_at,
        field.sig_id.0 + 1,
        field.root_id.0,
        prev
    )
    .into_bytes();
    if let Some(info) = field.info_id {
        trailer.extend_from_slice(format!("/Info {} 0 R", info.0).as_bytes());
    }
    if let Some(id) = &field.file_id {
        trailer.extend_from_slice(b"/ID");
        trailer.extend_from_slice(id.as_bytes());
    }
    trailer.extend_from_slice(format!(">>\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    base.extend_from_slice(&trailer);

    let len = base.len();
    let range = format!(
        "[0 {:>w$} {:>w$} {:>w$}]",
        contents_at,
        contents_end,
        len - contents_end,
        w = RANGE_WIDTH
    );
    if range.len() != placeholder_range.len() {
        return Err(failed("the document is too large to sign"));
    }
    base[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    let mut hasher = Sha256::new();
    hasher.update(&base[..contents_at]);
    hasher.update(&base[contents_end..]);
    let digest: [u8; 32] = hasher.finalize().into();
    let cms = sign_detached(&digest, identity)?;
    if cms.len() > CONTENTS_CAPACITY {
        return Err(failed("the signature does not fit its placeholder"));
    }
    let hex = hex::encode_upper(&cms);
    base[contents_at + 1..contents_at + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(base)
}

/// What the signature of a PDF file was found to be.
#[derive(Debug, Clone)]
pub struct PdfSignatureCheck {
    pub cms: CmsVerified,
    /// The signature's `/M` time as written, if readable.
    pub signed_at: Option<String>,
}

fn parse_byte_range(bytes: &[u8], at: usize) -> Option<[usize; 4]> {
    let rest = bytes.get(at + b"/ByteRange".len()..)?;
    let text: String = rest
        .iter()
        .take(128)
        .map(|b| *b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .collect();
    let inner = text.strip_prefix('[')?;
    let inner = &inner[..inner.find(']')?];
    let nums: Vec<usize> = inner
        .split_ascii_whitespace()
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    <[usize; 4]>::try_from(nums).ok()
}

fn decode_hex_contents(gap: &[u8]) -> Option<Vec<u8>> {
    let inner = gap.strip_prefix(b"<")?.strip_suffix(b">")?;
    let digits: Vec<u8> = inner
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    hex::decode(digits).ok()
}

fn signed_time(bytes: &[u8], from: usize) -> Option<String> {
    let tail = bytes.get(from..)?;
    let at = tail.windows(3).position(|w| w == b"/M(")?;
    let text: String = tail[at + 3..]
        .iter()
        .take(40)
        .take_while(|b| **b != b')')
        .map(|b| *b as char)
        .collect();
    Some(text)
}

/// Checks the last signature of a PDF file: that it covers the whole file, that the file's digest
/// is the one signed, and that the signature value verifies with the certificate it names.
/// Trust in that certificate is the caller's decision. The error says what did not hold.
pub fn verify_pdf(bytes: &[u8]) -> std::result::Result<PdfSignatureCheck, String> {
    let at = find_last(bytes, b"/ByteRange").ok_or("the file has no digital signature")?;
    let [start, a, b, c] =
        parse_byte_range(bytes, at).ok_or("the signature's byte range is unreadable")?;
    let whole = start == 0 && a < b && b.checked_add(c) == Some(bytes.len());
    if !whole {
        return Err(
            "the signature does not cover the whole file: something was added or removed after signing"
                .into(),
        );
    }
    let cms = decode_hex_contents(&bytes[a..b]).ok_or("the signature's contents are unreadable")?;
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..a]);
    hasher.update(&bytes[b..]);
    let digest: [u8; 32] = hasher.finalize().into();
    let cms = verify_detached(&cms, &digest)?;
    Ok(PdfSignatureCheck {
        cms,
        signed_at: signed_time(bytes, b),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_text_strings_are_pdf_syntax() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T10:15:00-05:30").unwrap();
        assert_eq!(pdf_date(at), "D:20260302101500-05'30'");
        assert_eq!(text_string("Zoë"), "<FEFF005A006F00EB>");
    }

    #[test]
    fn garbage_is_not_a_signed_pdf() {
        for bytes in [
            &b""[..],
            b"%PDF-1.7\n",
            b"/ByteRange [0 1 2",
            b"/ByteRange [0 1 2 3]",
            b"xx/ByteRange[0 2 4 0]<>",
        ] {
            assert!(verify_pdf(bytes).is_err());
        }
    }
}
