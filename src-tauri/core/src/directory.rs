//! The desk's local directory: companies, contacts, assets, technicians and parent incidents.
//!
//! Ticketflow works offline, so it keeps what it needs of the PSA, RMM and NOC here.

pub mod tools;

use crate::sla::Calendar;
use crate::text_enum::text_enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

text_enum! {
    /// A client's service tier: SLA targets and after-hours rates follow it.
    pub enum Tier {
        Platinum = "platinum",
        Gold = "gold",
        Silver = "silver",
        Bronze = "bronze",
    }
}

text_enum! {
    /// Technician tier: Tier 1 takes the call, Tier 2 takes escalations.
    pub enum TechTier {
        Tier1 = "tier1",
        Tier2 = "tier2",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    /// How this client's SLA clock counts time.
    pub calendar: Calendar,
    /// A client the desk no longer serves (the source system's inactive flag, or set in
    /// Directory): its callers are refused like non-authorized contacts until it is reactivated.
    ///
    /// Written only when false: a sealed closure record holds its company as serialized here and
    /// is checked by serializing it again, so an active client must keep the form records sealed
    /// before the flag existed have (and reading one without it means active).
    #[serde(default = "active_by_default", skip_serializing_if = "is_active")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

fn is_active(active: &bool) -> bool {
    *active
}

impl Company {
    /// Why callers of this client may not proceed without an override, if anything.
    pub fn refusal(&self) -> Option<String> {
        (!self.active).then(|| {
            format!(
                "{} is an inactive client (reactivate it in Directory if the desk serves it again)",
                self.name
            )
        })
    }
}

/// Why a caller may not proceed without an override: the contact's own standing first (a
/// termination is the more specific reason), then its client's.
pub fn caller_refusal(contact: &Contact, company: &Company, today: NaiveDate) -> Option<String> {
    contact.refusal(today).or_else(|| company.refusal())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewCompany {
    pub name: String,
    pub tier: Tier,
    pub calendar: Calendar,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Contact {
    pub id: i64,
    pub company_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub upn: Option<String>,
    pub authorized: bool,
    pub terminated_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewContact {
    pub company_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub upn: Option<String>,
    pub authorized: bool,
    pub terminated_on: Option<NaiveDate>,
}

impl Contact {
    /// Why this caller may not proceed without an override, if anything.
    ///
    /// A terminated employee calling with old credentials is a classic social-engineering vector,
    /// so termination wins over the authorized flag from the day it takes effect.
    pub fn refusal(&self, today: NaiveDate) -> Option<String> {
        if let Some(day) = self.terminated_on {
            if day <= today {
                return Some(format!("{} was terminated on {day}", self.name));
            }
        }
        if !self.authorized {
            return Some(format!("{} is not an authorized contact", self.name));
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Asset {
    pub id: i64,
    pub company_id: i64,
    pub hostname: String,
    pub kind: String,
    pub serial: Option<String>,
    pub assigned_upn: Option<String>,
    pub rmm_id: Option<String>,
    pub rmm_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewAsset {
    pub company_id: i64,
    pub hostname: String,
    pub kind: String,
    pub serial: Option<String>,
    pub assigned_upn: Option<String>,
    pub rmm_id: Option<String>,
    pub rmm_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Technician {
    pub id: i64,
    pub name: String,
    pub tier: TechTier,
    pub email: Option<String>,
    /// Reachable out of hours.
    pub on_call: bool,
    /// A deactivated technician stays in the history but cannot act, sign or be assigned.
    pub active: bool,
}

/// A technician to add (at the desk's setup or later, witnessed by an active technician's PIN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct NewTechnician {
    pub name: String,
    pub tier: TechTier,
    pub email: Option<String>,
    pub on_call: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Incident {
    pub id: i64,
    pub title: String,
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(authorized: bool, terminated_on: Option<NaiveDate>) -> Contact {
        Contact {
            id: 1,
            company_id: 1,
            name: "Dana Reyes".into(),
            email: None,
            phone: None,
            upn: None,
            authorized,
            terminated_on,
        }
    }

    #[test]
    fn authorized_current_contact_is_accepted() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(contact(true, None).refusal(today), None);
    }

    #[test]
    fn terminated_contact_is_refused_even_if_flagged_authorized() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let r = contact(true, Some(today)).refusal(today).unwrap();
        assert!(r.contains("terminated"), "{r}");
    }

    #[test]
    fn future_termination_date_does_not_yet_refuse() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let later = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(contact(true, Some(later)).refusal(today), None);
    }

    fn company(active: bool) -> Company {
        Company {
            id: 1,
            name: "Contoso".into(),
            tier: Tier::Gold,
            calendar: Calendar::AlwaysOn,
            active,
        }
    }

    #[test]
    fn a_caller_of_an_inactive_client_is_refused_and_told_how_to_go_on() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            caller_refusal(&contact(true, None), &company(true), today),
            None
        );
        let r = caller_refusal(&contact(true, None), &company(false), today).unwrap();
        assert!(r.contains("Contoso is an inactive client"), "{r}");
        assert!(r.contains("reactivate it in Directory"), "{r}");
    }

    #[test]
    fn the_contacts_own_refusal_comes_before_the_clients() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let r = caller_refusal(&contact(true, Some(today)), &company(false), today).unwrap();
        assert!(r.contains("terminated"), "{r}");
    }

    #[test]
    fn an_active_company_keeps_the_form_sealed_records_have() {
        let v = serde_json::to_value(company(true)).unwrap();
        assert_eq!(v.get("active"), None, "{v}");
        let c: Company = serde_json::from_value(v).unwrap();
        assert!(c.active);
        let v = serde_json::to_value(company(false)).unwrap();
        assert_eq!(v["active"], false);
        assert!(!serde_json::from_value::<Company>(v).unwrap().active);
    }

    #[test]
    fn unauthorized_contact_is_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let r = contact(false, None).refusal(today).unwrap();
        assert!(r.contains("not an authorized"), "{r}");
    }
}
