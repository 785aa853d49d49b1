//! The client's pages: what they asked for, what was done, time billed, the SLA in words,
//! their feedback, the signatures and what the report proves, with no internal jargon.

use super::*;
/// Working days as people say them: "Mon–Fri", or a list when they are not a run.
pub(super) fn days_words(days: &[chrono::Weekday]) -> String {
    let nums: Vec<u32> = days.iter().map(|d| d.num_days_from_monday()).collect();
    let run = nums.len() > 2 && nums.windows(2).all(|w| w[1] == w[0] + 1);
    match (run, days.first(), days.last()) {
        (true, Some(a), Some(b)) => format!("{a}–{b}"),
        _ => days
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(super) fn calendar_words(c: &Calendar) -> String {
    match c {
        Calendar::AlwaysOn => "around the clock, every day".to_string(),
        Calendar::BusinessHours(h) => format!(
            "{} {}–{} {} time{}",
            days_words(&h.working_days),
            h.opens.format("%H:%M"),
            h.closes.format("%H:%M"),
            h.time_zone,
            match h.holidays.len() {
                0 => String::new(),
                1 => ", except 1 public holiday".to_string(),
                n => format!(", except {n} public holidays"),
            }
        ),
    }
}

/// The client's pages: what they asked for and what was done about it.
pub(super) fn request_and_work(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Your request");
    doc.paragraph(0.0, &rec.ticket.problem, LEAD);
    doc.gap(6.0);
    doc.heading("What we did");
    match (&rec.resolution.summary, &rec.resolution.changes) {
        (Some(s), _) => doc.paragraph(0.0, s, LEAD),
        (None, Some(c)) => doc.paragraph(0.0, c, LEAD),
        (None, None) => doc.paragraph(0.0, "No summary was recorded.", LEAD),
    }
    doc.gap(6.0);
    if let Some(code) = &rec.resolution.code {
        doc.field("Outcome", &code_words(code));
    }
    let mut story = Vec::new();
    if let Some(i) = &rec.parent_incident {
        story.push(format!(
            "Your request was part of a wider incident: {} (reported by {}, since {}).",
            i.title,
            i.source,
            doc.time(i.started_at)
        ));
    }
    if rec.ticket.escalated || rec.handoff.is_some() {
        story.push("We passed your request to our second-line specialists.".to_string());
    }
    let failed: Vec<&StepPart> = rec
        .steps
        .iter()
        .filter(|s| {
            s.key == builtin::VERIFY_FIX
                && s.values.get("outcome").and_then(Value::as_str) == Some(builtin::STILL_FAILING)
        })
        .collect();
    let what_failed: Vec<String> = rec
        .steps
        .iter()
        .filter(|s| s.key == builtin::REOPEN_REASSIGN)
        .filter_map(|s| s.values.get("what_failed").and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    for (k, _) in failed.iter().enumerate() {
        let ordinal = match k {
            0 => "first",
            1 => "second",
            2 => "third",
            _ => "next",
        };
        let why = what_failed
            .get(k)
            .map(|w| format!(" ({})", w.trim_end_matches('.')))
            .unwrap_or_default();
        story.push(format!(
            "Our {ordinal} fix did not hold when we checked it with you{why}; we went on until it did."
        ));
    }
    if !story.is_empty() {
        doc.field("How it went", &story.join("\n"));
    }
    if let Some(i) = rec.ticket.resolved_at {
        let resolved = doc.time(i);
        doc.field("Resolved", &resolved);
    }
}

/// Billable time, entry by entry; unbilled internal time is only counted here (its entries are
/// in the appendix).
pub(super) fn time_billed(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Time billed");
    let billable: Vec<_> = rec.time.entries.iter().filter(|e| e.billable).collect();
    if billable.is_empty() {
        doc.paragraph(0.0, "No time was billed for this request.", BODY);
    } else {
        doc.time_entries(
            &billable,
            ("BY", "WORK"),
            ("Total billed", rec.time.billable_minutes),
        );
    }
    if rec.time.non_billable_minutes > 0 {
        doc.gap(4.0);
        doc.paragraph(
            0.0,
            &format!(
                "A further {} of internal work was recorded and not charged.",
                minutes_text(i64::try_from(rec.time.non_billable_minutes).unwrap_or(i64::MAX))
            ),
            SMALL,
        );
    }
}

/// The SLA in words: the promise, what was achieved, and why the clock stood still.
pub(super) fn service_level(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Service level");
    let Some(sla) = &rec.sla else {
        doc.paragraph(
            0.0,
            "No service-level agreement applied to this request.",
            BODY,
        );
        return;
    };
    if let Some(p) = &sla.policy {
        doc.field(
            "Your plan",
            &format!(
                "{} service for {}: first response within {} and resolution within {} of \
                 working time, counted {}.",
                title_case(p.tier.as_str()),
                p.priority,
                minutes_text(p.first_response_minutes.into()),
                minutes_text(p.resolution_minutes.into()),
                calendar_words(&sla.calendar)
            ),
        );
        doc.gap(2.0);
    }
    let opened = rec.ticket.opened_at;
    let end = rec.ticket.closed_at.unwrap_or(rec.ticket.created_at);
    let mut rows = Vec::new();
    for (name, verb, status, stopped) in [
        (
            "First response",
            "Responded",
            &sla.first_response,
            rec.ticket.first_response_at,
        ),
        (
            "Resolution",
            "Resolved",
            &sla.resolution,
            rec.ticket.resolved_at,
        ),
    ] {
        let Some(s) = status else { continue };
        let (state, colour) = state_words(s);
        let mut note = Vec::new();
        if let Some(at) = stopped {
            note.push(format!("{verb} {}.", doc.time(at)));
        }
        if let Some(opened) = opened {
            let b = clock_breaks(s, opened, stopped, end);
            let mut still = Vec::new();
            if b.outside_hours_secs > 0 {
                still.push(format!(
                    "{} outside business hours",
                    secs_text(b.outside_hours_secs)
                ));
            }
            if b.waiting_secs > 0 {
                still.push(format!(
                    "{} while we waited for your reply",
                    secs_text(b.waiting_secs)
                ));
            }
            if !still.is_empty() {
                note.push(format!("The clock did not run {}.", still.join(" and ")));
            }
        }
        rows.push((
            vec![
                (name.to_string(), BODY_BOLD),
                (secs_text(s.target_secs), BODY),
                (duration_words(s.elapsed_secs), BODY),
                (state.to_string(), Style::new(BODY.size, true, colour)),
            ],
            Some(note.join(" ")),
        ));
    }
    doc.table(
        &[
            ("COMMITMENT", 1.3, false),
            ("TARGET", 0.8, true),
            ("TAKEN (WORKING TIME)", 1.2, true),
            ("RESULT", 0.8, false),
        ],
        rows,
    );
}

pub(super) fn feedback(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Your feedback");
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
                    b.keep_with_next = c.comment.is_some();
                    doc.push(b);
                    doc.gap(3.0);
                }
                None => doc.paragraph(
                    0.0,
                    "We sent you a short survey; no answer had arrived when the ticket closed.",
                    BODY,
                ),
            }
            if let Some(comment) = &c.comment {
                doc.paragraph(0.0, &format!("“{comment}”"), LEAD);
            }
        }
        None => doc.paragraph(0.0, "No survey was recorded.", BODY),
    }
}

