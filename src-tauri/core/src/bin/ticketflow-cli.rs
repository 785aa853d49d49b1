//! `ticketflow-cli`: the core without a window, for demo data, audit checks and backups.

// `import` and `export` (issue 16) live beside this file.
#[path = "ticketflow-cli/transfer.rs"]
mod transfer;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use ticketflow_core::checkpoint::CheckpointReason;
use ticketflow_core::directory::{NewTechnician, TechTier};
use ticketflow_core::report::PaperSize;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity};
use ticketflow_core::store::DeskSetup;
// Names, titles and notes are untrusted: printed with their hidden characters (a bidi control, a
// zero-width or control character) as markers, `⟦U+202E⟧`, as the window shows them.
use ticketflow_core::text::visible::marked;
use ticketflow_core::{mail, paths, report, store::Store, Error};

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  verification failed: verify-audit found a broken link or a checkpoint that no longer
     verifies; verify-report found the report altered or not signed by this desk; or the
     desk to verify is missing, damaged or not yet migrated (verifying opens it read-only
     and never creates or changes a file); template validate found problems in the file
  2  usage error (unknown command or bad arguments)
  3  any other error; stderr shows its code, e.g. `error[NOT_FOUND]: ...`
  4  verify-report with a desk: the report is authentic, but the desk's database was
     changed after it was issued (the message names the first event found to differ)";

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
    /// Set up an empty desk: its name (the MSP name on reports), default time zone and first
    /// technician, who becomes the current technician. Their PIN (6 to 12 digits) is read from
    /// $TICKETFLOW_PIN, else from the first line of stdin.
    Init {
        #[arg(long, value_name = "NAME")]
        desk_name: String,
        /// IANA time zone, e.g. Europe/Berlin.
        #[arg(long, value_name = "ZONE")]
        time_zone: String,
        /// The first technician's name.
        #[arg(long, value_name = "NAME")]
        technician: String,
        #[arg(long, value_enum, default_value = "1")]
        tier: TierArg,
        #[arg(long, value_name = "E")]
        email: Option<String>,
        #[arg(long)]
        on_call: bool,
    },
    /// Add, list, deactivate technicians, or unlock a locked PIN.
    #[command(subcommand)]
    Technician(TechnicianCommand),
    /// Write, list, show and search runbook entries (the actor is the current technician).
    #[command(subcommand)]
    Runbook(RunbookCommand),
    /// Generate a deterministic demo data set into an empty database.
    DemoData {
        #[arg(long, default_value_t = 1000)]
        tickets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The data set's "now" (RFC 3339); default the current time, so live tickets' ages and
        /// SLA clocks are relative to today. A seed and an anchor always give the same data.
        #[arg(long, value_name = "TIME")]
        anchor: Option<chrono::DateTime<chrono::Utc>>,
        /// Also add N searchable documents (runbook entries with a realistic spread of rare,
        /// medium and very common words), written in bulk: a million take a few minutes.
        #[arg(long, default_value_t = 0, value_name = "N")]
        documents: usize,
    },
    /// Verify the audit chain and each closed ticket's seal; exit 1 naming the first broken link.
    VerifyAudit {
        /// Also rebuild every sealed record from the live rows and list each difference
        /// (ticket, field); exit 1 if there is any.
        #[arg(long)]
        deep: bool,
    },
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
    /// Verify a report. Alone, the file: its signature, its attached record and its history
    /// anchor (the seal event and the signed checkpoint it carries); exit 1 if the report was
    /// altered. With --data-dir DIR (or $TICKETFLOW_DATA_DIR) also against that desk: its
    /// certificate chains to the desk's root (else exit 1), and the desk still holds the record,
    /// the seal event and the checkpoint, its whole history verifying (else exit 4: the report is
    /// authentic and the database changed after it was issued).
    VerifyReport { file: PathBuf },
    /// Show the report settings, changing those given.
    ReportSettings {
        /// The MSP (or IT department) named in report headers.
        #[arg(long, value_name = "NAME")]
        msp_name: Option<String>,
        #[arg(long, value_enum)]
        paper: Option<Paper>,
        /// Whether reports add the full technical record as an appendix (default: true).
        #[arg(long, value_name = "true|false", action = clap::ArgAction::Set)]
        appendix: Option<bool>,
        /// The desk's logo on reports: a PNG or JPEG file.
        #[arg(long, value_name = "FILE", conflicts_with = "no_logo")]
        logo: Option<PathBuf>,
        /// Remove the desk's logo.
        #[arg(long)]
        no_logo: bool,
    },
    /// Print a client's quarterly business review figures over a period of days in the client's
    /// own time zone (closed tickets as their sealed records hold them); optionally write the
    /// tickets behind the figures as CSV and the signed QBR pack (PDF, signed like closure
    /// reports: check it with verify-report). With --all --out-dir DIR: one pack per client with
    /// tickets in the period, on every core.
    Qbr {
        /// The client's name (any letter case); omit for every client.
        #[arg(long, value_name = "NAME", conflicts_with = "all")]
        client: Option<String>,
        /// Write the signed QBR pack (PDF) to FILE.
        #[arg(long, value_name = "FILE", conflicts_with = "all")]
        out: Option<PathBuf>,
        /// Every client's pack, one file each, into --out-dir.
        #[arg(long, requires = "out_dir", conflicts_with = "csv")]
        all: bool,
        /// The folder --all writes its packs into (created if missing).
        #[arg(long, value_name = "DIR", requires = "all")]
        out_dir: Option<PathBuf>,
        /// First day of the period, e.g. 2026-01-01.
        #[arg(long, value_name = "DATE")]
        from: chrono::NaiveDate,
        /// Last day of the period, included, e.g. 2026-03-31.
        #[arg(long, value_name = "DATE")]
        to: chrono::NaiveDate,
        /// Also write the tickets behind the figures to FILE (CSV, RFC 4180).
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Mail to requesters: send what is due, list the outbox.
    #[command(subcommand)]
    Mail(MailCommand),
    /// The desk's workflow template: list its versions, export one, check a file, publish a file
    /// as a new version (as the current technician).
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Import companies, contacts, assets or runbook entries from a PSA, RMM or IT Glue export
    /// (CSV, XLSX, XLS, IT Glue ZIP) as one batch, as the current technician: all rows are
    /// written with one audit event, or none (a failure or Ctrl-C leaves the desk as it was).
    /// Rows with an id from their source update the record that id named; others are matched on
    /// a natural key (company name; contact e-mail; asset hostname within its company).
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The system the files come from (default: recognized from their columns).
        #[arg(long, value_name = "SOURCE")]
        source: Option<String>,
        /// companies, contacts, assets or runbooks (default: recognized from the columns).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Map a column to a field (`-` leaves it out); repeatable.
        #[arg(long = "map", value_name = "COLUMN=FIELD")]
        map: Vec<String>,
        #[arg(long, value_enum, default_value = "both")]
        mode: ModeArg,
        /// The tier of new companies whose row has none: platinum, gold, silver or bronze.
        #[arg(long, value_name = "TIER", default_value = "bronze")]
        default_tier: String,
        /// Count what would be created, updated, skipped and refused; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the refused rows to FILE (CSV): the input's columns plus `error`, to fix and
        /// import again.
        #[arg(long, value_name = "OUT.csv")]
        errors: Option<PathBuf>,
    },
    /// List import batches (newest first), with what each did and whether it was undone.
    ImportBatches,
    /// Undo an import batch: what it created goes (except what a ticket refers to, which is
    /// listed), what it updated is restored.
    ImportUndo { batch: i64 },
    /// Export records to CSV or XLSX (by FILE's extension), for a PSA, a spreadsheet or an
    /// auditor. CSV keeps values exactly (a re-import reads them back); open untrusted text in a
    /// spreadsheet from the XLSX, where every text is a text cell, never a formula.
    Export {
        /// tickets, steps, time-entries, csat, companies, contacts, assets, runbooks or audit.
        #[arg(long, value_name = "KIND")]
        kind: String,
        /// One client's records (any letter case).
        #[arg(long, value_name = "NAME")]
        client: Option<String>,
        /// First day (UTC), for dated kinds.
        #[arg(long, value_name = "DATE")]
        from: Option<chrono::NaiveDate>,
        /// Last day (UTC, included), for dated kinds.
        #[arg(long, value_name = "DATE")]
        to: Option<chrono::NaiveDate>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Create,
    Update,
    Both,
}

