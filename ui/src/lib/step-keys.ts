// Keys of the template steps the window looks up (the core's `template::builtin` constants).
// A desk's template versions number their steps differently (steps moved, its own inserted), so
// the window finds a step by key in the ticket's own view, never by number.

import type { StepView, TicketView } from "../ipc";

export const ESCALATION_DECISION = "escalation_decision";
export const DOCUMENT_RESOLUTION = "document_resolution";
export const SUMMARY = "resolution_summary";
export const REOPEN_REASSIGN = "reopen_reassign";
export const CSAT = "csat";
export const CLOSE = "close";

/** The ticket's step with `key`, as its template version numbers it; undefined without one. */
export function stepByKey(view: TicketView, key: string): StepView | undefined {
  return view.phases.flatMap((p) => p.steps).find((s) => s.key === key);
}
