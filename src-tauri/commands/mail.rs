//! Mail to requesters from the window (issue 18): Settings › Mail, a ticket's outbox, the draft
//! for a desk without an account, and the background sender.
//!
//! The core composes, queues and sends; this module finds the keychain (the same one the signing
//! key is in), keeps network conversations off the store's lock, and nudges the sender after
//! anything is queued.
//!
//! The sender runs on a thread of its own with its own connection to the desk's database: a
//! server that takes a minute to answer then holds nothing the window needs. The outbox's lease
//! keeps it and any other sender (a second window, the CLI) off each other's messages.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError, SyncSender};
use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tauri::{AppHandle, Manager, Runtime, State};
use ticketflow_core::error::{Error, ErrorPayload};
use ticketflow_core::mail::{self, MailAccount, MailAccountInput, TicketMail};
use ticketflow_core::paths;
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::Identity;
use ticketflow_core::store::{OutboxEntry, Store};

use crate::state::guarded;
use crate::AppState;

/// How often the sender looks for due messages when nothing nudges it.
const SEND_INTERVAL: Duration = Duration::from_secs(15);
/// Per network step of "Send test message": the window waits for the answer.
const TEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Wakes the sender; a full channel already holds a wake-up, so nudges coalesce.
static NUDGE: OnceLock<SyncSender<()>> = OnceLock::new();

/// Tells the background sender there is something to send (no-op when none runs: the tests'
/// mock app, which sends nothing).
pub(crate) fn nudge() {
    if let Some(tx) = NUDGE.get() {
        let _ = tx.try_send(());
    }
}

/// Right after step `step` of a ticket was completed (inside the same command, the step already
/// committed): queues the summary when it is step 16 and the desk has an account. A problem (the
/// requester has no address) does not undo the step: the ticket's outbox lists the summary as
/// not queued, with the coded reason and a way to queue it once fixed.
pub(crate) fn after_step(
    store: &mut Store,
    ticket_id: i64,
    step: u8,
    actor: &str,
    now: DateTime<Utc>,
) {
    if let Ok(Some(_)) = mail::queue_after_step(store, ticket_id, step, actor, now) {
        nudge();
    }
}

/// After the close was committed: queues the signed report when the desk has an account. The
/// signing key comes from the keychain outside the store's lock. A failure leaves the report
/// listed as not queued on the ticket, with "Queue now".
pub(crate) fn after_close(state: &AppState, ticket_id: i64) {
    let Ok(Some(msp_name)) = state.with_store(|store, _| {
        Ok(match mail::account(store)? {
            Some(_) => Some(store.report_settings()?.msp_name),
            None => None,
        })
    }) else {
        return;
    };
    let Ok(identity) = state.report_identity(&msp_name) else {
        return;
    };
    let queued = state.with_store(|store, now| {
        let actor = store.actor()?;
        mail::queue_after_close(store, &identity, ticket_id, &actor, now)
    });
    if let Ok(Some(_)) = queued {
        nudge();
    }
}

fn keychain(state: &AppState) -> Result<SecretStore, ErrorPayload> {
    guarded(|| state.keychain())
}

/// The desk's database file when this session has one on disk (the app; not the tests' store
/// in memory).
fn db_file(state: &AppState) -> Option<PathBuf> {
    state
        .data_dir()
        .map(|dir| dir.join(paths::DB_FILE))
        .filter(|db| db.is_file())
}

/// The signing identity when the ticket is closed (its report goes with the message).
fn identity_if_closed(
    state: &AppState,
    ticket_id: i64,
) -> Result<Option<std::sync::Arc<Identity>>, ErrorPayload> {
    let msp_name = state.with_store(|store, _| {
        Ok(match store.ticket(ticket_id)?.is_closed() {
            true => Some(store.report_settings()?.msp_name),
            false => None,
        })
    })?;
    msp_name
        .map(|name| state.report_identity(&name))
        .transpose()
}

/// The desk's mail account (never its password: only whether one is stored), if any.
#[tauri::command(async)]
pub fn get_mail_account(state: State<'_, AppState>) -> Result<Option<MailAccount>, ErrorPayload> {
    state.with_store(|store, _| mail::account(store))
}

