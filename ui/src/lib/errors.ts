// Every failure shown to the technician has the IPC shape {code, message}.

import { IpcError } from "../ipc";

export interface ShownError {
  code: string;
  message: string;
}

/** IPC calls reject with `IpcError`; anything else is a bug in the UI and says so. */
export function shownError(error: unknown): ShownError {
  if (error instanceof IpcError) return { code: error.code, message: error.message };
  return { code: "UI_ERROR", message: error instanceof Error ? error.message : String(error) };
}
