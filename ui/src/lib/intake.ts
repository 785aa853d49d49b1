// Intake (steps 1–5) as one form: what the technician has entered, the step values it becomes,
// and which of those steps still need sending when "Open ticket" is pressed. What is missing and
// which priority the matrix gives are the core's answers (`previewIntake`): no rule lives here.

import type {
  Asset,
  ContactHit,
  Impact,
  JsonValue,
  Priority,
  TicketView,
  Urgency,
} from "../ipc";
import { initialValues, type FormValues } from "./step-values";

export const AUTHORIZED = "Authorized";
export const OVERRIDE = "Override";

export interface IntakeDraft {
  caller: ContactHit | null;
  authorization: typeof AUTHORIZED | typeof OVERRIDE | null;
  overrideReason: string;
  assets: Asset[];
  scope: string;
  impact: Impact | null;
  urgency: Urgency | null;
  /** The technician's explicit pick; null follows the matrix. */
  priority: Priority | null;
  priorityReason: string;
  incidentId: number | null;
  nocNotes: string;
  problem: string;
}

export function emptyIntake(): IntakeDraft {
  return {
    caller: null,
    authorization: null,
    overrideReason: "",
    assets: [],
    scope: "",
    impact: null,
    urgency: null,
    priority: null,
    priorityReason: "",
    incidentId: null,
    nocNotes: "",
    problem: "",
  };
}

function text(values: FormValues, key: string): string {
  const value = values[key];
  return typeof value === "string" ? value : "";
}

/** Picks an intake up again from the ticket (after a reload, or from the queue). */
export function intakeFromView(view: TicketView): IntakeDraft {
  const steps = new Map(view.phases.flatMap((p) => p.steps).map((s) => [s.number, s]));
  const values = (n: number): FormValues => {
    const step = steps.get(n);
    return step === undefined ? {} : initialValues(step);
  };
  const v1 = values(1);
  const v3 = values(3);
  const { ticket, contact, company } = view;
  const auth = text(v1, "authorization");
  return {
    caller:
      contact !== null && company !== null
        ? { contact, company: company.name, tier: company.tier, refusal: null }
        : null,
    authorization: auth === AUTHORIZED || auth === OVERRIDE ? auth : null,
    overrideReason: text(v1, "override_reason"),
    assets: view.assets,
    scope: text(values(2), "scope"),
    impact: ticket.impact,
    urgency: ticket.urgency,
    priority: ticket.priority !== ticket.priority_computed ? ticket.priority : null,
    priorityReason: text(v3, "override_reason"),
    incidentId: ticket.parent_incident_id,
    nocNotes: text(values(4), "notes"),
    problem: text(values(5), "problem_statement"),
  };
}

/** A caller chosen in the type-ahead: an authorized one is authorized, a refused one must be overridden. */
export function withCaller(draft: IntakeDraft, caller: ContactHit | null): IntakeDraft {
  const sameCompany = caller?.contact.company_id === draft.caller?.contact.company_id;
  return {
    ...draft,
    caller,
    authorization: caller === null || caller.refusal !== null ? null : AUTHORIZED,
    overrideReason: "",
    // Assets belong to one client: a caller from another company starts that list again.
    assets: sameCompany ? draft.assets : [],
  };
}

function compact(values: Record<string, JsonValue | undefined>): FormValues {
  const out: FormValues = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

export interface StepSubmission {
  step: number;
  values: FormValues;
}

/**
 * The five intake steps' values, in order. Without an explicit pick, step 3 carries `matrix`, the
 * priority the core's matrix gave (null leaves it out: the preview then answers with the matrix's).
 * The override reason goes only with an explicit pick, which the form clears when it equals the
 * matrix's answer.
 */
export function intakeSubmissions(draft: IntakeDraft, matrix: Priority | null): StepSubmission[] {
  return [
    {
      step: 1,
      values: compact({
        contact: draft.caller?.contact.id,
        authorization: draft.authorization,
        override_reason: draft.authorization === OVERRIDE ? draft.overrideReason : undefined,
      }),
    },
    { step: 2, values: compact({ assets: draft.assets.map((a) => a.id), scope: draft.scope }) },
    {
      step: 3,
      values: compact({
        impact: draft.impact,
        urgency: draft.urgency,
        priority: draft.priority ?? matrix,
        override_reason: draft.priority !== null ? draft.priorityReason : undefined,
      }),
    },
    { step: 4, values: compact({ parent_incident: draft.incidentId, notes: draft.nocNotes }) },
    { step: 5, values: compact({ problem_statement: draft.problem }) },
  ];
}

function canonical(values: FormValues): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
}

/** Submissions still to send: steps not done, or done with other values than these. */
export function unsentSubmissions(view: TicketView, all: StepSubmission[]): StepSubmission[] {
  const done = new Map(
    view.phases
      .flatMap((p) => p.steps)
      .filter((s) => s.state.state === "done" && s.completion !== null)
      .map((s) => [s.number, canonical(s.completion?.values ?? {})]),
  );
  // Once one step is sent again, the ones after it are too: a new caller clears assets and priority.
  let changed = false;
  return all.filter((sub) => {
    changed ||= done.get(sub.step) !== canonical(sub.values);
    return changed;
  });
}