pub(super) fn smooth(points: &[(f32, f32)]) -> Vec<(f32, f32, bool)> {
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

pub(super) fn signature_draws(sig: &Signature, x: f32, y: f32, w: f32, h: f32) -> Vec<Draw> {
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

pub(super) fn role_words(role: SignerRole) -> &'static str {
    match role {
        SignerRole::EndUser => "Requester",
        SignerRole::Technician => "Technician",
    }
}

pub(super) fn signatures(doc: &mut Doc) {
    let rec = doc.rec;
    doc.heading("Sign-off");
    if rec.signatures.is_empty() {
        doc.paragraph(0.0, "No signatures were collected.", BODY);
        return;
    }
    let gap = 18.0;
    let col = (doc.w - gap) / 2.0;
    let pad_h = 74.0;
    let name_style = Style::new(10.0, true, INK);
    for pair in rec.signatures.chunks(2) {
        // Each signature with its name, role and time lines, and the full SHA-256 of the text it
        // signed (all 64 digits, wrapped in the column: a cut hash cannot be checked).
        type Lines = Vec<String>;
        let parts: Vec<(Option<Signature>, Lines, Lines, Lines, Lines)> = pair
            .iter()
            .map(|part| {
                let sig: Option<Signature> = serde_json::from_value(part.signature.clone()).ok();
                let hash = match sig.as_ref().filter(|s| !s.content_sha256.is_empty()) {
                    // Two lines of 32 digits: whole, and easy to read aloud or compare.
                    Some(s) => {
                        let h = &s.content_sha256;
                        let half = h.char_indices().nth(32).map_or(h.len(), |(i, _)| i);
                        let (a, b) = h.split_at(half);
                        doc.m
                            .wrap(&format!("Signed text SHA-256\n{a}\n{b}"), SMALL, col)
                    }
                    None => Vec::new(),
                };
                let (name, role, when) = match &sig {
                    Some(s) => (
                        doc.m.wrap(&s.signer_name, name_style, col),
                        doc.m.wrap(
                            &format!("{} · signed to confirm: {}", role_words(s.role), s.meaning),
                            BODY,
                            col,
                        ),
                        doc.m.wrap(
                            &format!("Signed {}", doc.signed_time(s.signed_at.to_utc())),
                            SMALL,
                            col,
                        ),
                    ),
                    None => (Vec::new(), Vec::new(), Vec::new()),
                };
                (sig, name, role, when, hash)
            })
            .collect();
        let text_h = parts
            .iter()
            .map(|(_, n, r, w, h)| {
                n.len() as f32 * name_style.leading()
                    + r.len() as f32 * BODY.leading()
                    + (w.len() + h.len()) as f32 * SMALL.leading()
            })
            .fold(0.0, f32::max);
        let mut b = Block::new(pad_h + 8.0 + text_h + 12.0);
        for (k, (sig, name, role, when, hash)) in parts.iter().enumerate() {
            let x = k as f32 * (col + gap);
            b.rect(x, 0.0, col, pad_h, SHADE);
            match sig {
                Some(sig) => {
                    b.draws
                        .extend(signature_draws(sig, x + 8.0, 6.0, col - 16.0, pad_h - 12.0))
                }
                None => b.text(x + 8.0, pad_h / 2.0, SMALL, "(signature unreadable)"),
            }
            b.hline(x, pad_h, col, 0.8, INK);
            let mut y = pad_h + 4.0;
            for (lines, style) in [
                (name, name_style),
                (role, BODY),
                (when, SMALL),
                (hash, SMALL),
            ] {
                for line in lines {
                    y += style.leading();
                    b.text(x, y, style, line);
                }
            }
        }
        doc.push(b);
    }
}

/// What the client can rely on, in plain words; the technical details are in the appendix.
pub(super) fn about(doc: &mut Doc, settings: &ReportSettings, signer: Option<&SignerNote>) {
    let rec = doc.rec;
    let start = doc.blocks.len();
    doc.heading("About this report");
    let mut text = format!(
        "{} produced this report from the record of {} sealed when it was closed.",
        settings.msp_name, rec.ticket.number
    );
    if let Some(s) = signer {
        text.push_str(&format!(
            " It is digitally signed by “{}”: any change to this file breaks the signature. To \
             check it, trust the root certificate “{}”, which {} can give you.",
            s.signer, s.root, settings.msp_name
        ));
        if let Some(history) = &s.history {
            text.push(' ');
            text.push_str(history);
        }
    }
    text.push_str(&format!(
        " The record itself is attached to the file as {}-record.json; its fingerprint is \
         printed at the foot of every page.",
        rec.ticket.number
    ));
    if settings.include_appendix {
        text.push_str(" The desk's full technical record follows as an appendix.");
    }
    doc.paragraph(0.0, &text, BODY);
    let end = doc.blocks.len();
    for b in &mut doc.blocks[start..end.saturating_sub(1)] {
        b.keep_with_next = true;
    }
}
