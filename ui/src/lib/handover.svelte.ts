// Hand-over mode: the window belongs to the end user until the technician's PIN takes it back.
// The lock is kept in localStorage too, so reloading the page or restarting the app comes back
// to the hand-over screen rather than to the technician's view.

export interface Handover {
  ticketId: number;
  ticketNumber: string;
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

export function endHandover(): void {
  globalThis.localStorage?.removeItem(KEY);
  handover.active = null;
}
