//! Many reports at once: a client's closed tickets over a date range, exported on every core.
//!
//! The selection and the export live here rather than in the shell so that the app, the CLI and
//! the benchmark choose the same tickets, name the files the same way and report failures per
//! ticket instead of stopping at the first one. A long batch can be watched (a progress callback
//! after every ticket) and stopped (a flag the workers check before taking the next ticket);
//! reports already written stay, each complete, since every file is written atomically
//! ([`write_file`]).

use super::{export_ticket, safe_file_name, write_file};
use crate::error::{Error, ErrorPayload, Result};
use crate::signing::Identity;
use crate::sla::{Calendar, Zone};
use crate::store::Store;
use crate::workflow::Lookup;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Where a batch is after one more ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BatchProgress {
    /// Tickets finished so far, exported or failed.
    pub done: usize,
    pub total: usize,
    pub exported: usize,
    pub failed: usize,
    /// The item just finished: a ticket number, or a client's name in a batch of QBR packs.
    pub ticket: String,
}

/// A ticket whose report could not be exported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BatchFailure {
    /// The ticket number, or the client's name in a batch of QBR packs.
    pub ticket: String,
    pub error: ErrorPayload,
}

/// What a batch export did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct BatchSummary {
    /// Tickets the batch was asked to export.
    pub total: usize,
    pub exported: usize,
    pub bytes: u64,
    pub failed: Vec<BatchFailure>,
    /// Stopped on request before every ticket was tried.
    pub cancelled: bool,
}

/// How a running batch is watched and stopped.
pub struct BatchControl<'a> {
    /// Set it to stop: tickets already being exported finish, no new one starts.
    pub cancel: &'a AtomicBool,
    /// Called after every ticket, one call at a time, with counts that only grow.
    pub progress: &'a (dyn Fn(&BatchProgress) + Sync),
}

static NEVER_CANCELLED: AtomicBool = AtomicBool::new(false);

fn no_progress(_: &BatchProgress) {}

impl BatchControl<'static> {
    /// Runs to the end, unobserved.
    pub fn unobserved() -> Self {
        BatchControl {
            cancel: &NEVER_CANCELLED,
            progress: &no_progress,
        }
    }
}

/// Midnight starting `date` on the wall clock of `zone`, or the first instant after it when that
/// midnight does not exist (a DST change at midnight).
fn start_of_day(zone: &Zone, date: NaiveDate) -> DateTime<Utc> {
    zone.instant(date.and_time(NaiveTime::MIN))
}

