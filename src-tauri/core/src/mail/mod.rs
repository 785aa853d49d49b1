//! Mail to requesters (issue 18): the resolution summary (with the CSAT survey link when
//! one is due) and, once the ticket is closed, the signed closure report.
//!
//! Nothing is sent from here directly: a message is composed once, queued in the store's outbox
//! with its Message-ID, and sent by [`send_due`], which the app and the CLI call in a loop. The
//! outbox's lease (see `store/outbox.rs`) keeps two senders off the same message; a sender that
//! dies after the server took a message but before it was marked sent leaves a lease that runs
//! out, and the message goes again with the same Message-ID: the receiving side sees one
//! message, possibly twice, never two different ones.
//!
//! Without an account, [`write_draft`] writes the same message as an `.eml` draft for the
//! user's mail client.

mod account;
mod compose;
mod sender;
mod smtp;
mod steps;

pub use account::{account, save_account, MailAccount, MailAccountInput, Security};
pub use compose::{check_survey_template, SURVEY_PLACEHOLDERS, SURVEY_URL_MAX};
pub use sender::{send_due, send_due_with, SendPolicy, SendSummary};
pub use steps::{
    queue_after_close, queue_after_step, queue_due, ticket_mail, MissingMail, TicketMail,
};

use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crate::signing::Identity;
use crate::store::{MailKind, NewMessage, OutboxEntry, Store};
use crate::template::{builtin, Template};
use crate::ticket::Ticket;
use crate::workflow::Lookup;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The stable codes of mail errors (`Error::Mail`), each message saying what to do.
pub mod codes {
    /// The desk has no mail account: set one up, or open the message as a draft.
    pub const NO_ACCOUNT: &str = "MAIL_NO_ACCOUNT";
    /// The account signs in but its password is not in the keychain.
    pub const PASSWORD_MISSING: &str = "MAIL_PASSWORD_MISSING";
    /// The requester has no email address.
    pub const NO_RECIPIENT: &str = "MAIL_NO_RECIPIENT";
    /// An address (requester, From) does not parse.
    pub const ADDRESS_INVALID: &str = "MAIL_ADDRESS_INVALID";
    /// The server could not be reached (refused, timed out, unknown host).
    pub const CONNECT_FAILED: &str = "MAIL_CONNECT_FAILED";
    /// TLS failed, or STARTTLS was not offered: nothing was sent unencrypted.
    pub const TLS_FAILED: &str = "MAIL_TLS_FAILED";
    /// The server refused the user name and password.
    pub const AUTH_REJECTED: &str = "MAIL_AUTH_REJECTED";
    /// The server refused the recipient for good (5xx to RCPT).
    pub const RECIPIENT_REFUSED: &str = "MAIL_RECIPIENT_REFUSED";
    /// The message is over the server's size limit.
    pub const TOO_LARGE: &str = "MAIL_TOO_LARGE";
    /// Any other permanent refusal (5xx).
    pub const REJECTED: &str = "MAIL_REJECTED";
    /// A temporary refusal (4xx): tried again later.
    pub const TEMPORARY: &str = "MAIL_TEMPORARY";
    /// The connection broke before the server confirmed the message: tried again later.
    pub const CONNECTION_LOST: &str = "MAIL_CONNECTION_LOST";
}

/// `bytes` random bytes from the OS, as hex: unguessable names and Message-IDs.
fn random_hex(bytes: usize) -> String {
    use rand_core::RngCore;
    let mut buf = vec![0u8; bytes];
    rand_core::OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// The requester of a ticket as a mailbox, or the coded reason there is none.
fn requester(store: &Store, t: &Ticket) -> Result<Mailbox> {
    let Some(contact_id) = t.contact_id else {
        return Err(Error::Mail {
            code: codes::NO_RECIPIENT,
            message: format!(
                "ticket {} has no requester yet: choose the contact at step 1, then send again",
                t.number
            ),
        });
    };
    let contact = crate::store::lookup_over(store.conn()).contact(contact_id)?;
    let email = contact
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| Error::Mail {
            code: codes::NO_RECIPIENT,
            message: format!(
                "{} has no email address: add it to the contact in the directory, then send \
                 again (or print the summary for them)",
                contact.name
            ),
        })?;
    let address = email.parse::<lettre::Address>().map_err(|e| Error::Mail {
        code: codes::ADDRESS_INVALID,
        message: format!(
            "{}'s email address {email:?} is not an email address ({e}): correct it in the \
                 directory, then send again",
            contact.name
        ),
    })?;
    Ok(Mailbox::new(Some(contact.name), address))
}

