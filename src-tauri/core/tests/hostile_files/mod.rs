//! Hostile PDFs and the desk they are checked against, shared by `hostile_pdf.rs` (each file
//! refused by the real binary) and `fuzz_verify_report.rs` (mutations of them, in process).
#![allow(dead_code)]

use std::path::PathBuf;
use ticketflow_core::paths::DB_FILE;
use ticketflow_core::report;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity, CONTENTS_CAPACITY};
use ticketflow_core::store::Store;

pub fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// A data directory with closed demo tickets and this installation's identity.
pub struct Desk {
    _home: tempfile::TempDir,
    pub dir: PathBuf,
    pub ours: Identity,
    pub foreign: Identity,
    pub report: Vec<u8>,
}

pub fn desk() -> Desk {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("desk");
    let mut store = Store::open(&dir.join(DB_FILE)).unwrap();
    ticketflow_core::demo::generate(&mut store, 12, 5, |_, _| {}).unwrap();
    let secrets = SecretStore::in_memory().unwrap();
    let ours = Identity::load_or_create(&dir, &secrets, "Northwind IT", now()).unwrap();
    let other = home.path().join("elsewhere");
    std::fs::create_dir(&other).unwrap();
    let foreign = Identity::load_or_create(&other, &secrets, "Mallory IT", now()).unwrap();
    let conn = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    let number: String = conn
        .query_row(
            "SELECT number FROM tickets WHERE status = 'closed' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let report = report::export_ticket(&mut store, &number, &ours, now()).unwrap();
    Desk {
        _home: home,
        dir,
        ours,
        foreign,
        report,
    }
}

impl Desk {
    /// `bytes` with an update appended whose table points at a new signature dictionary signed
    /// by this installation (as if its key had leaked), so the record check parses the file.
    pub fn resigned(&self, bytes: &[u8]) -> Vec<u8> {
        self.resigned_by(bytes, &self.ours)
    }

    /// The same, signed by `id` (a foreign key signs what anyone can make).
    pub fn resigned_by(&self, bytes: &[u8], id: &Identity) -> Vec<u8> {
        let root = last_number_after(&self.report, b"/Root");
        let prev = last_number_after(&self.report, b"startxref");
        let info = last_number_after(&self.report, b"/Info");
        let obj_at = bytes.len() + 1;
        let trailer = |at: usize| {
            format!(
                "xref\n99 1\n{obj_at:010} 00000 n\r\ntrailer\n<</Size 100/Root {root} 0 R/Info {info} 0 R/Prev {prev}>>\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        };
        signed(bytes, trailer, id)
    }

    /// The hand-made hostile files: each must be refused (exit 1, a coded error), quickly.
    pub fn hand_made(&self) -> Vec<(&'static str, Vec<u8>)> {
        let report = &self.report;
        let len = report.len();
        let mut oversize = report.clone();
        oversize.resize(65 * 1024 * 1024, b' ');
        vec![
            ("absurd-width-foreign", absurd_xref_width(&self.foreign)),
            ("absurd-width-ours", absurd_xref_width(&self.ours)),
            ("endless-xref-stream-ours", endless_xref_stream(&self.ours)),
            ("huge-object-count-ours", huge_object_count(&self.ours)),
            ("deeply-nested-ours", deeply_nested(&self.ours)),
            ("deeply-nested-foreign", deeply_nested(&self.foreign)),
            ("truncated", report[..len / 2].to_vec()),
            ("truncated-tail", report[..len - 7].to_vec()),
            (
                "range-past-end",
                with_byte_range(report, "[0 100 200 99999999999]"),
            ),
            (
                "range-backwards",
                with_byte_range(report, &format!("[0 5000 100 {}]", len - 100)),
            ),
            (
                "range-overflow",
                with_byte_range(
                    report,
                    "[0 18446744073709551615 18446744073709551615 18446744073709551615]",
                ),
            ),
            ("range-negative", with_byte_range(report, "[0 -5 10 -1]")),
            ("range-missing", with_byte_range(report, "")),
            (
                "trailer-flood-foreign",
                self.resigned_by(
                    &[report.as_slice(), &b"trailer\n".repeat(20_000)].concat(),
                    &self.foreign,
                ),
            ),
            (
                "object-stream-flood-foreign",
                object_stream_flood(&self.foreign),
            ),
            ("over-64-mib", oversize),
            ("empty", Vec::new()),
        ]
    }
}

/// `before`, a signature dictionary covering the whole file, then `after(offset of after)`,
/// signed by `id` over the byte range as a real report is.
pub fn signed(before: &[u8], after: impl FnOnce(usize) -> Vec<u8>, id: &Identity) -> Vec<u8> {
    let mut f = before.to_vec();
    f.extend_from_slice(
        b"\n99 0 obj\n<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange",
    );
    let range_at = f.len();
    f.extend_from_slice(format!("[0 {:>10} {:>10} {:>10}]", 0, 0, 0).as_bytes());
    f.extend_from_slice(b"/Contents");
    let a = f.len();
    f.push(b'<');
    f.resize(f.len() + 2 * CONTENTS_CAPACITY, b'0');
    f.push(b'>');
    let b = f.len();
    f.extend_from_slice(b"/M(D:20260302100000+00'00')>>\nendobj\n");
    let tail = after(f.len());
    f.extend_from_slice(&tail);
    let range = format!("[0 {:>10} {:>10} {:>10}]", a, b, f.len() - b);
    f[range_at..range_at + range.len()].copy_from_slice(range.as_bytes());
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(&f[..a]);
    h.update(&f[b..]);
    let digest: [u8; 32] = h.finalize().into();
    let cms = hex::encode_upper(signing::sign_detached(&digest, id).unwrap());
    f[a + 1..a + 1 + cms.len()].copy_from_slice(cms.as_bytes());
    f
}

pub const HEAD: &[u8] = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n";

/// An 8 KB file whose only cross-reference is a stream with an absurd field width (lopdf tried
/// to allocate ~100 TB for it and aborted).
pub fn absurd_xref_width(id: &Identity) -> Vec<u8> {
    signed(
        HEAD,
        |at| {
            format!(
                "5 0 obj\n<</Type/XRef/Size 6/W[1 99999999999999 1]/Root 1 0 R/Length 3>>\nstream\nabc\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        },
        id,
    )
}

/// A cross-reference stream with zero widths and an absurd count: an endless loop of entries.
pub fn endless_xref_stream(id: &Identity) -> Vec<u8> {
    signed(
        HEAD,
        |at| {
            format!(
                "5 0 obj\n<</Size 6/W[0 0 0]/Index[0 4000000000000]/Root 1 0 R/Length 0>>\nstream\n\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        },
        id,
    )
}

/// A classic table claiming four billion objects, then a trailer.
pub fn huge_object_count(id: &Identity) -> Vec<u8> {
    signed(
        HEAD,
        |at| {
            format!(
                "xref\n0 4000000000\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<</Size 4000000000/Root 1 0 R>>\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        },
        id,
    )
}

/// An object nested 200,000 arrays deep, and a stream claiming an absurd length.
pub fn deeply_nested(id: &Identity) -> Vec<u8> {
    let mut before = HEAD.to_vec();
    before.extend_from_slice(b"3 0 obj\n");
    before.extend(std::iter::repeat_n(b'[', 200_000));
    before.extend(std::iter::repeat_n(b']', 200_000));
    before.extend_from_slice(b"\nendobj\n4 0 obj\n<</Length 999999999999/Filter/FlateDecode>>\nstream\nxx\nendstream\nendobj\n");
    signed(
        &before,
        |at| {
            format!(
                "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<</Size 5/Root 1 0 R>>\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        },
        id,
    )
}

/// Replaces the first `/ByteRange [...]` numbers after the last `/ByteRange` with `range`.
pub fn with_byte_range(report: &[u8], range: &str) -> Vec<u8> {
    let at = report
        .windows(10)
        .rposition(|w| w == b"/ByteRange")
        .unwrap()
        + 10;
    let end = at + report[at..].iter().position(|b| *b == b']').unwrap() + 1;
    let mut out = report[..at].to_vec();
    out.extend_from_slice(range.as_bytes());
    out.extend_from_slice(&report[end..]);
    out
}

pub fn last_number_after(hay: &[u8], key: &[u8]) -> usize {
    let at = hay.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
    let digits: String = hay[at..]
        .iter()
        .map(|b| *b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// Object streams claiming many entries: lopdf parses as many objects as a stream claims, so a
/// few megabytes became ~2 GB of objects (our reports have no object streams; they are refused).
pub fn object_stream_flood(id: &Identity) -> Vec<u8> {
    let n = 200_000usize;
    let mut before = b"%PDF-1.7\n".to_vec();
    let o1 = before.len();
    before.extend_from_slice(b"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
    let o2 = before.len();
    before.extend_from_slice(b"2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n");
    let many: String = (0..n).map(|i| format!("{} 0 ", 10 + i)).collect();
    let o3 = before.len();
    before.extend_from_slice(
        format!(
            "3 0 obj\n<</Type/ObjStm/N {n}/First {}/Length {}>>\nstream\n{many}null\nendstream\nendobj\n",
            many.len(),
            many.len() + 4
        )
        .as_bytes(),
    );
    signed(
        &before,
        |at| {
            format!(
                "xref\n0 4\n0000000000 65535 f\r\n{o1:010} 00000 n\r\n{o2:010} 00000 n\r\n{o3:010} 00000 n\r\n\
                 trailer\n<</Size 4/Root 1 0 R/Info 1 0 R>>\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        },
        id,
    )
}
