// What a closed ticket came to, read from its completed steps: the resolution code and closure
// notes (the close), the root cause (the documented resolution), the end user's rating and comment
// (the CSAT survey) and who closed it. Steps are found by key: their numbers differ between
// template versions. Pure: the ClosedOutcome card shows it, tests check it.

import type { JsonValue, TicketView } from "../ipc";
import { RATING_SCALE } from "./handover.svelte";
import { CLOSE, CSAT, DOCUMENT_RESOLUTION, stepByKey } from "./step-keys";

export interface ClosedOutcome {
  resolutionCode: string | null;
  rootCause: string | null;
  closureNotes: string | null;
  /** A rating the end user gave, with the label they saw for it. */
  rating: { value: number; label: string } | null;
  /** Why there is no rating, when there is none. */
  ratingNote: string;
  comment: string | null;
  closedBy: string | null;
  closedAt: string | null;
}

function text(v: JsonValue | undefined): string | null {
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

export function closedOutcome(view: TicketView): ClosedOutcome {
  const close = stepByKey(view, CLOSE)?.completion ?? null;
  const cause = stepByKey(view, DOCUMENT_RESOLUTION)?.completion ?? null;
  const csat = stepByKey(view, CSAT)?.completion ?? null;
  const raw = csat?.values.rating;
  const value = typeof raw === "number" ? raw : typeof raw === "string" && /^[1-5]$/.test(raw) ? Number(raw) : null;
  const point = RATING_SCALE.find((p) => p.value === value);
  return {
    resolutionCode: view.ticket.resolution_code ?? text(close?.values.resolution_code),
    rootCause: text(cause?.values.root_cause),
    closureNotes: text(close?.values.closure_notes),
    rating: point === undefined ? null : { value: point.value, label: point.label },
    ratingNote: csat === null ? "No survey recorded" : raw === "sent" ? "Survey sent, no answer" : "No rating",
    comment: text(csat?.values.comment),
    closedBy: close?.completed_by ?? null,
    closedAt: view.ticket.closed_at ?? close?.completed_at ?? null,
  };
}
