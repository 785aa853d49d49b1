// The only module that talks to the Tauri shell. Everything else in the UI calls these typed
// functions, so a change of transport or command name touches one file, and every failure
// reaches the UI in one shape: `IpcError` with a stable `code` to switch on.
//
// The payload types are generated from the Rust types of `ticketflow-core` (bindings.ts, kept
// fresh by a test), so the two sides cannot drift apart.

import { Channel, invoke, isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type {
  Asset,
  CheckpointStatus,
  Company,
  Contact,
  ContactHit,
  DeskSetup,
  DeskStatus,
  DocumentResults,
  EscalateTo,
  HandoverSession,
  Incident,
  NewAsset,
  NewCompany,
  NewContact,
  NewTechnician,
  NewTimeEntry,
  PinStatus,
  PriorityMatrix,
  QueueQuery,
  QueueRow,
  RunbookEntry,
  RunbookHit,
  RunbookInput,
  RunbookPage,
  RunbookQuery,
  RunbookRow,
  SignerRole,
  SigningNonce,
  Technician,
  TicketView,
  TimeEntry,
  WaitRequest,
} from "./bindings";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import { LaunchAnswers, navigationType, takeLaunchData } from "./launch";
import type {
  BatchProgress,
  BatchSummary,
  PaperSize,
  ReportLogo,
  ReportSettings,
  SavedReport,
} from "./bindings";

import type { QbrComparison, QbrPresets, SavedQbr } from "./bindings";
import type { MailAccount, MailAccountInput, OutboxEntry, TicketMail } from "./bindings";
import type { IntakePreview, Priority } from "./bindings";
import type { Calendar, SlaPolicy, SlaTargetInput, SlaTargetProblem } from "./bindings";
import type { CompanyTool, ToolKind } from "./bindings";
import type { Template } from "./bindings";
import type { Field, JsonValue } from "./bindings";
import type {
  TemplateChange,
  TemplateDraft,
  TemplateOverview,
  TemplateProblem,
  TemplateVersionInfo,
} from "./bindings";
export type * from "./bindings";

/** What every failed call rejects with. `code` is stable; `message` is for people. */
export class IpcError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "IpcError";
    this.code = code;
  }
}

/** Codes raised on this side of the bridge (the shell's codes come from the core). */
export const UI_ERROR_CODES = {
  /** The page is not running inside the Tauri shell (e.g. opened in a plain browser). */
  noBackend: "NO_BACKEND",
  /** The shell refused the call itself: unknown command, arguments of the wrong shape. */
  ipc: "IPC_ERROR",
} as const;

function toIpcError(raw: unknown): IpcError {
  if (raw instanceof IpcError) return raw;
  if (typeof raw === "object" && raw !== null) {
    const { code, message } = raw as { code?: unknown; message?: unknown };
    if (typeof code === "string" && typeof message === "string") {
      return new IpcError(code, message);
    }
  }
  // Tauri reports argument and routing failures as a bare string.
  const message = typeof raw === "string" ? raw : raw instanceof Error ? raw.message : String(raw);
  return new IpcError(UI_ERROR_CODES.ipc, message);
}

/** Called when a command was refused because a hand-over is under way (the UI then shows it). */
let handoverRefused: () => void = () => {};

export function onHandoverRefusal(seen: () => void): void {
  handoverRefused = seen;
}

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  if (!isTauri()) {
    throw new IpcError(
      UI_ERROR_CODES.noBackend,
      "Ticketflow's window is not connected to the desktop app.",
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    const error = toIpcError(raw);
    if (error.code === "HANDOVER_ACTIVE") handoverRefused();
    throw error;
  }
}

const launchData =
  typeof window === "undefined" ? undefined : takeLaunchData(window, navigationType());
// A launch into a hand-over carries no queue: the queue asks the shell once the PIN ends it.
const launch = new LaunchAnswers(launchData?.handover ? undefined : launchData);
/** The launch's hand-over (null: none), answered once; undefined: ask the shell. */
let launchHandover: HandoverSession | null | undefined = launchData?.handover;

/** One page of the ticket queue, in the core's order. The core clamps `limit`. */
export function listQueue(query: QueueQuery = {}): Promise<QueueRow[]> {
  const ready = launch.page(query);
  if (ready !== undefined) return Promise.resolve(ready);
  return call<QueueRow[]>("list_queue", { query });
}

