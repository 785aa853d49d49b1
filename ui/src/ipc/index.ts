// The only module that talks to the Tauri shell. Everything else in the UI calls these typed
// functions, so a change of transport or command name touches one file, and every failure
// reaches the UI in one shape: `IpcError` with a stable `code` to switch on.
//
// The payload types mirror the Rust types of `ticketflow-core` (store::QueueQuery, QueueRow,
// sla::SlaStatus, error::ErrorPayload) by hand for now.

import { invoke, isTauri } from "@tauri-apps/api/core";

export type Priority = "P1" | "P2" | "P3" | "P4";

export type TicketStatus =
  | "new"
  | "open"
  | "escalated"
  | "waiting_on_customer"
  | "resolved"
  | "closed";

export type SlaState = "running" | "at_risk" | "paused" | "breached" | "met";

export interface SlaStatus {
  state: SlaState;
  /** RFC 3339 UTC; absent while paused or when the target is not yet known. */
  due_at: string | null;
  elapsed_secs: number;
  remaining_secs: number;
  paused_secs: number;
  target_secs: number;
}

export interface QueueQuery {
  status?: TicketStatus | null;
  priority?: Priority | null;
  company_id?: number | null;
  search?: string | null;
  limit?: number | null;
  offset?: number | null;
}

export interface QueueRow {
  id: number;
  number: string;
  company: string;
  contact: string | null;
  priority: Priority | null;
  status: TicketStatus;
  assignee: string | null;
  problem: string;
  created_at: string;
  first_response: SlaStatus | null;
  resolution: SlaStatus | null;
}

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

/** Tells the shell a view finished painting (logged with the time since launch). */
export function reportPainted(view: string, rows: number): Promise<void> {
  return call<void>("ui_painted", { view, rows });
}
