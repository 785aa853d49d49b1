//! The SLA engine: how long a ticket has had, and how long it has left.
//!
//! Contracts promise working time, so every figure is counted on the client's [`Calendar`] in its
//! own time zone, minus "waiting on customer" pauses. Everything here is a pure function of its
//! inputs, `now` included: no clock is read, so a status can be recomputed from the audit trail at
//! any past instant and tests can pin exact deadlines.

mod calendar;
mod display;
mod policy;
mod targets;
mod timer;
mod zone;

pub use calendar::{far_future, BusinessHours, Calendar, MAX_HOLIDAYS};
pub(crate) use display::client_zone;
pub use display::{client_time_zone, clock_breaks, ClockBreaks};
pub use policy::{default_policies, policy_for, SlaPolicy};
pub use targets::{
    checked_targets, target_problems, SlaTargetInput, SlaTargetProblem, SlaTerms,
    MAX_TARGET_MINUTES,
};
pub use timer::{evaluate, Pause, SlaState, SlaStatus, Timer, DEFAULT_AT_RISK_RATIO};
pub(crate) use zone::{utc_offset_text, Zone};