export function queueCount(query: QueueQuery = {}): Promise<number> {
  const ready = launch.count(query);
  if (ready !== undefined) return Promise.resolve(ready);
  return call<number>("queue_count", { query });
}

export function createTicket(): Promise<TicketView> {
  return call<TicketView>("create_ticket", {});
}

/** Discards a draft (step 1 not done); refused with NOT_A_DRAFT after it. */
export function discardTicket(id: number): Promise<void> {
  return call<void>("discard_ticket", { id });
}

export function getTicket(id: number): Promise<TicketView> {
  return call<TicketView>("get_ticket", { id });
}

export function completeStep(
  id: number,
  step: number,
  values: Record<string, unknown>,
  escalateTo: EscalateTo | null = null,
): Promise<TicketView> {
  return call<TicketView>("complete_step", { id, step, values, escalateTo });
}

/** One field's value as its step would store it (a typed number becomes a number), or the core's
 *  refusal naming the field: asked as a field is left, before the step is completed. */
export function checkFieldValue(field: Field, value: unknown): Promise<JsonValue> {
  return call<JsonValue>("check_field_value", { field, value });
}

/** Autosave of a paragraph the technician is typing. */
export function saveDraft(id: number, step: number, field: string, text: string): Promise<void> {
  return call<void>("save_draft", { id, step, field, text });
}

export function waitOnCustomer(id: number, request: WaitRequest): Promise<TicketView> {
  return call<TicketView>("wait_on_customer", { id, request });
}

export function customerReplied(id: number): Promise<TicketView> {
  return call<TicketView>("customer_replied", { id });
}

export function assignTicket(id: number, technician: string | null): Promise<TicketView> {
  return call<TicketView>("assign_ticket", { id, technician });
}

export function linkRunbook(ticketId: number, runbookId: number): Promise<TicketView> {
  return call<TicketView>("link_runbook", { ticketId, runbookId });
}

/** Ticket texts and runbook entries matching the words of `query` (`word*` for a prefix). */
export function searchDocuments(query: string, limit = 50): Promise<DocumentResults> {
  return call<DocumentResults>("search_documents", { query, limit });
}

/** Whether the current technician has a PIN (hand-over and the sign-off need one). */
export function hasPin(): Promise<boolean> {
  return call<boolean>("has_pin", {});
}

/** Sets the current technician's PIN; changing one needs the current PIN. */
export function setPin(current: string | null, newPin: string): Promise<void> {
  return call<void>("set_pin", { current, newPin });
}

/** Whether a technician's PIN (the current technician's when `technician` is null) is set,
 *  locked after too many wrong PINs, or due for a change (shorter than the rule). */
export function getPinStatus(technician: string | null = null): Promise<PinStatus> {
  return call<PinStatus>("get_pin_status", { technician });
}

/** Unlocks `name`'s locked PIN with another active technician's (`by`) PIN. */
export function unlockPin(name: string, by: string, byPin: string): Promise<PinStatus> {
  return call<PinStatus>("unlock_pin", { name, by, byPin });
}

/** The single-use nonce a signature pad needs before it opens: for `role` to sign exactly
 *  `content` at `step` of the ticket. The signature sent carries `nonce` and `content_sha256`. */
export function issueSigningNonce(
  ticketId: number,
  step: number,
  role: SignerRole,
  content: string,
): Promise<SigningNonce> {
  return call<SigningNonce>("issue_signing_nonce", { ticketId, step, role, content });
}

// Hand-over mode. The core holds it: while it is under way every other command answers
// HANDOVER_ACTIVE, in this window, a reloaded one, or any other process of the desk.

/** The hand-over under way, if any (from the launch data on the first load). */
export function getHandover(): Promise<HandoverSession | null> {
  const ready = launchHandover;
  launchHandover = undefined;
  if (ready !== undefined) return Promise.resolve(ready);
  return call<HandoverSession | null>("get_handover", {});
}

/** Hands the device to the end user to verify the fix and sign `summary` (stored first). */
export function beginHandover(ticketId: number, summary: string): Promise<HandoverSession> {
  return call<HandoverSession>("start_handover", { ticketId, summary });
}

/** The single-use nonce the end user's signature carries: asked for as the pad opens. */
export function handoverSigningNonce(): Promise<string> {
  return call<string>("handover_signing_nonce", {});
}

