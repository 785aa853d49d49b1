//! The appendix: the desk's full technical record (assets, priority, every workflow step with
//! who completed it and when, the Tier-2 hand-off, internal time, the record's bindings). Values
//! the client's pages already show are referred to, not printed again.

use super::*;
/// Starts the appendix on a page of its own.
pub(super) fn appendix_start(doc: &mut Doc) {
    let mut b = Block::new(0.0);
    b.page_break_before = true;
    doc.push(b);
    doc.heading("Appendix: technical record");
    let text = format!(
        "The service desk's full record of {}: every step of its workflow as it was \
         completed, with who completed it and when.",
        doc.rec.ticket.number
    );
    doc.paragraph(0.0, &text, SMALL);
    doc.gap(4.0);
}

pub(super) fn assets(doc: &mut Doc) {
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
            ("HOSTNAME", 1.4, false),
            ("TYPE", 0.65, false),
            ("SERIAL", 0.9, false),
            ("ASSIGNED TO", 1.85, false),
        ],
        rows,
    );
}

/// How the priority was set and when the clocks were paused (the figures are on the client's
/// pages).
pub(super) fn priority_and_clock(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Priority and SLA clock");
    let p = &rec.priority;
    let mut line = p.priority.map(priority_words).unwrap_or_else(|| "—".into());
    let mut basis = Vec::new();
    if let Some(i) = p.impact {
        basis.push(format!("impact: {}", impact_words(i)));
    }
    if let Some(u) = p.urgency {
        basis.push(format!("urgency: {}", urgency_words(u)));
    }
    if let Some(c) = p.computed {
        basis.push(format!("the priority matrix gives {c}"));
    }
    if !basis.is_empty() {
        line = format!("{line} ({})", basis.join("; "));
    }
    doc.field("Priority", &line);
    if let Some(reason) = &p.override_reason {
        doc.field("Override reason", reason);
    }
    if let Some(reason) = &rec.ticket.caller_override_reason {
        doc.field("Caller override", reason);
    }
    if rec.ticket.page_on_call {
        doc.field(
            "On-call paged",
            "Yes: a P1/P2 ticket whose SLA was at risk paged the on-call engineer.",
        );
    }
    let Some(sla) = &rec.sla else {
        doc.field("SLA", "No SLA applied to this ticket.");
        return;
    };
    if sla.pauses.is_empty() {
        doc.field("Waiting on customer", "The SLA clocks were never paused.");
    } else {
        let text = sla
            .pauses
            .iter()
            .map(|p| {
                format!(
                    "{} – {}",
                    doc.time(p.from),
                    p.to.map(|t| doc.time(t)).unwrap_or_else(|| "(open)".into())
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        doc.field("Waiting on customer", &text);
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum StepState {
    Done,
    Earlier,
    NotApplicable,
}

/// One step's title line: a numbered badge (filled when done), the title, and on the right who
/// completed it and when, or why it does not apply. Both sides wrap; nothing is cut.
pub(super) fn step_row(doc: &mut Doc, number: u8, title: &str, state: StepState, right: &str) {
    let w = doc.w;
    let (badge_fill, badge_ink, title_style) = match state {
        StepState::Done => (ACCENT, Colour(1.0, 1.0, 1.0), BODY_BOLD),
        StepState::Earlier => (RULE, INK, Style::new(BODY.size, true, MUTED)),
        StepState::NotApplicable => (SHADE, MUTED, Style::new(BODY.size, false, MUTED)),
    };
    let right_style = match state {
        StepState::Done | StepState::Earlier => SMALL,
        StepState::NotApplicable => SMALL_BOLD,
    };
    let right_w = w * 0.42;
    let rights = doc.m.wrap(right, right_style, right_w);
    let rw = rights
        .iter()
        .map(|r| doc.m.width(r, right_style))
        .fold(0.0, f32::max);
    let titles = doc.m.wrap(title, title_style, w - STEP_INDENT - rw - 10.0);
    let n = titles.len().max(rights.len());
    let mut b = Block::new(17.0 + (n - 1) as f32 * BODY.leading());
    b.rect(0.0, 2.5, 16.0, 12.0, badge_fill);
    let badge = format!("{number}");
    let badge_style = Style::new(7.4, true, badge_ink);
    let bw = doc.m.width(&badge, badge_style);
    b.text(8.0 - bw / 2.0, 11.4, badge_style, &badge);
    for (k, r) in rights.iter().enumerate() {
        let x = w - doc.m.width(r, right_style);
        b.text(x, 11.5 + k as f32 * BODY.leading(), right_style, r);
    }
    for (k, t) in titles.iter().enumerate() {
        b.text(
            STEP_INDENT,
            11.5 + k as f32 * BODY.leading(),
            title_style,
            t,
        );
    }
    b.keep_with_next = state != StepState::NotApplicable;
    doc.push(b);
}

/// Where a value of the ticket's current completion is printed instead of in the workflow, so
/// it is printed once: (step key, field) → the section that shows it.
pub(super) fn shown_elsewhere(
    rec: &ClosureRecord,
    step: &str,
    field: &str,
    v: &Value,
) -> Option<&'static str> {
    use builtin as b;
    match (step, field) {
        (b::OPEN_TICKET, "problem_statement")
            if v.as_str() == Some(rec.ticket.problem.as_str()) =>
        {
            Some("Shown under “Your request”.")
        }
        (b::SUMMARY, "summary") => Some("Shown under “What we did”."),
        (b::CSAT, "rating") | (b::CSAT, "comment") => Some("Shown under “Your feedback”."),
        (b::CLOSE, "resolution_code") => Some("Shown as the outcome under “What we did”."),
        _ => None,
    }
}

pub(super) fn workflow(doc: &mut Doc) {
    let rec = doc.rec;
    let template = doc.template;
    doc.heading("Workflow");
    doc.field("Template", &template_words(rec));
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
                if step.key == builtin::TIER2_HANDOFF && doc.rec.handoff.is_some() {
                    doc.field_at(STEP_INDENT, "Notes", "See the Tier-2 hand-off below.");
                } else {
                    for f in &step.fields {
                        let value = match &f.kind {
                            FieldKind::Signature { .. } => rec
                                .signatures
                                .iter()
                                .any(|g| g.step == s.number && g.field == f.key && !s.superseded)
                                .then(|| "Signed (see Sign-off)".to_string()),
                            kind => s.values.get(&f.key).map(|v| {
                                match shown_elsewhere(rec, &step.key, &f.key, v)
                                    .filter(|_| !s.superseded)
                                {
                                    Some(note) => note.to_string(),
                                    None => value_text(rec, kind, v),
                                }
                            }),
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

pub(super) fn handoff(doc: &mut Doc) {
    let rec = doc.rec;
    let Some(h) = &rec.handoff else { return };
    doc.heading("Tier-2 hand-off");
    let labels = doc
        .template
        .by_key(builtin::TIER2_HANDOFF)
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
}

/// Time recorded and not billed (the billed entries are on the client's pages).
pub(super) fn unbilled_time(doc: &mut Doc) {
    let rec = doc.rec;
    let entries: Vec<_> = rec.time.entries.iter().filter(|e| !e.billable).collect();
    if entries.is_empty() {
        return;
    }
    doc.heading("Internal time (not billed)");
    doc.time_entries(
        &entries,
        ("TECHNICIAN", "WORK TYPE"),
        ("Total not billed", rec.time.non_billable_minutes),
    );
}

/// The record's binding to the audit chain and each signature's signed-text fingerprint.
pub(super) fn integrity(doc: &mut Doc) {
    let rec = doc.rec;
    let start = doc.blocks.len();
    doc.heading("Record and signatures");
    doc.field(
        "Sealed record",
        &format!(
            "Attached to this PDF as {}-record.json (RFC 8785 canonical JSON); its SHA-256 is \
             printed at the foot of every page.",
            rec.ticket.number
        ),
    );
    doc.field("Audit chain head", &rec.audit_head);
    for part in &rec.signatures {
        let sig: Option<Signature> = serde_json::from_value(part.signature.clone()).ok();
        if let Some(sig) = sig.filter(|s| !s.content_sha256.is_empty()) {
            doc.field(
                &format!("Text signed by {} (SHA-256)", sig.signer_name),
                &sig.content_sha256,
            );
        }
    }
    // The closing section is short and reads as one: it never breaks across pages.
    let end = doc.blocks.len();
    for b in &mut doc.blocks[start..end.saturating_sub(1)] {
        b.keep_with_next = true;
    }
}