impl Store {
    /// Numbers of a client's closed tickets whose closing day falls in `from..=to`, oldest
    /// first. Days are the client's: in its business-hours time zone, UTC for a 24x7 client.
    pub fn closed_ticket_numbers(
        &self,
        company_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<String>> {
        if from > to {
            return Err(Error::invalid(
                "to",
                format!("the range ends ({to}) before it starts ({from})"),
            ));
        }
        let company = self.lookup().company(company_id)?;
        let zone = match &company.calendar {
            Calendar::BusinessHours(h) => Zone::parse(&h.time_zone).unwrap_or(Zone::UTC),
            Calendar::AlwaysOn => Zone::UTC,
        };
        let start = crate::audit::timestamp(start_of_day(&zone, from));
        let end = match to.succ_opt() {
            Some(next) => crate::audit::timestamp(start_of_day(&zone, next)),
            None => "9999-12-31T23:59:59.999999Z".to_string(),
        };
        crate::store::closed_numbers_between(self.conn(), company_id, &start, &end)
    }
}

/// The file a ticket's report gets in a batch folder: `<number>.pdf`.
pub fn batch_file_name(ticket_number: &str) -> String {
    format!("{}.pdf", safe_file_name(ticket_number))
}

/// Exports many closed tickets' signed reports into `out_dir` as `<number>.pdf`, on `threads`
/// worker threads (each with its own database connection; 0 means one per core).
pub fn export_batch(
    db_path: &Path,
    ticket_numbers: &[String],
    out_dir: &Path,
    identity: &Identity,
    now: DateTime<Utc>,
    threads: usize,
) -> Result<BatchSummary> {
    export_batch_with(
        db_path,
        ticket_numbers,
        out_dir,
        identity,
        now,
        threads,
        &BatchControl::unobserved(),
    )
}

/// [`export_batch`], watched and stoppable through `control`.
pub fn export_batch_with(
    db_path: &Path,
    ticket_numbers: &[String],
    out_dir: &Path,
    identity: &Identity,
    now: DateTime<Utc>,
    threads: usize,
    control: &BatchControl<'_>,
) -> Result<BatchSummary> {
    std::fs::create_dir_all(out_dir)?;
    run_batch(
        db_path,
        ticket_numbers,
        threads,
        control,
        |number| number.clone(),
        |store, number| {
            let pdf = export_ticket(store, number, identity, now)?;
            write_file(&out_dir.join(batch_file_name(number)), &pdf)?;
            Ok(pdf.len() as u64)
        },
    )
}

/// Runs `work` on every item on `threads` worker threads (0: one per core), each with its own
/// connection to the desk at `db_path`, and counts what each wrote (bytes) or why it failed:
/// the loop behind every batch of documents (closure reports, QBR packs). `name` says which item
/// a progress call or a failure is about (a ticket number, a client's name). Progress is called
/// after every item, in order; once `control.cancel` is set no new item starts.
pub fn run_batch<T: Sync>(
    db_path: &Path,
    items: &[T],
    threads: usize,
    control: &BatchControl<'_>,
    name: impl Fn(&T) -> String + Sync,
    work: impl Fn(&mut Store, &T) -> Result<u64> + Sync,
) -> Result<BatchSummary> {
    let total = items.len();
    let threads = if threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        threads
    }
    .clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let summary = Mutex::new(BatchSummary {
        total,
        ..BatchSummary::default()
    });
    let worker = || -> Result<()> {
        let mut store = Store::open(db_path)?;
        loop {
            if control.cancel.load(Ordering::SeqCst) {
                return Ok(());
            }
            let i = next.fetch_add(1, Ordering::SeqCst);
            let Some(item) = items.get(i) else {
                return Ok(());
            };
            let result = work(&mut store, item);
            let label = name(item);
            // Counted and reported under the lock, so progress arrives in order.
            let mut s = summary.lock().unwrap_or_else(|e| e.into_inner());
            match result {
                Ok(n) => {
                    s.exported += 1;
                    s.bytes += n;
                }
                Err(e) => s.failed.push(BatchFailure {
                    ticket: label.clone(),
                    error: e.payload(),
                }),
            }
            (control.progress)(&BatchProgress {
                done: s.exported + s.failed.len(),
                total,
                exported: s.exported,
                failed: s.failed.len(),
                ticket: label,
            });
        }
    };
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::ReportFailed("a worker thread panicked".into())))
            })
            .collect()
    });
    for r in results {
        r?;
    }
    let mut summary = summary.into_inner().unwrap_or_else(|e| e.into_inner());
    summary.cancelled = summary.exported + summary.failed.len() < total;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_local_midnight() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(
            start_of_day(&berlin, d).to_rfc3339(),
            "2026-03-01T23:00:00+00:00"
        );
        assert_eq!(
            start_of_day(&Zone::UTC, d).to_rfc3339(),
            "2026-03-02T00:00:00+00:00"
        );
        // Santiago skips from 00:00 to 01:00 on its spring change.
        let santiago = Zone::parse("America/Santiago").unwrap();
        let gap = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        assert_eq!(
            start_of_day(&santiago, gap).to_rfc3339(),
            "2026-09-06T04:00:00+00:00"
        );
    }

    /// A demo desk in a file (batches open their own connections), and its closed tickets by
    /// company with their closing times.
    fn desk() -> (tempfile::TempDir, std::path::PathBuf, Store) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("desk.db");
        let mut store = Store::open(&db).unwrap();
        crate::demo::generate(&mut store, 60, 5, |_, _| {}).unwrap();
        (dir, db, store)
    }

    fn closed_of(store: &Store, company_id: i64) -> Vec<(String, DateTime<Utc>)> {
        let mut out: Vec<_> = (1..=store.ticket_count().unwrap())
            .filter_map(|id| store.ticket(id).ok())
            .filter(|t| t.is_closed() && t.company_id == Some(company_id))
            .map(|t| (t.number, t.closed_at.unwrap()))
            .collect();
        out.sort_by_key(|(n, at)| (*at, n.clone()));
        out
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_clients_closed_tickets_are_chosen_by_their_closing_day() {
        let (_dir, _db, store) = desk();
        let (company, closed) = store
            .companies()
            .unwrap()
            .into_iter()
            .map(|c| (c.id, closed_of(&store, c.id)))
            .max_by_key(|(_, closed)| closed.len())
            .unwrap();
        assert!(closed.len() >= 2, "the demo desk closes tickets");
        let all = store
            .closed_ticket_numbers(company, day(2000, 1, 1), day(2100, 1, 1))
            .unwrap();
        let expected: Vec<_> = closed.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(all, expected);

        let (number, at) = &closed[0];
        let company_row = store.lookup().company(company).unwrap();
        let zone = match &company_row.calendar {
            Calendar::BusinessHours(h) => Zone::parse(&h.time_zone).unwrap(),
            Calendar::AlwaysOn => Zone::UTC,
        };
        let local = zone.local(*at).date();
        let that_day = store.closed_ticket_numbers(company, local, local).unwrap();
        assert!(that_day.contains(number), "{number} closed on {local}");
        let before = store
            .closed_ticket_numbers(company, day(2000, 1, 1), local.pred_opt().unwrap())
            .unwrap();
        assert!(!before.contains(number));

        let backwards = store.closed_ticket_numbers(company, local, local.pred_opt().unwrap());
        assert_eq!(backwards.unwrap_err().code(), "INVALID_INPUT");
        let unknown = store.closed_ticket_numbers(999_999, local, local);
        assert_eq!(unknown.unwrap_err().code(), "NOT_FOUND");
    }

    #[test]
    fn a_batch_reports_progress_in_order_and_stops_when_cancelled() {
        let (dir, db, store) = desk();
        let numbers: Vec<String> = store
            .companies()
            .unwrap()
            .iter()
            .flat_map(|c| closed_of(&store, c.id))
            .map(|(n, _)| n)
            .take(4)
            .collect();
        assert_eq!(numbers.len(), 4);
        let now = crate::demo::anchor();
        let identity = Identity::ephemeral("Batch Test MSP", now).unwrap();

        let seen = Mutex::new(Vec::new());
        let record = |p: &BatchProgress| seen.lock().unwrap().push(p.clone());
        let never = AtomicBool::new(false);
        let out = dir.path().join("all");
        let control = BatchControl {
            cancel: &never,
            progress: &record,
        };
        let s = export_batch_with(&db, &numbers, &out, &identity, now, 2, &control).unwrap();
        assert_eq!((s.total, s.exported, s.cancelled), (4, 4, false));
        assert!(s.failed.is_empty(), "{:?}", s.failed);
        let seen = seen.into_inner().unwrap();
        let done: Vec<_> = seen.iter().map(|p| p.done).collect();
        assert_eq!(done, vec![1, 2, 3, 4]);
        for n in &numbers {
            let pdf = std::fs::read(out.join(batch_file_name(n))).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }

        let cancel = AtomicBool::new(false);
        let stop = |_: &BatchProgress| cancel.store(true, Ordering::SeqCst);
        let control = BatchControl {
            cancel: &cancel,
            progress: &stop,
        };
        let out = dir.path().join("stopped");
        let s = export_batch_with(&db, &numbers, &out, &identity, now, 1, &control).unwrap();
        assert_eq!((s.exported, s.cancelled), (1, true));
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    }

    #[test]
    fn batch_file_names_cannot_leave_the_folder() {
        assert_eq!(batch_file_name("T-000042"), "T-000042.pdf");
        assert_eq!(batch_file_name("../../etc/x"), "______etc_x.pdf");
    }
}
