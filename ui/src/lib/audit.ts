// Audit events in words. The action names are the core's (`step_6_completed`, `caller_override`).

import type { JsonValue } from "../ipc";

const STEP_ACTION = /^step_(\d+)_(\w+)$/;

/** "Step 6 completed: Reproduce the issue…", "Caller override", "Waiting on customer". */
export function auditTitle(action: string, stepTitles: ReadonlyMap<number, string>): string {
  const match = STEP_ACTION.exec(action);
  if (match) {
    const number = Number(match[1]);
    const verb = (match[2] ?? "").replaceAll("_", " ");
    const title = stepTitles.get(number);
    return `Step ${number} ${verb}` + (title === undefined ? "" : `: ${title}`);
  }
  const words = action.replaceAll("_", " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Before/after as indented JSON text, for the event's details (always rendered as text). */
export function auditDetail(value: JsonValue): string {
  return value === null ? "—" : JSON.stringify(value, null, 2);
}
