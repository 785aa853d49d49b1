//! The pack's pages: cover, KPIs against the previous period, charts, SLA breaches, and the
//! appendix (every figure's definition, every ticket with its record hash).
//!
//! Names, codes, notes and host names come from tickets and the directory: they are only ever
//! drawn as text, through the flow's wrapping (which also makes them printable).

use super::charts::{bar_chart, BarChart, Series, TINT};
use super::definitions::definitions;
use super::QbrPackInput;
use crate::error::Result;
use crate::qbr::*;
use crate::report::document::{logo_place, minutes_text, Place, SignerNote};
use crate::report::flow::*;
use crate::report::fonts::Fonts;
use crate::report::layout::*;
use crate::sla::Zone;
use chrono::{DateTime, Utc};

pub(crate) struct Content {
    pub blocks: Vec<Block>,
    pub first_top: f32,
    pub letterhead: Vec<Draw>,
    pub running_header: String,
    pub logo_box: Option<Place>,
}

const DASH: &str = "—";

/// "3 h 05 min" of business time; a dash when there is none.
fn duration(secs: Option<i64>) -> String {
    secs.map(|s| minutes_text(s.div_euclid(60)))
        .unwrap_or_else(|| DASH.into())
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| DASH.into())
}

fn hours(minutes: u64) -> String {
    format!("{:.2} h", minutes as f64 / 60.0)
}

fn rating(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_else(|| DASH.into())
}

fn signed(v: f64, decimals: usize, unit: &str) -> String {
    let text = format!("{:+.*}", decimals, v);
    // "+0.0" and "-0.0" read as no change.
    if text
        .trim_start_matches(['+', '-'])
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "no change".into()
    } else {
        format!("{text}{unit}")
    }
}

fn clock_name(c: SlaClock) -> &'static str {
    match c {
        SlaClock::FirstResponse => "First response",
        SlaClock::Resolution => "Resolution",
    }
}

/// One KPI row: what it is, this period, the previous period, the change.
struct Kpi {
    name: &'static str,
    now: String,
    before: String,
    change: String,
}

/// A figure read from a QBR, how it prints, and how its change prints.
fn kpi<T: Copy>(
    name: &'static str,
    q: &Qbr,
    prev: Option<&Qbr>,
    get: impl Fn(&Qbr) -> T,
    show: impl Fn(&Qbr) -> String,
    change: impl Fn(T, T) -> Option<String>,
) -> Kpi {
    Kpi {
        name,
        now: show(q),
        before: prev.map(&show).unwrap_or_else(|| DASH.into()),
        change: prev
            .and_then(|p| change(get(q), get(p)))
            .unwrap_or_else(|| DASH.into()),
    }
}

fn count_change(a: u32, b: u32) -> Option<String> {
    Some(signed(f64::from(a) - f64::from(b), 0, ""))
}

fn pct_change(a: Option<f64>, b: Option<f64>) -> Option<String> {
    Some(signed(a? - b?, 1, " pts"))
}

/// The change between two times as printed (whole minutes), so it matches the columns.
fn secs_change(a: Option<i64>, b: Option<i64>) -> Option<String> {
    let d = (a?.div_euclid(60) - b?.div_euclid(60)) * 60;
    Some(if d == 0 {
        "no change".into()
    } else {
        format!(
            "{}{}",
            if d > 0 { "+" } else { "-" },
            minutes_text(d.abs().div_euclid(60))
        )
    })
}

