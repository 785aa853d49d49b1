//! What a person is told about an SLA clock beyond its state: which time zone the client's
//! times are read in, and why the clock stood still ("paused outside business hours 14 h").
//!
//! Pure functions of the figures [`super::evaluate`] produced, so the window and the report say
//! the same thing.

use super::timer::SlaStatus;
use super::zone::Zone;
use super::Calendar;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Time between a clock's start and its end that did not count against the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClockBreaks {
    /// Outside the client's business hours (nights, weekends, holidays), waiting or not.
    pub outside_hours_secs: i64,
    /// Inside business hours while the ticket waited on the customer.
    pub waiting_secs: i64,
}

/// Splits the wall-clock time from `started_at` to the clock's end (`stopped_at` if it is not
/// after `now`, else `now`) into what counted (`status.elapsed_secs`), what was spent waiting on
/// the customer in working time (`status.paused_secs`), and the rest: time outside business hours.
pub fn clock_breaks(
    status: &SlaStatus,
    started_at: DateTime<Utc>,
    stopped_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockBreaks {
    let end = stopped_at
        .filter(|s| *s <= now)
        .unwrap_or(now)
        .max(started_at);
    let wall = (end - started_at).num_seconds();
    // elapsed and paused are each rounded down to the second: a rest under 2 s is rounding.
    let rest = wall - status.elapsed_secs - status.paused_secs;
    ClockBreaks {
        outside_hours_secs: if rest > 1 { rest } else { 0 },
        waiting_secs: status.paused_secs.max(0),
    }
}

/// The tz database name a client's times are shown in: its business-hours zone; for a 24×7
/// client (whose calendar names none) the desk's default zone; else UTC.
pub fn client_time_zone(calendar: Option<&Calendar>, desk_zone: Option<&str>) -> String {
    client_zone(calendar, desk_zone).name().to_string()
}

pub(crate) fn client_zone(calendar: Option<&Calendar>, desk_zone: Option<&str>) -> Zone {
    let named = match calendar {
        Some(Calendar::BusinessHours(h)) => Some(h.time_zone.as_str()),
        _ => desk_zone,
    };
    named.and_then(Zone::parse).unwrap_or(Zone::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::{evaluate, BusinessHours, Pause, Timer};
    use chrono::{Duration, NaiveTime, TimeZone, Weekday};

    fn berlin() -> Calendar {
        Calendar::BusinessHours(BusinessHours {
            time_zone: "Europe/Berlin".into(),
            working_days: vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            holidays: vec![],
        })
    }

    #[test]
    fn a_call_at_closing_time_answered_next_morning_was_paused_overnight() {
        // Monday 16:50 CET (15:50 UTC); answered Tuesday 08:02 CET: 10 + 2 working minutes.
        let opened = Utc.with_ymd_and_hms(2026, 12, 7, 15, 50, 0).unwrap();
        let answered = Utc.with_ymd_and_hms(2026, 12, 8, 7, 2, 0).unwrap();
        let timer = Timer {
            started_at: opened,
            target: Duration::hours(1),
            pauses: &[],
            stopped_at: Some(answered),
        };
        let now = answered + Duration::hours(3);
        let status = evaluate(&berlin(), &timer, now, 0.75);
        assert_eq!(status.elapsed_secs, 12 * 60);
        let b = clock_breaks(&status, opened, Some(answered), now);
        assert_eq!(b.outside_hours_secs, 15 * 3600);
        assert_eq!(b.waiting_secs, 0);
    }

    #[test]
    fn waiting_in_working_time_is_told_apart_from_the_night() {
        // Monday 10:00–12:00 CET waiting on the customer, clock still running at 18:00 CET.
        let opened = Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap();
        let pauses = [Pause {
            from: opened + Duration::hours(1),
            to: Some(opened + Duration::hours(3)),
        }];
        let timer = Timer {
            started_at: opened,
            target: Duration::hours(16),
            pauses: &pauses,
            stopped_at: None,
        };
        let now = opened + Duration::hours(9);
        let status = evaluate(&berlin(), &timer, now, 0.75);
        let b = clock_breaks(&status, opened, None, now);
        assert_eq!(b.waiting_secs, 2 * 3600);
        assert_eq!(b.outside_hours_secs, 3600);
        assert_eq!(status.elapsed_secs, 6 * 3600);
        // 24×7: nothing is outside hours.
        let status = evaluate(&Calendar::AlwaysOn, &timer, now, 0.75);
        assert_eq!(
            clock_breaks(&status, opened, None, now).outside_hours_secs,
            0
        );
    }

    #[test]
    fn the_client_zone_is_the_business_hours_zone_or_utc() {
        let desk = Some("America/New_York");
        assert_eq!(client_time_zone(Some(&berlin()), desk), "Europe/Berlin");
        assert_eq!(
            client_time_zone(Some(&Calendar::AlwaysOn), desk),
            "America/New_York"
        );
        assert_eq!(client_time_zone(Some(&Calendar::AlwaysOn), None), "UTC");
        assert_eq!(client_time_zone(None, Some("Not/AZone")), "UTC");
    }
}
