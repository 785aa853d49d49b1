//! A bounded fuzz of report verification, for CI (issue 13): the real signed report and the
//! hand-made hostile files, mutated with byte flips, truncations, deletions and splices of hostile
//! constructs (absurd /W, /Size, /Length, deep nesting, thousands of objects, a deflate bomb).
//! A quarter of the inputs are re-signed by this installation's key (as if it had leaked), so they
//! reach the desk's record check; a quarter by a key of the attacker's own, which verifying a
//! report alone (`verify-report FILE`, no desk) hands to the PDF parser too. Each input is checked
//! against the desk and alone.
//!
//! Every input must come back as a verification (not ok, unless it was signed anew or only the
//! unsigned padding of /Contents changed) or a coded error: never a panic, an abort, a hang or
//! unbounded memory. A watchdog stops the run when one verification takes over FUZZ_HANG_MS
//! (default 10 s) or the process holds over 2 GiB.
//!
//! Run (CI does, for FUZZ_SECONDS, default 60):
//!   cargo test -p ticketflow-core --test fuzz_verify_report -- --ignored --nocapture
//! Each input is derived from (FUZZ_SEED, case number) alone; the seed is printed (random unless
//! FUZZ_SEED is set), and a failure prints the command that replays its case (FUZZ_CASE) and
//! keeps the failing file in the target directory. Replayed, a re-signed input carries a new
//! signature (keys are made per run) over the same bytes.

mod hostile_files;

use hostile_files::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ticketflow_core::paths::DB_FILE;
use ticketflow_core::report;
use ticketflow_core::signing;
use ticketflow_core::store::Store;

const SECONDS_ENV: &str = "FUZZ_SECONDS";
const SEED_ENV: &str = "FUZZ_SEED";
const CASE_ENV: &str = "FUZZ_CASE";
/// One input taking this long (FUZZ_HANG_MS, default 10 s) is a hang, not a slow machine.
const HANG_ENV: &str = "FUZZ_HANG_MS";
/// Resident memory over this is unbounded growth (the desk and corpus take well under 200 MB).
const RSS_LIMIT_KB: u64 = 2 * 1024 * 1024;
const REPLAY: &str =
    "cargo test -p ticketflow-core --test fuzz_verify_report -- --ignored --nocapture";

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a whole number")),
    )
}

