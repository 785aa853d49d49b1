//! The closure report's content, laid out from the sealed record.
//!
//! Everything printed comes from the [`ClosureRecord`] (and the template version the ticket
//! pinned, for labels), so the document shows exactly what was hashed. Times print in the
//! client's time zone; signatures print with the signer's own UTC offset.

use super::fonts::Fonts;
use super::layout::*;
use super::ReportSettings;
use crate::record::{ClosureRecord, StepPart};
use crate::signature::Signature;
use crate::sla::{Calendar, SlaState, SlaStatus, Zone};
use crate::template::{FieldKind, SignerRole, Template};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use std::rc::Rc;

const BODY: Style = Style::new(9.2, false, INK);
const BODY_BOLD: Style = Style::new(9.2, true, INK);
const SMALL: Style = Style::new(7.8, false, MUTED);
const SMALL_BOLD: Style = Style::new(7.8, true, MUTED);
const LABEL: Style = Style::new(7.2, true, MUTED);
const HEADING: Style = Style::new(11.5, true, ACCENT);
const PHASE: Style = Style::new(9.8, true, ACCENT);
const TABLE_HEAD: Style = Style::new(7.6, true, MUTED);

/// Width of the label column of label/value rows.
const LABEL_WIDTH: f32 = 128.0;
/// Indent of a step's values under its title.
const STEP_INDENT: f32 = 24.0;
/// A table cell's note never runs longer than this many lines.
const NOTE_LINES: usize = 6;

/// A table row: its cells (text and style) and an optional note printed under it.
type Row = (Vec<(String, Style)>, Option<String>);

/// What the integrity section says about the digital signature.
pub(crate) struct SignerNote {
    pub signer: String,
    pub root: String,
}

pub(crate) struct Content {
    pub blocks: Vec<Block>,
    /// Where the flowed content starts on page 1 (below the letterhead).
    pub first_top: f32,
    pub letterhead: Vec<Draw>,
    pub running_header: String,
}

/// Paragraphs of up to this many lines never break across pages.
const SHORT_PARAGRAPH: usize = 6;

/// Whether line `i` of `n` must stay on the page of the line after it: short paragraphs stay
/// whole, and a long one leaves at least two lines on each side of a page break.
fn keep_line(i: usize, n: usize) -> bool {
    if i + 1 >= n {
        return false;
    }
    n <= SHORT_PARAGRAPH || i == 0 || i + 2 == n
}

struct Doc<'a> {
    m: Measure,
    w: f32,
    blocks: Vec<Block>,
    zone: Zone,
    rec: &'a ClosureRecord,
    template: &'a Template,
}

