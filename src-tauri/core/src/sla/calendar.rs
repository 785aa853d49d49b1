//! Working calendars: when the SLA clock is allowed to run.
//!
//! Contracts promise "4 business hours", not "4 hours", so SLA time is measured against the
//! client's own working week in the client's own time zone. Opening hours are local wall time: a
//! daylight-saving change moves them in UTC but never stretches or shrinks a 9–17 day.
//!
//! The maths walks one local day at a time (never minute by minute), so a year-long span costs a
//! few hundred time-zone lookups. Business hours exist only in local years 1970 to 2999: no ticket
//! predates the first or is due after the last, and the bound keeps a corrupt timestamp from
//! costing seconds of CPU.

use super::Zone;
use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Most holidays one calendar may list: five years of every day. More is a data error, and the
/// cap keeps the search for the next working day short.
pub const MAX_HOLIDAYS: usize = 366 * 5;

/// First and last local years with business hours; the walk never leaves them.
const FIRST_YEAR: i32 = 1970;
const LAST_YEAR: i32 = 2999;

/// Empty working weekdays tolerated on top of the holidays before a calendar is taken to have no
/// working time left: the day before the start, and days whose hours fall wholly in a DST gap.
const EMPTY_DAY_SLACK: usize = 8;

/// How the SLA clock counts time for one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Calendar {
    /// 24x7: every real second counts.
    AlwaysOn,
    /// Only the client's opening hours count.
    BusinessHours(BusinessHours),
}

/// A working week in local wall time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct BusinessHours {
    /// IANA zone name, e.g. "Europe/Berlin".
    pub time_zone: String,
    pub working_days: Vec<Weekday>,
    /// Local opening time on each working day.
    pub opens: NaiveTime,
    /// Local closing time; must be after `opens` (no overnight shifts).
    pub closes: NaiveTime,
    /// Local dates with no working time.
    pub holidays: Vec<NaiveDate>,
}

/// "Never": what [`Calendar::add_working_time`] returns when the calendar has no working time
/// left. End of year 9999, which SQLite text, JSON and JavaScript `Date` can all still hold.
pub fn far_future() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .map(|t| t.and_utc())
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl BusinessHours {
    /// Rejects what would make the calendar meaningless: an unknown zone, an empty or inverted
    /// day, no working days, or an implausible holiday list.
    pub fn validate(&self) -> Result<()> {
        if Zone::parse(&self.time_zone).is_none() {
            return Err(Error::invalid(
                "calendar",
                format!("unknown time zone {:?}", self.time_zone),
            ));
        }
        if self.working_days.is_empty() {
            return Err(Error::invalid(
                "calendar",
                "at least one working day is required",
            ));
        }
        if self.closes <= self.opens {
            return Err(Error::invalid(
                "calendar",
                format!(
                    "closing time {} must be after opening time {}",
                    self.closes, self.opens
                ),
            ));
        }
        if self.holidays.len() > MAX_HOLIDAYS {
            return Err(Error::invalid(
                "calendar",
                format!(
                    "at most {MAX_HOLIDAYS} holidays are allowed, got {}",
                    self.holidays.len()
                ),
            ));
        }
        Ok(())
    }
}

impl Calendar {
    pub fn validate(&self) -> Result<()> {
        match self {
            Calendar::AlwaysOn => Ok(()),
            Calendar::BusinessHours(hours) => hours.validate(),
        }
    }

    /// Builds and validates a business-hours calendar.
    pub fn business(
        time_zone: &str,
        working_days: &[Weekday],
        opens: NaiveTime,
        closes: NaiveTime,
        holidays: &[NaiveDate],
    ) -> Result<Calendar> {
        let calendar = Calendar::BusinessHours(BusinessHours {
            time_zone: time_zone.to_string(),
            working_days: working_days.to_vec(),
            opens,
            closes,
            holidays: holidays.to_vec(),
        });
        calendar.validate()?;
        Ok(calendar)
    }

