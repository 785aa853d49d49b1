//! IANA time zones, from jiff's bundled database, in chrono's types.
//!
//! Only the zone rules come from jiff; instants and wall times stay chrono values everywhere
//! else, and chrono does the offset arithmetic so its leap-second representation survives.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDateTime, Timelike, Utc};
use jiff::civil;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use jiff::Timestamp;

/// A resolved time zone. Cloning is cheap (shared rules).
#[derive(Debug, Clone)]
pub(crate) struct Zone(TimeZone);

impl Zone {
    pub(crate) const UTC: Zone = Zone(TimeZone::UTC);

    /// The zone named `name`, spelled exactly as in the tz database.
    pub(crate) fn parse(name: &str) -> Option<Zone> {
        // jiff also matches other letter cases and "Etc/Unknown"; neither is a tz database name.
        TimeZone::get(name)
            .ok()
            .filter(|tz| tz.iana_name() == Some(name))
            .map(Zone)
    }

    /// The tz database name, e.g. "Europe/Berlin".
    pub(crate) fn name(&self) -> &str {
        // Every zone comes from `parse` or is UTC, so it always has a name.
        self.0.iana_name().unwrap_or("UTC")
    }

    /// The wall-clock time at `at`.
    pub(crate) fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        let utc = at.naive_utc();
        fixed(self.0.to_offset(timestamp(at)))
            .and_then(|offset| utc.checked_add_offset(offset))
            .unwrap_or(utc)
    }

    /// The zone's offset from UTC at `at`, in seconds east.
    pub(crate) fn offset_secs(&self, at: DateTime<Utc>) -> i32 {
        self.0.to_offset(timestamp(at)).seconds()
    }

    /// How the zone is named at `at` for people: its abbreviation ("CET", "EDT"), or
    /// "UTC+03:00" where the tz database has only a number for it.
    pub(crate) fn abbreviation(&self, at: DateTime<Utc>) -> String {
        let info = self.0.to_offset_info(timestamp(at));
        let abbr = info.abbreviation();
        if !abbr.is_empty() && abbr.chars().all(|c| c.is_ascii_alphabetic()) {
            abbr.to_string()
        } else {
            utc_offset_text(info.offset().seconds())
        }
    }

    /// The instant the wall clock shows `local`: the earlier one when a fall-back repeats it, and
    /// the end of the gap (the transition itself) when a spring-forward skips it.
    pub(crate) fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.to_ambiguous_timestamp(civil_time(local)).offset() {
            AmbiguousOffset::Unambiguous { offset } => at_offset(local, offset),
            // Clocks go back, so the offset before the change gives the earlier instant. jiff can
            // report a fold the zone never had where its last recorded change meets the rule for
            // later years (America/Nuuk, 2023-10-28 23:00), so that instant must show `local`.
            AmbiguousOffset::Fold { before, after } => {
                let first = at_offset(local, before);
                if self.local(first) == local {
                    first
                } else {
                    at_offset(local, after)
                }
            }
            // Read with the offset after the gap, a skipped wall time is an instant shortly before
            // the transition (less than the gap's width), so the next transition is the one.
            AmbiguousOffset::Gap { after, .. } => {
                let before_change = at_offset(local, after);
                self.0
                    .following(timestamp(before_change))
                    .next()
                    .and_then(|t| DateTime::from_timestamp(t.timestamp().as_second(), 0))
                    .unwrap_or(before_change)
            }
        }
    }
}

/// "UTC+01:00", "UTC-05:00", "UTC+05:45".
pub(crate) fn utc_offset_text(seconds_east: i32) -> String {
    let sign = if seconds_east < 0 { '-' } else { '+' };
    let off = seconds_east.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", off / 3600, (off % 3600) / 60)
}

/// `local` read at `offset`.
fn at_offset(local: NaiveDateTime, offset: Offset) -> DateTime<Utc> {
    fixed(offset)
        .and_then(|offset| local.checked_sub_offset(offset))
        .unwrap_or(local)
        .and_utc()
}

/// The offset as chrono's; `None` only past ±24 h, which no tz database zone reaches.
fn fixed(offset: Offset) -> Option<FixedOffset> {
    FixedOffset::east_opt(offset.seconds())
}

