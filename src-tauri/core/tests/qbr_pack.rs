//! The QBR pack (issue 17, item 3) on the hand-built desk of tests/qbr.rs: the signed PDF read
//! back with `pdftotext` shows the same figures as `Store::qbr` and the CSV; it verifies like a
//! closure report (alone, against the desk, and with poppler's `pdfsig` when installed) and one
//! flipped byte is caught; a client name full of PDF syntax prints as written; the batch writes
//! one pack per client and stops when cancelled.

mod common;
#[path = "common/qbr_desk.rs"]
mod qbr_desk;

use qbr_desk::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tempfile::TempDir;
use ticketflow_core::directory::Tier;
use ticketflow_core::qbr::pdf::{export_qbr_batch, qbr_file_name, render_qbr_signed};
use ticketflow_core::qbr::{self, Qbr};
use ticketflow_core::report::{self, BatchControl, BatchProgress, Verdict};
use ticketflow_core::signing::Identity;
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::Store;

/// A client name made of what PDF strings, XML and shells treat as syntax.
const HOSTILE: &str = r#"Hostile (Pty) \Ltd <b> "x" ) ("#;

/// The hand-built desk on a file (batches open their own connections), plus a third client with
/// the hostile name and one open ticket in the period.
fn desk() -> (Built, TempDir, PathBuf) {
    let mut d = build();
    let mut hostile = client(
        &mut d.store,
        HOSTILE,
        Tier::Silver,
        Calendar::AlwaysOn,
        &["HOSTILE-PC-01"],
    );
    // `open` writes for Borealis: let the hostile client stand in for it for one ticket.
    std::mem::swap(&mut d.boreal, &mut hostile);
    let id = d.open(false, "P3", &[0], "2026-03-20T10:00:00Z");
    d.diagnose(id, "2026-03-20T10:30:00Z", &[]);
    std::mem::swap(&mut d.boreal, &mut hostile);
    d.t.insert("H1", id);

    let dir = TempDir::new().unwrap();
    let path = dir.path().join(ticketflow_core::paths::DB_FILE);
    d.store.backup(&path).unwrap();
    d.store = Store::open(&path).unwrap();
    (d, dir, path)
}

fn identity() -> Identity {
    Identity::ephemeral("Pack Test MSP", now()).unwrap()
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty())
}

/// The PDF's text as `pdftotext` reads it (`mode`: "-layout" keeps table rows on one line,
/// "-raw" keeps the order things were drawn in), or none when poppler is not installed.
fn pdftotext(pdf: &Path, mode: &str) -> Option<String> {
    if !tool("pdftotext") {
        eprintln!(
            "SKIPPED: pdftotext (poppler-utils) is not installed; the pack's text is not read back"
        );
        return None;
    }
    let out = Command::new("pdftotext")
        .args([mode, "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The line of a `-layout` text that starts with `label` (a KPI row).
fn row<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(label))
        .unwrap_or_else(|| panic!("no row {label:?} in\n{text}"))
}

fn pct(v: Option<f64>) -> String {
    format!("{:.1}%", v.unwrap())
}

/// "48 min", "2 h", "16 h 30 min": business time as the pack prints it.
fn minutes(secs: i64) -> String {
    let m = secs / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m:02} min"),
    }
}

fn pack(d: &mut Built, dir: &Path, company: Option<i64>, id: &Identity) -> (PathBuf, Vec<u8>) {
    let path = dir.join("pack.pdf");
    let saved = d
        .store
        .export_qbr_pack(id, company, from(), to(), now(), &path)
        .unwrap();
    let pdf = std::fs::read(&path).unwrap();
    assert_eq!(saved.bytes, pdf.len() as u64);
    assert_eq!(saved.path, path.display().to_string());
    (path, pdf)
}