/** The end user's answer: "Verified" with their signature, or "Still failing". */
export function handoverVerify(outcome: string, signature: unknown | null): Promise<HandoverSession> {
  return call<HandoverSession>("handover_verify", { outcome, signature });
}

export function handoverRate(rating: number, comment: string | null): Promise<HandoverSession> {
  return call<HandoverSession>("handover_rate", { rating, comment });
}

/** Leaves hand-over mode: resolves only for the PIN of the technician who started it (or of
 *  `technician`, another active technician). */
export function unlockHandover(pin: string, technician: string | null = null): Promise<void> {
  return call<void>("unlock_handover", { pin, technician });
}

/** Runs `refused` each time the window refused to close because a hand-over is under way. */
export async function onCloseRefused(refused: () => void): Promise<() => void> {
  if (!isTauri()) return () => {};
  return listen("handover-close-refused", refused);
}

/** The exact statement the technician signs to close with these values. */
export function getSignOffStatement(
  ticketId: number,
  resolutionCode: string,
  closureNotes: string,
): Promise<string> {
  return call<string>("get_sign_off_statement", { ticketId, resolutionCode, closureNotes });
}

/** Step 21: closes the ticket with the technician's signature, after checking their PIN. */
export function closeTicket(
  ticketId: number,
  values: Record<string, unknown>,
  pin: string,
): Promise<TicketView> {
  return call<TicketView>("close_ticket", { ticketId, values, pin });
}

/** Hand-over mode fills the screen; outside the desktop app this does nothing. */
export async function setFullscreen(on: boolean): Promise<void> {
  if (!isTauri()) return;
  try {
    await getCurrentWindow().setFullscreen(on);
  } catch (raw) {
    throw toIpcError(raw);
  }
}

export function searchContacts(query: string): Promise<ContactHit[]> {
  return call<ContactHit[]>("search_contacts", { query });
}

export function searchAssets(companyId: number, query: string): Promise<Asset[]> {
  return call<Asset[]>("search_assets", { companyId, query });
}

export function listIncidents(): Promise<Incident[]> {
  return call<Incident[]>("list_incidents", {});
}

export function listCompanies(): Promise<Company[]> {
  return call<Company[]>("list_companies", {});
}

export function saveCompany(id: number | null, input: NewCompany): Promise<Company> {
  return call<Company>("save_company", { id, input });
}

/** Deactivates a client (its callers are refused at intake unless overridden) or reactivates it. */
export function setCompanyActive(id: number, active: boolean): Promise<Company> {
  return call<Company>("set_company_active", { id, active });
}

export function listContacts(companyId: number): Promise<Contact[]> {
  return call<Contact[]>("list_contacts", { companyId });
}

export function saveContact(id: number | null, input: NewContact): Promise<Contact> {
  return call<Contact>("save_contact", { id, input });
}

export function listAssets(companyId: number): Promise<Asset[]> {
  return call<Asset[]>("list_assets", { companyId });
}

export function saveAsset(id: number | null, input: NewAsset): Promise<Asset> {
  return call<Asset>("save_asset", { id, input });
}

export function addTimeEntry(ticketId: number, entry: NewTimeEntry): Promise<TimeEntry> {
  return call<TimeEntry>("add_time_entry", { ticketId, entry });
}

export function updateTimeEntry(entryId: number, entry: NewTimeEntry): Promise<TimeEntry> {
  return call<TimeEntry>("update_time_entry", { entryId, entry });
}

export function searchRunbooks(companyId: number, query: string): Promise<RunbookHit[]> {
  return call<RunbookHit[]>("search_runbooks", { companyId, query });
}

/** Creates a runbook entry; with `ticketId`, linked to that ticket as created there (step 20). */
export function createRunbookEntry(entry: RunbookInput, ticketId: number | null = null): Promise<RunbookEntry> {
  return call<RunbookEntry>("create_runbook_entry", { entry, ticketId });
}

/** Updates a runbook entry; with `ticketId`, linked to that ticket as updated there (step 20). */
export function updateRunbookEntry(
  id: number,
  entry: RunbookInput,
  ticketId: number | null = null,
): Promise<RunbookEntry> {
  return call<RunbookEntry>("update_runbook_entry", { id, entry, ticketId });
}

export function getRunbookEntry(id: number): Promise<RunbookEntry> {
  return call<RunbookEntry>("get_runbook_entry", { id });
}