/// The ticket's value of `field` at the step with `key` in its template `tmpl` (numbers differ
/// between template versions; keys do not).
fn value_at<'a>(
    t: &'a Ticket,
    tmpl: &Template,
    key: &str,
    field: &str,
) -> Option<&'a serde_json::Value> {
    t.value(tmpl.number_of(key)?, field)
}

/// The resolution summary's text: exactly what the end user signed at hand-over.
fn summary_text(t: &Ticket, tmpl: &Template) -> Result<String> {
    value_at(t, tmpl, builtin::SUMMARY, "summary")
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            let step = match tmpl.by_key(builtin::SUMMARY) {
                Some(s) => format!("step {} ({})", s.number, s.title),
                None => "the resolution summary step".to_string(),
            };
            Error::invalid(
                "summary",
                format!(
                    "ticket {} has no resolution summary yet: complete {step} first",
                    t.number
                ),
            )
        })
}

/// What the summary says about the CSAT survey: the link (when the company has a survey URL
/// and the end user did not rate at hand-over), and that decision in words for the outbox.
fn survey(
    store: &Store,
    t: &Ticket,
    tmpl: &Template,
    psa_ticket: Option<&str>,
    to: &Mailbox,
) -> Result<(Option<String>, String)> {
    if let Some(rating) = value_at(t, tmpl, builtin::CSAT, "rating").and_then(|v| v.as_i64()) {
        return Ok((
            None,
            format!("rated {rating}/5 at hand-over: no survey sent"),
        ));
    }
    let template = match t.company_id {
        Some(company) => store.company_survey_url(company)?,
        None => None,
    };
    let Some(template) = template else {
        return Ok((None, "no survey link: the company has no survey URL".into()));
    };
    let psa = psa_ticket.map(str::trim).filter(|p| !p.is_empty());
    if template.contains("{psa_ticket}") && psa.is_none() {
        return Err(Error::invalid(
            "psa_ticket",
            format!(
                "the company's survey link needs the PSA ticket number: enter the PSA's number \
                 for {}",
                t.number
            ),
        ));
    }
    let link = compose::survey_link(&template, &t.number, psa.unwrap_or(""), to.email.as_ref());
    // The outbox recognises this wording: once the message is sent, the CSAT step says "sent".
    let said = format!("{}{link}", crate::store::SURVEY_LINK_SENT);
    Ok((Some(link), said))
}

fn summary_body(msp: &str, t: &Ticket, to: &Mailbox, summary: &str, link: Option<&str>) -> String {
    let name = to.name.as_deref().unwrap_or("there");
    let mut text = format!(
        "Hello {name},\n\nYour ticket {} is resolved. In short:\n\n{summary}\n",
        t.number
    );
    if let Some(link) = link {
        text.push_str(&format!(
            "\nHow did we do? Two minutes of your time help us improve:\n{link}\n"
        ));
    }
    text.push_str(&format!("\n{msp}\n"));
    text
}