/// Saves the account; the password goes into the keychain, nowhere else.
#[tauri::command(async)]
pub fn set_mail_account(
    state: State<'_, AppState>,
    account: MailAccountInput,
) -> Result<MailAccount, ErrorPayload> {
    // Only a new password needs the keychain; keeping the stored one must work without it.
    let secrets = match account.password {
        Some(_) => keychain(&state)?,
        None => match keychain(&state) {
            Ok(s) => s,
            Err(_) => guarded(SecretStore::in_memory)?,
        },
    };
    let saved = state.with_store(|store, now| {
        let actor = store.actor()?;
        mail::save_account(store, &secrets, &account, &actor, now)
    })?;
    // Messages that waited for a working account go at once.
    nudge();
    Ok(saved)
}

/// "Send test message": one message to `to`, now; the server's answer or the coded reason.
/// The conversation runs on a connection of its own, so the window's other commands do not wait
/// for a slow server.
#[tauri::command(async)]
pub fn send_test_mail(state: State<'_, AppState>, to: String) -> Result<String, ErrorPayload> {
    let secrets = keychain(&state)?;
    let now = state.now();
    match db_file(&state) {
        Some(db) => guarded(|| {
            let store = Store::open_read_only(&db)?;
            mail::send_test_message(&store, &secrets, &to, now, TEST_TIMEOUT)
        }),
        None => state.with_store(|store, now| {
            mail::send_test_message(store, &secrets, &to, now, TEST_TIMEOUT)
        }),
    }
}

/// A ticket's outbox and the messages its steps call for that are not queued (with why).
#[tauri::command(async)]
pub fn get_ticket_mail(
    state: State<'_, AppState>,
    ticket_id: i64,
) -> Result<TicketMail, ErrorPayload> {
    state.with_store(|store, _| mail::ticket_mail(store, ticket_id))
}

/// Queues what the ticket's steps call for and is not queued yet (after the cause was fixed).
/// `psa_ticket`: the PSA's number, for a company survey link that names it.
#[tauri::command(async)]
pub fn queue_ticket_mail(
    state: State<'_, AppState>,
    ticket_id: i64,
    psa_ticket: Option<String>,
) -> Result<TicketMail, ErrorPayload> {
    let identity = identity_if_closed(&state, ticket_id)?;
    state.with_store(|store, now| {
        let actor = store.actor()?;
        mail::queue_due(
            store,
            identity.as_deref(),
            ticket_id,
            psa_ticket.as_deref(),
            &actor,
            now,
        )
    })?;
    nudge();
    state.with_store(|store, _| mail::ticket_mail(store, ticket_id))
}

/// Puts a failed message back in the queue, due now.
#[tauri::command(async)]
pub fn retry_mail(state: State<'_, AppState>, id: i64) -> Result<OutboxEntry, ErrorPayload> {
    let entry = state.with_store(|store, now| {
        let actor = store.actor()?;
        store.outbox_retry(id, &actor, now)
    })?;
    nudge();
    Ok(entry)
}

/// Sends a message that has not gone out to another address (a new message, due now).
#[tauri::command(async)]
pub fn readdress_mail(
    state: State<'_, AppState>,
    id: i64,
    to: String,
) -> Result<OutboxEntry, ErrorPayload> {
    let entry = state.with_store(|store, now| {
        let actor = store.actor()?;
        mail::readdress(store, id, &to, &actor, now)
    })?;
    nudge();
    Ok(entry)
}

/// Without an account: writes the summary (with the signed report once closed) as an unsent
/// `.eml` draft and opens it in the system's mail client. Returns the file's path.
#[tauri::command(async)]
pub fn open_mail_draft<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ticket_id: i64,
) -> Result<String, ErrorPayload> {
    let identity = identity_if_closed(&state, ticket_id)?;
    let (print_dir, viewer) = state.print_dir_and_viewer();
    let dir = match print_dir {
        Some(dir) => dir.join("drafts"),
        None => app
            .path()
            .app_cache_dir()
            .map_err(|e| Error::invalid("cache_dir", e.to_string()).payload())?
            .join("drafts"),
    };
    let path = state.with_store(|store, now| {
        std::fs::create_dir_all(&dir)?;
        let actor = store.actor()?;
        mail::write_draft(
            store,
            identity.as_deref(),
            ticket_id,
            None,
            &dir,
            &actor,
            now,
        )
    })?;
    viewer(&path).map_err(|e| ErrorPayload {
        code: e.code,
        message: format!(
            "the draft was written to {} but no mail client could be opened: open the file \
             yourself ({})",
            path.display(),
            e.message
        ),
    })?;
    Ok(path.display().to_string())
}

