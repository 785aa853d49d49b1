//! The desk's SMTP account: where mail goes out, kept in `settings` (audited like any setting);
//! its password only in the OS keychain, under a name the desk picks once (so two desks on one
//! computer never share a password).

use super::codes;
use crate::error::{Error, Result};
use crate::secrets::SecretStore;
use crate::store::Store;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

const HOST: &str = "mail.host";
const PORT: &str = "mail.port";
const SECURITY: &str = "mail.security";
const USER: &str = "mail.user";
const FROM: &str = "mail.from";
/// A PEM certificate the desk trusts for its server besides the system's roots (an in-house
/// relay signed by the company's own CA). Public data, not a secret.
const TLS_ROOT: &str = "mail.tls_root_pem";
/// The keychain entry holding the password (a name, not a secret).
const PASSWORD_ENTRY: &str = "mail.password_entry";

/// How the connection is encrypted. There is deliberately no plain-text choice: the password
/// and the requester's data never cross the network unencrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (SMTPS, usually port 465).
    ImplicitTls,
    /// Plain connection upgraded with STARTTLS before anything else is said (usually port 587);
    /// a server that does not offer the upgrade, or an upgrade that fails, ends the attempt.
    StartTls,
}

impl Security {
    fn as_str(self) -> &'static str {
        match self {
            Security::ImplicitTls => "implicit_tls",
            Security::StartTls => "starttls",
        }
    }

    fn parse(s: &str) -> Result<Security> {
        match s {
            "implicit_tls" => Ok(Security::ImplicitTls),
            "starttls" => Ok(Security::StartTls),
            other => Err(Error::invalid(
                "security",
                format!("{other:?} is not implicit_tls or starttls"),
            )),
        }
    }
}

/// The account as the settings screen shows it: never the password, only whether one is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MailAccount {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty when the server takes mail without signing in.
    pub user: String,
    /// The From address, e.g. `Contoso IT <helpdesk@contoso.example>`.
    pub from: String,
    /// A certificate (PEM) trusted for this server besides the system's roots.
    pub tls_root_pem: Option<String>,
    pub password_set: bool,
}

/// What Settings › Mail saves. `password`: `Some` replaces it, `None` keeps the one in the
/// keychain, `Some("")` removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MailAccountInput {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    pub from: String,
    pub tls_root_pem: Option<String>,
    pub password: Option<String>,
}

/// The account with its password, for a sender.
pub(crate) struct Credentials {
    pub account: MailAccount,
    pub password: Option<String>,
}

fn check_host(host: &str) -> Result<String> {
    let host = host.trim();
    if host.is_empty()
        || host.len() > 253
        || host
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(Error::invalid(
            "host",
            "the server's name (e.g. smtp.example.com) or IP address, without spaces or a scheme",
        ));
    }
    Ok(host.to_string())
}

/// The From mailbox, as lettre parses it.
pub(crate) fn parse_from(from: &str) -> Result<Mailbox> {
    from.trim().parse::<Mailbox>().map_err(|e| Error::Mail {
        code: codes::ADDRESS_INVALID,
        message: format!(
            "the From address {:?} is not an email address ({e}): enter it as \
             name@example.com or \"Name <name@example.com>\" in Settings › Mail",
            from.trim()
        ),
    })
}

/// Checks a PEM certificate the way the TLS client will read it.
fn check_root(pem: &str) -> Result<()> {
    // lettre only checks the PEM framing (any base64 passes); the certificates inside must parse
    // too, or a paste that lost lines would be saved and fail only at the first message.
    x509_cert::Certificate::load_pem_chain(pem.as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|chain| match chain.is_empty() {
            true => Err("no certificate in it".to_string()),
            false => Ok(()),
        })
        .and_then(|()| {
            lettre::transport::smtp::client::Certificate::from_pem(pem.as_bytes())
                .map(|_| ())
                .map_err(|e| e.to_string())
        })
        .map_err(|e| {
            Error::invalid(
                "tls_root_pem",
                format!("not a PEM certificate ({e}): paste the CA certificate, BEGIN and END lines included"),
            )
        })
}