fn kpis(q: &Qbr, p: Option<&Qbr>) -> Vec<Kpi> {
    vec![
        kpi(
            "Tickets opened",
            q,
            p,
            |q| q.volume.opened,
            |q| q.volume.opened.to_string(),
            count_change,
        ),
        kpi(
            "Tickets closed",
            q,
            p,
            |q| q.volume.closed,
            |q| q.volume.closed.to_string(),
            count_change,
        ),
        kpi(
            "Opened and still open",
            q,
            p,
            |q| q.volume.still_open,
            |q| q.volume.still_open.to_string(),
            count_change,
        ),
        kpi(
            "SLA first response met",
            q,
            p,
            |q| q.sla.first_response_met_pct,
            |q| {
                format!(
                    "{} ({} of {})",
                    pct(q.sla.first_response_met_pct),
                    q.sla.first_response_met,
                    q.sla.first_response_measured
                )
            },
            pct_change,
        ),
        kpi(
            "SLA resolution met",
            q,
            p,
            |q| q.sla.resolution_met_pct,
            |q| {
                format!(
                    "{} ({} of {})",
                    pct(q.sla.resolution_met_pct),
                    q.sla.resolution_met,
                    q.sla.resolution_measured
                )
            },
            pct_change,
        ),
        kpi(
            "SLA breaches",
            q,
            p,
            |q| q.sla.breaches.len() as u32,
            |q| q.sla.breaches.len().to_string(),
            count_change,
        ),
        kpi(
            "First response, mean",
            q,
            p,
            |q| q.times.first_response_mean_secs,
            |q| duration(q.times.first_response_mean_secs),
            secs_change,
        ),
        kpi(
            "First response, median",
            q,
            p,
            |q| q.times.first_response_median_secs,
            |q| duration(q.times.first_response_median_secs),
            secs_change,
        ),
        kpi(
            "Resolution, mean",
            q,
            p,
            |q| q.times.resolution_mean_secs,
            |q| duration(q.times.resolution_mean_secs),
            secs_change,
        ),
        kpi(
            "Resolution, median",
            q,
            p,
            |q| q.times.resolution_median_secs,
            |q| duration(q.times.resolution_median_secs),
            secs_change,
        ),
        kpi(
            "Reopen rate",
            q,
            p,
            |q| q.quality.reopen_rate_pct,
            |q| {
                format!(
                    "{} ({} reopened)",
                    pct(q.quality.reopen_rate_pct),
                    q.quality.reopened
                )
            },
            pct_change,
        ),
        kpi(
            "First-touch resolution",
            q,
            p,
            |q| q.quality.first_touch_rate_pct,
            |q| {
                format!(
                    "{} ({} tickets)",
                    pct(q.quality.first_touch_rate_pct),
                    q.quality.first_touch_resolved
                )
            },
            pct_change,
        ),
        kpi(
            "Escalations to Tier 2",
            q,
            p,
            |q| q.quality.escalated,
            |q| {
                format!(
                    "{} ({})",
                    q.quality.escalated,
                    pct(q.quality.escalation_rate_pct)
                )
            },
            count_change,
        ),
        kpi(
            "CSAT average (1 to 5)",
            q,
            p,
            |q| q.csat.overall.average,
            |q| rating(q.csat.overall.average),
            |a, b| Some(signed(a? - b?, 2, "")),
        ),
        kpi(
            "CSAT response rate",
            q,
            p,
            |q| q.csat.overall.response_rate_pct,
            |q| {
                format!(
                    "{} ({} of {})",
                    pct(q.csat.overall.response_rate_pct),
                    q.csat.overall.responded,
                    q.csat.overall.surveyed
                )
            },
            pct_change,
        ),
        kpi(
            "Billable hours",
            q,
            p,
            |q| q.hours.billable_minutes,
            |q| hours(q.hours.billable_minutes),
            |a, b| Some(signed((a as f64 - b as f64) / 60.0, 2, " h")),
        ),
        kpi(
            "Non-billable hours",
            q,
            p,
            |q| q.hours.non_billable_minutes,
            |q| hours(q.hours.non_billable_minutes),
            |a, b| Some(signed((a as f64 - b as f64) / 60.0, 2, " h")),
        ),
        kpi(
            "Tickets per endpoint",
            q,
            p,
            |q| q.assets.tickets_per_endpoint,
            |q| {
                format!(
                    "{} ({} endpoints)",
                    q.assets
                        .tickets_per_endpoint
                        .map(|v| format!("{v:.2}"))
                        .unwrap_or_else(|| DASH.into()),
                    q.assets.endpoints
                )
            },
            |a, b| Some(signed(a? - b?, 2, "")),
        ),
    ]
}