fn zone_of(rec: &ClosureRecord) -> Zone {
    let calendar = rec
        .sla
        .as_ref()
        .map(|s| &s.calendar)
        .or(rec.company.as_ref().map(|c| &c.calendar));
    match calendar {
        Some(Calendar::BusinessHours(h)) => Zone::parse(&h.time_zone).unwrap_or(Zone::UTC),
        _ => Zone::UTC,
    }
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

impl Doc<'_> {
    fn time(&self, at: DateTime<Utc>) -> String {
        self.zone.local(at).format("%-d %b %Y %H:%M").to_string()
    }

    fn opt_time(&self, at: Option<DateTime<Utc>>) -> String {
        at.map(|a| self.time(a)).unwrap_or_else(|| "—".into())
    }

    fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    fn heading(&mut self, title: &str) {
        let mut b = Block::new(30.0);
        b.text(0.0, 21.0, HEADING, title);
        b.hline(0.0, 26.0, self.w, 0.8, ACCENT);
        b.keep_with_next = true;
        self.push(b);
        self.push(Block::spacer(4.0));
        if let Some(last) = self.blocks.last_mut() {
            last.keep_with_next = true;
        }
    }

    fn subheading(&mut self, title: &str) {
        let mut b = Block::new(22.0);
        b.text(0.0, 16.0, PHASE, title);
        b.keep_with_next = true;
        self.push(b);
    }

    /// A paragraph, one block per line so long text can run across pages.
    fn paragraph(&mut self, x: f32, text: &str, style: Style) {
        let lines = self.m.wrap(text, style, self.w - x);
        let n = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut b = Block::new(style.leading());
            b.text(x, style.size, style, &line);
            b.keep_with_next = keep_line(i, n);
            self.push(b);
        }
    }

    /// A label and its value side by side; both wrap, one block per line so long values can
    /// run across pages (the label's lines travel with the value's first lines).
    fn field_at(&mut self, x: f32, label: &str, value: &str) {
        let vx = x + LABEL_WIDTH;
        let lines = self.m.wrap(value, BODY, self.w - vx);
        let labels = self.m.wrap(label, LABEL, LABEL_WIDTH - 10.0);
        let n = lines.len().max(labels.len());
        for i in 0..n {
            let mut b = Block::new(BODY.leading());
            if let Some(l) = labels.get(i) {
                b.text(x, BODY.size, LABEL, l);
            }
            if let Some(v) = lines.get(i) {
                b.text(vx, BODY.size, BODY, v);
            }
            b.keep_with_next = i + 1 < labels.len() || keep_line(i, n);
            self.push(b);
        }
        self.push(Block::spacer(2.5));
    }

    fn field(&mut self, label: &str, value: &str) {
        self.field_at(0.0, label, value);
    }

    /// A table: a header row repeated on each page it runs onto, and rows that never split.
    /// `cols` are (title, width share, right-aligned); each row's cells are single lines cut
    /// to fit, and a row may carry a wrapped note under it.
    fn table(&mut self, cols: &[(&str, f32, bool)], rows: Vec<Row>) {
        let total: f32 = cols.iter().map(|c| c.1).sum();
        let widths: Vec<f32> = cols.iter().map(|c| c.1 / total * self.w).collect();
        let pad = 5.0;
        let cell_x = |i: usize| -> f32 { widths[..i].iter().sum::<f32>() };
        let mut head = Block::new(18.0);
        head.rect(0.0, 0.0, self.w, 18.0, SHADE);
        for (i, (title, _, right)) in cols.iter().enumerate() {
            let t = self.m.fit(title, TABLE_HEAD, widths[i] - 2.0 * pad);
            let x = if *right {
                cell_x(i) + widths[i] - pad - self.m.width(&t, TABLE_HEAD)
            } else {
                cell_x(i) + pad
            };
            head.text(x, 12.0, TABLE_HEAD, &t);
        }
        let head = Rc::new(head);
        let mut first = (*head).clone();
        first.keep_with_next = true;
        self.push(first);
        for (cells, note) in rows {
            let note_lines = note
                .filter(|n| !n.trim().is_empty())
                .map(|n| {
                    let mut lines = self.m.wrap(&n, SMALL, self.w - 2.0 * pad - widths[0]);
                    if lines.len() > NOTE_LINES {
                        lines.truncate(NOTE_LINES);
                        if let Some(last) = lines.last_mut() {
                            last.push('…');
                        }
                    }
                    lines
                })
                .unwrap_or_default();
            let height = 17.0 + note_lines.len() as f32 * SMALL.leading();
            let mut b = Block::new(height);
            for (i, (text, style)) in cells.iter().enumerate().take(cols.len()) {
                let t = self.m.fit(text, *style, widths[i] - 2.0 * pad);
                let x = if cols[i].2 {
                    cell_x(i) + widths[i] - pad - self.m.width(&t, *style)
                } else {
                    cell_x(i) + pad
                };
                b.text(x, 11.5, *style, &t);
            }
            for (k, line) in note_lines.iter().enumerate() {
                b.text(
                    widths[0] + pad,
                    11.5 + (k as f32 + 1.0) * SMALL.leading(),
                    SMALL,
                    line,
                );
            }
            b.hline(0.0, height - 0.5, self.w, 0.4, RULE);
            b.repeat = Some(head.clone());
            self.push(b);
        }
    }

    fn gap(&mut self, h: f32) {
        self.push(Block::spacer(h));
    }
}

