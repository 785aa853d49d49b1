//! One SLA clock (first response or resolution) evaluated at a given instant.
//!
//! The clock is recomputed from its history (start, pauses, stop) each time rather than kept as
//! a running counter, so it is always reproducible from the audit trail and cannot drift.

use super::calendar::{Calendar, Prepared};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A stretch during which the clock does not run, typically "waiting on customer".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Pause {
    pub from: DateTime<Utc>,
    /// `None` while the pause is still open.
    pub to: Option<DateTime<Utc>>,
}

/// What the clock measures: working time since `started_at`, less pauses, against `target`.
#[derive(Debug, Clone, Copy)]
pub struct Timer<'a> {
    pub started_at: DateTime<Utc>,
    /// Working time allowed; negative is read as zero.
    pub target: Duration,
    /// In any order; overlaps are counted once.
    pub pauses: &'a [Pause],
    /// When the clock stopped for good (responded, resolved).
    pub stopped_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum SlaState {
    Running,
    /// Running, with at least the at-risk share of the target used: time to escalate.
    AtRisk,
    Paused,
    Breached,
    Met,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaStatus {
    pub state: SlaState,
    /// When running: the deadline if the clock is not paused again. When breached: the instant
    /// of the breach. `None` when paused or met.
    pub due_at: Option<DateTime<Utc>>,
    /// Working time counted, in whole seconds (rounded down).
    pub elapsed_secs: i64,
    /// Target minus elapsed, rounded down: negative exactly when the target is exceeded.
    pub remaining_secs: i64,
    /// Working time spent inside pauses.
    pub paused_secs: i64,
    pub target_secs: i64,
}

/// Share of the target after which a running clock is reported at risk.
pub const DEFAULT_AT_RISK_RATIO: f64 = 0.75;

/// Evaluates `timer` at `now` against `calendar`.
///
/// Measurement ends at `stopped_at` if that is not after `now`, else at `now`. An
/// `at_risk_ratio` outside (0, 1] falls back to [`DEFAULT_AT_RISK_RATIO`].
pub fn evaluate(
    calendar: &Calendar,
    timer: &Timer,
    now: DateTime<Utc>,
    at_risk_ratio: f64,
) -> SlaStatus {
    let cal = calendar.prepare();
    let ratio = if at_risk_ratio > 0.0 && at_risk_ratio <= 1.0 {
        at_risk_ratio
    } else {
        DEFAULT_AT_RISK_RATIO
    };
    let target = timer.target.max(Duration::zero());
    let start = timer.started_at;
    let stopped = timer.stopped_at.filter(|s| *s <= now);
    let end = stopped.unwrap_or(now).max(start);

    let pauses = merged_pauses(timer.pauses, start, end);
    let total = cal.working_time(start, end);
    let paused = pauses.iter().fold(Duration::zero(), |sum, &(a, b)| {
        sum + cal.working_time(a, b)
    });
    let elapsed = (total - paused).max(Duration::zero());
    let remaining = target - elapsed;
    let breached = elapsed > target;
    let paused_now = timer
        .pauses
        .iter()
        .any(|p| p.from <= now && p.to.is_none_or(|to| to > now));

    let state = if stopped.is_some() {
        if breached {
            SlaState::Breached
        } else {
            SlaState::Met
        }
    } else if breached {
        SlaState::Breached
    } else if paused_now {
        SlaState::Paused
    } else if as_nanos(elapsed) >= ratio * as_nanos(target) {
        SlaState::AtRisk
    } else {
        SlaState::Running
    };

    let due_at = match state {
        SlaState::Running | SlaState::AtRisk => Some(cal.add_working_time(end, remaining)),
        SlaState::Breached => Some(breach_instant(&cal, start, end, &pauses, target)),
        SlaState::Paused | SlaState::Met => None,
    };

    SlaStatus {
        state,
        due_at,
        elapsed_secs: floor_secs(elapsed),
        remaining_secs: floor_secs(remaining),
        paused_secs: floor_secs(paused),
        target_secs: floor_secs(target),
    }
}

/// Pauses clipped to `[start, end]`, sorted and merged, so overlapping entries count once.
fn merged_pauses(
    pauses: &[Pause],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut clipped: Vec<_> = pauses
        .iter()
        .filter_map(|p| {
            let from = p.from.max(start);
            let to = p.to.unwrap_or(end).min(end);
            (to > from).then_some((from, to))
        })
        .collect();
    clipped.sort_unstable();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(clipped.len());
    for (from, to) in clipped {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// The instant counted working time first reached `target`, walking the unpaused stretches.
fn breach_instant(
    cal: &Prepared,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, DateTime<Utc>)],
    target: Duration,
) -> DateTime<Utc> {
    if target <= Duration::zero() {
        return start;
    }
    let mut left = target;
    let mut cursor = start;
    for &(pause_from, pause_to) in pauses.iter().chain(std::iter::once(&(end, end))) {
        let available = cal.working_time(cursor, pause_from);
        if left <= available {
            return cal.add_working_time(cursor, left);
        }
        left -= available;
        cursor = pause_to;
    }
    // Only reached if not actually breached; the end of measurement is the best answer.
    end
}

fn as_nanos(d: Duration) -> f64 {
    d.num_seconds() as f64 * 1e9 + f64::from(d.subsec_nanos())
}

fn floor_secs(d: Duration) -> i64 {
    d.num_seconds() - i64::from(d.subsec_nanos() < 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Weekday::*};
    use proptest::prelude::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().expect("test instant")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("test time")
    }

    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }

    fn berlin_office() -> Calendar {
        Calendar::business(
            "Europe/Berlin",
            &[Mon, Tue, Wed, Thu, Fri],
            hm(9, 0),
            hm(17, 0),
            &[],
        )
        .expect("valid")
    }

    fn ny_office() -> Calendar {
        Calendar::business(
            "America/New_York",
            &[Mon, Tue, Wed, Thu, Fri],
            hm(9, 0),
            hm(17, 0),
            &[],
        )
        .expect("valid")
    }

    fn pause(from: &str, to: Option<&str>) -> Pause {
        Pause {
            from: utc(from),
            to: to.map(utc),
        }
    }

    /// Monday 2026-03-16 at `h`:00 CET.
    fn monday(h: u32) -> DateTime<Utc> {
        utc(&format!("2026-03-16T{:02}:00:00Z", h - 1))
    }

    fn timer(started_at: DateTime<Utc>, target: Duration, pauses: &[Pause]) -> Timer<'_> {
        Timer {
            started_at,
            target,
            pauses,
            stopped_at: None,
        }
    }

    #[test]
    fn running_clock_counts_working_time_and_projects_the_deadline() {
        let t = timer(monday(9), hours(8), &[]);
        let s = evaluate(&berlin_office(), &t, monday(11), DEFAULT_AT_RISK_RATIO);
        assert_eq!(
            s,
            SlaStatus {
                state: SlaState::Running,
                due_at: Some(monday(17)),
                elapsed_secs: 7_200,
                remaining_secs: 6 * 3_600,
                paused_secs: 0,
                target_secs: 8 * 3_600,
            }
        );
    }

    #[test]
    fn pause_across_a_weekend() {
        let c = berlin_office();
        // Started Friday 2026-03-13 15:00 CET; waiting on customer Friday 16:00 to Monday 11:00.
        let pauses = [pause("2026-03-13T15:00:00Z", Some("2026-03-16T10:00:00Z"))];
        let t = timer(utc("2026-03-13T14:00:00Z"), hours(4), &pauses);
        let s = evaluate(&c, &t, monday(12), DEFAULT_AT_RISK_RATIO);
        // Worked Friday 15–16 and Monday 11–12; paused Friday 16–17 and Monday 9–11.
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.elapsed_secs, 2 * 3_600);
        assert_eq!(s.paused_secs, 3 * 3_600);
        assert_eq!(s.remaining_secs, 2 * 3_600);
        assert_eq!(s.due_at, Some(monday(14)));
    }

    #[test]
    fn pause_across_a_dst_change() {
        // 24x7: started Saturday 2026-03-07 20:00 EST, paused 22:00 EST to Sunday 04:00 EDT
        // (five real hours though the wall clock moved six), evaluated Sunday 06:00 EDT.
        let pauses = [pause("2026-03-08T03:00:00Z", Some("2026-03-08T08:00:00Z"))];
        let t = timer(utc("2026-03-08T01:00:00Z"), hours(8), &pauses);
        let s = evaluate(&Calendar::AlwaysOn, &t, utc("2026-03-08T10:00:00Z"), 0.75);
        assert_eq!(s.elapsed_secs, 4 * 3_600);
        assert_eq!(s.paused_secs, 5 * 3_600);
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.due_at, Some(utc("2026-03-08T14:00:00Z")));

        // Business hours: paused Friday 2026-03-06 16:00 EST to Monday 2026-03-09 10:00 EDT.
        let pauses = [pause("2026-03-06T21:00:00Z", Some("2026-03-09T14:00:00Z"))];
        let t = timer(utc("2026-03-06T19:00:00Z"), hours(4), &pauses);
        let s = evaluate(&ny_office(), &t, utc("2026-03-09T15:00:00Z"), 0.75);
        // Worked Friday 14–16 EST and Monday 10–11 EDT.
        assert_eq!(s.elapsed_secs, 3 * 3_600);
        assert_eq!(s.paused_secs, 2 * 3_600);
        assert_eq!(s.state, SlaState::AtRisk);
        // One hour left: Monday 12:00 EDT.
        assert_eq!(s.due_at, Some(utc("2026-03-09T16:00:00Z")));
    }

    #[test]
    fn an_open_pause_runs_to_now_and_hides_the_deadline() {
        let pauses = [pause("2026-03-16T09:00:00Z", None)];
        let t = timer(monday(9), hours(8), &pauses);
        let s = evaluate(&berlin_office(), &t, monday(15), DEFAULT_AT_RISK_RATIO);
        assert_eq!(s.state, SlaState::Paused);
        assert_eq!(s.due_at, None);
        assert_eq!(s.elapsed_secs, 3_600);
        assert_eq!(s.paused_secs, 5 * 3_600);
        assert_eq!(s.remaining_secs, 7 * 3_600);
    }

    #[test]
    fn a_pause_that_ended_before_now_does_not_pause() {
        let pauses = [pause("2026-03-16T09:00:00Z", Some("2026-03-16T10:00:00Z"))];
        let t = timer(monday(9), hours(8), &pauses);
        let s = evaluate(&berlin_office(), &t, monday(12), DEFAULT_AT_RISK_RATIO);
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.elapsed_secs, 2 * 3_600);
        // 6 h left from Monday 12:00: five today, one on Tuesday -> Tuesday 10:00 CET.
        assert_eq!(s.due_at, Some(utc("2026-03-17T09:00:00Z")));
    }

    #[test]
    fn overlapping_unsorted_pauses_count_once() {
        let pauses = [
            pause("2026-03-16T10:00:00Z", Some("2026-03-16T12:00:00Z")), // 11–13
            pause("2026-03-16T09:00:00Z", Some("2026-03-16T11:00:00Z")), // 10–12
            pause("2026-03-16T09:30:00Z", Some("2026-03-16T09:45:00Z")), // inside
            pause("2026-03-16T09:00:00Z", Some("2026-03-16T11:00:00Z")), // duplicate
            pause("2026-03-16T05:00:00Z", Some("2026-03-16T07:00:00Z")), // before start
            pause("2026-03-16T14:00:00Z", Some("2026-03-16T13:00:00Z")), // backwards
        ];
        let t = timer(monday(9), hours(8), &pauses);
        let s = evaluate(&berlin_office(), &t, monday(15), DEFAULT_AT_RISK_RATIO);
        assert_eq!(s.paused_secs, 3 * 3_600);
        assert_eq!(s.elapsed_secs, 3 * 3_600);
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.due_at, Some(utc("2026-03-17T11:00:00Z")));
    }

    #[test]
    fn breached_due_at_is_the_breach_instant_net_of_pauses() {
        let pauses = [pause("2026-03-16T09:00:00Z", Some("2026-03-16T10:00:00Z"))];
        let t = timer(monday(9), hours(4), &pauses);
        let s = evaluate(&berlin_office(), &t, monday(16), DEFAULT_AT_RISK_RATIO);
        assert_eq!(s.state, SlaState::Breached);
        // Worked 9–10 and 11–14: four hours reached at 14:00.
        assert_eq!(s.due_at, Some(monday(14)));
        assert_eq!(s.elapsed_secs, 6 * 3_600);
        assert_eq!(s.remaining_secs, -2 * 3_600);
    }

    #[test]
    fn breach_over_a_weekend_is_dated_on_the_working_day() {
        // Friday 2026-03-13 16:00 CET start, 2 h target, evaluated Tuesday.
        let t = timer(utc("2026-03-13T15:00:00Z"), hours(2), &[]);
        let s = evaluate(&berlin_office(), &t, utc("2026-03-17T12:00:00Z"), 0.75);
        assert_eq!(s.state, SlaState::Breached);
        assert_eq!(s.due_at, Some(monday(10)));
        assert_eq!(s.elapsed_secs, (1 + 8 + 4) * 3_600);
    }

    #[test]
    fn breached_while_paused_stays_breached() {
        let pauses = [pause("2026-03-16T14:00:00Z", None)];
        let t = timer(monday(9), hours(4), &pauses);
        let s = evaluate(&berlin_office(), &t, monday(17), 0.75);
        assert_eq!(s.state, SlaState::Breached);
        assert_eq!(s.due_at, Some(monday(13)));
        assert_eq!(s.elapsed_secs, 6 * 3_600);
        assert_eq!(s.paused_secs, 2 * 3_600);
    }

    #[test]
    fn stopped_exactly_on_target_is_met_one_second_later_breached() {
        let c = berlin_office();
        let later = utc("2026-03-20T12:00:00Z");
        let mut t = timer(monday(9), hours(4), &[]);
        t.stopped_at = Some(monday(13));
        let met = evaluate(&c, &t, later, 0.75);
        assert_eq!(met.state, SlaState::Met);
        assert_eq!(met.due_at, None);
        assert_eq!(met.elapsed_secs, 4 * 3_600);
        assert_eq!(met.remaining_secs, 0);

        t.stopped_at = Some(monday(13) + Duration::seconds(1));
        let late = evaluate(&c, &t, later, 0.75);
        assert_eq!(late.state, SlaState::Breached);
        assert_eq!(late.due_at, Some(monday(13)));
        assert_eq!(late.remaining_secs, -1);
    }

    #[test]
    fn a_stop_after_now_is_not_yet_a_stop() {
        let mut t = timer(monday(9), hours(4), &[]);
        t.stopped_at = Some(monday(12));
        let s = evaluate(&berlin_office(), &t, monday(10), 0.75);
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.elapsed_secs, 3_600);
        assert_eq!(s.due_at, Some(monday(13)));
    }

    #[test]
    fn at_risk_starts_at_exactly_75_percent() {
        let c = berlin_office();
        let t = timer(monday(9), hours(4), &[]);
        let at = evaluate(&c, &t, monday(12), DEFAULT_AT_RISK_RATIO);
        assert_eq!(at.state, SlaState::AtRisk);
        assert_eq!(at.due_at, Some(monday(13)));
        let before = evaluate(&c, &t, monday(12) - Duration::seconds(1), 0.75);
        assert_eq!(before.state, SlaState::Running);
        // Exactly on target is at risk, not yet breached.
        let on = evaluate(&c, &t, monday(13), 0.75);
        assert_eq!(on.state, SlaState::AtRisk);
        assert_eq!(on.due_at, Some(monday(13)));
        assert_eq!(on.remaining_secs, 0);
    }

    #[test]
    fn out_of_range_ratios_fall_back_to_the_default() {
        let c = berlin_office();
        let t = timer(monday(9), hours(4), &[]);
        for ratio in [0.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(
                evaluate(&c, &t, monday(12), ratio).state,
                SlaState::AtRisk,
                "{ratio}"
            );
            assert_eq!(
                evaluate(&c, &t, monday(12) - Duration::seconds(1), ratio).state,
                SlaState::Running,
                "{ratio}"
            );
        }
        // 1.0 is valid: at risk only on the target itself.
        assert_eq!(evaluate(&c, &t, monday(12), 1.0).state, SlaState::Running);
        assert_eq!(evaluate(&c, &t, monday(13), 1.0).state, SlaState::AtRisk);
    }

    #[test]
    fn now_before_start_has_not_begun() {
        let t = timer(monday(9), hours(2), &[]);
        let s = evaluate(&berlin_office(), &t, monday(9) - hours(48), 0.75);
        assert_eq!(s.state, SlaState::Running);
        assert_eq!(s.elapsed_secs, 0);
        assert_eq!(s.due_at, Some(monday(11)));
    }

    #[test]
    fn state_serialises_in_snake_case() {
        assert_eq!(
            serde_json::to_value(SlaState::AtRisk).expect("json"),
            serde_json::json!("at_risk")
        );
        let p = pause("2026-03-16T09:00:00Z", None);
        assert_eq!(
            serde_json::to_value(p).expect("json"),
            serde_json::json!({"from": "2026-03-16T09:00:00Z", "to": null})
        );
    }

    fn any_pause() -> impl Strategy<Value = Pause> {
        // Offsets in minutes from Monday 2026-03-16 00:00 UTC, over two weeks.
        (0i64..20_160, proptest::option::of(0i64..20_160)).prop_map(|(a, b)| {
            let base = utc("2026-03-16T00:00:00Z");
            Pause {
                from: base + Duration::minutes(a),
                to: b.map(|b| base + Duration::minutes(b)),
            }
        })
    }

    proptest! {
        #[test]
        fn pauses_split_working_time_and_order_does_not_matter(
            pauses in proptest::collection::vec(any_pause(), 0..6),
            start in 0i64..10_000,
            now in 0i64..20_160,
            target_minutes in 0i64..3_000,
        ) {
            let c = berlin_office();
            let base = utc("2026-03-16T00:00:00Z");
            let started_at = base + Duration::minutes(start);
            let now = base + Duration::minutes(now);
            let t = timer(started_at, Duration::minutes(target_minutes), &pauses);
            let s = evaluate(&c, &t, now, 0.75);
            let total = c.working_time(started_at, now);
            prop_assert_eq!(s.elapsed_secs + s.paused_secs, total.num_seconds());
            prop_assert!(s.elapsed_secs >= 0 && s.paused_secs >= 0);
            prop_assert_eq!(s.remaining_secs, s.target_secs - s.elapsed_secs);
            prop_assert_eq!(s.state == SlaState::Breached, s.remaining_secs < 0);

            let mut reversed = pauses.clone();
            reversed.reverse();
            reversed.extend_from_slice(&pauses);
            let again = evaluate(&c, &timer(started_at, t.target, &reversed), now, 0.75);
            prop_assert_eq!(again, s);

            if let (SlaState::Breached, Some(at)) = (s.state, s.due_at) {
                // At the breach instant the clock shows exactly the target.
                let then = evaluate(&c, &timer(started_at, t.target, &pauses), at, 0.75);
                prop_assert_eq!(then.elapsed_secs, s.target_secs);
            }
        }
    }
}