struct Pack<'a> {
    flow: Flow,
    zone: Zone,
    input: &'a QbrPackInput,
}

impl Pack<'_> {
    /// "20 Apr 2026, 14:00 CEST" in the pack's zone.
    fn time(&self, at: DateTime<Utc>) -> String {
        format!(
            "{} {}",
            self.zone.local(at).format("%-d %b %Y, %H:%M"),
            self.zone.abbreviation(at)
        )
    }

    fn opt_time(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|a| self.time(a)).unwrap_or_else(|| DASH.into())
    }
}

/// "2026-04" reads "Apr 2026".
fn month_text(key: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{key}-01"), "%Y-%m-%d")
        .map(|d| d.format("%b %Y").to_string())
        .unwrap_or_else(|_| key.to_string())
}

fn day_text(d: chrono::NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// The cover: the desk, the client, the period and four headline figures.
fn cover(p: &Pack, frame: Frame) -> (Vec<Draw>, f32, Option<Place>) {
    let m = &p.flow.m;
    let q = &p.input.qbr;
    let settings = &p.input.settings;
    let w = frame.content_width();
    let mut b = Block::new(0.0);
    b.rect(-frame.left, -frame.top, frame.width, 7.0, ACCENT);
    let logo_box = settings.logo.as_ref().map(logo_place);
    let name_x = logo_box.map(|(_, _, lw, _)| lw + 14.0).unwrap_or(0.0);
    let (lines, style) = wrap_shrinking(
        m,
        &settings.msp_name,
        Style::new(15.0, true, ACCENT),
        w - name_x,
        2,
        10.0,
    );
    let mut y = style.size + 4.0;
    for line in &lines {
        b.text(name_x, y, style, line);
        y += style.leading();
    }
    let y = y.max(logo_box.map(|l| l.1 + l.3 + 12.0).unwrap_or(0.0)) + 60.0;

    let kicker = Style::new(9.0, true, MUTED);
    b.text(0.0, y, kicker, "QUARTERLY BUSINESS REVIEW");
    let who = q
        .client
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "Every client".into());
    let (lines, style) = wrap_shrinking(m, &who, Style::new(30.0, true, INK), w, 2, 16.0);
    let mut y = y + 12.0;
    for line in &lines {
        y += style.leading();
        b.text(0.0, y, style, line);
    }
    let period = Style::new(14.0, false, INK);
    y += 30.0;
    b.text(
        0.0,
        y,
        period,
        &format!("{} – {}", day_text(q.from), day_text(q.to)),
    );
    y += 20.0;
    let days = match &q.client {
        Some(_) => format!(
            "Days are read in the client's time zone, {}. Figures computed {}.",
            p.zone.name(),
            p.time(q.computed_at)
        ),
        None => format!(
            "Days are read in each client's own time zone; times here are {} time. Figures \
             computed {}.",
            p.zone.name(),
            p.time(q.computed_at)
        ),
    };
    for line in m.wrap(&days, BODY, w) {
        b.text(0.0, y, Style::new(9.2, false, MUTED), &line);
        y += BODY.leading();
    }

    // Headline tiles.
    y += 26.0;
    let tiles = [
        ("TICKETS OPENED", q.volume.opened.to_string()),
        ("TICKETS CLOSED", q.volume.closed.to_string()),
        ("SLA RESOLUTION MET", pct(q.sla.resolution_met_pct)),
        ("CSAT AVERAGE", rating(q.csat.overall.average)),
    ];
    let gap = 10.0;
    let tile_w = (w - 3.0 * gap) / 4.0;
    let tile_h = 64.0;
    let big = Style::new(22.0, true, ACCENT);
    for (i, (label, value)) in tiles.iter().enumerate() {
        let x = i as f32 * (tile_w + gap);
        b.rect(x, y, tile_w, tile_h, SHADE);
        b.rect(x, y, 3.0, tile_h, ACCENT);
        b.text(
            x + 12.0,
            y + 18.0,
            LABEL,
            &m.fit(label, LABEL, tile_w - 16.0),
        );
        b.text(x + 12.0, y + 48.0, big, &m.fit(value, big, tile_w - 16.0));
    }
    y += tile_h + 30.0;
    let draws = b
        .draws
        .iter()
        .map(|d| d.moved(frame.left, frame.top))
        .collect();
    let logo_box = logo_box.map(|(x, ly, lw, lh)| (x + frame.left, ly + frame.top, lw, lh));
    (draws, frame.top + y, logo_box)
}

