// What the queue looked like when the technician left it for a ticket: filters, sort order,
// highlighted row and scroll position, so coming back lands where they were.

import type { Priority, QueueSort, TicketStatus } from "../ipc";

export const queueMemory = $state({
  search: "",
  status: "" as TicketStatus | "",
  priority: "" as Priority | "",
  companyId: "" as number | "",
  mine: false,
  atRisk: false,
  sort: "priority" as QueueSort,
  descending: false,
  active: -1,
  scrollTop: 0,
});

/** Words typed into one search box, carried to the other when its link is followed. */
export const searchHandoff = $state({ words: "" });
