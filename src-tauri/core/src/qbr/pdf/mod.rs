//! The QBR pack: one client's (or every client's) figures over a period as a signed PDF.
//!
//! A cover, the KPIs against the previous period of the same length, charts drawn as vectors,
//! the SLA breaches, and an appendix with every figure's definition and every ticket behind the
//! figures with the hash of its sealed record. The figures travel inside the file as canonical
//! JSON, whose SHA-256 is printed in every footer; the file is signed by the same identity as
//! closure reports and carries the desk's history at the time (a [`HistoryAnchor`]), so
//! `verify-report` and `pdfsig` check it the same way.

mod batch;
mod charts;
mod definitions;
mod pages;

pub use batch::{export_qbr_batch, qbr_file_name};

use super::Qbr;
use crate::error::Result;
use crate::report::{
    self, assemble, Assembly, Attachment, HistoryAnchor, QbrSubject, ReportSettings, INFO_ANCHOR,
    INFO_QBR, INFO_RECORD_HASH,
};
use crate::signing::Identity;
use crate::store::Store;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::path::Path;

/// Everything a pack is made from.
#[derive(Debug, Clone)]
pub struct QbrPackInput {
    pub qbr: Qbr,
    /// The same client's figures over the period the QBR screen compares with
    /// ([`super::previous`]: as many days, ending the day before), for the change column; none
    /// when no period comes before.
    pub previous: Option<Qbr>,
    pub settings: ReportSettings,
    /// The desk's history when the figures were read (set by [`Store::anchor_qbr`]).
    pub anchor: Option<HistoryAnchor>,
}

/// A pack written to disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SavedQbr {
    /// The client's name; none for a pack of every client.
    pub client: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub path: String,
    pub bytes: u64,
    /// SHA-256 of the figures (canonical JSON) the pack carries and prints in its footers.
    pub figures_hash: String,
    /// Tickets behind the figures, each listed with its record hash in the appendix.
    pub tickets: usize,
}