/// The first page's letterhead: MSP name, report title, ticket number, and the client panel.
fn letterhead(doc: &Doc, settings: &ReportSettings, frame: Frame) -> (Vec<Draw>, f32) {
    let m = &doc.m;
    let rec = doc.rec;
    let w = frame.content_width();
    let mut b = Block::new(0.0);
    b.rect(-frame.left, -frame.top, frame.width, 7.0, ACCENT);
    let title = Style::new(17.0, true, ACCENT);
    let msp = m.fit(&settings.msp_name, title, w * 0.62);
    b.text(0.0, 20.0, title, &msp);
    let subtitle = match &rec.company {
        Some(c) => format!("Ticket closure report for {}", c.name),
        None => "Ticket closure report".to_string(),
    };
    let subtitle = m.fit(&subtitle, SMALL, w * 0.6);
    b.text(0.0, 35.0, SMALL, &subtitle);
    let label = Style::new(7.8, true, MUTED);
    let kicker = "CLOSURE REPORT";
    b.text(w - m.width(kicker, label), 9.0, label, kicker);
    let number_style = Style::new(19.0, true, INK);
    let number = m.fit(&rec.ticket.number, number_style, w * 0.35);
    b.text(
        w - m.width(&number, number_style),
        30.0,
        number_style,
        &number,
    );
    let closed = format!("Closed {}", doc.opt_time(rec.ticket.closed_at));
    b.text(w - m.width(&closed, SMALL), 42.0, SMALL, &closed);
    b.hline(0.0, 50.0, w, 0.6, RULE);

    // Client panel: three columns of label / value lines.
    let col_w = (w - 24.0) / 3.0;
    let company = rec.company.as_ref();
    let contact = rec.contact.as_ref();
    let calendar = match company.map(|c| &c.calendar) {
        Some(Calendar::BusinessHours(h)) => format!("Business hours, {}", h.time_zone),
        Some(Calendar::AlwaysOn) => "24×7".to_string(),
        None => "—".to_string(),
    };
    let columns: [Vec<(&str, String, bool)>; 3] = [
        vec![
            (
                "CLIENT",
                company
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| "—".into()),
                true,
            ),
            (
                "SERVICE TIER",
                company
                    .map(|c| title_case(c.tier.as_str()))
                    .unwrap_or_else(|| "—".into()),
                false,
            ),
            ("SLA CALENDAR", calendar, false),
        ],
        vec![
            (
                "CONTACT",
                contact
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| "—".into()),
                true,
            ),
            (
                "EMAIL",
                contact
                    .and_then(|c| c.email.clone())
                    .unwrap_or_else(|| "—".into()),
                false,
            ),
            (
                "PHONE",
                contact
                    .and_then(|c| c.phone.clone())
                    .unwrap_or_else(|| "—".into()),
                false,
            ),
        ],
        vec![
            ("OPENED", doc.opt_time(rec.ticket.opened_at), false),
            ("RESOLVED", doc.opt_time(rec.ticket.resolved_at), false),
            (
                "TECHNICIAN",
                rec.ticket
                    .assignee
                    .clone()
                    .or_else(|| rec.steps.last().map(|s| s.completed_by.clone()))
                    .unwrap_or_else(|| "—".into()),
                false,
            ),
        ],
    ];
    let panel_top = 60.0;
    let row_h = 25.0;
    let panel_h = 3.0 * row_h + 10.0;
    b.rect(0.0, panel_top, w, panel_h, SHADE);
    for (c, col) in columns.iter().enumerate() {
        let x = 10.0 + c as f32 * (col_w + 2.0);
        for (r, (label, value, strong)) in col.iter().enumerate() {
            let y = panel_top + 8.0 + r as f32 * row_h;
            b.text(x, y + 7.0, LABEL, label);
            let mut style = if *strong { BODY_BOLD } else { BODY };
            // Long addresses shrink a little before they are cut.
            while m.width(value, style) > col_w - 12.0 && style.size > 7.4 {
                style.size -= 0.3;
            }
            let v = m.fit(value, style, col_w - 12.0);
            b.text(x, y + 19.0, style, &v);
        }
    }
    let tz_note = format!("Times are shown in {}.", doc.zone.name());
    b.text(0.0, panel_top + panel_h + 12.0, SMALL, &tz_note);
    let draws = b
        .draws
        .iter()
        .map(|d| d.moved(frame.left, frame.top))
        .collect();
    (draws, frame.top + panel_top + panel_h + 24.0)
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn state_text(s: &SlaStatus) -> (String, Colour) {
    match s.state {
        SlaState::Met => ("Met".into(), GOOD),
        SlaState::Breached => ("Breached".into(), BAD),
        SlaState::Paused => ("Paused".into(), MUTED),
        SlaState::Running => ("Running".into(), INK),
        SlaState::AtRisk => ("At risk".into(), BAD),
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
            None => "Survey sent".into(),
        },
        FieldKind::Signature { .. } => "Signed (see Signatures)".into(),
        _ => plain(v),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(plain).collect::<Vec<_>>().join(", "),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

fn summary(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Summary");
    doc.field("Problem reported", &rec.ticket.problem);
    if let Some(s) = &rec.resolution.summary {
        doc.field("What we did", s);
    }
    if let Some(code) = &rec.resolution.code {
        doc.field("Resolution", code);
    }
    if let Some(reason) = &rec.ticket.caller_override_reason {
        doc.field("Caller override", reason);
    }
    if let Some(i) = &rec.parent_incident {
        doc.field(
            "Parent incident",
            &format!(
                "{} ({}, since {})",
                i.title,
                i.source,
                doc.time(i.started_at)
            ),
        );
    }
}

fn assets(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Affected assets");
    if rec.assets.is_empty() {
        doc.paragraph(0.0, "No assets were linked.", BODY);
        return;
    }
    let rows = rec
        .assets
        .iter()
        .map(|a| {
            (
                vec![
                    (a.hostname.clone(), BODY_BOLD),
                    (title_case(&a.kind), BODY),
                    (a.serial.clone().unwrap_or_else(|| "—".into()), BODY),
                    (a.assigned_upn.clone().unwrap_or_else(|| "—".into()), BODY),
                ],
                None,
            )
        })
        .collect();
    doc.table(
        &[
            ("HOSTNAME", 1.55, false),
            ("TYPE", 0.65, false),
            ("SERIAL", 0.85, false),
            ("ASSIGNED TO", 1.75, false),
        ],
        rows,
    );
}

fn priority_and_sla(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Priority and SLA");
    let p = &rec.priority;
    let priority = p
        .priority
        .map(|p| p.to_string())
        .unwrap_or_else(|| "—".into());
    let mut basis = Vec::new();
    if let Some(i) = p.impact {
        basis.push(format!("impact {i}"));
    }
    if let Some(u) = p.urgency {
        basis.push(format!("urgency {u}"));
    }
    if let Some(c) = p.computed {
        basis.push(format!("matrix gives {c}"));
    }
    let line = if basis.is_empty() {
        priority
    } else {
        format!("{priority} ({})", basis.join(", "))
    };
    doc.field("Priority", &line);
    if let Some(reason) = &p.override_reason {
        doc.field("Override reason", reason);
    }
    let Some(sla) = &rec.sla else {
        doc.field("SLA", "No SLA applied to this ticket.");
        return;
    };
    if let Some(policy) = &sla.policy {
        doc.field(
            "Policy",
            &format!(
                "{} tier, {}: first response within {}, resolution within {} of working time",
                title_case(policy.tier.as_str()),
                policy.priority,
                minutes_text(policy.first_response_minutes.into()),
                minutes_text(policy.resolution_minutes.into())
            ),
        );
    }
    let calendar = match &sla.calendar {
        Calendar::AlwaysOn => "24×7: every hour counts".to_string(),
        Calendar::BusinessHours(h) => {
            let days: Vec<String> = h.working_days.iter().map(|d| d.to_string()).collect();
            format!(
                "Business hours in {}: {} {}–{}{}",
                h.time_zone,
                days.join(" "),
                h.opens.format("%H:%M"),
                h.closes.format("%H:%M"),
                if h.holidays.is_empty() {
                    String::new()
                } else {
                    format!(", {} holidays excluded", h.holidays.len())
                }
            )
        }
    };
    doc.field("Counted on", &calendar);
    doc.gap(4.0);
    let mut rows = Vec::new();
    for (name, status, met_at) in [
        (
            "First response",
            &sla.first_response,
            rec.ticket.first_response_at,
        ),
        ("Resolution", &sla.resolution, rec.ticket.resolved_at),
    ] {
        let Some(s) = status else { continue };
        let (state, colour) = state_text(s);
        rows.push((
            vec![
                (name.to_string(), BODY_BOLD),
                (secs_text(s.target_secs), BODY),
                (secs_text(s.elapsed_secs), BODY),
                (secs_text(s.paused_secs), BODY),
                (doc.opt_time(met_at), BODY),
                (state, Style::new(BODY.size, true, colour)),
            ],
            None,
        ));
    }
    doc.table(
        &[
            ("MEASURE", 1.15, false),
            ("TARGET", 0.75, true),
            ("ACTUAL", 0.75, true),
            ("PAUSED", 0.7, true),
            ("ACHIEVED AT", 1.25, false),
            ("RESULT", 0.7, false),
        ],
        rows,
    );
    doc.gap(4.0);
    if sla.pauses.is_empty() {
        doc.field("Paused", "The SLA clocks were never paused.");
    } else {
        let text = sla
            .pauses
            .iter()
            .map(|p| {
                format!(
                    "Waiting on customer {} – {}",
                    doc.time(p.from),
                    p.to.map(|t| doc.time(t)).unwrap_or_else(|| "(open)".into())
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        doc.field("Paused", &text);
    }
}

#[derive(Clone, Copy, PartialEq)]
enum StepState {
    Done,
    Earlier,
    NotApplicable,
}

/// One step's title line: a numbered badge (filled when done), the title, and on the right who
/// completed it and when, or why it does not apply.
fn step_row(doc: &mut Doc, number: u8, title: &str, state: StepState, right: &str) {
    let w = doc.w;
    let mut b = Block::new(17.0);
    let (badge_fill, badge_ink, title_style) = match state {
        StepState::Done => (ACCENT, Colour(1.0, 1.0, 1.0), BODY_BOLD),
        StepState::Earlier => (RULE, INK, Style::new(BODY.size, true, MUTED)),
        StepState::NotApplicable => (SHADE, MUTED, Style::new(BODY.size, false, MUTED)),
    };
    b.rect(0.0, 2.5, 16.0, 12.0, badge_fill);
    let badge = format!("{number}");
    let badge_style = Style::new(7.4, true, badge_ink);
    let bw = doc.m.width(&badge, badge_style);
    b.text(8.0 - bw / 2.0, 11.4, badge_style, &badge);
    let right_style = match state {
        StepState::Done | StepState::Earlier => SMALL,
        StepState::NotApplicable => SMALL_BOLD,
    };
    let right = doc.m.fit(right, right_style, w * 0.42);
    let rw = doc.m.width(&right, right_style);
    b.text(w - rw, 11.5, right_style, &right);
    let t = doc.m.fit(title, title_style, w - STEP_INDENT - rw - 10.0);
    b.text(STEP_INDENT, 11.5, title_style, &t);
    b.keep_with_next = state != StepState::NotApplicable;
    doc.push(b);
}

fn workflow(doc: &mut Doc) {
    let rec = doc.rec;
    let template = doc.template;
    doc.heading("Workflow");
    for phase in &template.phases {
        doc.subheading(&phase.title);
        for step in &phase.steps {
            let done: Vec<&StepPart> = rec
                .steps
                .iter()
                .filter(|s| s.number == step.number)
                .collect();
            if done.is_empty() {
                step_row(
                    doc,
                    step.number,
                    &step.title,
                    StepState::NotApplicable,
                    "Not applicable",
                );
                continue;
            }
            for s in done {
                let state = if s.superseded {
                    StepState::Earlier
                } else {
                    StepState::Done
                };
                let right = format!("{} · {}", s.completed_by, doc.time(s.completed_at));
                let title = if s.superseded {
                    format!("{} (earlier attempt)", step.title)
                } else {
                    step.title.clone()
                };
                step_row(doc, step.number, &title, state, &right);
                let before = doc.blocks.len();
                if step.number == 11 && doc.rec.handoff.is_some() {
                    doc.field_at(STEP_INDENT, "Notes", "See the Tier-2 hand-off below.");
                } else {
                    for f in &step.fields {
                        let value = match &f.kind {
                            FieldKind::Signature { .. } => rec
                                .signatures
                                .iter()
                                .any(|g| g.step == s.number && g.field == f.key && !s.superseded)
                                .then(|| "Signed (see Signatures)".to_string()),
                            kind => s.values.get(&f.key).map(|v| value_text(rec, kind, v)),
                        };
                        if let Some(value) = value {
                            doc.field_at(STEP_INDENT, &f.label, &value);
                        }
                    }
                }
                if doc.blocks.len() == before {
                    if let Some(last) = doc.blocks.last_mut() {
                        last.keep_with_next = false;
                    }
                }
                doc.gap(2.0);
            }
        }
        doc.gap(4.0);
    }
}

fn handoff(doc: &mut Doc) {
    let rec = doc.rec;
    let Some(h) = &rec.handoff else { return };
    doc.heading("Tier-2 hand-off");
    let labels = doc
        .template
        .step(11)
        .map(|s| {
            s.fields
                .iter()
                .map(|f| (f.key.clone(), f.label.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for (key, label) in labels {
        if let Some(v) = h.get(&key) {
            doc.field(&label, &plain(v));
        }
    }
    if rec.ticket.page_on_call {
        doc.field(
            "On-call paged",
            "Yes: a P1/P2 ticket whose SLA was at risk paged the on-call engineer.",
        );
    }
}

fn time_entries(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Time entries");
    if rec.time.entries.is_empty() {
        doc.paragraph(0.0, "No time was recorded.", BODY);
        return;
    }
    let mut rows: Vec<Row> = rec
        .time
        .entries
        .iter()
        .map(|e| {
            (
                vec![
                    (doc.time(e.started_at), BODY),
                    (e.technician.clone(), BODY),
                    (e.work_type.clone(), BODY),
                    (
                        if e.billable {
                            "Billable"
                        } else {
                            "Non-billable"
                        }
                        .to_string(),
                        BODY,
                    ),
                    (minutes_text(e.minutes.into()), BODY),
                ],
                Some(e.note.clone()),
            )
        })
        .collect();
    let total = |label: &str, minutes: u64| {
        (
            vec![
                (label.to_string(), BODY_BOLD),
                (String::new(), BODY),
                (String::new(), BODY),
                (String::new(), BODY),
                (
                    minutes_text(i64::try_from(minutes).unwrap_or(i64::MAX)),
                    BODY_BOLD,
                ),
            ],
            None,
        )
    };
    rows.push(total("Billable total", rec.time.billable_minutes));
    rows.push(total("Non-billable total", rec.time.non_billable_minutes));
    rows.push(total(
        "Total",
        rec.time.billable_minutes + rec.time.non_billable_minutes,
    ));
    doc.table(
        &[
            ("STARTED", 1.05, false),
            ("TECHNICIAN", 1.0, false),
            ("WORK TYPE", 1.1, false),
            ("BILLING", 0.8, false),
            ("TIME", 0.7, true),
        ],
        rows,
    );
}

fn csat(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Customer satisfaction");
    match &rec.csat {
        Some(c) => {
            match c.rating {
                Some(n) => {
                    let n = n.clamp(0, 5) as usize;
                    let mut b = Block::new(20.0);
                    let stars = format!("{}{}", "★".repeat(n), "☆".repeat(5 - n));
                    let star_style = Style::new(13.0, false, Colour(0.85, 0.62, 0.05));
                    b.text(0.0, 14.0, star_style, &stars);
                    let sw = doc.m.width(&stars, star_style);
                    b.text(sw + 8.0, 13.0, BODY_BOLD, &format!("{n} of 5"));
                    doc.push(b);
                    doc.gap(3.0);
                }
                None => doc.field("Survey", "Sent to the requester; no answer yet."),
            }
            if let Some(comment) = &c.comment {
                doc.field("Comment", comment);
            }
        }
        None => doc.field("Survey", "No survey was recorded."),
    }
}

fn resolution(doc: &mut Doc) {
    let r = &doc.rec.resolution;
    doc.heading("Resolution");
    let items = [
        ("Resolution code", &r.code),
        ("Root cause", &r.root_cause),
        ("Changes made", &r.changes),
        ("References", &r.references),
        ("Closure notes", &r.closure_notes),
    ];
    for (label, value) in items {
        if let Some(v) = value {
            doc.field(label, v);
        }
    }
}

/// Catmull-Rom through the points, as cubic Bézier segments.
fn smooth(points: &[(f32, f32)]) -> Vec<(f32, f32, bool)> {
    let mut out = Vec::with_capacity(points.len() * 3);
    let Some(&first) = points.first() else {
        return out;
    };
    out.push((first.0, first.1, false));
    if points.len() == 1 {
        // A dot: a tiny stroke so the round cap shows.
        out.push((first.0 + 0.2, first.1, false));
        return out;
    }
    for i in 0..points.len() - 1 {
        let p0 = points[i.saturating_sub(1)];
        let p1 = points[i];
        let p2 = points[i + 1];
        let p3 = points[(i + 2).min(points.len() - 1)];
        out.push((p1.0 + (p2.0 - p0.0) / 6.0, p1.1 + (p2.1 - p0.1) / 6.0, true));
        out.push((p2.0 - (p3.0 - p1.0) / 6.0, p2.1 - (p3.1 - p1.1) / 6.0, true));
        out.push((p2.0, p2.1, false));
    }
    out
}

fn signature_draws(sig: &Signature, x: f32, y: f32, w: f32, h: f32) -> Vec<Draw> {
    let scale = (w / sig.width as f32).min(h / sig.height as f32);
    if !scale.is_finite() || scale <= 0.0 {
        return Vec::new();
    }
    let ox = x + (w - sig.width as f32 * scale) / 2.0;
    let oy = y + (h - sig.height as f32 * scale) / 2.0;
    sig.strokes
        .iter()
        .filter(|s| !s.is_empty())
        .map(|stroke| {
            let pts: Vec<(f32, f32)> = stroke
                .iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .map(|p| (ox + p.x as f32 * scale, oy + p.y as f32 * scale))
                .collect();
            let pressure = stroke
                .iter()
                .map(|p| p.pressure.clamp(0.0, 1.0))
                .sum::<f64>()
                / stroke.len() as f64;
            Draw::Path {
                points: smooth(&pts),
                width: 0.7 + 1.1 * pressure as f32,
                colour: PEN,
            }
        })
        .collect()
}

fn signed_at_text(at: DateTime<FixedOffset>) -> String {
    let off = at.offset().local_minus_utc();
    let sign = if off < 0 { '-' } else { '+' };
    let off = off.abs();
    format!(
        "{} (UTC{sign}{:02}:{:02})",
        at.format("%-d %b %Y %H:%M"),
        off / 3600,
        (off % 3600) / 60
    )
}

fn signatures(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Signatures");
    if rec.signatures.is_empty() {
        doc.paragraph(0.0, "No signatures were collected.", BODY);
        return;
    }
    let gap = 18.0;
    let col = (doc.w - gap) / 2.0;
    let pad_h = 74.0;
    let height = pad_h + 73.0;
    for pair in rec.signatures.chunks(2) {
        let mut b = Block::new(height + 10.0);
        for (k, part) in pair.iter().enumerate() {
            let x = k as f32 * (col + gap);
            b.rect(x, 0.0, col, pad_h, SHADE);
            let sig: Option<Signature> = serde_json::from_value(part.signature.clone()).ok();
            match &sig {
                Some(sig) => {
                    b.draws
                        .extend(signature_draws(sig, x + 8.0, 6.0, col - 16.0, pad_h - 12.0))
                }
                None => b.text(x + 8.0, pad_h / 2.0, SMALL, "(signature unreadable)"),
            }
            b.hline(x, pad_h, col, 0.8, INK);
            let (name, role, meaning, when) = match &sig {
                Some(s) => (
                    s.signer_name.clone(),
                    match s.role {
                        SignerRole::EndUser => "End user",
                        SignerRole::Technician => "Technician",
                    },
                    s.meaning.clone(),
                    signed_at_text(s.signed_at),
                ),
                None => (String::new(), "", String::new(), String::new()),
            };
            let step_title = doc
                .template
                .step(part.step)
                .map(|s| format!("Step {}: {}", s.number, s.title))
                .unwrap_or_default();
            let name = doc.m.fit(&name, Style::new(10.0, true, INK), col);
            b.text(x, pad_h + 15.0, Style::new(10.0, true, INK), &name);
            let role_line = doc.m.fit(&format!("{role} · {meaning}"), BODY, col);
            b.text(x, pad_h + 28.0, BODY, &role_line);
            b.text(
                x,
                pad_h + 40.0,
                SMALL,
                &doc.m.fit(&format!("Signed {when}"), SMALL, col),
            );
            b.text(x, pad_h + 51.0, SMALL, &doc.m.fit(&step_title, SMALL, col));
            if let Some(hash) = sig
                .as_ref()
                .map(|s| &s.content_sha256)
                .filter(|h| !h.is_empty())
            {
                let line = format!("Signed text SHA-256 {hash}");
                b.text(x, pad_h + 62.0, SMALL, &doc.m.fit(&line, SMALL, col));
            }
        }
        doc.push(b);
    }
}

fn integrity(doc: &mut Doc, hash: &str, signer: Option<&SignerNote>) {
    let rec = doc.rec;
    let start = doc.blocks.len();
    doc.heading("Record and signature");
    doc.field(
        "Sealed record",
        &format!(
            "This report was produced from the record sealed when {} was closed. The record is \
             attached to this PDF as {}-record.json; its SHA-256 appears below and in every \
             page footer, so anyone can recompute it.",
            rec.ticket.number, rec.ticket.number
        ),
    );
    doc.field("Record SHA-256", hash);
    doc.field("Audit chain head", &rec.audit_head);
    if let Some(s) = signer {
        doc.field(
            "Digital signature",
            &format!(
                "Signed by \"{}\" (PAdES, ECDSA P-256 / SHA-256). To validate it, trust the \
                 root certificate \"{}\" that your service desk provides. Any change to this file \
                 invalidates the signature.",
                s.signer, s.root
            ),
        );
    }
    // The closing statement is short and reads as one: it never breaks across pages.
    let end = doc.blocks.len();
    for b in &mut doc.blocks[start..end.saturating_sub(1)] {
        b.keep_with_next = true;
    }
}

pub(crate) fn build(
    rec: &ClosureRecord,
    template: &Template,
    settings: &ReportSettings,
    hash: &str,
    signer: Option<&SignerNote>,
    frame: Frame,
) -> crate::error::Result<Content> {
    let fonts = Fonts::get()?;
    let mut doc = Doc {
        m: Measure { fonts },
        w: frame.content_width(),
        blocks: Vec::new(),
        zone: zone_of(rec),
        rec,
        template,
    };
    let (letterhead, first_top) = letterhead(&doc, settings, frame);
    summary(&mut doc);
    assets(&mut doc);
    priority_and_sla(&mut doc);
    workflow(&mut doc);
    handoff(&mut doc);
    time_entries(&mut doc);
    csat(&mut doc);
    resolution(&mut doc);
    signatures(&mut doc);
    integrity(&mut doc, hash, signer);
    Ok(Content {
        blocks: doc.blocks,
        first_top,
        letterhead,
        running_header: format!(
            "{} · Closure report {}",
            settings.msp_name, rec.ticket.number
        ),
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
    fn signature_times_carry_their_utc_offset() {
        let at = DateTime::parse_from_rfc3339("2026-03-02T10:14:00+01:00").unwrap();
        assert_eq!(signed_at_text(at), "2 Mar 2026 10:14 (UTC+01:00)");
    }
}
