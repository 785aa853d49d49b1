//! A new ticket is a draft until its caller is verified (step 1): until then it holds nothing a
//! client could be billed or reported for, so a technician may discard it instead of leaving an
//! "intake under way" ghost in the queue.

use super::Change;
use crate::error::{Error, Result};
use crate::ticket::{Ticket, TicketStatus};
use serde_json::json;

/// Whether the ticket is still a draft: new, and step 1 not done.
pub fn is_draft(t: &Ticket) -> bool {
    t.status == TicketStatus::New && !t.is_done(1)
}

/// The audit event of discarding a draft, or why it cannot be discarded. `time_minutes` are the
/// minutes of the time entries logged on it, which go with it and are named in the event.
pub fn discard(t: &Ticket, time_minutes: &[i64]) -> Result<Change> {
    if !is_draft(t) {
        return Err(Error::NotADraft(t.number.clone()));
    }
    Ok(Change::new(
        "ticket_discarded",
        json!({
            "number": t.number,
            "status": t.status,
            "assignee": t.assignee,
            "time_entry_minutes": time_minutes,
        }),
        json!(null),
    ))
}
