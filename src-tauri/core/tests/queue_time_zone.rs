//! A queue row names the zone its client's times are shown in, by the ticket view's rule, so the
//! queue and the ticket show the same time the same way.

mod common;

use chrono::{NaiveTime, Weekday};
use common::{Desk, TECH};
use serde_json::json;
use ticketflow_core::directory::{NewCompany, NewContact, Tier};
use ticketflow_core::sla::Calendar;
use ticketflow_core::store::QueueQuery;
use ticketflow_core::template::builtin as b;

fn zone_of(d: &Desk, id: i64) -> String {
    let rows = d.store.queue(&QueueQuery::default(), d.now).unwrap();
    let row = rows
        .iter()
        .find(|r| r.id == id)
        .expect("the ticket is queued");
    // The row and the ticket view agree: one rule for time.
    let view = d.store.ticket_view(id, d.now).unwrap();
    assert_eq!(row.time_zone, view.time_zone, "ticket {id}");
    row.time_zone.clone()
}

/// A ticket for a caller of a new client with business hours in `zone`.
fn ticket_for_client_in(d: &mut Desk, name: &str, zone: &str) -> i64 {
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let calendar = Calendar::business(
        zone,
        &weekdays,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        &[],
    )
    .unwrap();
    let now = d.now;
    let company = d
        .store
        .add_company(
            &NewCompany {
                name: name.into(),
                tier: Tier::Silver,
                calendar,
            },
            "admin",
            now,
        )
        .unwrap();
    let caller = d
        .store
        .add_contact(
            &NewContact {
                company_id: company.id,
                name: format!("Caller at {name}"),
                email: None,
                phone: None,
                upn: None,
                authorized: true,
                terminated_on: None,
            },
            "admin",
            now,
        )
        .unwrap();
    let id = d.store.create_ticket(TECH, now).unwrap().id;
    d.step(
        id,
        1,
        json!({"contact": caller.id, "authorization": b::AUTHORIZED}),
    )
    .unwrap();
    id
}

#[test]
fn each_row_carries_its_clients_zone() {
    let mut d = Desk::new();
    let berlin = d.intake();
    let new_york = ticket_for_client_in(&mut d, "Northwind NYC", "America/New_York");
    let tokyo = ticket_for_client_in(&mut d, "Tokyo Trading", "Asia/Tokyo");
    assert_eq!(zone_of(&d, berlin), "Europe/Berlin");
    assert_eq!(zone_of(&d, new_york), "America/New_York");
    assert_eq!(zone_of(&d, tokyo), "Asia/Tokyo");
}

#[test]
fn a_row_without_a_business_hours_client_is_in_the_desks_zone() {
    let mut d = Desk::new();
    // No client yet (a fresh intake): the desk's zone, which `Desk` sets to Berlin.
    let fresh = d.new_ticket();
    assert_eq!(zone_of(&d, fresh), "Europe/Berlin");
}