fn page_break(p: &mut Pack) {
    let mut b = Block::new(0.0);
    b.page_break_before = true;
    p.flow.push(b);
}

fn contents(p: &mut Pack) {
    let f = &mut p.flow;
    f.heading("In this pack");
    for line in [
        "1. Key figures, each beside the same figure for the period before.",
        "2. Charts: tickets by priority, service levels met, satisfaction and hours by month.",
        "3. Every service-level breach, with the reason recorded for it.",
        "4. Appendix: what each figure counts, and every ticket behind the figures with the \
         fingerprint (SHA-256) of its sealed closure record.",
    ] {
        f.paragraph(0.0, line, BODY);
    }
}

fn key_figures(p: &mut Pack) {
    let q = &p.input.qbr;
    let prev = p.input.previous.as_ref();
    page_break(p);
    p.flow.heading("Key figures");
    let compared = match prev {
        Some(b) => format!(
            "Each figure beside the same figure for {} – {}, the {} days before the period.",
            day_text(b.from),
            day_text(b.to),
            (b.to - b.from).num_days() + 1
        ),
        None => "No period comes before this one to compare with.".into(),
    };
    p.flow.paragraph(0.0, &compared, SMALL);
    p.flow.gap(4.0);
    let rows = kpis(q, prev)
        .into_iter()
        .map(|k| {
            (
                vec![
                    (k.name.to_string(), BODY_BOLD),
                    (k.now, BODY),
                    (k.before, BODY),
                    (k.change, BODY),
                ],
                None,
            )
        })
        .collect();
    p.flow.table(
        &[
            ("FIGURE", 1.35, false),
            ("THIS PERIOD", 1.15, true),
            ("PREVIOUS PERIOD", 1.15, true),
            ("CHANGE", 0.8, true),
        ],
        rows,
    );
    p.flow.gap(10.0);

    let count_rows = |list: &[Count]| -> Vec<Row> {
        list.iter()
            .map(|c| {
                (
                    vec![(c.key.clone(), BODY), (c.tickets.to_string(), BODY)],
                    None,
                )
            })
            .collect()
    };
    p.flow.heading("Tickets closed by resolution code");
    if q.volume.closed_by_resolution_code.is_empty() {
        p.flow
            .paragraph(0.0, "No ticket closed in the period.", BODY);
    } else {
        let rows = count_rows(&q.volume.closed_by_resolution_code);
        p.flow.table(
            &[("RESOLUTION CODE", 3.0, false), ("TICKETS", 1.0, true)],
            rows,
        );
    }
    p.flow.gap(10.0);

    p.flow.heading("Satisfaction by technician");
    if q.csat.by_technician.is_empty() {
        p.flow
            .paragraph(0.0, "No survey was sent in the period.", BODY);
    } else {
        let rows = q
            .csat
            .by_technician
            .iter()
            .map(|g| {
                let s = &g.summary;
                (
                    vec![
                        (g.key.clone(), BODY),
                        (format!("{} of {}", s.responded, s.surveyed), BODY),
                        (rating(s.average), BODY),
                        (
                            s.distribution
                                .iter()
                                .map(u32::to_string)
                                .collect::<Vec<_>>()
                                .join(" / "),
                            BODY,
                        ),
                    ],
                    None,
                )
            })
            .collect();
        p.flow.table(
            &[
                ("TECHNICIAN", 1.6, false),
                ("ANSWERED", 0.9, true),
                ("AVERAGE", 0.7, true),
                ("RATINGS 1 / 2 / 3 / 4 / 5", 1.3, true),
            ],
            rows,
        );
    }
    p.flow.gap(10.0);

    p.flow.heading("Hours by technician");
    if q.hours.by_technician.is_empty() {
        p.flow
            .paragraph(0.0, "No time was logged in the period.", BODY);
    } else {
        let rows = q
            .hours
            .by_technician
            .iter()
            .map(|g| {
                (
                    vec![
                        (g.key.clone(), BODY),
                        (hours(g.billable_minutes), BODY),
                        (hours(g.non_billable_minutes), BODY),
                    ],
                    None,
                )
            })
            .collect();
        p.flow.table(
            &[
                ("TECHNICIAN", 2.0, false),
                ("BILLABLE", 1.0, true),
                ("NOT BILLABLE", 1.0, true),
            ],
            rows,
        );
    }
    p.flow.gap(10.0);

    p.flow.heading("Assets with the most tickets");
    if q.assets.tickets_by_asset.is_empty() {
        p.flow
            .paragraph(0.0, "No ticket opened in the period named an asset.", BODY);
    } else {
        let rows = q
            .assets
            .tickets_by_asset
            .iter()
            .take(10)
            .map(|a| {
                (
                    vec![
                        (a.hostname.clone(), BODY),
                        (a.client.clone(), BODY),
                        (a.tickets.to_string(), BODY),
                    ],
                    None,
                )
            })
            .collect();
        p.flow.table(
            &[
                ("ASSET", 1.6, false),
                ("CLIENT", 1.6, false),
                ("TICKETS", 0.8, true),
            ],
            rows,
        );
    }
    p.flow.gap(10.0);

    p.flow.heading("Recurring symptoms");
    let codes = &q.recurring.resolution_codes;
    if codes.is_empty() {
        p.flow.paragraph(
            0.0,
            "No resolution code was chosen on two or more tickets.",
            BODY,
        );
    } else {
        let rows = count_rows(codes);
        p.flow.table(
            &[
                ("RESOLUTION CODE CHOSEN TWICE OR MORE", 3.0, false),
                ("TICKETS", 1.0, true),
            ],
            rows,
        );
    }
    if !q.recurring.runbooks.is_empty() {
        p.flow.gap(6.0);
        let rows = q
            .recurring
            .runbooks
            .iter()
            .map(|r| {
                (
                    vec![
                        (
                            format!(
                                "#{} {}",
                                r.runbook_id,
                                r.title.as_deref().unwrap_or("(entry removed)")
                            ),
                            BODY,
                        ),
                        (r.tickets.to_string(), BODY),
                    ],
                    None,
                )
            })
            .collect();
        p.flow.table(
            &[("RUNBOOK ENTRY LINKED", 3.0, false), ("TICKETS", 1.0, true)],
            rows,
        );
    }
}