export function listRunbookEntries(query: RunbookQuery): Promise<RunbookPage> {
  return call<RunbookPage>("list_runbook_entries", { query });
}

export function searchRunbookEntries(query: string, companyId: number | null): Promise<RunbookRow[]> {
  return call<RunbookRow[]>("search_runbook_entries", { query, companyId });
}

/** The configured impact × urgency matrix (rows impact, columns urgency). */
export function getPriorityMatrix(): Promise<PriorityMatrix> {
  return call<PriorityMatrix>("get_priority_matrix", {});
}

/** Settings › Priority matrix: saves rows by impact, columns by urgency (audited; new tickets only). */
export function setPriorityMatrix(rows: Priority[][]): Promise<PriorityMatrix> {
  return call<PriorityMatrix>("set_priority_matrix", { rows });
}

/** Settings › SLA targets: the desk's tier × priority table now (what new tickets pin). */
export function getSlaTargets(): Promise<SlaPolicy[]> {
  return call<SlaPolicy[]>("get_sla_targets", {});
}

/** Every problem of an edited targets table, by cell, as the core's rules find them. */
export function checkSlaTargets(cells: SlaTargetInput[]): Promise<SlaTargetProblem[]> {
  return call<SlaTargetProblem[]>("check_sla_targets", { cells });
}

/** Saves the whole targets table (audited; tickets opened from now on). */
export function setSlaTargets(cells: SlaTargetInput[]): Promise<SlaPolicy[]> {
  return call<SlaPolicy[]>("set_sla_targets", { cells });
}

/** Settings › Business calendar: the desk's default calendar, new clients start from it. */
export function getDeskCalendar(): Promise<Calendar> {
  return call<Calendar>("get_desk_calendar", {});
}

export function setDeskCalendar(calendar: Calendar): Promise<Calendar> {
  return call<Calendar>("set_desk_calendar", { calendar });
}

/**
 * The intake's dry run: what "Open ticket" would refuse, and the priority it would store, on the
 * template version `ticketId` pinned (none: the version a ticket started now would get).
 */
export function previewIntake(
  steps: { key: string; values: Record<string, unknown> }[],
  ticketId: number | null = null,
): Promise<IntakePreview> {
  return call<IntakePreview>("preview_intake", { steps, ticketId });
}

export function listTechnicians(): Promise<Technician[]> {
  return call<Technician[]>("list_technicians", {});
}

export function getCurrentTechnician(): Promise<string | null> {
  return call<string | null>("get_current_technician", {});
}

/** Whether the desk is set up, its name and zone, and the counts the "get started" list reads. */
export function getDeskStatus(): Promise<DeskStatus> {
  return call<DeskStatus>("get_desk_status", {});
}

/** Sets up an empty desk; the first technician (with `pin`) becomes the current one.
 *  DESK_ALREADY_SET_UP once it is. */
export function setUpDesk(setup: DeskSetup, pin: string): Promise<DeskStatus> {
  return call<DeskStatus>("set_up_desk", { setup, pin });
}

/** Fills an empty desk with demo data for a trial; DESK_ALREADY_SET_UP on a set-up desk. */
export function loadDemoDesk(): Promise<DeskStatus> {
  return call<DeskStatus>("load_demo_desk", {});
}

/** Adds a technician with their PIN, witnessed by the current technician's PIN. */
export function addTechnician(
  technician: NewTechnician,
  pin: string,
  witnessPin: string,
): Promise<Technician> {
  return call<Technician>("add_technician", { technician, pin, witnessPin });
}

/** Deactivates a technician (never deleted), witnessed by the current technician's PIN. */
export function deactivateTechnician(name: string, witnessPin: string): Promise<Technician> {
  return call<Technician>("deactivate_technician", { name, witnessPin });
}

/** Makes `name` the current technician; `pin` is theirs. */
export function switchTechnician(name: string, pin: string): Promise<void> {
  return call<void>("switch_technician", { name, pin });
}

/** Tells the shell a view finished painting (logged with the time since launch). */
export function reportPainted(view: string, rows: number): Promise<void> {
  return call<void>("ui_painted", { view, rows });
}

/**
 * Runs `flush` when the window is about to close (the shell holds the close until it is done),
 * then lets it close. WebKitGTK fires no pagehide on close, so this is what saves the last words.
 */
