// Hand-over mode: the window belongs to the end user until the technician's PIN takes it back.
// The lock is kept in localStorage too, so reloading the page or restarting the app comes back
// to the hand-over screen rather than to the technician's view.

export interface Handover {
  ticketId: number;
  ticketNumber: string;
  /** The ticket's problem statement, shown at the top so the signer knows which ticket this is
   *  (absent in a hand-over stored by an older build). */
  problem?: string;
  /** The plain-English summary shown to the end user: what their signature is over. */
  summary: string;
  /** Who is expected to sign (the caller); the signer can change it. */
  signerName: string;
  /** The meaning the template gives the end user's signature. */
  meaning: string;
  /** Only the signature is taken again (the summary changed after the first one). */
  resign: boolean;
  /** Whether the CSAT rating can still be asked (step 18 not done yet). */
  askRating: boolean;
}

const KEY = "ticketflow.handover";

/** The built-in template's outcome options for step 13. */
export const VERIFIED = "Verified";
export const STILL_FAILING = "Still failing";

function stored(): Handover | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Handover) : null;
  } catch {
    return null;
  }
}

export const handover = $state<{ active: Handover | null }>({ active: stored() });

export function startHandover(h: Handover): void {
  globalThis.localStorage?.setItem(KEY, JSON.stringify(h));
  handover.active = h;
}

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

export function endHandover(): void {
  globalThis.localStorage?.removeItem(KEY);
  handover.active = null;
}