/// Queues the resolution summary to the requester. Queuing it again returns the message already
/// queued. `psa_ticket`: the PSA's number for the ticket, for a survey link that names it.
pub fn queue_summary(
    store: &mut Store,
    ticket_id: i64,
    psa_ticket: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxEntry> {
    let from = account::parse_from(
        &account::account(store)?
            .ok_or_else(account::no_account)?
            .from,
    )?;
    let t = store.ticket(ticket_id)?;
    let tmpl = store.template(&t.template_key, t.template_version)?;
    let summary = summary_text(&t, &tmpl)?;
    let to = requester(store, &t)?;
    let (link, survey) = survey(store, &t, &tmpl, psa_ticket, &to)?;
    let msp = store.report_settings()?.msp_name;
    let message_id = compose::message_id(&t.number, "summary", &from);
    let subject = format!("[{}] Resolution summary", t.number);
    let raw = compose::format(compose::Letter {
        from: from.clone(),
        to: to.clone(),
        subject: subject.clone(),
        text: summary_body(&msp, &t, &to, &summary, link.as_deref()),
        attachment: None,
        message_id: message_id.clone(),
        date: now,
        draft: false,
    })?;
    store.outbox_queue(
        NewMessage {
            ticket_id,
            kind: MailKind::Summary,
            message_id,
            sender: from.email.to_string(),
            recipient: to.email.to_string(),
            subject,
            raw,
            survey,
        },
        actor,
        now,
    )
}

fn report_file_name(number: &str) -> String {
    let safe: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}-closure-report.pdf")
}