    /// Working time inside `[from, to)`; zero when `to <= from`.
    pub fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        self.prepare().working_time(from, to)
    }

    /// The earliest instant at which `work` working time has elapsed since `from`.
    ///
    /// Inverse of [`Calendar::working_time`]. Returns `from` for zero or negative work, and
    /// [`far_future`] when the calendar has no working time left.
    pub fn add_working_time(&self, from: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        self.prepare().add_working_time(from, work)
    }

    /// Parses the zone and indexes the holidays once, for callers that measure many spans.
    pub(crate) fn prepare(&self) -> Prepared {
        match self {
            Calendar::AlwaysOn => Prepared::AlwaysOn,
            Calendar::BusinessHours(hours) => Prepared::Hours(Hours::new(hours)),
        }
    }
}

/// A calendar ready for repeated measurement.
#[derive(Debug, Clone)]
pub(crate) enum Prepared {
    AlwaysOn,
    Hours(Hours),
}

impl Prepared {
    pub(crate) fn working_time(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        match self {
            Prepared::AlwaysOn => to - from,
            Prepared::Hours(hours) => {
                let mut total = Duration::zero();
                for (start, end) in hours.spans(from) {
                    if start >= to {
                        break;
                    }
                    total += end.min(to) - start;
                }
                total
            }
        }
    }

    pub(crate) fn add_working_time(&self, from: DateTime<Utc>, work: Duration) -> DateTime<Utc> {
        if work <= Duration::zero() {
            return from;
        }
        match self {
            Prepared::AlwaysOn => from
                .checked_add_signed(work)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
            Prepared::Hours(hours) => {
                let mut left = work;
                for (start, end) in hours.spans(from) {
                    let available = end - start;
                    if left <= available {
                        return start.checked_add_signed(left).unwrap_or(end);
                    }
                    left -= available;
                }
                far_future().max(from)
            }
        }
    }
}

/// Business hours with the zone resolved and the holidays sorted for binary search.
#[derive(Debug, Clone)]
pub(crate) struct Hours {
    /// An unknown zone (an unvalidated calendar) is read as UTC rather than refused mid-count.
    zone: Zone,
    /// Bit `n` set when the weekday `n` days from Monday is a working day.
    days: u8,
    opens: NaiveTime,
    closes: NaiveTime,
    holidays: Vec<NaiveDate>,
}

impl Hours {
    fn new(hours: &BusinessHours) -> Hours {
        let mut holidays = hours.holidays.clone();
        holidays.sort_unstable();
        holidays.dedup();
        Hours {
            zone: Zone::parse(&hours.time_zone).unwrap_or(Zone::UTC),
            days: hours
                .working_days
                .iter()
                .fold(0, |mask, day| mask | 1 << day.num_days_from_monday()),
            opens: hours.opens,
            closes: hours.closes,
            holidays,
        }
    }

    fn is_working_weekday(&self, day: Weekday) -> bool {
        self.days & (1 << day.num_days_from_monday()) != 0
    }

    /// Working intervals at or after `from`, ascending and disjoint.
    fn spans(&self, from: DateTime<Utc>) -> Spans<'_> {
        let has_time = self.days != 0 && self.closes > self.opens;
        let first = self.zone.local(from).date();
        // Start a day early: a local day's hours can begin before `from`'s local midnight.
        let first = first.pred_opt().unwrap_or(first);
        let first = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).map_or(first, |d| first.max(d));
        Spans {
            hours: self,
            next_date: has_time.then_some(first),
            cursor: from,
            empty_run: 0,
        }
    }
}

struct Spans<'a> {
    hours: &'a Hours,
    next_date: Option<NaiveDate>,
    /// Nothing before this is yielded again, so no stretch of time is ever counted twice.
    cursor: DateTime<Utc>,
    /// Consecutive working weekdays that turned out to have no time.
    empty_run: usize,
}

