// The only module that talks to the Tauri shell. Everything else in the UI calls these typed
// functions, so a change of transport or command name touches one file, and every failure
// reaches the UI in one shape: `IpcError` with a stable `code` to switch on.
//
// The payload types are generated from the Rust types of `ticketflow-core` (bindings.ts, kept
// fresh by a test), so the two sides cannot drift apart.

import { invoke, isTauri } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type {
  Asset,
  Company,
  Contact,
  ContactHit,
  Incident,
  NewAsset,
  NewCompany,
  NewContact,
  NewTimeEntry,
  PriorityMatrix,
  QueueQuery,
  QueueRow,
  RunbookHit,
  Technician,
  TicketView,
  TimeEntry,
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
    throw toIpcError(raw);
  }
}

/** One page of the ticket queue, in the core's order. The core clamps `limit`. */
export function listQueue(query: QueueQuery = {}): Promise<QueueRow[]> {
  return call<QueueRow[]>("list_queue", { query });
}

export function queueCount(query: QueueQuery = {}): Promise<number> {
  return call<number>("queue_count", { query });
}

export function createTicket(): Promise<TicketView> {
  return call<TicketView>("create_ticket", {});
}

export function getTicket(id: number): Promise<TicketView> {
  return call<TicketView>("get_ticket", { id });
}

export function completeStep(
  id: number,
  step: number,
  values: Record<string, unknown>,
): Promise<TicketView> {
  return call<TicketView>("complete_step", { id, step, values });
}

/** Autosave of a paragraph the technician is typing. */
export function saveDraft(id: number, step: number, field: string, text: string): Promise<void> {
  return call<void>("save_draft", { id, step, field, text });
}

export function waitOnCustomer(id: number): Promise<TicketView> {
  return call<TicketView>("wait_on_customer", { id });
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

/** The configured impact × urgency matrix (rows impact, columns urgency). */
export function getPriorityMatrix(): Promise<PriorityMatrix> {
  return call<PriorityMatrix>("get_priority_matrix", {});
}

export function listTechnicians(): Promise<Technician[]> {
  return call<Technician[]>("list_technicians", {});
}

export function getCurrentTechnician(): Promise<string | null> {
  return call<string | null>("get_current_technician", {});
}

export function setCurrentTechnician(name: string): Promise<void> {
  return call<void>("set_current_technician", { name });
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
