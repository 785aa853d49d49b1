//! The intake form's dry run against this desk's directory and matrix (see
//! [`crate::workflow::intake_preview`]): reads only, inside no transaction, writes nothing.

use super::Store;
use crate::error::Result;
use crate::sla::DEFAULT_AT_RISK_RATIO;
use crate::workflow::{intake_preview, Ctx, IntakePreview, IntakeStep};
use chrono::{DateTime, Utc};

impl Store {
    /// What "Open ticket" would refuse with these intake values, and the priority it would store,
    /// for `ticket` (on the template version it pinned) or, without one, for a ticket started now
    /// on the template new tickets get.
    pub fn preview_intake(
        &self,
        ticket: Option<i64>,
        steps: &[IntakeStep],
        now: DateTime<Utc>,
    ) -> Result<IntakePreview> {
        let tmpl = match ticket {
            Some(id) => {
                let t = self.ticket(id)?;
                self.template(&t.template_key, t.template_version)?
            }
            None => self.published_template()?,
        };
        let lookup = self.lookup();
        let ctx = Ctx {
            now,
            actor: "intake preview",
            lookup: &lookup,
            at_risk_ratio: DEFAULT_AT_RISK_RATIO,
        };
        Ok(intake_preview(&tmpl, steps, &ctx))
    }
}
