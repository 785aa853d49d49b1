//! The ticket view tells the window which zone the client's times are in and why each SLA clock
//! stood still, so the window formats times and SLA tiles without rules of its own.

mod common;

use chrono::Duration;
use common::Desk;
use serde_json::json;

#[test]
fn a_berlin_clients_ticket_carries_its_zone_and_the_overnight_pause() {
    let mut d = Desk::new();
    let id = d.intake();
    d.step(
        id,
        5,
        json!({"problem_statement": "Outlook prompts for a password"}),
    )
    .unwrap();
    let opened = d
        .store
        .ticket(id)
        .unwrap()
        .opened_at
        .expect("opened at step 5");
    // The next morning at 09:30 Berlin (08:30 UTC): the clock did not run overnight.
    let next_morning = opened
        .date_naive()
        .succ_opt()
        .unwrap()
        .and_hms_opt(8, 30, 0)
        .unwrap()
        .and_utc();
    let view = d.store.ticket_view(id, next_morning).unwrap();
    assert_eq!(view.time_zone, "Europe/Berlin");
    let fr = view.first_response.expect("a first-response clock");
    let breaks = view.first_response_breaks.expect("its breaks");
    assert!(breaks.outside_hours_secs >= 15 * 3600, "{breaks:?}");
    assert_eq!(breaks.waiting_secs, 0);
    let wall = (next_morning - opened).num_seconds();
    assert!((wall - fr.elapsed_secs - fr.paused_secs - breaks.outside_hours_secs).abs() <= 1);

    // Five minutes after opening, inside business hours, the clock has not stood still.
    let view = d
        .store
        .ticket_view(id, opened + Duration::minutes(5))
        .unwrap();
    let breaks = view.resolution_breaks.expect("a resolution clock");
    assert_eq!((breaks.outside_hours_secs, breaks.waiting_secs), (0, 0));
}
