//! Closure reports from the window: export one, print one, export a client's batch, settings.
//!
//! The core makes, signs and writes the reports; this module only finds the signing identity and
//! checks what the window sends. The identity's private key is in the OS keychain, which may be
//! locked, absent (a headless session) or slow to answer: it is asked only after everything that
//! can be refused without it, never while the store is locked, and a missing keychain is the coded
//! `KEYCHAIN_UNAVAILABLE` the window shows, not a crash. Tests give the state an in-memory key
//! store ([`AppState::with_keychain`]) and never touch the real one.
//!
//! Paths come from the native dialogs, through the UI: a command writes only a file of its own
//! kind (`.pdf`, `.pem`) into a folder that exists, so a confused or hostile page cannot use it
//! to overwrite arbitrary files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime, State};
use ticketflow_core::error::{Error, ErrorPayload};
use ticketflow_core::paths;
use ticketflow_core::report::{
    self, BatchControl, BatchProgress, BatchSummary, PaperSize, ReportLogo, ReportSettings,
    SavedReport, LOGO_MAX_BYTES,
};
use ticketflow_core::secrets::SecretStore;
use ticketflow_core::signing::{self, Identity};
use ticketflow_core::store::CheckpointStatus;

use crate::state::guarded;
use crate::{AppState, INTERNAL_ERROR};

/// Opens a written report in the system's PDF viewer.
pub type Viewer = Arc<dyn Fn(&Path) -> Result<(), ErrorPayload> + Send + Sync>;

/// Where the signing key is kept.
enum Keychain {
    /// None configured (a state made for tests that do not sign): KEYCHAIN_UNAVAILABLE.
    None,
    /// The OS credential store, opened when first needed.
    Platform,
    /// A given store (tests: the in-memory one).
    Given(SecretStore),
}

/// The installation's signing identity, loaded (or created) once and then kept in memory.
struct Signing {
    /// Where the certificates live and the database is (the app's data directory).
    data_dir: Option<PathBuf>,
    keychain: Keychain,
    identity: Mutex<Option<Arc<Identity>>>,
}

impl Signing {
    fn data_dir(&self) -> ticketflow_core::Result<&Path> {
        self.data_dir.as_deref().ok_or_else(|| {
            Error::invalid(
                "data_dir",
                "this session has no data directory for report signing",
            )
        })
    }

    /// The identity, created on first use under `msp_name`. Held under a lock so two exports on a
    /// fresh installation cannot create two roots.
    fn identity(
        &self,
        msp_name: &str,
        now: DateTime<Utc>,
    ) -> ticketflow_core::Result<Arc<Identity>> {
        let mut cached = self.identity.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(identity) = cached.as_ref() {
            return Ok(Arc::clone(identity));
        }
        let secrets = match &self.keychain {
            Keychain::None => {
                return Err(Error::KeychainUnavailable(
                    "no key store is configured for this session".into(),
                ))
            }
            Keychain::Platform => SecretStore::platform()?,
            Keychain::Given(store) => store.clone(),
        };
        let identity = Arc::new(Identity::load_or_create(
            self.data_dir()?,
            &secrets,
            msp_name,
            now,
        )?);
        *cached = Some(Arc::clone(&identity));
        Ok(identity)
    }
}

/// What the report commands keep between calls; part of [`AppState`].
pub struct ReportEnv {
    signing: Arc<Signing>,
    /// Folder for "Print" copies (None: the app's cache directory) and how they are opened.
    print_dir: Option<PathBuf>,
    viewer: Viewer,
    /// Set to stop the running batch.
    cancel: Arc<AtomicBool>,
    /// One batch at a time.
    running: Arc<AtomicBool>,
}

fn system_viewer(path: &Path) -> Result<(), ErrorPayload> {
    open::that_detached(path).map_err(|e| ErrorPayload {
        code: "IO_ERROR".into(),
        message: format!(
            "the report was saved to {} but no PDF viewer could be opened: {e}",
            path.display()
        ),
    })
}

