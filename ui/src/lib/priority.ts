// The orders the priority pickers and the matrix card show their options in (rows by impact,
// columns by urgency, as the core's matrix is laid out). Which priority a rating gives is the
// core's answer alone: the intake asks it (`previewIntake`), the UI keeps no copy of the matrix.

import type { Impact, Priority, Urgency } from "../ipc";

export const IMPACTS: readonly Impact[] = ["organization", "department", "user"];
export const URGENCIES: readonly Urgency[] = ["blocked", "degraded", "request"];
export const PRIORITIES: readonly Priority[] = ["P1", "P2", "P3", "P4"];