/// `at` to the whole second (offsets change on whole seconds), within jiff's years ±9999:
/// beyond them the zone keeps its offset at the edge.
fn timestamp(at: DateTime<Utc>) -> Timestamp {
    let second = at.timestamp();
    Timestamp::from_second(second).unwrap_or(if second < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

/// `local` as jiff's wall time, within jiff's years ±9999. A leap second, which only chrono can
/// hold, is looked up as the end of the second before it: no zone changes offset inside it.
fn civil_time(local: NaiveDateTime) -> civil::DateTime {
    let year = local.year();
    i16::try_from(year)
        .ok()
        .and_then(|year| {
            civil::DateTime::new(
                year,
                local.month() as i8,
                local.day() as i8,
                local.hour() as i8,
                local.minute() as i8,
                local.second() as i8,
                local.nanosecond().min(999_999_999) as i32,
            )
            .ok()
        })
        .unwrap_or(if year < 0 {
            civil::DateTime::MIN
        } else {
            civil::DateTime::MAX
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn zone(name: &str) -> Zone {
        Zone::parse(name).expect("known zone")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn wall(s: &str) -> NaiveDateTime {
        s.parse().expect("test wall time")
    }

    #[test]
    fn unambiguous_times_convert_both_ways() {
        let berlin = zone("Europe/Berlin");
        assert_eq!(
            berlin.instant(wall("2026-01-15T09:00:00")),
            utc("2026-01-15T08:00:00Z")
        );
        assert_eq!(
            berlin.instant(wall("2026-07-15T09:00:00.25")),
            utc("2026-07-15T07:00:00.25Z")
        );
        assert_eq!(
            berlin.local(utc("2026-07-15T07:00:00Z")),
            wall("2026-07-15T09:00:00")
        );
        let kolkata = zone("Asia/Kolkata");
        assert_eq!(
            kolkata.instant(wall("2026-03-02T08:30:00")),
            utc("2026-03-02T03:00:00Z")
        );
        assert_eq!(
            Zone::UTC.instant(wall("2026-03-02T08:30:00")),
            utc("2026-03-02T08:30:00Z")
        );
        assert_eq!(
            Zone::UTC.local(utc("2026-03-02T08:30:00Z")),
            wall("2026-03-02T08:30:00")
        );
    }

    #[test]
    fn a_repeated_wall_time_is_its_first_occurrence() {
        // Berlin repeats 02:00–03:00 on 2024-10-27: CEST (00:xxZ), then CET (01:xxZ).
        let berlin = zone("Europe/Berlin");
        assert_eq!(
            berlin.instant(wall("2024-10-27T02:30:00")),
            utc("2024-10-27T00:30:00Z")
        );
        assert_eq!(
            berlin.instant(wall("2024-10-27T02:00:00")),
            utc("2024-10-27T00:00:00Z")
        );
        assert_eq!(
            berlin.instant(wall("2024-10-27T03:00:00")),
            utc("2024-10-27T02:00:00Z")
        );
        // Santiago repeats 23:00–24:00 on 2026-04-04 (-03, then -04).
        let santiago = zone("America/Santiago");
        assert_eq!(
            santiago.instant(wall("2026-04-04T23:30:00")),
            utc("2026-04-05T02:30:00Z")
        );
        // Nuuk stayed at -02 through 2023-10-29 01:00Z; jiff's civil lookup alone sees a fold.
        let nuuk = zone("America/Nuuk");
        assert_eq!(
            nuuk.instant(wall("2023-10-28T23:30:00")),
            utc("2023-10-29T01:30:00Z")
        );
        assert_eq!(
            nuuk.local(utc("2023-10-29T00:30:00Z")),
            wall("2023-10-28T22:30:00")
        );
    }

    #[test]
    fn a_skipped_wall_time_is_the_end_of_the_gap() {
        // Berlin skips 02:00–03:00 on 2024-03-31; the change is at 01:00Z.
        let berlin = zone("Europe/Berlin");
        for skipped in ["02:00:00", "02:30:00", "02:59:59.999999999"] {
            let local = wall(&format!("2024-03-31T{skipped}"));
            assert_eq!(
                berlin.instant(local),
                utc("2024-03-31T01:00:00Z"),
                "{local}"
            );
        }
        assert_eq!(
            berlin.instant(wall("2024-03-31T01:59:59")),
            utc("2024-03-31T00:59:59Z")
        );
        assert_eq!(
            berlin.instant(wall("2024-03-31T03:00:00")),
            utc("2024-03-31T01:00:00Z")
        );
        // New York skips 02:00–03:00 on 2024-03-10; the change is at 07:00Z.
        assert_eq!(
            zone("America/New_York").instant(wall("2024-03-10T02:30:00")),
            utc("2024-03-10T07:00:00Z")
        );
        // Lord Howe moves by half an hour: 02:00–02:30 is skipped on 2024-10-06.
        assert_eq!(
            zone("Australia/Lord_Howe").instant(wall("2024-10-06T02:15:00")),
            utc("2024-10-05T15:30:00Z")
        );
        // Samoa skipped all of 2011-12-30.
        assert_eq!(
            zone("Pacific/Apia").instant(wall("2011-12-30T12:00:00")),
            utc("2011-12-30T10:00:00Z")
        );
    }

    #[test]
    fn santiago_skips_midnight() {
        // 2026-09-06 starts at 01:00 -03; its midnight would have been 04:00Z at -04.
        let santiago = zone("America/Santiago");
        assert_eq!(
            santiago.instant(wall("2026-09-06T00:00:00")),
            utc("2026-09-06T04:00:00Z")
        );
        assert_eq!(
            santiago.instant(wall("2026-09-06T00:45:00")),
            utc("2026-09-06T04:00:00Z")
        );
        assert_eq!(
            santiago.local(utc("2026-09-06T04:00:00Z")),
            wall("2026-09-06T01:00:00")
        );
        assert_eq!(
            santiago.local(utc("2026-09-06T03:59:59Z")),
            wall("2026-09-05T23:59:59")
        );
    }

    #[test]
    fn round_trips_through_a_year_of_changes() {
        for name in [
            "Europe/Berlin",
            "America/New_York",
            "America/Santiago",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
        ] {
            let z = zone(name);
            // Instant -> wall -> instant: the same instant, or the first of a repeated wall time.
            let mut at = utc("2026-01-01T00:00:07.5Z");
            while at < utc("2027-01-01T00:00:00Z") {
                let local = z.local(at);
                let back = z.instant(local);
                assert!(back <= at, "{name} {at}");
                assert_eq!(z.local(back), local, "{name} {at}");
                at += Duration::minutes(30);
            }
            // Wall -> instant -> wall: the same wall time, unless skipped (then the gap's end).
            let mut local = wall("2026-01-01T00:00:07.5");
            while local < wall("2027-01-01T00:00:00") {
                let there = z.instant(local);
                let shown = z.local(there);
                if shown != local {
                    assert!(shown > local, "{name} {local}");
                    assert!(
                        z.local(there - Duration::nanoseconds(1)) < local,
                        "{name} {local}"
                    );
                }
                local += Duration::minutes(30);
            }
        }
    }

    #[test]
    fn only_tz_database_names_are_known() {
        for unknown in [
            "Mars/Olympus_Mons",
            "",
            "europe/berlin",
            "utc",
            "Etc/Unknown",
            "+01:00",
            "CET-1CEST,M3.5.0,M10.5.0/3",
        ] {
            assert!(Zone::parse(unknown).is_none(), "{unknown:?}");
        }
        for known in [
            "Europe/Berlin",
            "UTC",
            "Etc/UTC",
            "US/Eastern",
            "Asia/Calcutta",
        ] {
            assert_eq!(zone(known).name(), known);
        }
        assert_eq!(Zone::UTC.name(), "UTC");
    }

    #[test]
    fn beyond_the_databases_years_the_edge_offset_holds() {
        let berlin = zone("Europe/Berlin");
        let never = NaiveDate::from_ymd_opt(9999, 12, 31)
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .expect("date")
            .and_utc();
        assert_eq!(berlin.local(never), wall("+10000-01-01T00:59:59"));
        assert_eq!(berlin.instant(wall("+10000-01-01T00:59:59")), never);
        assert_eq!(
            berlin.local(DateTime::<Utc>::MAX_UTC),
            DateTime::<Utc>::MAX_UTC.naive_utc()
        );
    }
}
