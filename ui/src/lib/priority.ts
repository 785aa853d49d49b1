// The priority preview of intake step 3. The core decides the priority when the step is completed;
// this shows the technician the same answer while they pick impact and urgency.

import type { Impact, Priority, Urgency } from "../ipc";

export const IMPACTS: readonly Impact[] = ["organization", "department", "user"];
export const URGENCIES: readonly Urgency[] = ["blocked", "degraded", "request"];
export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];

/** Rows by impact, columns by urgency, in the orders above. */
export type PriorityMatrix = readonly (readonly [Priority, Priority, Priority])[];

/** The core's default, shown only until the installation's matrix has loaded. */
export const DEFAULT_MATRIX: PriorityMatrix = [
  ["P1", "P2", "P3"],
  ["P2", "P3", "P4"],
  ["P2", "P3", "P4"],
];

export function matrixPriority(
  impact: Impact | null,
  urgency: Urgency | null,
  matrix: PriorityMatrix = DEFAULT_MATRIX,
): Priority | null {
  if (impact === null || urgency === null) return null;
  return matrix[IMPACTS.indexOf(impact)]?.[URGENCIES.indexOf(urgency)] ?? null;
}

export interface PriorityPreview {
  /** What the matrix gives, once impact and urgency are both chosen. */
  computed: Priority | null;
  /** What the ticket will get: the technician's choice, else the matrix's. */
  effective: Priority | null;
  /** The choice differs from the matrix: the core will want a written reason. */
  overridden: boolean;
}

export function previewPriority(
  impact: Impact | null,
  urgency: Urgency | null,
  chosen: Priority | null,
  matrix: PriorityMatrix = DEFAULT_MATRIX,
): PriorityPreview {
  const computed = matrixPriority(impact, urgency, matrix);
  const effective = chosen ?? computed;
  return {
    computed,
    effective,
    overridden: computed !== null && effective !== null && effective !== computed,
  };
}