/// A company's CSAT survey link template (`None`: it has none), for the Directory's company form.
#[tauri::command(async)]
pub fn get_company_survey_url(
    state: State<'_, AppState>,
    company_id: i64,
) -> Result<Option<String>, ErrorPayload> {
    state.with_store(|store, _| store.company_survey_url(company_id))
}

/// Checks a survey link template without saving it (`None`: blank), so the company form can
/// refuse a bad link before it saves a new company: the same check the save makes.
#[tauri::command(async)]
pub fn check_company_survey_url(url: Option<String>) -> Result<Option<String>, ErrorPayload> {
    guarded(|| {
        url.as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(mail::check_survey_template)
            .transpose()
    })
}

/// Sets a company's survey link template, or with a blank or null one removes it; audited.
/// Returns what was stored.
#[tauri::command(async)]
pub fn set_company_survey_url(
    state: State<'_, AppState>,
    company_id: i64,
    url: Option<String>,
) -> Result<Option<String>, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        mail::set_company_survey_url(store, company_id, url.as_deref(), &actor, now)
    })
}

/// Starts the background sender (the app only; the tests' mock app sends nothing). It needs the
/// desk on disk: without a data directory there is nothing to start.
pub fn start_sender<R: Runtime>(app: &AppHandle<R>) {
    let (tx, rx) = sync_channel(1);
    if NUDGE.set(tx).is_err() {
        return;
    }
    let handle = app.clone();
    let spawned = std::thread::Builder::new()
        .name("mail sender".into())
        .spawn(move || {
            if let Some(state) = handle.try_state::<AppState>() {
                sender_loop(&state, &rx);
            }
        });
    if let Err(e) = spawned {
        eprintln!("ticketflow: the mail sender could not start: {e}");
    }
}

/// Whether a failure of the sender is one to keep quiet about: a hand-over holds the desk (the
/// messages go once it ends), or there is no account (nothing can be queued without one).
fn expected(error: &Error) -> bool {
    matches!(error, Error::HandoverActive(_))
        || matches!(error, Error::Mail { code, .. } if *code == mail::codes::NO_ACCOUNT)
}

fn sender_loop(state: &AppState, nudged: &Receiver<()>) {
    let Some(db) = db_file(state) else {
        return;
    };
    let mut store: Option<Store> = None;
    let mut secrets: Option<SecretStore> = None;
    let mut last_error = String::new();
    loop {
        // Messages left due by the last session go at start, then every interval or nudge.
        match send_once(state, &db, &mut store, &mut secrets) {
            Ok(()) => last_error.clear(),
            Err(e) if expected(&e) => {}
            Err(e) => {
                // Once per distinct failure, not every 15 s.
                let said = format!("[{}] {e}", e.code());
                if said != last_error {
                    eprintln!("ticketflow: the mail sender: {said}");
                    last_error = said;
                }
            }
        }
        if let Err(RecvTimeoutError::Disconnected) = nudged.recv_timeout(SEND_INTERVAL) {
            return;
        }
    }
}

fn send_once(
    state: &AppState,
    db: &Path,
    store: &mut Option<Store>,
    secrets: &mut Option<SecretStore>,
) -> ticketflow_core::Result<()> {
    let store = match store {
        Some(store) => store,
        None => store.insert(Store::open(db)?),
    };
    // No account: nothing was queued through one, and the keychain is not asked.
    if mail::account(store)?.is_none() {
        return Ok(());
    }
    let secrets = match secrets {
        Some(secrets) => secrets,
        None => secrets.insert(state.keychain()?),
    };
    mail::send_due(store, secrets, state.now())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_is_quiet_only_about_a_hand_over_and_a_missing_account() {
        assert!(expected(&Error::HandoverActive("T-000001".into())));
        assert!(expected(&Error::Mail {
            code: mail::codes::NO_ACCOUNT,
            message: "none".into(),
        }));
        assert!(!expected(&Error::Mail {
            code: mail::codes::CONNECT_FAILED,
            message: "refused".into(),
        }));
        assert!(!expected(&Error::KeychainUnavailable("locked".into())));
    }
}
