//! The counting: each figure as its field's doc comment defines it.

use super::facts::{from_live, from_sealed, Facts};
use super::stats::{mean, mean_secs, median_secs, pct};
use super::*;
use crate::sla::{client_time_zone, SlaState, SlaStatus};
use crate::store::TimeEntry;
use std::collections::{BTreeMap, HashMap};

/// The figures of `input`'s client and period. Pure: the same input gives the same figures.
pub fn compute(input: &QbrInput) -> Qbr {
    let desk_zone = input.desk_zone.as_deref();
    let mut all: Vec<Facts> = input
        .closed
        .iter()
        .map(|s| from_sealed(s, desk_zone))
        .chain(input.open.iter().map(|l| {
            let pinned = input.pinned.get(&l.ticket.id);
            from_live(
                l,
                &input.companies,
                &input.policies,
                pinned,
                desk_zone,
                input.now,
            )
        }))
        // A closed ticket belongs to the client its sealed record names, whatever its row says.
        .filter(|f| {
            input
                .client
                .as_ref()
                .is_none_or(|c| f.company_id == Some(c.id))
        })
        .collect();
    all.sort_by(|a, b| a.number.cmp(&b.number));
    let period = Period {
        from: input.from,
        to: input.to,
    };
    let in_period = |f: &Facts, at: Option<DateTime<Utc>>| period.holds(f, at);
    let opened: Vec<&Facts> = all.iter().filter(|f| in_period(f, f.opened_at)).collect();
    let closed: Vec<&Facts> = all
        .iter()
        .filter(|f| f.sealed() && in_period(f, f.closed_at))
        .collect();

    let behind: Vec<&Facts> = all
        .iter()
        .filter(|f| {
            in_period(f, f.opened_at) || in_period(f, f.closed_at) || !period.entries(f).is_empty()
        })
        .collect();
    let tickets = behind
        .iter()
        .map(|f| {
            row(
                f,
                in_period(f, f.opened_at),
                in_period(f, f.closed_at),
                &period.entries(f),
            )
        })
        .collect();

    Qbr {
        client: input.client.as_ref().map(|c| QbrClient {
            id: c.id,
            name: c.name.clone(),
            time_zone: client_time_zone(Some(&c.calendar), desk_zone),
        }),
        from: input.from,
        to: input.to,
        computed_at: input.now,
        volume: volume(&opened, &closed),
        sla: sla(&closed, &behind),
        times: times(&closed),
        quality: quality(&opened, &closed),
        csat: csat(&closed),
        hours: hours(&all, &period),
        assets: assets(&opened, input.endpoints),
        recurring: recurring(&closed, &input.runbook_titles),
        tickets,
    }
}

/// The period's days, each ticket's read in its own client's zone.
struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    fn holds(&self, f: &Facts, at: Option<DateTime<Utc>>) -> bool {
        at.map(|at| f.local_date(at))
            .is_some_and(|d| d >= self.from && d <= self.to)
    }

    /// The ticket's time entries started on a day of the period.
    fn entries<'a>(&self, f: &Facts<'a>) -> Vec<&'a TimeEntry> {
        f.entries
            .iter()
            .filter(|e| self.holds(f, Some(e.started_at)))
            .collect()
    }
}

fn priority_key(p: Option<crate::priority::Priority>) -> String {
    p.map(|p| p.to_string()).unwrap_or_else(|| "none".into())
}

/// Counts by key, most first then by key; `always` keys listed even at zero, in their order.
fn counts(keys: impl Iterator<Item = String>, always: &[&str]) -> Vec<Count> {
    let mut by: BTreeMap<String, u32> = BTreeMap::new();
    for k in keys {
        *by.entry(k).or_default() += 1;
    }
    if !always.is_empty() {
        let mut out: Vec<Count> = always
            .iter()
            .map(|k| Count {
                key: k.to_string(),
                tickets: by.remove(*k).unwrap_or(0),
            })
            .collect();
        out.extend(by.into_iter().map(|(key, tickets)| Count { key, tickets }));
        return out;
    }
    let mut out: Vec<Count> = by
        .into_iter()
        .map(|(key, tickets)| Count { key, tickets })
        .collect();
    out.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.key.cmp(&b.key)));
    out
}

const PRIORITIES: &[&str] = &["P1", "P2", "P3", "P4"];

fn volume(opened: &[&Facts], closed: &[&Facts]) -> Volume {
    Volume {
        opened: opened.len() as u32,
        closed: closed.len() as u32,
        still_open: opened.iter().filter(|f| !f.sealed()).count() as u32,
        opened_by_priority: counts(opened.iter().map(|f| priority_key(f.priority)), PRIORITIES),
        closed_by_priority: counts(closed.iter().map(|f| priority_key(f.priority)), PRIORITIES),
        closed_by_resolution_code: counts(
            closed.iter().filter_map(|f| f.resolution_code.clone()),
            &[],
        ),
    }
}