#[test]
fn the_pack_shows_the_figures_of_the_qbr_and_the_csv() {
    let (mut d, dir, _) = desk();
    let alpine = d.alpine.company.id;
    let q: Qbr = d.store.qbr(Some(alpine), from(), to(), now()).unwrap();
    // The worked figures of tests/qbr.rs, so this test cannot pass on figures that are wrong
    // in both the QBR and the pack.
    assert_eq!((q.volume.opened, q.volume.closed), (6, 5));
    let (path, pdf) = pack(&mut d, dir.path(), Some(alpine), &identity());
    let saved_hash = ticketflow_core::canonical::sha256_hex(
        ticketflow_core::canonical::canonical_json(&q)
            .unwrap()
            .as_bytes(),
    );
    let Some(layout) = pdftotext(&path, "-layout") else {
        return;
    };
    let raw = squeeze(&pdftotext(&path, "-raw").unwrap());

    // The cover.
    assert!(
        raw.contains("QUARTERLY BUSINESS REVIEW Alpine Dental 16 Mar 2026 – 10 Apr 2026"),
        "{raw}"
    );
    assert!(raw.contains("time zone, Europe/Berlin."), "{raw}");
    // The footer carries the hash of the figures the pack attaches.
    assert!(
        raw.contains(&format!("Figures SHA-256 {saved_hash}")),
        "{raw}"
    );

    // Every KPI row shows the QBR's own figure.
    let kpis = [
        ("Tickets opened", q.volume.opened.to_string()),
        ("Tickets closed", q.volume.closed.to_string()),
        ("Opened and still open", q.volume.still_open.to_string()),
        (
            "SLA first response met",
            format!(
                "{} ({} of {})",
                pct(q.sla.first_response_met_pct),
                q.sla.first_response_met,
                q.sla.first_response_measured
            ),
        ),
        (
            "SLA resolution met",
            format!(
                "{} ({} of {})",
                pct(q.sla.resolution_met_pct),
                q.sla.resolution_met,
                q.sla.resolution_measured
            ),
        ),
        ("SLA breaches", q.sla.breaches.len().to_string()),
        (
            "First response, mean",
            minutes(q.times.first_response_mean_secs.unwrap()),
        ),
        (
            "First response, median",
            minutes(q.times.first_response_median_secs.unwrap()),
        ),
        (
            "Resolution, mean",
            minutes(q.times.resolution_mean_secs.unwrap()),
        ),
        (
            "Resolution, median",
            minutes(q.times.resolution_median_secs.unwrap()),
        ),
        (
            "Reopen rate",
            format!(
                "{} ({} reopened)",
                pct(q.quality.reopen_rate_pct),
                q.quality.reopened
            ),
        ),
        (
            "First-touch resolution",
            format!(
                "{} ({} tickets)",
                pct(q.quality.first_touch_rate_pct),
                q.quality.first_touch_resolved
            ),
        ),
        (
            "Escalations to Tier 2",
            format!(
                "{} ({})",
                q.quality.escalated,
                pct(q.quality.escalation_rate_pct)
            ),
        ),
        (
            "CSAT average (1 to 5)",
            format!("{:.2}", q.csat.overall.average.unwrap()),
        ),
        (
            "CSAT response rate",
            format!(
                "{} ({} of {})",
                pct(q.csat.overall.response_rate_pct),
                q.csat.overall.responded,
                q.csat.overall.surveyed
            ),
        ),
        (
            "Billable hours",
            format!("{:.2} h", q.hours.billable_minutes as f64 / 60.0),
        ),
        (
            "Non-billable hours",
            format!("{:.2} h", q.hours.non_billable_minutes as f64 / 60.0),
        ),
    ];
    // pdftotext may drop the space inside a right-aligned "8 h": compared without spaces.
    let bare = |s: &str| s.replace(' ', "");
    for (label, value) in &kpis {
        let line = row(&layout, label);
        let this_period = bare(&line.trim_start()[label.len()..]);
        assert!(
            this_period.starts_with(&bare(value)),
            "{label}: expected {value:?} first in {line:?}"
        );
    }
    // The worked values themselves, as tests/qbr.rs and the CLI print them.
    assert!(bare(row(&layout, "SLA first response met")).contains("80.0%(4of5)"));
    assert!(bare(row(&layout, "Billable hours")).contains("6.00h"));
    assert!(bare(row(&layout, "First response, mean")).contains("48min"));

    // Breaches: each one with its target, actual and paused times, and its reason.
    assert!(!q.sla.breaches.is_empty());
    for b in &q.sla.breaches {
        let line = layout
            .lines()
            .find(|l| {
                l.trim_start().starts_with(&b.ticket)
                    && l.contains(match b.clock {
                        qbr::SlaClock::FirstResponse => "First response",
                        qbr::SlaClock::Resolution => "Resolution",
                    })
            })
            .unwrap_or_else(|| panic!("no breach row for {} in\n{layout}", b.ticket));
        for t in [b.target_secs, b.actual_secs, b.paused_secs] {
            assert!(
                bare(line).contains(&bare(&minutes(t))),
                "{} in {line:?}",
                minutes(t)
            );
        }
        if let Some(reason) = &b.reason {
            assert!(raw.contains(&format!("Reason: {reason}")), "{reason}");
        }
    }

    // The charts are drawn, as vectors: their titles and bar values are text, and the file
    // holds no image at all (the desk has no logo).
    for title in [
        "Tickets opened and closed by priority",
        "SLA targets met",
        "Satisfaction by month (average rating, 1 to 5)",
        "Hours by month",
    ] {
        assert!(raw.contains(title), "{title}");
    }
    assert!(
        !pdf.windows(b"/Image".len()).any(|w| w == b"/Image"),
        "the pack embeds an image"
    );
    // Alpine's SLA bars: 80% this period.
    assert!(
        raw.contains("80% 100% First response 80% 100% Resolution"),
        "{raw}"
    );

    // Appendix A prints the doc comments: two of them, whole.
    for sentence in [
        "The reopened tickets as a percentage of the tickets closed in the period.",
        "Tickets closed in the period that were never escalated to Tier 2.",
    ] {
        assert!(raw.contains(sentence), "{sentence}");
    }

    // Appendix B: every ticket of the CSV, with the record hash the CSV gives it.
    let csv = qbr::tickets_csv(&q).unwrap();
    let mut rows = 0;
    for line in csv.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let (number, hash) = (cells[0], cells[cells.len() - 1]);
        assert!(
            layout.lines().any(|l| l.trim_start().starts_with(number)),
            "{number}"
        );
        if !hash.is_empty() {
            assert!(raw.contains(&format!("{number} ")), "{number}");
            assert!(
                raw.contains(&format!("Record SHA-256 {hash}")),
                "{number} {hash}"
            );
        }
        rows += 1;
    }
    assert_eq!(rows, q.tickets.len());
    assert_eq!(rows, 7);
    // The figures attached are the QBR's, hashed as the footer says.
    let v = report::verify_report_alone(&pdf);
    assert!(v.checks.iter().any(|c| c.detail.contains(&saved_hash)));
}

