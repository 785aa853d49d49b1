// Intake (the template's intake phase) as one form: what the technician has entered, the step
// values it becomes, and which of those steps still need sending when "Open ticket" is pressed.
// Steps go by key: their numbers differ between template versions. What is missing and which
// priority the matrix gives are the core's answers (`previewIntake`): no rule lives here.

import type {
  Asset,
  ContactHit,
  Impact,
  JsonValue,
  Priority,
  StepView,
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
  /** Values of the desk's own intake steps, by step key. */
  custom: Record<string, FormValues>;
}

/** The built-in intake steps the form has its own sections for; any other is the desk's own. */
export const INTAKE_KEYS = {
  caller: "verify_caller",
  assets: "scope_assets",
  priority: "set_priority",
  noc: "check_noc",
  open: "open_ticket",
} as const;

const BUILT_IN: ReadonlySet<string> = new Set(Object.values(INTAKE_KEYS));

/** The intake phase's steps that are the desk's own, in template order. */
export function customIntakeSteps(view: TicketView): StepView[] {
  return (view.phases.find((p) => p.key === "intake")?.steps ?? []).filter((s) => !BUILT_IN.has(s.key));
}

/** Step numbers of this ticket's template, by key. */
export function stepNumbers(view: TicketView): Map<string, number> {
  return new Map(view.phases.flatMap((p) => p.steps).map((s) => [s.key, s.number]));
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
    custom: {},
  };
}

function text(values: FormValues, key: string): string {
  const value = values[key];
  return typeof value === "string" ? value : "";
}

/** Picks an intake up again from the ticket (after a reload, or from the queue). */
export function intakeFromView(view: TicketView): IntakeDraft {
  const steps = new Map(view.phases.flatMap((p) => p.steps).map((s) => [s.key, s]));
  const values = (key: string): FormValues => {
    const step = steps.get(key);
    return step === undefined ? {} : initialValues(step);
  };
  const v1 = values(INTAKE_KEYS.caller);
  const v3 = values(INTAKE_KEYS.priority);
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
    scope: text(values(INTAKE_KEYS.assets), "scope"),
    impact: ticket.impact,
    urgency: ticket.urgency,
    priority: ticket.priority !== ticket.priority_computed ? ticket.priority : null,
    priorityReason: text(v3, "override_reason"),
    incidentId: ticket.parent_incident_id,
    nocNotes: text(values(INTAKE_KEYS.noc), "notes"),
    problem: text(values(INTAKE_KEYS.open), "problem_statement"),
    custom: Object.fromEntries(customIntakeSteps(view).map((s) => [s.key, initialValues(s)])),
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
  key: string;
  values: FormValues;
}

/** A submission with the number the ticket's template gives its step, ready for `completeStep`. */
export interface NumberedSubmission extends StepSubmission {
  step: number;
}

/**
 * The intake steps' values by key: the built-in five, then the desk's own. Without an explicit
 * pick, the priority step carries `matrix`, the priority the core's matrix gave (null leaves it
 * out: the preview then answers with the matrix's). The override reason goes only with an
 * explicit pick, which the form clears when it equals the matrix's answer.
 */
export function intakeSubmissions(draft: IntakeDraft, matrix: Priority | null): StepSubmission[] {
  return [
    {
      key: INTAKE_KEYS.caller,
      values: compact({
        contact: draft.caller?.contact.id,
        authorization: draft.authorization,
        override_reason: draft.authorization === OVERRIDE ? draft.overrideReason : undefined,
      }),
    },
    { key: INTAKE_KEYS.assets, values: compact({ assets: draft.assets.map((a) => a.id), scope: draft.scope }) },
    {
      key: INTAKE_KEYS.priority,
      values: compact({
        impact: draft.impact,
        urgency: draft.urgency,
        priority: draft.priority ?? matrix,
        override_reason: draft.priority !== null ? draft.priorityReason : undefined,
      }),
    },
    { key: INTAKE_KEYS.noc, values: compact({ parent_incident: draft.incidentId, notes: draft.nocNotes }) },
    { key: INTAKE_KEYS.open, values: compact({ problem_statement: draft.problem }) },
    // A desk's own step left empty is not sent: an optional one stays undone, and a required one
    // is named by the core's answer (the opening needs it).
    ...Object.entries(draft.custom)
      .map(([key, values]) => ({ key, values: compact(values as Record<string, JsonValue | undefined>) }))
      .filter((sub) => Object.keys(sub.values).length > 0),
  ];
}

function canonical(values: FormValues): string {
  return JSON.stringify(Object.keys(values).sort().map((k) => [k, values[k]]));
}

/**
 * Submissions still to send, numbered and in the template's order: steps not done, or done with
 * other values than these. A step this ticket's template does not have (one the desk removed) is
 * left out.
 */
export function unsentSubmissions(view: TicketView, all: StepSubmission[]): NumberedSubmission[] {
  const numbers = stepNumbers(view);
  const numbered = all
    .flatMap((sub) => {
      const step = numbers.get(sub.key);
      return step === undefined ? [] : [{ ...sub, step }];
    })
    .sort((a, b) => a.step - b.step);
  const done = new Map(
    view.phases
      .flatMap((p) => p.steps)
      .filter((s) => s.state.state === "done" && s.completion !== null)
      .map((s) => [s.number, canonical(s.completion?.values ?? {})]),
  );
  // Once one step is sent again, the ones after it are too: a new caller clears assets and priority.
  let changed = false;
  return numbered.filter((sub) => {
    changed ||= done.get(sub.step) !== canonical(sub.values);
    return changed;
  });
}
