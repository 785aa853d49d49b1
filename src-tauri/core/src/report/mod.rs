//! Closure reports: a closed ticket's sealed record as a signed PDF a client can keep.
//!
//! The PDF is drawn from the canonical record (so it shows exactly what was hashed), carries the
//! record itself as an attachment and its SHA-256 in every footer and in the document info, and
//! is signed (PAdES) by the installation's identity as an incremental update over the whole file.

mod batch;
pub(crate) mod document;
mod export;
pub(crate) mod fallback;
pub(crate) mod flow;
pub(crate) mod fonts;
pub(crate) mod layout;
mod logo;
mod verify;

pub use batch::{
    batch_file_name, export_batch, export_batch_with, run_batch, BatchControl, BatchFailure,
    BatchProgress, BatchSummary,
};
pub use export::{save_report, write_file, SavedReport};
pub use logo::{Logo, LogoFormat, ReportLogo, LOGO_MAX_BYTES, LOGO_MAX_SIDE, LOGO_MIN_SIDE};
pub use verify::{
    reclassify_with_keychain, verify_report, verify_report_alone, Check, Verdict, Verification,
    REPORT_MAX_BYTES,
};

use crate::error::{Error, Result};
use crate::record::SealedRecord;
use crate::signing::{self, Identity};
use crate::store::Store;
use crate::template::Template;
use crate::text_enum::text_enum;
use chrono::{DateTime, Utc};
use layout::{Block, Draw, Frame, Measure, Style, MUTED, RULE};
use lopdf::{Dictionary, Object, Stream, StringFormat};
use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the header says until the MSP sets its name.
pub const DEFAULT_MSP_NAME: &str = "IT Service Desk";
/// Document-info keys that carry the ticket and record hash for machines.
pub const INFO_TICKET: &str = "TicketflowTicket";
pub const INFO_RECORD_HASH: &str = "TicketflowRecordSHA256";
/// Document-info key of the seal's place in the desk's history: the `ticket_sealed` event and the
/// checkpoint that signed a head including it, as canonical JSON (see [`Anchor`]).
pub const INFO_ANCHOR: &str = "TicketflowAnchor";
/// Document-info key that marks a QBR pack (rather than a closure report) and names what it
/// covers: the client and the period, as canonical JSON (see [`QbrSubject`]). A pack's
/// [`INFO_RECORD_HASH`] is the SHA-256 of its attached figures, and its [`INFO_ANCHOR`] a
/// [`HistoryAnchor`].
pub const INFO_QBR: &str = "TicketflowQbr";

/// What a QBR pack is about, as its document info says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QbrSubject {
    /// The client's name; none for a pack of every client.
    pub client: Option<String>,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
}

/// What a QBR pack carries of the desk's history: the newest event when its figures were read
/// (so the figures cannot later be said to come from a different desk state) and the first
/// checkpoint whose signed head includes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryAnchor {
    pub head_event: crate::audit::AuditEvent,
    pub checkpoint: Option<crate::checkpoint::Checkpoint>,
}

/// What a report carries of the desk's history at sealing: the seal event whole (so its hash can
/// be recomputed and its record hash read without the database) and the first checkpoint whose
/// signed head includes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    pub seal_event: crate::audit::AuditEvent,
    pub checkpoint: Option<crate::checkpoint::Checkpoint>,
}

impl From<&crate::store::SealAnchor> for Anchor {
    fn from(a: &crate::store::SealAnchor) -> Anchor {
        Anchor {
            seal_event: a.seal_event.clone(),
            checkpoint: a.checkpoint.clone(),
        }
    }
}

text_enum! {
    /// The report's paper.
    pub enum PaperSize {
        A4 = "a4",
        Letter = "letter",
    }
}

impl PaperSize {
    /// Width and height in points.
    pub fn points(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.276, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ReportSettings {
    pub paper: PaperSize,
    /// The MSP (or IT department) named in the header.
    pub msp_name: String,
    /// Whether the full technical record follows the client's pages as an appendix. Either way
    /// the same sealed record is attached, hashed and signed.
    pub include_appendix: bool,
    /// Whether a logo is set (the image itself: `get_report_logo`).
    pub has_logo: bool,
    /// The logo printed in the letterhead; not sent to the window with the settings.
    #[serde(skip)]
    #[ts(skip)]
    pub logo: Option<Logo>,
    /// The desk's default time zone: times of a 24×7 client (whose calendar names no zone)
    /// print in it.
    #[serde(skip)]
    #[ts(skip)]
    pub desk_time_zone: Option<String>,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings {
            paper: PaperSize::A4,
            msp_name: DEFAULT_MSP_NAME.into(),
            include_appendix: true,
            has_logo: false,
            logo: None,
            desk_time_zone: None,
        }
    }
}

/// Everything a report is made from.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub sealed: SealedRecord,
    pub template: Template,
    pub settings: ReportSettings,
    /// The seal's place in the history (None: a desk closed before seals entered the chain and
    /// never migrated, which cannot happen on an up-to-date store).
    pub anchor: Option<Anchor>,
}

