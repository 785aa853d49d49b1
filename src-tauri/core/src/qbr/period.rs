//! The periods a QBR is asked for: the period picker's presets (this quarter so far, last
//! quarter), read in the client's own calendar, and the period each figure's change is measured
//! against. The window keeps no date rules of its own: it shows what these functions answer.

use super::Qbr;
use crate::directory::Company;
use crate::error::{Error, Result};
use crate::sla::client_zone;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

/// A run of days, both ends included, in the client's own calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QbrPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl QbrPeriod {
    /// How many days the period holds, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// The period picker's choices for one client (or every client), on the day it is asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QbrPresets {
    /// The time zone the days are read in: the client's (that of its business hours), or the
    /// desk's for a client served around the clock and for every client together.
    pub time_zone: String,
    /// Today in that zone.
    pub today: NaiveDate,
    /// From the first day of today's quarter to today: a quarter's figures so far, as none of
    /// its later days has happened yet.
    pub this_quarter: QbrPeriod,
    /// The whole quarter before today's (January to March, April to June, July to September or
    /// October to December).
    pub last_quarter: QbrPeriod,
}

/// A period's figures beside those of the period before it, for the change each figure shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct QbrComparison {
    pub current: Qbr,
    /// The figures of the period just before, of the same number of days (see [`previous`]).
    /// Its list of tickets is left empty: only the current period's tickets are shown.
    pub previous: Qbr,
}

/// The first day of the quarter `day` falls in.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    // Day 1 of a month from 1 to 12 always exists.
    day.with_day(1)
        .and_then(|d| d.with_month(month))
        .unwrap_or(day)
}

/// The presets on `today`, a day in `time_zone`.
pub fn presets(today: NaiveDate, time_zone: String) -> QbrPresets {
    let this_start = quarter_start(today);
    // The day before this quarter is the last day of the previous one; at the very first day
    // chrono holds there is none, and the quarter so far stands in for it.
    let last_end = this_start.pred_opt().unwrap_or(this_start);
    QbrPresets {
        time_zone,
        today,
        this_quarter: QbrPeriod {
            from: this_start,
            to: today,
        },
        last_quarter: QbrPeriod {
            from: quarter_start(last_end),
            to: last_end,
        },
    }
}

/// The presets at `now` for `company` (none: every client, whose days are the desk's).
pub fn presets_at(
    company: Option<&Company>,
    desk_zone: Option<&str>,
    now: DateTime<Utc>,
) -> QbrPresets {
    let zone = client_zone(company.map(|c| &c.calendar), desk_zone);
    presets(zone.local(now).date(), zone.name().to_string())
}