impl Iterator for Spans<'_> {
    type Item = (DateTime<Utc>, DateTime<Utc>);

    fn next(&mut self) -> Option<Self::Item> {
        let hours = self.hours;
        loop {
            let date = self.next_date.filter(|d| d.year() <= LAST_YEAR)?;
            self.next_date = date.succ_opt();
            if !hours.is_working_weekday(date.weekday()) {
                continue;
            }
            if hours.holidays.binary_search(&date).is_err() {
                let open = hours
                    .zone
                    .instant(date.and_time(hours.opens))
                    .max(self.cursor);
                let close = hours.zone.instant(date.and_time(hours.closes));
                if close > open {
                    self.cursor = close;
                    self.empty_run = 0;
                    return Some((open, close));
                }
            }
            // Every weekday comes round within 7 days, so a long run of empty working weekdays
            // can only be holidays; past them the calendar has nothing left.
            self.empty_run += 1;
            if self.empty_run > hours.holidays.len() + EMPTY_DAY_SLACK {
                self.next_date = None;
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Weekday::*;

    const MON_FRI: [Weekday; 5] = [Mon, Tue, Wed, Thu, Fri];
    const EVERY_DAY: [Weekday; 7] = [Mon, Tue, Wed, Thu, Fri, Sat, Sun];

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("test time")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("test date")
    }

    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }

    fn cal(tz: &str, days: &[Weekday], opens: NaiveTime, closes: NaiveTime) -> Calendar {
        Calendar::business(tz, days, opens, closes, &[]).expect("valid test calendar")
    }

    fn berlin_office() -> Calendar {
        cal("Europe/Berlin", &MON_FRI, hm(9, 0), hm(17, 0))
    }

    fn unvalidated(tz: &str, days: &[Weekday], opens: NaiveTime, closes: NaiveTime) -> Calendar {
        Calendar::BusinessHours(BusinessHours {
            time_zone: tz.into(),
            working_days: days.to_vec(),
            opens,
            closes,
            holidays: vec![],
        })
    }

    #[test]
    fn friday_afternoon_rolls_over_the_weekend() {
        let c = berlin_office();
        // Friday 2026-03-13 16:00 CET + 2 h -> Monday 2026-03-16 10:00 CET.
        let from = utc("2026-03-13T15:00:00Z");
        let due = c.add_working_time(from, hours(2));
        assert_eq!(due, utc("2026-03-16T09:00:00Z"));
        assert_eq!(c.working_time(from, due), hours(2));
        // The whole weekend contributes nothing.
        let weekend = c.working_time(utc("2026-03-13T16:00:00Z"), utc("2026-03-16T08:00:00Z"));
        assert_eq!(weekend, Duration::zero());
    }

    #[test]
    fn holiday_monday_is_skipped() {
        let easter_monday = date(2026, 4, 6);
        let c = Calendar::business(
            "Europe/Berlin",
            &MON_FRI,
            hm(9, 0),
            hm(17, 0),
            &[easter_monday],
        )
        .expect("valid");
        // Friday 2026-04-03 16:00 CEST + 2 h -> Tuesday 2026-04-07 10:00 CEST.
        let due = c.add_working_time(utc("2026-04-03T14:00:00Z"), hours(2));
        assert_eq!(due, utc("2026-04-07T08:00:00Z"));
        // That week has four working days.
        let week = c.working_time(utc("2026-04-05T22:00:00Z"), utc("2026-04-10T22:00:00Z"));
        assert_eq!(week, hours(32));
    }

    #[test]
    fn outside_hours_waits_for_the_next_opening() {
        let c = berlin_office();
        // Monday 07:00 CET + 1 h -> Monday 10:00.
        assert_eq!(
            c.add_working_time(utc("2026-03-16T06:00:00Z"), hours(1)),
            utc("2026-03-16T09:00:00Z")
        );
        // Tuesday 18:00 CET + 1 h -> Wednesday 10:00.
        assert_eq!(
            c.add_working_time(utc("2026-03-17T17:00:00Z"), hours(1)),
            utc("2026-03-18T09:00:00Z")
        );
    }

    #[test]
    fn work_ending_at_closing_time_is_due_at_closing_not_next_morning() {
        let c = berlin_office();
        assert_eq!(
            c.add_working_time(utc("2026-03-16T08:00:00Z"), hours(8)),
            utc("2026-03-16T16:00:00Z")
        );
    }

    #[test]
    fn empty_or_backwards_spans_are_zero() {
        let c = berlin_office();
        let t = utc("2026-03-16T10:00:00Z");
        assert_eq!(c.working_time(t, t), Duration::zero());
        assert_eq!(c.working_time(t, t - hours(1)), Duration::zero());
        assert_eq!(c.add_working_time(t, Duration::zero()), t);
        assert_eq!(c.add_working_time(t, -hours(3)), t);
        assert_eq!(
            Calendar::AlwaysOn.working_time(t, t - hours(1)),
            Duration::zero()
        );
    }

    #[test]
    fn berlin_spring_forward_keeps_an_8_hour_day() {
        let c = cal("Europe/Berlin", &EVERY_DAY, hm(9, 0), hm(17, 0));
        // Local day 2026-03-29 is 23 h long; its 9–17 is 07:00–15:00 UTC (CEST).
        let day = c.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z"));
        assert_eq!(day, hours(8));
        // Saturday 16:00 CET + 2 h -> Sunday 10:00 CEST, the short night changing nothing.
        assert_eq!(
            c.add_working_time(utc("2026-03-28T15:00:00Z"), hours(2)),
            utc("2026-03-29T08:00:00Z")
        );
    }

    #[test]
    fn berlin_fall_back_keeps_an_8_hour_day() {
        let c = cal("Europe/Berlin", &EVERY_DAY, hm(9, 0), hm(17, 0));
        // Local day 2026-10-25 is 25 h long; its 9–17 is 08:00–16:00 UTC (CET).
        let day = c.working_time(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z"));
        assert_eq!(day, hours(8));
        assert_eq!(
            c.add_working_time(utc("2026-10-24T14:00:00Z"), hours(2)),
            utc("2026-10-25T09:00:00Z")
        );
    }

    #[test]
    fn new_york_dst_changes_keep_an_8_hour_day() {
        let c = cal("America/New_York", &EVERY_DAY, hm(9, 0), hm(17, 0));
        // 2026-03-08: 9–17 EDT is 13:00–21:00 UTC.
        let spring = c.working_time(utc("2026-03-08T05:00:00Z"), utc("2026-03-09T04:00:00Z"));
        assert_eq!(spring, hours(8));
        // 2026-11-01: 9–17 EST is 14:00–22:00 UTC.
        let fall = c.working_time(utc("2026-11-01T04:00:00Z"), utc("2026-11-02T05:00:00Z"));
        assert_eq!(fall, hours(8));

        let office = cal("America/New_York", &MON_FRI, hm(9, 0), hm(17, 0));
        // Friday 2026-03-06 16:00 EST + 2 h -> Monday 2026-03-09 10:00 EDT.
        assert_eq!(
            office.add_working_time(utc("2026-03-06T21:00:00Z"), hours(2)),
            utc("2026-03-09T14:00:00Z")
        );
        // Friday 2026-10-30 16:00 EDT + 2 h -> Monday 2026-11-02 10:00 EST.
        assert_eq!(
            office.add_working_time(utc("2026-10-30T20:00:00Z"), hours(2)),
            utc("2026-11-02T15:00:00Z")
        );
    }

    #[test]
    fn always_on_counts_real_time_across_dst() {
        let c = Calendar::AlwaysOn;
        // Berlin local days of 23 h and 25 h.
        assert_eq!(
            c.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            hours(23)
        );
        assert_eq!(
            c.working_time(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z")),
            hours(25)
        );
        // New York local days of 23 h and 25 h.
        assert_eq!(
            c.working_time(utc("2026-03-08T05:00:00Z"), utc("2026-03-09T04:00:00Z")),
            hours(23)
        );
        assert_eq!(
            c.working_time(utc("2026-11-01T04:00:00Z"), utc("2026-11-02T05:00:00Z")),
            hours(25)
        );
        // 24 h after Berlin's 2026-03-29 midnight is 01:00 local the next day.
        assert_eq!(
            c.add_working_time(utc("2026-03-28T23:00:00Z"), hours(24)),
            utc("2026-03-29T23:00:00Z")
        );
    }

    #[test]
    fn business_hours_spanning_the_change_count_real_time() {
        // 00:00–23:00 local loses the skipped hour and keeps the repeated one.
        let c = cal("Europe/Berlin", &EVERY_DAY, hm(0, 0), hm(23, 0));
        assert_eq!(
            c.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            hours(22)
        );
        assert_eq!(
            c.working_time(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z")),
            hours(24)
        );
    }

    #[test]
    fn opening_in_a_dst_gap_starts_when_the_gap_ends() {
        // Berlin skips 02:00–03:00 on 2026-03-29; 02:30 opens at 03:00 CEST = 01:00 UTC.
        let c = cal("Europe/Berlin", &EVERY_DAY, hm(2, 30), hm(17, 0));
        assert_eq!(
            c.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            hours(14)
        );
        assert_eq!(
            c.add_working_time(utc("2026-03-29T00:00:00Z"), hours(1)),
            utc("2026-03-29T02:00:00Z")
        );
        // Closing in the gap closes at its end too: 01:00 CET to 03:00 CEST is one real hour.
        let early = cal("Europe/Berlin", &EVERY_DAY, hm(1, 0), hm(2, 30));
        assert_eq!(
            early.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            hours(1)
        );
        // Both ends in the gap: no working time that day, and no panic.
        let lost = cal("Europe/Berlin", &EVERY_DAY, hm(2, 10), hm(2, 50));
        assert_eq!(
            lost.working_time(utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")),
            Duration::zero()
        );
        assert_eq!(
            lost.add_working_time(utc("2026-03-28T23:00:00Z"), Duration::minutes(40)),
            utc("2026-03-30T00:50:00Z")
        );
        // New York skips 02:00–03:00 on 2026-03-08; 02:30 opens at 03:00 EDT = 07:00 UTC.
        let ny = cal("America/New_York", &EVERY_DAY, hm(2, 30), hm(17, 0));
        assert_eq!(
            ny.add_working_time(utc("2026-03-08T05:00:00Z"), Duration::minutes(1)),
            utc("2026-03-08T07:01:00Z")
        );
    }

    #[test]
    fn opening_in_a_repeated_hour_uses_the_first_occurrence() {
        // Berlin repeats 02:00–03:00 on 2026-10-25; 02:30 CEST is 00:30 UTC, 17:00 CET 16:00 UTC.
        let c = cal("Europe/Berlin", &EVERY_DAY, hm(2, 30), hm(17, 0));
        assert_eq!(
            c.working_time(utc("2026-10-24T22:00:00Z"), utc("2026-10-25T23:00:00Z")),
            Duration::minutes(15 * 60 + 30)
        );
    }

    #[test]
    fn a_year_is_every_weekday_and_a_decade_matches_a_day_count() {
        let c = berlin_office();
        // 2026 has 261 weekdays.
        let from = utc("2025-12-31T23:00:00Z");
        let year = c.working_time(from, utc("2026-12-31T23:00:00Z"));
        assert_eq!(year, hours(261 * 8));
        // Thursday 2026-12-31 17:00 CET.
        assert_eq!(
            c.add_working_time(from, hours(261 * 8)),
            utc("2026-12-31T16:00:00Z")
        );
        // 30 days from Monday 2026-03-02 00:00 CET: 22 weekdays.
        assert_eq!(
            c.working_time(utc("2026-03-01T23:00:00Z"), utc("2026-03-31T22:00:00Z")),
            hours(22 * 8)
        );

        let mut weekdays = 0;
        let mut d = date(2026, 1, 1);
        while d < date(2036, 1, 1) {
            if MON_FRI.contains(&d.weekday()) {
                weekdays += 1;
            }
            d = d.succ_opt().expect("in range");
        }
        let decade = c.working_time(from, utc("2035-12-31T23:00:00Z"));
        assert_eq!(decade, hours(weekdays * 8));
    }

    #[test]
    fn a_year_of_holidays_is_crossed() {
        let mut all_2026 = vec![];
        let mut d = date(2026, 1, 1);
        while d.year() == 2026 {
            all_2026.push(d);
            d = d.succ_opt().expect("in range");
        }
        let c = Calendar::business("Europe/Berlin", &MON_FRI, hm(9, 0), hm(17, 0), &all_2026)
            .expect("365 holidays is allowed");
        // Wednesday 2025-12-31 17:00 CET + 1 h -> Friday 2027-01-01 10:00 CET.
        assert_eq!(
            c.add_working_time(utc("2025-12-31T16:00:00Z"), hours(1)),
            utc("2027-01-01T09:00:00Z")
        );
    }

    #[test]
    fn a_long_run_of_holidays_on_a_one_day_week_is_crossed() {
        // Mondays only, the first 20 Mondays of 2026 off: 140 days with no working time.
        let mondays: Vec<NaiveDate> = (0..20)
            .map(|w| date(2026, 1, 5) + Duration::weeks(w))
            .collect();
        let c = Calendar::business("Europe/Berlin", &[Mon], hm(9, 0), hm(17, 0), &mondays)
            .expect("valid");
        // First working Monday is 2026-05-25; 10:00 CEST.
        assert_eq!(
            c.add_working_time(utc("2026-01-01T00:00:00Z"), hours(1)),
            utc("2026-05-25T08:00:00Z")
        );
    }

    #[test]
    fn invalid_calendars_are_rejected() {
        let cases = [
            (
                "Mars/Olympus_Mons",
                MON_FRI.to_vec(),
                hm(9, 0),
                hm(17, 0),
                0,
            ),
            ("Europe/Berlin", vec![], hm(9, 0), hm(17, 0), 0),
            ("Europe/Berlin", MON_FRI.to_vec(), hm(9, 0), hm(9, 0), 0),
            ("Europe/Berlin", MON_FRI.to_vec(), hm(17, 0), hm(9, 0), 0),
            (
                "Europe/Berlin",
                MON_FRI.to_vec(),
                hm(9, 0),
                hm(17, 0),
                MAX_HOLIDAYS + 1,
            ),
        ];
        for (tz, days, opens, closes, holiday_count) in cases {
            let holidays: Vec<NaiveDate> = (0..holiday_count)
                .map(|i| date(2026, 1, 1) + Duration::days(i as i64))
                .collect();
            let err = Calendar::business(tz, &days, opens, closes, &holidays)
                .expect_err("must be rejected");
            assert_eq!(
                err.code(),
                "INVALID_INPUT",
                "{tz} {days:?} {opens} {closes}"
            );
            assert!(err.to_string().contains("calendar"), "{err}");
        }
        let holidays: Vec<NaiveDate> = (0..MAX_HOLIDAYS)
            .map(|i| date(2026, 1, 1) + Duration::days(i as i64))
            .collect();
        assert!(
            Calendar::business("Europe/Berlin", &MON_FRI, hm(9, 0), hm(17, 0), &holidays).is_ok()
        );
        assert!(Calendar::AlwaysOn.validate().is_ok());
    }

    #[test]
    fn an_unvalidated_unknown_zone_counts_as_utc() {
        let c = unvalidated("Mars/Olympus_Mons", &MON_FRI, hm(9, 0), hm(17, 0));
        assert_eq!(
            c.add_working_time(utc("2026-03-16T08:00:00Z"), hours(1)),
            utc("2026-03-16T10:00:00Z")
        );
    }

    #[test]
    fn a_calendar_without_working_time_never_loops() {
        let no_days = unvalidated("Europe/Berlin", &[], hm(9, 0), hm(17, 0));
        let inverted = unvalidated("Europe/Berlin", &MON_FRI, hm(17, 0), hm(9, 0));
        let from = utc("2026-03-16T08:00:00Z");
        for c in [no_days, inverted] {
            assert_eq!(
                c.working_time(from, utc("2126-01-01T00:00:00Z")),
                Duration::zero()
            );
            assert_eq!(c.add_working_time(from, hours(1)), far_future());
        }
        assert_eq!(far_future(), utc("9999-12-31T23:59:59Z"));
    }

    #[test]
    fn business_hours_exist_only_from_1970_to_2999() {
        let c = berlin_office();
        // Only Thursday 1970-01-01 counts, not the last days of 1969.
        assert_eq!(
            c.working_time(utc("1969-12-29T00:00:00Z"), utc("1970-01-02T00:00:00Z")),
            hours(8)
        );
        assert_eq!(
            c.add_working_time(utc("1900-06-01T00:00:00Z"), hours(1)),
            utc("1970-01-01T09:00:00Z")
        );
        // Monday 2999-12-30 and Tuesday 2999-12-31 are the last working days.
        assert_eq!(
            c.add_working_time(utc("2999-12-30T08:00:00Z"), hours(16)),
            utc("2999-12-31T16:00:00Z")
        );
        assert_eq!(
            c.add_working_time(utc("2999-12-30T08:00:00Z"), hours(17)),
            far_future()
        );
        // Past "never" there is nothing to wait for: the start is returned, not an earlier time.
        let late = utc("9999-12-31T23:59:59.5Z");
        assert_eq!(c.add_working_time(late, hours(1)), late);
        // The widest possible span is bounded by the window, not by the input.
        assert_eq!(
            c.working_time(utc("2999-12-30T00:00:00Z"), DateTime::<Utc>::MAX_UTC),
            hours(16)
        );
    }

    #[test]
    fn serde_shape_is_tagged() {
        assert_eq!(
            serde_json::to_value(Calendar::AlwaysOn).expect("json"),
            serde_json::json!({"kind": "always_on"})
        );
        let c = Calendar::business(
            "Europe/Berlin",
            &[Mon, Fri],
            hm(8, 0),
            hm(17, 30),
            &[date(2026, 12, 25)],
        )
        .expect("valid");
        let json = serde_json::to_value(&c).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "business_hours",
                "time_zone": "Europe/Berlin",
                "working_days": ["Mon", "Fri"],
                "opens": "08:00:00",
                "closes": "17:30:00",
                "holidays": ["2026-12-25"],
            })
        );
        let back: Calendar = serde_json::from_value(json).expect("round trip");
        assert_eq!(back, c);
    }

    fn any_calendar() -> impl Strategy<Value = Calendar> {
        prop_oneof![
            Just(Calendar::AlwaysOn),
            Just(
                Calendar::business(
                    "Europe/Berlin",
                    &MON_FRI,
                    hm(9, 0),
                    hm(17, 0),
                    &[date(2026, 4, 6), date(2026, 12, 24), date(2026, 12, 25)],
                )
                .expect("valid")
            ),
            Just(cal("America/New_York", &EVERY_DAY, hm(2, 30), hm(17, 0))),
            Just(cal("Europe/Berlin", &EVERY_DAY, hm(0, 0), hm(23, 59))),
            Just(cal(
                "Asia/Kolkata",
                &[Sun, Mon, Tue, Wed, Thu],
                hm(8, 30),
                hm(12, 15)
            )),
        ]
    }

    /// Instants across 2025–2027, nanosecond precision, covering all four DST changes of 2026.
    fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
        (1_735_689_600i64..1_830_297_600, 0u32..1_000_000_000)
            .prop_map(|(s, n)| DateTime::<Utc>::from_timestamp(s, n).expect("in range"))
    }

    proptest! {
        #[test]
        fn add_is_the_minimal_inverse_of_working_time(
            c in any_calendar(),
            from in any_instant(),
            secs in 0i64..60 * 86_400,
            nanos in 0i64..1_000_000_000,
        ) {
            let work = Duration::seconds(secs) + Duration::nanoseconds(nanos);
            let due = c.add_working_time(from, work);
            prop_assert!(due >= from);
            prop_assert_eq!(c.working_time(from, due), work);
            if work > Duration::zero() {
                let just_before = due - Duration::nanoseconds(1);
                prop_assert!(c.working_time(from, just_before) < work);
            }
        }

        #[test]
        fn working_time_is_additive_and_never_exceeds_real_time(
            c in any_calendar(),
            a in any_instant(),
            b in any_instant(),
            m in any_instant(),
        ) {
            let (a, b) = (a.min(b), a.max(b));
            let m = m.clamp(a, b);
            let whole = c.working_time(a, b);
            prop_assert_eq!(whole, c.working_time(a, m) + c.working_time(m, b));
            prop_assert!(whole >= Duration::zero());
            prop_assert!(whole <= b - a);
        }
    }
}