fn breach(f: &Facts, clock: SlaClock, s: &SlaStatus) -> Breach {
    Breach {
        ticket: f.number.clone(),
        client: f.client.clone(),
        clock,
        priority: f.priority,
        target_secs: s.target_secs,
        actual_secs: s.elapsed_secs,
        paused_secs: s.paused_secs,
        breached_at: s.due_at,
        reason: f.breach_note.clone(),
        sealed: f.sealed(),
    }
}

fn clocks<'f>(f: &'f Facts) -> [(SlaClock, Option<&'f SlaStatus>); 2] {
    [
        (SlaClock::FirstResponse, f.first_response.as_ref()),
        (SlaClock::Resolution, f.resolution.as_ref()),
    ]
}

fn sla(closed: &[&Facts], behind: &[&Facts]) -> SlaFigures {
    let measured = |pick: fn(&Facts) -> Option<SlaStatus>| {
        let with: Vec<SlaStatus> = closed.iter().filter_map(|f| pick(f)).collect();
        let met = with.iter().filter(|s| s.state == SlaState::Met).count() as u32;
        (with.len() as u32, met)
    };
    let (fr_n, fr_met) = measured(|f| f.first_response);
    let (res_n, res_met) = measured(|f| f.resolution);
    let mut breaches: Vec<Breach> = Vec::new();
    for f in closed {
        for (clock, s) in clocks(f) {
            if let Some(s) = s.filter(|s| s.state == SlaState::Breached) {
                breaches.push(breach(f, clock, s));
            }
        }
    }
    // Open tickets past a target now: not yet a sealed outcome, but the coordinator must see them.
    for f in behind.iter().filter(|f| !f.sealed()) {
        for (clock, s) in clocks(f) {
            if let Some(s) = s.filter(|s| s.state == SlaState::Breached) {
                breaches.push(breach(f, clock, s));
            }
        }
    }
    SlaFigures {
        first_response_measured: fr_n,
        first_response_met: fr_met,
        first_response_met_pct: pct(fr_met, fr_n),
        resolution_measured: res_n,
        resolution_met: res_met,
        resolution_met_pct: pct(res_met, res_n),
        breaches,
    }
}

fn times(closed: &[&Facts]) -> ResponseTimes {
    let fr: Vec<i64> = closed
        .iter()
        .filter_map(|f| f.first_response_secs)
        .collect();
    let res: Vec<i64> = closed.iter().filter_map(|f| f.resolution_secs).collect();
    ResponseTimes {
        first_response_count: fr.len() as u32,
        first_response_mean_secs: mean_secs(&fr),
        first_response_median_secs: median_secs(&fr),
        resolution_count: res.len() as u32,
        resolution_mean_secs: mean_secs(&res),
        resolution_median_secs: median_secs(&res),
    }
}

fn quality(opened: &[&Facts], closed: &[&Facts]) -> Quality {
    let n_closed = closed.len() as u32;
    let reopened = closed.iter().filter(|f| f.failed_verifications > 0).count() as u32;
    let first_touch = closed.iter().filter(|f| !f.escalated).count() as u32;
    let escalated = opened.iter().filter(|f| f.escalated).count() as u32;
    Quality {
        reopened,
        reopen_rate_pct: pct(reopened, n_closed),
        failed_verifications: closed.iter().map(|f| f.failed_verifications).sum(),
        first_touch_resolved: first_touch,
        first_touch_rate_pct: pct(first_touch, n_closed),
        escalated,
        escalation_rate_pct: pct(escalated, opened.len() as u32),
    }
}

fn csat_summary<'a>(tickets: impl Iterator<Item = &'a &'a Facts<'a>>) -> CsatSummary {
    let mut surveyed = 0;
    let mut ratings = Vec::new();
    let mut distribution = vec![0u32; 5];
    for f in tickets {
        if let Some(answer) = f.csat {
            surveyed += 1;
            if let Some(r) = answer.filter(|r| (1..=5).contains(r)) {
                ratings.push(r);
                distribution[(r - 1) as usize] += 1;
            }
        }
    }
    let responded = ratings.len() as u32;
    CsatSummary {
        surveyed,
        responded,
        response_rate_pct: pct(responded, surveyed),
        average: mean(&ratings),
        distribution,
    }
}

fn csat(closed: &[&Facts]) -> CsatFigures {
    let grouped = |key: &dyn Fn(&Facts) -> String| -> Vec<CsatGroup> {
        let mut groups: BTreeMap<String, Vec<&Facts>> = BTreeMap::new();
        for f in closed.iter().filter(|f| f.csat.is_some()) {
            groups.entry(key(f)).or_default().push(f);
        }
        groups
            .into_iter()
            .map(|(key, fs)| CsatGroup {
                key,
                summary: csat_summary(fs.iter()),
            })
            .collect()
    };
    CsatFigures {
        overall: csat_summary(closed.iter()),
        by_technician: grouped(&|f| f.credited.clone().unwrap_or_default()),
        by_month: grouped(&|f| f.closed_at.map(|at| f.month(at)).unwrap_or_default()),
    }
}