#[test]
fn the_pack_verifies_like_a_closure_report_and_a_flipped_byte_is_caught() {
    let (mut d, dir, db) = desk();
    let id = identity();
    let alpine = d.alpine.company.id;
    let (path, pdf) = pack(&mut d, dir.path(), Some(alpine), &id);

    let alone = report::verify_report_alone(&pdf);
    assert_eq!(alone.verdict(), Verdict::Verified, "{:#?}", alone.checks);
    let names: Vec<&str> = alone.checks.iter().map(|c| c.name).collect();
    assert_eq!(names, ["signature", "record", "history"]);
    assert_eq!(
        alone.ticket.as_deref(),
        Some("QBR of Alpine Dental, 2026-03-16 to 2026-04-10")
    );
    let history = &alone.checks[2].detail;
    assert!(history.contains("checkpoint"), "{history}");

    // Against the desk: its certificates, every sealed record it read, its history.
    let against = report::verify_report(&pdf, &d.store, Some(&id.certificates)).unwrap();
    assert_eq!(
        against.verdict(),
        Verdict::Verified,
        "{:#?}",
        against.checks
    );
    // Every closed ticket behind the figures (A7 closed after the period, but was opened in it).
    let q = d.store.qbr(Some(alpine), from(), to(), now()).unwrap();
    let sealed = q.tickets.iter().filter(|t| t.record_hash.is_some()).count();
    assert_eq!(sealed, 6);
    let desk_record = against
        .checks
        .iter()
        .find(|c| c.name == "desk record")
        .unwrap();
    assert!(
        desk_record
            .detail
            .contains(&format!("the {sealed} sealed records")),
        "{}",
        desk_record.detail
    );

    // A desk whose stored record of a ticket behind the figures was rewritten afterwards: the
    // pack is authentic, the desk changed (exit 4 in the CLI), and the ticket is named.
    let raw = rusqlite::Connection::open(&db).unwrap();
    raw.execute_batch("DROP TRIGGER tickets_sealed_update;")
        .unwrap();
    raw.execute(
        "UPDATE tickets SET record_hash = ?1 WHERE id = ?2",
        rusqlite::params!["0".repeat(64), d.id("A3")],
    )
    .unwrap();
    let changed = report::verify_report(&pdf, &d.store, Some(&id.certificates)).unwrap();
    assert_eq!(
        changed.verdict(),
        Verdict::DeskChanged,
        "{:#?}",
        changed.checks
    );
    let failed = changed.checks.iter().find(|c| !c.ok).unwrap();
    assert_eq!(failed.name, "desk record");
    assert!(failed.detail.contains(&d.number("A3")), "{}", failed.detail);

    // One flipped byte anywhere in the signed ranges breaks it: the first range ends where the
    // signature's /Contents begins, the second runs from its end to the end of the file.
    let at = pdf
        .windows(b"/ByteRange".len())
        .rposition(|w| w == b"/ByteRange")
        .unwrap();
    let text = String::from_utf8_lossy(&pdf[at..at + 120]);
    let numbers: Vec<usize> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|n| !n.is_empty())
        .take(4)
        .map(|n| n.parse().unwrap())
        .collect();
    let (first_end, second) = (numbers[1], numbers[2]);
    assert_eq!(numbers[2] + numbers[3], pdf.len(), "{numbers:?}");
    for at in [10, first_end / 2, first_end - 1, second, pdf.len() - 2] {
        let mut bad = pdf.clone();
        bad[at] ^= 0x01;
        let v = report::verify_report_alone(&bad);
        assert_eq!(v.verdict(), Verdict::ReportAltered, "byte {at}");
        assert!(!v.checks[0].ok, "byte {at}: {:?}", v.checks[0]);
    }

    if tool("pdfsig") {
        let out = Command::new("pdfsig").arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Signature is Valid."), "{text}");
        assert!(text.contains("Total document signed"), "{text}");
        let bad = dir.path().join("bad.pdf");
        let mut flipped = pdf.clone();
        flipped[pdf.len() / 3] ^= 0x01;
        std::fs::write(&bad, flipped).unwrap();
        let out = Command::new("pdfsig").arg(&bad).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("Signature is Valid."), "{text}");
    } else {
        eprintln!("SKIPPED: pdfsig (poppler-utils) is not installed");
    }
}