impl Store {
    /// The sealed record, template and settings for a closed ticket's report, by ticket number.
    pub fn report_input(&self, ticket_number: &str) -> Result<ReportInput> {
        self.report_input_of(self.ticket_id_by_number(ticket_number.trim())?)
    }

    /// The same, by ticket id (NOT_CLOSED for a ticket that is still open).
    pub fn report_input_of(&self, id: i64) -> Result<ReportInput> {
        let sealed = self.closure_record(id)?;
        let template = self.template(
            &sealed.record.ticket.template_key,
            sealed.record.ticket.template_version,
        )?;
        Ok(ReportInput {
            sealed,
            template,
            settings: self.report_settings()?,
            anchor: self.seal_anchor(id)?.as_ref().map(Anchor::from),
        })
    }

    /// Makes sure a checkpoint covers the ticket's seal before its report is signed (one taken
    /// when the ticket closed, else one now, with the report's key), and puts the anchor in
    /// `input`.
    pub fn anchor_report(
        &mut self,
        ticket_id: i64,
        identity: &Identity,
        input: &mut ReportInput,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let covered = self
            .seal_anchor(ticket_id)?
            .is_some_and(|a| a.checkpoint.is_some());
        if !covered {
            self.checkpoint(identity, crate::checkpoint::CheckpointReason::Report, now)?;
        }
        input.anchor = self.seal_anchor(ticket_id)?.as_ref().map(Anchor::from);
        Ok(())
    }
}

pub(crate) fn failed(e: impl std::fmt::Display) -> Error {
    Error::ReportFailed(e.to_string())
}

pub(crate) fn frame(paper: PaperSize) -> Frame {
    let (width, height) = paper.points();
    Frame {
        width,
        height,
        left: 50.0,
        right: 50.0,
        top: 58.0,
        bottom: 64.0,
    }
}

/// Running header (pages after the first) and footer (every page): `footer` on the left (the
/// fingerprint of what the document carries), the page number on the right.
fn page_furniture(
    page: usize,
    pages: usize,
    frame: Frame,
    header: &str,
    footer: &str,
    m: &Measure,
) -> Vec<Draw> {
    let w = frame.content_width();
    let mut b = Block::new(0.0);
    let small = Style::new(7.4, false, MUTED);
    if page > 0 {
        let h = m.fit(header, small, w);
        b.text(0.0, -24.0, small, &h);
        b.hline(0.0, -18.0, w, 0.5, RULE);
    }
    let footer_y = frame.height - frame.top - frame.bottom + 26.0;
    b.hline(0.0, footer_y - 10.0, w, 0.5, RULE);
    let tiny = Style::new(6.6, false, MUTED);
    let page_text = format!("Page {} of {}", page + 1, pages);
    let pw = m.width(&page_text, small);
    b.text(0.0, footer_y, tiny, &m.fit(footer, tiny, w - pw - 12.0));
    b.text(w - pw, footer_y, small, &page_text);
    b.draws
        .iter()
        .map(|d| d.moved(frame.left, frame.top))
        .collect()
}

fn pdf_date(at: DateTime<Utc>) -> String {
    format!("D:{}Z", at.format("%Y%m%d%H%M%S"))
}