fn hours(all: &[Facts], period: &Period) -> HoursFigures {
    let mut by_tech: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut by_month: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let (mut billable, mut non_billable) = (0u64, 0u64);
    for f in all {
        for e in period.entries(f) {
            let minutes = u64::from(e.minutes);
            let add = |slot: &mut (u64, u64)| {
                if e.billable {
                    slot.0 += minutes;
                } else {
                    slot.1 += minutes;
                }
            };
            add(by_tech.entry(e.technician.clone()).or_default());
            add(by_month.entry(f.month(e.started_at)).or_default());
            if e.billable {
                billable += minutes;
            } else {
                non_billable += minutes;
            }
        }
    }
    let groups = |m: BTreeMap<String, (u64, u64)>| {
        m.into_iter()
            .map(|(key, (b, n))| HoursGroup {
                key,
                billable_minutes: b,
                non_billable_minutes: n,
            })
            .collect()
    };
    HoursFigures {
        billable_minutes: billable,
        non_billable_minutes: non_billable,
        by_technician: groups(by_tech),
        by_month: groups(by_month),
    }
}

fn assets(opened: &[&Facts], endpoints: u32) -> AssetFigures {
    let mut by: HashMap<i64, AssetCount> = HashMap::new();
    for f in opened {
        for (id, hostname) in &f.assets {
            by.entry(*id)
                .or_insert_with(|| AssetCount {
                    asset_id: *id,
                    hostname: hostname.clone(),
                    client: f.client.clone(),
                    tickets: 0,
                })
                .tickets += 1;
        }
    }
    let mut list: Vec<AssetCount> = by.into_values().collect();
    list.sort_by(|a, b| {
        b.tickets
            .cmp(&a.tickets)
            .then_with(|| a.hostname.cmp(&b.hostname))
            .then_with(|| a.asset_id.cmp(&b.asset_id))
    });
    AssetFigures {
        endpoints,
        endpoints_with_tickets: list.len() as u32,
        tickets_per_endpoint: (endpoints > 0)
            .then(|| f64::from(opened.len() as u32) / f64::from(endpoints)),
        tickets_by_asset: list,
    }
}

fn recurring(closed: &[&Facts], titles: &HashMap<i64, String>) -> Recurring {
    let codes = counts(closed.iter().filter_map(|f| f.resolution_code.clone()), &[])
        .into_iter()
        .filter(|c| c.tickets >= 2)
        .collect();
    let mut by: BTreeMap<i64, u32> = BTreeMap::new();
    for f in closed {
        for id in &f.runbooks {
            *by.entry(*id).or_default() += 1;
        }
    }
    let mut runbooks: Vec<RunbookCount> = by
        .into_iter()
        .map(|(id, tickets)| RunbookCount {
            runbook_id: id,
            title: titles.get(&id).cloned(),
            tickets,
        })
        .collect();
    runbooks.sort_by(|a, b| {
        b.tickets
            .cmp(&a.tickets)
            .then(a.runbook_id.cmp(&b.runbook_id))
    });
    Recurring {
        resolution_codes: codes,
        runbooks,
    }
}

fn met(s: Option<&SlaStatus>) -> Option<bool> {
    match s.map(|s| s.state) {
        Some(SlaState::Met) => Some(true),
        Some(SlaState::Breached) => Some(false),
        _ => None,
    }
}

fn row(
    f: &Facts,
    opened_in_period: bool,
    closed_in_period: bool,
    entries: &[&TimeEntry],
) -> QbrTicket {
    let minutes = |billable: bool| {
        entries
            .iter()
            .filter(|e| e.billable == billable)
            .map(|e| u64::from(e.minutes))
            .sum()
    };
    QbrTicket {
        number: f.number.clone(),
        client: f.client.clone(),
        status: f.status,
        priority: f.priority,
        opened_at: f.opened_at,
        closed_at: f.closed_at,
        opened_in_period,
        closed_in_period,
        resolution_code: f.resolution_code.clone(),
        escalated: f.escalated,
        failed_verifications: f.failed_verifications,
        first_response_secs: f.first_response_secs,
        resolution_secs: f.resolution_secs,
        first_response_met: met(f.first_response.as_ref()),
        resolution_met: met(f.resolution.as_ref()),
        csat_rating: f.csat.flatten(),
        billable_minutes: minutes(true),
        non_billable_minutes: minutes(false),
        assets: f.assets.iter().map(|(_, h)| h.clone()).collect(),
        record_hash: f.record_hash.clone(),
    }
}