/// A field of /proc/self/status in kB (VmRSS now, VmHWM the peak); 0 where there is none.
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':').map(str::to_owned))
        })
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A zlib stream that inflates to about `mib` MiB of zeros: a literal, then copies of 258 bytes
/// at distance 1 in one fixed-Huffman block (13 bits each, about 160:1).
fn deflate_bomb(mib: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        /// `len` bits of `value`, least significant first (how deflate packs everything).
        fn put(&mut self, value: u64, len: u32) {
            self.acc |= value << self.n;
            self.n += len;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, which deflate stores most significant bit first.
        fn code(&mut self, code: u64, len: u32) {
            let reversed = (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
            self.put(reversed, len);
        }
    }
    let copies = mib * 1024 * 1024 / 258;
    let mut b = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // last block
    b.put(1, 2); // fixed Huffman codes
    b.code(0b0011_0000, 8); // literal 0
    for _ in 0..copies {
        b.code(0b1100_0101, 8); // length 258 (symbol 285)
        b.code(0, 5); // distance 1
    }
    b.code(0, 7); // end of block
    if b.n > 0 {
        b.out.push(b.acc as u8);
    }
    let len = 1 + 258 * copies as u64;
    let adler = ((len % 65521) << 16) | 1;
    b.out.extend_from_slice(&(adler as u32).to_be_bytes());
    b.out
}

/// Bytes that matter to a PDF parser, so mutations reach its paths more often than noise would.
fn token(rng: &mut ChaCha8Rng) -> Vec<u8> {
    const FIXED: &[&[u8]] = &[
        b"/W[1 99999999999999 1]",
        b"/W[8 8 8]",
        b"/W[0 0 0]",
        b"/Size 2147483647",
        b"/Size 18446744073709551615",
        b"/Length 99999999999",
        b"/Length -1",
        b"/Index[0 4000000000000]",
        b" 0 R",
        b"99999 65535 R",
        b"xref\n0 4000000000\n",
        b"xref\n0 1\n0000000000 65535 f\r\n",
        b"stream\n",
        b"endstream",
        b"endobj",
        b"/Filter/FlateDecode",
        b"/Filter[/FlateDecode/LZWDecode/ASCIIHexDecode/ASCII85Decode/RunLengthDecode]",
        b"/DecodeParms<</Predictor 15/Columns 99999999/Colors 255/BitsPerComponent 16>>",
        b"/Type/XRef",
        b"/Type/ObjStm/N 99999999/First 0",
        b"/XRefStm 0",
        b"trailer\n<<>>",
        b"startxref\n0\n",
        b"%%EOF",
        b"/Prev 0",
        b"/Names[(x) 7 0 R]",
        b"/EmbeddedFiles",
        b"/ByteRange[0 1 2 3]",
        b"(\\",
        b"<ffff",
        b"999999999999999999999999",
    ];
    match rng.random_range(0..10) {
        0 => (0..rng.random_range(1..9)).map(|_| rng.random()).collect(),
        1 => {
            let n = rng.random_range(1..100_000);
            let mut v = vec![b'['; n];
            v.extend(std::iter::repeat_n(b']', rng.random_range(0..=n)));
            v
        }
        2 => b"<<".repeat(rng.random_range(1..50_000)),
        // Many objects, as a report with thousands of them would have.
        3 => (0..rng.random_range(1..20_000))
            .flat_map(|i| format!("{} 0 obj\n<</K {i} 0 R>>\nendobj\n", i + 100).into_bytes())
            .collect(),
        // A keyword repeated many times: any scan that is quadratic in it shows as a hang.
        4 => {
            let word = FIXED[rng.random_range(0..FIXED.len())];
            word.repeat(rng.random_range(1..20_000))
        }
        _ => FIXED[rng.random_range(0..FIXED.len())].to_vec(),
    }
}

/// Where to edit: half the time just at a keyword a parser reads, else anywhere.
fn position(rng: &mut ChaCha8Rng, bytes: &[u8]) -> usize {
    const KEYS: &[&[u8]] = &[
        b"/W",
        b"/Size",
        b"/Length",
        b"xref",
        b"trailer",
        b"startxref",
        b" obj",
        b"/ByteRange",
        b"/Contents",
        b"stream",
        b"/Root",
        b"/Info",
        b"/Names",
        b"/EF",
        b"/Prev",
    ];
    if !bytes.is_empty() && rng.random_bool(0.5) {
        let key = KEYS[rng.random_range(0..KEYS.len())];
        let at: Vec<usize> = bytes
            .windows(key.len())
            .enumerate()
            .filter(|(_, w)| *w == key)
            .map(|(i, _)| i + key.len())
            .collect();
        if !at.is_empty() {
            return at[rng.random_range(0..at.len())];
        }
    }
    rng.random_range(0..=bytes.len())
}

/// Replaces the body of a stream (the attached record's, when asked and present) with `body`,
/// and its /Length with the new length.
fn replace_stream(bytes: &mut Vec<u8>, rng: &mut ChaCha8Rng, body: &[u8], attachment: bool) {
    let find = |hay: &[u8], needle: &[u8], from: usize| {
        hay.get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|i| i + from)
    };
    let starts: Vec<usize> = bytes
        .windows(7)
        .enumerate()
        .filter(|(i, w)| {
            *w == b"stream\n" || (*w == b"stream\r" && bytes.get(i + 7) == Some(&b'\n'))
        })
        .filter(|(i, _)| *i < 3 || &bytes[i - 3..*i] != b"end")
        .map(|(i, _)| i)
        .collect();
    let chosen = if attachment {
        find(bytes, b"/EmbeddedFile", 0).and_then(|at| starts.iter().copied().find(|s| *s > at))
    } else {
        None
    };
    let Some(start) =
        chosen.or_else(|| (!starts.is_empty()).then(|| starts[rng.random_range(0..starts.len())]))
    else {
        return;
    };
    let body_at = start + if bytes[start + 6] == b'\r' { 8 } else { 7 };
    let Some(end) = find(bytes, b"endstream", body_at) else {
        return;
    };
    bytes.splice(body_at..end, body.iter().copied().chain(*b"\n"));
    // The dictionary before `stream`: its /Length, if it says one, gets the new length.
    let dict_from = bytes[..start]
        .windows(2)
        .rposition(|w| w == b"<<")
        .unwrap_or(0);
    if let Some(l) = find(&bytes[..start], b"/Length", dict_from) {
        let num_at = l + 7;
        let num_end = num_at
            + bytes[num_at..start]
                .iter()
                .position(|b| !(b.is_ascii_digit() || *b == b' '))
                .unwrap_or(0);
        bytes.splice(num_at..num_end, format!(" {}", body.len() + 1).into_bytes());
    }
}

