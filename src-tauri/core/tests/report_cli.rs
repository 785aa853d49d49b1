//! The CLI's report commands: exit codes and coded errors, export of the root certificate, and
//! verify-report on good and tampered files.
//!
//! Signing needs a keychain, and tests never touch the real one: reports here are signed in
//! process with an in-memory key store and the data directory's identity, then checked by the
//! real binary (which needs only the public certificates). Exporting through the CLI with the
//! platform keychain is exercised by tests/e2e/reports.sh.

mod common;
mod report_fixture;

use std::path::Path;
use std::process::Command;
use ticketflow_core::report;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity};
use ticketflow_core::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_ticketflow-cli");

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn cli(home: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
        .env_remove(ticketflow_core::secrets::KEYSTORE_ENV)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("xdg"))
        .output()
        .unwrap();
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A data directory with demo tickets, its closed ticket numbers and an open one.
fn demo(home: &Path) -> (std::path::PathBuf, Vec<String>, String) {
    let dir = home.join("data");
    let d = dir.to_str().unwrap();
    let r = cli(
        home,
        &[
            "--data-dir",
            d,
            "demo-data",
            "--tickets",
            "20",
            "--seed",
            "3",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let conn = rusqlite::Connection::open(dir.join(ticketflow_core::paths::DB_FILE)).unwrap();
    let closed: Vec<String> = conn
        .prepare("SELECT number FROM tickets WHERE status = 'closed' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let open: String = conn
        .query_row(
            "SELECT number FROM tickets WHERE status != 'closed' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(closed.len() >= 2);
    (dir, closed, open)
}

/// Signs a report the way the CLI does, but with an in-memory keychain.
fn sign_in_process(dir: &Path, number: &str) -> Vec<u8> {
    let mut store = Store::open(&dir.join(ticketflow_core::paths::DB_FILE)).unwrap();
    let secrets = SecretStore::in_memory().unwrap();
    let id = Identity::load_or_create(
        dir,
        &secrets,
        "Northwind IT Services",
        report_fixture::now(),
    )
    .unwrap();
    report::export_ticket(&mut store, number, &id, report_fixture::now()).unwrap()
}

#[test]
fn refusals_come_before_the_keychain_with_their_codes() {
    let home = tempfile::tempdir().unwrap();
    let (dir, _closed, open) = demo(home.path());
    let d = dir.to_str().unwrap();
    let out = home.path().join("r.pdf");
    let o = out.to_str().unwrap();
    let r = cli(
        home.path(),
        &["--data-dir", d, "export-report", "T-999999", "--out", o],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("error[NOT_FOUND]"), "{}", r.stderr);
    let r = cli(
        home.path(),
        &["--data-dir", d, "export-report", &open, "--out", o],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("error[NOT_CLOSED]"), "{}", r.stderr);
    assert!(!out.exists());
    // Usage errors exit 2.
    for args in [
        &["--data-dir", d, "export-report", "T-000001"][..],
        &[
            "--data-dir",
            d,
            "export-report",
            "T-000001",
            "--out",
            o,
            "--paper",
            "legal",
        ],
        &["--data-dir", d, "verify-report"],
        &["--data-dir", d, "export-root-cert"],
    ] {
        assert_eq!(cli(home.path(), args).code, 2, "{args:?}");
    }
    // No identity yet: the root is made on first use, which needs the key store; one that cannot
    // be had is a coded error and no file is written (tests never touch the real keychain; the
    // README's examples make one in a kernel session keyring).
    let out = Command::new(BIN)
        .args(["--data-dir", d, "export-root-cert", "--out", o])
        .env(ticketflow_core::secrets::KEYSTORE_ENV, "no-such-store")
        .env("HOME", home.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.starts_with("error[INVALID_INPUT]"), "{stderr}");
    assert!(stderr.contains("TICKETFLOW_KEYSTORE"), "{stderr}");
    assert!(!Path::new(o).exists());
}

#[test]
fn verify_report_passes_a_good_report_and_fails_a_tampered_one() {
    let home = tempfile::tempdir().unwrap();
    let (dir, closed, _open) = demo(home.path());
    let d = dir.to_str().unwrap();
    let pdf = sign_in_process(&dir, &closed[0]);
    let good = home.path().join("good.pdf");
    std::fs::write(&good, &pdf).unwrap();
    let r = cli(
        home.path(),
        &["--data-dir", d, "verify-report", good.to_str().unwrap()],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("report verified"), "{}", r.stdout);
    for check in ["signature", "certificate", "record"] {
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(check) && l.contains(" ok ")),
            "{}",
            r.stdout
        );
    }

    let mut bytes = pdf.clone();
    let at = bytes.len() / 2;
    bytes[at] = bytes[at].wrapping_add(1);
    let bad = home.path().join("bad.pdf");
    std::fs::write(&bad, &bytes).unwrap();
    let r = cli(
        home.path(),
        &["--data-dir", d, "verify-report", bad.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Digest Mismatch"), "{}", r.stdout);
    assert!(
        r.stderr.starts_with("error[REPORT_INVALID]"),
        "{}",
        r.stderr
    );

    // A report from another installation fails the certificate check.
    let other = tempfile::tempdir().unwrap();
    let (other_dir, other_closed, _) = demo(other.path());
    let foreign = home.path().join("foreign.pdf");
    std::fs::write(&foreign, sign_in_process(&other_dir, &other_closed[0])).unwrap();
    let r = cli(
        home.path(),
        &["--data-dir", d, "verify-report", foreign.to_str().unwrap()],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("certificate  FAILED"), "{}", r.stdout);

    // Not a file at all is an I/O error, not a verdict.
    let r = cli(
        home.path(),
        &["--data-dir", d, "verify-report", "/nonexistent/r.pdf"],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("error[IO_ERROR]"), "{}", r.stderr);
}

#[test]
fn export_root_cert_writes_the_installation_root() {
    let home = tempfile::tempdir().unwrap();
    let (dir, closed, _open) = demo(home.path());
    sign_in_process(&dir, &closed[0]);
    let out = home.path().join("root.pem");
    let r = cli(
        home.path(),
        &[
            "--data-dir",
            dir.to_str().unwrap(),
            "export-root-cert",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let pem = std::fs::read_to_string(&out).unwrap();
    assert_eq!(pem, signing::export_root_pem(&dir).unwrap());
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(!pem.contains("PRIVATE"));
    // No secret anywhere in the data directory or the database.
    let db = std::fs::read(dir.join(ticketflow_core::paths::DB_FILE)).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains("PRIVATE KEY"));
}

/// `init` on a fresh data directory: the desk's first technician, who then makes the changes.
fn init_desk(home: &Path, d: &str) {
    let out = Command::new(BIN)
        .args([
            "--data-dir",
            d,
            "init",
            "--desk-name",
            "Init IT",
            "--time-zone",
            "UTC",
        ])
        .args(["--technician", "Rae Quill"])
        .env("TICKETFLOW_PIN", "482913")
        .env("HOME", home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn report_settings_show_and_change() {
    let home = tempfile::tempdir().unwrap();
    let d = home.path().join("data");
    let d = d.to_str().unwrap();
    let r = cli(home.path(), &["--data-dir", d, "report-settings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("paper: a4"), "{}", r.stdout);
    // A change is made by a technician: none yet on a fresh desk.
    let r = cli(
        home.path(),
        &["--data-dir", d, "report-settings", "--paper", "letter"],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("error[NO_TECHNICIAN]"), "{}", r.stderr);
    init_desk(home.path(), d);
    let r = cli(
        home.path(),
        &[
            "--data-dir",
            d,
            "report-settings",
            "--msp-name",
            "Zoë's IT",
            "--paper",
            "letter",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("msp_name: Zoë's IT"), "{}", r.stdout);
    assert!(r.stdout.contains("paper: letter"), "{}", r.stdout);
    let r = cli(
        home.path(),
        &["--data-dir", d, "report-settings", "--msp-name", " "],
    );
    assert_eq!(r.code, 3);
    assert!(r.stderr.starts_with("error[INVALID_INPUT]"), "{}", r.stderr);
}

#[test]
fn the_appendix_and_the_logo_are_set_from_the_cli() {
    let home = tempfile::tempdir().unwrap();
    let d = home.path().join("data");
    let d = d.to_str().unwrap();
    let logo = home.path().join("logo.png");
    let mut png_file = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut png_file, 64, 32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&[40; 64 * 32 * 3]).unwrap();
    }
    std::fs::write(&logo, png_file).unwrap();
    let r = cli(home.path(), &["--data-dir", d, "report-settings"]);
    assert!(
        r.stdout.contains("appendix: true\nlogo: none"),
        "{}",
        r.stdout
    );
    init_desk(home.path(), d);
    let logo_arg = logo.to_str().unwrap();
    let args = [
        "--data-dir",
        d,
        "report-settings",
        "--appendix",
        "false",
        "--logo",
        logo_arg,
    ];
    let r = cli(home.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("appendix: false"), "{}", r.stdout);
    assert!(r.stdout.contains("logo: image/png 64x32"), "{}", r.stdout);
    let not_image = home.path().join("notes.png");
    std::fs::write(&not_image, "hello").unwrap();
    let args = [
        "--data-dir",
        d,
        "report-settings",
        "--logo",
        not_image.to_str().unwrap(),
    ];
    let r = cli(home.path(), &args);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("LOGO_REJECTED"), "{}", r.stderr);
    let r = cli(
        home.path(),
        &["--data-dir", d, "report-settings", "--no-logo"],
    );
    assert!(r.stdout.contains("logo: none"), "{}", r.stdout);
}