impl Default for ReportEnv {
    fn default() -> Self {
        ReportEnv {
            signing: Arc::new(Signing {
                data_dir: None,
                keychain: Keychain::None,
                identity: Mutex::new(None),
            }),
            print_dir: None,
            viewer: Arc::new(system_viewer),
            cancel: Arc::new(AtomicBool::new(false)),
            running: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl AppState {
    /// Gives the store the key it signs checkpoints with, once the desk is set up: the signing
    /// identity is loaded (or made, named after the desk) from the keychain outside the store's
    /// lock. A keychain that does not answer leaves the desk working and its events unsigned; the
    /// store keeps why, and `get_checkpoint_status` tells the window.
    pub fn attach_checkpoint_key(&self) {
        // A desk restarted in hand-over (after a crash) still gets its key: nothing is shown.
        let msp_name = self.with_store_in_handover(|store, _| {
            Ok(match store.desk_status()?.set_up {
                true => Some(store.report_settings()?.msp_name),
                false => None,
            })
        });
        let Ok(Some(msp_name)) = msp_name else {
            return;
        };
        let key = self
            .reports
            .signing
            .identity(&msp_name, self.now())
            .map_err(|e| format!("[{}] {e}", e.code()));
        if let Err(why) = &key {
            eprintln!("ticketflow: the desk's history is not being checkpointed: {why}");
        }
        let _ = self.with_store_in_handover(|store, _| {
            store.set_checkpoint_key(key);
            Ok(())
        });
    }

    /// The window is closing: signs the events of this session.
    pub fn checkpoint_on_close(&self) {
        if let Err(e) = self.with_store(|store, _| store.checkpoint_on_close()) {
            eprintln!(
                "ticketflow: the closing checkpoint was not written: {}: {}",
                e.code, e.message
            );
        }
    }

    fn with_signing(mut self, data_dir: PathBuf, keychain: Keychain) -> Self {
        self.reports.signing = Arc::new(Signing {
            data_dir: Some(data_dir),
            keychain,
            identity: Mutex::new(None),
        });
        self
    }

    /// Reports are signed with the key in the OS keychain; `data_dir` holds the database and
    /// the certificates.
    pub fn with_platform_keychain(self, data_dir: PathBuf) -> Self {
        self.with_signing(data_dir, Keychain::Platform)
    }

    /// Reports are signed with a key kept in `secrets` (tests: `SecretStore::in_memory()`);
    /// `data_dir` holds the database (`ticketflow.db`) and the certificates.
    pub fn with_keychain(self, data_dir: PathBuf, secrets: SecretStore) -> Self {
        self.with_signing(data_dir, Keychain::Given(secrets))
    }

    /// "Print" writes its copy into `print_dir` and hands it to `viewer` instead of the system's
    /// PDF viewer (tests).
    pub fn with_viewer(
        mut self,
        print_dir: PathBuf,
        viewer: impl Fn(&Path) -> Result<(), ErrorPayload> + Send + Sync + 'static,
    ) -> Self {
        self.reports.print_dir = Some(print_dir);
        self.reports.viewer = Arc::new(viewer);
        self
    }
}

impl AppState {
    /// The keychain the signing key is kept in; the mail account's password is kept there too
    /// (`commands::mail`). KEYCHAIN_UNAVAILABLE when this session has none.
    pub(crate) fn keychain(&self) -> ticketflow_core::Result<SecretStore> {
        match &self.reports.signing.keychain {
            Keychain::None => Err(Error::KeychainUnavailable(
                "no key store is configured for this session".into(),
            )),
            Keychain::Platform => SecretStore::platform(),
            Keychain::Given(store) => Ok(store.clone()),
        }
    }

    /// The app's data directory (the database, the certificates), when this session has one.
    pub(crate) fn data_dir(&self) -> Option<&Path> {
        self.reports.signing.data_dir.as_deref()
    }

    /// Where "Print" copies go (None: the app's cache directory), and the hook that opens a file
    /// written for the user (the system's viewer; tests record the path instead).
    pub(crate) fn print_dir_and_viewer(&self) -> (Option<&Path>, &Viewer) {
        (self.reports.print_dir.as_deref(), &self.reports.viewer)
    }

    /// The installation's signing identity, made on first use under `msp_name`: QBR packs
    /// (`commands::qbr`) are signed by the same identity as closure reports.
    pub(crate) fn report_identity(&self, msp_name: &str) -> Result<Arc<Identity>, ErrorPayload> {
        let now = self.now();
        guarded(|| self.reports.signing.identity(msp_name, now))
    }
}

fn payload(error: Error) -> ErrorPayload {
    error.payload()
}

/// A file the user chose in a save dialog: absolute, in an existing folder, of one of `kinds`.
pub(crate) fn chosen_file(path: &str, kinds: &[&str]) -> ticketflow_core::Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || path.len() > 4096 || path.contains('\0') || !p.is_absolute() {
        return Err(Error::invalid(
            "path",
            "choose where to save with the save dialog (an absolute path)",
        ));
    }
    let kind_ok = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| kinds.iter().any(|k| e.eq_ignore_ascii_case(k)));
    if !kind_ok || p.file_stem().is_none() {
        return Err(Error::invalid(
            "path",
            format!("the file name must end in .{}", kinds.join(" or .")),
        ));
    }
    if !p.parent().is_some_and(Path::is_dir) {
        return Err(Error::invalid(
            "path",
            format!("the folder of {path} does not exist"),
        ));
    }
    Ok(p.to_path_buf())
}

/// How much of the desk's history is checkpointed, and why not, when it is not.
#[tauri::command]
pub fn get_checkpoint_status(state: State<'_, AppState>) -> Result<CheckpointStatus, ErrorPayload> {
    state.with_store(|store, _| store.checkpoint_status())
}

/// A folder the user chose in a folder dialog: absolute and existing.
pub(crate) fn chosen_folder(folder: &str) -> ticketflow_core::Result<PathBuf> {
    let p = Path::new(folder);
    if folder.len() > 4096 || folder.contains('\0') || !p.is_absolute() || !p.is_dir() {
        return Err(Error::invalid(
            "folder",
            "choose an existing folder with the folder dialog",
        ));
    }
    Ok(p.to_path_buf())
}

/// Writes the signed report of a closed ticket to `path` (from the save dialog).
#[tauri::command(async)]
pub fn export_report(
    state: State<'_, AppState>,
    ticket_id: i64,
    path: String,
) -> Result<SavedReport, ErrorPayload> {
    let path = chosen_file(&path, &["pdf"]).map_err(payload)?;
    let mut input = state.with_store(|store, _| store.report_input_of(ticket_id))?;
    let now = state.now();
    let identity = guarded(|| {
        state
            .reports
            .signing
            .identity(&input.settings.msp_name, now)
    })?;
    state.with_store(|store, now| store.anchor_report(ticket_id, &identity, &mut input, now))?;
    guarded(|| report::save_report(&input, &identity, now, &path))
}

/// Writes the signed report into the print folder and opens it in the system's PDF viewer,
/// whose print dialog does the rest.
#[tauri::command(async)]
pub fn print_report<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ticket_id: i64,
) -> Result<SavedReport, ErrorPayload> {
    let mut input = state.with_store(|store, _| store.report_input_of(ticket_id))?;
    let now = state.now();
    let env = &state.reports;
    let identity = guarded(|| env.signing.identity(&input.settings.msp_name, now))?;
    state.with_store(|store, now| store.anchor_report(ticket_id, &identity, &mut input, now))?;
    let saved = guarded(|| {
        let dir = match &env.print_dir {
            Some(dir) => dir.clone(),
            None => app
                .path()
                .app_cache_dir()
                .map_err(|e| Error::invalid("cache_dir", e.to_string()))?
                .join("print"),
        };
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(report::batch_file_name(&input.sealed.record.ticket.number));
        report::save_report(&input, &identity, now, &path)
    })?;
    (env.viewer)(Path::new(&saved.path))?;
    Ok(saved)
}