export async function onWindowClose(flush: () => Promise<void>): Promise<void> {
  if (!isTauri()) return;
  await listen("flush-drafts", async () => {
    try {
      await flush();
    } finally {
      await call<void>("drafts_flushed", {}).catch(() => {});
    }
  });
}

// Closure reports. The native dialogs only return a path (null when the technician cancels);
// the shell checks it and writes the file.

async function dialog<T>(show: () => Promise<T>): Promise<T> {
  if (!isTauri()) {
    throw new IpcError(
      UI_ERROR_CODES.noBackend,
      "Ticketflow's window is not connected to the desktop app.",
    );
  }
  try {
    return await show();
  } catch (raw) {
    throw toIpcError(raw);
  }
}

/** The native save dialog for a PDF report, proposing `defaultName`. */
export function chooseReportFile(defaultName: string): Promise<string | null> {
  return dialog(() =>
    saveDialog({
      title: "Export closure report",
      defaultPath: defaultName,
      filters: [{ name: "PDF document", extensions: ["pdf"] }],
    }),
  );
}

/** The native save dialog for the root certificate (PEM). */
export function chooseCertificateFile(defaultName: string): Promise<string | null> {
  return dialog(() =>
    saveDialog({
      title: "Export root certificate",
      defaultPath: defaultName,
      filters: [{ name: "Certificate (PEM)", extensions: ["pem"] }],
    }),
  );
}

/** The native folder picker, for a batch export. */
export function chooseFolder(title = "Export reports into"): Promise<string | null> {
  return dialog(async () => {
    const picked = await openDialog({ title, directory: true });
    return typeof picked === "string" ? picked : null;
  });
}

/** Signs a closed ticket's report and writes it to `path` (from `chooseReportFile`). */
export function exportReport(ticketId: number, path: string): Promise<SavedReport> {
  return call<SavedReport>("export_report", { ticketId, path });
}

/** Signs a closed ticket's report and opens it in the system's PDF viewer to print. */
export function printReport(ticketId: number): Promise<SavedReport> {
  return call<SavedReport>("print_report", { ticketId });
}

/**
 * Exports the reports of a client's tickets closed from `from` to `to` (YYYY-MM-DD, the
 * client's days) into `folder`; `onProgress` hears after every ticket.
 */
export function batchExport(
  companyId: number,
  from: string,
  to: string,
  folder: string,
  onProgress: (progress: BatchProgress) => void,
): Promise<BatchSummary> {
  const channel = new Channel<BatchProgress>(onProgress);
  return call<BatchSummary>("batch_export", { companyId, from, to, folder, onProgress: channel });
}

/** Stops the running batch after the tickets in hand; false when none was running. */
export function cancelBatchExport(): Promise<boolean> {
  return call<boolean>("cancel_batch_export", {});
}

/**
 * The QBR figures of one client (`companyId` null: every client) over the days `from` to `to`
 * (YYYY-MM-DD, the client's days), with those of the same number of days just before.
 */
export function getQbr(companyId: number | null, from: string, to: string): Promise<QbrComparison> {
  return call<QbrComparison>("get_qbr", { companyId, from, to });
}

/** The QBR period picker's presets (this quarter so far, last quarter), in the client's zone. */
export function getQbrPresets(companyId: number | null): Promise<QbrPresets> {
  return call<QbrPresets>("get_qbr_presets", { companyId });
}

/** The native save dialog for a QBR pack; null when cancelled. */
export function chooseQbrFile(defaultName: string): Promise<string | null> {
  return dialog(() =>
    saveDialog({
      title: "Export QBR",
      defaultPath: defaultName,
      filters: [{ name: "PDF", extensions: ["pdf"] }],
    }),
  );
}

/** Signs the QBR pack of `companyId` (null: every client) over `from` to `to` and writes it to
 *  `path` (from `chooseQbrFile`). */
export function exportQbr(companyId: number | null, from: string, to: string, path: string): Promise<SavedQbr> {
  return call<SavedQbr>("export_qbr", { companyId, from, to, path });
}

/**
 * Signs the QBR pack of every client with a ticket in `from` to `to` (YYYY-MM-DD, each client's
 * days) into `folder`, one PDF per client; `onProgress` hears after every client (named).
 * `cancelBatchExport` stops it: closure reports and QBR packs share one batch at a time.
 */
