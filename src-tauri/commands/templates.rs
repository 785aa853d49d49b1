//! The Templates screen: the desk's template versions, the draft being edited, publishing,
//! restoring, comparing, and template files (export, import into the draft).
//!
//! Every change is made as the current technician and audited by the core. Files come from the
//! native dialogs: only `.json` files, at an absolute path, in a folder that exists; a file is
//! read only up to the template size limit.

use std::path::Path;

use tauri::State;
use ticketflow_core::error::{Error, ErrorPayload};
use ticketflow_core::report;
use ticketflow_core::template::diff::TemplateChange;
use ticketflow_core::template::exchange;
use ticketflow_core::template::validate::TemplateProblem;
use ticketflow_core::template::versions::{
    problems, TemplateDraft, TemplateOverview, TemplateVersionInfo,
};
use ticketflow_core::template::Template;

use crate::commands::reports::chosen_file;
use crate::state::guarded;
use crate::AppState;

#[tauri::command(async)]
pub fn template_overview(state: State<'_, AppState>) -> Result<TemplateOverview, ErrorPayload> {
    state.with_store(|store, _| store.template_overview())
}

/// Opens the draft: the one already under way, else a copy of the published version.
#[tauri::command(async)]
pub fn template_draft_start(state: State<'_, AppState>) -> Result<TemplateDraft, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.start_template_draft(&actor, now)
    })
}

/// Saves the editor's template as the draft, problems and all (listed in the answer).
#[tauri::command(async)]
pub fn template_draft_save(
    state: State<'_, AppState>,
    template: Template,
) -> Result<TemplateDraft, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.save_template_draft(&template, &actor, now)
    })
}

/// Throws the draft away (`NO_TEMPLATE_DRAFT` if there is none); answers the screen as it is now.
#[tauri::command(async)]
pub fn template_draft_discard(
    state: State<'_, AppState>,
) -> Result<TemplateOverview, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.discard_template_draft(&actor, now)?;
        store.template_overview()
    })
}

/// Publishes the draft as the next version; `TEMPLATE_INVALID` lists every problem and nothing
/// is written.
#[tauri::command(async)]
pub fn template_publish(
    state: State<'_, AppState>,
    note: String,
) -> Result<TemplateVersionInfo, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.publish_template(&note, &actor, now)
    })
}

/// Publishes a copy of version `version`'s steps as the next version.
#[tauri::command(async)]
pub fn template_restore(
    state: State<'_, AppState>,
    version: u32,
    note: String,
) -> Result<TemplateVersionInfo, ErrorPayload> {
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.restore_template_version(version, &note, &actor, now)
    })
}

/// One published version (`null`: the one new tickets start on).
#[tauri::command(async)]
pub fn template_get(
    state: State<'_, AppState>,
    version: Option<u32>,
) -> Result<Template, ErrorPayload> {
    state.with_store(|store, _| match version {
        Some(v) => store.template_version(v),
        None => store.published_template(),
    })
}

/// What changed from version `from` to version `to`.
#[tauri::command(async)]
pub fn template_diff(
    state: State<'_, AppState>,
    from: u32,
    to: u32,
) -> Result<Vec<TemplateChange>, ErrorPayload> {
    state.with_store(|store, _| store.template_diff(from, to))
}

/// What publishing the draft would change, against the published version (`NO_TEMPLATE_DRAFT`
/// without a draft).
#[tauri::command(async)]
pub fn template_draft_diff(
    state: State<'_, AppState>,
) -> Result<Vec<TemplateChange>, ErrorPayload> {
    state.with_store(|store, _| store.template_draft_diff())
}

/// A dry run of publishing `template`: every problem, nothing written.
#[tauri::command(async)]
pub fn template_validate(template: Template) -> Result<Vec<TemplateProblem>, ErrorPayload> {
    guarded(|| Ok(problems(&template)))
}

/// Writes a published version (`null`: the current one) to `path` as a template file; answers
/// the path written.
#[tauri::command(async)]
pub fn template_export(
    state: State<'_, AppState>,
    version: Option<u32>,
    path: String,
) -> Result<String, ErrorPayload> {
    let path = chosen_file(&path, &["json"]).map_err(|e| e.payload())?;
    let template = state.with_store(|store, _| match version {
        Some(v) => store.template_version(v),
        None => store.published_template(),
    })?;
    guarded(|| {
        report::write_file(&path, exchange::to_json(&template).as_bytes())?;
        Ok(path.display().to_string())
    })
}

/// Reads a template file into the draft (replacing what the draft held): a file that is not a
/// template is `TEMPLATE_INVALID` with every problem, and nothing is written; a template with
/// problems is saved as the draft with them listed, as the editor saves one.
#[tauri::command(async)]
pub fn template_import(
    state: State<'_, AppState>,
    path: String,
) -> Result<TemplateDraft, ErrorPayload> {
    let template = guarded(|| read_template_file(&path))?;
    state.with_store(|store, now| {
        let actor = store.actor()?;
        store.save_template_draft(&template, &actor, now)
    })
}

/// A template file chosen in the open dialog: absolute, `.json`, read up to the size limit and
/// parsed by the core.
fn read_template_file(path: &str) -> ticketflow_core::Result<Template> {
    let p = Path::new(path);
    if path.is_empty() || path.len() > 4096 || path.contains('\0') || !p.is_absolute() {
        return Err(Error::invalid(
            "path",
            "choose the template file with the file picker (an absolute path)",
        ));
    }
    let is_json = p
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return Err(Error::invalid("path", "choose a .json template file"));
    }
    ticketflow_core::store::read_template_file(p)
}
