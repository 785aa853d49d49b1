//! The figures as plain text, for the command line.

use super::*;
use std::fmt::Write;

/// "3 h 05 min" style business time; "-" when there is none.
fn duration(secs: Option<i64>) -> String {
    match secs {
        None => "-".into(),
        Some(s) => {
            let minutes = s / 60;
            format!("{} h {:02} min", minutes / 60, minutes % 60)
        }
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "-".into())
}

fn hours(minutes: u64) -> String {
    format!("{:.2} h", minutes as f64 / 60.0)
}

fn counts(list: &[Count]) -> String {
    if list.is_empty() {
        return "-".into();
    }
    list.iter()
        .map(|c| format!("{} {}", plain(&c.key), c.tickets))
        .collect::<Vec<_>>()
        .join(", ")
}

fn csat_line(s: &CsatSummary) -> String {
    format!(
        "average {}, {} of {} answered ({}), ratings 1-5: {:?}",
        s.average
            .map(|a| format!("{a:.2}"))
            .unwrap_or_else(|| "-".into()),
        s.responded,
        s.surveyed,
        pct(s.response_rate_pct),
        s.distribution
    )
}

/// Names and notes as printed: a hidden character (a bidi control, a zero-width or control
/// character) as its marker, `⟦U+202E⟧`, as the window shows it, so a note typed into a ticket can
/// neither reorder the line nor drive the terminal; tabs and line breaks as spaces, one line each.
fn plain(s: &str) -> String {
    crate::text::visible::marked(s)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The KPIs, one per line, as `ticketflow-cli qbr` prints them.
pub fn kpi_text(q: &Qbr) -> String {
    let mut o = String::new();
    let who = match &q.client {
        Some(c) => format!("{} (days in {})", plain(&c.name), c.time_zone),
        None => "every client (days in each client's time zone)".into(),
    };
    let _ = writeln!(o, "QBR {who}, {} to {}", q.from, q.to);
    let v = &q.volume;
    let _ = writeln!(
        o,
        "tickets: {} opened, {} closed, {} of those opened still open",
        v.opened, v.closed, v.still_open
    );
    let _ = writeln!(o, "opened by priority: {}", counts(&v.opened_by_priority));
    let _ = writeln!(o, "closed by priority: {}", counts(&v.closed_by_priority));
    let _ = writeln!(
        o,
        "closed by resolution code: {}",
        counts(&v.closed_by_resolution_code)
    );
    let s = &q.sla;
    let _ = writeln!(
        o,
        "SLA first response met: {} ({} of {})",
        pct(s.first_response_met_pct),
        s.first_response_met,
        s.first_response_measured
    );
    let _ = writeln!(
        o,
        "SLA resolution met: {} ({} of {})",
        pct(s.resolution_met_pct),
        s.resolution_met,
        s.resolution_measured
    );
    let t = &q.times;
    let _ = writeln!(
        o,
        "first response (business time): mean {}, median {} over {} tickets",
        duration(t.first_response_mean_secs),
        duration(t.first_response_median_secs),
        t.first_response_count
    );
    let _ = writeln!(
        o,
        "resolution (business time): mean {}, median {} over {} tickets",
        duration(t.resolution_mean_secs),
        duration(t.resolution_median_secs),
        t.resolution_count
    );
    let k = &q.quality;
    let _ = writeln!(
        o,
        "reopen rate: {} (reopened {}, failed verifications {})",
        pct(k.reopen_rate_pct),
        k.reopened,
        k.failed_verifications
    );
    let _ = writeln!(
        o,
        "first-touch resolution: {} ({} closed without escalation)",
        pct(k.first_touch_rate_pct),
        k.first_touch_resolved
    );
    let _ = writeln!(
        o,
        "escalations to Tier 2: {} ({})",
        k.escalated,
        pct(k.escalation_rate_pct)
    );
    let _ = writeln!(o, "CSAT: {}", csat_line(&q.csat.overall));
    for g in &q.csat.by_technician {
        let _ = writeln!(o, "  CSAT {}: {}", plain(&g.key), csat_line(&g.summary));
    }
    for g in &q.csat.by_month {
        let _ = writeln!(o, "  CSAT {}: {}", g.key, csat_line(&g.summary));
    }
    let h = &q.hours;
    let _ = writeln!(
        o,
        "hours: {} billable, {} non-billable",
        hours(h.billable_minutes),
        hours(h.non_billable_minutes)
    );
    for g in h.by_technician.iter().chain(&h.by_month) {
        let _ = writeln!(
            o,
            "  hours {}: {} billable, {} non-billable",
            plain(&g.key),
            hours(g.billable_minutes),
            hours(g.non_billable_minutes)
        );
    }
    let a = &q.assets;
    let _ = writeln!(
        o,
        "endpoints: {} in the directory, {} with tickets, {} tickets per endpoint",
        a.endpoints,
        a.endpoints_with_tickets,
        a.tickets_per_endpoint
            .map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| "-".into())
    );
    for c in a.tickets_by_asset.iter().take(10) {
        let _ = writeln!(
            o,
            "  {} ({}): {} tickets",
            plain(&c.hostname),
            plain(&c.client),
            c.tickets
        );
    }
    let _ = writeln!(
        o,
        "recurring resolution codes: {}",
        counts(&q.recurring.resolution_codes)
    );
    for r in &q.recurring.runbooks {
        let _ = writeln!(
            o,
            "  runbook #{} {}: {} tickets",
            r.runbook_id,
            plain(r.title.as_deref().unwrap_or("(removed)")),
            r.tickets
        );
    }
    let _ = writeln!(o, "SLA breaches: {}", s.breaches.len());
    for b in &s.breaches {
        let clock = match b.clock {
            SlaClock::FirstResponse => "first response",
            SlaClock::Resolution => "resolution",
        };
        let _ = writeln!(
            o,
            "  {} {} {}: target {}, actual {}, paused {}{}{}",
            b.ticket,
            b.priority.map(|p| p.to_string()).unwrap_or_default(),
            clock,
            duration(Some(b.target_secs)),
            duration(Some(b.actual_secs)),
            duration(Some(b.paused_secs)),
            if b.sealed { "" } else { ", still open" },
            b.reason
                .as_deref()
                .map(|r| format!(", reason: {}", plain(r)))
                .unwrap_or_default()
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn names_print_their_hidden_characters_as_markers_on_one_line() {
        assert_eq!(
            plain("invoice_\u{202E}fdp.exe\tB\u{200B}\nC\u{1B}[2J"),
            "invoice_\u{27E6}U+202E\u{27E7}fdp.exe B\u{27E6}U+200B\u{27E7} C\u{27E6}U+001B\u{27E7}[2J"
        );
        assert_eq!(plain("Alpine Dental"), "Alpine Dental");
    }
}
