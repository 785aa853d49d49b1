//! Who a ticket goes to when it is escalated (step 10 → "Escalate to Tier 2"): a named, active
//! Tier 2 technician, or the Tier 2 queue (nobody assigned; Tier 2 picks it up).

use super::Change;
use crate::directory::{TechTier, Technician};
use crate::error::{Error, Result};
use crate::ticket::Ticket;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The technician's answer to "escalate to whom?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "to", content = "name", rename_all = "snake_case")]
pub enum EscalateTo {
    Tier2Queue,
    Technician(String),
}

/// Assigns an escalated ticket: `technician` is the directory record of the named technician
/// (`None` for the queue), read by the caller. Refused unless they are an active Tier 2 technician.
pub fn assign_escalation(t: &mut Ticket, technician: Option<&Technician>) -> Result<Change> {
    let refuse = |name: &str, reason: &str| {
        Err(Error::NotTierTwo {
            name: name.into(),
            reason: reason.into(),
        })
    };
    let assignee = match technician {
        None => None,
        Some(tech) if !tech.active => return refuse(&tech.name, "they have been deactivated"),
        Some(tech) if tech.tier != TechTier::Tier2 => return refuse(&tech.name, "they are Tier 1"),
        Some(tech) => Some(tech.name.clone()),
    };
    let before = json!({"assignee": t.assignee});
    t.assignee = assignee;
    Ok(Change::new(
        "assigned",
        before,
        json!({"assignee": t.assignee, "escalation": true,
               "to": if t.assignee.is_some() { "technician" } else { "tier2_queue" }}),
    ))
}