fn charts(p: &mut Pack) {
    let q = &p.input.qbr;
    page_break(p);
    p.flow.heading("Charts");
    let whole = |v: f64| format!("{v:.0}");
    // Every priority with a ticket, in order ("none" last).
    let keys: Vec<String> = q
        .volume
        .opened_by_priority
        .iter()
        .chain(&q.volume.closed_by_priority)
        .map(|c| c.key.clone())
        .fold(Vec::new(), |mut keys, k| {
            if !keys.contains(&k) {
                keys.push(k);
            }
            keys
        });
    let of = |list: &[Count], k: &str| {
        Some(f64::from(
            list.iter().find(|c| c.key == k).map_or(0, |c| c.tickets),
        ))
    };
    bar_chart(
        &mut p.flow,
        &BarChart {
            title: "Tickets opened and closed by priority",
            categories: keys.clone(),
            series: vec![
                Series {
                    name: "Opened",
                    colour: ACCENT,
                    values: keys
                        .iter()
                        .map(|k| of(&q.volume.opened_by_priority, k))
                        .collect(),
                },
                Series {
                    name: "Closed",
                    colour: TINT,
                    values: keys
                        .iter()
                        .map(|k| of(&q.volume.closed_by_priority, k))
                        .collect(),
                },
            ],
            max: None,
            whole: true,
            value_text: &whole,
            unit: "tickets",
        },
    );
    p.flow.gap(10.0);
    let percent = |v: f64| format!("{v:.0}%");
    let exact = |v: f64| format!("{v:.1}%");
    let mut sla = vec![Series {
        name: "This period",
        colour: ACCENT,
        values: vec![q.sla.first_response_met_pct, q.sla.resolution_met_pct],
    }];
    if let Some(b) = &p.input.previous {
        sla.push(Series {
            name: "Previous period",
            colour: TINT,
            values: vec![b.sla.first_response_met_pct, b.sla.resolution_met_pct],
        });
    }
    bar_chart(
        &mut p.flow,
        &BarChart {
            title: "SLA targets met",
            categories: vec!["First response".into(), "Resolution".into()],
            series: sla,
            max: Some((100.0, 25.0)),
            whole: false,
            value_text: &|v| {
                if v.fract() == 0.0 {
                    percent(v)
                } else {
                    exact(v)
                }
            },
            unit: "% of tickets",
        },
    );
    p.flow.gap(10.0);
    let months: Vec<String> = q.csat.by_month.iter().map(|g| month_text(&g.key)).collect();
    bar_chart(
        &mut p.flow,
        &BarChart {
            title: "Satisfaction by month (average rating, 1 to 5)",
            categories: months,
            series: vec![Series {
                name: "Average rating",
                colour: ACCENT,
                values: q.csat.by_month.iter().map(|g| g.summary.average).collect(),
            }],
            max: Some((5.0, 1.0)),
            whole: false,
            value_text: &|v| {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            },
            unit: "rating",
        },
    );
    p.flow.gap(10.0);
    let months: Vec<String> = q
        .hours
        .by_month
        .iter()
        .map(|g| month_text(&g.key))
        .collect();
    let h = |m: u64| Some(m as f64 / 60.0);
    bar_chart(
        &mut p.flow,
        &BarChart {
            title: "Hours by month",
            categories: months,
            series: vec![
                Series {
                    name: "Billable",
                    colour: ACCENT,
                    values: q
                        .hours
                        .by_month
                        .iter()
                        .map(|g| h(g.billable_minutes))
                        .collect(),
                },
                Series {
                    name: "Not billable",
                    colour: TINT,
                    values: q
                        .hours
                        .by_month
                        .iter()
                        .map(|g| h(g.non_billable_minutes))
                        .collect(),
                },
            ],
            max: None,
            whole: false,
            value_text: &|v| {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.2}")
                }
            },
            unit: "hours",
        },
    );
}

