//! One SMTP conversation, step by step, so each failure is named for the step it happened at:
//! connect, TLS, sign-in, sender, recipient, size, data.
//!
//! The steps are lettre's low-level client (`SmtpConnection`) rather than its transport, which
//! would report "permanent error (550)" without saying whether the recipient or the sign-in was
//! refused, and which cannot learn the server's SIZE limit before the message is sent.

use super::account::{Credentials, Security};
use super::codes;
use lettre::address::{Address, Envelope};
use lettre::transport::smtp::authentication::{Credentials as Login, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use std::time::Duration;

/// Why an attempt did not deliver: a stable code, the server's answer or the local reason, and
/// whether trying again later can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub code: &'static str,
    pub answer: String,
    pub transient: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Connect,
    Tls,
    SignIn,
    Sender,
    Recipient,
    Data,
}

/// The rustls error somewhere under a lettre error, if TLS is what failed.
fn tls_cause(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut source = Some(e);
    while let Some(err) = source {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return Some(tls.to_string());
                }
            }
        }
        source = err.source();
    }
    None
}

fn failure(stage: Stage, e: &lettre::transport::smtp::Error, host: &str, port: u16) -> Failure {
    let said = e.to_string();
    if let Some(tls) = tls_cause(e) {
        return Failure {
            code: codes::TLS_FAILED,
            answer: format!(
                "the secure connection to {host}:{port} failed ({tls}): check the host name \
                 matches the server's certificate and the security setting (implicit TLS on \
                 465, STARTTLS on 587); an in-house CA's certificate can be added in Settings › Mail"
            ),
            transient: true,
        };
    }
    if e.is_transient() {
        return Failure {
            code: codes::TEMPORARY,
            answer: format!("the server answered {said}: it will be tried again later"),
            transient: true,
        };
    }
    if e.is_permanent() {
        let (code, fix) = match stage {
            Stage::SignIn => (
                codes::AUTH_REJECTED,
                "check the user name and password (some providers want an app password) in \
                 Settings › Mail",
            ),
            Stage::Recipient => (
                codes::RECIPIENT_REFUSED,
                // A retry sends the same message to the same address: the fix is a re-address.
                "re-address the message to the right address (and correct the requester's \
                 address in the directory)",
            ),
            _ if e.status().is_some_and(|c| c.to_string() == "552") => (
                codes::TOO_LARGE,
                "the message is larger than the server accepts: send the report another way \
                 (export it) or ask the mail administrator to raise the limit",
            ),
            Stage::Sender => (
                codes::REJECTED,
                "check the From address in Settings › Mail is one this account may send as",
            ),
            _ => (
                codes::REJECTED,
                "read the server's answer; fix the cause, then retry the message",
            ),
        };
        return Failure {
            code,
            answer: format!("the server refused it: {said}; {fix}"),
            transient: false,
        };
    }
    match stage {
        Stage::Connect => Failure {
            code: codes::CONNECT_FAILED,
            answer: format!(
                "could not reach {host}:{port} ({said}): check the host and port in Settings › \
                 Mail and that this computer is online; queued mail is tried again"
            ),
            transient: true,
        },
        Stage::SignIn => Failure {
            code: codes::AUTH_REJECTED,
            answer: format!(
                "could not sign in as the account's user ({said}): the server offers no sign-in \
                 method Ticketflow can use (PLAIN, LOGIN) over this connection"
            ),
            transient: true,
        },
        _ => Failure {
            code: codes::CONNECTION_LOST,
            answer: format!(
                "the connection to {host}:{port} broke before the server confirmed the message \
                 ({said}): it will be tried again"
            ),
            transient: true,
        },
    }
}

/// The SIZE limit the server announced in its EHLO answer (RFC 1870), if any; 0 means none.
fn size_limit(conn: &mut SmtpConnection, hello: &ClientId) -> Option<usize> {
    let answer = conn.command(Ehlo::new(hello.clone())).ok()?;
    let limit = answer.message().find_map(|line| {
        let mut words = line.split_whitespace();
        words
            .next()
            .filter(|w| w.eq_ignore_ascii_case("SIZE"))
            .and_then(|_| words.next())
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| *n > 0)
    });
    limit
}