struct Corpus {
    /// The real report first, then the hand-made hostile files.
    files: Vec<(String, Vec<u8>)>,
    bomb: Vec<u8>,
}

/// Who signed an input after its edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signer {
    /// Nobody: the edits stand against the original signature.
    Nobody,
    /// This installation's key, as if it had leaked: the input reaches the desk's record check.
    Ours,
    /// A key of the attacker's own: anyone can make one, and verifying a report alone reads it.
    Foreign,
}

/// One input, from (seed, case) alone: a corpus file, 1-6 edits, re-signed or not.
fn input(seed: u64, case: u64, corpus: &Corpus, d: &Desk) -> (Vec<u8>, Signer, String) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(case);
    // The real report most often: its structure is what a parser meets in the field.
    let pick = if rng.random_bool(0.6) {
        0
    } else {
        rng.random_range(0..corpus.files.len())
    };
    let (name, base) = &corpus.files[pick];
    let mut bytes = base.clone();
    let mut what = vec![name.clone()];
    for _ in 0..rng.random_range(1..=6) {
        let len = bytes.len();
        match rng.random_range(0..20) {
            0..=3 => {
                for _ in 0..rng.random_range(1..16) {
                    if len > 0 {
                        let i = rng.random_range(0..len);
                        bytes[i] ^= 1 << rng.random_range(0..8);
                    }
                }
                what.push("flip".into());
            }
            4..=6 => {
                let at = position(&mut rng, &bytes);
                let t = token(&mut rng);
                let end = (at + t.len()).min(bytes.len());
                bytes.splice(at..end, t);
                what.push("overwrite".into());
            }
            7..=10 => {
                let at = position(&mut rng, &bytes);
                let t = token(&mut rng);
                bytes.splice(at..at, t);
                what.push("insert".into());
            }
            11..=12 => {
                let at = rng.random_range(0..=len);
                let n = rng.random_range(0..=(len - at).min(4096));
                bytes.drain(at..at + n);
                what.push("delete".into());
            }
            13 => {
                bytes.truncate(rng.random_range(0..=len));
                what.push("truncate".into());
            }
            14..=15 => {
                let (_, other) = &corpus.files[rng.random_range(0..corpus.files.len())];
                if !other.is_empty() {
                    let from = rng.random_range(0..other.len());
                    let n = rng.random_range(1..=(other.len() - from).min(8192));
                    let at = position(&mut rng, &bytes);
                    bytes.splice(at..at, other[from..from + n].iter().copied());
                }
                what.push("splice".into());
            }
            16 => {
                // A region repeated: objects, tables and trailers many times over.
                if len > 0 {
                    let from = rng.random_range(0..len);
                    let n = rng.random_range(1..=(len - from).min(512));
                    let times = rng.random_range(2..2_000);
                    let chunk = bytes[from..from + n].repeat(times);
                    bytes.splice(from..from, chunk);
                }
                what.push("repeat".into());
            }
            17 => {
                let attachment = rng.random_bool(0.5);
                replace_stream(&mut bytes, &mut rng, &corpus.bomb, attachment);
                what.push(
                    if attachment {
                        "bomb-attachment"
                    } else {
                        "bomb"
                    }
                    .into(),
                );
            }
            _ => {
                let body: Vec<u8> = (0..rng.random_range(0..4096))
                    .map(|_| rng.random())
                    .collect();
                let attachment = rng.random_bool(0.5);
                replace_stream(&mut bytes, &mut rng, &body, attachment);
                what.push("stream-noise".into());
            }
        }
    }
    // Capped so the signature's own copy stays cheap; the 64 MiB limit has its hand-made case.
    bytes.truncate(24 * 1024 * 1024);
    let signer = match rng.random_range(0..4) {
        0 | 1 => Signer::Nobody,
        2 => {
            bytes = d.resigned(&bytes);
            what.push("re-signed".into());
            Signer::Ours
        }
        _ => {
            bytes = d.resigned_by(&bytes, &d.foreign);
            what.push("re-signed by a foreign key".into());
            Signer::Foreign
        }
    };
    (bytes, signer, what.join("+"))
}

