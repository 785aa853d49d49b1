//! Hostile files in `verify-report`: each is refused with exit 1 and a coded error, quickly and
//! in bounded memory, never with an abort. The real binary runs them as a child process (an
//! abort or an allocation failure is a signal, not exit 1) under a 1 GiB address-space limit.
//!
//! Files signed by a foreign identity show that an untrusted file never reaches the PDF parser;
//! files signed by this installation's own identity (as if its key had leaked) show that the
//! parser still only gets bounded input. A short proptest mutates real reports, re-signed or not.

mod hostile_files;

use hostile_files::*;
use proptest::prelude::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use ticketflow_core::paths::DB_FILE;
use ticketflow_core::report;
use ticketflow_core::signing;
use ticketflow_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");
/// A refusal must come this fast (the debug binary, its start and the store's open included).
const QUICK: Duration = Duration::from_secs(1);

struct Outcome {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

/// `verify-report --data-dir DIR FILE` in a child limited to 1 GiB of address space.
fn verify(dir: &Path, pdf: &[u8], name: &str) -> Outcome {
    verify_in(dir, pdf, name, true)
}

/// The same, against the desk or (`desk` false) the file alone, where a file signed by any key
/// reaches the parser.
fn verify_in(dir: &Path, pdf: &[u8], name: &str, desk: bool) -> Outcome {
    let file = dir.parent().unwrap().join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let started = Instant::now();
    let script = if desk {
        "ulimit -v 1048576 && exec \"$0\" --data-dir \"$1\" verify-report \"$2\""
    } else {
        "ulimit -v 1048576 && exec \"$0\" verify-report \"$2\""
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
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

    let cases = d.hand_made();
    assert!(
        cases[0].1.len() < 9 * 1024,
        "the absurd-width file should be about 8 KB, is {}",
        cases[0].1.len()
    );
    for (name, pdf) in cases {
        for desk in [true, false] {
            let r = verify_in(&d.dir, &pdf, name, desk);
            assert_eq!(
                r.code,
                Some(1),
                "{name} (desk {desk}): not refused cleanly: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains("error[REPORT_INVALID]"),
                "{name} (desk {desk}): {}",
                r.stderr
            );
            assert!(r.took < QUICK, "{name} (desk {desk}): took {:?}", r.took);
            eprintln!("{name} (desk {desk}): refused in {:?}", r.took);
        }
    }
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
    // Re-signing appends an update whose table points at the new signature dictionary.
    let resigned = |bytes: &[u8]| d.resigned(bytes);
    // Unmutated and re-signed, a report still verifies: the fuzz cases do reach the parser.
    let v = report::verify_report(&resigned(&d.report), &store, Some(&certs)).unwrap();
    assert!(v.ok(), "{:?}", v.checks);
    let mut runner = TestRunner::new(Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    });
    // The signature's own /Contents value is the one gap the signature cannot cover (PDF signs
    // the bytes around it); past the CMS's DER it is padding, which readers ignore. An edit that
    // changed only that gap leaves the document as signed.
    let gap = {
        let at = d
            .report
            .windows(10)
            .rposition(|w| w == b"/ByteRange")
            .unwrap();
        let text = String::from_utf8_lossy(&d.report[at..at + 80]).into_owned();
        let n: Vec<usize> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|t| !t.is_empty())
            .take(4)
            .map(|t| t.parse().unwrap())
            .collect();
        n[0] + n[1]..n[2]
    };
    let only_gap_changed = |bytes: &[u8]| {
        bytes.len() == d.report.len()
            && bytes[..gap.start] == d.report[..gap.start]
            && bytes[gap.end..] == d.report[gap.end..]
    };
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
            prop_assert!(resign || !v.ok() || bytes == d.report || only_gap_changed(&bytes));
            Ok(())
        })
        .unwrap();
}