fn breaches(p: &mut Pack) {
    let q = &p.input.qbr;
    page_break(p);
    p.flow.heading("Service-level breaches");
    if q.sla.breaches.is_empty() {
        p.flow
            .paragraph(0.0, "No SLA target was missed in the period.", BODY);
        return;
    }
    p.flow.paragraph(
        0.0,
        "Every clock that passed its target: targets and times are working time of the \
         client's calendar; paused is time spent waiting on the customer, which did not count. \
         The reason is the note recorded when the ticket's time was reconciled.",
        SMALL,
    );
    p.flow.gap(4.0);
    let rows = q
        .sla
        .breaches
        .iter()
        .map(|b| {
            let reason = match (&b.reason, b.sealed) {
                (Some(r), _) => format!("Reason: {r}"),
                (None, true) => "Reason: none recorded.".to_string(),
                (None, false) => {
                    "Still open: its clock was read when the figures were computed.".to_string()
                }
            };
            (
                vec![
                    (b.ticket.clone(), BODY_BOLD),
                    (clock_name(b.clock).to_string(), BODY),
                    (b.priority.map(|p| p.to_string()).unwrap_or_default(), BODY),
                    (duration(Some(b.target_secs)), BODY),
                    (duration(Some(b.actual_secs)), BODY),
                    (duration(Some(b.paused_secs)), BODY),
                    (p.opt_time(b.breached_at), BODY),
                ],
                Some(reason),
            )
        })
        .collect();
    p.flow.table(
        &[
            ("TICKET", 0.85, false),
            ("CLOCK", 1.0, false),
            ("PRIO", 0.4, false),
            ("TARGET", 0.65, true),
            ("ACTUAL", 0.95, true),
            ("PAUSED", 0.65, true),
            ("PASSED TARGET", 1.75, false),
        ],
        rows,
    );
}

