// Between a step's fields and the values `completeStep` takes, and back to words for a step that
// is done. The core checks every value; this only shapes them.

import type { Field, JsonValue, StepView, TicketView } from "../ipc";
import { formatDay, yesNo } from "./custom-fields";
import { IMPACT_LABELS, URGENCY_LABELS } from "./format";
import type { Impact, Urgency } from "../ipc";

export type FormValues = Record<string, unknown>;

/** What a step's form starts with: the core's suggestion (step 11 from diagnosis), then its last
 *  completion (to redo it), then the saved drafts, each over the one before. */
export function initialValues(step: StepView): FormValues {
  const values: FormValues = { ...(step.prefill ?? {}), ...(step.completion?.values ?? {}) };
  for (const [field, text] of Object.entries(step.drafts)) values[field] = text;
  return values;
}

/** The decision value of step 10 that escalates (the template's option text). */
export const ESCALATE = "Escalate to Tier 2";

function isBlank(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0)
  );
}

/** The values to submit: the step's own fields, filled in. Signatures wait for their feature. */
export function submission(fields: Field[], form: FormValues): FormValues {
  const out: FormValues = {};
  for (const field of fields) {
    if (field.kind.type === "signature") continue;
    const value = form[field.key];
    if (!isBlank(value)) out[field.key] = value;
  }
  return out;
}

function names(ids: JsonValue, lookup: Map<number, string>, noun: string): string {
  const list = Array.isArray(ids) ? ids : [ids];
  return list
    .map((id) => (typeof id === "number" ? (lookup.get(id) ?? `${noun} #${id}`) : String(id)))
    .join(", ");
}

/** A completed field's value in words, using what the ticket view already carries. */
export function describeValue(field: Field, value: JsonValue, view: TicketView): string {
  switch (field.kind.type) {
    case "list":
      return Array.isArray(value) ? value.join(", ") : String(value);
    case "paragraph":
      return String(value);
    case "yes_no":
      return yesNo(value);
    case "number":
      return String(value);
    case "date":
      return typeof value === "string" ? formatDay(value) : String(value);
    case "contact":
      return view.contact !== null && view.contact.id === value
        ? view.contact.name
        : names(value, new Map(), "Contact");
    case "assets":
      return names(value, new Map(view.assets.map((a) => [a.id, a.hostname])), "Asset");
    case "impact":
      return IMPACT_LABELS[value as Impact] ?? String(value);
    case "urgency":
      return URGENCY_LABELS[value as Urgency] ?? String(value);
    case "parent_incident":
      return view.incident !== null && view.incident.id === value
        ? view.incident.title
        : names(value, new Map(), "Incident");
    case "runbook_links":
      return names(value, new Map(view.runbooks.map((r) => [r.id, r.title])), "Runbook entry");
    case "rating":
      return value === "sent" ? "Survey sent, no answer yet" : `${String(value)} out of 5`;
    case "signature":
      return "Signed";
  }
}