/// Queues the signed closure report of a closed ticket to its requester.
pub fn queue_report(
    store: &mut Store,
    identity: &Identity,
    ticket_id: i64,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxEntry> {
    let from = account::parse_from(
        &account::account(store)?
            .ok_or_else(account::no_account)?
            .from,
    )?;
    let t = store.ticket(ticket_id)?;
    if !t.is_closed() {
        return Err(Error::NotClosed(t.number));
    }
    let to = requester(store, &t)?;
    if let Some(existing) = store
        .outbox(Some(ticket_id))?
        .into_iter()
        .find(|e| e.kind == MailKind::Report)
    {
        return Ok(existing);
    }
    let pdf = crate::report::export_ticket(store, &t.number, identity, now)?;
    let msp = store.report_settings()?.msp_name;
    let message_id = compose::message_id(&t.number, "report", &from);
    let subject = format!("[{}] Closure report", t.number);
    let name = to.name.as_deref().unwrap_or("there");
    let raw = compose::format(compose::Letter {
        from: from.clone(),
        to: to.clone(),
        subject: subject.clone(),
        text: format!(
            "Hello {name},\n\nAttached is the signed closure report of your ticket {}. Its \
             digital signature shows it has not been changed since we issued it.\n\n{msp}\n",
            t.number
        ),
        attachment: Some((report_file_name(&t.number), &pdf)),
        message_id: message_id.clone(),
        date: now,
        draft: false,
    })?;
    store.outbox_queue(
        NewMessage {
            ticket_id,
            kind: MailKind::Report,
            message_id,
            sender: from.email.to_string(),
            recipient: to.email.to_string(),
            subject,
            raw,
            survey: "not part of the report".into(),
        },
        actor,
        now,
    )
}

/// Writes the summary as an unsent draft (`X-Unsent: 1`) into `dir` for the user's mail client
/// to open, with the signed report attached when the ticket is closed and `identity` is given.
/// Returns the file's path; the draft is recorded in the ticket's history.
pub fn write_draft(
    store: &mut Store,
    identity: Option<&Identity>,
    ticket_id: i64,
    psa_ticket: Option<&str>,
    dir: &Path,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let t = store.ticket(ticket_id)?;
    let tmpl = store.template(&t.template_key, t.template_version)?;
    let summary = summary_text(&t, &tmpl)?;
    let to = requester(store, &t)?;
    let (link, survey) = survey(store, &t, &tmpl, psa_ticket, &to)?;
    let msp = store.report_settings()?.msp_name;
    // The mail client sends it from the account the user picks; a From is still required.
    let from = match account::account(store)? {
        Some(a) => account::parse_from(&a.from)?,
        None => Mailbox::new(
            Some(msp.clone()),
            "helpdesk@draft.invalid"
                .parse()
                .map_err(|_| account::no_account())?,
        ),
    };
    let pdf = match (identity, t.is_closed()) {
        (Some(identity), true) => Some(crate::report::export_ticket(
            store, &t.number, identity, now,
        )?),
        _ => None,
    };
    let message_id = compose::message_id(&t.number, "draft", &from);
    let raw = compose::format(compose::Letter {
        from,
        to: to.clone(),
        subject: format!("[{}] Resolution summary", t.number),
        text: summary_body(&msp, &t, &to, &summary, link.as_deref()),
        attachment: pdf.as_deref().map(|p| (report_file_name(&t.number), p)),
        message_id: message_id.clone(),
        date: now,
        draft: true,
    })?;
    let path = dir.join(format!(
        "{}-summary.eml",
        report_file_name(&t.number).trim_end_matches("-closure-report.pdf")
    ));
    crate::report::write_file(&path, &raw)?;
    store.outbox_note(
        ticket_id,
        "mail_draft_written",
        serde_json::json!({
            "path": path.display().to_string(),
            "message_id": message_id,
            "to": to.email.to_string(),
            "survey": survey,
            "report_attached": pdf.is_some(),
        }),
        actor,
        now,
    )?;
    Ok(path)
}

/// Sends a message that has not gone out (queued, or failed: a refused or mistyped address) to
/// another address instead. It becomes a new message (a new Message-ID: the old one may have
/// reached someone), with the same text and attachment, due now.
pub fn readdress(
    store: &mut Store,
    id: i64,
    to: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<OutboxEntry> {
    let entry = store
        .outbox(None)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or_else(|| Error::not_found("message", id))?;
    let mailbox = to.trim().parse::<Mailbox>().map_err(|e| Error::Mail {
        code: codes::ADDRESS_INVALID,
        message: format!("{to:?} is not an email address ({e}): enter the address to send to"),
    })?;
    let from = account::parse_from(
        &account::account(store)?
            .ok_or_else(account::no_account)?
            .from,
    )?;
    let message_id = compose::message_id(&entry.ticket_number, entry.kind.as_str(), &from);
    let mut to_header = lettre::message::header::Headers::new();
    to_header.set(lettre::message::header::To::from(
        lettre::message::Mailboxes::from(mailbox.clone()),
    ));
    let mut id_header = lettre::message::header::Headers::new();
    id_header.set(lettre::message::header::MessageId::from(message_id.clone()));
    let raw = store.outbox_raw(id)?;
    let raw = compose::replace_header(&raw, "To", &to_header)
        .and_then(|r| compose::replace_header(&r, "Message-ID", &id_header))
        .ok_or_else(|| {
            Error::invalid(
                "message",
                format!("message {id} is not a message Ticketflow composed"),
            )
        })?;
    store.outbox_readdress(id, mailbox.email.as_ref(), &message_id, &raw, actor, now)
}

/// Sets (or with `None` or blank removes) a company's CSAT survey URL template.
pub fn set_company_survey_url(
    store: &mut Store,
    company_id: i64,
    url: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let url = url
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(check_survey_template)
        .transpose()?;
    store.put_company_survey_url(company_id, url.as_deref(), actor, now)?;
    Ok(url)
}

/// "Send test message": one short message to `to` through the account, now. The server's answer,
/// or the coded reason it failed (each with what to do).
pub fn send_test_message(
    store: &Store,
    secrets: &SecretStore,
    to: &str,
    now: DateTime<Utc>,
    timeout: Duration,
) -> Result<String> {
    let creds = account::credentials(store, secrets)?;
    let from = account::parse_from(&creds.account.from)?;
    let to = to.trim().parse::<Mailbox>().map_err(|e| Error::Mail {
        code: codes::ADDRESS_INVALID,
        message: format!("{to:?} is not an email address ({e}): enter the address to test with"),
    })?;
    let msp = store.report_settings()?.msp_name;
    let raw = compose::format(compose::Letter {
        from: from.clone(),
        to: to.clone(),
        subject: format!("Ticketflow test message from {msp}"),
        text: format!(
            "This is a test message from Ticketflow ({msp}).\nIf you read it, the desk's mail \
             account works.\n"
        ),
        attachment: None,
        message_id: compose::message_id("test", "test", &from),
        date: now,
        draft: false,
    })?;
    smtp::deliver(
        &creds,
        from.email.as_ref(),
        to.email.as_ref(),
        &raw,
        timeout,
    )
    .map_err(|f| Error::Mail {
        code: f.code,
        message: f.answer,
    })
}