impl Store {
    /// The figures of the period and of the one before it, and the report settings: everything
    /// a pack needs but its signature and history anchor.
    pub fn qbr_pack_input(
        &self,
        company: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<QbrPackInput> {
        let qbr = self.qbr(company, from, to, now)?;
        // The same period before as the QBR screen compares with (`qbr::previous`).
        let previous = match super::previous(super::QbrPeriod { from, to }) {
            Ok(p) => Some(self.qbr(company, p.from, p.to, now)?),
            Err(_) => None,
        };
        Ok(QbrPackInput {
            qbr,
            previous,
            settings: self.report_settings()?,
            anchor: None,
        })
    }

    /// The desk's history now, covered by a checkpoint signed with `identity` (taking one if
    /// the newest events are not covered yet): what a pack carries as its anchor.
    pub fn checkpointed_history(
        &mut self,
        identity: &Identity,
        now: DateTime<Utc>,
    ) -> Result<Option<HistoryAnchor>> {
        let covered = self
            .history_anchor()?
            .is_none_or(|a| a.checkpoint.is_some());
        if !covered {
            self.checkpoint(identity, crate::checkpoint::CheckpointReason::Report, now)?;
        }
        self.history_anchor()
    }

    /// Puts the anchor of [`Store::checkpointed_history`] in `input`.
    pub fn anchor_qbr(
        &mut self,
        identity: &Identity,
        input: &mut QbrPackInput,
        now: DateTime<Utc>,
    ) -> Result<()> {
        input.anchor = self.checkpointed_history(identity, now)?;
        Ok(())
    }

    /// One client's (or, with `company` none, every client's) pack over `from` to `to`,
    /// anchored, signed by `identity` and written to `out` (atomically: a reader never sees half
    /// a file).
    pub fn export_qbr_pack(
        &mut self,
        identity: &Identity,
        company: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
        out: &Path,
    ) -> Result<SavedQbr> {
        let mut input = self.qbr_pack_input(company, from, to, now)?;
        self.anchor_qbr(identity, &mut input, now)?;
        save_qbr_pack(&input, identity, now, out)
    }
}

/// The figures as the pack attaches them: canonical JSON (RFC 8785).
fn figures_json(q: &Qbr) -> Result<String> {
    crate::canonical::canonical_json(q)
}

fn make_pdf(
    input: &QbrPackInput,
    identity: Option<&Identity>,
    now: DateTime<Utc>,
) -> Result<(Vec<u8>, String)> {
    let q = &input.qbr;
    let settings = &input.settings;
    let json = figures_json(q)?;
    let hash = crate::canonical::sha256_hex(json.as_bytes());
    let frame = report::frame(settings.paper);
    let client = q.client.as_ref().map(|c| c.name.clone());
    let who = client.clone().unwrap_or_else(|| "every client".into());
    let note = identity.map(|id| {
        report::signer_note(
            id,
            input.anchor.as_ref().map(|a| {
                let mut text = format!(
                    "When the figures were read, the desk's history stood at event {} (SHA-256 {}).",
                    a.head_event.id, a.head_event.hash
                );
                if let Some(c) = &a.checkpoint {
                    text.push_str(&format!(
                        " Checkpoint {} of the desk, signed {} with the same key, vouches for the \
                         history through event {}.",
                        c.seq,
                        c.at.get(..10).unwrap_or(&c.at),
                        c.event_id
                    ));
                }
                text
            }),
        )
    });
    let content = pages::build(input, note.as_ref(), frame, &hash)?;
    let subject = QbrSubject {
        client: client.clone(),
        from: q.from,
        to: q.to,
    };
    let mut info = vec![
        (INFO_QBR, crate::canonical::canonical_json(&subject)?),
        (INFO_RECORD_HASH, hash.clone()),
    ];
    if let Some(anchor) = &input.anchor {
        info.push((INFO_ANCHOR, crate::canonical::canonical_json(anchor)?));
    }
    let period = format!("{} to {}", q.from, q.to);
    let pdf = assemble(
        Assembly {
            frame,
            blocks: content.blocks,
            first_top: content.first_top,
            letterhead: content.letterhead,
            running_header: content.running_header,
            footer: format!("Figures SHA-256 {hash}"),
            title: format!("Quarterly business review: {who}, {period}"),
            author: settings.msp_name.clone(),
            subject: format!("Signed QBR pack for {who}, {period}"),
            created: q.computed_at,
            info,
            id_seed: format!("ticketflow-qbr:{hash}"),
            attachment: Attachment {
                name: "qbr-figures.json".into(),
                mime: b"application/json",
                description: format!(
                    "The QBR figures of {who}, {period} (RFC 8785 canonical JSON); SHA-256 {hash}"
                ),
                bytes: json.into_bytes(),
            },
            logo: settings.logo.as_ref().zip(content.logo_box),
            field: "QBR sign-off",
            reason: format!("QBR pack of {who}, {period}; figures SHA-256 {hash}"),
        },
        identity,
        now,
    )?;
    Ok((pdf, hash))
}

/// The pack as an unsigned PDF (previews, tests).
pub fn render_qbr_unsigned(input: &QbrPackInput, now: DateTime<Utc>) -> Result<Vec<u8>> {
    Ok(make_pdf(input, None, now)?.0)
}

/// The pack, signed by `identity`.
pub fn render_qbr_signed(
    input: &QbrPackInput,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    Ok(make_pdf(input, Some(identity), now)?.0)
}

/// Signs the pack of `input` and writes it to `path`, as [`report::save_report`] does a
/// closure report.
pub fn save_qbr_pack(
    input: &QbrPackInput,
    identity: &Identity,
    now: DateTime<Utc>,
    path: &Path,
) -> Result<SavedQbr> {
    let (pdf, hash) = make_pdf(input, Some(identity), now)?;
    report::write_file(path, &pdf)?;
    let q = &input.qbr;
    Ok(SavedQbr {
        client: q.client.as_ref().map(|c| c.name.clone()),
        from: q.from,
        to: q.to,
        path: path.display().to_string(),
        bytes: pdf.len() as u64,
        figures_hash: hash,
        tickets: q.tickets.len(),
    })
}