export function exportQbrBatch(
  from: string,
  to: string,
  folder: string,
  onProgress: (progress: BatchProgress) => void,
): Promise<BatchSummary> {
  const channel = new Channel<BatchProgress>(onProgress);
  return call<BatchSummary>("export_qbr_batch", { from, to, folder, onProgress: channel });
}

/** The id of the ticket numbered `number`, to open it from a list that shows numbers. */
export function findTicketByNumber(number: string): Promise<number> {
  return call<number>("find_ticket_by_number", { number });
}

/** How much of the desk's history is signed by keyed checkpoints, and why not, when it is not. */
export function getCheckpointStatus(): Promise<CheckpointStatus> {
  return call<CheckpointStatus>("get_checkpoint_status", {});
}

export function getReportSettings(): Promise<ReportSettings> {
  return call<ReportSettings>("get_report_settings", {});
}

export function setPaperSize(paper: PaperSize): Promise<ReportSettings> {
  return call<ReportSettings>("set_paper_size", { paper });
}

export function setMspName(name: string): Promise<ReportSettings> {
  return call<ReportSettings>("set_msp_name", { name });
}

/** Whether reports carry the full technical record as an appendix after the client's pages. */
export function setReportAppendix(include: boolean): Promise<ReportSettings> {
  return call<ReportSettings>("set_report_appendix", { include });
}

/** The native open dialog for the desk's logo (PNG or JPEG); null when cancelled. */
export function chooseLogoFile(): Promise<string | null> {
  return dialog(async () => {
    const picked = await openDialog({
      title: "Choose the desk's logo",
      multiple: false,
      directory: false,
      filters: [{ name: "PNG or JPEG image", extensions: ["png", "jpg", "jpeg"] }],
    });
    return typeof picked === "string" ? picked : null;
  });
}

/** The desk's logo (with the file, for a preview), or null when none is set. */
export function getReportLogo(): Promise<ReportLogo | null> {
  return call<ReportLogo | null>("get_report_logo", {});
}

/** Sets the desk's logo from the file at `path` (from `chooseLogoFile`); LOGO_REJECTED when the
 *  file is not a PNG or JPEG within the limits (the message says which). */
export function setReportLogo(path: string): Promise<ReportLogo> {
  return call<ReportLogo>("set_report_logo", { path });
}

/** Removes the desk's logo; reports show the desk's name alone. */
export function removeReportLogo(): Promise<ReportSettings> {
  return call<ReportSettings>("remove_report_logo", {});
}

/** Writes this installation's root certificate to `path`; answers the path written. */
export function exportRootCert(path: string): Promise<string> {
  return call<string>("export_root_cert", { path });
}

// Mail to requesters (issue 18): Settings › Mail and a ticket's outbox.

/** The desk's mail account (never its password: `password_set` says whether one is stored). */
export function getMailAccount(): Promise<MailAccount | null> {
  return call<MailAccount | null>("get_mail_account", {});
}

/** Saves the account; `password` null keeps the stored one, "" removes it. */
export function setMailAccount(account: MailAccountInput): Promise<MailAccount> {
  return call<MailAccount>("set_mail_account", { account });
}

/** Sends one test message to `to` now: the server's answer, or a coded MAIL_* error. */
export function sendTestMail(to: string): Promise<string> {
  return call<string>("send_test_mail", { to });
}

export function getTicketMail(ticketId: number): Promise<TicketMail> {
  return call<TicketMail>("get_ticket_mail", { ticketId });
}

/** Queues what the ticket's steps call for and is not queued yet. */
export function queueTicketMail(ticketId: number, psaTicket: string | null = null): Promise<TicketMail> {
  return call<TicketMail>("queue_ticket_mail", { ticketId, psaTicket });
}

export function retryMail(id: number): Promise<OutboxEntry> {
  return call<OutboxEntry>("retry_mail", { id });
}

export function readdressMail(id: number, to: string): Promise<OutboxEntry> {
  return call<OutboxEntry>("readdress_mail", { id, to });
}

/** Writes the summary as an unsent .eml and opens it in the mail client; returns its path. */
export function openMailDraft(ticketId: number): Promise<string> {
  return call<string>("open_mail_draft", { ticketId });
}

/** A company's CSAT survey link template, or null when it has none. */
export function getCompanySurveyUrl(companyId: number): Promise<string | null> {
  return call<string | null>("get_company_survey_url", { companyId });
}