fn utf16(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    // The document's title and description hold names too: hidden characters are marked.
    for unit in crate::text::visible::marked(s).encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The file a signed document carries, so what it was drawn from can be hashed by anyone.
pub(crate) struct Attachment {
    pub name: String,
    pub mime: &'static [u8],
    pub bytes: Vec<u8>,
    pub description: String,
}

/// A laid-out document and what the file says about itself: everything [`assemble`] needs to
/// write it as a PDF (and sign it). Closure reports and QBR packs are both written this way.
pub(crate) struct Assembly<'a> {
    pub frame: Frame,
    /// Content blocks flowed onto pages, below `first_top` on page 1.
    pub blocks: Vec<Block>,
    pub first_top: f32,
    /// Drawn on page 1 above the flowed content.
    pub letterhead: Vec<Draw>,
    pub running_header: String,
    /// Left of every footer.
    pub footer: String,
    pub title: String,
    pub author: String,
    pub subject: String,
    pub created: DateTime<Utc>,
    /// Document-info entries for machines (ticket, hash, anchor…), as literal strings.
    pub info: Vec<(&'static str, String)>,
    /// Seeds the file identifier: the same content gets the same /ID.
    pub id_seed: String,
    pub attachment: Attachment,
    pub logo: Option<(&'a Logo, document::Place)>,
    /// The signature field's name and the signature's stated reason.
    pub field: &'static str,
    pub reason: String,
}

/// Paginates, draws, attaches and writes the PDF; with an identity, also signs it.
pub(crate) fn assemble(
    a: Assembly<'_>,
    identity: Option<&Identity>,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let frame = a.frame;
    let fonts = fonts::Fonts::get()?;
    let m = Measure { fonts };
    // Characters no font could draw printed as markers; the document ends by naming them.
    let mut blocks = a.blocks;
    let note = fallback::unprintable_note(&m, &blocks, frame.content_width());
    blocks.extend(note);
    let mut pages = layout::paginate(&blocks, frame, a.first_top);
    if let Some(first) = pages.first_mut() {
        let mut with_head = a.letterhead;
        with_head.append(first);
        *first = with_head;
    }
    let count = pages.len();
    let mut pdf = PdfDocument::new(&crate::text::visible::marked(&a.title));
    let to_mm = |pt: f32| Mm(pt * 25.4 / 72.0);
    let pages: Vec<Vec<Draw>> = pages
        .into_iter()
        .enumerate()
        .map(|(i, mut draws)| {
            draws.extend(page_furniture(
                i,
                count,
                frame,
                &a.running_header,
                &a.footer,
                &m,
            ));
            draws
        })
        .collect();
    // The built-in faces and only the system fonts the text needs are embedded.
    let ids = fallback::FontIds::register(&mut pdf, fonts, &pages);
    let pdf_pages = pages
        .iter()
        .map(|draws| {
            PdfPage::new(
                to_mm(frame.width),
                to_mm(frame.height),
                layout::to_ops(draws, frame.height, fonts, &ids),
            )
        })
        .collect();
    pdf.with_pages(pdf_pages);
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut doc = pdf.to_lopdf_document(&opts, &mut Vec::new());
    doc.version = "1.7".into();
    if let Some((logo, place)) = a.logo {
        let first_page = doc
            .get_pages()
            .get(&1)
            .copied()
            .ok_or_else(|| failed("no first page"))?;
        logo::embed(&mut doc, first_page, logo, place, frame.height)?;
    }
    doc.compress();

    let mut info = Dictionary::from_iter(vec![
        ("Title", utf16(&a.title)),
        ("Author", utf16(&a.author)),
        ("Subject", utf16(&a.subject)),
        ("Creator", utf16("Ticketflow")),
        ("Producer", utf16("Ticketflow (printpdf, lopdf)")),
        (
            "CreationDate",
            Object::string_literal(pdf_date(a.created).into_bytes()),
        ),
        (
            "ModDate",
            Object::string_literal(pdf_date(now).into_bytes()),
        ),
    ]);
    for (key, value) in a.info {
        info.set(key, Object::string_literal(value.into_bytes()));
    }
    let info_id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(info_id));
    let id_bytes = Sha256::digest(a.id_seed.as_bytes())[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id_bytes.clone(), StringFormat::Hexadecimal),
            Object::String(id_bytes, StringFormat::Hexadecimal),
        ]),
    );

    let file = a.attachment;
    let mut stream = Stream::new(
        Dictionary::from_iter(vec![
            ("Type", Object::Name(b"EmbeddedFile".to_vec())),
            ("Subtype", Object::Name(file.mime.to_vec())),
            (
                "Params",
                Object::Dictionary(Dictionary::from_iter(vec![(
                    "Size",
                    Object::Integer(i64::try_from(file.bytes.len()).unwrap_or(i64::MAX)),
                )])),
            ),
        ]),
        file.bytes,
    );
    stream.compress().map_err(failed)?;
    let ef_id = doc.add_object(stream);
    let filespec = Dictionary::from_iter(vec![
        ("Type", Object::Name(b"Filespec".to_vec())),
        ("F", Object::string_literal(file.name.as_bytes().to_vec())),
        ("UF", utf16(&file.name)),
        ("Desc", utf16(&file.description)),
        (
            "EF",
            Object::Dictionary(Dictionary::from_iter(vec![("F", Object::Reference(ef_id))])),
        ),
        ("AFRelationship", Object::Name(b"Data".to_vec())),
    ]);
    let fs_id = doc.add_object(filespec);
    let root_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(failed)?;
    let catalog = doc
        .get_object_mut(root_id)
        .and_then(Object::as_dict_mut)
        .map_err(failed)?;
    catalog.set(
        "Names",
        Dictionary::from_iter(vec![(
            "EmbeddedFiles",
            Object::Dictionary(Dictionary::from_iter(vec![(
                "Names",
                Object::Array(vec![
                    Object::string_literal(file.name.as_bytes().to_vec()),
                    Object::Reference(fs_id),
                ]),
            )])),
        )]),
    );
    catalog.set("AF", Object::Array(vec![Object::Reference(fs_id)]));

    let field = match identity {
        Some(_) => Some(signing::add_signature_field(&mut doc, a.field)?),
        None => None,
    };
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(failed)?;
    match (identity, field) {
        (Some(identity), Some(field)) => {
            signing::sign_prepared(bytes, &field, identity, now.fixed_offset(), &a.reason)
        }
        _ => Ok(bytes),
    }
}

