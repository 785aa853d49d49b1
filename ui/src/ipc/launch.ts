// The unfiltered queue's first page and count, defined by the shell before the UI's own scripts
// run (src-tauri/launch.rs). WebKitGTK answers IPC only after its first frame, so the launch
// view painted from these is a frame or more earlier than one fetched over IPC.

import type { HandoverSession, QueueQuery, QueueRow } from "./bindings";

/** `window.__TICKETFLOW_LAUNCH__`, as the shell writes it. */
export interface LaunchData {
  limit: number;
  rows: QueueRow[];
  count: number;
  /** The hand-over under way (then there is no queue in it). */
  handover: HandoverSession | null;
}

const GLOBAL = "__TICKETFLOW_LAUNCH__";

/** The keys a query sets other than the page's position and size: its filters and its sort.
 *  The launch page is in the default order, which the queue asks for with no sort keys. */
function filters(query: QueueQuery): string[] {
  return Object.keys(query).filter((key) => key !== "offset" && key !== "limit");
}

/** The keys that change which tickets match (a sort does not change how many). */
function matchFilters(query: QueueQuery): string[] {
  return filters(query).filter((key) => key !== "sort" && key !== "descending");
}

/** Answers the first matching page and count from the launch data, each once: later calls, and
 *  every other query, go to the shell, which has the current state. */
export class LaunchAnswers {
  #rows: QueueRow[] | undefined;
  #count: number | undefined;
  readonly #limit: number;

  constructor(data: LaunchData | undefined) {
    this.#rows = data?.rows;
    this.#count = data?.count;
    this.#limit = data?.limit ?? 0;
  }

  page(query: QueueQuery): QueueRow[] | undefined {
    const first = (query.offset ?? 0) === 0 && query.limit === this.#limit;
    if (this.#rows === undefined || !first || filters(query).length > 0) return undefined;
    const rows = this.#rows;
    this.#rows = undefined;
    return rows;
  }

  count(query: QueueQuery): number | undefined {
    if (this.#count === undefined || matchFilters(query).length > 0) return undefined;
    const count = this.#count;
    this.#count = undefined;
    return count;
  }
}

/** Takes the launch data out of `win`. A reloaded page gets none: the shell's script runs again
 *  on a reload, with the data of the launch, which may be stale by then. */
export function takeLaunchData(
  win: object,
  navigationType: string | undefined,
): LaunchData | undefined {
  const data = (win as Record<string, unknown>)[GLOBAL] as LaunchData | undefined;
  delete (win as Record<string, unknown>)[GLOBAL];
  return navigationType === "navigate" ? data : undefined;
}

/** How this document was loaded ("navigate", "reload", ...), where the browser says. */
export function navigationType(): string | undefined {
  const [entry] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  return entry?.type;
}