/** Checks a survey link template without saving it: the trimmed link, null when blank, or INVALID_INPUT. */
export function checkCompanySurveyUrl(url: string | null): Promise<string | null> {
  return call<string | null>("check_company_survey_url", { url });
}

/** Saves a company's survey link template (blank or null removes it); answers what was stored. */
export function setCompanySurveyUrl(companyId: number, url: string | null): Promise<string | null> {
  return call<string | null>("set_company_survey_url", { companyId, url });
}

/** A company's tool links (one per kind it has set up). */
export function getCompanyTools(companyId: number): Promise<CompanyTool[]> {
  return call<CompanyTool[]>("get_company_tools", { companyId });
}

/** Saves a company's link for one kind of tool; TOOL_URL_INVALID (nothing saved) when refused. */
export function setCompanyTool(companyId: number, tool: CompanyTool): Promise<CompanyTool> {
  return call<CompanyTool>("set_company_tool", { companyId, tool });
}

/** Removes a company's link for one kind of tool; false when it had none. */
export function removeCompanyTool(companyId: number, kind: ToolKind): Promise<boolean> {
  return call<boolean>("remove_company_tool", { companyId, kind });
}

/** Opens a step's tool button in the browser. The shell fills the link in again from the ticket
 *  (the page sends which button, never a URL) and answers the link it opened. */
export function openTool(ticketId: number, step: string, kind: ToolKind, assetId: number | null): Promise<string> {
  return call<string>("open_tool", { ticketId, step, kind, assetId });
}

// Templates (issue 15): the desk's own version of the workflow, edited as a draft and published
// as a new version; tickets keep the version they started on.

/** The published version, the history (newest first) and the draft under way, if any. */
export function templateOverview(): Promise<TemplateOverview> {
  return call<TemplateOverview>("template_overview", {});
}

/** Starts a draft from the published version (answers the draft already under way, if any). */
export function templateDraftStart(): Promise<TemplateDraft> {
  return call<TemplateDraft>("template_draft_start", {});
}

/** Saves the draft as it is, problems and all; the answer lists what publishing would refuse. */
export function templateDraftSave(template: Template): Promise<TemplateDraft> {
  return call<TemplateDraft>("template_draft_save", { template });
}

/** Throws the draft away; answers the screen as it is now. */
export function templateDraftDiscard(): Promise<TemplateOverview> {
  return call<TemplateOverview>("template_draft_discard", {});
}

/** What publishing the draft would change, against the published version. */
export function templateDraftDiff(): Promise<TemplateChange[]> {
  return call<TemplateChange[]>("template_draft_diff", {});
}

/** Publishes the draft as the next version; refused with its problems while it has any. */
export function templatePublish(note: string): Promise<TemplateVersionInfo> {
  return call<TemplateVersionInfo>("template_publish", { note });
}

/** Publishes a copy of an earlier version as the next version. */
export function templateRestore(version: number, note: string): Promise<TemplateVersionInfo> {
  return call<TemplateVersionInfo>("template_restore", { version, note });
}

/** One published version (null: the one new tickets start on). */
export function templateGet(version: number | null): Promise<Template> {
  return call<Template>("template_get", { version });
}

/** What changed from version `from` to version `to`, as readable lines. */
export function templateDiff(from: number, to: number): Promise<TemplateChange[]> {
  return call<TemplateChange[]>("template_diff", { from, to });
}

/** What publishing `template` would refuse, without saving anything. */
export function templateValidate(template: Template): Promise<TemplateProblem[]> {
  return call<TemplateProblem[]>("template_validate", { template });
}

/** Writes version `version` as JSON to `path` (from `chooseTemplateExportFile`). */
export function templateExport(version: number | null, path: string): Promise<string> {
  return call<string>("template_export", { version, path });
}

/** Reads a template file into the draft (starting one when there is none). */
export function templateImport(path: string): Promise<TemplateDraft> {
  return call<TemplateDraft>("template_import", { path });
}

/** The native save dialog for a template's JSON file; null when cancelled. */
export function chooseTemplateExportFile(defaultName: string): Promise<string | null> {
  return dialog(() =>
    saveDialog({
      title: "Export template",
      defaultPath: defaultName,
      filters: [{ name: "Ticketflow template (JSON)", extensions: ["json"] }],
    }),
  );
}