/// The bytes a report's signature leaves out: its /Contents hex string, from its /ByteRange.
fn contents_range(report: &[u8]) -> std::ops::Range<usize> {
    let at = report
        .windows(10)
        .rposition(|w| w == b"/ByteRange")
        .expect("a signed report")
        + 10;
    let end = at + report[at..].iter().position(|b| *b == b']').unwrap();
    let numbers: Vec<usize> = String::from_utf8_lossy(&report[at..end])
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    numbers[1]..numbers[2]
}

fn same_signed_bytes(bytes: &[u8], report: &[u8], unsigned: std::ops::Range<usize>) -> bool {
    bytes.len() == report.len()
        && bytes[..unsigned.start] == report[..unsigned.start]
        && bytes[unsigned.end..] == report[unsigned.end..]
}

/// What the watchdog needs to name a stuck input.
struct Current {
    case: AtomicU64,
    started_ms: AtomicU64,
    bytes: Mutex<Arc<Vec<u8>>>,
}

fn keep(bytes: &[u8], seed: u64, case: u64) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fuzz-verify-report-{seed}-{case}.pdf"));
    let _ = std::fs::write(&path, bytes);
    path
}

#[test]
#[ignore = "bounded fuzz, run by CI: cargo test -p ticketflow-core --test fuzz_verify_report -- --ignored"]
fn verify_report_survives_mutated_and_hostile_files() {
    let seconds = env_u64(SECONDS_ENV).unwrap_or(60);
    let seed = env_u64(SEED_ENV).unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let only = env_u64(CASE_ENV);
    let hang = Duration::from_millis(env_u64(HANG_ENV).unwrap_or(10_000));
    eprintln!("fuzz verify-report: seed {seed} ({SEED_ENV}={seed} replays it), {seconds} s");

    let setup = Instant::now();
    let d = desk();
    let store = Store::open_read_only(&d.dir.join(DB_FILE)).unwrap();
    let certs = signing::load_certificates(&d.dir).unwrap().unwrap();
    let hand_made = d.hand_made();
    // Mutations start from the real report and the small hand-made files (the 64 MiB one runs
    // as it is: editing it in a debug build costs seconds per input).
    let mut files = vec![("report".to_string(), d.report.clone())];
    files.extend(
        hand_made
            .iter()
            .filter(|(_, b)| b.len() < 1024 * 1024)
            .map(|(n, b)| (n.to_string(), b.clone())),
    );
    let corpus = Corpus {
        files,
        bomb: deflate_bomb(64),
    };
    let unsigned = contents_range(&d.report);
    eprintln!(
        "fuzz verify-report: desk, identities and corpus made in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    // The harness reaches the parser: the real report, re-signed, still verifies.
    let v = report::verify_report(&d.resigned(&d.report), &store, Some(&certs)).unwrap();
    assert!(
        v.ok(),
        "a re-signed real report should verify: {:?}",
        v.checks
    );

    let current = Arc::new(Current {
        case: AtomicU64::new(0),
        started_ms: AtomicU64::new(u64::MAX),
        bytes: Mutex::new(Arc::new(Vec::new())),
    });
    let clock = Instant::now();
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (current, done) = (current.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                let started = current.started_ms.load(Ordering::Relaxed);
                let now = clock.elapsed().as_millis() as u64;
                let rss = status_kb("VmRSS");
                let stuck =
                    started != u64::MAX && now.saturating_sub(started) > hang.as_millis() as u64;
                if stuck || rss > RSS_LIMIT_KB {
                    let case = current.case.load(Ordering::Relaxed);
                    let bytes = current.bytes.lock().map(|b| b.clone()).unwrap_or_default();
                    let kept = keep(&bytes, seed, case);
                    eprintln!(
                        "fuzz verify-report: case {case} {}: kept {}; replay: {SEED_ENV}={seed} {CASE_ENV}={case} {REPLAY}",
                        if stuck { format!("ran over {hang:?}") } else { format!("holds {rss} kB") },
                        kept.display()
                    );
                    std::process::exit(101);
                }
            }
        })
    };

    let mut times = [Vec::new(), Vec::new()];
    let mut inputs = 0u64;
    let mut making = Vec::new();
    let mut slowest = (Duration::ZERO, String::new());
    let mut outcomes = std::collections::BTreeMap::<String, u64>::new();
    let deadline = Duration::from_secs(seconds);
    let cases: Box<dyn Iterator<Item = u64>> = match only {
        Some(c) => Box::new(std::iter::once(c)),
        None => Box::new(0..),
    };
    for case in cases {
        if only.is_none() && clock.elapsed() >= deadline {
            break;
        }
        // The hand-made files first, as they are; then mutations.
        let (bytes, signer, what) = match hand_made.get(case as usize) {
            Some((name, bytes)) => (bytes.clone(), Signer::Nobody, format!("hand-made {name}")),
            None => {
                let made = Instant::now();
                let made_input = input(seed, case, &corpus, &d);
                making.push(made.elapsed());
                made_input
            }
        };
        let bytes = Arc::new(bytes);
        *current.bytes.lock().unwrap() = bytes.clone();
        current.case.store(case, Ordering::Relaxed);
        let replay = || {
            format!(
                "case {case} ({what}, {} bytes) kept in {}; replay: {SEED_ENV}={seed} {CASE_ENV}={case} {REPLAY}",
                bytes.len(),
                keep(&bytes, seed, case).display()
            )
        };
        let unchanged = same_signed_bytes(&bytes, &d.report, unsigned.clone());
        // Against the desk, then alone (which reads files signed by any key).
        for alone in [false, true] {
            let started = Instant::now();
            current
                .started_ms
                .store(clock.elapsed().as_millis() as u64, Ordering::Relaxed);
            let result = catch_unwind(AssertUnwindSafe(|| {
                if alone {
                    Ok(report::verify_report_alone(&bytes))
                } else {
                    report::verify_report(&bytes, &store, Some(&certs))
                }
            }));
            let took = started.elapsed();
            current.started_ms.store(u64::MAX, Ordering::Relaxed);
            let mode = if alone { "alone" } else { "desk" };
            let outcome = match result {
                Err(_) => panic!("verify_report ({mode}) panicked: {}", replay()),
                // A coded error (the command line's exit 3, not 1): allowed, but counted apart.
                Ok(Err(e)) => format!("error[{}]", e.code()),
                Ok(Ok(v)) if v.ok() => {
                    // Against the desk only its own key's signature may verify, alone any
                    // signature over the file; or else the signed bytes of the real report are
                    // unchanged (the padding of /Contents lies outside them by design).
                    let signed_anew =
                        signer == Signer::Ours || (alone && signer == Signer::Foreign);
                    assert!(
                        signed_anew || unchanged,
                        "a mutated report verified ({mode}) without being re-signed: {}",
                        replay()
                    );
                    if signed_anew {
                        "verified (re-signed)".into()
                    } else {
                        "verified (only unsigned /Contents padding changed)".into()
                    }
                }
                Ok(Ok(v)) => {
                    let failed = v.checks.iter().find(|c| !c.ok).map_or("?", |c| c.name);
                    format!("refused at {failed}")
                }
            };
            times[usize::from(alone)].push(took);
            if took > slowest.0 {
                slowest = (
                    took,
                    format!("{mode}, case {case}: {what}, {} bytes", bytes.len()),
                );
            }
            *outcomes.entry(format!("{mode}: {outcome}")).or_default() += 1;
        }
        inputs += 1;
    }
    done.store(true, Ordering::Relaxed);
    watchdog.join().unwrap();

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let spread = |t: &mut Vec<Duration>| {
        t.sort();
        let median = t.get(t.len() / 2).copied().unwrap_or_default();
        let max = t.last().copied().unwrap_or_default();
        format!("median {:.1} ms, max {:.1} ms", ms(median), ms(max))
    };
    eprintln!(
        "fuzz verify-report: seed {seed}: {inputs} inputs in {:.1} s; against the desk {}; alone {}; peak RSS {} MiB",
        clock.elapsed().as_secs_f64(),
        spread(&mut times[0]),
        spread(&mut times[1]),
        status_kb("VmHWM") / 1024
    );
    eprintln!(
        "  making an input: {}; slowest verification {:.1} ms ({})",
        spread(&mut making),
        ms(slowest.0),
        slowest.1
    );
    for (outcome, n) in &outcomes {
        eprintln!("  {n:>6}  {outcome}");
    }
    assert!(inputs > 0, "no input ran");
}
