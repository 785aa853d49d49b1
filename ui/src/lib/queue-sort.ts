// The queue's sortable columns. The order itself is the core's (an SQL ORDER BY over indexes);
// this only decides which order to ask for when a header is clicked, and how to show it.

import type { QueueQuery, QueueSort } from "../ipc";

export interface SortState {
  sort: QueueSort;
  descending: boolean;
}

/** The queue's default order: what needs action first (priority, then the SLA deadline). */
export const DEFAULT_SORT: SortState = { sort: "priority", descending: false };

/** What ascending means for each column, for the header's tooltip. */
export const SORT_ORDERS: Record<QueueSort, [ascending: string, descending: string]> = {
  priority: ["P1 first, then the soonest SLA deadline", "P4 first"],
  number: ["Oldest ticket number first", "Newest ticket number first"],
  client: ["Clients A to Z", "Clients Z to A"],
  status: ["New, open, escalated, waiting, resolved", "Resolved first"],
  sla_due: ["Breached and soonest deadline first", "Latest deadline first"],
  age: ["Youngest first", "Oldest first"],
};

/** A click on `column`'s header: the same column again reverses it, another starts ascending. */
export function nextSort(current: SortState, column: QueueSort): SortState {
  return current.sort === column
    ? { sort: column, descending: !current.descending }
    : { sort: column, descending: false };
}

/** The query keys for a sort. The default order sends none, so the first page the shell
 *  preloads at launch (the query with no keys) is the one the queue asks for. */
export function sortQuery(state: SortState): Pick<QueueQuery, "sort" | "descending"> {
  if (state.sort === DEFAULT_SORT.sort && state.descending === DEFAULT_SORT.descending) return {};
  return state.descending ? { sort: state.sort, descending: true } : { sort: state.sort };
}

/** `aria-sort` of `column`'s header. */
export function ariaSort(state: SortState, column: QueueSort): "ascending" | "descending" | "none" {
  if (state.sort !== column) return "none";
  return state.descending ? "descending" : "ascending";
}

/** How the sorted list describes itself to a screen reader. */
export function sortDescription(state: SortState): string {
  return SORT_ORDERS[state.sort][state.descending ? 1 : 0];
}
