// Hand-over mode: the window belongs to the end user until a technician's PIN takes it back.
// The core holds the hand-over (it refuses every other command meanwhile, and it survives a
// reload, a restart or a kill); this module only mirrors it for rendering. Until the core has
// answered, `known` is false and the app shows nothing, so no other screen flashes up first.

import { getHandover, onHandoverRefusal, type HandoverSession } from "../ipc";
import { shownError, type ShownError } from "./errors";

export const handover = $state<{
  active: HandoverSession | null;
  known: boolean;
  error: ShownError | null;
}>({ active: null, known: false, error: null });

/** Asks the core whether a hand-over is under way. A failure is shown, and the app goes on as if
 *  none were (every command still answers HANDOVER_ACTIVE if one is). */
export async function refreshHandover(): Promise<void> {
  try {
    handover.active = await getHandover();
    handover.error = null;
  } catch (e) {
    handover.error = shownError(e);
  } finally {
    handover.known = true;
  }
}

// A command refused with HANDOVER_ACTIVE means the core is in a hand-over this page missed.
onHandoverRefusal(() => void refreshHandover());

/** The core stored a hand-over (or moved it on): show it. */
export function showHandover(session: HandoverSession): void {
  handover.active = session;
  handover.known = true;
}

/** The core ended the hand-over. */
export function handoverEnded(): void {
  handover.active = null;
}

/** The built-in template's outcome options for step 13. */
export const VERIFIED = "Verified";
export const STILL_FAILING = "Still failing";

/** The problem as one short line for the hand-over's header: its first line, whole words, at
 *  most `max` characters (the full text is in the summary the signer reads). */
export function shortProblem(problem: string | undefined, max = 80): string {
  const first = (problem ?? "").trim().split(/\r?\n/)[0]?.trim() ?? "";
  if (first.length <= max) return first;
  const cut = first.slice(0, max + 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut.slice(0, max)).trimEnd()}…`;
}

/** The CSAT scale as the signer sees it: every point labelled. */
export const RATING_SCALE: readonly { value: number; label: string }[] = [
  { value: 1, label: "Very dissatisfied" },
  { value: 2, label: "Dissatisfied" },
  { value: 3, label: "Neutral" },
  { value: 4, label: "Satisfied" },
  { value: 5, label: "Very satisfied" },
];