/// Clears the running flag when a batch ends, however it ends.
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The one batch that may run at a time (closure reports or QBR packs), held until dropped,
/// with the flag [`cancel_batch_export`] sets to stop it.
pub(crate) struct BatchSlot {
    pub cancel: Arc<AtomicBool>,
    _running: Running,
}

impl AppState {
    /// Takes the batch slot, or says that a batch is already running.
    pub(crate) fn claim_batch(&self) -> Result<BatchSlot, ErrorPayload> {
        let env = &self.reports;
        if env
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return Err(payload(Error::invalid(
                "batch",
                "a batch export is already running; wait for it or cancel it",
            )));
        }
        let running = Running(Arc::clone(&env.running));
        env.cancel.store(false, Ordering::SeqCst);
        Ok(BatchSlot {
            cancel: Arc::clone(&env.cancel),
            _running: running,
        })
    }
}

/// Exports the signed reports of a client's tickets closed from `from` to `to` (the client's
/// days) into `folder` as `<number>.pdf`, on every core, off the main thread. Progress arrives on
/// `on_progress` after each ticket; [`cancel_batch_export`] stops it. A ticket that fails is
/// listed in the summary and the others go on.
#[tauri::command]
pub async fn batch_export(
    state: State<'_, AppState>,
    company_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    folder: String,
    on_progress: Channel<BatchProgress>,
) -> Result<BatchSummary, ErrorPayload> {
    let folder = chosen_folder(&folder).map_err(payload)?;
    let (numbers, settings) = state.with_store(|store, _| {
        Ok((
            store.closed_ticket_numbers(company_id, from, to)?,
            store.report_settings()?,
        ))
    })?;
    if numbers.is_empty() {
        return Ok(BatchSummary::default());
    }
    let slot = state.claim_batch()?;
    let signing = Arc::clone(&state.reports.signing);
    let now = state.now();
    let work = tauri::async_runtime::spawn_blocking(move || {
        let cancel = &slot.cancel;
        guarded(|| {
            let identity = signing.identity(&settings.msp_name, now)?;
            let db = signing.data_dir()?.join(paths::DB_FILE);
            let progress = |p: &BatchProgress| {
                // A window that went away stops listening; the batch still finishes.
                let _ = on_progress.send(p.clone());
            };
            let control = BatchControl {
                cancel,
                progress: &progress,
            };
            report::export_batch_with(&db, &numbers, &folder, &identity, now, 0, &control)
        })
    });
    work.await.unwrap_or_else(|e| {
        Err(ErrorPayload {
            code: INTERNAL_ERROR.into(),
            message: format!("the batch export stopped unexpectedly: {e}"),
        })
    })
}

