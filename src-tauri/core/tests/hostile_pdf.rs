//! Hostile files in `verify-report`: each is refused with exit 1 and a coded error, quickly and
//! in bounded memory, never with an abort. The real binary runs them as a child process (an
//! abort or an allocation failure is a signal, not exit 1) under a 1 GiB address-space limit.
//!
//! Files signed by a foreign identity show that an untrusted file never reaches the PDF parser;
//! files signed by this installation's own identity (as if its key had leaked) show that the
//! parser still only gets bounded input. A short proptest mutates real reports, re-signed or not.

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use ticketflow_core::paths::DB_FILE;
use ticketflow_core::report;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity, CONTENTS_CAPACITY};
use ticketflow_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");
/// A refusal must come this fast (the debug binary, its start and the store's open included).
const QUICK: Duration = Duration::from_secs(1);

fn now() -> chrono::DateTime<chrono::Utc> {
    "2026-03-02T10:00:00Z".parse().unwrap()
}

/// A data directory with closed demo tickets and this installation's identity.
struct Desk {
    _home: tempfile::TempDir,
    dir: PathBuf,
    ours: Identity,
    foreign: Identity,
    report: Vec<u8>,
}

fn desk() -> Desk {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("desk");
    let store = {
        let mut store = Store::open(&dir.join(DB_FILE)).unwrap();
        ticketflow_core::demo::generate(&mut store, 12, 5, |_, _| {}).unwrap();
        store
    };
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
    let report = report::export_ticket(&store, &number, &ours, now()).unwrap();
    Desk {
        _home: home,
        dir,
        ours,
        foreign,
        report,
    }
}

/// `before`, a signature dictionary covering the whole file, then `after(offset of after)`,
/// signed by `id` over the byte range as a real report is.
fn signed(before: &[u8], after: impl FnOnce(usize) -> Vec<u8>, id: &Identity) -> Vec<u8> {
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

const HEAD: &[u8] = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n2 0 obj\n<</Type/Pages/Kids[]/Count 0>>\nendobj\n";

/// An 8 KB file whose only cross-reference is a stream with an absurd field width (lopdf tried
/// to allocate ~100 TB for it and aborted).
fn absurd_xref_width(id: &Identity) -> Vec<u8> {
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
fn endless_xref_stream(id: &Identity) -> Vec<u8> {
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
fn huge_object_count(id: &Identity) -> Vec<u8> {
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
fn deeply_nested(id: &Identity) -> Vec<u8> {
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
fn with_byte_range(report: &[u8], range: &str) -> Vec<u8> {
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

struct Outcome {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

/// `verify-report --data-dir DIR FILE` in a child limited to 1 GiB of address space.
fn verify(dir: &Path, pdf: &[u8], name: &str) -> Outcome {
    let file = dir.parent().unwrap().join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let started = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" --data-dir \"$1\" verify-report \"$2\"")
        .arg(BIN)
        .arg(dir)
        .arg(&file)
        .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
        .output()
        .unwrap();
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: started.elapsed(),
    }
}

#[cfg(unix)]
#[test]
fn hostile_files_are_refused_quickly_with_exit_1() {
    let d = desk();
    let good = verify(&d.dir, &d.report, "good");
    assert_eq!(good.code, Some(0), "the real report: {}", good.stderr);

    let len = d.report.len();
    let mut oversize = d.report.clone();
    oversize.resize(65 * 1024 * 1024, b' ');
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("absurd-width-foreign", absurd_xref_width(&d.foreign)),
        ("absurd-width-ours", absurd_xref_width(&d.ours)),
        ("endless-xref-stream-ours", endless_xref_stream(&d.ours)),
        ("huge-object-count-ours", huge_object_count(&d.ours)),
        ("deeply-nested-ours", deeply_nested(&d.ours)),
        ("deeply-nested-foreign", deeply_nested(&d.foreign)),
        ("truncated", d.report[..len / 2].to_vec()),
        ("truncated-tail", d.report[..len - 7].to_vec()),
        (
            "range-past-end",
            with_byte_range(&d.report, "[0 100 200 99999999999]"),
        ),
        (
            "range-backwards",
            with_byte_range(&d.report, &format!("[0 5000 100 {}]", len - 100)),
        ),
        (
            "range-overflow",
            with_byte_range(
                &d.report,
                "[0 18446744073709551615 18446744073709551615 18446744073709551615]",
            ),
        ),
        ("range-negative", with_byte_range(&d.report, "[0 -5 10 -1]")),
        ("range-missing", with_byte_range(&d.report, "")),
        ("over-64-mib", oversize),
        ("empty", Vec::new()),
    ];
    assert!(
        cases[0].1.len() < 9 * 1024,
        "the absurd-width file should be about 8 KB, is {}",
        cases[0].1.len()
    );
    for (name, pdf) in cases {
        let r = verify(&d.dir, &pdf, name);
        assert_eq!(r.code, Some(1), "{name}: not refused cleanly: {}", r.stderr);
        assert!(
            r.stderr.contains("error[REPORT_INVALID]"),
            "{name}: {}",
            r.stderr
        );
        assert!(r.took < QUICK, "{name}: took {:?}", r.took);
        eprintln!("{name}: refused in {:?}", r.took);
    }
}

fn last_number_after(hay: &[u8], key: &[u8]) -> usize {
    let at = hay.windows(key.len()).rposition(|w| w == key).unwrap() + key.len();
    let digits: String = hay[at..]
        .iter()
        .map(|b| *b as char)
        .skip_while(|c| c.is_ascii_whitespace())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

/// A mutation: at a fraction of the file, overwrite, insert or delete a few bytes.
#[derive(Debug, Clone)]
enum Edit {
    Overwrite(u32, Vec<u8>),
    Insert(u32, Vec<u8>),
    Delete(u32, u8),
    Truncate(u32),
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let at = |f: u32, len: usize| (f as u64 * len as u64 / u32::MAX as u64) as usize;
    match edit {
        Edit::Overwrite(f, b) => {
            let i = at(*f, bytes.len());
            for (k, byte) in b.iter().enumerate() {
                if let Some(x) = bytes.get_mut(i + k) {
                    *x = *byte;
                }
            }
        }
        Edit::Insert(f, b) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, b.iter().copied());
        }
        Edit::Delete(f, n) => {
            let i = at(*f, bytes.len());
            let j = (i + *n as usize).min(bytes.len());
            bytes.drain(i..j);
        }
        Edit::Truncate(f) => {
            let i = at(*f, bytes.len());
            bytes.truncate(i);
        }
    }
}

/// Bytes that matter to a PDF parser, so mutations hit its paths more often than noise would.
fn token() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 1..8),
        Just(b"[[[[[[[[".to_vec()),
        Just(b"<<".to_vec()),
        Just(b"/W[1 99999 1]".to_vec()),
        Just(b"/Length 99999999".to_vec()),
        Just(b" 0 R".to_vec()),
        Just(b"xref\n0 999999\n".to_vec()),
        Just(b"stream\n".to_vec()),
        Just(b"999999999999".to_vec()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<u32>(), token()).prop_map(|(f, b)| Edit::Overwrite(f, b)),
        2 => (any::<u32>(), token()).prop_map(|(f, b)| Edit::Insert(f, b)),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(f, n)| Edit::Delete(f, n)),
        1 => any::<u32>().prop_map(Edit::Truncate),
    ]
}