impl From<ModeArg> for ticketflow_core::store::ImportMode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Create => Self::Create,
            ModeArg::Update => Self::Update,
            ModeArg::Both => Self::Both,
        }
    }
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send every message that is due through the desk's mail account (one pass; run it in a
    /// loop or from a timer). The account's password is read from the OS keychain.
    SendDue {
        /// How long a claimed message is held before another sender may take it over.
        #[arg(long, value_name = "SECONDS", default_value_t = 600)]
        lease_secs: u64,
        /// Wait before the second attempt after a temporary failure (doubling each time).
        #[arg(long, value_name = "SECONDS", default_value_t = 60)]
        first_retry_secs: u64,
    },
    /// List the outbox (newest first), or one ticket's messages.
    Outbox {
        /// A ticket number, e.g. T-000042.
        #[arg(long, value_name = "NUMBER")]
        ticket: Option<String>,
    },
}

/// PINs of `technician add` and `technician deactivate`: the witness's PIN is read from
/// $TICKETFLOW_WITNESS_PIN, else from the next line of stdin; then (add) the new technician's PIN
/// from $TICKETFLOW_PIN, else from the next line of stdin. So `printf '246810\n135790\n' | …`
/// gives both.
#[derive(Subcommand)]
enum TechnicianCommand {
    /// Add a technician, witnessed by an active technician's PIN.
    Add {
        #[arg(long, value_name = "NAME")]
        name: String,
        #[arg(long, value_enum, default_value = "1")]
        tier: TierArg,
        #[arg(long, value_name = "E")]
        email: Option<String>,
        #[arg(long)]
        on_call: bool,
        /// An active technician who vouches for the new one with their PIN.
        #[arg(long, value_name = "NAME")]
        witness: String,
    },
    /// List every technician (deactivated ones too); `*` marks the current one.
    List,
    /// Deactivate a technician (never deleted: history keeps naming them), witnessed by another
    /// active technician's PIN.
    Deactivate {
        name: String,
        #[arg(long, value_name = "NAME")]
        witness: String,
    },
    /// Unlock a technician's PIN after too many wrong PINs, with ANOTHER active technician's PIN
    /// (read like a witness's PIN).
    Unlock {
        name: String,
        /// The active technician who unlocks it (not the PIN's owner).
        #[arg(long, value_name = "OTHER")]
        by: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TierArg {
    #[value(name = "1")]
    One,
    #[value(name = "2")]
    Two,
}

impl From<TierArg> for TechTier {
    fn from(t: TierArg) -> TechTier {
        match t {
            TierArg::One => TechTier::Tier1,
            TierArg::Two => TechTier::Tier2,
        }
    }
}

/// Where PINs come from: an environment variable if set, else the next line of stdin.
struct Pins<'a> {
    lines: std::io::Lines<std::io::StdinLock<'a>>,
}

impl Pins<'_> {
    fn new() -> Self {
        Pins {
            lines: std::io::stdin().lines(),
        }
    }

