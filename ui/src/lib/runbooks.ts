// Runbook entries in the window: the checks the editor makes before asking the core (the core
// keeps its own: store/runbooks.rs), where the core's refusals belong, and step 20's outcomes.

import type { RunbookInput } from "../ipc";
import type { FieldErrors } from "./form-check";

/** The core's limits (RUNBOOK_TITLE_MAX, RUNBOOK_BODY_MAX), in characters. */
export const RUNBOOK_TITLE_MAX = 300;
export const RUNBOOK_BODY_MAX = 100_000;

/** Step 20's outcomes, as the template spells them (template/builtin.rs). */
export const ENTRY_CREATED = "Entry created";
export const ENTRY_UPDATED = "Entry updated";

/** Why an entry cannot be saved, by field (title, body). `before` is the entry being edited. */
export function runbookProblems(
  input: RunbookInput,
  before: RunbookInput | null,
): FieldErrors {
  const errors: FieldErrors = {};
  const title = input.title.trim();
  if (title === "") errors.title = "Type a title: what the entry is about.";
  else if ([...title].length > RUNBOOK_TITLE_MAX) {
    errors.title = `The title is ${[...title].length} characters; at most ${RUNBOOK_TITLE_MAX}.`;
  }
  const length = [...input.body].length;
  if (length > RUNBOOK_BODY_MAX) {
    errors.body = `The text is ${length.toLocaleString()} characters; at most ${RUNBOOK_BODY_MAX.toLocaleString()}. Shorten it or split it into several entries.`;
  }
  if (
    before !== null &&
    Object.keys(errors).length === 0 &&
    before.title === title &&
    before.body === input.body &&
    before.company_id === input.company_id
  ) {
    errors.body = "Nothing changed yet: edit the title, the client or the text.";
  }
  return errors;
}

/** The editor's field a core refusal belongs to, by its code; null for the form as a whole. */
export function runbookFieldFor(code: string): "title" | "body" | "company" | null {
  switch (code) {
    case "RUNBOOK_TITLE_INVALID":
      return "title";
    case "RUNBOOK_BODY_TOO_LONG":
      return "body";
    case "RUNBOOK_OTHER_CLIENT":
      return "company";
    default:
      return null;
  }
}

/** Step 20's runbook links after `id` was created or updated from the ticket. */
export function withLink(links: unknown, id: number): number[] {
  const list = Array.isArray(links) ? links.filter((x): x is number => typeof x === "number") : [];
  return list.includes(id) ? list : [...list, id];
}