/// The desk's account, if one is set up.
pub fn account(store: &Store) -> Result<Option<MailAccount>> {
    let Some(host) = store.mail_setting(HOST)? else {
        return Ok(None);
    };
    let port = store
        .mail_setting(PORT)?
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(587);
    let security = Security::parse(
        store
            .mail_setting(SECURITY)?
            .as_deref()
            .unwrap_or("starttls"),
    )?;
    Ok(Some(MailAccount {
        host,
        port,
        security,
        user: store.mail_setting(USER)?.unwrap_or_default(),
        from: store.mail_setting(FROM)?.unwrap_or_default(),
        tls_root_pem: store.mail_setting(TLS_ROOT)?,
        password_set: store.mail_setting(PASSWORD_ENTRY)?.is_some(),
    }))
}

/// The account and its password from the keychain; `MAIL_NO_ACCOUNT` when none is set up.
pub(crate) fn credentials(store: &Store, secrets: &SecretStore) -> Result<Credentials> {
    let account = account(store)?.ok_or_else(no_account)?;
    let password = match store.mail_setting(PASSWORD_ENTRY)? {
        Some(entry) => match secrets.get(&entry)? {
            Some(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
                Error::Mail {
                    code: codes::PASSWORD_MISSING,
                    message: "the mail password in the keychain is not text: enter it again in \
                          Settings › Mail"
                        .into(),
                }
            })?),
            None => {
                return Err(Error::Mail {
                    code: codes::PASSWORD_MISSING,
                    message: format!(
                        "the mail password is not in the keychain ({}): enter it again in \
                         Settings › Mail",
                        secrets.kind()
                    ),
                })
            }
        },
        None => None,
    };
    if !account.user.is_empty() && password.is_none() {
        return Err(Error::Mail {
            code: codes::PASSWORD_MISSING,
            message: format!(
                "the account signs in as {} but has no password: enter it in Settings › Mail",
                account.user
            ),
        });
    }
    Ok(Credentials { account, password })
}

pub(crate) fn no_account() -> Error {
    Error::Mail {
        code: codes::NO_ACCOUNT,
        message: "this desk has no mail account: set one up in Settings › Mail, or open the \
                  message as a draft in your mail client"
            .into(),
    }
}

/// Saves the account: the password into the keychain first (nothing is saved if the keychain
/// refuses it), then the settings in one audited transaction.
pub fn save_account(
    store: &mut Store,
    secrets: &SecretStore,
    input: &MailAccountInput,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<MailAccount> {
    let host = check_host(&input.host)?;
    if input.port == 0 {
        return Err(Error::invalid(
            "port",
            "between 1 and 65535 (465 for implicit TLS, 587 for STARTTLS)",
        ));
    }
    let user = input.user.trim().to_string();
    if user.chars().count() > 320 || user.chars().any(char::is_control) {
        return Err(Error::invalid("user", "one line of at most 320 characters"));
    }
    let from = parse_from(&input.from)?.to_string();
    let root = input
        .tls_root_pem
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    if let Some(pem) = root {
        check_root(pem)?;
    }
    let entry = match store.mail_setting(PASSWORD_ENTRY)? {
        Some(e) => e,
        None => format!("smtp-password-{}", super::random_hex(8)),
    };
    let keep_entry = match input.password.as_deref() {
        Some("") => {
            secrets.delete(&entry)?;
            false
        }
        Some(password) => {
            if password.chars().any(|c| c == '\r' || c == '\n') {
                return Err(Error::invalid("password", "cannot contain line breaks"));
            }
            secrets.set(&entry, password.as_bytes())?;
            true
        }
        None => store.mail_setting(PASSWORD_ENTRY)?.is_some(),
    };
    store.put_mail_settings(
        &[
            (HOST, Some(host)),
            (PORT, Some(input.port.to_string())),
            (SECURITY, Some(input.security.as_str().to_string())),
            (USER, Some(user)),
            (FROM, Some(from)),
            (TLS_ROOT, root.map(str::to_string)),
            (PASSWORD_ENTRY, keep_entry.then_some(entry)),
        ],
        actor,
        now,
    )?;
    account(store)?.ok_or_else(no_account)
}