/// Delivers `raw` from `from` to `to` through the account: the server's final answer, or why not.
pub(crate) fn deliver(
    creds: &Credentials,
    from: &str,
    to: &str,
    raw: &[u8],
    timeout: Duration,
) -> Result<String, Failure> {
    let a = &creds.account;
    let (host, port) = (a.host.as_str(), a.port);
    let bad_address = |what: &str, value: &str| Failure {
        code: codes::ADDRESS_INVALID,
        answer: format!("the {what} address {value:?} is not an email address"),
        transient: false,
    };
    let from_addr: Address = from.parse().map_err(|_| bad_address("From", from))?;
    let to_addr: Address = to.parse().map_err(|_| bad_address("recipient", to))?;
    let envelope = Envelope::new(Some(from_addr.clone()), vec![to_addr.clone()])
        .map_err(|_| bad_address("recipient", to))?;

    let mut tls = TlsParameters::builder(host.to_string());
    if let Some(pem) = &a.tls_root_pem {
        let root = Certificate::from_pem(pem.as_bytes()).map_err(|e| Failure {
            code: codes::TLS_FAILED,
            answer: format!("the trusted certificate in Settings › Mail cannot be read: {e}"),
            transient: false,
        })?;
        tls = tls.add_root_certificate(root);
    }
    let tls = tls.build_rustls().map_err(|e| Failure {
        code: codes::TLS_FAILED,
        answer: format!("TLS could not be set up: {e}"),
        transient: false,
    })?;
    let hello = ClientId::Domain(from_addr.domain().to_string());
    let fail = |stage: Stage, e: lettre::transport::smtp::Error| failure(stage, &e, host, port);

    let implicit = a.security == Security::ImplicitTls;
    let mut conn = SmtpConnection::connect(
        (host, port),
        Some(timeout),
        &hello,
        implicit.then_some(&tls),
        None,
    )
    .map_err(|e| fail(Stage::Connect, e))?;
    if !implicit {
        if !conn.can_starttls() {
            conn.abort();
            return Err(Failure {
                code: codes::TLS_FAILED,
                answer: format!(
                    "{host}:{port} does not offer STARTTLS, and Ticketflow never sends a password \
                     or a requester's data unencrypted: choose implicit TLS (usually port 465) \
                     or ask the mail administrator to enable STARTTLS"
                ),
                transient: true,
            });
        }
        conn.starttls(&tls, &hello)
            .map_err(|e| fail(Stage::Tls, e))?;
        if !conn.is_encrypted() {
            conn.abort();
            return Err(Failure {
                code: codes::TLS_FAILED,
                answer: format!("the STARTTLS upgrade with {host}:{port} did not take effect"),
                transient: true,
            });
        }
    }
    // Asked before signing in: an EHLO after AUTH may reset the session on some servers.
    if let Some(limit) = size_limit(&mut conn, &hello) {
        if raw.len() > limit {
            conn.abort();
            return Err(Failure {
                code: codes::TOO_LARGE,
                answer: format!(
                    "the message is {} bytes and {host} accepts at most {limit}: send the report \
                     another way (export it) or ask the mail administrator to raise the limit",
                    raw.len()
                ),
                transient: false,
            });
        }
    }
    if !a.user.is_empty() {
        let login = Login::new(a.user.clone(), creds.password.clone().unwrap_or_default());
        conn.auth(&[Mechanism::Plain, Mechanism::Login], &login)
            .map_err(|e| fail(Stage::SignIn, e))?;
    }
    let mut params = vec![MailParameter::Size(raw.len())];
    if !raw.is_ascii() {
        params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), params))
        .map_err(|e| fail(Stage::Sender, e))?;
    conn.command(Rcpt::new(to_addr, vec![]))
        .map_err(|e| fail(Stage::Recipient, e))?;
    conn.command(Data).map_err(|e| fail(Stage::Data, e))?;
    let answer = conn.message(raw).map_err(|e| fail(Stage::Data, e))?;
    let _ = conn.quit();
    Ok(answer
        .first_line()
        .map(|l| format!("{} {l}", answer.code()))
        .unwrap_or_else(|| answer.code().to_string()))
}
