//! The quarterly business review: one client's (or every client's) figures over a period.
//!
//! The figures are pure functions of data the store loaded ([`QbrInput`]): closed tickets as
//! their sealed records hold them, so a QBR never disagrees with the signed closure reports
//! behind it, and open tickets as their live rows are now. Every figure's definition is written
//! once, as the doc comment of its field: those sentences are also the PDF's appendix, so they
//! are plain sentences about what is counted.

mod csv;
mod facts;
mod figures;
mod input;
pub mod pdf;
mod period;
mod stats;
mod text;

pub use csv::tickets_csv;
pub(crate) use facts::LIVE_STEPS;
pub use figures::compute;
pub use input::{LiveTicket, QbrInput, SealedFigures, SealedTicket};
pub use period::{
    presets, presets_at, previous, quarter_start, QbrComparison, QbrPeriod, QbrPresets,
};
pub use text::kpi_text;

use crate::priority::Priority;
use crate::ticket::TicketStatus;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// Longest period a QBR covers, in days: five years. Longer is a typing error, not a review.
pub const MAX_PERIOD_DAYS: i64 = 366 * 5;

/// The figures of one client, or of every client, over a period of days.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Qbr {
    /// The client reported on; none when the figures cover every client.
    pub client: Option<QbrClient>,
    /// The first day of the period, in the client's own time zone.
    pub from: NaiveDate,
    /// The last day of the period, included, in the client's own time zone.
    pub to: NaiveDate,
    /// When the figures were computed; the SLA clocks of open tickets are read at this instant.
    pub computed_at: DateTime<Utc>,
    pub volume: Volume,
    pub sla: SlaFigures,
    pub times: ResponseTimes,
    pub quality: Quality,
    pub csat: CsatFigures,
    pub hours: HoursFigures,
    pub assets: AssetFigures,
    pub recurring: Recurring,
    /// Every ticket behind the figures: opened or closed in the period, or with time logged in
    /// it, by ticket number.
    pub tickets: Vec<QbrTicket>,
}

/// The client a QBR is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QbrClient {
    pub id: i64,
    pub name: String,
    /// The time zone the period's days are read in: the zone of the client's business hours,
    /// or the desk's zone for a client served around the clock.
    pub time_zone: String,
}

/// A number of tickets under a label (a priority, a resolution code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Count {
    pub key: String,
    pub tickets: u32,
}

/// How many tickets came in and went out.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Volume {
    /// Tickets opened on a day of the period: opening is step 5, which starts the SLA clock, so
    /// a ticket still in intake is not counted. Days are read in the client's time zone.
    pub opened: u32,
    /// Tickets closed on a day of the period, read from their sealed records.
    pub closed: u32,
    /// Tickets opened in the period that are not closed now.
    pub still_open: u32,
    /// Tickets opened in the period by priority (P1 to P4, every priority listed even at zero;
    /// "none" for a ticket without one).
    pub opened_by_priority: Vec<Count>,
    /// Tickets closed in the period by the priority their sealed record holds.
    pub closed_by_priority: Vec<Count>,
    /// Tickets closed in the period by the resolution code chosen at closure, most used first.
    pub closed_by_resolution_code: Vec<Count>,
}

/// Which SLA clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SlaClock {
    FirstResponse,
    Resolution,
}

/// How often the SLA targets were met.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SlaFigures {
    /// Tickets closed in the period whose sealed record has a first-response clock (an SLA
    /// policy applied to their client's tier and priority).
    pub first_response_measured: u32,
    /// Of those, the tickets whose first response came within the target: the working time
    /// counted from opening to the first technician work, less waiting on the customer, did not
    /// pass the target.
    pub first_response_met: u32,
    /// The first-response tickets met as a percentage of those measured; none when none were
    /// measured.
    pub first_response_met_pct: Option<f64>,
    /// Tickets closed in the period whose sealed record has a resolution clock.
    pub resolution_measured: u32,
    /// Of those, the tickets resolved within the target: the working time counted from opening
    /// to the end user's verification of the fix, less waiting on the customer, did not pass
    /// the target.
    pub resolution_met: u32,
    /// The resolution tickets met as a percentage of those measured; none when none were
    /// measured.
    pub resolution_met_pct: Option<f64>,
    /// Every breached clock of a ticket closed in the period, as its sealed record holds it;
    /// then every clock already past its target now of a ticket behind the figures that is not
    /// closed. Each part by ticket number, first response before resolution.
    pub breaches: Vec<Breach>,
}