#[test]
fn a_client_name_made_of_pdf_syntax_prints_as_written() {
    let (mut d, dir, _) = desk();
    let hostile = d
        .store
        .companies()
        .unwrap()
        .into_iter()
        .find(|c| c.name == HOSTILE)
        .unwrap();
    let (path, pdf) = pack(&mut d, dir.path(), Some(hostile.id), &identity());
    assert_eq!(
        report::verify_report_alone(&pdf).verdict(),
        Verdict::Verified
    );
    let Some(raw) = pdftotext(&path, "-raw") else {
        return;
    };
    let raw = squeeze(&raw);
    assert!(raw.contains(HOSTILE), "{raw}");
    // Its one ticket and its asset are listed under its name.
    assert!(raw.contains(&format!("HOSTILE-PC-01 {HOSTILE} 1")), "{raw}");
    assert!(raw.contains(&d.number("H1")));
}

#[test]
fn a_batch_writes_one_pack_per_client_and_stops_when_cancelled() {
    let (d, dir, db) = desk();
    let clients = d.store.qbr_clients(from(), to(), now()).unwrap();
    let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Alpine Dental", "Borealis Freight", HOSTILE]);
    let identity = identity();

    let seen = Mutex::new(Vec::new());
    let record = |p: &BatchProgress| seen.lock().unwrap().push(p.clone());
    let never = AtomicBool::new(false);
    let control = BatchControl {
        cancel: &never,
        progress: &record,
    };
    let out = dir.path().join("packs");
    let s = export_qbr_batch(
        &db,
        &clients,
        from(),
        to(),
        &out,
        &identity,
        now(),
        2,
        &control,
    )
    .unwrap();
    assert_eq!((s.total, s.exported, s.cancelled), (3, 3, false));
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let done: Vec<usize> = seen.into_inner().unwrap().iter().map(|p| p.done).collect();
    assert_eq!(done, [1, 2, 3]);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = clients
        .iter()
        .map(|c| qbr_file_name(c, from(), to(), false))
        .collect();
    expected.sort();
    assert_eq!(files, expected);
    assert!(files
        .iter()
        .all(|f| !f.contains(['(', ')', '\\', '<', '"', ' '])));
    let mut anchors = Vec::new();
    for (c, f) in clients.iter().zip(
        clients
            .iter()
            .map(|c| qbr_file_name(c, from(), to(), false)),
    ) {
        let pdf = std::fs::read(out.join(&f)).unwrap();
        let v = report::verify_report_alone(&pdf);
        assert_eq!(v.verdict(), Verdict::Verified, "{f}");
        assert!(v.ticket.unwrap().contains(&c.name), "{f}");
        anchors.push(v.checks[2].detail.clone());
    }
    // One checkpoint, taken before the batch, anchors every pack.
    assert!(anchors.windows(2).all(|w| w[0] == w[1]), "{anchors:?}");
    // The batch's pack is the one a single export makes (same figures, same hash).
    let alpine = std::fs::read(out.join(qbr_file_name(&clients[0], from(), to(), false))).unwrap();
    let mut input = d
        .store
        .qbr_pack_input(Some(clients[0].id), from(), to(), now())
        .unwrap();
    input.anchor = d.store.history_anchor().unwrap();
    let single = render_qbr_signed(&input, &identity, now()).unwrap();
    let record = |pdf: &[u8]| report::verify_report_alone(pdf).checks[1].detail.clone();
    assert_eq!(record(&alpine), record(&single));

    let cancel = AtomicBool::new(false);
    let stop = |_: &BatchProgress| cancel.store(true, Ordering::SeqCst);
    let control = BatchControl {
        cancel: &cancel,
        progress: &stop,
    };
    let out = dir.path().join("stopped");
    let s = export_qbr_batch(
        &db,
        &clients,
        from(),
        to(),
        &out,
        &identity,
        now(),
        1,
        &control,
    )
    .unwrap();
    assert_eq!((s.exported, s.cancelled), (1, true));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

/// The batch's clients are chosen from the tickets' times without computing every figure, but
/// they must be exactly the clients whose figures list a ticket: checked for every run of one,
/// two and seven days across the desk (its tickets sit near midnight in Berlin, across a DST
/// change), and for the whole period.
#[test]
fn the_batch_picks_exactly_the_clients_whose_figures_list_a_ticket() {
    let (d, _dir, _) = desk();
    let companies = d.store.companies().unwrap();
    let (mut some, mut fewer) = (0, 0);
    let mut periods = vec![(from(), to())];
    let mut day0 = day(2026, 2, 27);
    while day0 <= day(2026, 4, 12) {
        for len in [0, 1, 6] {
            periods.push((day0, day0 + chrono::Duration::days(len)));
        }
        day0 = day0.succ_opt().unwrap();
    }
    for (a, b) in periods {
        let picked: Vec<i64> = d
            .store
            .qbr_clients(a, b, now())
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let mut by_rule: Vec<(String, i64)> = companies
            .iter()
            .filter(|c| {
                !d.store
                    .qbr(Some(c.id), a, b, now())
                    .unwrap()
                    .tickets
                    .is_empty()
            })
            .map(|c| (c.name.clone(), c.id))
            .collect();
        by_rule.sort();
        let by_rule: Vec<i64> = by_rule.into_iter().map(|(_, id)| id).collect();
        assert_eq!(picked, by_rule, "{a} to {b}");
        // And the same clients as every client's figures name.
        let all = d.store.qbr(None, a, b, now()).unwrap();
        let mut named: Vec<&str> = all.tickets.iter().map(|t| t.client.as_str()).collect();
        named.sort();
        named.dedup();
        let picked_names: Vec<&str> = companies
            .iter()
            .filter(|c| picked.contains(&c.id))
            .map(|c| c.name.as_str())
            .collect();
        let mut picked_names = picked_names;
        picked_names.sort();
        assert_eq!(picked_names, named, "{a} to {b}");
        some += usize::from(!picked.is_empty());
        fewer += usize::from(!picked.is_empty() && picked.len() < companies.len());
    }
    // The sweep met periods with clients in and others out, not only empty ones.
    assert!(some > 20 && fewer > 20, "{some} {fewer}");
}

#[test]
fn file_names_in_a_batch_stay_in_the_folder_and_apart() {
    let c = |id, name: &str| ticketflow_core::directory::Company {
        id,
        name: name.into(),
        tier: Tier::Gold,
        calendar: Calendar::AlwaysOn,
        active: true,
    };
    assert_eq!(
        qbr_file_name(&c(7, "../../etc/x"), from(), to(), false),
        "QBR_______etc_x_2026-03-16_to_2026-04-10.pdf"
    );
    assert_eq!(
        qbr_file_name(&c(7, "A/B"), from(), to(), true),
        "QBR_A_B_7_2026-03-16_to_2026-04-10.pdf"
    );
}

/// `ticketflow-cli qbr --out` signs with the platform keychain: run under a private kernel
/// keyring (`keyctl session`), as tests/e2e does, or skipped where keyutils is missing.
#[test]
fn the_cli_writes_the_pack_and_a_batch() {
    let (d, dir, _) = desk();
    drop(d);
    if !tool("keyctl") {
        eprintln!(
            "SKIPPED: keyctl (keyutils) is not installed; the CLI cannot sign without a keychain"
        );
        return;
    }
    let home = TempDir::new().unwrap();
    let cli = |args: &[&str]| {
        Command::new("keyctl")
            .args([
                "session",
                "-",
                env!("CARGO_BIN_EXE_ticketflow-cli"),
                "--data-dir",
            ])
            .arg(dir.path())
            .args(args)
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env(ticketflow_core::secrets::KEYSTORE_ENV, "keyutils")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("xdg"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let period = ["--from", "2026-03-16", "--to", "2026-04-10"];
    let pdf = home.path().join("alpine.pdf");
    let csv = home.path().join("alpine.csv");
    let out = cli(&[
        &["qbr", "--client", "alpine dental"][..],
        &period,
        &[
            "--out",
            pdf.to_str().unwrap(),
            "--csv",
            csv.to_str().unwrap(),
        ],
    ]
    .concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("QBR pack: "), "{stdout}");
    let bytes = std::fs::read(&pdf).unwrap();
    assert_eq!(
        report::verify_report_alone(&bytes).verdict(),
        Verdict::Verified
    );
    assert!(std::fs::read_to_string(&csv)
        .unwrap()
        .starts_with("ticket,client,"));

    let folder = home.path().join("packs");
    let out = cli(&[
        &["qbr", "--all"][..],
        &period,
        &["--out-dir", folder.to_str().unwrap()],
    ]
    .concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("3 of 3 clients' QBR packs"), "{stdout}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 3);

    // Usage errors are exit 2: --all with a client, or without a folder.
    for bad in [
        &["qbr", "--all", "--client", "x", "--out-dir", "d"][..],
        &["qbr", "--all"][..],
        &["qbr", "--out-dir", "d"][..],
    ] {
        let out = cli(&[bad, &period[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

/// Writes the packs of the hand-built desk to $QBR_PACK_LOOK (to look at their pages).
#[test]
#[ignore = "writes files for a person to look at"]
fn write_packs_to_look_at() {
    let Some(dir) = std::env::var_os("QBR_PACK_LOOK") else {
        return;
    };
    let (mut d, _tmp, _) = desk();
    let id = identity();
    for (name, company) in [("alpine", Some(d.alpine.company.id)), ("every", None)] {
        let path = Path::new(&dir).join(format!("{name}.pdf"));
        d.store
            .export_qbr_pack(&id, company, from(), to(), now(), &path)
            .unwrap();
    }
}

/// A 240×60 PNG: the desk's logo.
fn logo_png() -> Vec<u8> {
    let (w, h) = (240u32, 60u32);
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().unwrap();
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                [
                    18,
                    79,
                    110,
                    if (i % w / 20 + i / w / 20) % 2 == 0 {
                        255
                    } else {
                        0
                    },
                ]
            })
            .collect();
        writer.write_image_data(&data).unwrap();
    }
    out
}

#[test]
fn the_desks_logo_and_name_head_the_cover() {
    let (mut d, dir, _) = desk();
    let t = now();
    d.store
        .set_report_logo(&logo_png(), common::TECH, t)
        .unwrap();
    d.store
        .set_msp_name("Summit (IT) Partners", common::TECH, t)
        .unwrap();
    let alpine = d.alpine.company.id;
    let (path, pdf) = pack(&mut d, dir.path(), Some(alpine), &identity());
    assert_eq!(
        report::verify_report_alone(&pdf).verdict(),
        Verdict::Verified
    );
    // The logo (with its alpha channel as a soft mask) is the file's only image: the charts are
    // still vectors.
    let images = pdf
        .windows(b"/Subtype /Image".len())
        .filter(|w| *w == b"/Subtype /Image")
        .count()
        + pdf
            .windows(b"/Subtype/Image".len())
            .filter(|w| *w == b"/Subtype/Image")
            .count();
    assert_eq!(images, 2, "the logo and its mask");
    if let Some(raw) = pdftotext(&path, "-raw") {
        assert!(
            squeeze(&raw)
                .starts_with("Summit (IT) Partners QUARTERLY BUSINESS REVIEW Alpine Dental"),
            "{raw}"
        );
    }
    if let Some(look) = std::env::var_os("QBR_PACK_LOOK") {
        std::fs::copy(&path, Path::new(&look).join("logo.pdf")).unwrap();
    }
}