/// Asks the running batch to stop after the tickets in hand; false when none is running.
#[tauri::command]
pub fn cancel_batch_export(state: State<'_, AppState>) -> bool {
    let running = state.reports.running.load(Ordering::SeqCst);
    if running {
        state.reports.cancel.store(true, Ordering::SeqCst);
    }
    running
}

#[tauri::command(async)]
pub fn get_report_settings(state: State<'_, AppState>) -> Result<ReportSettings, ErrorPayload> {
    state.with_store(|store, _| store.report_settings())
}

#[tauri::command(async)]
pub fn set_paper_size(
    state: State<'_, AppState>,
    paper: PaperSize,
) -> Result<ReportSettings, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_paper_size(paper, &actor, now)
    })
}

#[tauri::command(async)]
pub fn set_msp_name(
    state: State<'_, AppState>,
    name: String,
) -> Result<ReportSettings, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_msp_name(&name, &actor, now)
    })
}

#[tauri::command(async)]
pub fn set_report_appendix(
    state: State<'_, AppState>,
    include: bool,
) -> Result<ReportSettings, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_report_appendix(include, &actor, now)
    })
}

#[tauri::command(async)]
pub fn get_report_logo(state: State<'_, AppState>) -> Result<Option<ReportLogo>, ErrorPayload> {
    state.with_store(|store, _| store.report_logo())
}

/// Reads a logo file the user chose in the open dialog (a .png, .jpg or .jpeg, read only up to
/// the size limit) and sets it as the desk's logo.
#[tauri::command(async)]
pub fn set_report_logo(
    state: State<'_, AppState>,
    path: String,
) -> Result<ReportLogo, ErrorPayload> {
    let bytes = logo_file(&path).map_err(payload)?;
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.set_report_logo(&bytes, &actor, now)
    })
}

#[tauri::command(async)]
pub fn remove_report_logo(state: State<'_, AppState>) -> Result<ReportSettings, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.remove_report_logo(&actor, now)
    })
}

/// The bytes of an image file chosen in the open dialog; a file over the limit is refused before
/// it is read whole.
fn logo_file(path: &str) -> ticketflow_core::Result<Vec<u8>> {
    use std::io::Read;
    let p = Path::new(path);
    if path.is_empty() || path.len() > 4096 || path.contains('\0') || !p.is_absolute() {
        return Err(Error::invalid(
            "path",
            "choose the logo with the file picker (an absolute path)",
        ));
    }
    let kind_ok = p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["png", "jpg", "jpeg"]
            .iter()
            .any(|k| e.eq_ignore_ascii_case(k))
    });
    if !kind_ok {
        return Err(Error::LogoRejected(
            "choose a .png, .jpg or .jpeg file".into(),
        ));
    }
    let file = std::fs::File::open(p)?;
    let size = file.metadata()?.len();
    let limit = u64::try_from(LOGO_MAX_BYTES).unwrap_or(u64::MAX);
    if size > limit {
        return Err(Error::LogoRejected(format!(
            "the file is {} KiB; a logo may be at most {} KiB (export a smaller PNG or JPEG)",
            size.div_ceil(1024),
            limit / 1024
        )));
    }
    let mut bytes = Vec::new();
    // Read at most one byte past the limit even if the file grows meanwhile: the core refuses it.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Writes this installation's root certificate (PEM) to `path`, for a client to trust its
/// reports. On a fresh installation the identity is created first (which needs the keychain).
#[tauri::command(async)]
pub fn export_root_cert(state: State<'_, AppState>, path: String) -> Result<String, ErrorPayload> {
    let path = chosen_file(&path, &["pem", "crt"]).map_err(payload)?;
    let settings = state.with_store(|store, _| store.report_settings())?;
    let now = state.now();
    let signing = &state.reports.signing;
    guarded(|| {
        let dir = signing.data_dir()?;
        if signing::load_certificates(dir)?.is_none() {
            signing.identity(&settings.msp_name, now)?;
        }
        report::write_file(&path, signing::export_root_pem(dir)?.as_bytes())?;
        Ok(path.display().to_string())
    })
}
