//! The desk's history as a QBR pack carries it: the newest event, and the first checkpoint that
//! covers it.

use super::audit;
use super::Store;
use crate::error::Result;
use crate::report::HistoryAnchor;

impl Store {
    /// The newest audit event and the first checkpoint whose head includes it (none yet when
    /// the newest events are unsigned); none for a desk without history.
    pub fn history_anchor(&self) -> Result<Option<HistoryAnchor>> {
        let (head_id, _) = audit::head(self.conn())?;
        let Some(head_event) = self.audit_event(head_id)? else {
            return Ok(None);
        };
        let seq: Option<i64> = self.conn().query_row(
            "SELECT min(seq) AS seq FROM audit_checkpoints WHERE event_id >= ?1",
            [head_id],
            |r| r.get("seq"),
        )?;
        let checkpoint = match seq {
            Some(seq) => self.checkpoint_at(seq)?,
            None => None,
        };
        Ok(Some(HistoryAnchor {
            head_event,
            checkpoint,
        }))
    }
}
