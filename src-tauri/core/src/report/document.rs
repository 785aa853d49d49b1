//! The closure report's content, laid out from the sealed record.
//!
//! Everything printed comes from the [`ClosureRecord`] (and the template version the ticket
//! pinned, for labels), so the document shows exactly what was hashed. The report has two parts:
//! the client's pages (what they asked for, what was done, time billed, the SLA, their feedback
//! and the signatures, in plain words) and, unless the desk leaves it out, the full technical
//! record as an appendix. Each value is printed once, whole (long addresses and hashes wrap,
//! nothing is cut), and every time is in the client's time zone with its abbreviation.

use super::flow::*;
use super::fonts::Fonts;
use super::layout::*;
use super::ReportSettings;
use crate::priority::{Impact, Priority, Urgency};
use crate::record::{ClosureRecord, StepPart};
use crate::signature::Signature;
use crate::sla::{clock_breaks, Calendar, SlaState, SlaStatus, Zone};
use crate::store::TimeEntry;
use crate::template::{builtin, FieldKind, SignerRole, Template};
use chrono::{DateTime, Utc};
use serde_json::Value;

mod appendix;
mod client;

use appendix::*;
use client::*;

/// How the report writes a day: "6 Dec 2026" (times add ", 14:05" and the zone).
const DAY_FORMAT: &str = "%-d %b %Y";

/// The logo's box in the letterhead, in points.
const LOGO_MAX_H: f32 = 42.0;
const LOGO_MAX_W: f32 = 150.0;

/// A box on the page: x, y from the top, width, height (points).
pub(crate) type Place = (f32, f32, f32, f32);

/// What the report says about the digital signature.
pub(crate) struct SignerNote {
    pub signer: String,
    pub root: String,
    /// Where the desk's history stood at sealing, in a sentence.
    pub history: Option<String>,
}

pub(crate) struct Content {
    pub blocks: Vec<Block>,
    /// Where the flowed content starts on page 1 (below the letterhead).
    pub first_top: f32,
    pub letterhead: Vec<Draw>,
    pub running_header: String,
    /// Where the logo goes on page 1, if there is one.
    pub logo_box: Option<Place>,
}

struct Doc<'a> {
    flow: Flow,
    zone: Zone,
    rec: &'a ClosureRecord,
    template: &'a Template,
}

fn zone_of(rec: &ClosureRecord, desk_zone: Option<&str>) -> Zone {
    let calendar = rec
        .sla
        .as_ref()
        .map(|s| &s.calendar)
        .or(rec.company.as_ref().map(|c| &c.calendar));
    crate::sla::client_zone(calendar, desk_zone)
}

pub(crate) fn minutes_text(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    match (m / 60, m % 60) {
        (0, m) => format!("{sign}{m} min"),
        (h, 0) => format!("{sign}{h} h"),
        (h, m) => format!("{sign}{h} h {m:02} min"),
    }
}

fn secs_text(secs: i64) -> String {
    minutes_text(secs.div_euclid(60))
}

/// A clock's length in words: "under a minute" rather than "0 min".
fn duration_words(secs: i64) -> String {
    if secs < 60 {
        "under a minute".into()
    } else {
        secs_text(secs)
    }
}

/// What an impact rating means, for people.
fn impact_words(i: Impact) -> &'static str {
    match i {
        Impact::Organization => "the whole organization (a site, a business-critical service)",
        Impact::Department => "a department or a group of users",
        Impact::User => "one user",
    }
}

fn urgency_words(u: Urgency) -> &'static str {
    match u {
        Urgency::Blocked => "work had stopped",
        Urgency::Degraded => "work went on, degraded",
        Urgency::Request => "nothing was broken (a request)",
    }
}

fn priority_words(p: Priority) -> String {
    let meaning = match p {
        Priority::P1 => "site-wide outage or revenue-blocking",
        Priority::P2 => "a single user blocked from work",
        Priority::P3 => "degraded but workable",
        Priority::P4 => "a request",
    };
    format!("{p}: {meaning}")
}

/// "Fixed - configuration change" reads as "Fixed: configuration change".
fn code_words(code: &str) -> String {
    code.replacen(" - ", ": ", 1)
}