/// One SLA clock that passed its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Breach {
    pub ticket: String,
    pub client: String,
    pub clock: SlaClock,
    pub priority: Option<Priority>,
    /// The target, in working seconds of the client's calendar.
    pub target_secs: i64,
    /// The working time the clock counted, less waiting on the customer, in seconds.
    pub actual_secs: i64,
    /// The working time spent waiting on the customer, which did not count, in seconds.
    pub paused_secs: i64,
    /// The instant the clock passed its target.
    pub breached_at: Option<DateTime<Utc>>,
    /// The breach note recorded for the service coordinator when time was reconciled against
    /// the SLA (step 19); none for a ticket not yet reconciled.
    pub reason: Option<String>,
    /// True when the ticket is closed and the breach was read from its sealed record; false for
    /// a ticket still open, whose clock was read now.
    pub sealed: bool,
}

/// How long first responses and resolutions took, in business time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ResponseTimes {
    /// Tickets closed in the period with a first response: the ones the first-response times
    /// are taken over.
    pub first_response_count: u32,
    /// The mean time from opening to the first technician work, in business time: working time
    /// of the client's calendar (its opening hours, working days and holidays, in its time
    /// zone) less waiting on the customer, as the SLA clock counts it. Rounded down to the
    /// second.
    pub first_response_mean_secs: Option<i64>,
    /// The median of the same times: the middle one, or with an even count the mean of the two
    /// middle ones rounded down to the second.
    pub first_response_median_secs: Option<i64>,
    /// Tickets closed in the period with a resolution: the ones the resolution times are taken
    /// over.
    pub resolution_count: u32,
    /// The mean time from opening to the end user's verification of the fix, in business time
    /// as above, rounded down to the second.
    pub resolution_mean_secs: Option<i64>,
    /// The median of the same times, as for first responses.
    pub resolution_median_secs: Option<i64>,
}

/// Whether fixes held and who fixed them.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Quality {
    /// Tickets closed in the period that failed verification at least once: the end user saw
    /// the fix still failing and the ticket was reopened at step 17.
    pub reopened: u32,
    /// The reopened tickets as a percentage of the tickets closed in the period.
    pub reopen_rate_pct: Option<f64>,
    /// Failed verifications of the tickets closed in the period, every attempt counted.
    pub failed_verifications: u32,
    /// Tickets closed in the period that were never escalated to Tier 2.
    pub first_touch_resolved: u32,
    /// The first-touch resolutions as a percentage of the tickets closed in the period.
    pub first_touch_rate_pct: Option<f64>,
    /// Tickets opened in the period that were escalated to Tier 2 at least once (at step 10, or
    /// reassigned to Tier 2 after a failed verification), closed or not.
    pub escalated: u32,
    /// The escalated tickets as a percentage of the tickets opened in the period.
    pub escalation_rate_pct: Option<f64>,
}

/// Customer satisfaction, from the survey sent at step 18.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CsatFigures {
    pub overall: CsatSummary,
    /// The same figures for each technician credited with a ticket: the ticket's assignee when
    /// it closed, or the technician who signed it off when it had none. By name.
    pub by_technician: Vec<CsatGroup>,
    /// The same figures for each month (YYYY-MM, in the client's time zone) a ticket closed in.
    pub by_month: Vec<CsatGroup>,
}