    fn read(&mut self, env: &str, whose: &str) -> Result<String, Error> {
        if let Ok(pin) = std::env::var(env) {
            return Ok(pin.trim().to_string());
        }
        if std::io::stdin().is_terminal() {
            eprint!("{whose} (shown as typed): ");
            let _ = std::io::stderr().flush();
        }
        match self.lines.next() {
            Some(line) => Ok(line?.trim().to_string()),
            None => Err(Error::invalid(
                "pin",
                format!("{whose}: give it as a line on stdin or in ${env}"),
            )),
        }
    }
}

const PIN_ENV: &str = "TICKETFLOW_PIN";
const WITNESS_PIN_ENV: &str = "TICKETFLOW_WITNESS_PIN";

fn technician_command(store: &mut Store, command: TechnicianCommand) -> Result<ExitCode, Error> {
    let now = chrono::Utc::now();
    match command {
        TechnicianCommand::Add {
            name,
            tier,
            email,
            on_call,
            witness,
        } => {
            let mut pins = Pins::new();
            let witness_pin = pins.read(WITNESS_PIN_ENV, &format!("{witness}'s PIN"))?;
            let proof = store.verify_pin(&witness, &witness_pin, now)?;
            let pin = pins.read(PIN_ENV, &format!("{name}'s new PIN"))?;
            let new = NewTechnician {
                name,
                tier: tier.into(),
                email,
                on_call,
            };
            let t = store.add_technician(&new, &pin, proof, now)?;
            println!(
                "added {} ({}), witnessed by {}",
                marked(&t.name),
                t.tier,
                marked(&witness)
            );
        }
        TechnicianCommand::List => {
            let current = store.current_technician()?;
            println!(
                "  {:<30} {:<5} {:<32} {:<7} ACTIVE",
                "NAME", "TIER", "EMAIL", "ON CALL"
            );
            for t in store.technicians()? {
                let mark = if current.as_deref() == Some(t.name.as_str()) {
                    '*'
                } else {
                    ' '
                };
                let yes_no = |b: bool| if b { "yes" } else { "no" };
                println!(
                    "{mark} {:<30} {:<5} {:<32} {:<7} {}",
                    marked(&t.name),
                    match t.tier {
                        TechTier::Tier1 => "1",
                        TechTier::Tier2 => "2",
                    },
                    marked(t.email.as_deref().unwrap_or("-")),
                    yes_no(t.on_call),
                    yes_no(t.active)
                );
            }
        }
        TechnicianCommand::Deactivate { name, witness } => {
            let witness_pin = Pins::new().read(WITNESS_PIN_ENV, &format!("{witness}'s PIN"))?;
            let proof = store.verify_pin(&witness, &witness_pin, now)?;
            store.deactivate_technician(&name, proof, now)?;
            println!(
                "deactivated {}, witnessed by {}",
                marked(&name),
                marked(&witness)
            );
        }
        TechnicianCommand::Unlock { name, by } => {
            ticketflow_core::store::unlocker_is_another(&name, &by)?;
            let by_pin = Pins::new().read(WITNESS_PIN_ENV, &format!("{by}'s PIN"))?;
            let proof = store.verify_pin(&by, &by_pin, now)?;
            store.unlock_pin(&name, proof, now)?;
            println!("unlocked {}'s PIN, by {}", marked(&name), marked(&by));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A runbook entry's text: given inline or read from a UTF-8 file.
#[derive(clap::Args)]
struct BodyArgs {
    /// The entry's text (plain text).
    #[arg(long, value_name = "TEXT", conflicts_with = "body_file")]
    body: Option<String>,
    /// Read the entry's text from FILE.
    #[arg(long, value_name = "FILE")]
    body_file: Option<PathBuf>,
}

impl BodyArgs {
    fn read(self) -> Result<Option<String>, Error> {
        match (self.body, self.body_file) {
            (Some(text), _) => Ok(Some(text)),
            (None, Some(file)) => std::fs::read_to_string(&file)
                .map(Some)
                .map_err(|e| Error::invalid("body-file", format!("{}: {e}", file.display()))),
            (None, None) => Ok(None),
        }
    }
}

fn mail_command(store: &mut Store, command: MailCommand) -> Result<ExitCode, Error> {
    match command {
        MailCommand::SendDue {
            lease_secs,
            first_retry_secs,
        } => {
            let secrets = SecretStore::platform()?;
            let policy = mail::SendPolicy {
                lease: std::time::Duration::from_secs(lease_secs.max(1)),
                first_retry: std::time::Duration::from_secs(first_retry_secs.max(1)),
                ..mail::SendPolicy::default()
            };
            let done = mail::send_due_with(store, &secrets, chrono::Utc::now(), &policy)?;
            println!(
                "{} attempted: {} sent, {} to retry, {} failed",
                done.attempted, done.sent, done.retry_scheduled, done.failed
            );
        }
        MailCommand::Outbox { ticket } => {
            let id = ticket
                .map(|n| store.ticket_id_by_number(n.trim()))
                .transpose()?;
            let messages = store.outbox(id)?;
            if messages.is_empty() {
                println!("the outbox is empty");
            }
            for m in messages {
                println!(
                    "{}\t{}\t{:?}\t{:?}\tattempts {}\t{}\t{}\t{}",
                    m.id,
                    m.ticket_number,
                    m.kind,
                    m.state,
                    m.attempts,
                    marked(&m.recipient),
                    m.message_id,
                    m.last_answer.unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
enum RunbookCommand {
    /// Create an entry, for one client (--company) or the whole desk.
    Add {
        #[arg(long, value_name = "T")]
        title: String,
        #[command(flatten)]
        body: BodyArgs,
        /// The client's name as in the directory; without it the entry is desk-wide.
        #[arg(long, value_name = "NAME")]
        company: Option<String>,
    },
    /// List entries, most recently updated first.
    List {
        #[arg(long, value_name = "NAME")]
        company: Option<String>,
        #[arg(long, default_value_t = 50, value_name = "N")]
        limit: u32,
        #[arg(long, default_value_t = 0, value_name = "N")]
        offset: u32,
    },
    /// Print one entry with its text.
    Show { id: i64 },
    /// Change an entry's title and/or text.
    Edit {
        id: i64,
        #[arg(long, value_name = "T")]
        title: Option<String>,
        #[command(flatten)]
        body: BodyArgs,
    },
    /// Full-text search (every word, each as a prefix), best match first.
    Search {
        query: String,
        #[arg(long, value_name = "NAME")]
        company: Option<String>,
    },
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// The published versions, newest first: who published each, when, from what and why.
    List,
    /// Write a published version (default: the one new tickets start on) to FILE as JSON.
    Export {
        #[arg(long, value_name = "N")]
        version: Option<u32>,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a template file: exit 0 if it could be published, 1 listing every problem with its
    /// path in the file.
    Validate { file: PathBuf },
    /// Publish a template file as the next version: new tickets start on it, tickets under way
    /// keep theirs. A file with problems is refused with every problem listed, nothing written.
    Import {
        file: PathBuf,
        /// Why this version (required; kept in the template's history).
        #[arg(long, value_name = "TEXT")]
        note: String,
    },
}

fn template_command(store: &mut Store, command: TemplateCommand) -> Result<ExitCode, Error> {
    use ticketflow_core::store::read_template_file;
    use ticketflow_core::template::{exchange, versions};
    match command {
        TemplateCommand::List => {
            println!(
                "{:>7}  {:<20} {:<24} {:>5} {:>7}  NOTE",
                "VERSION", "PUBLISHED", "BY", "STEPS", "TICKETS"
            );
            for v in store.template_versions()? {
                let from = v
                    .based_on
                    .map(|b| format!(" (from v{b})"))
                    .unwrap_or_default();
                println!(
                    "{:>7}  {:<20} {:<24} {:>5} {:>7}  {}{from}",
                    v.version,
                    v.published_at.format("%Y-%m-%d %H:%M UTC"),
                    marked(&v.published_by),
                    v.steps,
                    v.tickets,
                    marked(&v.note)
                );
            }
        }
        TemplateCommand::Export { version, out } => {
            let t = match version {
                Some(v) => store.template_version(v)?,
                None => store.published_template()?,
            };
            report::write_file(&out, exchange::to_json(&t).as_bytes())?;
            println!(
                "wrote version {} ({} steps) to {}",
                t.version,
                versions::step_count(&t),
                out.display()
            );
        }
        TemplateCommand::Validate { file } => {
            let problems = match read_template_file(&file) {
                Ok(t) => versions::problems(&t),
                Err(Error::TemplateInvalid(problems)) => problems,
                Err(e) => return Err(e),
            };
            if problems.is_empty() {
                println!("{}: no problems; it can be published", file.display());
                return Ok(ExitCode::SUCCESS);
            }
            println!("{}: {} problem(s)", file.display(), problems.len());
            print!("{}", problem_lines(&problems));
            return Ok(ExitCode::from(1));
        }
        TemplateCommand::Import { file, note } => {
            let actor = store.actor()?;
            let published = read_template_file(&file).and_then(|t| {
                store.publish_imported_template(&t, &note, &actor, chrono::Utc::now())
            });
            match published {
                Ok(v) => println!(
                    "published version {} ({} steps) from {}: new tickets start on it",
                    v.version,
                    v.steps,
                    file.display()
                ),
                Err(Error::TemplateInvalid(problems)) => {
                    eprintln!(
                        "error[TEMPLATE_INVALID]: {} was not published (nothing was written): {} problem(s)",
                        file.display(),
                        problems.len()
                    );
                    eprint!("{}", problem_lines(&problems));
                    return Ok(ExitCode::from(3));
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per problem, `  PATH: MESSAGE (CODE)`, the file's text shown with its hidden
/// characters marked.
fn problem_lines(problems: &[ticketflow_core::template::validate::TemplateProblem]) -> String {
    problems
        .iter()
        .map(|p| {
            let path = if p.path.is_empty() { "(file)" } else { &p.path };
            format!("  {}: {} ({})\n", marked(path), marked(&p.message), p.code)
        })
        .collect()
}

/// A client named on the command line: its id, the name matched without regard to case.
fn company_named(store: &Store, name: &str) -> Result<i64, Error> {
    let wanted = name.trim().to_lowercase();
    store
        .companies()?
        .into_iter()
        .find(|c| c.name.trim().to_lowercase() == wanted)
        .map(|c| c.id)
        .ok_or_else(|| Error::not_found("company", name))
}

fn runbook_command(store: &mut Store, command: RunbookCommand) -> Result<ExitCode, Error> {
    use ticketflow_core::store::{RunbookInput, RunbookQuery};
    let company = |store: &Store, name: Option<String>| -> Result<Option<i64>, Error> {
        name.map(|n| company_named(store, &n)).transpose()
    };
    let client = |c: &Option<String>| c.as_deref().map_or_else(|| "desk-wide".into(), marked);
    match command {
        RunbookCommand::Add {
            title,
            body,
            company: name,
        } => {
            let actor = store.actor()?;
            let input = RunbookInput {
                company_id: company(store, name)?,
                title,
                body: body.read()?.ok_or_else(|| {
                    Error::invalid("body", "give the text with --body TEXT or --body-file FILE")
                })?,
            };
            let e = store.create_runbook_entry(&input, None, &actor, chrono::Utc::now())?;
            println!(
                "created runbook entry #{} \"{}\" ({})",
                e.id,
                marked(&e.title),
                client(&e.company)
            );
        }
        RunbookCommand::List {
            company: name,
            limit,
            offset,
        } => {
            let page = store.runbook_entries(&RunbookQuery {
                company_id: company(store, name)?,
                offset,
                limit,
            })?;
            println!("{:>6}  {:<20} {:<24} TITLE", "ID", "UPDATED", "CLIENT");
            for r in &page.rows {
                println!(
                    "{:>6}  {:<20} {:<24} {}",
                    r.id,
                    r.updated_at.format("%Y-%m-%d %H:%M UTC"),
                    client(&r.company),
                    marked(&r.title)
                );
            }
            println!("{} of {} entries", page.rows.len(), page.total);
        }
        RunbookCommand::Show { id } => {
            let e = store.runbook_entry(id)?;
            println!("#{} {}", e.id, marked(&e.title));
            println!("client:  {}", client(&e.company));
            println!("created: {}", e.created_at.to_rfc3339());
            println!("updated: {}", e.updated_at.to_rfc3339());
            println!();
            println!("{}", marked(&e.body));
        }
        RunbookCommand::Edit { id, title, body } => {
            let actor = store.actor()?;
            let body = body.read()?;
            if title.is_none() && body.is_none() {
                return Err(Error::invalid(
                    "edit",
                    "give --title, --body or --body-file: there is nothing to change",
                ));
            }
            let before = store.runbook_entry(id)?;
            let input = RunbookInput {
                company_id: before.company_id,
                title: title.unwrap_or(before.title),
                body: body.unwrap_or(before.body),
            };
            let e = store.update_runbook_entry(id, &input, None, &actor, chrono::Utc::now())?;
            println!("updated runbook entry #{} \"{}\"", e.id, marked(&e.title));
        }
        RunbookCommand::Search {
            query,
            company: name,
        } => {
            let hits = store.search_runbook_entries(&query, company(store, name)?, 50)?;
            for h in &hits {
                println!(
                    "{:>6}  {:<24} {}\n        {}",
                    h.id,
                    client(&h.company),
                    marked(&h.title),
                    marked(&h.excerpt)
                );
            }
            println!("{} entries found", hits.len());
        }
    }
    Ok(ExitCode::SUCCESS)
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

/// Signs the desk's unsigned events (a session ends), when the desk has a signing identity and
/// the keychain gives its key; `create` makes the identity first (a new desk). Says on stderr why
/// not, when it cannot.
fn checkpoint_session(store: &mut Store, data_dir: &std::path::Path, create: bool) {
    let outcome = (|| -> Result<Option<i64>, Error> {
        if store.checkpoint_status()?.unsigned_events == 0
            || (!create && signing::load_certificates(data_dir)?.is_none())
        {
            return Ok(None);
        }
        let now = chrono::Utc::now();
        let msp_name = store.report_settings()?.msp_name;
        let identity =
            Identity::load_or_create(data_dir, &SecretStore::platform()?, &msp_name, now)?;
        let taken = store.checkpoint(&identity, CheckpointReason::Closing, now)?;
        Ok(taken.map(|c| c.event_id))
    })();
    if let Err(e) = outcome {
        eprintln!(
            "note: the desk's newest events are not checkpointed: [{}] {e}; they will be once the keychain is reachable",
            e.code()
        );
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    // `verify-report FILE` checks the file alone unless a desk is named.
    let desk_named = cli.data_dir.is_some()
        || std::env::var_os(paths::DATA_DIR_ENV).is_some_and(|d| !d.is_empty());
    if let (Command::VerifyReport { file }, false) = (&cli.command, desk_named) {
        let pdf = read_report_file(file)?;
        return Ok(show_verification(&report::verify_report_alone(&pdf)));
    }
    let data_dir = match cli.data_dir {
        Some(d) => d,
        None => paths::data_dir()?,
    };
    // Verifying reads the desk as it is: read-only, nothing created or migrated, and a desk that
    // cannot be read fails the verification (exit 1) rather than being an "other" error.
    let verifying = matches!(
        cli.command,
        Command::VerifyAudit { .. } | Command::VerifyReport { .. }
    );
    let mut store = if verifying {
        match Store::open_read_only(&data_dir.join(paths::DB_FILE)) {
            Ok(store) => store,
            Err(e) => {
                eprintln!("error[{}]: {e}", e.code());
                return Ok(ExitCode::from(1));
            }
        }
    } else {
        open(Some(data_dir.clone()))?
    };
    // The end user holds the desk during a hand-over: nothing else runs until a technician's PIN
    // ends it in the app (verification only reads, and changes nothing).
    if !verifying {
        store.refuse_during_handover()?;
    }
    let create_identity = matches!(cli.command, Command::Init { .. });
    let exit = run_command(cli.command, &mut store, &data_dir)?;
    if !verifying && exit == ExitCode::SUCCESS {
        checkpoint_session(&mut store, &data_dir, create_identity);
    }
    Ok(exit)
}

fn read_report_file(file: &std::path::Path) -> Result<Vec<u8>, Error> {
    // Read one byte past the limit at most, so a huge file is refused without loading it.
    use std::io::Read;
    let mut pdf = Vec::new();
    std::fs::File::open(file)?
        .take(report::REPORT_MAX_BYTES + 1)
        .read_to_end(&mut pdf)?;
    Ok(pdf)
}

fn show_verification(v: &report::Verification) -> ExitCode {
    for c in &v.checks {
        println!(
            "{:<12} {:<6} {}",
            c.name,
            if c.ok { "ok" } else { "FAILED" },
            c.detail
        );
    }
    let first = v
        .checks
        .iter()
        .find(|c| !c.ok)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .unwrap_or_default();
    match v.verdict() {
        report::Verdict::Verified => {
            println!("report verified");
            ExitCode::SUCCESS
        }
        report::Verdict::ReportAltered => {
            let e = Error::ReportInvalid(first);
            eprintln!("error[{}]: {e}", e.code());
            ExitCode::from(1)
        }
        report::Verdict::DeskChanged => {
            let e = Error::ReportInvalid(first);
            eprintln!("error[DESK_CHANGED]: {e}");
            ExitCode::from(4)
        }
    }
}

/// Prints what the checkpoints say after an intact chain; false when the keychain contradicts
/// the desk (its key is not the certificates', or it remembers a newer checkpoint).
fn show_checkpoints(
    report: &ticketflow_core::audit::ChainReport,
    store: &Store,
    data_dir: &std::path::Path,
    certs: Option<&signing::Certificates>,
) -> bool {
    if report.checkpoints == 0 {
        println!(
            "checkpoints: none yet; the chain's links alone vouch for its {} events ({})",
            report.events,
            if certs.is_some() {
                "the keychain was not reachable when they were written"
            } else {
                "this desk has no signing identity yet: the app makes one when the desk is set up, export-report when it signs"
            }
        );
    } else {
        println!(
            "checkpoints: {} verified, through event {}; {} later events are not checkpointed yet",
            report.checkpoints, report.checkpointed_through, report.unsigned_events
        );
    }
    if let Some(began) = report.checkpoints_began {
        println!(
            "checkpoints began at event {began} (this desk was upgraded): the {} events before it were written before checkpoints existed",
            began - 1
        );
    }
    let Some(certs) = certs else {
        return true;
    };
    // The certificates sit beside the database: whoever replaced both could re-sign every
    // checkpoint, or delete the newest ones. The keychain, which holds the real key and remembers
    // the newest checkpoint, tells.
    let confirmed = SecretStore::platform()
        .and_then(|secrets| Identity::load_or_create(data_dir, &secrets, "", chrono::Utc::now()));
    let failed = |e: Error| {
        eprintln!("error[{}]: {e}", e.code());
        false
    };
    match confirmed {
        Ok(identity) if identity.certificates == *certs => match store.keychain_mark(&identity) {
            Ok(Some(mark)) => match store.check_mark(&mark) {
                Ok(()) => {
                    println!(
                        "keychain: holds the signing key, and remembers checkpoint {} (event {}) of the desk here, which it holds",
                        mark.seq, mark.event_id
                    );
                    true
                }
                Err(e) => failed(e),
            },
            Ok(None) => {
                println!(
                    "keychain: holds the signing key; it remembers no checkpoint taken at this location (a copy or a backup is checked by its own chain and checkpoints)"
                );
                true
            }
            Err(e) => failed(e),
        },
        Ok(_) => failed(Error::invalid(
            "certificates",
            "they changed while they were being checked; run verify-audit again",
        )),
        Err(Error::SigningKeyMissing(_)) => failed(Error::SigningKeyMissing(format!(
            "this machine's keychain has no key for {}: the certificates were replaced, or the desk was made on another machine (verify it there)",
            signing::certificates_path(data_dir).display()
        ))),
        Err(e) => {
            println!(
                "keychain: not reachable ([{}] {e}); the checkpoints were checked against the certificates alone",
                e.code()
            );
            true
        }
    }
}

/// `qbr --all`: every client's signed pack for the period into `dir`, progress on stderr; exit 3
/// naming each client whose pack failed (the others are written).
fn qbr_batch(
    store: &Store,
    data_dir: &std::path::Path,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    dir: &std::path::Path,
) -> Result<ExitCode, Error> {
    let now = chrono::Utc::now();
    let clients = store.qbr_clients(from, to, now)?;
    let msp_name = store.report_settings()?.msp_name;
    let identity = Identity::load_or_create(data_dir, &SecretStore::platform()?, &msp_name, now)?;
    let progress = |p: &report::BatchProgress| {
        eprint!("\rqbr: {}/{} clients", p.done, p.total);
        let _ = std::io::stderr().flush();
    };
    let control = report::BatchControl {
        cancel: &std::sync::atomic::AtomicBool::new(false),
        progress: &progress,
    };
    let db = data_dir.join(paths::DB_FILE);
    let summary = ticketflow_core::qbr::pdf::export_qbr_batch(
        &db, &clients, from, to, dir, &identity, now, 0, &control,
    )?;
    if summary.total > 0 {
        eprintln!();
    }
    for f in &summary.failed {
        eprintln!("error[{}]: {}: {}", f.error.code, f.ticket, f.error.message);
    }
    println!(
        "{} of {} clients' QBR packs ({} bytes), signed by \"{}\" -> {}",
        summary.exported,
        summary.total,
        summary.bytes,
        identity.signer_name(),
        dir.display()
    );
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

fn run_command(
    command: Command,
    store: &mut Store,
    data_dir: &std::path::Path,
) -> Result<ExitCode, Error> {
    let data_dir = data_dir.to_path_buf();
    match command {
        Command::Init {
            desk_name,
            time_zone,
            technician,
            tier,
            email,
            on_call,
        } => {
            if store.desk_status()?.set_up {
                return Err(Error::DeskAlreadySetUp);
            }
            let pin = Pins::new().read(PIN_ENV, &format!("{technician}'s new PIN"))?;
            let setup = DeskSetup {
                desk_name,
                time_zone,
                technician: NewTechnician {
                    name: technician,
                    tier: tier.into(),
                    email,
                    on_call,
                },
            };
            let status = store.set_up_desk(&setup, &pin, chrono::Utc::now())?;
            println!(
                "desk \"{}\" set up in {}; {} is the current technician",
                status.desk_name.unwrap_or_default(),
                status.time_zone.unwrap_or_default(),
                setup.technician.name.trim()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Technician(command) => technician_command(store, command),
        Command::Mail(command) => mail_command(store, command),
        Command::Runbook(command) => runbook_command(store, command),
        Command::Template(command) => template_command(store, command),
        Command::Import {
            files,
            source,
            kind,
            map,
            mode,
            default_tier,
            dry_run,
            errors,
        } => {
            let args = transfer::ImportArgs {
                files,
                source,
                kind,
                map,
                mode: mode.into(),
                default_tier,
                dry_run,
                errors,
            };
            transfer::import(store, args)
        }
        Command::ImportBatches => transfer::batches(store),
        Command::ImportUndo { batch } => transfer::undo(store, batch),
        Command::Export {
            kind,
            client,
            from,
            to,
            out,
        } => {
            let company_id = client.map(|name| company_named(store, &name)).transpose()?;
            transfer::export(store, &kind, company_id, from, to, &out)
        }
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
            let anchor = anchor.unwrap_or_else(chrono::Utc::now);
            let summary = ticketflow_core::demo::generate_at(
                store,
                tickets,
                seed,
                anchor,
                progress("tickets"),
            )?;
            eprintln!();
            if documents > 0 {
                ticketflow_core::demo::generate_documents(
                    store,
                    documents,
                    seed,
                    anchor,
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
        Command::VerifyAudit { deep } => match signing::load_certificates(&data_dir)
            .and_then(|certs| Ok((store.verify_audit_with(certs.as_ref())?, certs)))
        {
            Ok((report, certs)) => {
                println!(
                    "audit chain intact: {} events, head {}; {} sealed tickets match their seal",
                    report.events, report.head, report.sealed_tickets
                );
                if !show_checkpoints(&report, store, &data_dir, certs.as_ref()) {
                    return Ok(ExitCode::from(1));
                }
                if !deep {
                    return Ok(ExitCode::SUCCESS);
                }
                let deep = store.verify_sealed_rows()?;
                for d in &deep.differences {
                    eprintln!(
                        "error[RECORD_MISMATCH]: ticket {} field {}: sealed {}, live rows give {}",
                        d.ticket, d.field, d.sealed, d.live
                    );
                }
                if deep.differences.is_empty() {
                    println!(
                        "live rows of {} sealed tickets rebuild their sealed records exactly",
                        deep.tickets
                    );
                    Ok(ExitCode::SUCCESS)
                } else {
                    eprintln!(
                        "{} differences between sealed records and live rows ({} sealed tickets checked)",
                        deep.differences.len(),
                        deep.tickets
                    );
                    Ok(ExitCode::from(1))
                }
            }
            Err(
                e @ (Error::AuditBroken { .. }
                | Error::CheckpointInvalid { .. }
                | Error::GuardsMissing(_)
                | Error::DatabaseCorrupt { .. }),
            ) => {
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
            let id = store.ticket_id_by_number(&ticket)?;
            store.anchor_report(id, &identity, &mut input, now)?;
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
            // A new desk hands its root to clients before its first report, as the app does.
            if signing::load_certificates(&data_dir)?.is_none() {
                let settings = store.report_settings()?;
                let secrets = SecretStore::platform()?;
                Identity::load_or_create(
                    &data_dir,
                    &secrets,
                    &settings.msp_name,
                    chrono::Utc::now(),
                )?;
            }
            let pem = signing::export_root_pem(&data_dir)?;
            report::write_file(&out, pem.as_bytes())?;
            println!("root certificate -> {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::VerifyReport { file } => {
            let pdf = read_report_file(&file)?;
            let certs = signing::load_certificates(&data_dir)?;
            let mut v = report::verify_report(&pdf, store, certs.as_ref())?;
            // Signed with a key this machine holds but not the desk's certificates': those were
            // replaced, which only the keychain can tell.
            if v.checks.iter().any(|c| c.name == "certificate" && !c.ok) {
                if let Ok(secrets) = SecretStore::platform() {
                    v = report::reclassify_with_keychain(&pdf, v, &secrets);
                }
            }
            Ok(show_verification(&v))
        }
        Command::Qbr {
            client,
            from,
            to,
            csv,
            out,
            all,
            out_dir,
        } => {
            if let (true, Some(dir)) = (all, out_dir) {
                return qbr_batch(store, &data_dir, from, to, &dir);
            }
            let company = client.map(|name| company_named(store, &name)).transpose()?;
            let now = chrono::Utc::now();
            let mut input = store.qbr_pack_input(company, from, to, now)?;
            let figures = &input.qbr;
            print!("{}", ticketflow_core::qbr::kpi_text(figures));
            if let Some(file) = csv {
                let text = ticketflow_core::qbr::tickets_csv(figures)?;
                report::write_file(&file, text.as_bytes())?;
                println!("{} tickets -> {}", figures.tickets.len(), file.display());
            }
            if let Some(file) = out {
                let secrets = SecretStore::platform()?;
                let identity =
                    Identity::load_or_create(&data_dir, &secrets, &input.settings.msp_name, now)?;
                store.anchor_qbr(&identity, &mut input, now)?;
                let saved =
                    ticketflow_core::qbr::pdf::save_qbr_pack(&input, &identity, now, &file)?;
                println!(
                    "QBR pack: {} bytes, figures SHA-256 {}, signed by \"{}\" -> {}",
                    saved.bytes,
                    saved.figures_hash,
                    identity.signer_name(),
                    file.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::ReportSettings {
            msp_name,
            paper,
            appendix,
            logo,
            no_logo,
        } => {
            let now = chrono::Utc::now();
            // Changes are made by the desk's current technician (set by `init`), like the app's;
            // only reading the settings needs nobody.
            let changes = appendix.is_some()
                || logo.is_some()
                || no_logo
                || msp_name.is_some()
                || paper.is_some();
            let actor = if changes {
                store.actor()?
            } else {
                String::new()
            };
            let actor = actor.as_str();
            if let Some(include) = appendix {
                store.set_report_appendix(include, actor, now)?;
            }
            if let Some(path) = logo {
                // One byte past the limit is enough for the core to refuse a file by its size.
                use std::io::Read;
                let limit = ticketflow_core::report::LOGO_MAX_BYTES as u64 + 1;
                let mut bytes = Vec::new();
                std::fs::File::open(path)?
                    .take(limit)
                    .read_to_end(&mut bytes)?;
                store.set_report_logo(&bytes, actor, now)?;
            }
            if no_logo {
                store.remove_report_logo(actor, now)?;
            }
            if let Some(name) = msp_name {
                store.set_msp_name(&name, actor, now)?;
            }
            if let Some(p) = paper {
                store.set_paper_size(p.into(), actor, now)?;
            }
            let s = store.report_settings()?;
            println!("msp_name: {}\npaper: {}", s.msp_name, s.paper);
            println!("appendix: {}", s.include_appendix);
            match &s.logo {
                Some(l) => println!(
                    "logo: {} {}x{} ({} bytes)",
                    l.format.mime(),
                    l.width,
                    l.height,
                    l.bytes.len()
                ),
                None => println!("logo: none"),
            }
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
