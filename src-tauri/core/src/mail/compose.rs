//! Composing the messages: the summary's text, the survey link, the report attachment, the
//! Message-ID, and the bytes that are queued (and sent unchanged on every attempt).

use super::codes;
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue, Headers};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// Longest survey URL template accepted.
pub const SURVEY_URL_MAX: usize = 2_000;
/// The placeholders a survey URL template may use.
pub const SURVEY_PLACEHOLDERS: [&str; 3] = ["{ticket}", "{psa_ticket}", "{contact_email}"];

/// One message before formatting.
pub(crate) struct Letter<'a> {
    pub from: Mailbox,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub attachment: Option<(String, &'a [u8])>,
    pub message_id: String,
    pub date: DateTime<Utc>,
    /// An unsent draft for the user's mail client (`X-Unsent: 1`).
    pub draft: bool,
}

/// A Message-ID unique to this message: the ticket, the kind, 128 random bits, the sender's
/// domain. Made once, when the message is queued.
pub(crate) fn message_id(ticket_number: &str, kind: &str, from: &Mailbox) -> String {
    let ticket: String = ticket_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!(
        "<{ticket}.{kind}.{}@{}>",
        super::random_hex(16),
        from.email.domain()
    )
}

/// The message's bytes as they go on the wire (or into an `.eml` file).
pub(crate) fn format(letter: Letter) -> Result<Vec<u8>> {
    let failed = |e: lettre::error::Error| Error::Mail {
        code: codes::ADDRESS_INVALID,
        message: format!("the message could not be composed: {e}"),
    };
    let mut builder = Message::builder()
        .from(letter.from)
        .to(letter.to)
        .subject(letter.subject)
        .date(letter.date.into())
        .message_id(Some(letter.message_id));
    if letter.draft {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-Unsent"),
            "1".into(),
        ));
    }
    let text = SinglePart::plain(letter.text);
    let message = match letter.attachment {
        None => builder.singlepart(text).map_err(failed)?,
        Some((name, bytes)) => {
            let pdf = ContentType::parse("application/pdf").map_err(|e| Error::Mail {
                code: codes::ADDRESS_INVALID,
                message: format!("the attachment's type could not be set: {e}"),
            })?;
            builder
                .multipart(
                    MultiPart::mixed()
                        .singlepart(text)
                        .singlepart(Attachment::new(name).body(bytes.to_vec(), pdf)),
                )
                .map_err(failed)?
        }
    };
    Ok(message.formatted())
}

/// `raw` with its header `name` (and the header's folded lines) replaced by `headers`, which
/// lettre formatted (so a name with non-ASCII letters is encoded as in any other message). The
/// body, a signed PDF included, keeps every byte.
pub(crate) fn replace_header(raw: &[u8], name: &str, headers: &Headers) -> Option<Vec<u8>> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 2;
    let (head, body) = raw.split_at(end);
    let head = std::str::from_utf8(head).ok()?;
    let prefix = format!("{}:", name.to_ascii_lowercase());
    let mut out = String::with_capacity(head.len() + 64);
    let mut skipping = false;
    let mut replaced = false;
    for line in head.split_inclusive("\r\n") {
        let folded = line.starts_with(' ') || line.starts_with('\t');
        if skipping && folded {
            continue;
        }
        skipping = false;
        if line.to_ascii_lowercase().starts_with(&prefix) {
            out.push_str(&headers.to_string());
            skipping = true;
            replaced = true;
            continue;
        }
        out.push_str(line);
    }
    replaced.then(|| [out.as_bytes(), body].concat())
}

/// Checks a company's survey URL template: an http(s) URL, one line, placeholders known.
pub fn check_survey_template(url: &str) -> Result<String> {
    let url = url.trim();
    let bad = |why: String| Error::invalid("csat_survey_url", why);
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(bad("must start with https:// (or http://)".into()));
    }
    if url.len() > SURVEY_URL_MAX || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad(format!(
            "one URL without spaces, at most {SURVEY_URL_MAX} characters"
        )));
    }
    let mut rest = url;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            return Err(bad("a { without its }".into()));
        };
        let placeholder = &after[..=close];
        if !SURVEY_PLACEHOLDERS.contains(&placeholder) {
            return Err(bad(format!(
                "unknown placeholder {placeholder}: use {}",
                SURVEY_PLACEHOLDERS.join(", ")
            )));
        }
        rest = &after[close + 1..];
    }
    Ok(url.to_string())
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so a value can never add a
/// query parameter, a fragment or a path to the survey URL.
pub(crate) fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The survey link for one ticket: the template with each placeholder replaced by its value,
/// URL-encoded.
pub(crate) fn survey_link(
    template: &str,
    ticket: &str,
    psa_ticket: &str,
    contact_email: &str,
) -> String {
    template
        .replace("{ticket}", &url_encode(ticket))
        .replace("{psa_ticket}", &url_encode(psa_ticket))
        .replace("{contact_email}", &url_encode(contact_email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_escape_their_place_in_the_url() {
        let link = survey_link(
            "https://survey.example/r?t={ticket}&p={psa_ticket}&e={contact_email}",
            "T-000042",
            "4711&admin=1#x",
            "ann+it@contoso.example",
        );
        assert_eq!(
            link,
            "https://survey.example/r?t=T-000042&p=4711%26admin%3D1%23x&e=ann%2Bit%40contoso.example"
        );
        assert_eq!(url_encode("é ü"), "%C3%A9%20%C3%BC");
    }

    #[test]
    fn a_header_is_replaced_with_its_folded_lines_and_the_body_kept() {
        let raw = b"From: a@b.example\r\nTo: Someone With A Long Name\r\n <x@y.example>\r\nSubject: s\r\n\r\nTo: not a header\r\n";
        let mut h = Headers::new();
        h.set(lettre::message::header::To::from(
            lettre::message::Mailboxes::from("n@m.example".parse::<Mailbox>().unwrap()),
        ));
        let out = replace_header(raw, "to", &h).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "From: a@b.example\r\nTo: n@m.example\r\nSubject: s\r\n\r\nTo: not a header\r\n"
        );
        assert!(replace_header(raw, "Cc", &h).is_none());
        assert!(replace_header(b"To: x@y.example", "To", &h).is_none());
    }

    #[test]
    fn templates_are_checked() {
        assert!(check_survey_template("https://s.example/{ticket}").is_ok());
        for bad in [
            "ftp://s.example/{ticket}",
            "https://s.example/{tikcet}",
            "https://s.example/{ticket",
            "https://s.example/a b",
            "javascript:alert(1)",
        ] {
            let e = check_survey_template(bad).unwrap_err();
            assert_eq!(e.code(), "INVALID_INPUT", "{bad}");
        }
    }
}