/// Survey figures over a set of tickets closed in the period.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CsatSummary {
    /// Tickets closed in the period whose survey was sent (step 18 done), as the sealed records
    /// hold them.
    pub surveyed: u32,
    /// Of those, the surveys answered with a rating.
    pub responded: u32,
    /// The answered surveys as a percentage of those sent.
    pub response_rate_pct: Option<f64>,
    /// The mean rating (1 to 5) of the answered surveys.
    pub average: Option<f64>,
    /// The answered surveys for each rating: the first number counts the ratings of 1, the
    /// fifth the ratings of 5.
    pub distribution: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CsatGroup {
    pub key: String,
    pub summary: CsatSummary,
}

/// Time worked, from the tickets' time entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HoursFigures {
    /// Minutes of the time entries started on a day of the period (in the client's time zone)
    /// and marked billable; a closed ticket's entries are read from its sealed record.
    pub billable_minutes: u64,
    /// Minutes of the same time entries marked not billable: work the contract does not pay for.
    pub non_billable_minutes: u64,
    /// The same minutes for each technician who logged time, by name.
    pub by_technician: Vec<HoursGroup>,
    /// The same minutes for each month (YYYY-MM, in the client's time zone) the entries
    /// started in.
    pub by_month: Vec<HoursGroup>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HoursGroup {
    pub key: String,
    pub billable_minutes: u64,
    pub non_billable_minutes: u64,
}

/// Which devices the tickets were about.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AssetFigures {
    /// The assets (endpoints) the client has in the directory now.
    pub endpoints: u32,
    /// The distinct assets linked to a ticket opened in the period.
    pub endpoints_with_tickets: u32,
    /// The tickets opened in the period divided by the client's assets in the directory; none
    /// when the client has no assets.
    pub tickets_per_endpoint: Option<f64>,
    /// Every asset linked to a ticket opened in the period, with the number of those tickets,
    /// most tickets first (then by host name): the first ones are the assets with the most
    /// tickets. A ticket linked to two assets counts for each.
    pub tickets_by_asset: Vec<AssetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AssetCount {
    pub asset_id: i64,
    pub hostname: String,
    pub client: String,
    pub tickets: u32,
}

/// Symptoms that came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Recurring {
    /// The resolution codes chosen on at least two tickets closed in the period, most used
    /// first.
    pub resolution_codes: Vec<Count>,
    /// The runbook entries linked to tickets closed in the period (while searching the runbook
    /// at step 9 or updating it at step 20), with how many tickets linked each, most first.
    pub runbooks: Vec<RunbookCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RunbookCount {
    pub runbook_id: i64,
    /// The entry's title now; none if the entry no longer exists.
    pub title: Option<String>,
    pub tickets: u32,
}

/// One ticket behind the figures, as the CSV lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QbrTicket {
    pub number: String,
    pub client: String,
    pub status: TicketStatus,
    pub priority: Option<Priority>,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub opened_in_period: bool,
    pub closed_in_period: bool,
    pub resolution_code: Option<String>,
    /// Escalated to Tier 2 at least once.
    pub escalated: bool,
    pub failed_verifications: u32,
    /// Business time to the first response, in seconds, once there was one.
    pub first_response_secs: Option<i64>,
    /// Business time to the resolution, in seconds, once there was one.
    pub resolution_secs: Option<i64>,
    /// Whether the first-response target was met: false as soon as it is passed, none while
    /// the clock still runs within it or without a policy.
    pub first_response_met: Option<bool>,
    /// Whether the resolution target was met: false as soon as it is passed, none while the
    /// clock still runs within it or without a policy.
    pub resolution_met: Option<bool>,
    pub csat_rating: Option<i64>,
    /// Billable minutes of the ticket's time entries started in the period.
    pub billable_minutes: u64,
    /// Non-billable minutes of the ticket's time entries started in the period.
    pub non_billable_minutes: u64,
    /// Host names of the linked assets.
    pub assets: Vec<String>,
    /// The SHA-256 of the sealed record a closed ticket's figures were read from.
    pub record_hash: Option<String>,
}
