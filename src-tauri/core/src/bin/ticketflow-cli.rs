//! `ticketflow-cli`: the core without a window, for demo data, audit checks and backups.

use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use ticketflow_core::{paths, store::Store, Error};

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  verification failed (verify-audit found a broken link)
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
    },
    /// Verify the audit chain; exit 1 naming the first broken link.
    VerifyAudit,
    /// Copy the database to FILE with SQLite's online backup.
    Backup { file: PathBuf },
}

fn open(dir: Option<PathBuf>) -> Result<Store, Error> {
    let dir = match dir {
        Some(d) => d,
        None => paths::data_dir()?,
    };
    Store::open(&dir.join(paths::DB_FILE))
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let mut store = open(cli.data_dir)?;
    match cli.command {
        Command::DemoData { tickets, seed } => {
            if store.ticket_count()? > 0 {
                return Err(Error::invalid(
                    "data_dir",
                    "the database already holds tickets; use an empty data directory",
                ));
            }
            let started = std::time::Instant::now();
            let mut shown = usize::MAX;
            let summary =
                ticketflow_core::demo::generate(&mut store, tickets, seed, |done, total| {
                    let pct = done * 100 / total.max(1);
                    if pct != shown {
                        shown = pct;
                        eprint!("\rdemo-data: {done}/{total} tickets ({pct}%)");
                        let _ = std::io::stderr().flush();
                    }
                })?;
            eprintln!();
            println!(
                "{} companies, {} contacts, {} assets, {} tickets ({} closed) in {:.1} s",
                summary.companies,
                summary.contacts,
                summary.assets,
                summary.tickets,
                summary.closed,
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