/// The period a change is measured against: as many days as `period`, ending the day before it
/// starts. A quarter of 92 days is compared with the 92 days before it, so every change compares
/// like with like; the window shows which days those are.
pub fn previous(period: QbrPeriod) -> Result<QbrPeriod> {
    if period.from > period.to {
        return Err(Error::invalid(
            "period",
            format!(
                "the period starts on {}, after its last day {}: swap the dates",
                period.from, period.to
            ),
        ));
    }
    let to = period.from.pred_opt();
    let from = period
        .from
        .checked_sub_signed(Duration::days(period.days()));
    match (from, to) {
        (Some(from), Some(to)) => Ok(QbrPeriod { from, to }),
        _ => Err(Error::invalid(
            "period",
            format!(
                "no period comes before {}: choose a later first day",
                period.from
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Tier;
    use crate::sla::{BusinessHours, Calendar};
    use chrono::{NaiveTime, TimeZone, Weekday};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real day")
    }

    fn period(from: NaiveDate, to: NaiveDate) -> QbrPeriod {
        QbrPeriod { from, to }
    }

    fn company(zone: &str) -> Company {
        Company {
            id: 1,
            name: "Acme".into(),
            tier: Tier::Gold,
            calendar: Calendar::BusinessHours(BusinessHours {
                time_zone: zone.into(),
                working_days: vec![Weekday::Mon, Weekday::Tue],
                opens: NaiveTime::from_hms_opt(9, 0, 0).expect("time"),
                closes: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
                holidays: vec![],
            }),
            active: true,
        }
    }

    #[test]
    fn each_month_falls_in_its_quarter() {
        let starts = [1, 1, 1, 4, 4, 4, 7, 7, 7, 10, 10, 10];
        for (m0, start) in starts.iter().enumerate() {
            let m = m0 as u32 + 1;
            assert_eq!(
                quarter_start(day(2026, m, 17)),
                day(2026, *start, 1),
                "month {m}"
            );
        }
        assert_eq!(quarter_start(day(2026, 10, 1)), day(2026, 10, 1));
        assert_eq!(quarter_start(day(2026, 12, 31)), day(2026, 10, 1));
    }

    #[test]
    fn this_quarter_runs_to_today_and_last_quarter_is_whole() {
        let p = presets(day(2026, 12, 6), "Europe/Berlin".into());
        assert_eq!(p.today, day(2026, 12, 6));
        assert_eq!(p.this_quarter, period(day(2026, 10, 1), day(2026, 12, 6)));
        assert_eq!(p.last_quarter, period(day(2026, 7, 1), day(2026, 9, 30)));
        assert_eq!(p.time_zone, "Europe/Berlin");
    }

    #[test]
    fn in_the_first_quarter_last_quarter_is_the_previous_years_last() {
        let p = presets(day(2027, 2, 28), "UTC".into());
        assert_eq!(p.this_quarter, period(day(2027, 1, 1), day(2027, 2, 28)));
        assert_eq!(p.last_quarter, period(day(2026, 10, 1), day(2026, 12, 31)));
        // On a quarter's first day, this quarter is that one day.
        let p = presets(day(2026, 4, 1), "UTC".into());
        assert_eq!(p.this_quarter, period(day(2026, 4, 1), day(2026, 4, 1)));
        assert_eq!(p.last_quarter, period(day(2026, 1, 1), day(2026, 3, 31)));
    }

    #[test]
    fn today_is_read_in_the_clients_zone() {
        // 23:30 UTC on 31 December is already 1 January in Berlin, still 31 December in New
        // York: the two clients' "this quarter" differ by a year.
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        let berlin = presets_at(Some(&company("Europe/Berlin")), None, now);
        assert_eq!(berlin.today, day(2027, 1, 1));
        assert_eq!(
            berlin.this_quarter,
            period(day(2027, 1, 1), day(2027, 1, 1))
        );
        assert_eq!(berlin.time_zone, "Europe/Berlin");
        let new_york = presets_at(Some(&company("America/New_York")), None, now);
        assert_eq!(new_york.today, day(2026, 12, 31));
        assert_eq!(
            new_york.last_quarter,
            period(day(2026, 7, 1), day(2026, 9, 30))
        );
    }

    #[test]
    fn every_client_and_a_24x7_client_read_the_desks_zone() {
        let now = Utc.with_ymd_and_hms(2026, 3, 31, 22, 0, 0).unwrap();
        let all = presets_at(None, Some("Asia/Tokyo"), now);
        assert_eq!(
            (all.time_zone.as_str(), all.today),
            ("Asia/Tokyo", day(2026, 4, 1))
        );
        let round_the_clock = Company {
            calendar: Calendar::AlwaysOn,
            ..company("Europe/Berlin")
        };
        let p = presets_at(Some(&round_the_clock), Some("Asia/Tokyo"), now);
        assert_eq!(p.today, day(2026, 4, 1));
        // No desk zone either: UTC.
        let p = presets_at(None, None, now);
        assert_eq!((p.time_zone.as_str(), p.today), ("UTC", day(2026, 3, 31)));
    }

    #[test]
    fn the_previous_period_has_as_many_days_and_ends_the_day_before() {
        let q4 = period(day(2026, 10, 1), day(2026, 12, 31));
        let before = previous(q4).unwrap();
        assert_eq!(before, period(day(2026, 7, 1), day(2026, 9, 30)));
        assert_eq!(before.days(), q4.days());
        // Q3 has 92 days, Q2 only 91: the 92 days before Q3 start on 31 March.
        let q3 = period(day(2026, 7, 1), day(2026, 9, 30));
        assert_eq!(
            previous(q3).unwrap(),
            period(day(2026, 3, 31), day(2026, 6, 30))
        );
        // One day: the day before.
        let one = period(day(2026, 3, 1), day(2026, 3, 1));
        assert_eq!(
            previous(one).unwrap(),
            period(day(2026, 2, 28), day(2026, 2, 28))
        );
        // Across a leap day.
        let march = period(day(2028, 3, 1), day(2028, 3, 31));
        assert_eq!(
            previous(march).unwrap(),
            period(day(2028, 1, 30), day(2028, 2, 29))
        );
    }

    #[test]
    fn a_backwards_or_unreachable_period_is_a_coded_error() {
        let backwards = previous(period(day(2026, 5, 1), day(2026, 4, 1))).unwrap_err();
        assert_eq!(backwards.code(), "INVALID_INPUT");
        assert!(backwards.to_string().contains("swap the dates"));
        let first = previous(period(NaiveDate::MIN, day(2026, 1, 1))).unwrap_err();
        assert_eq!(first.code(), "INVALID_INPUT");
        let near_first = NaiveDate::MIN + Duration::days(3);
        assert!(previous(period(near_first, near_first + Duration::days(10))).is_err());
    }
}
