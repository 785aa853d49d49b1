// A company's CSAT survey link (issue 18) as the company form edits it: the hint's words, what
// counts as a change, and the core's refusal turned into the field's message. The check itself
// stays in the core (`check_survey_template`): the form asks it before saving anything.

import type { ShownError } from "../../lib/errors";

/** The placeholders the core fills in, each with what it becomes (URL-encoded). */
export const SURVEY_PLACEHOLDERS: { name: string; means: string }[] = [
  { name: "{ticket}", means: "the ticket number" },
  { name: "{psa_ticket}", means: "the PSA's ticket number (asked when the summary is queued)" },
  { name: "{contact_email}", means: "the requester's email address" },
];

export const SURVEY_EXAMPLE = "https://survey.example.com/csat?ticket={ticket}&email={contact_email}";

/** The link as the core stores it: trimmed, blank meaning none. */
export function surveyLinkValue(typed: string): string | null {
  const value = typed.trim();
  return value === "" ? null : value;
}

/** Whether the typed link differs from the stored one (so Save has it to write). */
export function surveyLinkChanged(stored: string | null, typed: string): boolean {
  return surveyLinkValue(typed) !== stored;
}

const FIELD = "csat_survey_url";

/**
 * The message under the field when the core refused the link: its reason (which says what to
 * write instead) and the code. `null` when the error is not about the link: it is shown with
 * the form's other errors.
 */
export function surveyLinkError(error: ShownError): string | null {
  if (error.code !== "INVALID_INPUT") return null;
  const prefix = `invalid ${FIELD}: `;
  if (!error.message.startsWith(prefix)) return null;
  return `Survey link: ${error.message.slice(prefix.length)} (${error.code})`;
}
