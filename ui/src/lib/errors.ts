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

// Hand-over mode: the person holding the screen is the end user (or, to leave it, the technician
// with a PIN). They get a sentence that says what to do next; the code and the core's message go
// to the console for whoever supports the desk, never onto the screen.

/** What the hand-over was doing when it failed: the same code needs other words in each. */
export type HandoverAction = "answer" | "sign" | "rate" | "unlock";

const HAND_BACK = "Please hand the device back to your technician.";
const TRY_AGAIN = "Please try again. If it happens again, hand the device back to your technician.";

/** Codes raised in the hand-over itself, before anything reaches the core. */
export const HANDOVER_UI_CODES = {
  signatureEmpty: "SIGNATURE_EMPTY",
  signatureTooSmall: "SIGNATURE_TOO_SMALL",
  nameRequired: "NAME_REQUIRED",
} as const;

/** Every code the hand-over can meet: its own, the core's for steps 13/18 and the PIN check, and
 *  the bridge's. Kept as a list so a test proves each one has its own sentence. */
export const HANDOVER_CODES = [
  ...Object.values(HANDOVER_UI_CODES),
  "PIN_WRONG",
  "PIN_THROTTLED",
  "HANDOVER_PIN_WRONG",
  "NO_HANDOVER",
  "SIGNATURE_REPLAYED",
  "SIGNING_NONCE_INVALID",
  "PIN_REQUIRED",
  "PIN_NOT_SET",
  "INVALID_INPUT",
  "GATE_BLOCKED",
  "STEP_NOT_APPLICABLE",
  "INVALID_TRANSITION",
  "CLOSE_BLOCKED",
  "TICKET_CLOSED",
  "NOT_FOUND",
  "NO_TECHNICIAN",
  "TECHNICIAN_INACTIVE",
  "STORE_ERROR",
  "DESK_BUSY",
  "IMPORT_RUNNING",
  "IO_ERROR",
  "AUDIT_BROKEN",
  "MIGRATION_FAILED",
  "NO_BACKEND",
  "IPC_ERROR",
  "UI_ERROR",
] as const;

/** The sentence for the person holding the screen. Unknown codes get a safe general sentence. */
export function handoverSentence(code: string, action: HandoverAction): string {
  switch (code) {
    case "SIGNATURE_EMPTY":
      return "Please sign in the box first.";
    case "SIGNATURE_TOO_SMALL":
      return "That is too small to be a signature. Please sign your name across the box.";
    case "NAME_REQUIRED":
      return "Please write your name in the “Your name” box.";
    case "PIN_WRONG":
      return "That PIN is not right. Please try again.";
    case "PIN_THROTTLED":
      return "Too many wrong PINs. Please wait a minute, then try again.";
    case "HANDOVER_PIN_WRONG":
      return "That PIN is not right. Please try again (after five wrong PINs, each try takes longer to check).";
    case "NO_HANDOVER":
      return "This hand-over has already ended.";
    case "SIGNATURE_REPLAYED":
    case "SIGNING_NONCE_INVALID":
      return "That signature could not be accepted. Please tap ✕ to clear the box and sign again.";
    case "PIN_REQUIRED":
      return "Enter your PIN, then tap OK.";
    case "PIN_NOT_SET":
      return "The signed-in technician has no PIN yet, so this screen cannot be unlocked with one.";
    case "INVALID_INPUT":
      if (action === "sign") return "Your signature could not be saved. Please tap ✕ to clear the box and sign again.";
      if (action === "rate") return "Your rating could not be saved. Please choose a rating and send it again.";
      if (action === "unlock") return "A PIN is 6 to 12 digits. Please enter it again.";
      return `Your answer could not be saved. ${HAND_BACK}`;
    case "GATE_BLOCKED":
    case "STEP_NOT_APPLICABLE":
    case "INVALID_TRANSITION":
    case "CLOSE_BLOCKED":
      return `This cannot be recorded at the moment: your technician has to finish something first. ${HAND_BACK}`;
    case "TICKET_CLOSED":
      return `This ticket is already closed, so nothing more can be added to it. ${HAND_BACK}`;
    case "NOT_FOUND":
      return `This ticket could not be found any more. ${HAND_BACK}`;
    case "NO_TECHNICIAN":
      return action === "unlock"
        ? "No technician is signed in on this device, so no PIN can be checked."
        : `No technician is signed in on this device. ${HAND_BACK}`;
    case "TECHNICIAN_INACTIVE":
      return action === "unlock"
        ? "The signed-in technician is no longer active on this desk, so their PIN cannot unlock this screen."
        : `The signed-in technician is no longer active on this desk. ${HAND_BACK}`;
    case "DESK_BUSY":
    case "IMPORT_RUNNING":
      return "It could not be saved just now because the desk is busy. Please wait a moment, then try again.";
    case "STORE_ERROR":
    case "IO_ERROR":
    case "AUDIT_BROKEN":
    case "MIGRATION_FAILED":
      return `It could not be saved because of a problem on this device. ${TRY_AGAIN}`;
    default:
      return `Something went wrong. ${TRY_AGAIN}`;
  }
}

/** The code and the core's own message, for support: the console, never the screen. */
export function logHandoverError(error: ShownError, action: HandoverAction): void {
  console.warn(`hand-over (${action}) failed: ${error.code}: ${error.message}`);
}
