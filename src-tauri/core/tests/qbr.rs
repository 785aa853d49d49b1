//! The QBR figures (issue 17, item 1) on a desk built by hand: twelve tickets with known times,
//! pauses, breaches, ratings and time entries across two clients. Every expected number is
//! worked out below from the times the test chose, not read back from the code.
//!
//! Alpine Dental: Gold, business hours Mon–Fri 9–17 in Europe/Berlin, with Good Friday
//! (2026-04-03) and Easter Monday (2026-04-06) as holidays; Berlin moves from CET (UTC+1) to
//! CEST (UTC+2) on Sunday 2026-03-29, inside the period.
//! Borealis Freight: Silver, 24x7; its days are read in the desk's zone (Europe/Berlin).
//!
//! Period: 2026-03-16 to 2026-04-10 (both included); the QBR is computed at 2026-04-20 12:00 UTC.
//! Gold targets (working minutes): P1 30/480, P2 60/960, P3 120/1920, P4 480/3360.
//! Silver targets: P1 60/720, P2 120/1440, P3 240/2400.

mod common;
#[path = "common/qbr_desk.rs"]
mod qbr_desk;

use common::TECH;
use qbr_desk::*;
use rusqlite::Connection;
use tempfile::TempDir;
use ticketflow_core::qbr::{self, Qbr, SlaClock};
use ticketflow_core::store::Store;
use ticketflow_core::ticket::TicketStatus;

fn counts(list: &[qbr::Count]) -> Vec<(&str, u32)> {
    list.iter().map(|c| (c.key.as_str(), c.tickets)).collect()
}