fn appendix(p: &mut Pack, signer: Option<&SignerNote>, hash: &str) {
    let q = &p.input.qbr;
    page_break(p);
    p.flow.heading("Appendix A: what each figure counts");
    let mut group = "";
    for d in definitions() {
        if d.group != group {
            group = d.group;
            p.flow.subheading(group);
        }
        p.flow.field(&d.name, &d.text);
    }

    p.flow.gap(12.0);
    p.flow.heading("Appendix B: the tickets behind the figures");
    p.flow.paragraph(
        0.0,
        "Every ticket opened or closed in the period, or with time logged in it. A closed \
         ticket's figures were read from its sealed closure record, whose SHA-256 is printed \
         under it: the same fingerprint as on the ticket's signed closure report.",
        SMALL,
    );
    p.flow.gap(4.0);
    let rows = q
        .tickets
        .iter()
        .map(|t| {
            (
                vec![
                    (t.number.clone(), BODY_BOLD),
                    (t.status.to_string().replace('_', " "), BODY),
                    (t.priority.map(|p| p.to_string()).unwrap_or_default(), BODY),
                    (p.opt_time(t.opened_at), BODY),
                    (p.opt_time(t.closed_at), BODY),
                ],
                t.record_hash
                    .as_ref()
                    .map(|h| format!("Record SHA-256 {h}")),
            )
        })
        .collect();
    p.flow.table(
        &[
            ("TICKET", 0.9, false),
            ("STATUS", 1.2, false),
            ("PRIO", 0.5, false),
            ("OPENED", 1.45, false),
            ("CLOSED", 1.45, false),
        ],
        rows,
    );
    p.flow.gap(10.0);

    let start = p.flow.blocks.len();
    p.flow.heading("About this pack");
    let msp = &p.input.settings.msp_name;
    let mut text = format!(
        "{msp} produced this pack from the desk's records; the figures it shows are attached to \
         the file as qbr-figures.json, whose SHA-256 ({hash}) is printed at the foot of every \
         page."
    );
    if let Some(s) = signer {
        text.push_str(&format!(
            " It is digitally signed by “{}”: any change to this file breaks the signature. To \
             check it, trust the root certificate “{}”, which {msp} can give you.",
            s.signer, s.root
        ));
        if let Some(h) = &s.history {
            text.push(' ');
            text.push_str(h);
        }
    }
    p.flow.paragraph(0.0, &text, BODY);
    let end = p.flow.blocks.len();
    for b in &mut p.flow.blocks[start..end.saturating_sub(1)] {
        b.keep_with_next = true;
    }
}

pub(crate) fn build(
    input: &QbrPackInput,
    signer: Option<&SignerNote>,
    frame: Frame,
    hash: &str,
) -> Result<Content> {
    let fonts = Fonts::get()?;
    let q = &input.qbr;
    let zone_name = q
        .client
        .as_ref()
        .map(|c| c.time_zone.clone())
        .or_else(|| input.settings.desk_time_zone.clone());
    let mut p = Pack {
        flow: Flow::new(Measure { fonts }, frame.content_width()),
        zone: zone_name.and_then(|z| Zone::parse(&z)).unwrap_or(Zone::UTC),
        input,
    };
    let (letterhead, first_top, logo_box) = cover(&p, frame);
    contents(&mut p);
    key_figures(&mut p);
    charts(&mut p);
    breaches(&mut p);
    appendix(&mut p, signer, hash);
    let who = q
        .client
        .as_ref()
        .map(|c| c.name.clone())
        .unwrap_or_else(|| "every client".into());
    Ok(Content {
        blocks: p.flow.blocks,
        first_top,
        letterhead,
        running_header: format!(
            "{} · QBR {who} · {} – {}",
            input.settings.msp_name,
            day_text(q.from),
            day_text(q.to)
        ),
        logo_box,
    })
}