/// What a signed document says about its signature, for its "about" paragraph.
pub(crate) fn signer_note(identity: &Identity, history: Option<String>) -> document::SignerNote {
    document::SignerNote {
        signer: identity.signer_name(),
        root: signing::subject_name(&identity.certificates.root),
        history,
    }
}

/// Lays out and writes the PDF; with an identity, also signs it.
fn make_pdf(
    input: &ReportInput,
    identity: Option<&Identity>,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let record = &input.sealed.record;
    let hash = &input.sealed.hash;
    let settings = &input.settings;
    let frame = frame(settings.paper);
    let note = identity.map(|id| {
        signer_note(
            id,
            input.anchor.as_ref().map(|a| {
                let mut text = format!(
                    "When it was sealed, the desk's history stood at event {} (SHA-256 {}).",
                    a.seal_event.id, a.seal_event.hash
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
    let content = document::build(record, &input.template, settings, note.as_ref(), frame)?;
    let mut info = vec![
        (INFO_TICKET, record.ticket.number.clone()),
        (INFO_RECORD_HASH, hash.clone()),
    ];
    if let Some(anchor) = &input.anchor {
        info.push((INFO_ANCHOR, crate::canonical::canonical_json(anchor)?));
    }
    let file_name = format!("{}-record.json", record.ticket.number);
    assemble(
        Assembly {
            frame,
            blocks: content.blocks,
            first_top: content.first_top,
            letterhead: content.letterhead,
            running_header: content.running_header,
            footer: format!("Record SHA-256 {hash}"),
            title: format!("Service report {}", record.ticket.number),
            author: settings.msp_name.clone(),
            subject: format!(
                "Signed closure report of ticket {} for {}",
                record.ticket.number,
                record
                    .company
                    .as_ref()
                    .map(|c| c.name.as_str())
                    .unwrap_or("the client")
            ),
            created: record.ticket.closed_at.unwrap_or(now),
            info,
            id_seed: format!("ticketflow-report:{hash}"),
            // The canonical record travels inside the PDF, so its hash can be recomputed by
            // anyone.
            attachment: Attachment {
                description: format!(
                    "Sealed closure record of {} (RFC 8785 canonical JSON); SHA-256 {hash}",
                    record.ticket.number
                ),
                name: file_name,
                mime: b"application/json",
                bytes: input.sealed.canonical_json.as_bytes().to_vec(),
            },
            logo: settings.logo.as_ref().zip(content.logo_box),
            field: "Closure sign-off",
            reason: format!(
                "Closure report of ticket {}; record SHA-256 {hash}",
                record.ticket.number
            ),
        },
        identity,
        now,
    )
}

/// The report as an unsigned PDF (previews, tests).
pub fn render_unsigned(input: &ReportInput, now: DateTime<Utc>) -> Result<Vec<u8>> {
    make_pdf(input, None, now)
}

/// The report, signed by `identity`.
pub fn render_signed(
    input: &ReportInput,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    make_pdf(input, Some(identity), now)
}

/// Exports a closed ticket's signed report by its number (e.g. "T-000042").
pub fn export_ticket(
    store: &mut Store,
    ticket_number: &str,
    identity: &Identity,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let mut input = store.report_input(ticket_number)?;
    let id = store.ticket_id_by_number(ticket_number.trim())?;
    store.anchor_report(id, identity, &mut input, now)?;
    render_signed(&input, identity, now)
}

/// A ticket number as a file name: letters, digits, '-' and '_' only.
pub(crate) fn safe_file_name(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
