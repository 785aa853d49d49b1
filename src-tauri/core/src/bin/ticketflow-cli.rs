//! `ticketflow-cli`: the core without a window, for demo data, audit checks and backups.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use ticketflow_core::report::PaperSize;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity};
use ticketflow_core::{paths, report, store::Store, Error};

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  verification failed (verify-audit found a broken link, verify-report a bad report)
  2  usage error (unknown command or bad arguments)
  3  any other error; stderr shows its code, e.g. `error[NOT_FOUND]: ...`";

#[derive(Parser)]
#[command(name = "ticketflow-cli", version, about = "Ticketflow's command line (no window)", after_help = EXIT_CODES)]
struct Cli {
    /// Data directory (default: $TICKETFLOW_DATA_DIR, else the OS app-data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a deterministic demo data set into an empty database.
    DemoData {
        #[arg(long, default_value_t = 1000)]
        tickets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The data set's "now" (RFC 3339); default a fixed instant, so a seed always gives the
        /// same data. Pass the current time to see live SLA clocks in the app.
        #[arg(long, value_name = "TIME")]
        anchor: Option<chrono::DateTime<chrono::Utc>>,
        /// Also add N searchable documents (runbook entries with a realistic spread of rare,
        /// medium and very common words), written in bulk: a million take a few minutes.
        #[arg(long, default_value_t = 0, value_name = "N")]
        documents: usize,
    },
    /// Verify the audit chain; exit 1 naming the first broken link.
    VerifyAudit,
    /// Copy the database to FILE with SQLite's online backup.
    Backup { file: PathBuf },
    /// Export a closed ticket's signed closure report (PDF). The signing key is kept in the OS
    /// keychain (on Linux the Secret Service, or the kernel key store with
    /// TICKETFLOW_KEYSTORE=keyutils); the identity is created on first use.
    ExportReport {
        /// Ticket number as shown in the app, e.g. T-000042.
        ticket: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Paper size for this report (default: the report settings).
        #[arg(long, value_enum)]
        paper: Option<Paper>,
    },
    /// Write this installation's root certificate (PEM), for clients to trust its reports.
    ExportRootCert {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Verify a report: its signature, that its certificate chains to this installation's root,
    /// and that its record hash matches the stored record; exit 1 if any check fails.
    VerifyReport { file: PathBuf },
    /// Show the report settings, changing those given.
    ReportSettings {
        /// The MSP (or IT department) named in report headers.
        #[arg(long, value_name = "NAME")]
        msp_name: Option<String>,
        #[arg(long, value_enum)]
        paper: Option<Paper>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Paper {
    A4,
    Letter,
}

impl From<Paper> for PaperSize {
    fn from(p: Paper) -> PaperSize {
        match p {
            Paper::A4 => PaperSize::A4,
            Paper::Letter => PaperSize::Letter,
        }
    }
}

/// Who the CLI records as the actor of its changes.
const CLI_ACTOR: &str = "ticketflow-cli";

/// A progress line on stderr, rewritten in place whenever the percentage changes.
fn progress(noun: &'static str) -> impl FnMut(usize, usize) {
    let mut shown = usize::MAX;
    move |done, total| {
        let pct = done * 100 / total.max(1);
        if pct != shown {
            shown = pct;
            eprint!("\rdemo-data: {done}/{total} {noun} ({pct}%)");
            let _ = std::io::stderr().flush();
        }
    }
}

fn open(dir: Option<PathBuf>) -> Result<Store, Error> {
    let dir = match dir {
        Some(d) => d,
        None => paths::data_dir()?,
    };
    Store::open(&dir.join(paths::DB_FILE))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => paths::data_dir()?,
    };
    let mut store = open(Some(data_dir.clone()))?;
    match cli.command {
        Command::DemoData {
            tickets,
            seed,
            anchor,
            documents,
        } => {
            if store.ticket_count()? > 0 {
                return Err(Error::invalid(
                    "data_dir",
                    "the database already holds tickets; use an empty data directory",
                ));
            }
            let started = std::time::Instant::now();
            let summary = ticketflow_core::demo::generate_at(
                &mut store,
                tickets,
                seed,
                anchor.unwrap_or_else(ticketflow_core::demo::anchor),
                progress("tickets"),
            )?;
            eprintln!();
            if documents > 0 {
                ticketflow_core::demo::generate_documents(
                    &mut store,
                    documents,
                    seed,
                    anchor.unwrap_or_else(ticketflow_core::demo::anchor),
                    progress("documents"),
                )?;
                eprintln!();
            }
            println!(
                "{} companies, {} contacts, {} assets, {} tickets ({} closed), {} documents in {:.1} s",
                summary.companies,
                summary.contacts,
                summary.assets,
                summary.tickets,
                summary.closed,
                documents,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyAudit => match store.verify_audit() {
            Ok(report) => {
                println!(
                    "audit chain intact: {} events, head {}",
                    report.events, report.head
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(e @ Error::AuditBroken { .. }) => {
                eprintln!("error[{}]: {e}", e.code());
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(e),
        },
        Command::Backup { file } => {
            store.backup(&file)?;
            println!("backed up to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportReport { ticket, out, paper } => {
            // Everything that can be refused without the keychain is checked first.
            let mut input = store.report_input(&ticket)?;
            if let Some(p) = paper {
                input.settings.paper = p.into();
            }
            let now = chrono::Utc::now();
            let secrets = SecretStore::platform()?;
            let identity =
                Identity::load_or_create(&data_dir, &secrets, &input.settings.msp_name, now)?;
            let pdf = report::render_signed(&input, &identity, now)?;
            report::write_file(&out, &pdf)?;
            println!(
                "{}: {} bytes, record SHA-256 {}, signed by \"{}\" -> {}",
                input.sealed.record.ticket.number,
                pdf.len(),
                input.sealed.hash,
                identity.signer_name(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::ExportRootCert { out } => {
            let pem = signing::export_root_pem(&data_dir)?;
            report::write_file(&out, pem.as_bytes())?;
            println!("root certificate -> {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyReport { file } => {
            let pdf = std::fs::read(&file)?;
            let certs = signing::load_certificates(&data_dir)?;
            let v = report::verify_report(&pdf, &store, certs.as_ref())?;
            for c in &v.checks {
                println!(
                    "{:<12} {:<6} {}",
                    c.name,
                    if c.ok { "ok" } else { "FAILED" },
                    c.detail
                );
            }
            if v.ok() {
                println!("report verified");
                Ok(ExitCode::SUCCESS)
            } else {
                let first = v
                    .checks
                    .iter()
                    .find(|c| !c.ok)
                    .map(|c| format!("{}: {}", c.name, c.detail))
                    .unwrap_or_default();
                let e = Error::ReportInvalid(first);
                eprintln!("error[{}]: {e}", e.code());
                Ok(ExitCode::from(1))
            }
        }
        Command::ReportSettings { msp_name, paper } => {
            let now = chrono::Utc::now();
            if let Some(name) = msp_name {
                store.set_msp_name(&name, CLI_ACTOR, now)?;
            }
            if let Some(p) = paper {
                store.set_paper_size(p.into(), CLI_ACTOR, now)?;
            }
            let s = store.report_settings()?;
            println!("msp_name: {}\npaper: {}", s.msp_name, s.paper);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::from(3)
        }
    }
}
