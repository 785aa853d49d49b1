//! A new ticket is a draft until its caller is verified: until then it holds nothing a
//! client could be billed or reported for, so a technician may discard it instead of leaving an
//! "intake under way" ghost in the queue.

use super::Change;
use crate::error::{Error, Result};
use crate::template::{builtin, Template};
use crate::ticket::{Ticket, TicketStatus};
use serde_json::json;

/// Whether the ticket is still a draft: new, and the caller not verified (the step found by key in
/// `tmpl`, the ticket's template version, whatever its number there).
pub fn is_draft(t: &Ticket, tmpl: &Template) -> bool {
    t.status == TicketStatus::New
        && !tmpl
            .number_of(builtin::VERIFY_CALLER)
            .is_some_and(|n| t.is_done(n))
}

/// The audit event of discarding a draft, or why it cannot be discarded. `time_minutes` are the
/// minutes of the time entries logged on it, which go with it and are named in the event.
pub fn discard(t: &Ticket, tmpl: &Template, time_minutes: &[i64]) -> Result<Change> {
    if !is_draft(t, tmpl) {
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