fn close_to(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

fn alpine_qbr(d: &Built) -> Qbr {
    d.store
        .qbr(Some(d.alpine.company.id), from(), to(), now())
        .unwrap()
}

#[test]
fn alpine_dental_every_figure() {
    let d = build();
    let q = alpine_qbr(&d);
    let c = q.client.as_ref().unwrap();
    assert_eq!(
        (c.name.as_str(), c.time_zone.as_str()),
        ("Alpine Dental", "Europe/Berlin")
    );
    assert_eq!((q.from, q.to, q.computed_at), (from(), to(), now()));

    // Opened in the period: A1 (03-23), A2 (03-27), A3 (03-31), A4 (04-02), A5 (04-09),
    // A7 (04-10) = 6; A6 opened 03-13 and A0 03-02 are outside. Closed: A6 (03-16), A1
    // (03-24), A2 (03-30), A3 and A4 (04-07) = 5; A7 closed 04-13. Still open: A5.
    let v = &q.volume;
    assert_eq!((v.opened, v.closed, v.still_open), (6, 5, 1));
    // Opened: P1 A2 A5, P2 A1 A3, P3 A4, P4 A7.
    assert_eq!(
        counts(&v.opened_by_priority),
        [("P1", 2), ("P2", 2), ("P3", 1), ("P4", 1)]
    );
    // Closed: P1 A2, P2 A1 A3, P3 A4 A6.
    assert_eq!(
        counts(&v.closed_by_priority),
        [("P1", 1), ("P2", 2), ("P3", 2), ("P4", 0)]
    );
    // A1 and A6 configuration; A2 software; A4 training; A3 workaround; ties by name.
    assert_eq!(
        counts(&v.closed_by_resolution_code),
        [(CONFIG, 2), (SOFTWARE, 1), (TRAINING, 1), (WORKAROUND, 1)]
    );

    // First response: A6 30 min, A1 30, A2 20, A3 10 met; A4 150 > 120 breached: 4 of 5.
    // Resolution: A6 8 h, A1 9 h, A2 2 h, A4 6 h met; A3 16.5 h > 16 h breached: 4 of 5.
    let s = &q.sla;
    assert_eq!((s.first_response_measured, s.first_response_met), (5, 4));
    assert!(close_to(s.first_response_met_pct, 80.0));
    assert_eq!((s.resolution_measured, s.resolution_met), (5, 4));
    assert!(close_to(s.resolution_met_pct, 80.0));
    let breaches: Vec<_> = s
        .breaches
        .iter()
        .map(|b| {
            (
                b.ticket.clone(),
                b.clock,
                b.target_secs,
                b.actual_secs,
                b.paused_secs,
                b.breached_at,
                b.reason.clone(),
                b.sealed,
            )
        })
        .collect();
    let note = |s: &str| Some(s.to_string());
    assert_eq!(
        breaches,
        [
            // A3: 960 min target, 990 counted, 10 h paused, passed Tue 04-07 11:00 CEST.
            (
                d.number("A3"),
                SlaClock::Resolution,
                960 * M,
                990 * M,
                10 * H,
                Some(at("2026-04-07T09:00:00Z")),
                note("Waited on a replacement part from the vendor"),
                true
            ),
            // A4: 120 min target, 150 counted, passed Tue 04-07 10:00 CEST.
            (
                d.number("A4"),
                SlaClock::FirstResponse,
                120 * M,
                150 * M,
                0,
                Some(at("2026-04-07T08:00:00Z")),
                note("Holiday cover missed the ticket"),
                true
            ),
            // A5, open: first response 45 min against 30, passed 09:30 CEST.
            (
                d.number("A5"),
                SlaClock::FirstResponse,
                30 * M,
                45 * M,
                0,
                Some(at("2026-04-09T07:30:00Z")),
                None,
                false
            ),
            // A5, open: resolution 61 h against 8 h, passed Thu 17:00 CEST.
            (
                d.number("A5"),
                SlaClock::Resolution,
                480 * M,
                61 * H,
                0,
                Some(at("2026-04-09T15:00:00Z")),
                None,
                false
            ),
        ]
    );

    // First responses (s): A6 1800, A1 1800, A2 1200, A3 600, A4 9000. Sum 14,400, mean
    // 2,880; sorted 600 1200 1800 1800 9000, median 1,800.
    let t = &q.times;
    assert_eq!(t.first_response_count, 5);
    assert_eq!(t.first_response_mean_secs, Some(2_880));
    assert_eq!(t.first_response_median_secs, Some(1_800));
    // Resolutions (s): A6 28,800, A1 32,400, A2 7,200, A3 59,400, A4 21,600. Sum 149,400, mean
    // 29,880; sorted 7200 21600 28800 32400 59400, median 28,800.
    assert_eq!(t.resolution_count, 5);
    assert_eq!(t.resolution_mean_secs, Some(29_880));
    assert_eq!(t.resolution_median_secs, Some(28_800));

    // Reopened: A3 (one failed verification) of 5 closed = 20%. Never escalated among the
    // closed: A6, A1, A4 = 3 of 5 = 60% (A2 escalated; A3 escalated, then went back to
    // diagnosis). Escalated among the opened: A2, A3, A5 = 3 of 6 = 50%.
    let k = &q.quality;
    assert_eq!((k.reopened, k.failed_verifications), (1, 1));
    assert!(close_to(k.reopen_rate_pct, 20.0));
    assert_eq!(k.first_touch_resolved, 3);
    assert!(close_to(k.first_touch_rate_pct, 60.0));
    assert_eq!(k.escalated, 3);
    assert!(close_to(k.escalation_rate_pct, 50.0));

    // Surveys of the closed: A6 4, A1 5, A2 4, A3 2, A4 sent. 4 of 5 answered (80%), mean
    // (4 + 5 + 4 + 2) / 4 = 3.75; ratings 1..5: 0, 1, 0, 2, 1.
    let o = &q.csat.overall;
    assert_eq!((o.surveyed, o.responded), (5, 4));
    assert!(close_to(o.response_rate_pct, 80.0));
    assert!(close_to(o.average, 3.75));
    assert_eq!(o.distribution, [0, 1, 0, 2, 1]);
    // Alex: A6 4, A1 5 (2 of 2, 4.5). Sam: A2 4, A3 2, A4 sent (2 of 3, 3.0).
    let by_tech: Vec<_> = q
        .csat
        .by_technician
        .iter()
        .map(|g| {
            (
                g.key.as_str(),
                g.summary.surveyed,
                g.summary.responded,
                g.summary.average,
                g.summary.distribution.clone(),
            )
        })
        .collect();
    assert_eq!(
        by_tech,
        [
            (TECH, 2, 2, Some(4.5), vec![0, 0, 0, 1, 1]),
            (SAM, 3, 2, Some(3.0), vec![0, 1, 0, 1, 0]),
        ]
    );
    assert!(close_to(
        q.csat.by_technician[1].summary.response_rate_pct,
        200.0 / 3.0
    ));
    // March (A6, A1, A2): 4, 5, 4 = 13 / 3. April (A3, A4): 2 and one unanswered.
    let by_month: Vec<_> = q
        .csat
        .by_month
        .iter()
        .map(|g| {
            (
                g.key.as_str(),
                g.summary.surveyed,
                g.summary.responded,
                g.summary.distribution.clone(),
            )
        })
        .collect();
    assert_eq!(
        by_month,
        [
            ("2026-03", 3, 3, vec![0, 0, 0, 2, 1]),
            ("2026-04", 2, 1, vec![0, 1, 0, 0, 0]),
        ]
    );
    assert!(close_to(q.csat.by_month[0].summary.average, 13.0 / 3.0));
    assert!(close_to(q.csat.by_month[1].summary.average, 2.0));

    // Time entries started on a day of the period (Berlin):
    // billable: A6 15 + A1 60 + A2 90 + A3 120 + A4 45 + A7 30 = 360;
    // non-billable: A6 10 (00:30 CET on 03-16) + A2 30 + A3 15 + A5 45 = 100.
    // Outside: A0 30, A6 30 (03-13), A7 20 (04-13).
    let h = &q.hours;
    assert_eq!((h.billable_minutes, h.non_billable_minutes), (360, 100));
    let groups = |g: &[qbr::HoursGroup]| -> Vec<(String, u64, u64)> {
        g.iter()
            .map(|g| (g.key.clone(), g.billable_minutes, g.non_billable_minutes))
            .collect()
    };
    // Alex: billable A6 15 + A1 60 = 75; non-billable A6 10 + A2 30 + A3 15 = 55.
    // Sam: billable A2 90 + A3 120 + A4 45 + A7 30 = 285; non-billable A5 45.
    assert_eq!(
        groups(&h.by_technician),
        [(TECH.into(), 75, 55), (SAM.into(), 285, 45)]
    );
    // March: billable A6 15 + A1 60 + A2 90 (03-30) = 165; non-billable A6 10 + A2 30 + A3 15
    // (03-31) = 55. April: billable A3 120 + A4 45 + A7 30 = 195; non-billable A5 45.
    assert_eq!(
        groups(&h.by_month),
        [("2026-03".into(), 165, 55), ("2026-04".into(), 195, 45)]
    );

    // Assets of the opened tickets: LT-001 A1 A3 A5; LT-002 A2 A7; PC-003 A4 A7. Four assets in
    // the directory: 6 tickets / 4 = 1.5 per endpoint.
    let a = &q.assets;
    assert_eq!((a.endpoints, a.endpoints_with_tickets), (4, 3));
    assert!(close_to(a.tickets_per_endpoint, 1.5));
    let by_asset: Vec<_> = a
        .tickets_by_asset
        .iter()
        .map(|c| (c.hostname.as_str(), c.client.as_str(), c.tickets))
        .collect();
    assert_eq!(
        by_asset,
        [
            ("ALP-LT-001", "Alpine Dental", 3),
            ("ALP-LT-002", "Alpine Dental", 2),
            ("ALP-PC-003", "Alpine Dental", 2),
        ]
    );

    // Recurring: configuration change twice (A1, A6). Runbooks: the profile rebuild linked at
    // step 9 on A6 and A1, the imaging quirks at step 20 on A3.
    assert_eq!(counts(&q.recurring.resolution_codes), [(CONFIG, 2)]);
    let runbooks: Vec<_> = q
        .recurring
        .runbooks
        .iter()
        .map(|r| (r.runbook_id, r.title.as_deref(), r.tickets))
        .collect();
    assert_eq!(
        runbooks,
        [
            (d.rb1, Some("Outlook profile rebuild"), 2),
            (d.rb2, Some("Imaging station quirks"), 1)
        ]
    );

    // The tickets behind the figures: every Alpine ticket but A0, by number.
    let numbers: Vec<String> = q.tickets.iter().map(|t| t.number.clone()).collect();
    let mut expected: Vec<String> = ["A6", "A1", "A2", "A3", "A4", "A5", "A7"]
        .iter()
        .map(|n| d.number(n))
        .collect();
    expected.sort();
    assert_eq!(numbers, expected);
    let row = |n: &str| q.tickets.iter().find(|t| t.number == d.number(n)).unwrap();
    let a3 = row("A3");
    assert_eq!(a3.status, TicketStatus::Closed);
    assert_eq!(
        (a3.escalated, a3.failed_verifications, a3.csat_rating),
        (true, 1, Some(2))
    );
    assert_eq!(
        (a3.first_response_secs, a3.resolution_secs),
        (Some(600), Some(990 * M))
    );
    assert_eq!(
        (a3.first_response_met, a3.resolution_met),
        (Some(true), Some(false))
    );
    assert_eq!((a3.billable_minutes, a3.non_billable_minutes), (120, 15));
    assert_eq!(
        a3.record_hash,
        Some(d.store.closure_record(d.id("A3")).unwrap().hash)
    );
    let a7 = row("A7");
    assert_eq!((a7.opened_in_period, a7.closed_in_period), (true, false));
    assert_eq!(a7.assets, ["ALP-LT-002", "ALP-PC-003"]);
    assert_eq!(a7.billable_minutes, 30);
    let a6 = row("A6");
    assert_eq!((a6.opened_in_period, a6.closed_in_period), (false, true));
    assert_eq!((a6.billable_minutes, a6.non_billable_minutes), (15, 10));
    let a5 = row("A5");
    assert_eq!(a5.status, TicketStatus::Escalated);
    assert_eq!(a5.record_hash, None);
    assert_eq!(
        (
            a5.first_response_secs,
            a5.first_response_met,
            a5.resolution_met
        ),
        (Some(45 * M), Some(false), Some(false))
    );
    // B4's resolution clock is paused within its target: not yet met or missed.
    let b = d
        .store
        .qbr(Some(d.boreal.company.id), from(), to(), now())
        .unwrap();
    let b4 = b
        .tickets
        .iter()
        .find(|t| t.number == d.number("B4"))
        .unwrap();
    assert_eq!(
        (b4.first_response_met, b4.resolution_met, b4.resolution_secs),
        (Some(true), None, None)
    );
}

#[test]
fn borealis_freight_a_24x7_client_read_in_the_desks_zone() {
    let d = build();
    let q = d
        .store
        .qbr(Some(d.boreal.company.id), from(), to(), now())
        .unwrap();
    assert_eq!(q.client.as_ref().unwrap().time_zone, "Europe/Berlin");
    // Opened: B3 (03-16 00:30 CET), B1, B4, B2 (04-10 22:00 CEST) = 4. Closed: B3, B1; B2
    // closed at 00:30 CEST on 04-11. Still open: B4.
    let v = &q.volume;
    assert_eq!((v.opened, v.closed, v.still_open), (4, 2, 1));
    assert_eq!(
        counts(&v.opened_by_priority),
        [("P1", 1), ("P2", 1), ("P3", 2), ("P4", 0)]
    );
    assert_eq!(
        counts(&v.closed_by_priority),
        [("P1", 1), ("P2", 0), ("P3", 1), ("P4", 0)]
    );
    assert_eq!(
        counts(&v.closed_by_resolution_code),
        [(HARDWARE, 1), (VENDOR, 1)]
    );
    // First response: B3 60 min of 240, B1 60 of 60 (on the target: met) = 2 of 2.
    // Resolution: B3 6 h of 40 met; B1 13 h of 12 breached = 1 of 2.
    let s = &q.sla;
    assert_eq!((s.first_response_measured, s.first_response_met), (2, 2));
    assert!(close_to(s.first_response_met_pct, 100.0));
    assert_eq!((s.resolution_measured, s.resolution_met), (2, 1));
    assert!(close_to(s.resolution_met_pct, 50.0));
    // B4 waits on the customer: 1 h counted of 40, not breached; only B1's resolution.
    assert_eq!(s.breaches.len(), 1);
    let b = &s.breaches[0];
    assert_eq!(
        (
            b.ticket.clone(),
            b.clock,
            b.target_secs,
            b.actual_secs,
            b.paused_secs
        ),
        (d.number("B1"), SlaClock::Resolution, 12 * H, 13 * H, H)
    );
    assert_eq!(b.breached_at, Some(at("2026-03-19T11:00:00Z")));
    assert_eq!(
        b.reason.as_deref(),
        Some("Overnight outage waited on the ISP")
    );
    // Times: first responses 3600 and 3600; resolutions 21,600 and 46,800: mean and median
    // 34,200.
    let t = &q.times;
    assert_eq!(
        (t.first_response_mean_secs, t.first_response_median_secs),
        (Some(H), Some(H))
    );
    assert_eq!(
        (t.resolution_mean_secs, t.resolution_median_secs),
        (Some(34_200), Some(34_200))
    );
    // B1 escalated: first touch 1 of 2; escalated 1 of 4 opened; nothing reopened.
    let k = &q.quality;
    assert_eq!((k.reopened, k.first_touch_resolved, k.escalated), (0, 1, 1));
    assert!(close_to(k.reopen_rate_pct, 0.0));
    assert!(close_to(k.first_touch_rate_pct, 50.0));
    assert!(close_to(k.escalation_rate_pct, 25.0));
    // CSAT: B3 5, B1 3 (B2's 1 closed outside): mean 4.
    let o = &q.csat.overall;
    assert_eq!((o.surveyed, o.responded), (2, 2));
    assert!(close_to(o.average, 4.0));
    assert_eq!(o.distribution, [0, 0, 1, 0, 1]);
    // Hours: billable B3 90 + B1 120 + B2 30 (21:30 UTC = 23:30 CEST) = 240, B2's 15 at 00:15
    // CEST on 04-11 outside; non-billable B1 60 (Sam) + B4 20 = 80.
    let h = &q.hours;
    assert_eq!((h.billable_minutes, h.non_billable_minutes), (240, 80));
    let by_month: Vec<_> = h
        .by_month
        .iter()
        .map(|g| (g.key.as_str(), g.billable_minutes, g.non_billable_minutes))
        .collect();
    assert_eq!(by_month, [("2026-03", 210, 60), ("2026-04", 30, 20)]);
    // Assets: SRV-01 B3 B1 B4, LT-02 B2; two endpoints: 4 / 2 = 2.
    let a = &q.assets;
    assert!(close_to(a.tickets_per_endpoint, 2.0));
    let by_asset: Vec<_> = a
        .tickets_by_asset
        .iter()
        .map(|c| (c.hostname.as_str(), c.tickets))
        .collect();
    assert_eq!(by_asset, [("FAB-SRV-01", 3), ("FAB-LT-02", 1)]);
}

#[test]
fn every_client_adds_up_each_client_in_its_own_zone() {
    let d = build();
    let q = d.store.qbr(None, from(), to(), now()).unwrap();
    assert!(q.client.is_none());
    let v = &q.volume;
    // Alpine 6 + Borealis 4 opened; 5 + 2 closed; A5 and B4 still open.
    assert_eq!((v.opened, v.closed, v.still_open), (10, 7, 2));
    assert_eq!(
        counts(&v.opened_by_priority),
        [("P1", 3), ("P2", 3), ("P3", 3), ("P4", 1)]
    );
    // First response 4 + 2 of 5 + 2; resolution 4 + 1 of 5 + 2.
    let s = &q.sla;
    assert_eq!((s.first_response_met, s.first_response_measured), (6, 7));
    assert_eq!((s.resolution_met, s.resolution_measured), (5, 7));
    // Sealed breaches by ticket number (B1 was created before A3 and A4), then A5's two.
    let order: Vec<(String, SlaClock)> = s
        .breaches
        .iter()
        .map(|b| (b.ticket.clone(), b.clock))
        .collect();
    assert_eq!(
        order,
        [
            (d.number("B1"), SlaClock::Resolution),
            (d.number("A3"), SlaClock::Resolution),
            (d.number("A4"), SlaClock::FirstResponse),
            (d.number("A5"), SlaClock::FirstResponse),
            (d.number("A5"), SlaClock::Resolution),
        ]
    );
    // CSAT: 5 + 2 surveyed, 4 + 2 answered: (15 + 8) / 6.
    let o = &q.csat.overall;
    assert_eq!((o.surveyed, o.responded), (7, 6));
    assert!(close_to(o.average, 23.0 / 6.0));
    assert_eq!(o.distribution, [0, 1, 1, 2, 2]);
    // Hours: 360 + 240 billable, 100 + 80 non-billable. Endpoints 4 + 2: 10 / 6.
    assert_eq!(
        (q.hours.billable_minutes, q.hours.non_billable_minutes),
        (600, 180)
    );
    assert_eq!(q.assets.endpoints, 6);
    assert!(close_to(q.assets.tickets_per_endpoint, 10.0 / 6.0));
    assert_eq!(q.tickets.len(), 7 + 4);
}

#[test]
fn a_period_is_checked_and_a_client_must_exist() {
    let d = build();
    let e = d
        .store
        .qbr(Some(d.alpine.company.id), to(), from(), now())
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    assert!(e.to_string().contains("swap the dates"), "{e}");
    let e = d
        .store
        .qbr(None, day(2020, 1, 1), day(2026, 1, 1), now())
        .unwrap_err();
    assert_eq!(e.code(), "INVALID_INPUT");
    let e = d.store.qbr(Some(9_999), from(), to(), now()).unwrap_err();
    assert_eq!(e.code(), "NOT_FOUND");
    // A period with nothing in it: zeros, and no percentages or means made up.
    let q = d
        .store
        .qbr(
            Some(d.alpine.company.id),
            day(2025, 1, 1),
            day(2025, 3, 31),
            now(),
        )
        .unwrap();
    assert_eq!((q.volume.opened, q.volume.closed), (0, 0));
    assert_eq!(q.sla.first_response_met_pct, None);
    assert_eq!(q.times.resolution_mean_secs, None);
    assert_eq!(q.csat.overall.average, None);
    assert!(q.tickets.is_empty());
}

#[test]
fn the_csv_lists_the_tickets_behind_the_figures() {
    let d = build();
    let q = alpine_qbr(&d);
    let csv = qbr::tickets_csv(&q).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    // Header, seven tickets, and the empty rest after the last CRLF.
    assert_eq!(lines.len(), 1 + 7 + 1);
    assert!(lines[0].starts_with("ticket,client,status,priority,"));
    assert_eq!(lines[8], "");
    let a3 = lines
        .iter()
        .find(|l| l.starts_with(&d.number("A3")))
        .unwrap();
    let hash = d.store.closure_record(d.id("A3")).unwrap().hash;
    assert!(
        a3.contains(&format!(
            ",Workaround provided,true,1,600,59400,true,false,2,120,15,ALP-LT-001,{hash}"
        )),
        "{a3}"
    );
    let text = qbr::kpi_text(&q);
    assert!(
        text.contains("SLA first response met: 80.0% (4 of 5)"),
        "{text}"
    );
    assert!(
        text.contains("hours: 6.00 h billable, 1.67 h non-billable"),
        "{text}"
    );
}

/// The attacker's plain connection on a file copy of the desk.
fn on_file(d: Built) -> (Built, TempDir, Connection) {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join(ticketflow_core::paths::DB_FILE);
    d.store.backup(&path).unwrap();
    let mut d = d;
    d.store = Store::open(&path).unwrap();
    let raw = Connection::open(&path).unwrap();
    (d, dir, raw)
}

#[test]
fn closed_tickets_are_counted_from_their_sealed_records_not_the_live_rows() {
    let (d, _dir, raw) = on_file(build());
    let before = alpine_qbr(&d);
    let (a1, a3) = (d.id("A1"), d.id("A3"));
    raw.execute_batch(
        "DROP TRIGGER tickets_sealed_update;
         DROP TRIGGER csat_responses_sealed_update;
         DROP TRIGGER time_entries_sealed_update;
         DROP TRIGGER step_records_sealed_delete;
         DROP TRIGGER ticket_assets_sealed_delete;",
    )
    .unwrap();
    // Rewrite what a QBR shows: A1's priority, code, assignee and times; A3's rating, its
    // failed verification and its minutes; A1's asset.
    raw.execute(
        "UPDATE tickets SET priority = 'P4', resolution_code = 'Resolved by vendor',
            assignee = 'Nobody', first_response_at = opened_at, escalated = 1 WHERE id = ?1",
        [a1],
    )
    .unwrap();
    raw.execute(
        "UPDATE csat_responses SET rating = 5 WHERE ticket_id = ?1",
        [a3],
    )
    .unwrap();
    raw.execute(
        "UPDATE time_entries SET minutes = 1 WHERE ticket_id = ?1",
        [a3],
    )
    .unwrap();
    raw.execute(
        "DELETE FROM step_records WHERE ticket_id = ?1 AND step = 17",
        [a3],
    )
    .unwrap();
    raw.execute("DELETE FROM ticket_assets WHERE ticket_id = ?1", [a1])
        .unwrap();
    // The live rows did change (else this test could not fail)...
    let live = d.store.ticket(a1).unwrap();
    assert_eq!(live.priority.map(|p| p.to_string()).as_deref(), Some("P4"));
    assert!(live.asset_ids.is_empty());
    assert!(d
        .store
        .ticket(a3)
        .unwrap()
        .steps
        .iter()
        .all(|s| s.step != 17));
    // ...and the QBR did not.
    let after = alpine_qbr(&d);
    assert_eq!(after, before);

    // A Borealis ticket moved to Alpine in its live row stays Borealis's: its record says so.
    raw.execute(
        "UPDATE tickets SET company_id = ?1 WHERE id = ?2",
        [d.alpine.company.id, d.id("B1")],
    )
    .unwrap();
    assert_eq!(alpine_qbr(&d), before);

    // A sealed record rewritten behind the seal is refused, named, not counted.
    raw.execute_batch("DROP TRIGGER closure_records_sealed_update;")
        .unwrap();
    raw.execute(
        "UPDATE closure_records SET record = replace(record, '\"rating\":2', '\"rating\":5')
         WHERE ticket_id = ?1",
        [a3],
    )
    .unwrap();
    let e = d
        .store
        .qbr(Some(d.alpine.company.id), from(), to(), now())
        .unwrap_err();
    assert_eq!(e.code(), "RECORD_MISMATCH");
    assert!(e.to_string().contains(&d.number("A3")), "{e}");
}

#[test]
fn the_cli_prints_the_figures_and_writes_the_csv() {
    let (d, dir, _raw) = on_file(build());
    let home = TempDir::new().unwrap();
    let csv_path = home.path().join("alpine.csv");
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_ticketflow-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env_remove(ticketflow_core::paths::DATA_DIR_ENV)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("xdg"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let period = ["--from", "2026-03-16", "--to", "2026-04-10"];
    let csv_arg = csv_path.to_str().unwrap();
    let out = cli(&[
        &["qbr", "--client", "alpine dental"][..],
        &period,
        &["--csv", csv_arg],
    ]
    .concat());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "QBR Alpine Dental (days in Europe/Berlin), 2026-03-16 to 2026-04-10",
        "tickets: 6 opened, 5 closed, 1 of those opened still open",
        "SLA resolution met: 80.0% (4 of 5)",
        // 2,880 s and 1,800 s.
        "first response (business time): mean 0 h 48 min, median 0 h 30 min over 5 tickets",
        "reopen rate: 20.0% (reopened 1, failed verifications 1)",
        "first-touch resolution: 60.0% (3 closed without escalation)",
        "escalations to Tier 2: 3 (50.0%)",
        "hours: 6.00 h billable, 1.67 h non-billable",
        "  ALP-LT-001 (Alpine Dental): 3 tickets",
        "CSAT: average 3.75, 4 of 5 answered (80.0%), ratings 1-5: [0, 1, 0, 2, 1]",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    // The CSV holds no clock still running, so it is the same whenever it is read.
    let written = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(written, qbr::tickets_csv(&alpine_qbr(&d)).unwrap());

    let unknown = cli(&[&["qbr", "--client", "Nobody Inc"][..], &period].concat());
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("NOT_FOUND"));
    let backwards = cli(&["qbr", "--from", "2026-04-10", "--to", "2026-03-16"]);
    assert_eq!(backwards.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&backwards.stderr).contains("INVALID_INPUT"));
    let bad_date = cli(&["qbr", "--from", "2026-13-01", "--to", "2026-03-16"]);
    assert_eq!(bad_date.status.code(), Some(2));
}