/** The native open dialog for a template's JSON file; null when cancelled. */
export function chooseTemplateImportFile(): Promise<string | null> {
  return dialog(async () => {
    const picked = await openDialog({
      title: "Import a template",
      multiple: false,
      directory: false,
      filters: [{ name: "Ticketflow template (JSON)", extensions: ["json"] }],
    });
    return typeof picked === "string" ? picked : null;
  });
}

// -- Import and export (issue 16) ----------------------------------------------------------------

/** One table of a chosen file and how the core will read it (a shell type, not generated). */
export type ImportTable = { path: string; plan: import("./bindings").ImportPlan };

/** The native open dialog for files to import (CSV, XLSX, XLS, an IT Glue ZIP); [] when cancelled. */
export function chooseImportFiles(): Promise<string[]> {
  return dialog(async () => {
    const picked = await openDialog({
      title: "Import files",
      multiple: true,
      directory: false,
      filters: [
        { name: "CSV, workbook or IT Glue export", extensions: ["csv", "txt", "xlsx", "xls", "zip"] },
      ],
    });
    if (picked === null) return [];
    return (Array.isArray(picked) ? picked : [picked]).filter((p) => typeof p === "string");
  });
}

/** The native save dialog for a `.csv` or `.xlsx` file, proposing `defaultName`; null when cancelled. */
export function chooseSpreadsheetFile(
  title: string,
  defaultName: string,
  format: import("./bindings").ExportFormat,
): Promise<string | null> {
  return dialog(() =>
    saveDialog({
      title,
      defaultPath: defaultName,
      filters:
        format === "xlsx"
          ? [{ name: "Excel workbook", extensions: ["xlsx"] }]
          : [{ name: "CSV file", extensions: ["csv"] }],
    }),
  );
}

/** What each file holds: one plan per table, companies first; `overrides` re-map columns. */
export function importInspect(
  paths: string[],
  overrides: import("./bindings").ImportColumnMap[] = [],
  source: import("./bindings").ImportSource | null = null,
  kind: import("./bindings").ImportKind | null = null,
): Promise<ImportTable[]> {
  return call<ImportTable[]>("import_inspect", { paths, source, kind, overrides });
}

/** The first `rows` rows of a table as they will be stored (or why each cannot be). */
export function importPreview(
  table: ImportTable,
  rows: number,
): Promise<import("./bindings").ImportPreviewRow[]> {
  return call("import_preview", { path: table.path, plan: table.plan, rows });
}

type ImportArgs = {
  tables: ImportTable[];
  mode: import("./bindings").ImportMode;
  defaultTier: import("./bindings").Tier;
};

/** The dry run: counts a commit would create, update, skip and refuse. Nothing is written. */
export function importPlan(
  args: ImportArgs,
  onProgress: (p: import("./bindings").ImportProgress) => void,
): Promise<import("./bindings").ImportReport> {
  const channel = new Channel<import("./bindings").ImportProgress>(onProgress);
  return call("import_plan", { ...args, onProgress: channel });
}

/** The import as one batch; `onProgress` hears every 1,000 rows. */
export function importRun(
  args: ImportArgs,
  onProgress: (p: import("./bindings").ImportProgress) => void,
): Promise<import("./bindings").ImportReport> {
  const channel = new Channel<import("./bindings").ImportProgress>(onProgress);
  return call("import_run", { ...args, onProgress: channel });
}

/** Stops the running import or dry run (nothing is written); false when none was running. */
export function importCancel(): Promise<boolean> {
  return call<boolean>("import_cancel", {});
}

/** Every import batch, newest first. */
export function importBatches(): Promise<import("./bindings").ImportBatch[]> {
  return call("import_batches", {});
}

/** "Undo this import": what was removed, restored, and kept (with why). */
export function importUndo(batch: number): Promise<import("./bindings").UndoReport> {
  return call("import_undo", { batch });
}

/** Writes the last dry run's or import's refused rows (input cells + `error`); the files written. */
export function importWriteErrors(path: string): Promise<string[]> {
  return call<string[]>("import_write_errors", { path });
}

/** Exports every record of `kind` (optionally one client's, and days `from`–`to`) to `path`. */
export function exportRecords(args: {
  kind: import("./bindings").ExportKind;
  companyId: number | null;
  from: string | null;
  to: string | null;
  format: import("./bindings").ExportFormat;
  path: string;
}): Promise<import("./bindings").ExportSummary> {
  return call("export_records", args);
}