/// A closure report writes through its [`Flow`]: `doc.heading(..)`, `doc.blocks`.
impl std::ops::Deref for Doc<'_> {
    type Target = Flow;
    fn deref(&self) -> &Flow {
        &self.flow
    }
}

impl std::ops::DerefMut for Doc<'_> {
    fn deref_mut(&mut self) -> &mut Flow {
        &mut self.flow
    }
}

impl Doc<'_> {
    /// "6 Dec 2026, 14:05 CET": the client's wall clock and the zone's name at that instant.
    fn time(&self, at: DateTime<Utc>) -> String {
        format!(
            "{} {}",
            self.zone.local(at).format(&format!("{DAY_FORMAT}, %H:%M")),
            self.zone.abbreviation(at)
        )
    }

    fn opt_time(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|a| self.time(a)).unwrap_or_else(|| "—".into())
    }

    /// A signature's time in the client's zone with its UTC offset, whatever the signing
    /// device's clock was set to: "6 Dec 2026, 14:05 CET (UTC+01:00)".
    fn signed_time(&self, at: DateTime<Utc>) -> String {
        format!(
            "{} ({})",
            self.time(at),
            crate::sla::utc_offset_text(self.zone.offset_secs(at))
        )
    }

    /// A table of time entries (when, who, what work, how long, with each entry's note under
    /// it) closed by a bold total row. The client's billed time and the appendix's internal time
    /// share this layout; only the column titles and the total differ.
    fn time_entries(
        &mut self,
        entries: &[&TimeEntry],
        (who, work): (&str, &str),
        (total_label, total_minutes): (&str, u64),
    ) {
        let mut rows: Vec<Row> = entries
            .iter()
            .map(|e| {
                (
                    vec![
                        (self.time(e.started_at), BODY),
                        (e.technician.clone(), BODY),
                        (e.work_type.clone(), BODY),
                        (minutes_text(e.minutes.into()), BODY),
                    ],
                    Some(e.note.clone()),
                )
            })
            .collect();
        rows.push((
            vec![
                (total_label.to_string(), BODY_BOLD),
                (String::new(), BODY),
                (String::new(), BODY),
                (
                    minutes_text(i64::try_from(total_minutes).unwrap_or(i64::MAX)),
                    BODY_BOLD,
                ),
            ],
            None,
        ));
        self.table(
            &[
                ("STARTED", 1.15, false),
                (who, 1.1, false),
                (work, 1.1, false),
                ("TIME", 0.65, true),
            ],
            rows,
        );
    }
}

/// Where a logo goes at the top left of a letterhead (x, y from the content's top, width,
/// height): its aspect kept inside the letterhead's logo box.
pub(crate) fn logo_place(l: &super::Logo) -> Place {
    let aspect = l.width as f32 / l.height.max(1) as f32;
    let (mut lw, mut lh) = (LOGO_MAX_H * aspect, LOGO_MAX_H);
    if lw > LOGO_MAX_W {
        lw = LOGO_MAX_W;
        lh = LOGO_MAX_W / aspect;
    }
    (0.0, -4.0 + (LOGO_MAX_H - lh) / 2.0, lw, lh)
}