/// Mutated real reports, as they are (the signature fails first) or re-signed by this
/// installation (so the record check parses them): 200 cases, never a panic, and an unsigned
/// mutation never passes.
#[test]
fn mutated_reports_never_panic() {
    use proptest::test_runner::{Config, TestRunner};
    let d = desk();
    let store = Store::open_read_only(&d.dir.join(DB_FILE)).unwrap();
    let certs = signing::load_certificates(&d.dir).unwrap().unwrap();
    let root = last_number_after(&d.report, b"/Root");
    let prev = last_number_after(&d.report, b"startxref");
    let info = last_number_after(&d.report, b"/Info");
    // Re-signing appends an update whose table points at the new signature dictionary.
    let resigned = |bytes: &[u8]| {
        let obj_at = bytes.len() + 1;
        let trailer = |at: usize| {
            format!(
                "xref\n99 1\n{obj_at:010} 00000 n\r\ntrailer\n<</Size 100/Root {root} 0 R/Info {info} 0 R/Prev {prev}>>\nstartxref\n{at}\n%%EOF\n"
            )
            .into_bytes()
        };
        signed(bytes, trailer, &d.ours)
    };
    // Unmutated and re-signed, a report still verifies: the fuzz cases do reach the parser.
    let v = report::verify_report(&resigned(&d.report), &store, Some(&certs)).unwrap();
    assert!(v.ok(), "{:?}", v.checks);
    let mut runner = TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (proptest::collection::vec(edit(), 1..6), any::<bool>());
    runner
        .run(&strategy, |(edits, resign)| {
            let mut bytes = d.report.clone();
            for e in &edits {
                apply(&mut bytes, e);
            }
            if resign {
                bytes = resigned(&bytes);
            }
            let v = report::verify_report(&bytes, &store, Some(&certs)).unwrap();
            // A re-signed file may still read correctly when the edit hit nothing that matters.
            prop_assert!(resign || !v.ok() || bytes == d.report);
            Ok(())
        })
        .unwrap();
}