/// The first page's letterhead: logo, desk name, report title, ticket number, and the client
/// panel. Returns its drawings, where the flowed content starts, and the logo's box.
fn letterhead(
    doc: &Doc,
    settings: &ReportSettings,
    frame: Frame,
) -> (Vec<Draw>, f32, Option<Place>) {
    let m = &doc.m;
    let rec = doc.rec;
    let w = frame.content_width();
    let mut b = Block::new(0.0);
    b.rect(-frame.left, -frame.top, frame.width, 7.0, ACCENT);

    // Left: the logo, then the desk's name and what this is.
    let logo_box = settings.logo.as_ref().map(logo_place);
    let name_x = logo_box.map(|(_, _, lw, _)| lw + 14.0).unwrap_or(0.0);
    let left_w = w * 0.64 - name_x;
    let (name_lines, name_style) = wrap_shrinking(
        m,
        &settings.msp_name,
        Style::new(17.0, true, ACCENT),
        left_w,
        2,
        11.0,
    );
    let mut y = name_style.size;
    for line in &name_lines {
        b.text(name_x, y, name_style, line);
        y += name_style.leading();
    }
    let subtitle = match &rec.company {
        Some(c) => format!("Service report for {}", c.name),
        None => "Service report".to_string(),
    };
    y += 1.0 - name_style.leading() + SMALL.leading() + 2.0;
    for line in m.wrap(&subtitle, SMALL, left_w) {
        b.text(name_x, y, SMALL, &line);
        y += SMALL.leading();
    }
    let left_bottom =
        (y - SMALL.leading() + 6.0).max(logo_box.map(|l| l.1 + l.3 + 4.0).unwrap_or(0.0));

    // Right: the ticket number and when it closed.
    let label = Style::new(7.8, true, MUTED);
    let kicker = "SERVICE REPORT";
    b.text(w - m.width(kicker, label), 9.0, label, kicker);
    let number_style = Style::new(19.0, true, INK);
    let number = &rec.ticket.number;
    b.text(
        w - m.width(number, number_style),
        30.0,
        number_style,
        number,
    );
    let closed = format!("Closed {}", doc.opt_time(rec.ticket.closed_at));
    b.text(w - m.width(&closed, SMALL), 42.0, SMALL, &closed);
    let rule_y = left_bottom.max(50.0);
    b.hline(0.0, rule_y, w, 0.6, RULE);

    // Client panel: three columns of label / value rows; values wrap, rows line up.
    let col_w = (w - 24.0) / 3.0;
    let company = rec.company.as_ref();
    let contact = rec.contact.as_ref();
    let dash = || "—".to_string();
    let devices = if rec.assets.is_empty() {
        dash()
    } else {
        rec.assets
            .iter()
            .map(|a| a.hostname.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let technician = rec
        .ticket
        .assignee
        .clone()
        .or_else(|| rec.steps.last().map(|s| s.completed_by.clone()))
        .unwrap_or_else(dash);
    let columns: [Vec<(&str, String, bool)>; 3] = [
        vec![
            (
                "CLIENT",
                company.map(|c| c.name.clone()).unwrap_or_else(dash),
                true,
            ),
            (
                "REQUESTER",
                contact.map(|c| c.name.clone()).unwrap_or_else(dash),
                true,
            ),
            (
                "EMAIL",
                contact.and_then(|c| c.email.clone()).unwrap_or_else(dash),
                false,
            ),
        ],
        vec![
            (
                "PHONE",
                contact.and_then(|c| c.phone.clone()).unwrap_or_else(dash),
                false,
            ),
            ("DEVICES", devices, false),
            ("TECHNICIAN", technician, false),
        ],
        vec![
            (
                "REPORTED",
                doc.opt_time(rec.ticket.opened_at.or(Some(rec.ticket.created_at))),
                false,
            ),
            ("RESOLVED", doc.opt_time(rec.ticket.resolved_at), false),
            (
                "PRIORITY",
                rec.priority
                    .priority
                    .map(priority_words)
                    .unwrap_or_else(dash),
                false,
            ),
        ],
    ];
    let wrapped: Vec<Vec<(&str, Vec<String>, Style)>> = columns
        .iter()
        .map(|col| {
            col.iter()
                .map(|(label, value, strong)| {
                    // A long address shrinks a little before it wraps; it is never cut.
                    let style = if *strong { BODY_BOLD } else { BODY };
                    let (lines, style) = wrap_shrinking(m, value, style, col_w - 12.0, 1, 7.8);
                    (*label, lines, style)
                })
                .collect()
        })
        .collect();
    let rows = 3;
    let row_heights: Vec<f32> = (0..rows)
        .map(|r| {
            let lines = wrapped.iter().map(|c| c[r].1.len()).max().unwrap_or(1);
            13.0 + lines as f32 * BODY.leading() + 2.0
        })
        .collect();
    let panel_top = rule_y + 10.0;
    let panel_h: f32 = row_heights.iter().sum::<f32>() + 10.0;
    b.rect(0.0, panel_top, w, panel_h, SHADE);
    for (c, col) in wrapped.iter().enumerate() {
        let x = 10.0 + c as f32 * (col_w + 2.0);
        let mut y = panel_top + 8.0;
        for (r, (label, lines, style)) in col.iter().enumerate() {
            b.text(x, y + 7.0, LABEL, label);
            for (k, line) in lines.iter().enumerate() {
                b.text(x, y + 19.0 + k as f32 * style.leading(), *style, line);
            }
            y += row_heights[r];
        }
    }
    let at = rec.ticket.closed_at.unwrap_or(rec.ticket.created_at);
    let tz_note = format!(
        "Times are {} time ({}, {}).",
        doc.zone.name(),
        doc.zone.abbreviation(at),
        crate::sla::utc_offset_text(doc.zone.offset_secs(at))
    );
    b.text(0.0, panel_top + panel_h + 12.0, SMALL, &tz_note);
    // The template version the ticket was worked under: its steps are the appendix's workflow.
    let procedure = format!("Service procedure: {}.", template_words(rec));
    let mut below = panel_top + panel_h + 12.0;
    for line in m.wrap(&procedure, SMALL, w) {
        below += SMALL.leading();
        b.text(0.0, below, SMALL, &line);
    }
    let draws = b
        .draws
        .iter()
        .map(|d| d.moved(frame.left, frame.top))
        .collect();
    let logo_box = logo_box.map(|(x, y, lw, lh)| (x + frame.left, y + frame.top, lw, lh));
    (draws, frame.top + below + 12.0, logo_box)
}

/// The template version a ticket was worked under, as the report names it: "MSP support
/// ticket, version 2".
fn template_words(rec: &ClosureRecord) -> String {
    format!(
        "{}, version {}",
        rec.ticket.template_name.trim(),
        rec.ticket.template_version
    )
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn state_words(s: &SlaStatus) -> (&'static str, Colour) {
    match s.state {
        SlaState::Met => ("Met", GOOD),
        SlaState::Breached => ("Missed", BAD),
        SlaState::Paused => ("Paused", MUTED),
        SlaState::Running => ("Running", INK),
        SlaState::AtRisk => ("At risk", BAD),
    }
}

fn value_text(rec: &ClosureRecord, kind: &FieldKind, v: &Value) -> String {
    let ids = |v: &Value| -> Vec<i64> {
        match v {
            Value::Array(a) => a.iter().filter_map(Value::as_i64).collect(),
            other => other.as_i64().into_iter().collect(),
        }
    };
    match kind {
        FieldKind::Contact => match (v.as_i64(), &rec.contact) {
            (Some(id), Some(c)) if c.id == id => c.name.clone(),
            (Some(id), _) => format!("Contact #{id}"),
            _ => plain(v),
        },
        FieldKind::Assets => ids(v)
            .iter()
            .map(|id| {
                rec.assets
                    .iter()
                    .find(|a| a.id == *id)
                    .map(|a| a.hostname.clone())
                    .unwrap_or_else(|| format!("Asset #{id}"))
            })
            .collect::<Vec<_>>()
            .join(", "),
        FieldKind::ParentIncident => match (v.as_i64(), &rec.parent_incident) {
            (Some(id), Some(i)) if i.id == id => format!("{} ({})", i.title, i.source),
            (Some(id), _) => format!("Incident #{id}"),
            _ => plain(v),
        },
        FieldKind::RunbookLinks => ids(v)
            .iter()
            .map(|id| format!("Runbook entry #{id}"))
            .collect::<Vec<_>>()
            .join(", "),
        FieldKind::Rating => match v.as_i64() {
            Some(n) => format!("{n} of 5"),
            None => "Survey sent, not answered".into(),
        },
        FieldKind::Impact => match v.as_str().and_then(|s| s.parse::<Impact>().ok()) {
            Some(i) => title_case(impact_words(i)),
            None => plain(v),
        },
        FieldKind::Urgency => match v.as_str().and_then(|s| s.parse::<Urgency>().ok()) {
            Some(u) => title_case(urgency_words(u)),
            None => plain(v),
        },
        FieldKind::List { .. } => match v.as_str().and_then(|s| s.parse::<Priority>().ok()) {
            Some(p) => priority_words(p),
            None => plain(v),
        },
        FieldKind::Signature { .. } => "Signed (see Sign-off)".into(),
        FieldKind::YesNo => match v.as_bool() {
            Some(true) => "Yes".into(),
            Some(false) => "No".into(),
            None => plain(v),
        },
        // As entered: the fewest digits that are the stored value, no grouping, no rounding.
        FieldKind::Number { .. } => match v.as_f64() {
            Some(n) => format!("{n}"),
            None => plain(v),
        },
        // A calendar day in the report's day format ("6 Dec 2026"); no zone moves a day.
        FieldKind::Date => match v
            .as_str()
            .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        {
            Some(d) => d.format(DAY_FORMAT).to_string(),
            None => plain(v),
        },
        FieldKind::Paragraph { .. } => plain(v),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Null => "—".into(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        other => other.to_string(),
    }
}

pub(crate) fn build(
    rec: &ClosureRecord,
    template: &Template,
    settings: &ReportSettings,
    signer: Option<&SignerNote>,
    frame: Frame,
) -> crate::error::Result<Content> {
    let fonts = Fonts::get()?;
    let mut doc = Doc {
        flow: Flow::new(Measure { fonts }, frame.content_width()),
        zone: zone_of(rec, settings.desk_time_zone.as_deref()),
        rec,
        template,
    };
    let (letterhead, first_top, logo_box) = letterhead(&doc, settings, frame);
    request_and_work(&mut doc);
    time_billed(&mut doc);
    service_level(&mut doc);
    feedback(&mut doc);
    signatures(&mut doc);
    about(&mut doc, settings, signer);
    if settings.include_appendix {
        appendix_start(&mut doc);
        assets(&mut doc);
        priority_and_clock(&mut doc);
        workflow(&mut doc);
        handoff(&mut doc);
        unbilled_time(&mut doc);
        integrity(&mut doc);
    }
    Ok(Content {
        blocks: doc.flow.blocks,
        first_top,
        letterhead,
        running_header: format!(
            "{} · Service report {}",
            settings.msp_name, rec.ticket.number
        ),
        logo_box,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paragraphs_stay_whole_and_long_ones_keep_two_lines_together() {
        assert!((0..5).all(|i| keep_line(i, 6)));
        assert!(!keep_line(5, 6));
        assert!(!keep_line(0, 1));
        let long: Vec<bool> = (0..10).map(|i| keep_line(i, 10)).collect();
        assert_eq!(
            long,
            [true, false, false, false, false, false, false, false, true, false]
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(minutes_text(0), "0 min");
        assert_eq!(minutes_text(45), "45 min");
        assert_eq!(minutes_text(60), "1 h");
        assert_eq!(minutes_text(125), "2 h 05 min");
        assert_eq!(minutes_text(-5), "-5 min");
        assert_eq!(secs_text(3599), "59 min");
        assert_eq!(duration_words(59), "under a minute");
    }

    #[test]
    fn a_stroke_becomes_bezier_segments_through_its_points() {
        let path = smooth(&[(0.0, 0.0), (10.0, 0.0), (20.0, 5.0)]);
        assert_eq!(path.len(), 1 + 2 * 3);
        assert_eq!(path[3], (10.0, 0.0, false));
        assert_eq!(path[6], (20.0, 5.0, false));
        assert!(path[1].2 && path[2].2);
        assert_eq!(smooth(&[(1.0, 1.0)]).len(), 2);
        assert!(smooth(&[]).is_empty());
    }

    #[test]
    fn values_read_as_words_not_keys() {
        assert_eq!(
            code_words("Fixed - configuration change"),
            "Fixed: configuration change"
        );
        assert_eq!(
            priority_words(Priority::P2),
            "P2: a single user blocked from work"
        );
        assert_eq!(
            days_words(&[
                chrono::Weekday::Mon,
                chrono::Weekday::Tue,
                chrono::Weekday::Wed,
                chrono::Weekday::Thu,
                chrono::Weekday::Fri
            ]),
            "Mon–Fri"
        );
        assert_eq!(
            days_words(&[chrono::Weekday::Mon, chrono::Weekday::Wed]),
            "Mon, Wed"
        );
        assert_eq!(plain(&Value::Bool(true)), "Yes");
    }
}
